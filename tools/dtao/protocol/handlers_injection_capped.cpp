// dtao: the `dtao eval` handlers of the injection-capped coinbase's forms: the EMA, the
// coinbase and the block, dividends, registration (BCOIN-*, BEPOCH-*, BEMA-*, BREG-*).
// Spec: spec/protocol.md, "Ops of the Balancer era".
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"
#include "balancer_codec.hpp"

#include "dtao/emission.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/injection_capped_exact.hpp"
#include "dtao/registration.hpp"

#include <algorithm>

namespace dtao::protocol::detail {

namespace {

namespace inj = chain::injection_capped;
namespace xinj = exact::injection_capped;
using fixed::U64F64;
using fixed::U96F32;

// ------------------------------------------------------------------ EMA

json op_update_moving_price(const Context& c, Reader& r)
{
    Subnet s = read_balancer_pool(r);
    const auto [alpha, block] = read_ema_inputs(r, s);
    r.finish();
    ChainState st;
    st.subnet_moving_alpha_bits = alpha.bits;
    if (c.exact()) {
        const ExactChainState est = to_exact(st);
        ExactSubnet es = to_exact(s);
        const auto u = xinj::update_moving_price(est, es, block);
        return {{"subnet_moving_price", num(u.moving_price)},
                {"alpha", num(u.alpha)},
                {"price", num(u.price)},
                {"blocks_since", num(u.blocks_since)}};
    }
    const auto u = inj::update_moving_price(st, s, block);
    return {{"subnet_moving_price", fx(u.moving_price)},
            {"alpha", fx(u.alpha)},
            {"price", fx(u.price)},
            {"blocks_since", fx(u.blocks_since)}};
}

// ------------------------------------------------------------------ coinbase

json write_coinbase(const chain::injection_capped::CoinbaseResult& res, const ChainState& st, const Storage& storage)
{
    json emissions = json::array();
    for (const auto& e : res.emissions)
        emissions.push_back({{"netuid", dec(e.netuid)},
                             {"moving_price", fx(e.moving_price)},
                             {"price_share", fx(e.price_share)},
                             {"share", fx(e.share)},
                             {"emission_share", fx(e.emission_share)},
                             {"tao_emission", fx(e.tao_emission)},
                             {"alpha_emission", fx(e.alpha_emission)},
                             {"price", fx(e.price)},
                             {"root_proportion_pre", fx(e.root_proportion_pre)},
                             {"cap", fx(e.cap)},
                             {"capped", e.capped},
                             {"tao_in", fx(e.tao_in)},
                             {"alpha_in", fx(e.alpha_in)},
                             {"alpha_out", fx(e.alpha_out)},
                             {"excess_tao", fx(e.excess_tao)},
                             {"injected_tao", dec(e.injected_tao)},
                             {"injected_alpha", dec(e.injected_alpha)},
                             {"excess_spent", dec(e.excess_spent)},
                             {"chain_buy_ok", e.chain_buy_ok},
                             {"chain_buy_paid_in", dec(e.chain_buy_paid_in)},
                             {"chain_buy_alpha", dec(e.chain_buy_alpha)},
                             {"stranded_tao", dec(e.stranded_tao)},
                             {"owner_cut", fx(e.owner_cut)},
                             {"root_proportion_post", fx(e.root_proportion_post)},
                             {"root_alpha", fx(e.root_alpha)},
                             {"server", fx(e.server)},
                             {"validator", fx(e.validator)},
                             {"root_alpha_recycled", dec(e.root_alpha_recycled)}});
    json epochs = json::array();
    for (const auto& e : res.epochs)
        epochs.push_back({{"netuid", dec(e.netuid)},
                          {"deferred", e.deferred},
                          {"pending_server", dec(e.pending_server)},
                          {"pending_validator", dec(e.pending_validator)},
                          {"pending_root_alpha", dec(e.pending_root_alpha)},
                          {"pending_owner_cut", dec(e.pending_owner_cut)}});
    json root_prop = json::array();
    for (const auto& [netuid, v] : res.root_prop)
        root_prop.push_back({{"netuid", dec(netuid)}, {"root_prop", fx(v)}});
    return {{"credit", dec(res.credit)},       {"root_sell_flag", res.root_sell_flag},  {"emissions", emissions},
            {"tao_spent", dec(res.tao_spent)}, {"tao_recycled", dec(res.tao_recycled)}, {"epochs", epochs},
            {"root_prop", root_prop},          {"state", write_state(st, storage)}};
}

json write_coinbase(const xinj::CoinbaseResult& res, const ExactChainState& st, const Storage& storage)
{
    json emissions = json::array();
    for (const auto& e : res.emissions)
        emissions.push_back({{"netuid", dec(e.netuid)},
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
                             {"injected_tao", num(e.injected_tao)},
                             {"injected_alpha", num(e.injected_alpha)},
                             {"excess_spent", num(e.excess_spent)},
                             {"chain_buy_ok", e.chain_buy_ok},
                             {"chain_buy_paid_in", num(e.chain_buy_paid_in)},
                             {"chain_buy_alpha", num(e.chain_buy_alpha)},
                             {"stranded_tao", num(e.stranded_tao)},
                             {"owner_cut", num(e.owner_cut)},
                             {"root_proportion_post", num(e.root_proportion_post)},
                             {"root_alpha", num(e.root_alpha)},
                             {"server", num(e.server)},
                             {"validator", num(e.validator)},
                             {"root_alpha_recycled", num(e.root_alpha_recycled)},
                             {"quote_weight", num(e.quote_weight)}});
    json epochs = json::array();
    for (const auto& e : res.epochs)
        epochs.push_back({{"netuid", dec(e.netuid)},
                          {"deferred", e.deferred},
                          {"pending_server", num(e.pending_server)},
                          {"pending_validator", num(e.pending_validator)},
                          {"pending_root_alpha", num(e.pending_root_alpha)},
                          {"pending_owner_cut", num(e.pending_owner_cut)}});
    json root_prop = json::array();
    for (const auto& [netuid, v] : res.root_prop)
        root_prop.push_back({{"netuid", dec(netuid)}, {"root_prop", num(v)}});
    return {{"credit", num(res.credit)}, {"root_prop", root_prop},           {"root_sell_flag", res.root_sell_flag},
            {"emissions", emissions},    {"tao_spent", num(res.tao_spent)},  {"tao_recycled", num(res.tao_recycled)},
            {"epochs", epochs},          {"state", write_state(st, storage)}};
}

/// The exact block: `block_step`, or with a credit, the block after the mint.
xinj::CoinbaseResult run_exact_block(const Context& c, ExactChainState& st, std::optional<u64> credit)
{
    if (!credit)
        return xinj::block_step(c.rules, st);
    return xinj::block_step_with_credit(c.rules, st, Rational(*credit));
}

/// `block_step` (mint from TotalIssuance), or with `block_emission` given, the block after
/// the mint with that credit (BCOIN-012).
chain::injection_capped::CoinbaseResult run_block(const Context& c, ChainState& st, std::optional<u64> credit)
{
    return credit ? inj::block_step_with_credit(c.rules, st, *credit) : inj::block_step(c.rules, st);
}

json op_coinbase(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const auto credit = r.opt_u64("block_emission");
    r.finish();
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto res = run_exact_block(c, e, credit);
        return write_coinbase(res, e, c.storage());
    }
    const auto res = run_block(c, st, credit);
    return write_coinbase(res, st, c.storage());
}

/// One stake extrinsic of a Balancer-era block: the common fields and, for an unstake, the
/// staker's stake on the subnet.
struct BalancerAction : ActionHead
{
    u64 alpha_available = 0;
};

BalancerAction read_balancer_action(const json& j, const std::string& where)
{
    Reader r(j, where);
    BalancerAction a{read_action_head(r)};
    if (!a.add)
        a.alpha_available = r.u64_or("alpha_available", a.amount);
    r.finish();
    return a;
}

json op_block(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const auto credit = r.opt_u64("block_emission");
    std::vector<BalancerAction> actions;
    const json& list = r.array_or_empty("actions");
    for (std::size_t i = 0; i < list.size(); ++i)
        actions.push_back(read_balancer_action(list[i], r.where("actions") + "[" + std::to_string(i) + "]"));
    r.finish();
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto res = run_exact_block(c, e, credit);
        json results = json::array();
        for (const auto& a : actions) {
            if (a.add) {
                const auto o =
                    xbal::add_stake(c.rules, e, a.netuid, Rational(a.amount), a.limit_price, a.allow_partial);
                results.push_back(o ? write_stake(*o) : json{{"error", std::string(to_string(o.error()))}});
            } else {
                const auto o = xbal::remove_stake(c.rules, e, a.netuid, Rational(a.amount), Rational(a.alpha_available),
                                                  a.limit_price, a.allow_partial);
                results.push_back(o ? write_unstake(*o) : json{{"error", std::string(to_string(o.error()))}});
            }
        }
        json out = write_coinbase(res, e, c.storage());
        out["actions"] = results;
        return out;
    }
    const auto res = run_block(c, st, credit);
    json results = json::array();
    for (const auto& a : actions) {
        if (a.add) {
            const auto o = bal::add_stake(c.rules, st, a.netuid, a.amount, a.limit_price, a.allow_partial);
            results.push_back(o ? write_stake(*o) : json{{"error", std::string(to_string(o.error()))}});
        } else {
            const auto o =
                bal::remove_stake(c.rules, st, a.netuid, a.amount, a.alpha_available, a.limit_price, a.allow_partial);
            results.push_back(o ? write_unstake(*o) : json{{"error", std::string(to_string(o.error()))}});
        }
    }
    json out = write_coinbase(res, st, c.storage());
    out["actions"] = results;
    return out;
}

// ------------------------------------------------------------------ dividends

json op_dividend_distribution(const Context& c, Reader& r)
{
    const u64 pending_alpha = r.u64_or("pending_alpha", 0);
    const u64 pending_root_alpha = r.u64_or("pending_root_alpha", 0);
    const u64 tao_weight = r.u64_or("tao_weight", LAUNCH_TAO_WEIGHT);
    std::map<u64, inj::DividendInput> hotkeys;
    const json& list = r.array_or_empty("hotkeys");
    for (std::size_t i = 0; i < list.size(); ++i) {
        Reader hr(list[i], r.where("hotkeys") + "[" + std::to_string(i) + "]");
        const u64 id = hr.u64_field("hotkey");
        inj::DividendInput in;
        in.dividend = hr.fixed<U96F32>("dividend");
        if (hr.bool_or("in_stake_map", true))
            in.stake = std::pair<u64, u64>{hr.u64_or("alpha_stake", 0), hr.u64_or("root_stake", 0)};
        else if (hr.has("alpha_stake") || hr.has("root_stake"))
            fail("invalid_field", hr.where("in_stake_map") + ": a hotkey outside the stake map has no stakes");
        hr.finish();
        if (!hotkeys.emplace(id, in).second)
            fail("invalid_field", hr.where("hotkey") + ": hotkey " + dec(id) + " is listed twice");
    }
    r.finish();
    if (c.exact()) {
        std::map<u64, xinj::DividendInput> exact_hotkeys;
        for (const auto& [h, in] : hotkeys) {
            xinj::DividendInput x;
            x.dividend = in.dividend.to_rational();
            if (in.stake)
                x.stake = std::pair<Rational, Rational>{Rational(in.stake->first), Rational(in.stake->second)};
            exact_hotkeys.emplace(h, x);
        }
        const Rational tw = Rational(tao_weight) / Rational(U64_MAX);
        const auto d = xinj::calculate_dividend_distribution(pending_alpha, pending_root_alpha, tw, exact_hotkeys);
        json alpha = json::object(), root = json::object();
        for (const auto& [h, v] : d.alpha_dividends)
            alpha[dec(h)] = num(v);
        for (const auto& [h, v] : d.root_alpha_dividends)
            root[dec(h)] = num(v);
        return {{"alpha_dividends", alpha}, {"root_alpha_dividends", root}};
    }
    ChainState st;
    st.tao_weight = tao_weight;
    const auto d =
        inj::calculate_dividend_distribution(pending_alpha, pending_root_alpha, inj::get_tao_weight(st), hotkeys);
    json alpha = json::object(), root = json::object();
    for (const auto& [h, v] : d.alpha_dividends)
        alpha[dec(h)] = fx(v);
    for (const auto& [h, v] : d.root_alpha_dividends)
        root[dec(h)] = fx(v);
    return {{"alpha_dividends", alpha}, {"root_alpha_dividends", root}};
}

// ------------------------------------------------------------------ registration

json op_register_network(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    r.finish();
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto reg = xinj::do_register_network(c.rules, e);
        if (!reg)
            return error_output(reg.error());
        return {{"netuid", dec(reg->netuid)},
                {"lock_cost", dec(reg->lock_cost)},
                {"median_price", num(reg->median_price)},
                {"pool_tao", num(reg->pool_tao)},
                {"pool_alpha", num(reg->pool_alpha)},
                {"recycled", num(reg->recycled)},
                {"state", write_state(e, c.storage())}};
    }
    const u64 lock = chain::network_lock_cost(st);
    const auto reg = inj::do_register_network(c.rules, st);
    if (!reg)
        return error_output(reg.error());
    return {{"netuid", dec(reg->netuid)},
            {"lock_cost", dec(lock)},
            {"median_price", fx(reg->median_price)},
            {"pool_tao", dec(reg->pool_tao)},
            {"pool_alpha", dec(reg->pool_alpha)},
            {"recycled", dec(reg->recycled)},
            {"state", write_state(st, c.storage())}};
}

json op_start_call(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"), c.storage());
    const u64 netuid = r.u64_field("netuid", U16_MAX);
    r.finish();
    const auto feb = inj::start_call(st, netuid);
    if (!feb)
        return error_output(feb.error());
    if (c.exact())
        return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(to_exact(st), c.storage())}};
    return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(st, c.storage())}};
}

}  // namespace

/// The injection_capped forms of the coinbase family's ops.
const std::vector<OpForm>& injection_capped_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::update_moving_price, Form::injection_capped, op_update_moving_price,
         "BEMA-001: {pool, subnet_moving_price, block, ...} -> {subnet_moving_price, alpha, price, blocks_since}"},
        {Op::coinbase, Form::injection_capped, op_coinbase,
         "BCOIN-011/BCOIN-012: {state, block_emission?} -> {emissions, epochs, state, ...}"},
        {Op::block, Form::injection_capped, op_block,
         "BCOIN-012 + BAL-011: {state, block_emission?, actions} -> {emissions, epochs, actions, state, ...}"},
        {Op::dividend_distribution, Form::injection_capped, op_dividend_distribution,
         "BCOIN-013: {pending_alpha, pending_root_alpha, hotkeys} -> {alpha_dividends, root_alpha_dividends}"},
        {Op::register_network, Form::injection_capped, op_register_network,
         "BREG-002: {state} -> {netuid, lock_cost, median_price, pool_tao, pool_alpha, state}"},
        {Op::start_call, Form::injection_capped, op_start_call,
         "BREG-003: {state, netuid} -> {first_emission_block_number, state}"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
