// Unit tests of the emission gate of today's mainnet (spec 440+).
// Rules: BGATE-001 … BGATE-004, RSET-026; finding F-041.
//
// Expected values are derived in the comments (the rational cases by hand; the chain's power
// is FIX-012, pinned in transcendental_test.cpp against substrate-fixed). The mainnet blocks of
// tests/chainstate/emission_parity_test.cpp check the same rules on the chain's own numbers.
#include "dtao/emission_gate.hpp"
#include "dtao/numeric/transcendental.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace dtao;
using dtao::fixed::U64F64;

namespace {

using ExactShares = std::map<u64, Rational>;
using ChainShares = std::map<u64, U64F64>;

ExactChainState exact_state(u64 block, const Rational& bar)
{
    ExactChainState st;
    st.block = block;
    st.emission_gate_bar = U64F64::from_int_bits(floor(Rational(bar * (Int(1) << 64)))).value();
    return st;
}

U64F64 u64f64(const Rational& v) { return U64F64::from_int_bits(floor(Rational(v * (Int(1) << 64)))).value(); }

}  // namespace

/// @rule BGATE-001 RSET-026
TEST(emission_gate, bar_by_rank_and_by_mass)
{
    const ExactShares shares{{1, Rational(1, 2)}, {2, Rational(3, 10)}, {3, Rational(1, 5)}, {4, 0}};
    ExactChainState st = exact_state(720, 0);
    // Rank mode (441): the N-th largest positive share; with fewer than N, the smallest positive.
    st.emission_bar_rank = 2;
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_441, st, shares), Rational(3, 10));
    st.emission_bar_rank = 5;
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_441, st, shares), Rational(1, 5));
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_441, st, ExactShares{{1, 0}, {2, 0}}), 0);
    // q-mass (440, and 441 with N = 0): sorted 1/2, 3/10, 1/5, 0; cumulative 1/2 < 3/4 ≤ 4/5, so θ = 3/10.
    st.emission_bar_quantile = u64f64(Rational(3, 4));
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_440, st, shares), Rational(3, 10));
    st.emission_bar_rank = 0;
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_441, st, shares), Rational(3, 10));
    // 440 ignores the rank even when one is stored.
    st.emission_bar_rank = 1;
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_440, st, shares), Rational(3, 10));
    // A mass never reached: the last (smallest) share, here the 0.
    st.emission_bar_quantile = u64f64(Rational(3, 2));
    EXPECT_EQ(injection_capped::emission_gate_bar(MAINNET_440, st, shares), 0);
}

/// @rule BGATE-002 UNIT-027
TEST(emission_gate, bar_recomputed_every_360_blocks_or_when_zero)
{
    const ExactShares shares{{1, Rational(3, 4)}, {2, Rational(1, 4)}};
    ExactChainState st = exact_state(721, Rational(1, 8));
    st.emission_bar_rank = 1;
    // Not due: the stored 1/8 stands.
    auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_FALSE(g.bar_recomputed);
    EXPECT_EQ(g.bar, Rational(1, 8));
    // Due at 720: rank 1 gives 3/4, stored.
    st.block = 720;
    g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_TRUE(g.bar_recomputed && g.bar_stored);
    EXPECT_EQ(g.bar, Rational(3, 4));
    injection_capped::store_emission_gate_bar(st, g);
    EXPECT_EQ(st.emission_gate_bar, u64f64(Rational(3, 4)));
    // A zero bar is recomputed whatever the block.
    st = exact_state(721, 0);
    st.emission_bar_rank = 1;
    g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_TRUE(g.bar_recomputed && g.bar_stored);
    // A recomputed θ of 0 (no positive share) is not stored, and the old bar stays in force.
    st = exact_state(720, Rational(1, 8));
    st.emission_bar_rank = 1;
    g = injection_capped::emission_gate(MAINNET_441, st, ExactShares{{1, 0}});
    EXPECT_TRUE(g.bar_recomputed);
    EXPECT_FALSE(g.bar_stored);
    EXPECT_EQ(g.bar, Rational(1, 8));
}

/// @rule BGATE-003 BGATE-004
TEST(emission_gate, hill_gate_renormalised_exact)
{
    // θ = 1/4 (stored, block not due), h = 3, shares 1/2, 1/4, 1/4:
    // g(1/2) = 1/(1 + (1/2)^3) = 8/9, g(1/4) = 1/2; gated 4/9, 1/8, 1/8, sum 25/36;
    // renormalised 16/25, 9/50, 9/50.
    const ExactShares shares{{1, Rational(1, 2)}, {2, Rational(1, 4)}, {3, Rational(1, 4)}};
    const ExactChainState st = exact_state(721, Rational(1, 4));
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_EQ(g.gate.at(1), Rational(8, 9));
    EXPECT_EQ(g.gate.at(2), Rational(1, 2));
    EXPECT_EQ(g.gated.at(1), Rational(16, 25));
    EXPECT_EQ(g.gated.at(2), Rational(9, 50));
    EXPECT_EQ(g.gated.at(3), Rational(9, 50));
    EXPECT_FALSE(g.restored);
    // No bar, no gate.
    const auto none = injection_capped::emission_gate(MAINNET_441, exact_state(721, 0), ExactShares{});
    EXPECT_TRUE(none.gated.empty());
}

/// @rule BGATE-003 BGATE-004
TEST(emission_gate, chain_gate_is_the_exact_gate_to_a_few_ulp)
{
    // The same case in U64F64: 1/2 and 1/4 are exact; (θ/s)^3 goes through I32F32 ln/exp, whose
    // error is far below 2^-20 here (FIX-012), so each share is within 2^-20 of the exact one.
    ChainState st;
    st.block = 721;
    st.emission_gate_bar = U64F64::from_bits(u128{1} << 62);
    const ChainShares shares{{1, U64F64::from_bits(u128{1} << 63)},
                             {2, U64F64::from_bits(u128{1} << 62)},
                             {3, U64F64::from_bits(u128{1} << 62)}};
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    const std::map<u64, Rational> want{{1, Rational(16, 25)}, {2, Rational(9, 50)}, {3, Rational(9, 50)}};
    for (const auto& [n, v] : want) {
        const Rational diff = g.gated.at(n).to_rational() - v;
        EXPECT_LT(abs(diff), Rational(1, 1 << 20)) << "netuid " << n;
    }
    // θ/s = 1 exactly: ln 1 = 0, exp 0 = 1, so the gate at the bar is exactly 1/2.
    EXPECT_EQ(g.gate.at(2), U64F64::from_bits(u128{1} << 63));
}

/// @rule BGATE-003
TEST(emission_gate, every_gated_share_zero_restores_the_ungated_shares)
{
    // Derivation: shares of one U64F64 ulp (2^-64) under a stored bar 2^-10: θ/s = 2^54, which
    // I32F32 saturates to 2^31 − 2^-32; h·ln(that) = 3·21.49 > 20.89, so exp fails and the power
    // is 2^31 − 1 (FIX-012); g = 1/2^31 and s·g = 2^-95, which U64F64 floors to 0. Every
    // gated share is 0, so the ungated ones are kept.
    ChainState st;
    st.block = 721;
    st.emission_gate_bar = U64F64::from_bits(u128{1} << 54);
    const ChainShares shares{{1, U64F64::from_bits(1)}, {2, U64F64::from_bits(1)}};
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_TRUE(g.restored);
    EXPECT_EQ(g.gated, shares);
    EXPECT_EQ(g.gate.at(1), U64F64::from_bits((u128{1} << 64) / (u128{1} << 31)));
}

/// F-041: a share far above the bar is gated as if it were far below it.
TEST(emission_gate, f041_dominant_share_inverted_by_safe_pow)
{
    // Mainnet's bar θ ≈ 0.0076 (stored, not due) with h = 5 instead of 3: for the share 0.99,
    // θ/s ≈ 0.00768, 5·ln(0.00768) ≈ −24.3 < −20.89, so exp fails and safe_pow returns
    // 2^31 − 1: the gate is 2^-31 instead of ≈ 1. The share 0.01 is gated normally
    // (θ/s = 0.76, 0.76^5 ≈ 0.254, g ≈ 0.80). After the renormalisation the dominant subnet
    // keeps almost nothing and the small one takes almost all. The exact gate does the opposite.
    ChainState st;
    st.block = 721;
    st.emission_gate_bar = u64f64(Rational(76, 10'000));
    st.emission_gate_exponent = U64F64::from_bits(u128{5} << 64);
    const ChainShares shares{{1, u64f64(Rational(99, 100))}, {2, u64f64(Rational(1, 100))}};
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    EXPECT_EQ(transcendental::safe_pow(st.emission_gate_bar.safe_div(shares.at(1)), st.emission_gate_exponent),
              U64F64::from_bits(u128{0x7FFF'FFFF} << 64));
    EXPECT_EQ(g.gate.at(1), U64F64::from_bits(u128{1} << 33));  // 2^-31
    EXPECT_EQ(g.gated.at(1), U64F64::from_bits(1'066'025'430'719));
    EXPECT_GT(g.gated.at(2), u64f64(Rational(999'999, 1'000'000)));

    ExactChainState est;
    est.block = 721;
    est.emission_gate_bar = st.emission_gate_bar;
    est.emission_gate_exponent = st.emission_gate_exponent;
    const auto eg =
        injection_capped::emission_gate(MAINNET_441, est, ExactShares{{1, Rational(99, 100)}, {2, Rational(1, 100)}});
    EXPECT_GT(eg.gated.at(1), Rational(99, 100));
}

/// @rule BGATE-003 BGATE-004
TEST(emission_gate, exact_gate_below_the_bar_through_the_reciprocal)
{
    // θ = 1/4, h = 3, shares 1/2 and 1/8: r = θ/s = 1/2 and 2. g(1/2) = 1/(1 + 1/8) = 8/9;
    // g(1/8) = 1/(1 + 2^3) = 1/9, computed as q/(1 + q) with q = (1/2)^3 = 1/8: the same number.
    const ExactShares shares{{1, Rational(1, 2)}, {2, Rational(1, 8)}};
    const auto g = injection_capped::emission_gate(MAINNET_441, exact_state(721, Rational(1, 4)), shares);
    EXPECT_EQ(g.gate.at(1), Rational(8, 9));
    EXPECT_EQ(g.gate.at(2), Rational(1, 9));
}

/// @rule BGATE-003 BGATE-004
TEST(emission_gate, exact_gate_with_a_huge_exponent_answers)
{
    // h just above 2^63, not an integer: (θ/s)^h for a share below the bar has about 2^63 bits,
    // more than any machine holds, so the exact model takes the gate through (s/θ)^h, which is
    // below 2^-250 here. Above the bar, (θ/s)^h is as small and the gate within 2^-250 of 1.
    ExactChainState st = exact_state(721, Rational(1, 4));
    st.emission_gate_exponent = U64F64::from_int_bits((Int(1) << 127) + 12345).value();
    const ExactShares shares{{1, Rational(1, 2)}, {2, Rational(1, 1000)}};
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    const Rational eps(Int(1), Int(1) << 250);
    EXPECT_LE(g.gate.at(2), eps);
    EXPECT_GE(g.gate.at(2), 0);
    EXPECT_LE(1 - g.gate.at(1), eps);
    EXPECT_LE(1 - g.gated.at(1), eps);
    // The chain's safe_pow gives 2^31 − 1 in either direction at this h (FIX-012, F-041): both
    // shares get the same gate, about 2^-31.
    ChainState cst;
    cst.block = 721;
    cst.emission_gate_bar = st.emission_gate_bar;
    cst.emission_gate_exponent = st.emission_gate_exponent;
    const auto c = injection_capped::emission_gate(
        MAINNET_441, cst, ChainShares{{1, u64f64(Rational(1, 2))}, {2, u64f64(Rational(1, 1000))}});
    EXPECT_EQ(c.gate.at(1), c.gate.at(2));
    EXPECT_LE(c.gate.at(2).to_rational(), Rational(Int(1), Int(1) << 30));
    EXPECT_GE(c.gate.at(2).to_rational(), Rational(Int(1), Int(1) << 32));
}
