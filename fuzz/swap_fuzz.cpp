// swap_fuzz: invariants of one constant-product swap in the chain model
// (POOL-003 … POOL-006).
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 flags (bit 0: sell alpha for TAO
// instead of buying; bit 1: stable mechanism), then u64 SubnetTAO x, u64
// SubnetAlphaIn y, u64 amount a, u64 SubnetAlphaOut, u64 TotalStake.
// Let (X, Y) be the paid-in and paid-out reserves ((x, y) for a buy, (y, x)
// for a sell) and o = Y·a / (X + a) the exact output.
//
// Asserts, for the simulation and for the applied swap:
//  1. A rejected swap (insufficient_liquidity) returns 0 and leaves the subnet
//     and TotalStake bit-for-bit unchanged; the simulation and the applied swap
//     agree on acceptance and amount.
//  2. Output bounded by the reserve: out ≤ Y − 10^7 (the new reserve keeps the
//     minimum liquidity), so out < Y.
//  3. The chain never pays less than floor(o).
//  4. k never decreases by more than the documented bound (findings F-015):
//     when X·Y·2^18 < 2^127 (k does not saturate, F-008), the chain's output is
//     out = ⌊⌈2^18·o⌉ / 2^18⌋, so out − o < 2^−18 and
//         (X + a)(Y − out) = X·Y − (X + a)(out − o) > X·Y − (X + a)/2^18,
//     asserted as 2^18·(X·Y − (X + a)(Y − out)) < X + a. This is tighter than
//     the "at most one extra unit" bound (X + a)(Y − out) ≥ X·Y − (X + a),
//     which it implies. The output law itself is asserted exactly, too.
//  5. The applied swap moves exactly `out` and `a` between the storage items,
//     with u64 saturation (SubnetTAO, SubnetAlphaIn/Out, TotalStake, SubnetVolume).
//  6. Stable (and root) subnets swap 1:1.
//
// Build with -DDTAO_FUZZ_MUTANT_SWAP_ROUNDS_UP to fuzz a mutated rule (the
// output rounded up instead of down): the target must find it at once
// (fuzz/mutant_check.sh).
//
// Reproduce: ./dtao.sh fuzz swap repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/pool.hpp"

using namespace dtao;
using dtao::fuzz::Input;
using dtao::fuzz::same;

namespace {

Result<chain::SwapQuote> simulate(const Subnet& s, bool sell, u64 amount)
{
    auto q = sell ? chain::sim_swap_alpha_for_tao(s, amount) : chain::sim_swap_tao_for_alpha(s, amount);
#ifdef DTAO_FUZZ_MUTANT_SWAP_ROUNDS_UP
    // The mutated rule: round the output up to a whole unit instead of down.
    if (q && s.mechanism == Mechanism::dynamic) {
        const u64 Y = sell ? s.subnet_tao : s.subnet_alpha_in;
        const auto diff = fixed::I110F18::saturating_from_u64(Y).saturating_sub(q->new_reserve);
        chain::SwapQuote m = *q;
        m.amount_out = diff.saturating_to_u64() + ((diff.bits & ((i128{1} << 18) - 1)) != 0 ? 1 : 0);
        return m;
    }
#endif
    return q;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const std::uint8_t flags = in.u8();
    const bool sell = (flags & 1) != 0;
    Subnet s;
    s.netuid = 1;
    s.mechanism = (flags & 2) != 0 ? Mechanism::stable : Mechanism::dynamic;
    s.subnet_tao = in.u64be();
    s.subnet_alpha_in = in.u64be();
    const u64 a = in.u64be();
    s.subnet_alpha_out = in.u64be();
    u64 total_stake = in.u64be();
    FUZZ_NOTE("sell", sell);
    FUZZ_NOTE("stable", s.mechanism == Mechanism::stable);
    FUZZ_NOTE("subnet_tao", s.subnet_tao);
    FUZZ_NOTE("subnet_alpha_in", s.subnet_alpha_in);
    FUZZ_NOTE("amount", a);
    FUZZ_NOTE("subnet_alpha_out", s.subnet_alpha_out);
    FUZZ_NOTE("total_stake", total_stake);

    const u64 X = sell ? s.subnet_alpha_in : s.subnet_tao;
    const u64 Y = sell ? s.subnet_tao : s.subnet_alpha_in;
    const auto q = simulate(s, sell, a);

    // 1. the applied swap agrees with the simulation; a rejection changes nothing.
    Subnet after = s;
    u64 stake_after = total_stake;
    const u64 paid =
        sell ? chain::swap_alpha_for_tao(after, stake_after, a) : chain::swap_tao_for_alpha(after, stake_after, a);
    if (!q) {
        FUZZ_ASSERT(q.error() == Error::insufficient_liquidity);
        FUZZ_ASSERT_EQ(paid, u64{0});
        FUZZ_ASSERT(same(after, s), "a rejected swap changed the subnet");
        FUZZ_ASSERT_EQ(stake_after, total_stake);
        return 0;
    }
    const u64 out = q->amount_out;
    FUZZ_NOTE("out", out);
#ifndef DTAO_FUZZ_MUTANT_SWAP_ROUNDS_UP
    FUZZ_ASSERT_EQ(paid, out);
#endif

    if (s.mechanism == Mechanism::stable) {
        // 6. 1:1
        FUZZ_ASSERT_EQ(out, a);
    } else {
        // 2. bounded by the reserve
        FUZZ_ASSERT(out <= Y && Y - out >= MINIMUM_POOL_LIQUIDITY, "out " << out << " Y " << Y);
        const Int xI = X, yI = Y, aI = a, den = xI + aI;
        FUZZ_ASSERT(den != 0);
        const Int num = yI * aI;  // o = num / den
        // 3. never below floor(o)
        FUZZ_ASSERT(Int(out) >= num / den, "out " << out << " floor(o) " << Int(num / den).str());
        const Int k = xI * yI;
        const bool saturated = (k << 18) >= (Int(1) << 127);
        if (!saturated) {
            // 4. the documented bound on the decrease of k, and the F-015 output law
            const Int k_after = den * (yI - Int(out));
            FUZZ_ASSERT(((k - k_after) << 18) < den,
                        "k decreased by more than (X+a)/2^18: k " << k.str() << " k' " << k_after.str());
            FUZZ_ASSERT(k_after >= k - den, "k decreased by more than one unit of output");
            const Int law = ceil_div(num << 18, den) >> 18;
            FUZZ_ASSERT_EQ(Int(out), law);
        }
    }

#ifndef DTAO_FUZZ_MUTANT_SWAP_ROUNDS_UP
    // 5. storage moves by exactly the amounts, with u64 saturation.
    const auto sat_add128 = [](u128 v, u64 d) { return v > ~u128{0} - d ? ~u128{0} : v + d; };
    if (!sell) {
        FUZZ_ASSERT_EQ(after.subnet_alpha_in, sat_sub(s.subnet_alpha_in, out));
        FUZZ_ASSERT_EQ(after.subnet_alpha_out, sat_add(s.subnet_alpha_out, out));
        FUZZ_ASSERT_EQ(after.subnet_tao, sat_add(s.subnet_tao, a));
        FUZZ_ASSERT_EQ(stake_after, sat_add(total_stake, a));
        FUZZ_ASSERT_EQ(after.subnet_volume, sat_add128(s.subnet_volume, a));
        if (s.mechanism == Mechanism::dynamic && s.subnet_alpha_out <= U64_MAX - out) {
            FUZZ_ASSERT_EQ(Int(after.subnet_alpha_in) + Int(after.subnet_alpha_out),
                           Int(s.subnet_alpha_in) + Int(s.subnet_alpha_out));  // alpha is conserved
        }
    } else {
        FUZZ_ASSERT_EQ(after.subnet_alpha_in, sat_add(s.subnet_alpha_in, a));
        FUZZ_ASSERT_EQ(after.subnet_alpha_out, sat_sub(s.subnet_alpha_out, a));
        FUZZ_ASSERT_EQ(after.subnet_tao, sat_sub(s.subnet_tao, out));
        FUZZ_ASSERT_EQ(stake_after, sat_sub(total_stake, out));
        FUZZ_ASSERT_EQ(after.subnet_volume, sat_add128(s.subnet_volume, out));
    }
#endif
    return 0;
}
