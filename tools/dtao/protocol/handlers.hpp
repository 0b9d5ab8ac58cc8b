// dtao: the `dtao eval` handler lists, one per form (capabilities.hpp). protocol.cpp routes
// a request to the entry of its op's form in the request's ruleset.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol_io.hpp"

#include "dtao/v3_swap.hpp"

#include <vector>

namespace dtao::protocol::detail {

/// Runs `f` in the arithmetic the request asked for (`"arithmetic"`): `f(ChainModel{})` or
/// `f(ExactModel{})`. The one place a handler's model is chosen; what follows is written once.
template <typename F>
json in_model(const Context& c, F&& f)
{
    if (c.exact())
        return f(ExactModel{});
    return f(ChainModel{});
}

/// The request's values (read in the chain's types) in the model `f` runs in.
inline const ChainState& as_model(const ChainState& st, ChainModel) { return st; }
inline ExactChainState as_model(const ChainState& st, ExactModel) { return to_exact(st); }
inline const Subnet& as_model(const Subnet& s, ChainModel) { return s; }
inline ExactSubnet as_model(const Subnet& s, ExactModel) { return to_exact(s); }
inline fixed::U96F32 as_model(fixed::U96F32 v, ChainModel) { return v; }
inline fixed::I96F32 as_model(fixed::I96F32 v, ChainModel) { return v; }
inline Rational as_model(fixed::I96F32 v, ExactModel) { return v.to_rational(); }
inline Rational as_model(fixed::U96F32 v, ExactModel) { return v.to_rational(); }

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
/// A signed decimal string (a tick, a liquidity delta).
[[nodiscard]] std::string sdec(i128 v);
/// A v3 pool's `Ticks`, ascending by index, as the `ticks` input and output.
[[nodiscard]] json write_ticks(const v3::Pool& p);
/// The v3 pool of a request: the flat pool, the `*Provided` reserves (the pallet's reserves
/// are their sums with SubnetTAO and SubnetAlphaIn) and the swap pallet's storage, `Ticks`
/// included, each field checked.
[[nodiscard]] v3::Pool read_v3_pool(const Ruleset& rules, Reader& r);
/// The concentrated forms: the v3 pool's price, quotes and swap.
[[nodiscard]] const std::vector<OpForm>& concentrated_handlers();

}  // namespace dtao::protocol::detail
