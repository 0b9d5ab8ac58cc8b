// dtao: the table of the ops' outputs (outputs.hpp) and the check of an output against it.
// SPDX-License-Identifier: Apache-2.0
#include "outputs.hpp"

#include "decimal.hpp"

#include "dtao/errors.hpp"

#include <algorithm>
#include <map>
#include <cstdint>
#include <set>
#include <stdexcept>

namespace dtao::protocol {

namespace {

// Field builders: the name and kind of one output field.
OutputField dec(std::string_view name) { return {name, Out::dec}; }
OutputField signed_dec(std::string_view name) { return {name, Out::signed_dec}; }
OutputField fixed(std::string_view name) { return {name, Out::fixed}; }
OutputField number(std::string_view name) { return {name, Out::number}; }
OutputField flag(std::string_view name) { return {name, Out::flag}; }
OutputField state() { return {"state", Out::state}; }
OutputField object(std::string_view name, const Shape& s) { return {name, Out::object, &s}; }
OutputField list(std::string_view name, const Shape& s) { return {name, Out::list, &s}; }
OutputField map(std::string_view name, const Shape& s) { return {name, Out::map, &s}; }
/// A field only some answers write.
OutputField sometimes(OutputField f)
{
    f.always = false;
    return f;
}
/// A field only the rulesets with storage `group` write.
OutputField with(Group group, OutputField f)
{
    f.group = group;
    return f;
}
OutputField chain_only(OutputField f)
{
    f.written = Written::chain_only;
    return f;
}
OutputField exact_only(OutputField f)
{
    f.written = Written::exact_only;
    return f;
}

Shape fields(std::vector<OutputField> f) { return {{}, std::move(f), {}, Out::dec}; }
Shape named(std::string_view def, std::vector<OutputField> f) { return {def, std::move(f), {}, Out::dec}; }
Shape leaf(Out out) { return {{}, {}, {}, out}; }
Shape one_of(std::vector<const Shape*> choices) { return {{}, {}, std::move(choices), Out::dec}; }
/// `base` with more fields.
Shape plus(const Shape& base, std::vector<OutputField> more)
{
    Shape s = base;
    s.def = {};
    s.fields.insert(s.fields.end(), more.begin(), more.end());
    return s;
}

// ------------------------------------------------------------------ shared shapes

const Shape POOL_AFTER =
    named("pool_after", {dec("subnet_tao"), dec("subnet_alpha_in"), dec("subnet_alpha_out"), dec("total_stake")});
const Shape BALANCER_SWAP = named(
    "balancer_swap", {dec("amount_paid_in"), dec("amount_paid_out"), dec("fee_paid"), dec("fee_to_block_author")});
const Shape BALANCER_POOL_AFTER = named(
    "balancer_pool_after", {dec("subnet_tao"), dec("subnet_alpha_in"), dec("subnet_alpha_out"), dec("subnet_volume"),
                            dec("total_stake"), dec("swap_balancer_quote_parts"), flag("pal_swap_initialized")});
const Shape RULE_ERROR = fields({{"error", Out::rule_error}});
const Shape FIXED_VALUE = leaf(Out::fixed);
const Shape NUMBER_VALUE = leaf(Out::number);

// ------------------------------------------------------------------ common, modulo

const Shape BLOCK_EMISSION =
    fields({dec("emission"), dec("halvings"), chain_only(fixed("q")), chain_only(fixed("residual"))});
const Shape NETWORK_LOCK_COST = fields({dec("lock_cost"), dec("lock_reduction_interval")});
const Shape BLOCKS_UNTIL_NEXT_EPOCH = fields({dec("blocks"), flag("runs")});
const Shape PRICE = fields({fixed("price")});
const Shape MAX_AMOUNT = fields({dec("max_amount")});

// ------------------------------------------------------------------ constant_product

const Shape SIM_SWAP_TAO_FOR_ALPHA = fields({dec("alpha_out"), sometimes(fixed("k")), sometimes(fixed("new_reserve"))});
const Shape SIM_SWAP_ALPHA_FOR_TAO = fields({dec("tao_out"), sometimes(fixed("k")), sometimes(fixed("new_reserve"))});
const Shape STAKED = fields({dec("tao_staked"), dec("alpha"), dec("fee")});
const Shape UNSTAKED = fields({dec("tao"), dec("tao_unstaked"), dec("fee")});
const Shape ADD_STAKE = plus(STAKED, {object("pool", POOL_AFTER)});
const Shape REMOVE_STAKE = plus(UNSTAKED, {object("pool", POOL_AFTER)});

// ------------------------------------------------------------------ launch

const Shape LAUNCH_MOVING_PRICE =
    fields({fixed("subnet_moving_price"), fixed("alpha"), fixed("price"), dec("blocks_since")});
const Shape LAUNCH_EMISSION =
    fields({dec("netuid"), number("price"), number("moving_price"), number("alpha_emission"), number("tao_in"),
            number("alpha_in"), number("alpha_out"), number("owner_cut"), number("root_proportion"),
            number("root_alpha"), number("pending_alpha"), dec("root_tao")});
const Shape LAUNCH_DRAIN =
    fields({dec("netuid"), dec("pending_alpha"), dec("pending_tao"), dec("pending_swapped"), dec("owner_cut")});
const Shape LAUNCH_COINBASE =
    fields({number("block_emission"), list("emissions", LAUNCH_EMISSION), list("drains", LAUNCH_DRAIN), state()});
const Shape V3_EMISSION = plus(LAUNCH_EMISSION, {flag("subsidized"), dec("subsidy_tao"), dec("subsidy_alpha")});
const Shape V3_COINBASE =
    fields({number("block_emission"), list("emissions", V3_EMISSION), list("drains", LAUNCH_DRAIN), state()});
const Shape LAUNCH_ACTION = one_of({&STAKED, &UNSTAKED, &RULE_ERROR});
const Shape LAUNCH_BLOCK = plus(LAUNCH_COINBASE, {list("actions", LAUNCH_ACTION)});
const Shape PAYOUT = fields({dec("incentive"), flag("incentive_burned"), dec("alpha_take"), dec("alpha_dividend"),
                             dec("tao_take"), dec("tao_dividend")});
const Shape DRAIN_PENDING_EMISSION =
    fields({map("payouts", PAYOUT), map("dividends", NUMBER_VALUE), dec("owner_cut_paid"), number("total_root_divs"),
            dec("pending_validator_alpha"), dec("alpha_paid"), dec("tao_paid")});
const Shape LAUNCH_REGISTER_NETWORK =
    fields({dec("netuid"), dec("lock_cost"), dec("pool_tao"), dec("burned"), state()});
const Shape START_CALL = fields({dec("first_emission_block_number"), state()});

// ------------------------------------------------------------------ balancer

const Shape SWAP = fields({dec("amount_paid_in"), dec("amount_paid_out"), dec("fee_paid"), dec("fee_to_block_author"),
                           dec("swap_balancer_quote_parts"), flag("pal_swap_initialized")});
/// The exact model reports the new weight as the rational it is, not rounded to parts.
const Shape ADJUST_PROTOCOL_LIQUIDITY =
    fields({dec("tao"), dec("alpha"), chain_only(dec("swap_balancer_quote_parts")), exact_only(fixed("quote_weight"))});
const Shape MIGRATE_SWAPV3_TO_BALANCER =
    fields({dec("subnet_tao"), dec("subnet_alpha_in"), flag("pal_swap_initialized"), flag("price_initialized"),
            chain_only(dec("swap_balancer_quote_parts")), exact_only(fixed("quote_weight")), fixed("price"),
            dec("tao_provided_unread"), dec("alpha_in_provided_unread")});
/// The exact model's answer: the true value's rigorous enclosure, and its floor where the
/// reduced exponent is small enough to compute it.
const Shape ENCLOSURE = fields({dec("lower"), dec("upper"), sometimes(dec("floor"))});
const Shape POW_RATIO_SCALED =
    fields({{"result", Out::dec_or_null, nullptr, true, Group::every, Written::in_both, &ENCLOSURE}});
const Shape BALANCER_STAKED = fields({object("swap", BALANCER_SWAP), dec("tao_requested"), dec("alpha"),
                                      dec("tao_unswapped"), dec("author_tao"), dec("burned_tao")});
const Shape BALANCER_UNSTAKED =
    fields({object("swap", BALANCER_SWAP), dec("alpha_requested"), dec("alpha_refund"), dec("tao"),
            object("fee_swap", BALANCER_SWAP), dec("author_tao"), dec("burned_alpha")});
const Shape BALANCER_ADD_STAKE = plus(BALANCER_STAKED, {object("pool", BALANCER_POOL_AFTER)});
const Shape BALANCER_REMOVE_STAKE = plus(BALANCER_UNSTAKED, {object("pool", BALANCER_POOL_AFTER)});

// ------------------------------------------------------------------ injection_capped

const Shape CAPPED_MOVING_PRICE =
    fields({fixed("subnet_moving_price"), fixed("alpha"), fixed("price"), fixed("blocks_since")});
const Shape CAPPED_EMISSION = fields({
    dec("netuid"),
    flag("capped"),
    flag("chain_buy_ok"),
    fixed("moving_price"),
    fixed("price_share"),
    fixed("share"),
    fixed("emission_share"),
    fixed("tao_emission"),
    fixed("alpha_emission"),
    fixed("price"),
    fixed("root_proportion_pre"),
    fixed("cap"),
    fixed("tao_in"),
    fixed("alpha_in"),
    fixed("alpha_out"),
    fixed("excess_tao"),
    fixed("owner_cut"),
    fixed("root_proportion_post"),
    fixed("root_alpha"),
    fixed("server"),
    fixed("validator"),
    dec("injected_tao"),
    dec("injected_alpha"),
    dec("excess_spent"),
    dec("chain_buy_paid_in"),
    dec("chain_buy_alpha"),
    dec("stranded_tao"),
    dec("root_alpha_recycled"),
    // the weight in force after the injection: the chain's is the stored weight, which the state
    // reports; the exact model's is a rational the state could only round
    exact_only(fixed("quote_weight")),
    // today's mainnet only: the gate (spec 440+) and the reservoir injection (spec 432+)
    with(Group::emission_gate, fixed("weighted_share")),
    with(Group::emission_gate, fixed("gate")),
    with(Group::reservoirs, dec("chain_buy_refunded")),
    with(Group::reservoirs, dec("materialized_tao")),
    with(Group::reservoirs, dec("tao_reservoir")),
    with(Group::reservoirs, dec("alpha_reservoir")),
});
const Shape CAPPED_EPOCH = fields({dec("netuid"), flag("deferred"), dec("pending_server"), dec("pending_validator"),
                                   dec("pending_root_alpha"), dec("pending_owner_cut")});
const Shape ROOT_PROP = fields({dec("netuid"), fixed("root_prop")});
const Shape CAPPED_COINBASE = fields({
    dec("credit"),
    flag("root_sell_flag"),
    list("emissions", CAPPED_EMISSION),
    dec("tao_spent"),
    dec("tao_recycled"),
    list("epochs", CAPPED_EPOCH),
    list("root_prop", ROOT_PROP),
    state(),
    // today's mainnet only (spec 440+)
    with(Group::emission_gate, fixed("emission_gate_bar")),
    with(Group::emission_gate, flag("emission_gate_bar_stored")),
    with(Group::emission_gate, flag("emission_gate_restored")),
});
const Shape CAPPED_ACTION = one_of({&BALANCER_STAKED, &BALANCER_UNSTAKED, &RULE_ERROR});
const Shape CAPPED_BLOCK = plus(CAPPED_COINBASE, {list("actions", CAPPED_ACTION)});
const Shape DIVIDEND_DISTRIBUTION =
    fields({map("alpha_dividends", FIXED_VALUE), map("root_alpha_dividends", FIXED_VALUE)});
const Shape CAPPED_REGISTER_NETWORK = fields({dec("netuid"), dec("lock_cost"), fixed("median_price"), dec("pool_tao"),
                                              dec("pool_alpha"), dec("recycled"), state()});

// ------------------------------------------------------------------ concentrated

const Shape V3_PRICE = fields({fixed("price"), dec("current_alpha_price")});
/// The runtime API's `SimSwapResult`: every field 0 when the swap fails; the slippage from
/// v3.3.12-391 on (RSET-034).
const Shape V3_SIM_SWAP = fields({dec("tao_amount"), dec("alpha_amount"), dec("tao_fee"), dec("alpha_fee"),
                                  sometimes(dec("tao_slippage")), sometimes(dec("alpha_slippage"))});
const Shape V3_TICK = named("v3_tick", {signed_dec("index"), signed_dec("liquidity_net"), dec("liquidity_gross"),
                                        fixed("fees_out_tao"), fixed("fees_out_alpha")});
const Shape V3_POSITION = named("v3_position", {signed_dec("tick_low"), signed_dec("tick_high"), dec("liquidity"),
                                                fixed("fees_tao"), fixed("fees_alpha")});
const Shape V3_ADJUST_PROTOCOL_LIQUIDITY =
    fields({flag("adjusted"), dec("fees_tao"), dec("fees_alpha"), dec("tao_in"), dec("alpha_in"),
            dec("liquidity_delta"), dec("current_liquidity"), list("protocol_positions", V3_POSITION),
            dec("scrap_reservoir_tao"), dec("scrap_reservoir_alpha"), list("ticks", V3_TICK)});
const Shape V3_SWAP =
    fields({dec("amount_paid_in"), dec("amount_paid_out"), dec("fee_paid"), dec("fee_to_block_author"),
            flag("swap_v3_initialized"), fixed("alpha_sqrt_price"), signed_dec("current_tick"),
            dec("current_liquidity"), fixed("fee_global_tao"), fixed("fee_global_alpha"), list("ticks", V3_TICK)});

/// Each form's output, one line per (op, form) the handlers answer.
const std::map<std::pair<Op, Form>, const Shape*>& table()
{
    static const std::map<std::pair<Op, Form>, const Shape*> t{
        {{Op::block_emission, Form::common}, &BLOCK_EMISSION},
        {{Op::network_lock_cost, Form::common}, &NETWORK_LOCK_COST},
        {{Op::blocks_until_next_epoch, Form::modulo}, &BLOCKS_UNTIL_NEXT_EPOCH},
        {{Op::alpha_price, Form::constant_product}, &PRICE},
        {{Op::sim_swap_tao_for_alpha, Form::constant_product}, &SIM_SWAP_TAO_FOR_ALPHA},
        {{Op::sim_swap_alpha_for_tao, Form::constant_product}, &SIM_SWAP_ALPHA_FOR_TAO},
        {{Op::max_amount_add, Form::constant_product}, &MAX_AMOUNT},
        {{Op::max_amount_remove, Form::constant_product}, &MAX_AMOUNT},
        {{Op::add_stake, Form::constant_product}, &ADD_STAKE},
        {{Op::remove_stake, Form::constant_product}, &REMOVE_STAKE},
        {{Op::update_moving_price, Form::launch}, &LAUNCH_MOVING_PRICE},
        {{Op::coinbase, Form::launch}, &LAUNCH_COINBASE},
        {{Op::coinbase, Form::v3_price_share}, &V3_COINBASE},
        {{Op::block, Form::launch}, &LAUNCH_BLOCK},
        {{Op::drain_pending_emission, Form::launch}, &DRAIN_PENDING_EMISSION},
        {{Op::register_network, Form::launch}, &LAUNCH_REGISTER_NETWORK},
        {{Op::start_call, Form::launch}, &START_CALL},
        {{Op::alpha_price, Form::balancer}, &PRICE},
        {{Op::swap, Form::balancer}, &SWAP},
        {{Op::max_amount_add, Form::balancer}, &MAX_AMOUNT},
        {{Op::max_amount_remove, Form::balancer}, &MAX_AMOUNT},
        {{Op::adjust_protocol_liquidity, Form::balancer}, &ADJUST_PROTOCOL_LIQUIDITY},
        {{Op::pow_ratio_scaled, Form::balancer}, &POW_RATIO_SCALED},
        {{Op::add_stake, Form::balancer}, &BALANCER_ADD_STAKE},
        {{Op::remove_stake, Form::balancer}, &BALANCER_REMOVE_STAKE},
        {{Op::migrate_swapv3_to_balancer, Form::balancer}, &MIGRATE_SWAPV3_TO_BALANCER},
        {{Op::update_moving_price, Form::injection_capped}, &CAPPED_MOVING_PRICE},
        {{Op::coinbase, Form::injection_capped}, &CAPPED_COINBASE},
        {{Op::block, Form::injection_capped}, &CAPPED_BLOCK},
        {{Op::dividend_distribution, Form::injection_capped}, &DIVIDEND_DISTRIBUTION},
        {{Op::register_network, Form::injection_capped}, &CAPPED_REGISTER_NETWORK},
        {{Op::start_call, Form::injection_capped}, &START_CALL},
        {{Op::alpha_price, Form::concentrated}, &V3_PRICE},
        {{Op::sim_swap_tao_for_alpha, Form::concentrated}, &V3_SIM_SWAP},
        {{Op::sim_swap_alpha_for_tao, Form::concentrated}, &V3_SIM_SWAP},
        {{Op::swap, Form::concentrated}, &V3_SWAP},
        {{Op::adjust_protocol_liquidity, Form::concentrated}, &V3_ADJUST_PROTOCOL_LIQUIDITY},
    };
    return t;
}

// ------------------------------------------------------------------ the check

/// Outputs are the reference's own, so only their syntax is checked, at any length.
bool is_integer(std::string_view s, bool allow_negative)
{
    return decimal_syntax_error(s, {.allow_negative = allow_negative, .max_digits = SIZE_MAX}).empty();
}

bool is_decimal(const nlohmann::json& v) { return v.is_string() && is_integer(v.get_ref<const std::string&>(), false); }

/// A rational "p" or "p/q" as the exact model writes it (spec/protocol.md, Values).
bool is_rational(const nlohmann::json& v)
{
    if (!v.is_string())
        return false;
    const std::string_view s = v.get_ref<const std::string&>();
    const auto slash = s.find('/');
    if (slash == std::string_view::npos)
        return is_integer(s, true);
    return is_integer(s.substr(0, slash), true) && is_integer(s.substr(slash + 1), false);
}

bool is_fixed(const nlohmann::json& v)
{
    static const std::set<std::string, std::less<>> types{"I96F32", "U96F32", "U64F64", "I64F64", "I110F18"};
    if (!v.is_object() || v.size() != 2 || !v.contains("type") || !v.contains("bits"))
        return false;
    const auto& type = v["type"];
    const auto& bits = v["bits"];
    return type.is_string() && types.count(type.get_ref<const std::string&>()) > 0 && bits.is_string() &&
           is_integer(bits.get_ref<const std::string&>(), true);
}

bool is_error_token(const nlohmann::json& v)
{
    return v.is_string() && std::any_of(std::begin(ALL_ERRORS), std::end(ALL_ERRORS),
                                        [&](Error e) { return to_string(e) == v.get<std::string>(); });
}

struct Checking
{
    const Storage& storage;
    bool exact;
};

std::string value_mismatch(const nlohmann::json& v, Out out, const Shape* shape, const std::string& path,
                           const Checking& c);

std::string shape_mismatch(const nlohmann::json& v, const Shape& shape, const std::string& path, const Checking& c)
{
    if (!shape.choices.empty()) {
        for (const Shape* choice : shape.choices)
            if (shape_mismatch(v, *choice, path, c).empty())
                return "";
        return path + ": matches none of its " + std::to_string(shape.choices.size()) + " forms";
    }
    if (shape.fields.empty())
        return value_mismatch(v, shape.leaf, nullptr, path, c);
    if (!v.is_object())
        return path + ": expected an object";
    const auto has = [&](const OutputField& f) {
        return holds(c.storage, f.group) &&
               (f.written == Written::in_both || (f.written == Written::exact_only) == c.exact);
    };
    for (const auto& f : shape.fields) {
        const std::string where = path + "." + std::string(f.name);
        if (!v.contains(f.name)) {
            if (f.always && has(f))
                return where + ": missing";
            continue;
        }
        if (!has(f))
            return where + ": not a field of this output in this ruleset and arithmetic";
        const auto& value = v.at(f.name);
        if (auto why = c.exact && f.exact && !value.is_null() ? shape_mismatch(value, *f.exact, where, c)
                                                              : value_mismatch(value, f.out, f.shape, where, c);
            !why.empty())
            return why;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string& key = it.key();  // not a structured binding: a lambda captures it
        if (std::none_of(shape.fields.begin(), shape.fields.end(), [&](const OutputField& f) { return f.name == key; }))
            return path + "." + key + ": not a field of this output";
    }
    return "";
}

std::string value_mismatch(const nlohmann::json& v, Out out, const Shape* shape, const std::string& path,
                           const Checking& c)
{
    const bool exact = c.exact;
    const auto want = [&](bool ok, const char* what) { return ok ? std::string() : path + ": expected " + what; };
    switch (out) {
    case Out::dec:
        return exact ? want(is_rational(v), "a decimal or a rational") : want(is_decimal(v), "a decimal string");
    case Out::signed_dec:
        return want(v.is_string() && is_integer(v.get_ref<const std::string&>(), true), "a signed decimal string");
    case Out::fixed:
        return exact ? want(is_fixed(v) || is_rational(v), "a fixed-point value or a rational")
                     : want(is_fixed(v), "a fixed-point value");
    case Out::number: return want(is_fixed(v) || is_rational(v), "a number");
    case Out::flag: return want(v.is_boolean(), "true or false");
    case Out::dec_or_null:
        return exact ? want(v.is_null() || is_rational(v), "a decimal, a rational or null")
                     : want(v.is_null() || is_decimal(v), "a decimal string or null");
    case Out::rule_error: return want(is_error_token(v), "an error token");
    case Out::state: return want(v.is_object(), "the state object");
    case Out::object: return shape_mismatch(v, *shape, path, c);
    case Out::list:
        if (!v.is_array())
            return path + ": expected an array";
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto why = shape_mismatch(v[i], *shape, path + "[" + std::to_string(i) + "]", c); !why.empty())
                return why;
        return "";
    case Out::map:
        if (!v.is_object())
            return path + ": expected an object";
        for (const auto& [key, value] : v.items())
            if (auto why = shape_mismatch(value, *shape, path + "." + key, c); !why.empty())
                return why;
        return "";
    }
    return path + ": unknown output kind";
}

}  // namespace

const Shape& output_shape(Op op, Form form)
{
    const auto it = table().find({op, form});
    if (it == table().end())
        throw std::logic_error("output_shape: op " + std::string(to_string(op)) + " has no " +
                               std::string(to_string(form)) + " form");
    return *it->second;
}

const std::vector<const Shape*>& named_output_shapes()
{
    static const std::vector<const Shape*> shapes{&POOL_AFTER, &BALANCER_SWAP, &BALANCER_POOL_AFTER, &V3_TICK,
                                                  &V3_POSITION};
    return shapes;
}

std::string output_mismatch(const nlohmann::json& value, const Shape& shape, const std::string& path,
                            const Storage& storage, bool exact)
{
    return shape_mismatch(value, shape, path, Checking{storage, exact});
}

}  // namespace dtao::protocol
