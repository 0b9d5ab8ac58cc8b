// dtao-reference: the per-block coinbase, written once over both models.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/coinbase.hpp"

namespace dtao {

namespace {

template <typename Model>
CoinbaseResult<Model> run_coinbase_generic(const Ruleset& rules, ChainStateT<Model>& st,
                                           const typename Ops<Model>::Num& block_emission)
{
    using O = Ops<Model>;
    using Num = typename O::Num;
    using Amount = typename O::Amount;
    CoinbaseResult<Model> out;
    out.block_emission = block_emission;

    // COIN-002: every subnet but root; from v2.0.9 only those with a
    // FirstEmissionBlockNumber (set, not necessarily reached) emit.
    std::vector<SubnetT<Model>*> subnets, emitting;
    for (auto& s : st.subnets) {
        if (s.is_root())
            continue;
        subnets.push_back(&s);
        if (!rules.start_call || s.first_emission_block_number)
            emitting.push_back(&s);
    }

    // COIN-003: the sum of moving prices.
    Num total_moving_prices = O::zero();
    for (auto* s : emitting)
        total_moving_prices = O::add(total_moving_prices, O::moving_alpha_price(rules, *s));

    // COIN-004: terms per subnet on the pre-injection state.
    const bool subsidy = rules.coinbase == CoinbaseKind::v3_subsidy;
    for (auto* s : emitting) {
        SubnetEmission<Model> e;
        e.netuid = s->netuid;
        e.price = O::alpha_price(rules, *s);
        e.moving_price = O::moving_alpha_price(rules, *s);
        // multiply first, then divide: (E · p_i) / Σp
        e.tao_in = O::div(O::mul(block_emission, e.moving_price), total_moving_prices).value_or(O::zero());
        e.alpha_emission = O::alpha_block_emission(O::amount_add(s->subnet_alpha_in, s->subnet_alpha_out));
        // VCOIN-002: a subnet priced below its share of the emission gets price · E of TAO and
        // a fixed alpha in; a chain buy spends the rest of its share.
        if (subsidy && e.price < O::div(e.tao_in, block_emission).value_or(O::zero())) {
            e.subsidized = true;
            const Num paid = O::mul(e.price, block_emission);
            e.subsidy_tao = O::amount(O::sub(e.tao_in, paid));
            e.tao_in = paid;
            e.alpha_in =
                rules.v3_subsidy_alpha_in == SubsidyAlphaIn::block_emission ? block_emission : e.alpha_emission;
            if (const auto bought = O::swap_tao_for_alpha(rules, *s, st.total_stake, e.subsidy_tao)) {
                e.subsidy_alpha = *bought;
                // the bought alpha leaves circulation: out of SubnetAlphaOut, where the buy put it
                s->subnet_alpha_out = O::amount_sub_or_zero(s->subnet_alpha_out, *bought);
            }
        } else if (subsidy) {
            // not capped at the alpha emission, as the launch rule is
            e.alpha_in = O::div(e.tao_in, e.price).value_or(e.alpha_emission);
        } else {
            e.alpha_in = O::min(O::div(e.tao_in, e.price).value_or(e.alpha_emission), e.alpha_emission);
        }
        e.alpha_out = e.alpha_emission;
        // COIN-005: registration-disabled subnets get no TAO (alpha_in stays; from v3.2.4 it
        // goes too, and alpha_out with it: RSET-037).
        const bool pow_condition = rules.registration_off_needs_pow_off ? !s->network_pow_registration_allowed
                                                                        : s->network_pow_registration_allowed;
        if (!s->network_registration_allowed && pow_condition) {
            e.tao_in = O::zero();
            if (rules.registration_off_zeroes_alpha)
                e.alpha_in = e.alpha_out = O::zero();
        }
        out.emissions.push_back(e);
    }

    // COIN-006: injection. TAO is minted only here, and only as ⌊tao_in⌋.
    for (std::size_t i = 0; i < emitting.size(); ++i) {
        auto& s = *emitting[i];
        const auto& e = out.emissions[i];
        s.subnet_alpha_in_emission = O::amount(e.alpha_in);
        s.subnet_alpha_in = O::amount_add(s.subnet_alpha_in, s.subnet_alpha_in_emission);
        s.subnet_alpha_out_emission = O::amount(e.alpha_out);
        s.subnet_alpha_out = O::amount_add(s.subnet_alpha_out, s.subnet_alpha_out_emission);
        s.subnet_tao_in_emission = O::amount(e.tao_in);
        s.subnet_tao = O::amount_add(s.subnet_tao, s.subnet_tao_in_emission);
        st.total_stake = O::amount_add(st.total_stake, s.subnet_tao_in_emission);
        st.total_issuance = O::amount_add(st.total_issuance, s.subnet_tao_in_emission);
        // VCOIN-001: the protocol position takes the injection (VSWAP-016)
        O::adjust_protocol_liquidity(rules, s, s.subnet_tao_in_emission, s.subnet_alpha_in_emission);
    }

    // COIN-007: owner cut, kept in fixed point on alpha_out.
    const Num cut_percent = O::ratio(st.subnet_owner_cut, 65535);
    std::vector<Num> alpha_out(emitting.size());
    for (std::size_t i = 0; i < emitting.size(); ++i) {
        auto& e = out.emissions[i];
        e.owner_cut = O::mul(e.alpha_out, cut_percent);
        alpha_out[i] = O::sub(e.alpha_out, e.owner_cut);
        emitting[i]->pending_owner_cut = O::amount_add(emitting[i]->pending_owner_cut, O::amount(e.owner_cut));
    }

    // COIN-008: the root share of validator alpha is sold through the pool,
    // reading the post-injection state (root TAO and alpha issuance).
    const Num tao_weight = O::ratio(st.tao_weight, U64_MAX);
    for (std::size_t i = 0; i < emitting.size(); ++i) {
        auto& s = *emitting[i];
        auto& e = out.emissions[i];
        const Num root_tao = O::num(st.root_tao());
        const Num alpha_issuance = O::num(O::amount_add(s.subnet_alpha_in, s.subnet_alpha_out));
        const Num weighted_root = O::mul(root_tao, tao_weight);
        e.root_proportion = O::div(weighted_root, O::add(weighted_root, alpha_issuance)).value_or(O::zero());
        e.root_alpha = O::mul(O::mul(e.root_proportion, alpha_out[i]), O::half());
        e.pending_alpha = O::sub(alpha_out[i], e.root_alpha);
        // VCOIN-002: a subsidised subnet does not sell; v3.2.0 … v3.2.2 (`v3_price_share`) book
        // the pending amounts only when the sell succeeds (VCOIN-001), every other coinbase always.
        std::optional<Amount> sold;
        if (!e.subsidized)
            sold = O::swap_alpha_for_tao(rules, s, st.total_stake, O::amount(e.root_alpha));
        if (sold)
            e.root_tao = *sold;
        if (!sold && rules.coinbase == CoinbaseKind::v3_price_share)
            continue;
        // PendingAlphaSwapped grows even when the swap returned nothing.
        s.pending_alpha_swapped = O::amount_add(s.pending_alpha_swapped, O::amount(e.root_alpha));
        s.pending_emission = O::amount_add(s.pending_emission, O::amount(e.pending_alpha));
        s.pending_root_divs = O::amount_add(s.pending_root_divs, e.root_tao);
    }

    // COIN-009: the moving price, on the post-injection, post-sell price.
    const Num moving_alpha = O::moving_alpha(st);
    for (auto* s : emitting)
        O::update_moving_price(rules, *s, st.block, moving_alpha);

    // EPOCH-003: every non-root subnet, emitting or not, drains on its epoch.
    for (auto* s : subnets) {
        if (should_run_epoch(s->netuid, s->tempo, st.block)) {
            s->blocks_since_last_step = 0;
            s->last_mechanism_step_block = st.block;
            EpochDrain<Model> d;
            d.netuid = s->netuid;
            d.pending_alpha = std::exchange(s->pending_emission, O::amount_of(0));
            d.pending_tao = std::exchange(s->pending_root_divs, O::amount_of(0));
            d.pending_swapped = std::exchange(s->pending_alpha_swapped, O::amount_of(0));
            d.owner_cut = std::exchange(s->pending_owner_cut, O::amount_of(0));
            out.drains.push_back(d);
        } else {
            s->blocks_since_last_step = sat_add(s->blocks_since_last_step, 1);
        }
    }
    return out;
}

}  // namespace

namespace chain {

CoinbaseResult<ChainModel> run_coinbase(const Ruleset& rules, ChainState& state, fixed::I96F32 block_emission)
{
    return run_coinbase_generic<ChainModel>(rules, state, block_emission);
}

CoinbaseResult<ChainModel> block_step(const Ruleset& rules, ChainState& state)
{
    const auto e = chain::block_emission(state.total_issuance);
    return run_coinbase(rules, state, fixed::I96F32::saturating_from_u64(e ? e->emission : 0));
}

}  // namespace chain

namespace exact {

CoinbaseResult<ExactModel> run_coinbase(const Ruleset& rules, ExactChainState& state, const Rational& block_emission)
{
    Ops<ExactModel>::constant_product_only(rules);
    return run_coinbase_generic<ExactModel>(rules, state, block_emission);
}

CoinbaseResult<ExactModel> block_step(const Ruleset& rules, ExactChainState& state)
{
    return run_coinbase(rules, state, exact::block_emission(state.total_issuance).emission);
}

}  // namespace exact

}  // namespace dtao
