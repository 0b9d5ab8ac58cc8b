// dtao-reference: block emission and halving (TAO and each subnet's alpha).
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/emission.md (EMIS-*). Chain source: subtensor f95810a
// pallets/subtensor/src/coinbase/block_emission.rs::get_block_emission_for_issuance.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/errors.hpp"
#include "dtao/numeric/fixed.hpp"

namespace dtao {

namespace chain {

/// Result of `get_block_emission_for_issuance` with its intermediates.
struct BlockEmission
{
    u64 emission = 0;          ///< rao (or alpha base units) per block
    u64 halvings = 0;          ///< k = floor(log2(1 / (1 − q)))
    fixed::I96F32 q{};         ///< issuance / 2.1e16, truncated to 32 fractional bits
    fixed::I96F32 residual{};  ///< log2(1 / (1 − q)) as the library computes it
};

/// @rule FIX-010  substrate-fixed `transcendental::log2` for an I96F32 argument
/// ≥ 1: the integer part by repeated right shifts *with rounding*, then F
/// fractional bits by repeated squaring. `nullopt` for x ≤ 0 (the library's
/// `Err`). Arguments in (0, 1) go through 1/x and a negation, as the library does.
[[nodiscard]] std::optional<fixed::I96F32> log2(fixed::I96F32 x);

/// @rule EMIS-001  Block emission for an issuance (TAO: `TotalIssuance`;
/// alpha: `SubnetAlphaIn + SubnetAlphaOut`). Errors: `logarithm_failed`
/// (unreachable for u64 inputs; kept because the chain propagates it).
[[nodiscard]] Result<BlockEmission> block_emission(u64 issuance);

/// @rule EMIS-001  The emission alone, with the callers' `.unwrap_or(0)`: the
/// same value as `block_emission`, without the fractional bits of the
/// logarithm that `floor()` discards (the coinbase calls this per subnet).
[[nodiscard]] u64 block_emission_amount(u64 issuance);

}  // namespace chain

namespace exact {

struct BlockEmission
{
    Rational emission;  ///< 10^9 / 2^k exactly (no flooring)
    u64 halvings = 0;   ///< k = floor(log2(S / (S − I))), S = 21·10^15
};

/// @rule EMIS-001  Exact block emission: 0 when I ≥ S; otherwise 10^9 / 2^k
/// with k the largest integer such that I · 2^k ≥ S · (2^k − 1).
[[nodiscard]] BlockEmission block_emission(const Rational& issuance);

}  // namespace exact

}  // namespace dtao
