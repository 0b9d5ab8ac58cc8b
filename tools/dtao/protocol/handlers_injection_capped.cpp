// dtao: the `dtao eval` handlers of the injection-capped coinbase's forms: the EMA, the
// coinbase and the block, dividends, registration (BCOIN-*, BEPOCH-*, BEMA-*, BREG-*).
// Spec: spec/protocol.md, "Ops of the Balancer era". Each handler is written once over the
// model (`in_model`); the reference's templates answer in the model's own numbers.
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"
#include "balancer_codec.hpp"

#include "dtao/block.hpp"
#include "dtao/injection_capped.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace dtao::protocol::detail {

namespace {

namespace inj = dtao::injection_capped;

// ------------------------------------------------------------------ EMA

json op_update_moving_price(const Context& c, Reader& r)
{
    Subnet s = read_balancer_pool(r);
    const EmaInputs in = read_ema_inputs(r, s);
    r.finish();
    ChainState st;
    st.subnet_moving_alpha_bits = in.moving_alpha.bits;
    return in_model(c, [&](auto model) -> json {
        const auto mst = as_model(st, model);
        auto ms = as_model(s, model);
        const auto u = inj::update_moving_price(mst, ms, in.block);
        return {{"subnet_moving_price", num(u.moving_price)},
                {"alpha", num(u.alpha)},
                {"price", num(u.price)},
                {"blocks_since", num(u.blocks_since)}};
    });
}

// ------------------------------------------------------------------ coinbase

/// The weight in force after the injection. The chain's is the stored weight, which the state
/// already reports; the exact model's is a rational the state can only round to parts.
void write_weight_in_force(json&, Perquintill) {}
void write_weight_in_force(json& o, const Rational& w) { o["quote_weight"] = num(w); }

template <typename Model>
json write_coinbase(const inj::CoinbaseResult<Model>& res, const ChainStateT<Model>& st, const Storage& storage)
{
    json emissions = json::array();
    for (const auto& e : res.emissions) {
        json o = {{"netuid", dec(e.netuid)},
                  {"moving_price", num(e.moving_price)},
                  {"price_share", num(e.price_share)},
                  {"share", num(e.share)},
                  {"emission_share", num(e.emission_share)},
                  {"tao_emission", num(e.tao_emission)},
                  {"alpha_emission", num(e.alpha_emission)},
                  {"price", num(e.price)},
                  {"root_proportion_pre", num(e.root_proportion_pre)},
                  {"cap", num(e.cap)},
                  {"capped", e.capped},
                  {"tao_in", num(e.tao_in)},
                  {"alpha_in", num(e.alpha_in)},
                  {"alpha_out", num(e.alpha_out)},
                  {"excess_tao", num(e.excess_tao)},
                  {"injected_tao", amount(e.injected_tao)},
                  {"injected_alpha", amount(e.injected_alpha)},
                  {"excess_spent", amount(e.excess_spent)},
                  {"chain_buy_ok", e.chain_buy_ok},
                  {"chain_buy_paid_in", amount(e.chain_buy_paid_in)},
                  {"chain_buy_alpha", amount(e.chain_buy_alpha)},
                  {"stranded_tao", amount(e.stranded_tao)},
                  {"owner_cut", num(e.owner_cut)},
                  {"root_proportion_post", num(e.root_proportion_post)},
                  {"root_alpha", num(e.root_alpha)},
                  {"server", num(e.server)},
                  {"validator", num(e.validator)},
                  {"root_alpha_recycled", amount(e.root_alpha_recycled)}};
        write_weight_in_force(o, e.quote_weight);
        if (storage.emission_gate) {
            o["weighted_share"] = num(e.weighted_share);
            o["gate"] = num(e.gate);
        }
        if (storage.reservoirs) {
            o["chain_buy_refunded"] = amount(e.chain_buy_refunded);
            o["materialized_tao"] = amount(e.materialized_tao);
            o["tao_reservoir"] = amount(e.tao_reservoir);
            o["alpha_reservoir"] = amount(e.alpha_reservoir);
        }
        emissions.push_back(std::move(o));
    }
    json epochs = json::array();
    for (const auto& e : res.epochs)
        epochs.push_back({{"netuid", dec(e.netuid)},
                          {"deferred", e.deferred},
                          {"pending_server", amount(e.pending_server)},
                          {"pending_validator", amount(e.pending_validator)},
                          {"pending_root_alpha", amount(e.pending_root_alpha)},
                          {"pending_owner_cut", amount(e.pending_owner_cut)}});
    json root_prop = json::array();
    for (const auto& [netuid, v] : res.root_prop)
        root_prop.push_back({{"netuid", dec(netuid)}, {"root_prop", num(v)}});
    json out = {{"credit", amount(res.credit)},
                {"root_sell_flag", res.root_sell_flag},
                {"emissions", emissions},
                {"tao_spent", amount(res.tao_spent)},
                {"tao_recycled", amount(res.tao_recycled)},
                {"epochs", epochs},
                {"root_prop", root_prop},
                {"state", write_state(st, storage)}};
    if (storage.emission_gate) {
        out["emission_gate_bar"] = num(res.emission_gate_bar);
        out["emission_gate_bar_stored"] = res.emission_gate_bar_stored;
        out["emission_gate_restored"] = res.emission_gate_restored;
    }
    return out;
}

json op_coinbase(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const auto credit = r.opt_u64(in::BLOCK_EMISSION);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        auto mst = as_model(st, model);
        const auto res = block::run<Model>(c.rules, mst, credit, std::vector<block::PoolAction<Model>>{});
        return write_coinbase(res.coinbase, mst, c.storage());
    });
}

/// One stake extrinsic of a Balancer-era block: the common fields and, for an unstake, the
/// staker's stake on the subnet.
struct BalancerAction : ActionHead
{
    u64 alpha_available = 0;
};

BalancerAction read_balancer_action(Reader r)
{
    BalancerAction a{read_action_head(r)};
    if (!a.add)
        a.alpha_available = r.u64_or(in::HELD_ALPHA, a.amount);
    r.finish();
    return a;
}

json op_block(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const auto credit = r.opt_u64(in::BLOCK_EMISSION);
    std::vector<BalancerAction> actions;
    const json& list = r.array_or_empty(in::BALANCER_ACTIONS);
    for (std::size_t i = 0; i < list.size(); ++i)
        actions.push_back(read_balancer_action(r.item(in::BALANCER_ACTIONS, list, i)));
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        using A = dtao::Arithmetic<Model>;
        std::vector<block::PoolAction<Model>> in_model_actions;
        for (const auto& a : actions)
            in_model_actions.push_back({.kind = a.add ? block::ActionKind::add_stake : block::ActionKind::remove_stake,
                                        .netuid = a.netuid,
                                        .amount = A::amount_of(a.amount),
                                        .limit_price = a.limit_price,
                                        .allow_partial = a.allow_partial,
                                        .alpha_available = A::amount_of(a.alpha_available)});
        auto mst = as_model(st, model);
        const auto res = block::run<Model>(c.rules, mst, credit, in_model_actions);
        json results = json::array();
        for (const auto& o : res.actions)
            results.push_back(
                o ? std::visit(
                        [](const auto& v) -> json {
                            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, balancer::StakeOutcome<Model>>)
                                return write_stake(v);
                            else
                                return write_unstake(v);
                        },
                        *o)
                  : json{{"error", std::string(to_string(o.error()))}});
        json out = write_coinbase(res.coinbase, mst, c.storage());
        out["actions"] = results;
        return out;
    });
}

// ------------------------------------------------------------------ dividends

json op_dividend_distribution(const Context& c, Reader& r)
{
    const u64 pending_alpha = r.u64_or(in::PENDING_ALPHA);
    const u64 pending_root_alpha = r.u64_or(in::PENDING_ROOT_ALPHA);
    const u64 tao_weight = r.u64_or(in::TAO_WEIGHT);
    std::map<u64, inj::DividendInput<ChainModel>> hotkeys;
    const json& list = r.array_or_empty(in::DIVIDEND_HOTKEYS);
    for (std::size_t i = 0; i < list.size(); ++i) {
        Reader hr = r.item(in::DIVIDEND_HOTKEYS, list, i);
        const u64 id = hr.u64_field(in::HOTKEY_ID);
        inj::DividendInput<ChainModel> in;
        in.dividend = hr.fixed<fixed::U96F32>(in::HOTKEY_DIVIDEND);
        if (hr.bool_or(in::IN_STAKE_MAP))
            in.stake = std::pair<u64, u64>{hr.u64_or(in::ALPHA_STAKE), hr.u64_or(in::ROOT_STAKE)};
        else if (hr.has(in::ALPHA_STAKE) || hr.has(in::ROOT_STAKE))
            fail("invalid_field", hr.where(in::IN_STAKE_MAP) + ": a hotkey outside the stake map has no stakes");
        hr.finish();
        if (!hotkeys.emplace(id, in).second)
            fail("invalid_field", hr.where(in::HOTKEY_ID) + ": hotkey " + dec(id) + " is listed twice");
    }
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        using A = dtao::Arithmetic<Model>;
        std::map<u64, inj::DividendInput<Model>> in_model_hotkeys;
        for (const auto& [h, in] : hotkeys) {
            inj::DividendInput<Model> x;
            x.dividend = as_model(in.dividend, model);
            if (in.stake)
                x.stake = std::pair{A::amount_of(in.stake->first), A::amount_of(in.stake->second)};
            in_model_hotkeys.emplace(h, x);
        }
        ChainStateT<Model> st;
        st.tao_weight = tao_weight;
        const auto d = inj::calculate_dividend_distribution<Model>(
            A::amount_of(pending_alpha), A::amount_of(pending_root_alpha), inj::get_tao_weight(st), in_model_hotkeys);
        json alpha = json::object(), root = json::object();
        for (const auto& [h, v] : d.alpha_dividends)
            alpha[dec(h)] = num(v);
        for (const auto& [h, v] : d.root_alpha_dividends)
            root[dec(h)] = num(v);
        return {{"alpha_dividends", alpha}, {"root_alpha_dividends", root}};
    });
}

// ------------------------------------------------------------------ registration

json op_register_network(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    r.finish();
    return in_model(c, [&](auto model) -> json {
        auto mst = as_model(st, model);
        const auto reg = inj::do_register_network(c.rules, mst);
        if (!reg)
            return error_output(reg.error());
        return {{"netuid", dec(reg->netuid)},
                {"lock_cost", dec(reg->lock_cost)},
                {"median_price", num(reg->median_price)},
                {"pool_tao", amount(reg->pool_tao)},
                {"pool_alpha", amount(reg->pool_alpha)},
                {"recycled", amount(reg->recycled)},
                {"state", write_state(mst, c.storage())}};
    });
}

json op_start_call(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const u64 netuid = r.u64_field(in::NETUID);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        auto mst = as_model(st, model);
        const auto feb = inj::start_call(mst, netuid);
        if (!feb)
            return error_output(feb.error());
        return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(mst, c.storage())}};
    });
}

}  // namespace

/// The injection_capped forms of the coinbase family's ops.
const std::vector<OpForm>& injection_capped_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::update_moving_price, Form::injection_capped, op_update_moving_price, "BEMA-001"},
        {Op::coinbase, Form::injection_capped, op_coinbase, "BCOIN-011/BCOIN-012"},
        {Op::block, Form::injection_capped, op_block, "BCOIN-012 + BAL-011"},
        {Op::dividend_distribution, Form::injection_capped, op_dividend_distribution, "BCOIN-013"},
        {Op::register_network, Form::injection_capped, op_register_network, "BREG-002"},
        {Op::start_call, Form::injection_capped, op_start_call, "BREG-003"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
