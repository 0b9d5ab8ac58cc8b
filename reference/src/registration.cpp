// dtao-reference: subnet registration.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/registration.hpp"

#include "dtao/emission.hpp"

namespace dtao {

namespace {

/// `get_next_netuid`: the smallest unused netuid ≥ 1.
template <typename Model>
u64 next_netuid(const ChainStateT<Model>& s)
{
    u64 n = 1;
    while (s.find(n) != nullptr)
        ++n;
    return n;
}

/// The new subnet as `init_new_network` + the dynamic-pool part of
/// `do_register_network` leave it.
template <typename Model>
SubnetT<Model>& add_subnet(const Ruleset& rules, ChainStateT<Model>& s, u64 netuid,
                           const typename Model::Amount& pool_tao)
{
    SubnetT<Model> n;
    n.netuid = netuid;
    n.mechanism = Mechanism::dynamic;
    n.tempo = rules.default_tempo;
    n.network_registration_allowed = true;
    n.network_registered_at = s.block;
    n.subnet_tao = pool_tao;
    n.subnet_alpha_in = pool_tao;
    auto pos = s.subnets.begin();
    while (pos != s.subnets.end() && pos->netuid < netuid)
        ++pos;
    return *s.subnets.insert(pos, n);
}

}  // namespace

namespace chain {

u64 lock_reduction_interval(const ChainState& s)
{
    using fixed::I64F64;
    const auto e = block_emission(s.total_issuance);
    const I64F64 interval = I64F64::saturating_from_u64(s.network_lock_reduction_interval);
    const I64F64 emission = I64F64::saturating_from_u64(e ? e->emission : RAO_PER_TAO);
    const I64F64 halving = emission.checked_div(I64F64::saturating_from_u64(RAO_PER_TAO)).value_or(I64F64::zero());
    return interval.saturating_mul(halving).saturating_to_u64();
}

u64 network_lock_cost(const ChainState& s)
{
    const u64 last_lock = s.network_last_lock_cost;
    const u64 mult = s.network_last_registered == 0 ? 1 : 2;
    const u64 per_block = static_cast<u64>(safe_div_int(last_lock, lock_reduction_interval(s)));
    const u64 lock = sat_sub(sat_mul(last_lock, mult), sat_mul(per_block, sat_sub(s.block, s.network_last_registered)));
    return std::max(lock, s.network_min_lock_cost);
}

Result<Registration<u64>> register_network(const Ruleset& rules, ChainState& s)
{
    if (sat_sub(s.block, s.network_last_registered) < s.network_rate_limit)
        return Error::network_tx_rate_limit_exceeded;
    Registration<u64> r;
    r.lock_cost = network_lock_cost(s);
    r.netuid = next_netuid(s);
    r.pool_tao = s.network_min_lock_cost;
    r.burned = sat_sub(r.lock_cost, r.pool_tao);
    s.network_last_lock_cost = r.lock_cost;
    s.network_last_registered = s.block;
    add_subnet(rules, s, r.netuid, r.pool_tao);
    s.total_issuance = sat_sub(s.total_issuance, r.burned);
    if (rules.registration_adds_pool_to_total_stake && r.lock_cost > 0 && r.pool_tao > 0)
        s.total_stake = sat_add(s.total_stake, r.pool_tao);
    return r;
}

}  // namespace chain

namespace exact {

Rational lock_reduction_interval(const ExactChainState& s)
{
    return Rational(s.network_lock_reduction_interval) * exact::block_emission(s.total_issuance).emission /
           Rational(RAO_PER_TAO);
}

Rational network_lock_cost(const ExactChainState& s)
{
    const Rational last_lock = s.network_last_lock_cost;
    const Rational mult = s.network_last_registered == 0 ? 1 : 2;
    const Rational interval = lock_reduction_interval(s);
    const Rational reduction =
        interval == 0 ? Rational(0)
                      : Rational(last_lock * Rational(sat_sub(s.block, s.network_last_registered)) / interval);
    Rational lock = last_lock * mult - reduction;
    if (lock < s.network_min_lock_cost)
        lock = s.network_min_lock_cost;
    return lock;
}

Result<Registration<Rational>> register_network(const Ruleset& rules, ExactChainState& s)
{
    if (sat_sub(s.block, s.network_last_registered) < s.network_rate_limit)
        return Error::network_tx_rate_limit_exceeded;
    Registration<Rational> r;
    const Rational lock = network_lock_cost(s);
    r.lock_cost = to_u64_saturating(floor(lock));  // what a wallet pays: whole rao
    r.netuid = next_netuid(s);
    r.pool_tao = s.network_min_lock_cost;
    r.burned = lock - r.pool_tao;
    s.network_last_lock_cost = r.lock_cost;
    s.network_last_registered = s.block;
    add_subnet(rules, s, r.netuid, r.pool_tao);
    s.total_issuance -= r.burned;
    if (rules.registration_adds_pool_to_total_stake && lock > 0 && r.pool_tao > 0)
        s.total_stake += r.pool_tao;
    return r;
}

}  // namespace exact

}  // namespace dtao
