// dtao-reference: the subtensor pallet's side of the v3 pool (dtao/v3_stake.hpp, spec/v3_stake.md).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/v3_stake.hpp"

namespace dtao::v3 {

namespace {

/// What the pool reads from the subnet: its mechanism and the two reserves (VSTAKE-001).
void read_subnet(const Subnet& s, Pool& p)
{
    p.dynamic = s.mechanism == Mechanism::dynamic;
    p.tao_reserve = sat_add(s.subnet_tao, s.subnet_tao_provided);
    p.alpha_reserve = sat_add(s.subnet_alpha_in, s.subnet_alpha_in_provided);
}

// The pallet books a swap through `SwapResult`'s i64 reserve deltas, ±(amount as i64). Above
// i64::MAX the cast wraps, and the magnitude read back is 2^64 − x (x = 2^63: its `unsigned_abs`
// is 2^63, its `abs().try_into()` fails to 0). Far beyond any real reserve, emulated all the same.
u64 unsigned_abs_of_negated(u64 x) { return x <= (u64{1} << 63) ? x : u64{0} - x; }
u64 abs_try_into_of_negated(u64 x) { return x == (u64{1} << 63) ? 0 : unsigned_abs_of_negated(x); }

/// The stake side's price limit as the pool's square-root limit (VSWAP-009).
Result<fixed::U64F64> sqrt_limit(u64 price_limit)
{
    const auto l = limit_sqrt_price(price_limit);
    if (!l)
        return Error::price_limit_exceeded;
    return *l;
}

/// The pool's swap on a dynamic subnet; a stable subnet's 1:1 answer, free.
Result<SwapResult> swap_on(const Ruleset& rules, SwapSide side, Subnet& s, u64 amount, u64 price_limit, Fees fees)
{
    if (s.mechanism != Mechanism::dynamic) {
        SwapResult r;
        r.amount_paid_in = amount;
        r.amount_paid_out = amount;
        return r;
    }
    const Result<fixed::U64F64> limit = sqrt_limit(price_limit);
    if (!limit)
        return limit.error();
    return swap(rules, side, pool_of(s), amount, *limit, fees, SwapRun::commit);
}

/// Whether the swap is booked into the subnet: a pool swap always, a stable subnet's 1:1 answer
/// from v3.2.5 (RSET-036, whose reserve deltas ±amount the booking then reads).
bool booked(const Ruleset& rules, const Subnet& s)
{
    return s.mechanism == Mechanism::dynamic || rules.v3_stable_swap_moves_reserves;
}

}  // namespace

Pool& pool_of(Subnet& s)
{
    read_subnet(s, s.swap_v3);
    return s.swap_v3;
}

fixed::U96F32 alpha_price(const Subnet& s)
{
    // the price's scalars alone: VSWAP-011 reads no tick
    Pool p;
    read_subnet(s, p);
    p.initialized = s.swap_v3.initialized;
    p.sqrt_price = s.swap_v3.sqrt_price;
    return current_price(p);
}

fixed::U96F32 moving_alpha_price(const Subnet& s)
{
    return s.is_stable() ? fixed::U96F32::one() : fixed::convert<fixed::U96F32>(s.subnet_moving_price);
}

void decrease_provided_tao_reserve(Subnet& s, u64 tao)
{
    const u64 carry_over = sat_sub(tao, s.subnet_tao_provided);
    s.subnet_tao_provided = sat_sub(s.subnet_tao_provided, tao);
    s.subnet_tao = sat_sub(s.subnet_tao, carry_over);
}

void decrease_provided_alpha_reserve(Subnet& s, u64 alpha)
{
    const u64 carry_over = sat_sub(alpha, s.subnet_alpha_in_provided);
    s.subnet_alpha_in_provided = sat_sub(s.subnet_alpha_in_provided, alpha);
    s.subnet_alpha_in = sat_sub(s.subnet_alpha_in, carry_over);
}

Result<SwapResult> swap_tao_for_alpha(const Ruleset& rules, Subnet& s, u64& total_stake, u64 tao, u64 price_limit,
                                      Fees fees)
{
    const Result<SwapResult> r = swap_on(rules, SwapSide::buy, s, tao, price_limit, fees);
    if (!r || !booked(rules, s))
        return r;
    decrease_provided_alpha_reserve(s, unsigned_abs_of_negated(r->amount_paid_out));
    s.subnet_alpha_out = sat_add(s.subnet_alpha_out, r->amount_paid_out);
    s.subnet_tao = sat_add(s.subnet_tao, r->amount_paid_in);
    total_stake = sat_add(total_stake, tao);
    s.subnet_volume = sat_add_u128(s.subnet_volume, u128{tao});
    return r;
}

Result<SwapResult> swap_alpha_for_tao(const Ruleset& rules, Subnet& s, u64& total_stake, u64 alpha, u64 price_limit,
                                      Fees fees)
{
    const Result<SwapResult> r = swap_on(rules, SwapSide::sell, s, alpha, price_limit, fees);
    if (!r || !booked(rules, s))
        return r;
    s.subnet_alpha_in = sat_add(s.subnet_alpha_in, r->amount_paid_in);
    s.subnet_alpha_out = sat_sub(s.subnet_alpha_out, r->amount_paid_in);
    decrease_provided_tao_reserve(s, abs_try_into_of_negated(r->amount_paid_out));
    total_stake = sat_sub(total_stake, r->amount_paid_out);
    s.subnet_volume = sat_add_u128(s.subnet_volume, u128{r->amount_paid_out});
    return r;
}

}  // namespace dtao::v3

namespace dtao::chain {

fixed::I96F32 alpha_price(const Ruleset& rules, const Subnet& s)
{
    return rules.swap == SwapKind::concentrated ? fixed::convert<fixed::I96F32>(v3::alpha_price(s)) : alpha_price(s);
}

fixed::I96F32 moving_alpha_price(const Ruleset& rules, const Subnet& s)
{
    return rules.swap == SwapKind::concentrated ? fixed::convert<fixed::I96F32>(v3::moving_alpha_price(s))
                                                : moving_alpha_price(s);
}

}  // namespace dtao::chain
