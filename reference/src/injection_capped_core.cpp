// dtao-reference: the Balancer-era pieces written once over the model (injection_capped_core.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/injection_capped_core.hpp"

#include "dtao/balancer.hpp"
#include "dtao/constants.hpp"

#include <algorithm>

#include <utility>

namespace dtao::injection_capped {

namespace {

template <typename Model>
bool is_emitting(const SubnetT<Model>& s)
{
    return !s.is_root() && s.first_emission_block_number.has_value() && s.subtoken_enabled &&
           s.network_registration_allowed;
}

}  // namespace

inline namespace rules {

template <typename Model>
std::vector<u64> get_subnets_to_emit_to(const ChainStateT<Model>& st)
{
    // BCOIN-014: the chain filters `get_all_subnet_netuids`, so the emitting set keeps its
    // storage-key order, which the injection and the alpha loop follow.
    std::vector<u64> out;
    for (u64 n : get_all_subnet_netuids(st))
        if (is_emitting(*st.find(n)))
            out.push_back(n);
    return out;
}

template <typename Model>
bool should_run_epoch(const SubnetT<Model>& s, u64 now) noexcept
{
    if (s.tempo == 0)
        return false;
    if (s.pending_epoch_at > 0 && now >= s.pending_epoch_at)
        return true;
    if (s.blocks_since_last_step > MAX_TEMPO)
        return true;
    return sat_sub(now, s.last_epoch_block) >= s.tempo;
}

template <typename Model>
std::vector<EpochRun<Model>> drain_pending(ChainStateT<Model>& st, u64 now)
{
    using Amount = typename Model::Amount;
    std::vector<EpochRun<Model>> out;
    u64 ran = 0;
    // BCOIN-014: storage-key order decides which due subnets run and which defer at the cap.
    for (u64 n : get_all_subnet_netuids(st)) {
        SubnetT<Model>& s = *st.find(n);
        if (s.is_root())
            continue;
        s.blocks_since_last_step = sat_add(s.blocks_since_last_step, 1);
        if (!should_run_epoch(s, now))
            continue;
        EpochRun<Model> r;
        r.netuid = s.netuid;
        if (ran >= st.max_epochs_per_block) {
            s.pending_epoch_at = sat_add(now, 1);  // EpochDeferred
            r.deferred = true;
            out.push_back(r);
            continue;
        }
        // is_epoch_input_state_consistent: always (no duplicate keys in this model).
        s.blocks_since_last_step = 0;
        r.pending_server = std::exchange(s.pending_server_emission, Amount{});
        r.pending_validator = std::exchange(s.pending_validator_emission, Amount{});
        r.pending_root_alpha = std::exchange(s.pending_root_alpha_divs, Amount{});
        r.pending_owner_cut = std::exchange(s.pending_owner_cut, Amount{});
        ++ran;
        s.last_epoch_block = now;
        s.pending_epoch_at = 0;
        s.subnet_epoch_index = sat_add(s.subnet_epoch_index, 1);
        s.last_mechanism_step_block = now;  // distribute_emissions_to_subnets
        out.push_back(r);
    }
    return out;
}

template <typename Model>
std::vector<u64> epochs_deferred_this_block(const ChainStateT<Model>& st, u64 now)
{
    std::vector<u64> deferred;
    u64 ran = 0;
    for (u64 n : get_all_subnet_netuids(st)) {  // BCOIN-014, as drain_pending
        const SubnetT<Model>& s = *st.find(n);
        if (s.is_root() || !should_run_epoch(s, now))
            continue;
        if (ran >= st.max_epochs_per_block)
            deferred.push_back(s.netuid);
        else
            ++ran;
    }
    return deferred;
}

template <typename Model>
void set_tempo(SubnetT<Model>& s, u64 tempo, u64 now) noexcept
{
    s.tempo = tempo;
    s.last_epoch_block = now;
}

template <typename Model>
u64 open_subnet(const Ruleset& rules, ChainStateT<Model>& st, const NewPool<Model>& pool)
{
    using A = Arithmetic<Model>;
    u64 netuid = 1;
    while (st.find(netuid) != nullptr)
        ++netuid;
    SubnetT<Model> s;
    s.netuid = netuid;
    s.mechanism = Mechanism::dynamic;
    s.tempo = rules.default_tempo;
    s.last_epoch_block = initial_last_epoch_block(netuid, s.tempo, st.block);
    s.network_registration_allowed = true;
    s.network_registered_at = st.block;
    s.first_emission_block_number.reset();
    s.subtoken_enabled = false;         // SubtokenEnabled defaults to false until start_call
    s.subnet_emission_enabled = false;  // "Default emission off"
    s.subnet_tao = pool.tao;
    s.subnet_alpha_in = pool.alpha;
    s.subnet_alpha_out = A::amount_of(0);
    s.swap_balancer_quote_parts = BALANCER_DEFAULT_QUOTE_PARTS;
    st.total_issuance = A::amount_sub_or_zero(st.total_issuance, pool.recycled);
    st.total_stake = A::amount_add(st.total_stake, pool.tao);
    st.network_last_lock_cost = pool.lock;
    st.network_last_registered = st.block;
    // `subnets` is kept in ascending netuid.
    const auto after =
        std::find_if(st.subnets.begin(), st.subnets.end(), [&](const SubnetT<Model>& x) { return x.netuid > netuid; });
    st.subnets.insert(after, s);
    return netuid;
}

template std::vector<u64> get_subnets_to_emit_to<ChainModel>(const ChainState&);
template std::vector<u64> get_subnets_to_emit_to<ExactModel>(const ExactChainState&);
template bool should_run_epoch<ChainModel>(const Subnet&, u64) noexcept;
template bool should_run_epoch<ExactModel>(const ExactSubnet&, u64) noexcept;
template std::vector<EpochRun<ChainModel>> drain_pending<ChainModel>(ChainState&, u64);
template std::vector<EpochRun<ExactModel>> drain_pending<ExactModel>(ExactChainState&, u64);
template std::vector<u64> epochs_deferred_this_block<ChainModel>(const ChainState&, u64);
template std::vector<u64> epochs_deferred_this_block<ExactModel>(const ExactChainState&, u64);
template void set_tempo<ChainModel>(Subnet&, u64, u64) noexcept;
template void set_tempo<ExactModel>(ExactSubnet&, u64, u64) noexcept;

template u64 open_subnet<ChainModel>(const Ruleset&, ChainState&, const NewPool<ChainModel>&);
template u64 open_subnet<ExactModel>(const Ruleset&, ExactChainState&, const NewPool<ExactModel>&);

}  // namespace rules

}  // namespace dtao::injection_capped
