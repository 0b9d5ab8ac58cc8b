// dtao-reference: the injection of today's mainnet (spec 432+): the chain buy first, with the
// refund of a failed one, then the reweight with the Balancer reservoirs (BCOIN-015, BCOIN-016).
// Written once over the model; declared in dtao/injection_capped.hpp.
// SPDX-License-Identifier: Apache-2.0
//
// Chain source: RaoFoundation/subtensor 8e9322e (spec 439)
// pallets/subtensor/src/coinbase/run_coinbase/emission_injection.rs
// `inject_pool_liquidity_and_swap_excess`, and opentensor/subtensor 9d8075b
// pallets/swap/src/pallet/impls.rs `adjust_protocol_liquidity` / `try_update_balancer`.
#include "dtao/injection_capped.hpp"

#include "injection_capped_leaf.hpp"

#include <tuple>
#include <utility>

namespace dtao::injection_capped {

using namespace leaf;

inline namespace rules {

template <typename Model>
std::pair<typename Model::Amount, typename Model::Amount>
adjust_protocol_liquidity_with_reservoirs(SubnetT<Model>& s, Weight<Model>& w, const typename Model::Amount& tao_delta,
                                          const typename Model::Amount& alpha_delta)
{
    using L = Leaf<Model>;
    using A = Arithmetic<Model>;
    using Amount = typename Model::Amount;
    const Amount pending_tao = A::amount_add(s.balancer_tao_reservoir, tao_delta);
    const Amount pending_alpha = A::amount_add(s.balancer_alpha_reservoir, alpha_delta);
    // Both, then alpha alone, then TAO alone: the first reweighting that keeps the weights in
    // bounds wins, and what it leaves out waits in its reservoir.
    if (L::try_reweight(s, w, pending_tao, pending_alpha)) {
        s.balancer_tao_reservoir = Amount{};
        s.balancer_alpha_reservoir = Amount{};
        return {pending_tao, pending_alpha};
    }
    if (L::try_reweight(s, w, Amount{}, pending_alpha)) {
        s.balancer_tao_reservoir = pending_tao;
        s.balancer_alpha_reservoir = Amount{};
        return {Amount{}, pending_alpha};
    }
    if (L::try_reweight(s, w, pending_tao, Amount{})) {
        s.balancer_tao_reservoir = Amount{};
        s.balancer_alpha_reservoir = pending_alpha;
        return {pending_tao, Amount{}};
    }
    s.balancer_tao_reservoir = pending_tao;
    s.balancer_alpha_reservoir = pending_alpha;
    return {Amount{}, Amount{}};
}

template <typename Model>
typename Model::Amount inject_pool_liquidity_and_swap_excess(const Ruleset& rules, ChainStateT<Model>& st,
                                                             std::vector<SubnetEmission<Model>>& emissions,
                                                             typename Model::Amount credit)
{
    using L = Leaf<Model>;
    using A = Arithmetic<Model>;
    using Amount = typename Model::Amount;
    for (auto& e : emissions) {
        SubnetT<Model>& s = *st.find(e.netuid);
        const Amount tao_in = L::stored(e.tao_in);
        const Amount alpha_in = L::stored(e.alpha_in);
        const Amount tao_to_swap_with = L::stored(e.excess_tao);
        s.subnet_excess_tao = Amount{};
        s.subnet_tao_in_emission = Amount{};
        Weight<Model> w = L::weight(s);

        // BCOIN-015: the chain buy first, on this block's reserves before any injection.
        if (tao_to_swap_with > 0 && credit >= tao_to_swap_with) {  // spend_tao rejects overspending
            if (buy_excess(rules, st, s, w, e, tao_to_swap_with))
                credit -= tao_to_swap_with;
            else
                e.chain_buy_refunded = tao_to_swap_with;  // withdraw_tao_as_credit: back into the credit
        }

        // Materialise this block's TAO before the reservoirs can count it.
        if (tao_in > 0 && credit >= tao_in) {
            credit -= tao_in;
            e.materialized_tao = tao_in;
        }

        // BCOIN-016: adjust_protocol_liquidity with the reservoirs, on the post-buy reserves.
        std::tie(e.injected_tao, e.injected_alpha) =
            adjust_protocol_liquidity_with_reservoirs(s, w, e.materialized_tao, alpha_in);
        e.tao_reservoir = s.balancer_tao_reservoir;
        e.alpha_reservoir = s.balancer_alpha_reservoir;

        s.subnet_alpha_in_emission = e.injected_alpha;
        s.subnet_alpha_in = A::amount_add(s.subnet_alpha_in, e.injected_alpha);
        if (e.injected_tao > 0) {
            s.subnet_tao_in_emission = e.injected_tao;
            s.subnet_tao = A::amount_add(s.subnet_tao, e.injected_tao);
            st.total_stake = A::amount_add(st.total_stake, e.injected_tao);
        }
        e.quote_weight = w;
    }
    return credit;
}

}  // namespace rules

template std::pair<u64, u64> adjust_protocol_liquidity_with_reservoirs(SubnetT<ChainModel>&, Weight<ChainModel>&,
                                                                       const u64&, const u64&);
template std::pair<Rational, Rational>
adjust_protocol_liquidity_with_reservoirs(SubnetT<ExactModel>&, Weight<ExactModel>&, const Rational&, const Rational&);
template ChainModel::Amount inject_pool_liquidity_and_swap_excess(const Ruleset&, ChainStateT<ChainModel>&,
                                                                  std::vector<SubnetEmission<ChainModel>>&,
                                                                  ChainModel::Amount);
template ExactModel::Amount inject_pool_liquidity_and_swap_excess(const Ruleset&, ChainStateT<ExactModel>&,
                                                                  std::vector<SubnetEmission<ExactModel>>&,
                                                                  ExactModel::Amount);

}  // namespace dtao::injection_capped
