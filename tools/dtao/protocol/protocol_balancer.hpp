// dtao: the Balancer-era ops of the `dtao eval` protocol (v3.4.8-423+).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol_io.hpp"

#include <map>
#include <string>
#include <utility>

namespace dtao::protocol::detail {

/// The ops whose Balancer-era rules differ from the launch era's, or that exist only in
/// the Balancer era, with their one-line documentation.
[[nodiscard]] const std::map<std::string, std::pair<Handler, std::string>>& balancer_handlers();

}  // namespace dtao::protocol::detail
