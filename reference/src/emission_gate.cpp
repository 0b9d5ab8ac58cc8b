// dtao-reference: the Hill emission gate, written once over the model (dtao/emission_gate.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/emission_gate.hpp"

#include "dtao/numeric/transcendental.hpp"
#include "injection_capped_leaf.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace dtao::injection_capped {

using fixed::U64F64;
using namespace leaf;

namespace {

/// The gate's leaf formula: g = 1/(1 + r^h) for r = θ/s, with the power of BGATE-004. θ's
/// storage is the family's (`Leaf`).
template <typename Model>
struct GateLeaf;

template <>
struct GateLeaf<ChainModel>
{
    static U64F64 share_of(U64F64 stored) { return Leaf<ChainModel>::share_of_stored(stored); }
    static U64F64 stored(U64F64 v) { return Leaf<ChainModel>::stored_share(v); }
    /// BGATE-004: the chain's `safe_pow`, through I32F32 ln and exp (FIX-012); BGATE-003's
    /// `safe_div` and `saturating_add` around it.
    static U64F64 gate(U64F64 ratio, U64F64 h)
    {
        const U64F64 one = Leaf<ChainModel>::share_one();
        return div_or_zero(one, add(one, transcendental::safe_pow(ratio, h)));
    }
};

template <>
struct GateLeaf<ExactModel>
{
    static Rational share_of(U64F64 stored) { return Leaf<ExactModel>::share_of_stored(stored); }
    static U64F64 stored(const Rational& v) { return Leaf<ExactModel>::stored_share(v); }
    /// BGATE-003 on rationals: 1/(1 + r^h). For r > 1 it is q/(1 + q) with q = (1/r)^h ≤ 1, the
    /// same number: r^h itself can have more bits than any machine holds (h near 2^64 below
    /// the bar), while q only gets small.
    static Rational gate(const Rational& ratio, U64F64 h)
    {
        if (ratio <= 1)
            return 1 / (1 + power(ratio, h));
        const Rational q = power(1 / ratio, h);
        return q / (1 + q);
    }
    /// BGATE-004: the real power of r ≤ 1. An integer h up to 64 (mainnet's is 3) gives the
    /// exact rational; any other h the midpoint of the BIGM-007 enclosure at 2^-256, which a
    /// U64F64 share cannot tell from the real value.
    static Rational power(const Rational& ratio, U64F64 h)
    {
        const Int h_bits = h.int_bits();
        const Int one_bits = Int(1) << 64;
        if (h_bits % one_bits == 0 && h_bits / one_bits <= 64) {
            const unsigned n = static_cast<unsigned>(h_bits / one_bits);
            Rational out = 1;
            for (unsigned i = 0; i < n; ++i)
                out *= ratio;
            return out;
        }
        const Int scale = Int(1) << 256;
        const auto iv =
            exact::pow_ratio_reference(boost::multiprecision::numerator(ratio),
                                       boost::multiprecision::denominator(ratio), h_bits, one_bits, scale, 320);
        return Rational(Int(iv.lo + iv.hi), Int(scale * 2));
    }
};

}  // namespace

inline namespace rules {

template <typename Model>
Share<Model> emission_gate_bar(const Ruleset& rules, const ChainStateT<Model>& st,
                               const std::map<u64, Share<Model>>& shares)
{
    const Share<Model> zero{};
    std::vector<Share<Model>> sorted;
    for (const auto& [n, s] : shares)
        sorted.push_back(s);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    // BGATE-001: rank mode from spec 441 when N > 0; spec 440 has no rank and walks the mass.
    if (rules.emission_gate == EmissionGate::rank_or_quantile && st.emission_bar_rank > 0) {
        Share<Model> smallest_positive = zero;
        u64 seen = 0;
        for (const auto& s : sorted) {
            if (!(s > zero))
                continue;
            if (++seen == st.emission_bar_rank)
                return s;
            smallest_positive = s;
        }
        return smallest_positive;
    }
    const Share<Model> q = GateLeaf<Model>::share_of(st.emission_bar_quantile);
    Share<Model> cumulative = zero;
    Share<Model> crossing = zero;
    for (const auto& s : sorted) {
        cumulative = add(cumulative, s);
        crossing = s;
        if (cumulative >= q)
            break;
    }
    return crossing;
}

template <typename Model>
bool emission_gate_bar_due(const ChainStateT<Model>& st)
{
    return st.emission_gate_bar == U64F64{} || st.block % EMISSION_BAR_UPDATE_INTERVAL == 0;
}

template <typename Model>
GateOutcome<Model> emission_gate(const Ruleset& rules, const ChainStateT<Model>& st,
                                 const std::map<u64, Share<Model>>& weighted)
{
    using G = GateLeaf<Model>;
    const Share<Model> zero{};
    GateOutcome<Model> out;
    out.weighted = weighted;
    out.gated = weighted;
    out.bar = G::share_of(st.emission_gate_bar);
    // BGATE-002: recomputed when due; a zero θ leaves the stored bar in force.
    if (emission_gate_bar_due(st)) {
        out.bar_recomputed = true;
        const Share<Model> theta = emission_gate_bar(rules, st, weighted);
        if (theta > zero) {
            out.bar = theta;
            out.bar_stored = true;
        }
    }
    // BGATE-003
    if (!(out.bar > zero))
        return out;
    Share<Model> total = zero;
    for (auto& [n, s] : out.gated) {
        if (s > zero) {
            const Share<Model> g = G::gate(div_or_zero(out.bar, s), st.emission_gate_exponent);
            out.gate[n] = g;
            s = mul(s, g);
        }
        total = add(total, s);
    }
    if (total > zero) {
        for (auto& [n, s] : out.gated)
            s = div_or_zero(s, total);
    } else {
        out.gated = weighted;
        out.restored = true;
    }
    return out;
}

template <typename Model>
void store_emission_gate_bar(ChainStateT<Model>& st, const GateOutcome<Model>& gate)
{
    if (gate.bar_stored)
        st.emission_gate_bar = GateLeaf<Model>::stored(gate.bar);
}

}  // namespace rules

#define DTAO_INSTANTIATE_GATE(Model)                                                                                   \
    template Share<Model> emission_gate_bar(const Ruleset&, const ChainStateT<Model>&,                                 \
                                            const std::map<u64, Share<Model>>&);                                       \
    template bool emission_gate_bar_due(const ChainStateT<Model>&);                                                    \
    template GateOutcome<Model> emission_gate(const Ruleset&, const ChainStateT<Model>&,                               \
                                              const std::map<u64, Share<Model>>&);                                     \
    template void store_emission_gate_bar(ChainStateT<Model>&, const GateOutcome<Model>&);

DTAO_INSTANTIATE_GATE(ChainModel)
DTAO_INSTANTIATE_GATE(ExactModel)

#undef DTAO_INSTANTIATE_GATE

}  // namespace dtao::injection_capped
