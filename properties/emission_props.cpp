/// Family 2, supply cap and halving: block emission (@rule EMIS-001) in both
/// models, and the caps the coinbase keeps on TotalIssuance and on each
/// subnet's alpha issuance (@rule COIN-004 COIN-006 COIN-010), chain model.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/emission.hpp"

#include <functional>

namespace dtao::prop {
namespace {

const Int S = TOTAL_SUPPLY;

/// The chain's block emission as a replaceable rule.
using EmissionRule = std::function<u64(u64)>;

EmissionRule reference_emission()
{
    return [](u64 i) { return chain::block_emission_amount(i); };
}

/// Mutant: the cap dropped — emission never reaches 0 (at least 1 rao).
EmissionRule mutant_no_cap()
{
    return [](u64 i) { return std::max<u64>(chain::block_emission_amount(i), 1); };
}

/// Mutant: every threshold moved one rao later.
EmissionRule mutant_late_threshold()
{
    return [](u64 i) { return chain::block_emission_amount(i == 0 ? 0 : i - 1); };
}

/// Mutant: 10^9 / 2^k rounded up instead of down.
EmissionRule mutant_rounded_up()
{
    return [](u64 i) {
        const auto e = chain::block_emission(i);
        if (!e || i >= TOTAL_SUPPLY)
            return u64{0};
        const u64 k = e->halvings;
        const bool inexact = k > 0 && k < 64 && (RAO_PER_TAO % (u64{1} << k)) != 0;
        return e->emission + (inexact ? 1 : 0);
    };
}

/// ⌈S(1 − 2^−k)⌉: the first issuance of band k (EMIS-001, exact).
Int threshold(unsigned k)
{
    const Int p = Int(1) << k;
    return (S * (p - 1) + p - 1) / p;
}

/// The exact band of I < S: the largest k with I·2^k ≥ S·(2^k − 1).
unsigned exact_band(u64 issuance)
{
    unsigned k = 0;
    while (k < 80 && Int(issuance) * (Int(1) << (k + 1)) >= S * ((Int(1) << (k + 1)) - 1))
        ++k;
    return k;
}

/// Issuances weighted toward the thresholds ±3 rao and the cap.
rc::Gen<u64> issuance()
{
    return rc::gen::weightedOneOf<u64>(
        {{3, boundary_u64()},
         {3, realistic_u64()},
         {4, rc::gen::map(rc::gen::pair(rc::gen::inRange<unsigned>(1, 40), rc::gen::inRange<int>(-3, 4)),
                          [](std::pair<unsigned, int> p) {
                              return static_cast<u64>(static_cast<long long>(threshold(p.first).convert_to<u64>()) +
                                                      p.second);
                          })}});
}

// ------------------------------------------------------------------ properties

/// @rule EMIS-001  [chain] E is non-increasing in issuance.
void prop_non_increasing(const EmissionRule& e, u64 i1, u64 i2)
{
    RC_ASSERT(e(std::min(i1, i2)) >= e(std::max(i1, i2)));
}

RC_GTEST_PROP(emission, emis_001_chain_non_increasing, ())
{
    prop_non_increasing(reference_emission(), *issuance(), *issuance());
}

/// @rule EMIS-001  [exact] E is non-increasing in issuance.
RC_GTEST_PROP(emission, emis_001_exact_non_increasing, ())
{
    const u64 a = *issuance(), b = *issuance();
    RC_ASSERT(exact::block_emission(std::min(a, b)).emission >= exact::block_emission(std::max(a, b)).emission);
}

/// @rule EMIS-001  [chain] On each band E = ⌊10^9 / 2^k⌋ exactly, with k the
/// exact band capped at 32 (F-016), and 0 from S on. [exact] E = 10^9 / 2^k exactly.
void prop_band_value(const EmissionRule& e, u64 i)
{
    if (i >= TOTAL_SUPPLY) {
        RC_ASSERT(e(i) == 0u);
        RC_ASSERT(exact::block_emission(i).emission == 0);
        return;
    }
    const unsigned k = exact_band(i);
    RC_TAG(k);
    const unsigned kc = std::min(k, 32u);
    RC_ASSERT(e(i) == (RAO_PER_TAO >> kc));
    RC_ASSERT(exact::block_emission(i).emission == Rational(Int(RAO_PER_TAO), Int(1) << k));
}

RC_GTEST_PROP(emission, emis_001_band_value, ()) { prop_band_value(reference_emission(), *issuance()); }

/// @rule EMIS-001  [chain and exact] The emission switches exactly at each
/// threshold T_k = ⌈S(1 − 2^−k)⌉: T_k − 1 is on band k − 1, T_k on band k (±1 rao).
void prop_switch(const EmissionRule& e, unsigned k)
{
    const u64 t = threshold(k).convert_to<u64>();
    const unsigned kc = std::min(k, 32u), kp = std::min(k - 1, 32u);
    RC_ASSERT(e(t - 1) == (RAO_PER_TAO >> kp));
    RC_ASSERT(e(t) == (RAO_PER_TAO >> kc));
    RC_ASSERT(e(t + 1) == (RAO_PER_TAO >> kc));
    RC_ASSERT(exact::block_emission(t - 1).emission == Rational(Int(RAO_PER_TAO), Int(1) << (k - 1)));
    RC_ASSERT(exact::block_emission(t).emission == Rational(Int(RAO_PER_TAO), Int(1) << k));
}

RC_GTEST_PROP(emission, emis_001_switches_exactly_at_thresholds, ())
{
    prop_switch(reference_emission(), *rc::gen::inRange<unsigned>(1, 50));
}

/// @rule EMIS-001 COIN-010  [chain and exact] For I < S, I + 2·E(I) ≤ S: one
/// block's TAO (≤ E) and one block's alpha (α_in + α_out ≤ 2·α_em) can never
/// carry an issuance past the cap, so the "one-block overshoot" of
/// economics.md §4.3 (≤ 2·α̂) is in fact 0 for the launch rules; and
/// iterating I ← I + E(I) from any I ≤ S stays ≤ S.
void prop_cap(const EmissionRule& e, u64 i, unsigned blocks)
{
    if (i > TOTAL_SUPPLY)
        i = TOTAL_SUPPLY - 1 - (i % 128);
    if (i < TOTAL_SUPPLY) {
        RC_ASSERT(Int(i) + 2 * Int(e(i)) <= S);
        RC_ASSERT(Rational(i) + 2 * exact::block_emission(i).emission <= Rational(S));
    }
    u64 cur = i;
    for (unsigned b = 0; b < blocks; ++b) {
        cur = sat_add(cur, e(cur));
        RC_ASSERT(cur <= TOTAL_SUPPLY);
    }
}

RC_GTEST_PROP(emission, coin_010_issuance_never_passes_cap, ())
{
    prop_cap(reference_emission(), *issuance(), *rc::gen::inRange<unsigned>(0, 2000));
}

/// @rule COIN-010 COIN-006 COIN-004  [chain] Driven by the coinbase over 1–8
/// blocks of a generated state whose issuances are at most S (one subnet's
/// alpha issuance placed near S): TotalIssuance never passes S; each subnet's
/// alpha issuance grows per block by at most 2·α_em(I_pre) and never passes S.
RC_GTEST_PROP(emission, coin_010_coinbase_keeps_caps, ())
{
    auto c = *chain_state(1, 4);
    auto& st = c.state;
    auto& hot = st.subnets[*rc::gen::inRange<std::size_t>(1, st.subnets.size())];
    hot.subnet_alpha_out = TOTAL_SUPPLY - hot.subnet_alpha_in - *rc::gen::inRange<u64>(0, 3'000'000'000);
    const unsigned blocks = *rc::gen::inRange<unsigned>(1, 9);
    for (unsigned b = 0; b < blocks; ++b) {
        std::vector<u64> before;
        for (const auto& s : st.subnets)
            before.push_back(sat_add(s.subnet_alpha_in, s.subnet_alpha_out));
        const u64 ti = st.total_issuance;
        (void)chain::block_step(c.rules(), st);
        RC_ASSERT(st.total_issuance >= ti);
        if (ti <= TOTAL_SUPPLY)
            RC_ASSERT(st.total_issuance <= TOTAL_SUPPLY);
        for (std::size_t i = 1; i < st.subnets.size(); ++i) {
            const auto& s = st.subnets[i];
            const u64 now = sat_add(s.subnet_alpha_in, s.subnet_alpha_out);
            RC_ASSERT(Int(now) <= Int(before[i]) + 2 * Int(chain::block_emission_amount(before[i])));
            if (before[i] <= TOTAL_SUPPLY)
                RC_ASSERT(now <= TOTAL_SUPPLY);
        }
        ++st.block;
    }
}

// ---------------------------------------------------------------- mutations

TEST(mutation, emission_dropped_cap_is_caught)
{
    expect_success("reference: cap", [] { prop_cap(reference_emission(), *issuance(), 64); });
    expect_failure(
        "mutant (emission never reaches 0): cap", [] { prop_cap(mutant_no_cap(), *issuance(), 64); }, 500);
}

TEST(mutation, emission_late_threshold_is_caught)
{
    expect_success("reference: switch", [] { prop_switch(reference_emission(), *rc::gen::inRange<unsigned>(1, 50)); });
    expect_failure("mutant (threshold one rao late): switch",
                   [] { prop_switch(mutant_late_threshold(), *rc::gen::inRange<unsigned>(1, 50)); });
}

TEST(mutation, emission_rounded_up_is_caught)
{
    expect_success("reference: band value", [] { prop_band_value(reference_emission(), *issuance()); });
    expect_failure(
        "mutant (10^9/2^k rounded up): band value", [] { prop_band_value(mutant_rounded_up(), *issuance()); }, 500);
}

}  // namespace
}  // namespace dtao::prop
