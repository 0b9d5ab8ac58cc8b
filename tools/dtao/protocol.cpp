// dtao: the `dtao eval` conformance protocol, version 1. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#include "protocol.hpp"

#include "block.hpp"

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

/// A protocol-level failure: a token from the closed list in spec/protocol.md
/// and a message naming what was wrong and where.
struct ProtocolError
{
    std::string token;
    std::string message;
};

[[noreturn]] void fail(std::string token, std::string message) { throw ProtocolError{std::move(token), std::move(message)}; }

enum class Arithmetic
{
    chain,
    exact,
};

// ------------------------------------------------------------------ decimal

/// Strictly parse a decimal integer: optional '-' only when `allow_negative`,
/// no leading zeros, no '+', no spaces, no other base. `cpp_int("010")` would
/// read octal, so nothing reaches Boost unvalidated.
Int parse_decimal(const std::string& s, bool allow_negative, const std::string& where)
{
    std::size_t i = 0;
    bool negative = false;
    if (allow_negative && !s.empty() && s[0] == '-') {
        negative = true;
        i = 1;
    }
    if (i >= s.size())
        fail("invalid_field", where + ": expected a decimal integer string, got \"" + s + "\"");
    if (s.size() - i > 1 && s[i] == '0')
        fail("invalid_field", where + ": leading zeros are not allowed in \"" + s + "\"");
    if (s.size() - i > 80)
        fail("invalid_field", where + ": number has too many digits");
    for (std::size_t j = i; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9')
            fail("invalid_field", where + ": expected a decimal integer string, got \"" + s + "\"");
    if (negative && s == "-0")
        fail("invalid_field", where + ": \"-0\" is not canonical");
    Int v(s.substr(i));
    return negative ? Int(-v) : v;
}

// ------------------------------------------------------------------ reader

/// Reads one JSON object strictly: typed getters with the field's path in
/// every error, and `finish()` rejects fields nobody asked for.
class Reader
{
public:
    Reader(const json& j, std::string path) : m_j(j), m_path(std::move(path))
    {
        if (!j.is_object())
            fail("invalid_field", m_path + ": expected an object");
    }

    /// Present and not null. Asking counts as reading: `finish()` will not
    /// call an explicit null an unknown field.
    [[nodiscard]] bool has(const std::string& key)
    {
        m_used.insert(key);
        return m_j.contains(key) && !m_j.at(key).is_null();
    }

    const json& get(const std::string& key)
    {
        m_used.insert(key);
        if (!m_j.contains(key))
            fail("missing_field", where(key) + ": required field is missing");
        return m_j.at(key);
    }

    Int integer(const std::string& key, const Int& lo, const Int& hi, bool allow_negative = false)
    {
        const json& v = get(key);
        if (!v.is_string())
            fail("invalid_field", where(key) + ": expected a decimal string (amounts are never JSON numbers)");
        const Int x = parse_decimal(v.get<std::string>(), allow_negative, where(key));
        if (x < lo || x > hi)
            fail("invalid_field", where(key) + ": " + x.str() + " is out of range [" + lo.str() + ", " + hi.str() + "]");
        return x;
    }

    u64 u64_field(const std::string& key, u64 max = U64_MAX) { return integer(key, 0, Int(max)).convert_to<u64>(); }
    u64 u64_or(const std::string& key, u64 fallback, u64 max = U64_MAX)
    {
        m_used.insert(key);
        return has(key) ? u64_field(key, max) : fallback;
    }
    std::optional<u64> opt_u64(const std::string& key)
    {
        m_used.insert(key);
        return has(key) ? std::optional<u64>(u64_field(key)) : std::nullopt;
    }
    u128 u128_or(const std::string& key, u128 fallback)
    {
        m_used.insert(key);
        if (!has(key))
            return fallback;
        return to_u128(integer(key, 0, (Int(1) << 128) - 1));
    }
    bool bool_or(const std::string& key, bool fallback)
    {
        m_used.insert(key);
        if (!has(key))
            return fallback;
        const json& v = m_j.at(key);
        if (!v.is_boolean())
            fail("invalid_field", where(key) + ": expected true or false");
        return v.get<bool>();
    }
    std::string string_field(const std::string& key)
    {
        const json& v = get(key);
        if (!v.is_string())
            fail("invalid_field", where(key) + ": expected a string");
        return v.get<std::string>();
    }
    std::optional<std::string> opt_string(const std::string& key)
    {
        m_used.insert(key);
        return has(key) ? std::optional<std::string>(string_field(key)) : std::nullopt;
    }

    /// A fixed-point value: {"type": "<name>", "bits": "<decimal>"}.
    template <typename F>
    F fixed(const std::string& key)
    {
        Reader r(get(key), where(key));
        const std::string type = r.string_field("type");
        if (type != fixed::type_name<F>)
            fail("invalid_field", where(key) + ".type: expected \"" + std::string(fixed::type_name<F>) + "\", got \"" +
                                      type + "\"");
        const Int lo = F::is_signed ? Int(-(Int(1) << 127)) : Int(0);
        const Int hi = F::is_signed ? Int((Int(1) << 127) - 1) : Int((Int(1) << 128) - 1);
        const Int bits = r.integer("bits", lo, hi, F::is_signed);
        r.finish();
        return *F::from_int_bits(bits);
    }
    template <typename F>
    F fixed_or(const std::string& key, F fallback)
    {
        m_used.insert(key);
        return has(key) ? fixed<F>(key) : fallback;
    }

    const json& array(const std::string& key)
    {
        const json& v = get(key);
        if (!v.is_array())
            fail("invalid_field", where(key) + ": expected an array");
        return v;
    }
    const json& array_or_empty(const std::string& key)
    {
        static const json empty = json::array();
        m_used.insert(key);
        return has(key) ? array(key) : empty;
    }

    [[nodiscard]] std::string where(const std::string& key) const { return m_path + "." + key; }

    void finish() const
    {
        for (const auto& [key, value] : m_j.items())
            if (!m_used.count(key))
                fail("invalid_field", m_path + "." + key + ": unknown field");
    }

private:
    const json& m_j;
    std::string m_path;
    std::set<std::string> m_used;
};

// ------------------------------------------------------------------ writers

std::string dec(u64 v) { return std::to_string(v); }
std::string dec(u128 v) { return to_int(v).str(); }
json fx(const fixed::I96F32& v) { return {{"type", "I96F32"}, {"bits", v.int_bits().str()}}; }
json fx(const fixed::I110F18& v) { return {{"type", "I110F18"}, {"bits", v.int_bits().str()}}; }
json num(const fixed::I96F32& v) { return fx(v); }
json num(const Rational& v) { return to_string(v); }
json amount(u64 v) { return dec(v); }
json amount(const Rational& v) { return to_string(v); }
json volume(u128 v) { return dec(v); }
json volume(const Rational& v) { return to_string(v); }

// ------------------------------------------------------------------ state

constexpr u64 U16_MAX = 65535;

Subnet read_subnet(Reader& r, u64 default_netuid)
{
    Subnet s;
    s.netuid = r.u64_or("netuid", default_netuid, U16_MAX);
    s.mechanism = static_cast<Mechanism>(r.u64_or("subnet_mechanism", s.netuid == ROOT_NETUID ? 0 : 1, 1));
    s.subnet_tao = r.u64_or("subnet_tao", 0);
    s.subnet_alpha_in = r.u64_or("subnet_alpha_in", 0);
    s.subnet_alpha_out = r.u64_or("subnet_alpha_out", 0);
    s.subnet_moving_price = r.fixed_or<fixed::I96F32>("subnet_moving_price", fixed::I96F32::zero());
    s.subnet_volume = r.u128_or("subnet_volume", 0);
    s.pending_emission = r.u64_or("pending_emission", 0);
    s.pending_root_divs = r.u64_or("pending_root_divs", 0);
    s.pending_alpha_swapped = r.u64_or("pending_alpha_swapped", 0);
    s.pending_owner_cut = r.u64_or("pending_owner_cut", 0);
    s.subnet_tao_in_emission = r.u64_or("subnet_tao_in_emission", 0);
    s.subnet_alpha_in_emission = r.u64_or("subnet_alpha_in_emission", 0);
    s.subnet_alpha_out_emission = r.u64_or("subnet_alpha_out_emission", 0);
    s.tempo = r.u64_or("tempo", 360, U16_MAX);
    s.network_registration_allowed = r.bool_or("network_registration_allowed", true);
    s.network_pow_registration_allowed = r.bool_or("network_pow_registration_allowed", false);
    s.network_registered_at = r.u64_or("network_registered_at", 0);
    s.first_emission_block_number = r.opt_u64("first_emission_block_number");
    s.ema_price_halving_blocks = r.u64_or("ema_price_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
    s.blocks_since_last_step = r.u64_or("blocks_since_last_step", 0);
    s.last_mechanism_step_block = r.u64_or("last_mechansim_step_block", 0);
    return s;
}

ChainState read_state(const json& j, const std::string& path)
{
    Reader r(j, path);
    ChainState st;
    st.block = r.u64_or("block", 0);
    st.total_issuance = r.u64_or("total_issuance", 0);
    st.total_stake = r.u64_or("total_stake", 0);
    st.tao_weight = r.u64_or("tao_weight", LAUNCH_TAO_WEIGHT);
    st.subnet_owner_cut = r.u64_or("subnet_owner_cut", DEFAULT_SUBNET_OWNER_CUT, U16_MAX);
    const auto alpha = r.fixed_or<fixed::I96F32>("subnet_moving_alpha",
                                                 fixed::I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    if (alpha.negative())
        fail("invalid_field", r.where("subnet_moving_alpha") + ": must not be negative");
    st.subnet_moving_alpha_bits = alpha.bits;
    st.network_last_registered = r.u64_or("network_last_registered", 0);
    st.network_last_lock_cost = r.u64_or("network_last_lock_cost", 0);
    st.network_min_lock_cost = r.u64_or("network_min_lock_cost", NETWORK_MIN_LOCK_COST);
    st.network_lock_reduction_interval = r.u64_or("network_lock_reduction_interval", NETWORK_LOCK_REDUCTION_INTERVAL);
    st.network_rate_limit = r.u64_or("network_rate_limit", NETWORK_RATE_LIMIT);
    const json& subnets = r.array_or_empty("subnets");
    for (std::size_t i = 0; i < subnets.size(); ++i) {
        const std::string where = r.where("subnets") + "[" + std::to_string(i) + "]";
        Reader sr(subnets[i], where);
        Subnet s = read_subnet(sr, 1);
        sr.finish();
        if (!st.subnets.empty() && st.subnets.back().netuid >= s.netuid)
            fail("invalid_field", where + ".netuid: subnets must be listed in strictly ascending netuid order");
        st.subnets.push_back(s);
    }
    r.finish();
    return st;
}

template <typename Model>
json write_subnet(const SubnetT<Model>& s)
{
    json o;
    o["netuid"] = dec(s.netuid);
    o["subnet_mechanism"] = dec(static_cast<u64>(s.mechanism));
    o["subnet_tao"] = amount(s.subnet_tao);
    o["subnet_alpha_in"] = amount(s.subnet_alpha_in);
    o["subnet_alpha_out"] = amount(s.subnet_alpha_out);
    o["subnet_moving_price"] = num(s.subnet_moving_price);
    o["subnet_volume"] = volume(s.subnet_volume);
    o["pending_emission"] = amount(s.pending_emission);
    o["pending_root_divs"] = amount(s.pending_root_divs);
    o["pending_alpha_swapped"] = amount(s.pending_alpha_swapped);
    o["pending_owner_cut"] = amount(s.pending_owner_cut);
    o["subnet_tao_in_emission"] = amount(s.subnet_tao_in_emission);
    o["subnet_alpha_in_emission"] = amount(s.subnet_alpha_in_emission);
    o["subnet_alpha_out_emission"] = amount(s.subnet_alpha_out_emission);
    o["tempo"] = dec(s.tempo);
    o["network_registration_allowed"] = s.network_registration_allowed;
    o["network_pow_registration_allowed"] = s.network_pow_registration_allowed;
    o["network_registered_at"] = dec(s.network_registered_at);
    o["first_emission_block_number"] = s.first_emission_block_number ? json(dec(*s.first_emission_block_number)) : json();
    o["ema_price_halving_blocks"] = dec(s.ema_price_halving_blocks);
    o["blocks_since_last_step"] = dec(s.blocks_since_last_step);
    o["last_mechansim_step_block"] = dec(s.last_mechanism_step_block);
    return o;
}

template <typename Model>
json write_state(const ChainStateT<Model>& st)
{
    json o;
    o["block"] = dec(st.block);
    o["total_issuance"] = amount(st.total_issuance);
    o["total_stake"] = amount(st.total_stake);
    o["tao_weight"] = dec(st.tao_weight);
    o["subnet_owner_cut"] = dec(st.subnet_owner_cut);
    o["subnet_moving_alpha"] = fx(fixed::I96F32::from_bits(st.subnet_moving_alpha_bits));
    o["network_last_registered"] = dec(st.network_last_registered);
    o["network_last_lock_cost"] = dec(st.network_last_lock_cost);
    o["network_min_lock_cost"] = dec(st.network_min_lock_cost);
    o["network_lock_reduction_interval"] = dec(st.network_lock_reduction_interval);
    o["network_rate_limit"] = dec(st.network_rate_limit);
    json subnets = json::array();
    for (const auto& s : st.subnets)
        subnets.push_back(write_subnet(s));
    o["subnets"] = subnets;
    return o;
}

// ------------------------------------------------------------------ ops

struct Context
{
    Ruleset rules;
    Arithmetic arithmetic = Arithmetic::chain;
    bool exact() const { return arithmetic == Arithmetic::exact; }
};

json error_output(Error e) { return json{{"__rule_error", std::string(to_string(e))}}; }

/// The flat pool inputs of the pool and stake ops.
Subnet read_pool(Reader& r)
{
    Subnet s;
    s.netuid = r.u64_or("netuid", 1, U16_MAX);
    s.mechanism = static_cast<Mechanism>(r.u64_or("subnet_mechanism", s.netuid == ROOT_NETUID ? 0 : 1, 1));
    s.subnet_tao = r.u64_field("subnet_tao");
    s.subnet_alpha_in = r.u64_field("subnet_alpha_in");
    s.subnet_alpha_out = r.u64_or("subnet_alpha_out", 0);
    return s;
}

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
    return {{"emission", dec(e->emission)}, {"halvings", dec(e->halvings)}, {"q", fx(e->q)}, {"residual", fx(e->residual)}};
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
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        Rational ts = total_stake;
        const auto o = exact::remove_stake(c.rules, e, ts, alpha, limit, partial, fee_in);
        if (!o)
            return error_output(o.error());
        json out{{"tao", num(o->tao)}, {"tao_unstaked", num(o->tao_unstaked)}, {"fee", num(o->fee)}};
        out["pool"] = pool_after(e, ts);
        return out;
    }
    const auto o = chain::remove_stake(c.rules, s, total_stake, alpha, limit, partial, fee_in);
    if (!o)
        return error_output(o.error());
    json out{{"tao", dec(o->tao)}, {"tao_unstaked", dec(o->tao_unstaked)}, {"fee", dec(o->fee)}};
    out["pool"] = pool_after(s, total_stake);
    return out;
}

json op_update_moving_price(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    s.subnet_moving_price = r.fixed_or<fixed::I96F32>("subnet_moving_price", fixed::I96F32::zero());
    const auto alpha =
        r.fixed_or<fixed::I96F32>("subnet_moving_alpha", fixed::I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    if (alpha.negative())
        fail("invalid_field", r.where("subnet_moving_alpha") + ": must not be negative");
    const u64 block = r.u64_or("block", 0);
    s.network_registered_at = r.u64_or("network_registered_at", 0);
    s.first_emission_block_number = r.opt_u64("first_emission_block_number");
    s.ema_price_halving_blocks = r.u64_or("ema_price_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
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
json write_coinbase(const CoinbaseResult<Model>& res, const ChainStateT<Model>& st)
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
            {"state", write_state(st)}};
}

/// Run one block's coinbase in the requested model (`run_coinbase` with the given
/// emission, else `block_step`), then `then(state, result)` on that model's state.
template <typename Then>
json with_coinbase(const Context& c, ChainState st, std::optional<u64> emission, Then&& then)
{
    if (c.exact()) {
        ExactChainState e = to_exact(st);
        const auto res = emission ? exact::run_coinbase(c.rules, e, Rational(*emission)) : exact::block_step(c.rules, e);
        return then(e, res);
    }
    const auto res = emission ? chain::run_coinbase(c.rules, st, fixed::I96F32::saturating_from_u64(*emission))
                              : chain::block_step(c.rules, st);
    return then(st, res);
}

json op_coinbase(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"));
    const auto emission = r.opt_u64("block_emission");
    r.finish();
    return with_coinbase(c, st, emission, [](auto& state, const auto& res) { return write_coinbase(res, state); });
}

/// One action of the `block` op: {kind, netuid, amount, limit_price?,
/// allow_partial?, fee? (add_stake), alpha_dividends_per_subnet?,
/// total_hotkey_alpha? (remove_stake)}.
block::Action<u64> read_action(const json& j, const std::string& where)
{
    Reader r(j, where);
    block::Action<u64> a;
    const std::string kind = r.string_field("kind");
    if (kind == "add_stake")
        a.kind = block::ActionKind::add_stake;
    else if (kind == "remove_stake")
        a.kind = block::ActionKind::remove_stake;
    else
        fail("invalid_field", r.where("kind") + ": expected \"add_stake\" or \"remove_stake\", got \"" + kind + "\"");
    a.netuid = r.u64_field("netuid", U16_MAX);
    a.amount = r.u64_field("amount");
    a.limit_price = r.opt_u64("limit_price");
    a.allow_partial = r.bool_or("allow_partial", false);
    if (a.kind == block::ActionKind::add_stake) {
        a.fee = r.opt_u64("fee");
        if (a.fee && a.limit_price)
            fail("invalid_field", r.where("fee") + ": a custom fee applies to an add_stake without limit_price only");
    } else {
        a.fee_inputs.alpha_dividends = r.u64_or("alpha_dividends_per_subnet", 0);
        a.fee_inputs.total_hotkey_alpha = r.u64_or("total_hotkey_alpha", 0);
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
    ChainState st = read_state(r.get("state"), r.where("state"));
    const auto emission = r.opt_u64("block_emission");
    std::vector<block::Action<u64>> actions;
    const json& list = r.array_or_empty("actions");
    for (std::size_t i = 0; i < list.size(); ++i)
        actions.push_back(read_action(list[i], r.where("actions") + "[" + std::to_string(i) + "]"));
    r.finish();
    auto run = [&](auto& state, const auto& res) {
        using Model = std::conditional_t<std::is_same_v<std::decay_t<decltype(state)>, ChainState>, ChainModel, ExactModel>;
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
            results.push_back(write_action_result<Model>(block::apply<Model>(c.rules, state, am), a.kind));
        }
        json out = write_coinbase(res, state);
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
        payouts[hotkey] = {{"incentive", amount(p.incentive)},
                           {"incentive_burned", p.incentive_burned},
                           {"alpha_take", amount(p.alpha_take)},
                           {"alpha_dividend", amount(p.alpha_dividend)},
                           {"tao_take", amount(p.tao_take)},
                           {"tao_dividend", amount(p.tao_dividend)}};
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
    const ChainState st = read_state(r.get("state"), r.where("state"));
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
    ChainState st = read_state(r.get("state"), r.where("state"));
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
                {"state", write_state(e)}};
    }
    const auto reg = chain::register_network(c.rules, st);
    if (!reg)
        return error_output(reg.error());
    return {{"netuid", dec(reg->netuid)},
            {"lock_cost", dec(reg->lock_cost)},
            {"pool_tao", dec(reg->pool_tao)},
            {"burned", dec(reg->burned)},
            {"state", write_state(st)}};
}

json op_start_call(const Context& c, Reader& r)
{
    ChainState st = read_state(r.get("state"), r.where("state"));
    const u64 netuid = r.u64_field("netuid", U16_MAX);
    r.finish();
    const auto feb = start_call(c.rules, st, netuid);
    if (!feb)
        return error_output(feb.error());
    if (c.exact())
        return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(to_exact(st))}};
    return {{"first_emission_block_number", dec(*feb)}, {"state", write_state(st)}};
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

using Handler = std::function<json(const Context&, Reader&)>;

const std::map<std::string, std::pair<Handler, std::string>>& handlers()
{
    static const std::map<std::string, std::pair<Handler, std::string>> table = {
        {"block_emission", {op_block_emission, "EMIS-001: {issuance} -> {emission, halvings, q, residual}"}},
        {"alpha_price", {op_alpha_price, "POOL-001: {subnet_tao, subnet_alpha_in} -> {price}"}},
        {"sim_swap_tao_for_alpha",
         {op_sim_swap<true>, "POOL-003: {subnet_tao, subnet_alpha_in, amount} -> {alpha_out, k, new_reserve}"}},
        {"sim_swap_alpha_for_tao",
         {op_sim_swap<false>, "POOL-004: {subnet_tao, subnet_alpha_in, amount} -> {tao_out, k, new_reserve}"}},
        {"max_amount_add", {op_max_amount<true>, "STAKE-005: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"}},
        {"max_amount_remove",
         {op_max_amount<false>, "STAKE-006: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"}},
        {"add_stake", {op_add_stake, "STAKE-007: {pool, amount, limit_price?, allow_partial?} -> {tao_staked, alpha, fee, pool}"}},
        {"remove_stake",
         {op_remove_stake, "STAKE-008: {pool, amount, limit_price?, allow_partial?} -> {tao, tao_unstaked, fee, pool}"}},
        {"update_moving_price", {op_update_moving_price, "EMA-001: {pool, subnet_moving_price, block, ...} -> {subnet_moving_price, alpha, price}"}},
        {"coinbase", {op_coinbase, "COIN-001/COIN-010: {state, block_emission?} -> {emissions, drains, state}"}},
        {"block", {op_block, "COIN-010 + STAKE-007/STAKE-008: {state, block_emission?, actions} -> {emissions, drains, actions, state}"}},
        {"drain_pending_emission", {op_drain, "DRAIN-001: {pending_*, epoch, hotkeys, ...} -> {payouts, ...}"}},
        {"network_lock_cost", {op_network_lock_cost, "REG-001: {state} -> {lock_cost, lock_reduction_interval}"}},
        {"register_network", {op_register_network, "REG-003: {state} -> {netuid, lock_cost, pool_tao, burned, state}"}},
        {"start_call", {op_start_call, "REG-004: {state, netuid} -> {first_emission_block_number, state}"}},
        {"blocks_until_next_epoch", {op_blocks_until_next_epoch, "EPOCH-001: {netuid, tempo, block} -> {blocks, runs}"}},
    };
    return table;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ops()
{
    static const auto list = [] {
        std::vector<std::pair<std::string, std::string>> v;
        for (const auto& [name, h] : handlers())
            v.emplace_back(name, h.second);
        return v;
    }();
    return list;
}

json state_to_json(const ChainState& state) { return write_state(state); }

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
            fail("unknown_arithmetic", "request.arithmetic: expected \"chain\" or \"exact\", got \"" + arithmetic + "\"");
        const auto it = handlers().find(op);
        if (it == handlers().end())
            fail("unknown_op", "request.op: no op \"" + op + "\" (see `dtao ops`)");
        Reader in(input, "request.input");
        json output = it->second.first(c, in);
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
        return json{{"id", nullptr}, {"error", "malformed_request"}, {"message", "invalid JSON: " + printable(e.what())}};
    }
    return evaluate(request);
}

}  // namespace dtao::protocol
