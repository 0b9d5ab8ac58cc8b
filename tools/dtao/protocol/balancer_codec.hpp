// dtao: the codec pieces the Balancer pool's and the injection-capped coinbase's handlers
// share: the pool inputs and the swap and stake outputs.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol_io.hpp"

#include "dtao/balancer.hpp"

namespace dtao::protocol::detail {

namespace bal = chain::balancer;
namespace xbal = exact::balancer;

/// The flat pool inputs plus the swap pallet's storage.
inline Subnet read_balancer_pool(Reader& r)
{
    Subnet s = read_pool(r);
    read_balancer_pool_fields(r, s);
    return s;
}

inline u64 read_minimum_reserve(Reader& r) { return r.u64_or(in::SWAP_MINIMUM_RESERVE); }

inline json write_swap(const BalancerSwap& w)
{
    return {{"amount_paid_in", dec(w.amount_paid_in)},
            {"amount_paid_out", dec(w.amount_paid_out)},
            {"fee_paid", dec(w.fee_paid)},
            {"fee_to_block_author", dec(w.fee_to_block_author)}};
}

inline json write_swap(const xbal::Swap& w)
{
    return {{"amount_paid_in", num(w.amount_paid_in)},
            {"amount_paid_out", num(w.amount_paid_out)},
            {"fee_paid", num(w.fee_paid)},
            {"fee_to_block_author", num(w.fee_to_block_author)}};
}

inline json write_stake(const BalancerStakeOutcome& o)
{
    return {{"swap", write_swap(o.swap)},      {"tao_requested", dec(o.tao_requested)},
            {"alpha", dec(o.alpha)},           {"tao_unswapped", dec(o.tao_unswapped)},
            {"author_tao", dec(o.author_tao)}, {"burned_tao", dec(o.burned_tao)}};
}

inline json write_stake(const xbal::StakeOutcome& o)
{
    return {{"swap", write_swap(o.swap)},      {"tao_requested", num(o.tao_requested)},
            {"alpha", num(o.alpha)},           {"tao_unswapped", num(o.tao_unswapped)},
            {"author_tao", num(o.author_tao)}, {"burned_tao", num(o.burned_tao)}};
}

inline json write_unstake(const xbal::UnstakeOutcome& o)
{
    return {{"swap", write_swap(o.swap)},          {"alpha_requested", num(o.alpha_requested)},
            {"alpha_refund", num(o.alpha_refund)}, {"tao", num(o.tao)},
            {"fee_swap", write_swap(o.fee_swap)},  {"author_tao", num(o.author_tao)},
            {"burned_alpha", num(o.burned_alpha)}};
}

inline json write_unstake(const BalancerUnstakeOutcome& o)
{
    return {{"swap", write_swap(o.swap)},          {"alpha_requested", dec(o.alpha_requested)},
            {"alpha_refund", dec(o.alpha_refund)}, {"tao", dec(o.tao)},
            {"fee_swap", write_swap(o.fee_swap)},  {"author_tao", dec(o.author_tao)},
            {"burned_alpha", dec(o.burned_alpha)}};
}

}  // namespace dtao::protocol::detail
