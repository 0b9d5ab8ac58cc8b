// dtao: the `dtao eval` handler lists, one per form (capabilities.hpp). protocol.cpp routes
// a request to the entry of its op's form in the request's ruleset.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol_io.hpp"

#include <vector>

namespace dtao::protocol::detail {

/// `block_emission`, `network_lock_cost` (common) and `blocks_until_next_epoch` (modulo).
[[nodiscard]] const std::vector<OpForm>& common_handlers();
/// The constant_product forms of the pool and stake ops.
[[nodiscard]] const std::vector<OpForm>& constant_product_handlers();
/// The launch forms of the EMA, coinbase, block, drain and registration ops.
[[nodiscard]] const std::vector<OpForm>& launch_handlers();
/// The balancer forms of the pool and stake ops.
[[nodiscard]] const std::vector<OpForm>& balancer_handlers();
/// The injection_capped forms of the EMA, coinbase, block, dividend and registration ops.
[[nodiscard]] const std::vector<OpForm>& injection_capped_handlers();

}  // namespace dtao::protocol::detail
