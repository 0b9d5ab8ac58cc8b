// dtao-testsupport: framework-free oracles shared by a property test and a fuzz
// target. Each returns a description of the violation, or nothing when the
// rule holds (the caller asserts with its own framework).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/numeric/arith.hpp"

#include <optional>
#include <string>

namespace dtao::test {

/// BAL-007: a reweighting from quote parts `parts0` to `parts1` that injects `dy` TAO and
/// `dx` alpha into a pool of `y` TAO and `x` alpha moves the spot price p = (1 − w2)/w2 · y/x
/// by at most p·(1/q1 + 1/q2 + 2.1·10^-16), q1 and q2 the products
/// update_weights_for_added_liquidity rounds (skipped when x, y, q1 or q2 is 0).
std::optional<std::string> reweight_price_violation(u64 parts0, u64 parts1, u64 y, u64 x, u64 dy, u64 dx);

}  // namespace dtao::test
