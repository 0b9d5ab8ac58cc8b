// dtao: `--shard i/n` (shard.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "shard.hpp"

#include "decimal.hpp"

#include <stdexcept>

namespace dtao::vectors {

Shard parse_shard(const std::string& text)
{
    const auto slash = text.find('/');
    const protocol::DecimalLimits limits{.max_digits = 9};
    const auto index = protocol::parse_decimal(text.substr(0, slash), limits);
    const auto count =
        slash == std::string::npos ? protocol::Decimal{} : protocol::parse_decimal(text.substr(slash + 1), limits);
    if (!index || !count || *count.value == 0 || *index.value >= *count.value)
        throw std::runtime_error("--shard \"" + text + "\": expected i/n with 0 <= i < n, e.g. 0/4");
    return {index.value->convert_to<unsigned>(), count.value->convert_to<unsigned>()};
}

}  // namespace dtao::vectors
