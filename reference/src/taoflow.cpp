// dtao-reference: the Taoflow shares (dtao/taoflow.hpp, spec/taoflow.md).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/taoflow.hpp"

#include "dtao/numeric/transcendental.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace dtao::taoflow {

using fixed::I64F64;
using fixed::U64F64;

namespace {

U64F64 max_of(const ByNetuid<U64F64>& flows)
{
    U64F64 m = U64F64::zero();
    for (const auto& [netuid, f] : flows)
        m = std::max(m, f);
    return m;
}

/// `inplace_scale`: the maximum becomes 1 (nothing moves when it is 0: 1 `safe_div` 0 is 0).
void inplace_scale(ByNetuid<U64F64>& flows)
{
    const U64F64 factor = U64F64::one().safe_div(max_of(flows));
    for (auto& [netuid, f] : flows)
        f = factor.saturating_mul(f);
}

}  // namespace

I64F64 get_lower_limit(const ByNetuid<I64F64>& ema_flows, I64F64 flow_cutoff)
{
    const I64F64 zero = I64F64::zero();
    I64F64 min_flow = zero;
    for (const auto& [netuid, s] : ema_flows)
        min_flow = std::min(min_flow, std::min(s, zero));
    return std::max(flow_cutoff, min_flow);
}

void inplace_pow_normalize(ByNetuid<U64F64>& flows, U64F64 p)
{
    inplace_scale(flows);
    const U64F64 flow_max = max_of(flows);
    const U64F64 flow_max_pow_est = flow_max.saturating_mul(flow_max);  // `pow_estimate`, p taken as 2
    const U64F64 max_times_count = U64F64::saturating_from_u64(flows.size()).saturating_mul(flow_max_pow_est);
    const U64F64 i32f32_max = U64F64::saturating_from_u64(std::numeric_limits<std::int32_t>::max());
    const U64F64 precision_min = i32f32_max.safe_div(U64F64::saturating_from_u64(U64_MAX));
    // below it every flow is too small for I32F32: the scaled values stay
    if (max_times_count < precision_min)
        return;
    const U64F64 epsilon = U64F64::one().safe_div(U64F64::saturating_from_u64(1'000));
    const U64F64 flow_factor = i32f32_max.safe_div(max_times_count).checked_sqrt(epsilon).value_or(U64F64::zero());
    // `Iterator::sum`: each power is at most 2^31 and there are at most 2^16 subnets, so the sum of
    // bits never reaches U64F64's 2^128
    U64F64 sum = U64F64::zero();
    for (const auto& [netuid, f] : flows)
        sum = U64F64::from_bits(sum.bits + transcendental::safe_pow(flow_factor.saturating_mul(f), p).bits);
    for (auto& [netuid, f] : flows)
        f = transcendental::safe_pow(flow_factor.saturating_mul(f), p).safe_div(sum);
}

ByNetuid<U64F64> get_shares_flow(const ByNetuid<I64F64>& ema_flows, I64F64 flow_cutoff, U64F64 p)
{
    const I64F64 lower = get_lower_limit(ema_flows, flow_cutoff);
    ByNetuid<U64F64> offset;
    for (const auto& [netuid, s] : ema_flows)
        offset[netuid] = s > lower ? fixed::convert<U64F64>(s.saturating_sub(lower)) : U64F64::zero();
    inplace_pow_normalize(offset, p);
    return offset;
}

}  // namespace dtao::taoflow
