// The pool the v3 pool's unit tests share (v3_swap_test.cpp, v3_liquidity_test.cpp).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/v3_swap.hpp"

namespace dtao::test::v3_pools {

/// A pool of the pallet's mock (`SwapMinimumReserve` 1), initialised (`maybe_initialize_v3`).
inline v3::Pool mock_pool(u64 tao, u64 alpha)
{
    v3::Pool p;
    p.tao_reserve = tao;
    p.alpha_reserve = alpha;
    p.minimum_reserve = 1;
    v3::maybe_initialize_v3(p);
    return p;
}

}  // namespace dtao::test::v3_pools
