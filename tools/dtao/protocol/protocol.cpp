// dtao: the `dtao eval` conformance protocol, version 1. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#include "protocol.hpp"

#include "dtao/block.hpp"
#include "protocol_balancer.hpp"
#include "protocol_io.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/drain.hpp"
#include "dtao/registration.hpp"
#include "dtao/stake.hpp"

#include <functional>
#include <map>
#include <set>
#include <type_traits>

namespace dtao::protocol {

using json = nlohmann::json;

namespace {

using namespace detail;

// ------------------------------------------------------------------ launch-era ops (v2.0.x)

json op_block_emission(const Context& c, Reader& r)
{
    const u64 issuance = r.u64_field("issuance");
    r.finish();
    if (c.exact()) {
        const auto e = exact::block_emission(Rational(issuance));
        return {{"emission", num(e.emission)}, {"halvings", dec(e.halvings)}};
    }
    const auto e = chain::block_emission(issuance);
    if (!e)
        return error_output(e.error());
    return {
        {"emission", dec(e->emission)}, {"halvings", dec(e->halvings)}, {"q", fx(e->q)}, {"residual", fx(e->residual)}};
}

json op_alpha_price(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    r.finish();
    if (c.exact())
        return {{"price", num(exact::alpha_price(to_exact(s)))}};
    return {{"price", fx(chain::alpha_price(s))}};
}

template <bool Buy>
json op_sim_swap(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 amount_in = r.u64_field("amount");
    r.finish();
    const char* out_key = Buy ? "alpha_out" : "tao_out";
    if (c.exact()) {
        const ExactSubnet e = to_exact(s);
        const auto q = Buy ? exact::sim_swap_tao_for_alpha(e, amount_in) : exact::sim_swap_alpha_for_tao(e, amount_in);
        if (!q)
            return error_output(q.error());
        return {{out_key, num(q->amount_out)}, {"k", num(q->k)}, {"new_reserve", num(q->new_reserve)}};
    }
    const auto q = Buy ? chain::sim_swap_tao_for_alpha(s, amount_in) : chain::sim_swap_alpha_for_tao(s, amount_in);
    if (!q)
        return error_output(q.error());
    json o{{out_key, dec(q->amount_out)}};
    if (s.mechanism == Mechanism::dynamic) {
        o["k"] = fx(q->k);
        o["new_reserve"] = fx(q->new_reserve);
    }
    return o;
}

template <bool Add>
json op_max_amount(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 limit = r.u64_field("limit_price");
    r.finish();
    if (c.exact()) {
        const ExactSubnet e = to_exact(s);
        return {{"max_amount", num(Add ? exact::max_amount_add(e, limit) : exact::max_amount_remove(e, limit))}};
    }
    return {{"max_amount", dec(Add ? chain::max_amount_add(s, limit) : chain::max_amount_remove(s, limit))}};
}

template <typename Model>
json pool_after(const SubnetT<Model>& s, const typename Model::Amount& total_stake)
{
    return {{"subnet_tao", amount(s.subnet_tao)},
            {"subnet_alpha_in", amount(s.subnet_alpha_in)},
            {"subnet_alpha_out", amount(s.subnet_alpha_out)},
            {"total_stake", amount(total_stake)}};
}

json op_add_stake(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    u64 total_stake = r.u64_or("total_stake", 0);
    const u64 amount_in = r.u64_field("amount");
    const auto limit = r.opt_u64("limit_price");
    const bool partial = r.bool_or("allow_partial", false);
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        Rational ts = total_stake;
        const auto o = exact::add_stake(e, ts, amount_in, limit, partial);
        if (!o)
            return error_output(o.error());
        json out{{"tao_staked", num(o->tao_staked)}, {"alpha", num(o->alpha)}, {"fee", num(o->fee)}};
        out["pool"] = pool_after(e, ts);
        return out;
    }
    const auto o = chain::add_stake(s, total_stake, amount_in, limit, partial);
    if (!o)
        return error_output(o.error());
    json out{{"tao_staked", dec(o->tao_staked)}, {"alpha", dec(o->alpha)}, {"fee", dec(o->fee)}};
    out["pool"] = pool_after(s, total_stake);
    return out;
}

json op_remove_stake(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    u64 total_stake = r.u64_or("total_stake", 0);
    const u64 alpha = r.u64_field("amount");
    const auto limit = r.opt_u64("limit_price");
    const bool partial = r.bool_or("allow_partial", false);
    UnstakeFeeInputs fee_in;
    fee_in.alpha_dividends = r.u64_or("alpha_dividends_per_subnet", 0);
    fee_in.total_hotkey_alpha = r.u64_or("total_hotkey_alpha", 0);
    // Absent: the staker holds the request (the default `amount`), so old requests keep their answers.
    const auto available = r.opt_u64("alpha_available");
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        Rational ts = total_stake;
        const auto o = exact::remove_stake(c.rules, e, ts, alpha, limit, partial, fee_in,
                                           available ? std::optional<Rational>(*available) : std::nullopt);
        if (!o)
            return error_output(o.error());
        json out{{"tao", num(o->tao)}, {"tao_unstaked", num(o->tao_unstaked)}, {"fee", num(o->fee)}};
        out["pool"] = pool_after(e, ts);
        return out;
    }
    const auto o = chain::remove_stake(c.rules, s, total_stake, alpha, limit, partial, fee_in, available);
    if (!o)
        return error_output(o.error());
    json out{{"tao", dec(o->tao)}, {"tao_unstaked", dec(o->tao_unstaked)}, {"fee", dec(o->fee)}};
    out["pool"] = pool_after(s, total_stake);
    return out;
}

json op_update_moving_price(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    const auto [alpha, block] = read_ema_inputs(r, s);
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        const auto u = exact::update_moving_price(c.rules, e, block, alpha.to_rational());
        return {{"subnet_moving_price", num(u.moving_price)},
                {"alpha", num(u.alpha)},
                {"price", num(u.price)},
                {"blocks_since", dec(u.blocks_since)}};
    }
    const auto u = chain::update_moving_price(c.rules, s, block, alpha);
    return {{"subnet_moving_price", fx(u.moving_price)},
            {"alpha", fx(u.alpha)},
            {"price", fx(u.price)},
            {"blocks_since", dec(u.blocks_since)}};
}

template <typename Model>
json write_coinbase(const CoinbaseResult<Model>& res, const ChainStateT<Model>& st, const Storage& storage)
{
    json emissions = json::array();
    for (const auto& e : res.emissions)
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

/// Run one block's coinbase in the requested model (`run_coinbase` with the given
/// emission, else `block_step`), then `then(state, result)` on that model's state.
template <typename Then>
json with_coinbase(const Context& c, ChainState st, std::optional<u64> emission, Then&& then)
{
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto res =
            emission ? exact::run_coinbase(c.rules, e, Rational(*emission)) : exact::block_step(c.rules, e);
        return then(e, res);
    }
    const auto res = emission ? chain::run_coinbase(c.rules, st, fixed::I96F32::saturating_from_u64(*emission))
                              : chain::block_step(c.rules, st);
    return then(st, res);
}

json op_coinbase(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const auto emission = r.opt_u64("block_emission");
    r.finish();
    return with_coinbase(c, st, emission,
                         [&c](auto& state, const auto& res) { return write_coinbase(res, state, c.storage()); });
}

/// One action of the `block` op: {kind, netuid, amount, limit_price?,
/// allow_partial?, fee? (add_stake), alpha_dividends_per_subnet?,
/// total_hotkey_alpha?, alpha_available? (remove_stake)}.
block::Action<u64> read_action(const json& j, const std::string& where)
{
    Reader r(j, where);
    const ActionHead head = read_action_head(r);
    block::Action<u64> a;
    a.kind = head.add ? block::ActionKind::add_stake : block::ActionKind::remove_stake;
    a.netuid = head.netuid;
    a.amount = head.amount;
    a.limit_price = head.limit_price;
    a.allow_partial = head.allow_partial;
    if (a.kind == block::ActionKind::add_stake) {
        a.fee = r.opt_u64("fee");
        if (a.fee && a.limit_price)
            fail("invalid_field", r.where("fee") + ": a custom fee applies to an add_stake without limit_price only");
    } else {
        a.fee_inputs.alpha_dividends = r.u64_or("alpha_dividends_per_subnet", 0);
        a.fee_inputs.total_hotkey_alpha = r.u64_or("total_hotkey_alpha", 0);
        a.alpha_available = r.opt_u64("alpha_available");
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
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const auto emission = r.opt_u64("block_emission");
    std::vector<block::Action<u64>> actions;
    const json& list = r.array_or_empty("actions");
    for (std::size_t i = 0; i < list.size(); ++i)
        actions.push_back(read_action(list[i], r.where("actions") + "[" + std::to_string(i) + "]"));
    r.finish();
    auto run = [&](auto& state, const auto& res) {
        using Model =
            std::conditional_t<std::is_same_v<std::decay_t<decltype(state)>, ChainState>, ChainModel, ExactModel>;
        json results = json::array();
        for (const auto& a : actions) {
            block::Action<typename Model::Amount> am;
            am.kind = a.kind;
            am.netuid = a.netuid;
            am.amount = typename Model::Amount(a.amount);
            am.limit_price = a.limit_price;
            am.allow_partial = a.allow_partial;
            if (a.fee)
                am.fee = typename Model::Amount(*a.fee);
            am.fee_inputs = a.fee_inputs;
            if (a.alpha_available)
                am.alpha_available = typename Model::Amount(*a.alpha_available);
            results.push_back(write_action_result<Model>(block::apply<Model>(c.rules, state, am), a.kind));
        }
        json out = write_coinbase(res, state, c.storage());
        out["actions"] = results;
        return out;
    };
    return with_coinbase(c, st, emission, run);
}

DrainInput read_drain(Reader& r)
{
    DrainInput in;
    in.netuid = r.u64_or("netuid", 1, U16_MAX);
    in.tao_weight = r.u64_or("tao_weight", LAUNCH_TAO_WEIGHT);
    in.pending_alpha = r.u64_or("pending_alpha", 0);
    in.pending_tao = r.u64_or("pending_tao", 0);
    in.pending_swapped = r.u64_or("pending_swapped", 0);
    in.owner_cut = r.u64_or("owner_cut", 0);
    in.subnet_owner = r.opt_string("subnet_owner");
    in.subnet_owner_hotkey = r.opt_string("subnet_owner_hotkey");
    const json& epoch = r.array_or_empty("epoch");
    for (std::size_t i = 0; i < epoch.size(); ++i) {
        Reader er(epoch[i], r.where("epoch") + "[" + std::to_string(i) + "]");
        in.epoch.push_back({er.string_field("hotkey"), er.u64_or("incentive", 0), er.u64_or("dividend", 0)});
        er.finish();
    }
    if (r.has("hotkeys")) {
        const json& hotkeys = r.get("hotkeys");
        if (!hotkeys.is_object())
            fail("invalid_field", r.where("hotkeys") + ": expected an object keyed by hotkey");
        for (const auto& [name, value] : hotkeys.items()) {
            const std::string where = r.where("hotkeys") + "." + name;
            Reader hr(value, where);
            HotkeyInfo h;
            h.owner = hr.opt_string("owner").value_or("");
            h.alpha_stake = hr.u64_or("alpha_stake", 0);
            h.root_stake = hr.u64_or("root_stake", 0);
            h.take = hr.u64_or("take", 0, U16_MAX);
            h.childkey_take = hr.u64_or("childkey_take", 0, U16_MAX);
            for (const char* key : {"parents", "children"}) {
                const json& links = hr.array_or_empty(key);
                for (std::size_t i = 0; i < links.size(); ++i) {
                    Reader lr(links[i], where + "." + key + "[" + std::to_string(i) + "]");
                    KeyLink link{lr.u64_field("proportion"), lr.string_field("hotkey")};
                    lr.finish();
                    (std::string(key) == "parents" ? h.parents : h.children).push_back(link);
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
    if (c.exact())
        return write_drain(drain_pending_emission<ExactModel>(c.rules, in));
    return write_drain(drain_pending_emission<ChainModel>(c.rules, in));
}

json op_network_lock_cost(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    r.finish();
    if (c.exact()) {
        const ExactChainState e = to_exact(st);
        return {{"lock_cost", num(exact::network_lock_cost(e))},
                {"lock_reduction_interval", num(exact::lock_reduction_interval(e))}};
    }
    return {{"lock_cost", dec(chain::network_lock_cost(st))},
            {"lock_reduction_interval", dec(chain::lock_reduction_interval(st))}};
}

json op_register_network(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
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
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const u64 netuid = r.u64_field("netuid", U16_MAX);
    r.finish();
    const auto feb = start_call(c.rules, st, netuid);
    if (!feb)
        return error_output(feb.error());
    if (c.exact())
        return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(to_exact(st), c.storage())}};
    return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(st, c.storage())}};
}

json op_blocks_until_next_epoch(const Context&, Reader& r)
{
    const u64 netuid = r.u64_field("netuid", U16_MAX);
    const u64 tempo = r.u64_field("tempo", U16_MAX);
    const u64 block = r.u64_field("block");
    r.finish();
    return {{"blocks", dec(blocks_until_next_epoch(netuid, tempo, block))},
            {"runs", should_run_epoch(netuid, tempo, block)}};
}

const std::vector<OpForm>& core_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::block_emission, Form::common, op_block_emission,
         "EMIS-001: {issuance} -> {emission, halvings, q, residual}"},
        {Op::alpha_price, Form::constant_product, op_alpha_price, "POOL-001: {subnet_tao, subnet_alpha_in} -> {price}"},
        {Op::sim_swap_tao_for_alpha, Form::constant_product, op_sim_swap<true>,
         "POOL-003: {subnet_tao, subnet_alpha_in, amount} -> {alpha_out, k, new_reserve}"},
        {Op::sim_swap_alpha_for_tao, Form::constant_product, op_sim_swap<false>,
         "POOL-004: {subnet_tao, subnet_alpha_in, amount} -> {tao_out, k, new_reserve}"},
        {Op::max_amount_add, Form::constant_product, op_max_amount<true>,
         "STAKE-005: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"},
        {Op::max_amount_remove, Form::constant_product, op_max_amount<false>,
         "STAKE-006: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"},
        {Op::add_stake, Form::constant_product, op_add_stake,
         "STAKE-007: {pool, amount, limit_price?, allow_partial?} -> {tao_staked, alpha, fee, pool}"},
        {Op::remove_stake, Form::constant_product, op_remove_stake,
         "STAKE-008: {pool, amount, alpha_available?, limit_price?, allow_partial?} -> {tao, "
         "tao_unstaked, fee, pool}"},
        {Op::update_moving_price, Form::launch, op_update_moving_price,
         "EMA-001: {pool, subnet_moving_price, block, ...} -> {subnet_moving_price, alpha, price}"},
        {Op::coinbase, Form::launch, op_coinbase,
         "COIN-001/COIN-010: {state, block_emission?} -> {emissions, drains, state}"},
        {Op::block, Form::launch, op_block,
         "COIN-010 + STAKE-007/STAKE-008: {state, block_emission?, actions} -> {emissions, drains, actions, state}"},
        {Op::drain_pending_emission, Form::launch, op_drain,
         "DRAIN-001: {pending_*, epoch, hotkeys, ...} -> {payouts, ...}"},
        {Op::network_lock_cost, Form::common, op_network_lock_cost,
         "REG-001: {state} -> {lock_cost, lock_reduction_interval}"},
        {Op::register_network, Form::launch, op_register_network,
         "REG-003: {state} -> {netuid, lock_cost, pool_tao, burned, state}"},
        {Op::start_call, Form::launch, op_start_call,
         "REG-004: {state, netuid} -> {first_emission_block_number, state}"},
        {Op::blocks_until_next_epoch, Form::modulo, op_blocks_until_next_epoch,
         "EPOCH-001: {netuid, tempo, block} -> {blocks, runs}"},
    };
    return table;
}

/// Every form of every op, by (op, form): the handlers of this file and of
/// protocol_balancer.cpp. Which form a request gets is the ruleset's capability table
/// (`dtao::form_of`), never an era check.
const std::map<std::pair<Op, Form>, const OpForm*>& op_table()
{
    static const auto table = [] {
        std::map<std::pair<Op, Form>, const OpForm*> t;
        for (const auto* list : {&core_handlers(), &balancer_handlers()})
            for (const auto& f : *list)
                if (!t.emplace(std::pair{f.op, f.form}, &f).second)
                    throw std::logic_error("protocol: two handlers for one form of op " + std::string(to_string(f.op)));
        return t;
    }();
    return table;
}

/// The forms an op has, for the message of `op_not_in_ruleset`.
std::string forms_of(Op op)
{
    std::string out;
    for (const auto& [key, f] : op_table())
        if (key.first == op)
            out += (out.empty() ? "" : ", ") + std::string(to_string(key.second));
    return out;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ops()
{
    static const auto list = [] {
        std::map<std::string, std::string> docs;
        for (const auto& [key, f] : op_table()) {
            std::string& doc = docs[std::string(to_string(f->op))];
            if (!doc.empty())
                doc += "; ";
            if (f->form != Form::common)
                doc += std::string(to_string(f->form)) + ": ";
            doc += f->doc;
        }
        return std::vector<std::pair<std::string, std::string>>(docs.begin(), docs.end());
    }();
    return list;
}

bool op_in_ruleset(const std::string& op, const Ruleset& rules)
{
    const auto id = find_op(op);
    return id && has_op(rules, *id);
}

json state_to_json(const ChainState& state, const Ruleset& rules) { return write_state(state, storage_of(rules)); }

json action_to_json(const block::Action<u64>& a)
{
    json o{{"kind", a.kind == block::ActionKind::add_stake ? "add_stake" : "remove_stake"},
           {"netuid", dec(a.netuid)},
           {"amount", dec(a.amount)}};
    if (a.limit_price)
        o["limit_price"] = dec(*a.limit_price);
    if (a.allow_partial)
        o["allow_partial"] = true;
    if (a.fee)
        o["fee"] = dec(*a.fee);
    if (a.fee_inputs.alpha_dividends)
        o["alpha_dividends_per_subnet"] = dec(a.fee_inputs.alpha_dividends);
    if (a.fee_inputs.total_hotkey_alpha)
        o["total_hotkey_alpha"] = dec(a.fee_inputs.total_hotkey_alpha);
    if (a.alpha_available)
        o["alpha_available"] = dec(*a.alpha_available);
    return o;
}

json evaluate(const json& request)
{
    json response;
    response["id"] = nullptr;
    try {
        if (!request.is_object())
            fail("malformed_request", "the request must be a JSON object");
        if (request.contains("id")) {
            if (!request["id"].is_string())
                fail("invalid_field", "request.id: expected a string");
            response["id"] = request["id"];
        }
        Reader r(request, "request");
        r.string_field("id");
        const std::string ruleset = r.string_field("ruleset");
        const std::string op = r.string_field("op");
        const std::string arithmetic = r.opt_string("arithmetic").value_or("chain");
        const json& input = r.get("input");
        r.finish();
        Context c;
        const auto rules = find_ruleset(ruleset);
        if (!rules)
            fail("unknown_ruleset", "request.ruleset: no ruleset \"" + ruleset + "\" (see `dtao rulesets`)");
        c.rules = *rules;
        if (arithmetic == "exact")
            c.arithmetic = Arithmetic::exact;
        else if (arithmetic != "chain")
            fail("unknown_arithmetic",
                 "request.arithmetic: expected \"chain\" or \"exact\", got \"" + arithmetic + "\"");
        const auto id = find_op(op);
        if (!id)
            fail("unknown_op", "request.op: no op \"" + op + "\" (see `dtao ops`)");
        const Form form = form_of(c.rules, *id);
        if (form == Form::absent)
            fail("op_not_in_ruleset", "request.op: \"" + op + "\" is not an op of ruleset " + ruleset +
                                          " (its forms: " + forms_of(*id) + "); see `dtao ops`");
        const auto it = op_table().find({*id, form});
        if (it == op_table().end())
            throw std::logic_error("no handler for the " + std::string(to_string(form)) + " form of op " + op);
        const Handler& handler = it->second->handler;
        Reader in(input, "request.input");
        json output = handler(c, in);
        if (output.is_object() && output.contains("__rule_error")) {
            response["error"] = output["__rule_error"];
            return response;
        }
        response["output"] = std::move(output);
    } catch (const ProtocolError& e) {
        response["error"] = e.token;
        response["message"] = e.message;
    } catch (const std::exception& e) {
        // An exception from the reference is a bug in it, reported, not hidden.
        response["error"] = "internal_error";
        response["message"] = e.what();
    }
    return response;
}

/// The parser's message quotes the bytes it stopped at, which need not be
/// UTF-8; a response must always serialise, so non-ASCII bytes become '?'.
std::string printable(std::string text)
{
    for (char& c : text)
        if (static_cast<unsigned char>(c) >= 0x80 || (static_cast<unsigned char>(c) < 0x20 && c != ' '))
            c = '?';
    return text;
}

json evaluate_line(std::string_view line)
{
    json request;
    try {
        request = json::parse(line.begin(), line.end());
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number such as 1e999 (found by
        // fuzz/protocol_fuzz.cpp): every parser failure is a malformed request.
        return json{
            {"id", nullptr}, {"error", "malformed_request"}, {"message", "invalid JSON: " + printable(e.what())}};
    }
    return evaluate(request);
}

}  // namespace dtao::protocol
