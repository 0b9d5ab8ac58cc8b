// dtao: the `dtao eval` handlers of the Balancer pool and the injection-capped coinbase.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol_io.hpp"

#include <string>
#include <vector>

namespace dtao::protocol::detail {

/// The balancer forms of the pool ops and the injection_capped forms of the coinbase ops.
[[nodiscard]] const std::vector<OpForm>& balancer_handlers();

}  // namespace dtao::protocol::detail
