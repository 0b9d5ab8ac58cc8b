// dtao scenario: what a run and a merge of shards count the same way (grid.cpp).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>

namespace dtao::scenario::detail {

/// The closed-form checks of runs, counted as the summary reports them.
struct CheckTally
{
    std::size_t total = 0;
    std::size_t passed = 0;
    /// Count the checks of one run's summary. A check without `ok` counts as failed; `ok: null`
    /// (the check does not apply to what the run reached) counts as passed.
    void add(const nlohmann::json& run_summary);
};

}  // namespace dtao::scenario::detail
