// dtao: the `dtao eval` handlers of the launch coinbase's forms: the EMA, the coinbase and
// the block, the drain, registration (COIN-*, EMA-*, DRAIN-*, REG-*). Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"

#include "dtao/block.hpp"
#include "dtao/coinbase.hpp"
#include "dtao/drain.hpp"
#include "dtao/registration.hpp"
#include "dtao/stake.hpp"

#include <type_traits>

namespace dtao::protocol::detail {

namespace {

json op_update_moving_price(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    const EmaInputs in = read_ema_inputs(r, s);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using chain::update_moving_price, exact::update_moving_price;  // overloads on the pool's model
        auto ms = as_model(s, model);
        const auto u = update_moving_price(c.rules, ms, in.block, as_model(in.moving_alpha, model));
        return {{"subnet_moving_price", num(u.moving_price)},
                {"alpha", num(u.alpha)},
                {"price", num(u.price)},
                {"blocks_since", dec(u.blocks_since)}};
    });
}

/// Which emission fields a form writes: the v3 price-share form adds the subsidy's (VCOIN-002).
enum class SubsidyFields
{
    absent,
    written,
};

template <typename Model>
json write_coinbase(const CoinbaseResult<Model>& res, const ChainStateT<Model>& st, const Storage& storage,
                    SubsidyFields subsidy)
{
    json emissions = json::array();
    for (const auto& e : res.emissions) {
        emissions.push_back({{"netuid", dec(e.netuid)},
                             {"price", num(e.price)},
                             {"moving_price", num(e.moving_price)},
                             {"alpha_emission", num(e.alpha_emission)},
                             {"tao_in", num(e.tao_in)},
                             {"alpha_in", num(e.alpha_in)},
                             {"alpha_out", num(e.alpha_out)},
                             {"owner_cut", num(e.owner_cut)},
                             {"root_proportion", num(e.root_proportion)},
                             {"root_alpha", num(e.root_alpha)},
                             {"pending_alpha", num(e.pending_alpha)},
                             {"root_tao", amount(e.root_tao)}});
        if (subsidy == SubsidyFields::written) {
            emissions.back()["subsidized"] = e.subsidized;
            emissions.back()["subsidy_tao"] = amount(e.subsidy_tao);
            emissions.back()["subsidy_alpha"] = amount(e.subsidy_alpha);
        }
    }
    json drains = json::array();
    for (const auto& d : res.drains)
        drains.push_back({{"netuid", dec(d.netuid)},
                          {"pending_alpha", amount(d.pending_alpha)},
                          {"pending_tao", amount(d.pending_tao)},
                          {"pending_swapped", amount(d.pending_swapped)},
                          {"owner_cut", amount(d.owner_cut)}});
    return {{"block_emission", num(res.block_emission)},
            {"emissions", emissions},
            {"drains", drains},
            {"state", write_state(st, storage)}};
}

/// `coinbase` in the launch form, and in the v3 pool's (VCOIN-*), whose emissions add the
/// subsidy's fields; the protocol refuses `"exact"` for the latter before this runs.
template <SubsidyFields Fields>
json op_coinbase(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const auto emission = r.opt_u64(in::BLOCK_EMISSION);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        auto state = as_model(st, model);
        const auto res =
            block::run<Model>(c.rules, state, emission, std::vector<block::Action<typename Model::Amount>>{});
        return write_coinbase(res.coinbase, state, c.storage(), Fields);
    });
}

/// One action of the `block` op: {kind, netuid, amount, limit_price?,
/// allow_partial?, fee? (add_stake), alpha_dividends_per_subnet?,
/// total_hotkey_alpha?, alpha_available? (remove_stake)}.
block::Action<u64> read_action(Reader r)
{
    const ActionHead head = read_action_head(r);
    block::Action<u64> a;
    a.kind = head.add ? block::ActionKind::add_stake : block::ActionKind::remove_stake;
    a.netuid = head.netuid;
    a.amount = head.amount;
    a.limit_price = head.limit_price;
    a.allow_partial = head.allow_partial;
    if (a.kind == block::ActionKind::add_stake) {
        a.fee = r.opt_u64(in::FEE);
        if (a.fee && a.limit_price)
            fail("invalid_field", r.where(in::FEE) + ": a custom fee applies to an add_stake without limit_price only");
    } else {
        a.fee_inputs.alpha_dividends = r.u64_or(in::ALPHA_DIVIDENDS_PER_SUBNET);
        a.fee_inputs.total_hotkey_alpha = r.u64_or(in::TOTAL_HOTKEY_ALPHA);
        a.alpha_available = r.opt_u64(in::ALPHA_AVAILABLE);
    }
    r.finish();
    return a;
}

template <typename Model>
json write_action_result(const block::ActionResult<typename Model::Amount>& res, block::ActionKind kind)
{
    if (res.error)
        return {{"error", std::string(to_string(*res.error))}};
    if (kind == block::ActionKind::add_stake)
        return {{"tao_staked", amount(res.tao_staked)}, {"alpha", amount(res.alpha)}, {"fee", amount(res.fee)}};
    return {{"tao", amount(res.tao)}, {"tao_unstaked", amount(res.tao_unstaked)}, {"fee", amount(res.fee)}};
}

/// One block: the coinbase (as `coinbase`), then the block's stake extrinsics
/// in order, each accepted or rejected on its own (a rejected one changes
/// nothing and does not stop the block).
json op_block(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const auto emission = r.opt_u64(in::BLOCK_EMISSION);
    std::vector<block::Action<u64>> actions;
    const json& list = r.array_or_empty(in::LAUNCH_ACTIONS);
    for (std::size_t i = 0; i < list.size(); ++i)
        actions.push_back(read_action(r.item(in::LAUNCH_ACTIONS, list, i)));
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        using Amount = typename Model::Amount;
        std::vector<block::Action<Amount>> in_model_actions;
        for (const auto& a : actions) {
            block::Action<Amount> am;
            am.kind = a.kind;
            am.netuid = a.netuid;
            am.amount = Amount(a.amount);
            am.limit_price = a.limit_price;
            am.allow_partial = a.allow_partial;
            if (a.fee)
                am.fee = Amount(*a.fee);
            am.fee_inputs = a.fee_inputs;
            if (a.alpha_available)
                am.alpha_available = Amount(*a.alpha_available);
            in_model_actions.push_back(am);
        }
        auto state = as_model(st, model);
        const auto res = block::run<Model>(c.rules, state, emission, in_model_actions);
        json results = json::array();
        for (std::size_t i = 0; i < actions.size(); ++i)
            results.push_back(write_action_result<Model>(res.actions[i], actions[i].kind));
        json out = write_coinbase(res.coinbase, state, c.storage(), SubsidyFields::absent);
        out["actions"] = results;
        return out;
    });
}

DrainInput read_drain(Reader& r)
{
    DrainInput in;
    in.netuid = r.u64_or(in::POOL_NETUID);
    in.tao_weight = r.u64_or(in::TAO_WEIGHT);
    in.pending_alpha = r.u64_or(in::PENDING_ALPHA);
    in.pending_tao = r.u64_or(in::PENDING_TAO);
    in.pending_swapped = r.u64_or(in::PENDING_SWAPPED);
    in.owner_cut = r.u64_or(in::OWNER_CUT);
    in.subnet_owner = r.opt_string(in::SUBNET_OWNER);
    in.subnet_owner_hotkey = r.opt_string(in::SUBNET_OWNER_HOTKEY);
    const json& epoch = r.array_or_empty(in::EPOCH);
    for (std::size_t i = 0; i < epoch.size(); ++i) {
        Reader er = r.item(in::EPOCH, epoch, i);
        in.epoch.push_back({er.string_field(in::HOTKEY), er.u64_or(in::INCENTIVE), er.u64_or(in::DIVIDEND)});
        er.finish();
    }
    if (r.has(in::DRAIN_HOTKEYS)) {
        const json& hotkeys = r.get(in::DRAIN_HOTKEYS);
        if (!hotkeys.is_object())
            fail("invalid_field", r.where(in::DRAIN_HOTKEYS) + ": expected an object keyed by hotkey");
        for (const auto& [name, value] : hotkeys.items()) {
            Reader hr = r.entry(in::DRAIN_HOTKEYS, value, name);
            HotkeyInfo h;
            h.owner = hr.opt_string(in::OWNER).value_or("");
            h.alpha_stake = hr.u64_or(in::ALPHA_STAKE);
            h.root_stake = hr.u64_or(in::ROOT_STAKE);
            h.take = hr.u64_or(in::TAKE);
            h.childkey_take = hr.u64_or(in::CHILDKEY_TAKE);
            for (const InputField* key : {&in::PARENTS, &in::CHILDREN}) {
                const json& links = hr.array_or_empty(*key);
                for (std::size_t i = 0; i < links.size(); ++i) {
                    Reader lr = hr.item(*key, links, i);
                    KeyLink link{lr.u64_field(in::PROPORTION), lr.string_field(in::HOTKEY)};
                    lr.finish();
                    (key == &in::PARENTS ? h.parents : h.children).push_back(link);
                }
            }
            hr.finish();
            in.hotkeys.emplace(name, h);
        }
    }
    return in;
}

template <typename Model>
json write_drain(const DrainResult<Model>& d)
{
    json payouts = json::object();
    for (const auto& [hotkey, p] : d.payouts)
        payouts[hotkey] = {{"incentive", amount(p.incentive)},   {"incentive_burned", p.incentive_burned},
                           {"alpha_take", amount(p.alpha_take)}, {"alpha_dividend", amount(p.alpha_dividend)},
                           {"tao_take", amount(p.tao_take)},     {"tao_dividend", amount(p.tao_dividend)}};
    json dividends = json::object();
    for (const auto& [hotkey, v] : d.dividends)
        dividends[hotkey] = num(v);
    return {{"payouts", payouts},
            {"dividends", dividends},
            {"owner_cut_paid", amount(d.owner_cut_paid)},
            {"total_root_divs", num(d.total_root_divs)},
            {"pending_validator_alpha", amount(d.pending_validator_alpha)},
            {"alpha_paid", amount(d.alpha_paid)},
            {"tao_paid", amount(d.tao_paid)}};
}

json op_drain(const Context& c, Reader& r)
{
    const DrainInput in = read_drain(r);
    r.finish();
    return in_model(
        c, [&](auto model) -> json { return write_drain(drain_pending_emission<decltype(model)>(c.rules, in)); });
}

json op_register_network(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    r.finish();
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto reg = exact::register_network(c.rules, e);
        if (!reg)
            return error_output(reg.error());
        return {{"netuid", dec(reg->netuid)},
                {"lock_cost", dec(reg->lock_cost)},
                {"pool_tao", num(reg->pool_tao)},
                {"burned", num(reg->burned)},
                {"state", write_state(e, c.storage())}};
    }
    const auto reg = chain::register_network(c.rules, st);
    if (!reg)
        return error_output(reg.error());
    return {{"netuid", dec(reg->netuid)},
            {"lock_cost", dec(reg->lock_cost)},
            {"pool_tao", dec(reg->pool_tao)},
            {"burned", dec(reg->burned)},
            {"state", write_state(st, c.storage())}};
}

json op_start_call(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    const u64 netuid = r.u64_field(in::NETUID);
    r.finish();
    const auto feb = start_call(c.rules, st, netuid);
    if (!feb)
        return error_output(feb.error());
    return in_model(c, [&](auto model) -> json {
        return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(as_model(st, model), c.storage())}};
    });
}

}  // namespace

/// The launch forms of the coinbase family's ops.
const std::vector<OpForm>& launch_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::update_moving_price, Form::launch, op_update_moving_price, "EMA-001"},
        {Op::coinbase, Form::launch, op_coinbase<SubsidyFields::absent>, "COIN-001/COIN-010"},
        {Op::coinbase, Form::v3_price_share, op_coinbase<SubsidyFields::written>,
         "COIN-001/COIN-010, VCOIN-001, VCOIN-002"},
        {Op::block, Form::launch, op_block, "COIN-010 + STAKE-007/STAKE-008"},
        {Op::drain_pending_emission, Form::launch, op_drain, "DRAIN-001"},
        {Op::register_network, Form::launch, op_register_network, "REG-003"},
        {Op::start_call, Form::launch, op_start_call, "REG-004"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
