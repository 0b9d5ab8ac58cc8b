// v3_swap_fuzz: the v3 pool's swap (VSWAP-001 … VSWAP-012) on any pool and any order.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end):
//   u8 flags: bit 0 sell, bit 1 fees dropped, bit 2 the default limit (else the u64 below),
//             bit 3 pool not initialised, bit 4 the mock's minimum reserve 1 (else finney's 10^6),
//             bits 5-7 the ruleset: 0 v3.2.10-334 (spec 348's rules, which the corpus was grown on),
//             then v3.3.11-385, v3.3.12-391, v3.2.0, v3.2.1, v3.2.2, v3.2.3, v3.2.5: every swap delta
//             (v3.2.4 swaps as v3.2.3, v3.4.6-421 as v3.3.12-391) and every protocol-liquidity form
//   u64 SubnetTAO, u64 SubnetAlphaIn, u16 FeeRate, u64 amount, u64 limit price (rao per alpha)
//   u8 positions (mod 4), each: i16 lower-tick offset from the current tick, u16 width (+1),
//             u64 liquidity (mod the pool's + 1)
//   after a committed swap: u64 TAO and u64 alpha injected, u32 and u32 scrap reservoirs
// Asserted (exact integers; nothing may throw):
//  1. An error leaves the pool as it was; a simulation always does.
//  2. Net input + fee ≤ amount; the fee never above the net input (every rate below ½ here);
//     the price moves the swap's way; the stored tick is the stored price's (TICK-005).
//  3. The simulation gives the committed swap's numbers whenever the commit succeeds.
//  4. The swap is its steps: stepping by hand (VSWAP-007) gives the same numbers, and each step
//     keeps the liquidity (no crossing) or moves it by exactly the crossed tick's net.
//  5. What rounding may mint (VSWAP-004, F-043): a step pays at most `convert_deltas_ceiling`, the
//     curve's output scaled by the real over the chain's rounded (or saturated) denominator.
//  6. Where the fee goes (RSET-033): from v3.3.11-385 each step with an input gives its whole fee
//     to the block author and the fee globals never move, and no step with an input pays out
//     nothing; before, nothing goes to the author.
//  7. The protocol position takes an injection (VSWAP-016, RSET-035): nothing minted or lost by
//     the split (what goes in plus the reservoirs after = the injection, the fees and the
//     reservoirs before, while those sums stay below 2^64), the reservoirs untouched before
//     v3.2.10-334, the current liquidity never falls, and (short of its saturation) neither does
//     the gap between it and the position's liquidity (F-046).
//
// Reproduce: ./dtao.sh fuzz v3_swap repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/v3_swap.hpp"

#include <array>

using namespace dtao;
using dtao::fuzz::Input;
using fixed::U64F64;

namespace {

bool same_pool(const v3::Pool& a, const v3::Pool& b)
{
    if (a.sqrt_price != b.sqrt_price || a.current_tick != b.current_tick || a.liquidity != b.liquidity ||
        a.initialized != b.initialized || a.fee_global_tao != b.fee_global_tao ||
        a.fee_global_alpha != b.fee_global_alpha || a.ticks.size() != b.ticks.size())
        return false;
    for (const auto& [t, x] : a.ticks) {
        const auto it = b.ticks.find(t);
        if (it == b.ticks.end() || it->second.liquidity_net != x.liquidity_net ||
            it->second.fees_out_tao != x.fees_out_tao || it->second.fees_out_alpha != x.fees_out_alpha)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const std::uint8_t flags = in.u8();
    const SwapSide side = flags & 1 ? SwapSide::sell : SwapSide::buy;
    const Fees fees = flags & 2 ? Fees::dropped : Fees::charged;
    // The order the corpus was grown with (spec 348's rules first); see the header.
    static const std::array<const Ruleset*, 8> by_flag{&V3_2_10_334, &V3_3_11_385, &V3_3_12_391, &V3_2_0,
                                                       &V3_2_1,      &V3_2_2,      &V3_2_3,      &V3_2_5};
    const Ruleset& rules = *by_flag[flags >> 5];
    v3::Pool pool;
    pool.tao_reserve = in.u64be();
    pool.alpha_reserve = in.u64be();
    pool.fee_rate = static_cast<std::uint16_t>(in.u64be(2) % 32'768);
    pool.minimum_reserve = flags & 16 ? 1 : v3::MINIMUM_RESERVE;
    const u64 amount = in.u64be();
    const u64 limit_price = in.u64be();
    v3::maybe_initialize_v3(pool);
    const unsigned positions = in.u8() % 4;
    for (unsigned k = 0; k < positions; ++k) {
        const tick::i32 lo = pool.current_tick + static_cast<std::int16_t>(in.u64be(2));
        const tick::i32 hi = lo + static_cast<tick::i32>(in.u64be(2)) + 1;
        const u64 raw = in.u64be();
        const u64 l = pool.liquidity == U64_MAX ? raw : raw % (pool.liquidity + 1);
        if (lo < tick::MIN_INDEX || hi > tick::MAX_INDEX || l == 0)
            continue;
        v3::add_position_liquidity(pool, lo, hi, l);
    }
    if (flags & 8) {  // as the pallet finds a pool it has not touched yet
        pool = v3::Pool{};
        pool.tao_reserve = in.u64be();
        pool.alpha_reserve = in.u64be();
        pool.minimum_reserve = flags & 16 ? 1 : v3::MINIMUM_RESERVE;
    }
    const std::optional<U64F64> limit =
        v3::limit_sqrt_price(flags & 4 ? (side == SwapSide::buy ? v3::max_price() : v3::min_price()) : limit_price);
    FUZZ_NOTE("ruleset", std::string(rules.id));
    FUZZ_NOTE("side", side == SwapSide::buy ? "buy" : "sell");
    FUZZ_NOTE("amount", amount);
    FUZZ_NOTE("tao_reserve", pool.tao_reserve);
    FUZZ_NOTE("alpha_reserve", pool.alpha_reserve);
    FUZZ_NOTE("liquidity", pool.liquidity);
    if (!limit)
        return 0;

    // 1, 3: commit and simulation
    v3::Pool committed = pool, simulated = pool;
    const auto c = v3::swap(rules, side, committed, amount, *limit, fees, SwapRun::commit);
    const auto s = v3::swap(rules, side, simulated, amount, *limit, fees, SwapRun::simulate);
    FUZZ_ASSERT(same_pool(simulated, pool));
    if (!c) {
        FUZZ_ASSERT(same_pool(committed, pool));
        if (!s)
            FUZZ_ASSERT(s.error() == c.error());
        return 0;
    }
    FUZZ_ASSERT(static_cast<bool>(s));
    FUZZ_ASSERT_EQ(s->amount_paid_in, c->amount_paid_in);
    FUZZ_ASSERT_EQ(s->amount_paid_out, c->amount_paid_out);
    FUZZ_ASSERT_EQ(s->fee_paid, c->fee_paid);
    FUZZ_ASSERT_EQ(s->fee_to_block_author, c->fee_to_block_author);
    // 2
    FUZZ_ASSERT(Int(c->amount_paid_in) + c->fee_paid <= amount);
    FUZZ_ASSERT(c->fee_paid <= c->amount_paid_in);
    FUZZ_ASSERT(side == SwapSide::buy ? committed.sqrt_price >= pool.sqrt_price || !pool.initialized
                                      : committed.sqrt_price <= pool.sqrt_price || !pool.initialized);
    FUZZ_ASSERT_EQ(committed.current_tick, tick::from_sqrt_price_bounded(committed.sqrt_price));

    // 4, 5: step by hand
    v3::Pool p = pool;
    v3::maybe_initialize_v3(p);
    u64 remaining = amount, in_acc = 0, fee_acc = 0, out_acc = 0, author_acc = 0;
    while (remaining != 0) {
        const v3::Pool start = p;
        const tick::i32 edge = v3::tick_edge(side, start);
        const auto step = v3::swap_step(rules, side, p, remaining, *limit, fees);
        FUZZ_ASSERT(static_cast<bool>(step));
        if (!step->crossing) {
            FUZZ_ASSERT_EQ(p.liquidity, start.liquidity);
        } else {
            const i128 net = start.ticks.at(edge).liquidity_net;
            const u64 m = net < 0 ? static_cast<u64>(std::min<u128>(static_cast<u128>(-(net + 1)) + 1, U64_MAX))
                                  : static_cast<u64>(std::min<u128>(static_cast<u128>(net), U64_MAX));
            const bool adds = (net >= 0) == (side == SwapSide::buy);
            FUZZ_ASSERT_EQ(p.liquidity, adds ? sat_add(start.liquidity, m) : sat_sub(start.liquidity, m));
        }
        const U64F64 l = U64F64::saturating_from_u64(start.liquidity);
        FUZZ_ASSERT(Rational(step->delta_out) <= v3::convert_deltas_ceiling(side, l, start.sqrt_price, step->delta_in));
        // 6
        const bool to_author = rules.v3_fee_to_block_author && step->delta_in > 0;
        FUZZ_ASSERT_EQ(step->fee_to_block_author, to_author ? step->fee : 0);
        if (rules.v3_fee_to_block_author) {
            FUZZ_ASSERT(step->delta_in == 0 || step->delta_out > 0);
            FUZZ_ASSERT(p.fee_global_tao == start.fee_global_tao && p.fee_global_alpha == start.fee_global_alpha);
        }
        author_acc = sat_add(author_acc, step->fee_to_block_author);
        in_acc = sat_add(in_acc, step->delta_in);
        fee_acc = sat_add(fee_acc, step->fee);
        out_acc = sat_add(out_acc, step->delta_out);
        remaining = sat_sub(remaining, sat_add(step->delta_in, step->fee));
        if (!step->crossing || step->delta_in + step->fee == 0)
            break;
    }
    FUZZ_ASSERT_EQ(in_acc, c->amount_paid_in);
    FUZZ_ASSERT_EQ(fee_acc, c->fee_paid);
    FUZZ_ASSERT_EQ(out_acc, c->amount_paid_out);
    FUZZ_ASSERT_EQ(author_acc, c->fee_to_block_author);
    FUZZ_ASSERT(same_pool(p, committed));

    // 7: the protocol position takes an injection
    if (!committed.protocol_position)
        return 0;
    const u64 tao = in.u64be(), alpha = in.u64be();
    committed.scrap_reservoir_tao = in.u64be(4);
    committed.scrap_reservoir_alpha = in.u64be(4);
    const v3::Pool before = committed;
    const v3::ProtocolLiquidityResult a = v3::adjust_protocol_liquidity(rules, committed, tao, alpha);
    FUZZ_ASSERT(a.adjusted);  // the full-range position's ticks have prices
    const Int tao_total = Int(tao) + a.fees_tao + before.scrap_reservoir_tao;
    const Int alpha_total = Int(alpha) + a.fees_alpha + before.scrap_reservoir_alpha;
    if (rules.v3_protocol_liquidity == V3ProtocolLiquidity::proportional_scraps) {
        // the pallet's sums saturate at u64::MAX, as ours do; below it nothing is lost
        if (tao_total <= U64_MAX && alpha_total <= U64_MAX) {
            FUZZ_ASSERT(Int(a.tao_in) + committed.scrap_reservoir_tao == tao_total);
            FUZZ_ASSERT(Int(a.alpha_in) + committed.scrap_reservoir_alpha == alpha_total);
        }
    } else {
        FUZZ_ASSERT_EQ(committed.scrap_reservoir_tao, before.scrap_reservoir_tao);
        FUZZ_ASSERT_EQ(committed.scrap_reservoir_alpha, before.scrap_reservoir_alpha);
    }
    FUZZ_ASSERT(committed.liquidity >= before.liquidity);
    // `CurrentLiquidity` saturates at u64::MAX, as on chain; below it the gap never closes
    if (Int(before.liquidity) + a.liquidity_delta <= U64_MAX)
        FUZZ_ASSERT(Int(committed.liquidity) - committed.protocol_position->liquidity >=
                    Int(before.liquidity) - before.protocol_position->liquidity);
    return 0;
}
