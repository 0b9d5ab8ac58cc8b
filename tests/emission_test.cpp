// Unit tests of block emission and halving.
// Rules: EMIS-001 (and FIX-010 through the halving count)
//
// Chain source: coinbase/block_emission.rs::get_block_emission_for_issuance,
// identical v2.0.0–v2.0.10 (subtensor_v2.md §Q4; chain-rules.md §A.1.3).
//
// Derivation of the chain's halving switch (S = 2.1e16, I the issuance):
//   q    = I96F32(I).checked_div(I96F32(S))   bits: q = ⌊I·2^32 / S⌋
//   d    = bits(1 − q) = 2^32 − q              (an integer ≥ 1 for I < S)
//   inv  = bits(1 / (1 − q)) = ⌊2^64 / d⌋
//   k    = integer part of log2(inv). The library's integer loop replaces
//          x by rs(x) = ⌈x/2⌉ (see fixed_test.cpp), so
//          k ≥ n  ⇔  inv > 2^(n−1)·(2^33 − 1)  ⇔  inv ≥ 2^(n+32) − 2^(n−1) + 1
//              ⇔  d ≤ 2^64 / (2^(n+32) − 2^(n−1) + 1) = 2^(32−n) + ε,
//          with 0 < ε = 2^(32−n)·(2^(n−1) − 1)/(2^(n+32) − 2^(n−1) + 1) < 2^(−1−n)·…< 1.
//          d is an integer, so k ≥ n ⇔ d ≤ 2^(32−n) ⇔ q ≥ 2^32 − 2^(32−n)
//              ⇔ I·2^32/S ≥ 2^32 − 2^(32−n) ⇔ I ≥ S·(1 − 2^−n)      (1 ≤ n ≤ 32)
//   which is exactly the rational threshold. For n ≥ 33 the condition needs
//   q > 2^32 − 1, impossible, so the chain's k saturates at 32.
// So the rs-rounding quirk of log2 (x just below a power of two rounds up)
// can never fire inside get_block_emission_for_issuance: inv = ⌊2^64/d⌋ never
// lands in the last 2^n ulps below 2^(n+33). The chain's halving count equals
// the exact one for every issuance with exact k ≤ 32, i.e. for
// I < S·(1 − 2^−33) (the last ≈ 2.44e6 rao below the cap); there the chain
// keeps k = 32 while the exact k reaches 54, and both emissions are 0
// (k ≥ 30 ⇒ ⌊10^9/2^k⌋ = 0). The tests below assert all of this, and find
// the switch points by bisection.
#include "dtao/constants.hpp"
#include "dtao/emission.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;

namespace {

const Int S = Int(TOTAL_SUPPLY);

/// The exact threshold of halving n: ⌈S·(1 − 2^−n)⌉.
Int exact_threshold(unsigned n) { return ceil_div(S * ((Int(1) << n) - 1), Int(1) << n); }

u64 chain_k(u64 issuance)
{
    const auto e = chain::block_emission(issuance);
    EXPECT_TRUE(e.ok());
    return e ? e->halvings : ~u64{0};
}

/// Smallest issuance in [lo, hi] whose chain halving count is ≥ n (bisection;
/// relies on monotonicity, asserted separately).
u64 chain_switch(unsigned n, u64 lo, u64 hi)
{
    while (lo < hi) {
        const u64 mid = lo + (hi - lo) / 2;
        if (chain_k(mid) >= n)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

}  // namespace

/// @rule EMIS-001
TEST(emission, base_values)
{
    // Issuance 0: k = 0, E = 10^9 (DefaultBlockEmission).
    auto e0 = chain::block_emission(0);
    ASSERT_TRUE(e0.ok());
    EXPECT_EQ(e0->emission, 1'000'000'000u);
    EXPECT_EQ(e0->halvings, 0u);
    EXPECT_EQ(e0->q.bits, 0);
    // I ≥ TotalSupply → 0 (first branch; `I96F32(I) >= I96F32(TotalSupply)`).
    EXPECT_EQ(chain::block_emission(TOTAL_SUPPLY)->emission, 0u);
    EXPECT_EQ(chain::block_emission(22'000'000'000'000'000)->emission, 0u);
    EXPECT_EQ(chain::block_emission(U64_MAX)->emission, 0u);
    EXPECT_EQ(exact::block_emission(Rational(TOTAL_SUPPLY)).emission, 0);
    EXPECT_EQ(exact::block_emission(0).emission, 1'000'000'000);
    // chain-rules.md §A.1.3: k = 1 from 1.05e16 (E = 5e8), k = 2 from 1.575e16
    // (2.5e8), k = 3 from 1.8375e16 (1.25e8).
    EXPECT_EQ(chain::block_emission(10'500'000'000'000'000)->emission, 500'000'000u);
    EXPECT_EQ(chain::block_emission(10'499'999'999'999'999)->emission, 1'000'000'000u);
    EXPECT_EQ(chain::block_emission(15'750'000'000'000'000)->emission, 250'000'000u);
    EXPECT_EQ(chain::block_emission(18'375'000'000'000'000)->emission, 125'000'000u);
    EXPECT_EQ(exact::block_emission(Rational(15'750'000'000'000'000)).halvings, 2u);
    EXPECT_EQ(exact::block_emission(Rational(15'749'999'999'999'999)).halvings, 1u);
    // The intermediate q of the worked log2 table (substrate_fixed.md §7.2):
    // I = 1.5e16 → q bits ⌊1.5e16·2^32/2.1e16⌋ = 3067833782, log2 bits 7762530278.
    auto e15 = chain::block_emission(15'000'000'000'000'000);
    EXPECT_EQ(e15->q.bits, 3067833782);
    EXPECT_EQ(e15->residual.bits, 7762530278);
    EXPECT_EQ(e15->halvings, 1u);
}

/// @rule EMIS-001 FIX-010
TEST(emission, halving_switch_points_by_bisection)
{
    // Exact thresholds (chain-rules.md §A.1.3): 10 500 000 000 000 000,
    // 15 750 000 000 000 000, 18 375 000 000 000 000.
    EXPECT_EQ(exact_threshold(1), Int("10500000000000000"));
    EXPECT_EQ(exact_threshold(2), Int("15750000000000000"));
    EXPECT_EQ(exact_threshold(3), Int("18375000000000000"));
    u64 lo = 0;
    for (unsigned n = 1; n <= 32; ++n) {
        const u64 t = to_u64_checked(exact_threshold(n));
        const u64 found = chain_switch(n, lo, TOTAL_SUPPLY - 1);
        // Derived in the header comment: the chain switches exactly at ⌈S(1 − 2^−n)⌉.
        EXPECT_EQ(found, t) << "n=" << n;
        EXPECT_EQ(chain_k(t - 1), n - 1) << "n=" << n;
        EXPECT_EQ(chain_k(t), n) << "n=" << n;
        // the exact model switches at the same issuance
        EXPECT_EQ(exact::block_emission(Rational(t)).halvings, n);
        EXPECT_EQ(exact::block_emission(Rational(t - 1)).halvings, n - 1);
        lo = found;
    }
    // Beyond n = 32 the chain's k saturates at 32 (q < 2^32 always).
    EXPECT_EQ(chain_k(TOTAL_SUPPLY - 1), 32u);
    EXPECT_EQ(exact::block_emission(Rational(TOTAL_SUPPLY - 1)).halvings, 54u);  // ⌊log2(2.1e16)⌋
    const u64 t33 = to_u64_checked(exact_threshold(33));
    EXPECT_EQ(chain_k(t33), 32u);
    EXPECT_EQ(exact::block_emission(Rational(t33)).halvings, 33u);
    EXPECT_EQ(chain::block_emission(t33)->emission, 0u);
}

/// @rule EMIS-001
TEST(emission, chain_is_floor_of_exact_and_monotone)
{
    auto rng = dtao::test::seeded_rng("emission.chain_is_floor_of_exact");
    std::vector<u64> xs;
    for (unsigned n = 1; n <= 40; ++n) {
        const Int t = exact_threshold(n);
        for (int d = -2; d <= 2; ++d)
            if (t + d < S)
                xs.push_back(to_u64_checked(t + d));
    }
    for (unsigned i = 0; i < dtao::test::test_iters(); ++i)
        xs.push_back(rng() % TOTAL_SUPPLY);
    for (unsigned i = 0; i < 200; ++i)  // the last 2^22 rao below the cap
        xs.push_back(TOTAL_SUPPLY - 1 - rng() % (u64{1} << 22));
    std::sort(xs.begin(), xs.end());
    u64 prev_k = 0, prev_e = U64_MAX;
    for (u64 x : xs) {
        const auto c = chain::block_emission(x);
        ASSERT_TRUE(c.ok());
        const auto e = exact::block_emission(Rational(x));
        // E_chain = ⌊10^9 / 2^k⌋ computed exactly in I96F32 (2^−k has bits 2^(32−k)).
        EXPECT_EQ(Int(c->emission), floor(e.emission)) << x;
        EXPECT_EQ(c->halvings, std::min<u64>(e.halvings, 32)) << x;
        // monotone: k non-decreasing, E non-increasing in the issuance
        EXPECT_GE(c->halvings, prev_k) << x;
        EXPECT_LE(c->emission, prev_e) << x;
        prev_k = c->halvings;
        prev_e = c->emission;
    }
}

/// @rule EMIS-001 FIX-010
/// The coinbase's fast path (`block_emission_amount`, the integer loop of log2
/// only) equals the full computation: the fractional loop appends bits below
/// the binary point, which `floor()` discards. Checked at and around every
/// threshold S·(1 − 2^−k), near the cap, and on a seeded random sample.
TEST(emission, amount_fast_path_equals_full_computation)
{
    const auto check = [](u64 issuance) {
        const auto full = chain::block_emission(issuance);
        ASSERT_TRUE(full.ok()) << issuance;
        ASSERT_EQ(chain::block_emission_amount(issuance), full->emission) << "issuance " << issuance;
    };
    for (unsigned k = 0; k <= 40; ++k) {
        const Int threshold = exact_threshold(k);
        for (int d = -3; d <= 3; ++d) {
            const Int i = threshold + d;
            if (i >= 0)
                check(to_u64_saturating(i));
        }
    }
    for (u64 i : {u64{0}, u64{1}, TOTAL_SUPPLY - 1, TOTAL_SUPPLY, TOTAL_SUPPLY + 1, U64_MAX})
        check(i);
    auto rng = test::seeded_rng("emission.amount_fast_path");
    std::uniform_int_distribution<u64> any(0, TOTAL_SUPPLY + 1000);
    for (unsigned n = 0; n < test::test_iters(); ++n)
        check(any(rng));
}
