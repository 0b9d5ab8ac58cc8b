/// The v3 pool's swap (@rule VSWAP-004 VSWAP-006 VSWAP-007 VSWAP-008 VSWAP-010) on pools within
/// the supply (reserves up to 2.1·10^16 rao, prices 10^-8 … 10^4 TAO per alpha) with up to three
/// user positions around the price, under any ruleset of the year of the v3 pool [chain]:
///  - what rounding may mint is bounded: every step pays at most the curve's output for the input
///    it took, from the price it started at, scaled by the real over the chain's rounded
///    denominator (`convert_deltas_ceiling`, F-043);
///  - the input is accounted for (net input + fee ≤ the amount, the fee never above the input)
///    and the price moves the swap's way;
///  - liquidity is conserved across a step: unchanged when the step stays inside a tick range,
///    changed by exactly the crossed tick's net when it crosses;
///  - a simulation changes nothing, and the committed swap gives the simulation's numbers.
/// The mutation check rounds the output up (`ceil` for `floor`), as a port that rounds to the
/// nearest would half the time.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/v3_swap.hpp"

#include <cmath>
#include <functional>
#include <tuple>
#include <vector>

namespace dtao::prop {

namespace {

using fixed::U64F64;
using OutputFn = std::function<u64(SwapSide, U64F64, U64F64, u64)>;

struct Case
{
    Ruleset rules;  ///< one of the year of the v3 pool's rulesets
    v3::Pool pool;
    SwapSide side = SwapSide::buy;
    u64 amount = 0;
};

/// A pool within the supply, initialised with the protocol's full-range position, plus up to
/// three user positions placed as the pallet places them (`add_position_liquidity`).
rc::Gen<Case> swap_case()
{
    return rc::gen::exec([] {
        Case c;
        c.rules = V3_RULESETS[*rc::gen::inRange<std::size_t>(0, V3_RULESETS.size())];
        const double price = std::pow(10.0, *rc::gen::inRange(-80, 41) / 10.0);
        const u64 alpha = static_cast<u64>(std::pow(10.0, *rc::gen::inRange(60, 163) / 10.0));
        const double tao = std::min(static_cast<double>(alpha) * price, 2.1e16);
        c.pool.tao_reserve = std::max<u64>(static_cast<u64>(tao), 1'000'000);
        c.pool.alpha_reserve = std::max<u64>(alpha, 1'000'000);
        c.pool.fee_rate = *rc::gen::element<std::uint16_t>(0, 33, 196, 10'000);
        v3::maybe_initialize_v3(c.pool);
        const int positions = *rc::gen::inRange(0, 4);
        for (int k = 0; k < positions; ++k) {
            const tick::i32 lo = c.pool.current_tick + *rc::gen::inRange(-400, 400);
            const tick::i32 hi = lo + *rc::gen::inRange(1, 400);
            const u64 l = c.pool.liquidity / static_cast<u64>(*rc::gen::inRange(1, 100));
            if (lo < tick::MIN_INDEX || hi > tick::MAX_INDEX || l == 0)
                continue;
            v3::add_position_liquidity(c.pool, lo, hi, l);
        }
        c.side = *rc::gen::element(SwapSide::buy, SwapSide::sell);
        const u64 in_reserve = c.side == SwapSide::buy ? c.pool.tao_reserve : c.pool.alpha_reserve;
        c.amount =
            static_cast<u64>(static_cast<double>(in_reserve) * std::pow(10.0, *rc::gen::inRange(-50, 11) / 10.0));
        return c;
    });
}

/// The swap's loop (VSWAP-008) step by step, each step's output computed by `output` from the
/// step's start, checking the step invariants; returns the swap's output.
u64 checked_steps(Case c, const OutputFn& output)
{
    const U64F64 limit = *v3::limit_sqrt_price(c.side == SwapSide::buy ? v3::max_price() : v3::min_price());
    v3::Pool& p = c.pool;
    if (!(c.side == SwapSide::buy ? p.sqrt_price < limit : p.sqrt_price > limit))
        return 0;
    u64 remaining = c.amount, paid_out = 0;
    for (u64 steps = 0; remaining != 0 && steps < v3::MAX_SWAP_ITERATIONS; ++steps) {
        const v3::Pool start = p;
        const tick::i32 edge = v3::tick_edge(c.side, start);
        const auto step = v3::swap_step(c.rules, c.side, p, remaining, limit, Fees::charged);
        if (!step) {  // only from v3.3.11-385: an input that pays out nothing (RSET-033)
            RC_ASSERT(c.rules.v3_fee_to_block_author);
            RC_ASSERT(step.error() == Error::reserves_too_low);
            return 0;
        }
        const U64F64 l = U64F64::saturating_from_u64(start.liquidity);
        const u64 out = output(c.side, l, start.sqrt_price, step->delta_in);
        // what rounding may mint: at most the curve's output scaled by its real over its rounded
        // denominator (F-043); on these pools that is a fraction of a rao above the curve
        RC_ASSERT(Rational(out) <= v3::convert_deltas_ceiling(c.side, l, start.sqrt_price, step->delta_in));
        RC_ASSERT(step->delta_in + step->fee <= remaining);
        RC_ASSERT(step->fee <= step->delta_in);  // every rate drawn is below one half
        const bool buy = c.side == SwapSide::buy;
        const bool right_way = buy ? p.sqrt_price >= start.sqrt_price : p.sqrt_price <= start.sqrt_price;
        RC_ASSERT(right_way);
        // liquidity across the step
        if (!step->crossing) {
            RC_ASSERT(p.liquidity == start.liquidity);
        } else {
            const i128 net = start.ticks.at(edge).liquidity_net;
            const i128 moved = static_cast<i128>(p.liquidity) - static_cast<i128>(start.liquidity);
            const i128 want = buy ? net : -net;
            RC_ASSERT(moved == want);
        }
        paid_out += out;
        remaining -= step->delta_in + step->fee;
        if (!step->crossing || step->delta_in + step->fee == 0)
            break;
    }
    return paid_out;
}

u64 chain_output(SwapSide side, U64F64 l, U64F64 sp, u64 d) { return v3::convert_deltas(side, l, sp, d); }

/// VSWAP-004 with its last floor turned into a ceiling.
u64 mutant_rounded_up(SwapSide side, U64F64 l, U64F64 sp, u64 d)
{
    const u64 down = v3::convert_deltas(side, l, sp, d);
    const Rational exact = v3::exact_convert_deltas(side, l.to_rational(), sp.to_rational(), d);
    return Rational(down) < exact ? down + 1 : down;
}

}  // namespace

RC_GTEST_PROP(v3_swap, vswap_007_steps_mint_at_most_the_rounding_and_conserve_liquidity, ())
{
    const Case c = *swap_case();
    const u64 out = checked_steps(c, chain_output);
    // the loop above is the swap's: the same output as VSWAP-008
    v3::Pool p = c.pool;
    const U64F64 limit = *v3::limit_sqrt_price(c.side == SwapSide::buy ? v3::max_price() : v3::min_price());
    const auto r = v3::swap(c.rules, c.side, p, c.amount, limit, Fees::charged, SwapRun::simulate);
    if (r)
        RC_ASSERT(r->amount_paid_out == out);
}

RC_GTEST_PROP(v3_swap, vswap_008_simulation_changes_nothing_and_commit_agrees, ())
{
    const Case c = *swap_case();
    const v3::SimSwapResult sim = v3::sim_swap(c.rules, c.side, c.pool, c.amount);
    v3::Pool p = c.pool;
    const U64F64 limit = *v3::limit_sqrt_price(c.side == SwapSide::buy ? v3::max_price() : v3::min_price());
    const auto r = v3::swap(c.rules, c.side, p, c.amount, limit, Fees::charged, SwapRun::commit);
    if (!r) {
        RC_ASSERT(p.sqrt_price == c.pool.sqrt_price);
        RC_ASSERT(p.liquidity == c.pool.liquidity);
        return;
    }
    const bool buy = c.side == SwapSide::buy;
    RC_ASSERT((buy ? sim.tao_amount : sim.alpha_amount) == r->amount_paid_in);
    RC_ASSERT((buy ? sim.alpha_amount : sim.tao_amount) == r->amount_paid_out);
    RC_ASSERT((buy ? sim.tao_fee : sim.alpha_fee) == r->fee_paid);
    RC_ASSERT(r->amount_paid_in + r->fee_paid <= c.amount);
    RC_ASSERT(p.current_tick == tick::from_sqrt_price_bounded(p.sqrt_price));
}

/// The protocol position (@rule VSWAP-015 VSWAP-016) after a committed swap left fees in the
/// globals, taking an injection of up to 10^13 of each token and reservoirs of up to 10^9:
///  - nothing is minted or lost by the split: what went in plus the reservoirs after equals the
///    injection plus the collected fees plus the reservoirs before, in each token (v3.2.10-334+);
///    before, what went in is the injection plus the fees and the reservoirs are untouched;
///  - what went in is at the price: ⌊α'·p⌋ = τ' or ⌊τ'/p⌋ = α' (p = s² in U64F64);
///  - the pool's liquidity and the position's ticks never fall, and the gap between the current
///    liquidity and the position's never closes (F-046: it can only grow).
RC_GTEST_PROP(v3_swap, vswap_016_protocol_liquidity_conserves_and_never_lowers_the_pool, ())
{
    Case c = *swap_case();
    const U64F64 limit = *v3::limit_sqrt_price(c.side == SwapSide::buy ? v3::max_price() : v3::min_price());
    std::ignore = v3::swap(c.rules, c.side, c.pool, c.amount, limit, Fees::charged, SwapRun::commit);
    v3::Pool p = c.pool;
    RC_PRE(p.protocol_position.has_value());
    p.scrap_reservoir_tao = *rc::gen::inRange<u64>(0, 1'000'000'000);
    p.scrap_reservoir_alpha = *rc::gen::inRange<u64>(0, 1'000'000'000);
    const u64 tao = *rc::gen::inRange<u64>(0, 10'000'000'000'000);
    const u64 alpha = *rc::gen::inRange<u64>(0, 10'000'000'000'000);
    const v3::Pool before = p;
    const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(c.rules, p, tao, alpha);
    RC_ASSERT(r.adjusted);
    const auto sum = [](std::initializer_list<u64> v) {
        Int s = 0;
        for (const u64 x : v)
            s += x;
        return s;
    };
    if (c.rules.v3_protocol_liquidity == V3ProtocolLiquidity::proportional_scraps) {
        RC_ASSERT(sum({r.tao_in, p.scrap_reservoir_tao}) == sum({tao, r.fees_tao, before.scrap_reservoir_tao}));
        RC_ASSERT(sum({r.alpha_in, p.scrap_reservoir_alpha}) ==
                  sum({alpha, r.fees_alpha, before.scrap_reservoir_alpha}));
        const U64F64 price = before.sqrt_price.saturating_mul(before.sqrt_price);
        const u64 alpha_worth = U64F64::saturating_from_u64(r.alpha_in).saturating_mul(price).saturating_to_u64();
        const u64 tao_worth = U64F64::saturating_from_u64(r.tao_in).safe_div(price).saturating_to_u64();
        RC_ASSERT(alpha_worth == r.tao_in || tao_worth == r.alpha_in);
    } else {
        RC_ASSERT(sum({r.tao_in}) == sum({tao, r.fees_tao}));
        RC_ASSERT(sum({r.alpha_in}) == sum({alpha, r.fees_alpha}));
        RC_ASSERT(p.scrap_reservoir_tao == before.scrap_reservoir_tao);
        RC_ASSERT(p.scrap_reservoir_alpha == before.scrap_reservoir_alpha);
    }
    RC_ASSERT(p.liquidity >= before.liquidity);
    const v3::Position& pos = *p.protocol_position;
    RC_ASSERT(p.ticks.at(pos.tick_low).liquidity_gross >= before.ticks.at(pos.tick_low).liquidity_gross);
    RC_ASSERT(p.ticks.at(pos.tick_high).liquidity_gross >= before.ticks.at(pos.tick_high).liquidity_gross);
    const Int gap_before = Int(before.liquidity) - Int(before.protocol_position->liquidity);
    RC_ASSERT(Int(p.liquidity) - Int(pos.liquidity) >= gap_before);
}

TEST(mutation, v3_output_rounded_up_is_caught)
{
    expect_failure(
        "mutant (output rounded up): at most the ceiling", [] { (void)checked_steps(*swap_case(), mutant_rounded_up); },
        200);
}

}  // namespace dtao::prop
