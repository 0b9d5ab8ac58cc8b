// dtao-reference: the Taoflow shares of the year of the v3 pool (v3.2.10-334 … v3.4.5-419): each
// emitting subnet's share of the block emission from the EMA of its net TAO flow, clipped at a
// lower limit and power-normalised through substrate-fixed's I32F32 `ln` and `exp`.
// Spec: spec/taoflow.md (VFLOW-*).
// SPDX-License-Identifier: Apache-2.0
//
// Chain source: opentensor/subtensor@v3.2.10-334 `pallets/subtensor/src/coinbase/subnet_emissions.rs`
// (`get_lower_limit`, `pow_estimate`, `safe_pow`, `inplace_scale`, `inplace_pow_normalize`,
// `get_shares_flow`). These bodies are the same token for token to v3.4.6-421, except
// `get_shares_flow` from v3.4.0-411. The flows' EMA (`get_ema_flow`) changes at v3.2.11-338 and
// v3.2.15-348 and is not here yet; neither is the Taoflow coinbase (`v3_taoflow`, not modelled).
// Chain arithmetic only: the normalisation's power is irrational for a fractional exponent.
#pragma once

#include "dtao/numeric/fixed.hpp"

#include <map>

namespace dtao::taoflow {

/// Values keyed by netuid, in the chain's `BTreeMap<NetUid, _>` order.
template <typename T>
using ByNetuid = std::map<u64, T>;

/// @rule VFLOW-001  `get_lower_limit`: L = max(TaoFlowCutoff, min over the flows of min(S_i, 0)),
/// 0 without flows. A cutoff above every negative flow lifts L; flows never raise it above 0.
[[nodiscard]] fixed::I64F64 get_lower_limit(const ByNetuid<fixed::I64F64>& ema_flows, fixed::I64F64 flow_cutoff);

/// @rule VFLOW-002  `inplace_pow_normalize(z, p)`: scale z so that its maximum is 1
/// (`inplace_scale`: each times 1 `safe_div` max); then, unless n·max² (`pow_estimate`, n the
/// subnets) is below (2^31 − 1) / u64::MAX, with f = √((2^31 − 1) / (n·max²)) (`checked_sqrt`,
/// ε = 1/1000), each z_i becomes `safe_pow`(f·z_i, p) / Σ_j `safe_pow`(f·z_j, p) (FIX-012,
/// `safe_div`: 0 when the sum is 0). All in U64F64; otherwise the scaled values stay as they are.
void inplace_pow_normalize(ByNetuid<fixed::U64F64>& flows, fixed::U64F64 p);

/// @rule VFLOW-003  `get_shares_flow` on EMA flows already read (v3.2.10-334 … v3.3.15-402): each
/// subnet's offset z_i = S_i − L when S_i > L, else 0 (I64F64 `saturating_sub`, then U64F64),
/// with L from VFLOW-001; then VFLOW-002 with the exponent `FlowNormExponent`.
[[nodiscard]] ByNetuid<fixed::U64F64> get_shares_flow(const ByNetuid<fixed::I64F64>& ema_flows,
                                                      fixed::I64F64 flow_cutoff, fixed::U64F64 p);

}  // namespace dtao::taoflow
