// dtao-reference: the Hill emission gate of today's mainnet (spec 440+): the bar θ and the gate
// that shrinks each subnet's share by s^h / (s^h + θ^h) before renormalising.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/emission_gate.md (BGATE-*). Chain source: RaoFoundation/subtensor
// pallets/subtensor/src/coinbase/subnet_emissions.rs at f8ff769 (`get_shares`,
// `maybe_update_emission_gate_bar`, `apply_emission_gate`, `safe_pow`). The rule is written once
// over the model; what differs is the power (θ/s)^h: the chain's goes through I32F32 ln and exp
// (FIX-012), the exact model's is the real power.
#pragma once

#include "dtao/injection_capped.hpp"

#include <map>

namespace dtao::injection_capped {

/// What the gate did to one block's shares.
template <typename Model>
struct GateOutcome
{
    Share<Model> bar{};                    ///< θ in force: the stored bar, or the one computed this block
    bool bar_recomputed = false;           ///< θ was due (block % 360 = 0, or the stored bar is 0)
    bool bar_stored = false;               ///< the recomputed θ is positive, so it replaces the stored bar
    std::map<u64, Share<Model>> weighted;  ///< the shares before the gate (BCOIN-004's weighting)
    std::map<u64, Share<Model>> gate;      ///< 1 / (1 + (θ/s)^h) per share (absent where s = 0 or θ = 0)
    std::map<u64, Share<Model>> gated;     ///< the shares after the gate and the renormalisation
    bool restored = false;                 ///< every gated share was 0: the ungated shares are kept
};

inline namespace rules {

/// @rule BGATE-001  `maybe_update_emission_gate_bar`'s θ over `shares` (zeros included):
/// rank mode (`EmissionBarRank` N > 0, spec 441+) takes the N-th largest positive share, or the
/// smallest positive one when fewer than N are positive, or 0; q-mass mode (N = 0, and always
/// at spec 440) walks the shares in descending order until their saturating sum reaches
/// `EmissionBarQuantile` and takes the share at the crossing (the last one if it never does).
template <typename Model>
[[nodiscard]] Share<Model> emission_gate_bar(const Ruleset& rules, const ChainStateT<Model>& st,
                                             const std::map<u64, Share<Model>>& shares);

/// @rule BGATE-002  When θ is recomputed: the stored bar is 0 or the block is a multiple of
/// `EMISSION_BAR_UPDATE_INTERVAL`. Only a positive θ is stored.
template <typename Model>
[[nodiscard]] bool emission_gate_bar_due(const ChainStateT<Model>& st);

/// @rule BGATE-003  `apply_emission_gate`: with θ > 0, each positive share s becomes
/// s · 1/(1 + (θ/s)^h) (`EmissionGateExponent` h), then every share is divided by their sum; if
/// that sum is 0 the ungated shares stand. θ = 0 leaves the shares alone. The whole gate, bar
/// included, for the weighted shares of `get_shares`.
template <typename Model>
[[nodiscard]] GateOutcome<Model> emission_gate(const Ruleset& rules, const ChainStateT<Model>& st,
                                               const std::map<u64, Share<Model>>& weighted);

/// @rule BGATE-002  Store the bar the gate computed (a positive recomputed θ; the chain keeps
/// U64F64, so the exact model stores its rational θ floored to 2^-64).
template <typename Model>
void store_emission_gate_bar(ChainStateT<Model>& st, const GateOutcome<Model>& gate);

}  // namespace rules

}  // namespace dtao::injection_capped
