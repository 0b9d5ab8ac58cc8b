// balancer_fuzz: one Balancer-era swap (BAL-001 … BAL-005, BAL-010) in the chain model,
// checked for its invariants and against the exact model.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 flags (bit 0: sell alpha instead of buying;
// bit 1: drop fees; bit 2: use the limit below, else the default min/max price; bit 3:
// ruleset v3.4.8-423 instead of main-14bc6f9; bit 4: subnet not yet initialised), then
// u64 SubnetTAO y, u64 SubnetAlphaIn x, u64 amount, u64 limit (rao per alpha), u64 quote
// weight parts w2 (mapped into [0.01, 0.99]·10^18; bit 63 set: use ½), u16 FeeRate
// (mod 10 001), u32 MinimumReserve.
//
// Asserts:
//  1. The simulation leaves the subnet unchanged; the applied swap (stake_utils) returns
//     the same result or the same error; an error changes nothing (subnet, TotalStake).
//  2. paid_out ≤ the paid-out reserve; paid_in + fee ≤ amount unless the full amount would
//     leave under 10^-6 of the paid-out reserve (then the chain's limit path can take more,
//     and pays the whole reserve: F-042); fee_to_block_author is the fee when something
//     executed and 0 otherwise.
//  3. The applied swap moves the storage by the BAL-010 amounts (u64 saturation, the i64
//     clamp of the reserve deltas), TotalStake by the gross amount (buy) / paid_out (sell).
//  4. Real supply (reserves and amount ≤ 2.1·10^16), unless the real swap would leave under
//     10^-6 of the paid-out reserve: the spot price moves the right way
//     (buy: not down; sell: not up); a limit order ends at or before its limit unless the
//     real swap would leave under 10^-6 of the paid-out reserve (then the power's 18 digits
//     round it to 0 and the whole reserve is paid: crash-a8a5b03f… in the corpus).
//  5. Differential (real supply, real swap leaving ≥ 10^-6 of the reserve, as for 4): for the executed input d, the exact output o of the real
//     formula satisfies ⌊o⌋ − 1 ≤ chain < o + X·(4·10^-18 + 2^-64) + 2^-200 (X = paid-out
//     reserve; ⌊o⌋ ≤ chain when w = ½). See spec/balancer.md BAL-003.
//
// Reproduce: ./dtao.sh fuzz balancer repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/balancer.hpp"

using namespace dtao;
using namespace dtao::chain::balancer;
using dtao::fuzz::Input;
using dtao::fuzz::same;

namespace {}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const std::uint8_t flags = in.u8();
    const bool sell = (flags & 1) != 0, drop = (flags & 2) != 0, use_limit = (flags & 4) != 0;
    const Ruleset& rules = (flags & 8) != 0 ? V3_4_8_423 : MAIN_14BC6F9;
    Subnet s;
    s.netuid = 1;
    s.mechanism = Mechanism::dynamic;
    s.pal_swap_initialized = (flags & 16) == 0;
    s.subnet_tao = in.u64be();
    s.subnet_alpha_in = in.u64be();
    const u64 amount = in.u64be();
    const u64 limit_raw = in.u64be();
    const u64 w_raw = in.u64be();
    const u64 span = ACCURACY - 2 * BALANCER_MIN_WEIGHT_PARTS;
    s.swap_balancer_quote_parts = (w_raw >> 63) != 0 ? ACCURACY / 2 : BALANCER_MIN_WEIGHT_PARTS + w_raw % (span + 1);
    s.fee_rate = in.u64be(2) % 10'001;
    const u64 minres = in.u64be(4);
    const u64 limit = use_limit ? limit_raw : (sell ? SWAP_MIN_PRICE : SWAP_MAX_PRICE);
    FUZZ_NOTE("sell", sell);
    FUZZ_NOTE("drop_fees", drop);
    FUZZ_NOTE("ruleset", std::string(rules.id));
    FUZZ_NOTE("initialised", s.pal_swap_initialized);
    FUZZ_NOTE("subnet_tao", s.subnet_tao);
    FUZZ_NOTE("subnet_alpha_in", s.subnet_alpha_in);
    FUZZ_NOTE("amount", amount);
    FUZZ_NOTE("limit", limit);
    FUZZ_NOTE("w2_parts", s.swap_balancer_quote_parts);
    FUZZ_NOTE("fee_rate", s.fee_rate);
    FUZZ_NOTE("minimum_reserve", minres);

    const SwapSide side = sell ? SwapSide::sell : SwapSide::buy;
    const U64F64 lim = limit_price_from_rao(limit);

    // 1. simulation vs application
    Subnet sim_state = s;
    const auto sim =
        do_swap(rules, sim_state, minres, side, amount, lim, (drop ? Fees::dropped : Fees::charged), SwapRun::simulate);
    FUZZ_ASSERT(same(sim_state, s), "the simulation changed the subnet");
    Subnet after = s;
    u64 total_stake = 1'000'000'000'000'000'000;
    const u64 ts0 = total_stake;
    const auto applied = sell ? swap_alpha_for_tao(rules, after, total_stake, minres, amount, limit,
                                                   (drop ? Fees::dropped : Fees::charged))
                              : swap_tao_for_alpha(rules, after, total_stake, minres, amount, limit,
                                                   (drop ? Fees::dropped : Fees::charged));
    FUZZ_ASSERT_EQ(sim.ok(), applied.ok());
    if (!sim) {
        FUZZ_NOTE("error", std::string(to_string(sim.error())));
        FUZZ_ASSERT(sim.error() == applied.error());
        FUZZ_ASSERT(same(after, s), "a rejected swap changed the subnet");
        FUZZ_ASSERT_EQ(total_stake, ts0);
        return 0;
    }
    const BalancerSwap r = *sim;
    FUZZ_ASSERT(r == *applied, "simulation and application differ");
    FUZZ_NOTE("paid_in", r.amount_paid_in);
    FUZZ_NOTE("paid_out", r.amount_paid_out);
    FUZZ_NOTE("fee", r.fee_paid);

    // 2. amounts
    const u64 x = s.subnet_alpha_in, y = s.subnet_tao;
    const u64 reserve_out = sell ? y : x;
    FUZZ_ASSERT(r.amount_paid_out <= reserve_out);
    // The chain's `determine_action` (swap_step.rs at 14bc6f9) takes the limit path's input
    // without clamping it to the request. Where the full amount would leave under 10^-6 of the
    // paid-out reserve, the target price comes from a power rounded to about 0 and the limit
    // path can take more than was asked (findings F-042, crash-7f0c4a12… in the corpus); there
    // it is pinned, not asserted, like the limit below.
    const Rational w2_now =
        after.pal_swap_initialized ? Rational(Int(after.swap_balancer_quote_parts), Int(ACCURACY)) : Rational(1, 2);
    const Rational full_out = sell ? exact::balancer::convert_deltas_sell(w2_now, x, y, amount)
                                   : exact::balancer::convert_deltas_buy(w2_now, x, y, amount);
    const bool deep = full_out > Rational(reserve_out) * Rational(999'999, 1'000'000);
    if (!deep)
        FUZZ_ASSERT(u128{r.amount_paid_in} + r.fee_paid <= amount, "paid_in + fee > amount");
    else if (u128{r.amount_paid_in} + r.fee_paid > amount)
        FUZZ_ASSERT(r.amount_paid_out == reserve_out, "F-042: more taken than asked, but not the whole reserve paid");
    FUZZ_ASSERT_EQ(r.fee_to_block_author, r.amount_paid_in != 0 ? r.fee_paid : u64{0});

    // 3. storage
    constexpr u64 i64_max = static_cast<u64>(std::numeric_limits<i64>::max());
    if (sell) {
        FUZZ_ASSERT_EQ(after.subnet_alpha_in, sat_add(x, std::min(r.amount_paid_in, i64_max)));
        FUZZ_ASSERT_EQ(after.subnet_tao, sat_sub(y, std::min(r.amount_paid_out, i64_max + 1)));
        FUZZ_ASSERT_EQ(total_stake, sat_sub(ts0, r.amount_paid_out));
    } else {
        FUZZ_ASSERT_EQ(after.subnet_alpha_in, sat_sub(x, std::min(r.amount_paid_out, i64_max + 1)));
        FUZZ_ASSERT_EQ(after.subnet_tao, sat_add(y, std::min(r.amount_paid_in, i64_max)));
        FUZZ_ASSERT_EQ(total_stake, sat_add(ts0, amount));
    }

    // 4. price direction and limit (real supply)
    const bool real = x <= TOTAL_SUPPLY && y <= TOTAL_SUPPLY && amount <= TOTAL_SUPPLY;
    if (real) {
        Subnet before = s;
        before.pal_swap_initialized = true;
        before.swap_balancer_quote_parts = after.swap_balancer_quote_parts;  // after initialisation
        const U64F64 p0 = current_price(before), p1 = current_price(after);
        FUZZ_NOTE("price_before_bits", p0.bits);
        FUZZ_NOTE("price_after_bits", p1.bits);

        // 5. differential
        const Rational w2(Int(after.swap_balancer_quote_parts), Int(ACCURACY));
        const Rational o = sell ? exact::balancer::convert_deltas_sell(w2, x, y, r.amount_paid_in)
                                : exact::balancer::convert_deltas_buy(w2, x, y, r.amount_paid_in);
        FUZZ_NOTE("exact_out", o);
        // The limit and the differential bound hold while the power e = 1 − o/X is resolved by
        // its 18 digits and inside pow_ratio_scaled's domain: when the real swap leaves less than
        // 10^-6 of the paid-out reserve, e rounds to (almost) 0 — or, for powers below e^-41 on
        // the ln/exp fallback, comes out meaningless (spec/bigmath.md) — and the chain pays an
        // arbitrary part of the reserve whatever the limit (spec/balancer.md, BAL-003 findings;
        // corpus a8a5b03f…, 215d018c…). A buy that drains x leaves price 0 (x = 0), dc48bb80….
        if (o > Rational(reserve_out) * Rational(999'999, 1'000'000))
            return 0;
        FUZZ_ASSERT(sell ? p1 <= p0 : p1 >= p0, "price moved the wrong way");
        FUZZ_ASSERT(sell ? p1 >= lim : p1 <= lim, "limit crossed");
        const Rational eps = Rational(4, Int(ACCURACY)) + Rational(1, Int(1) << 64);
        FUZZ_ASSERT(Rational(r.amount_paid_out) < o + Rational(reserve_out) * eps + Rational(1, Int(1) << 200),
                    "chain pays more than the bound");
        FUZZ_ASSERT(Int(r.amount_paid_out) >= floor(o) - 1, "chain pays less than the bound");
        if (after.swap_balancer_quote_parts == ACCURACY / 2)
            FUZZ_ASSERT(Int(r.amount_paid_out) >= floor(o), "w = ½ pays below the floor");
    }
    return 0;
}
