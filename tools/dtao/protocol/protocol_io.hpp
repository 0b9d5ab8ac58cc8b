// dtao: what the ops of the `dtao eval` protocol share: strict readers, value
// writers, the state object and the request context. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decimal.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/errors.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <set>
#include <string>

namespace dtao::protocol {

using json = nlohmann::json;

namespace detail {

/// A protocol-level failure: a token from the closed list in spec/protocol.md
/// and a message naming what was wrong and where.
struct ProtocolError
{
    std::string token;
    std::string message;
};

[[noreturn]] inline void fail(std::string token, std::string message)
{
    throw ProtocolError{std::move(token), std::move(message)};
}

enum class Arithmetic
{
    chain,
    exact,
};

// ------------------------------------------------------------------ decimal

/// Digits a protocol integer may have (after the sign): a guard before the range
/// check, far above the widest field (128-bit fixed-point bits, 39 digits).
inline constexpr std::size_t MAX_DIGITS = 80;

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

    /// Present. `null` is no value of any kind (spec/protocol.md, Values): reading it as
    /// "use the default" would turn `"limit_price": null` into an unlimited order, so it is
    /// refused. Only a field that documents null reads it, through `nullable_u64`.
    [[nodiscard]] bool has(const std::string& key)
    {
        m_used.insert(key);
        if (!m_j.contains(key))
            return false;
        if (m_j.at(key).is_null())
            fail("invalid_field", where(key) + ": null is not a value; omit the field to use its default");
        return true;
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
        // the one strict decimal reader (decimal.hpp), with this field's sign and range
        const Decimal x = parse_decimal(v.get<std::string>(), {allow_negative, MAX_DIGITS, lo, hi});
        if (!x)
            fail("invalid_field", where(key) + ": " + x.error);
        return *x.value;
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
    /// An optional u64 whose documented "unset" is absent or `null` (as outputs write it:
    /// `first_emission_block_number`).
    std::optional<u64> nullable_u64(const std::string& key)
    {
        m_used.insert(key);
        if (!m_j.contains(key) || m_j.at(key).is_null())
            return std::nullopt;
        return u64_field(key);
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
            fail("invalid_field",
                 where(key) + ".type: expected \"" + std::string(fixed::type_name<F>) + "\", got \"" + type + "\"");
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

inline std::string dec(u64 v) { return std::to_string(v); }
inline std::string dec(u128 v) { return to_int(v).str(); }
/// A fixed-point value as {"type", "bits"}.
template <typename F>
json fx(const F& v)
{
    return {{"type", fixed::type_name<F>}, {"bits", v.int_bits().str()}};
}
inline json num(const fixed::I96F32& v) { return fx(v); }
inline json num(const fixed::U96F32& v) { return fx(v); }
inline json num(const fixed::U64F64& v) { return fx(v); }
inline json num(const Rational& v) { return to_string(v); }
inline json amount(u64 v) { return dec(v); }
inline json amount(const Rational& v) { return to_string(v); }
inline json volume(u128 v) { return dec(v); }
inline json volume(const Rational& v) { return to_string(v); }

// ------------------------------------------------------------------ state

inline constexpr u64 U8_MAX = 255;
inline constexpr u64 U16_MAX = 65535;

/// The swap pallet's per-subnet storage (BAL-*): the pool weight, whether it is
/// initialised, and the fee rate.
inline void read_balancer_pool_fields(Reader& r, Subnet& s)
{
    s.swap_balancer_quote_parts =
        r.u64_or("swap_balancer_quote_parts", s.swap_balancer_quote_parts, 1'000'000'000'000'000'000ULL);
    s.pal_swap_initialized = r.bool_or("pal_swap_initialized", true);
    s.fee_rate = r.u64_or("fee_rate", DEFAULT_SWAP_FEE_RATE, U16_MAX);
}

/// One subnet of the `state` object. Each ruleset's storage differs (capabilities.hpp): an
/// item the ruleset lacks is an unknown field, so that a request cannot pass a value the
/// ruleset would silently ignore.
inline Subnet read_subnet(Reader& r, u64 default_netuid, const Storage& storage)
{
    Subnet s;
    s.netuid = r.u64_or("netuid", default_netuid, U16_MAX);
    s.mechanism = static_cast<Mechanism>(r.u64_or("subnet_mechanism", s.netuid == ROOT_NETUID ? 0 : 1, 1));
    s.subnet_tao = r.u64_or("subnet_tao", 0);
    s.subnet_alpha_in = r.u64_or("subnet_alpha_in", 0);
    s.subnet_alpha_out = r.u64_or("subnet_alpha_out", 0);
    s.subnet_moving_price = r.fixed_or<fixed::I96F32>("subnet_moving_price", fixed::I96F32::zero());
    s.subnet_volume = r.u128_or("subnet_volume", 0);
    s.pending_owner_cut = r.u64_or("pending_owner_cut", 0);
    s.subnet_tao_in_emission = r.u64_or("subnet_tao_in_emission", 0);
    s.subnet_alpha_in_emission = r.u64_or("subnet_alpha_in_emission", 0);
    s.subnet_alpha_out_emission = r.u64_or("subnet_alpha_out_emission", 0);
    s.tempo = r.u64_or("tempo", 360, U16_MAX);
    s.network_registration_allowed = r.bool_or("network_registration_allowed", true);
    s.network_registered_at = r.u64_or("network_registered_at", 0);
    s.first_emission_block_number = r.nullable_u64("first_emission_block_number");
    s.ema_price_halving_blocks = r.u64_or("ema_price_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
    s.blocks_since_last_step = r.u64_or("blocks_since_last_step", 0);
    s.last_mechanism_step_block = r.u64_or("last_mechansim_step_block", 0);
    if (storage.launch_pending) {
        s.pending_emission = r.u64_or("pending_emission", 0);
        s.pending_root_divs = r.u64_or("pending_root_divs", 0);
        s.pending_alpha_swapped = r.u64_or("pending_alpha_swapped", 0);
        s.network_pow_registration_allowed = r.bool_or("network_pow_registration_allowed", false);
    }
    if (storage.swap_pallet)
        read_balancer_pool_fields(r, s);
    if (storage.injection_capped) {
        s.subnet_protocol_alpha = r.u64_or("subnet_protocol_alpha", 0);
        s.subnet_excess_tao = r.u64_or("subnet_excess_tao", 0);
        s.pending_server_emission = r.u64_or("pending_server_emission", 0);
        s.pending_validator_emission = r.u64_or("pending_validator_emission", 0);
        s.pending_root_alpha_divs = r.u64_or("pending_root_alpha_divs", 0);
        s.miner_burned = r.fixed_or<fixed::U96F32>("miner_burned", fixed::U96F32::zero());
        s.subtoken_enabled = r.bool_or("subtoken_enabled", true);
        s.subnet_emission_enabled = r.bool_or("subnet_emission_enabled", true);
        s.owner_cut_enabled = r.bool_or("owner_cut_enabled", true);
    }
    if (storage.epoch_state) {
        s.last_epoch_block = r.u64_or("last_epoch_block", 0);
        s.pending_epoch_at = r.u64_or("pending_epoch_at", 0);
        s.subnet_epoch_index = r.u64_or("subnet_epoch_index", 0);
    }
    return s;
}

inline ChainState read_state(const json& j, const std::string& path, const Storage& storage)
{
    Reader r(j, path);
    ChainState st;
    st.block = r.u64_or("block", 0);
    st.total_issuance = r.u64_or("total_issuance", 0);
    st.total_stake = r.u64_or("total_stake", 0);
    st.tao_weight = r.u64_or("tao_weight", LAUNCH_TAO_WEIGHT);
    st.subnet_owner_cut = r.u64_or("subnet_owner_cut", DEFAULT_SUBNET_OWNER_CUT, U16_MAX);
    const auto alpha =
        r.fixed_or<fixed::I96F32>("subnet_moving_alpha", fixed::I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    if (alpha.negative())
        fail("invalid_field", r.where("subnet_moving_alpha") + ": must not be negative");
    st.subnet_moving_alpha_bits = alpha.bits;
    st.network_last_registered = r.u64_or("network_last_registered", 0);
    st.network_last_lock_cost = r.u64_or("network_last_lock_cost", 0);
    st.network_min_lock_cost = r.u64_or("network_min_lock_cost", NETWORK_MIN_LOCK_COST);
    st.network_lock_reduction_interval = r.u64_or("network_lock_reduction_interval", NETWORK_LOCK_REDUCTION_INTERVAL);
    st.network_rate_limit = r.u64_or("network_rate_limit", NETWORK_RATE_LIMIT);
    if (storage.swap_pallet)
        st.swap_minimum_reserve = r.u64_or("swap_minimum_reserve", SWAP_MINIMUM_RESERVE);
    if (storage.epoch_state)
        st.max_epochs_per_block = r.u64_or("max_epochs_per_block", MAX_EPOCHS_PER_BLOCK, U8_MAX);  // a u8 on chain
    if (storage.swap_pallet)
        st.block_author = r.bool_or("block_author", true);
    const json& subnets = r.array_or_empty("subnets");
    for (std::size_t i = 0; i < subnets.size(); ++i) {
        const std::string where = r.where("subnets") + "[" + std::to_string(i) + "]";
        Reader sr(subnets[i], where);
        Subnet s = read_subnet(sr, 1, storage);
        sr.finish();
        if (!st.subnets.empty() && st.subnets.back().netuid >= s.netuid)
            fail("invalid_field", where + ".netuid: subnets must be listed in strictly ascending netuid order");
        st.subnets.push_back(s);
    }
    r.finish();
    return st;
}

template <typename Model>
json write_subnet(const SubnetT<Model>& s, const Storage& storage)
{
    json o;
    o["netuid"] = dec(s.netuid);
    o["subnet_mechanism"] = dec(static_cast<u64>(s.mechanism));
    o["subnet_tao"] = amount(s.subnet_tao);
    o["subnet_alpha_in"] = amount(s.subnet_alpha_in);
    o["subnet_alpha_out"] = amount(s.subnet_alpha_out);
    o["subnet_moving_price"] = num(s.subnet_moving_price);
    o["subnet_volume"] = volume(s.subnet_volume);
    o["pending_owner_cut"] = amount(s.pending_owner_cut);
    o["subnet_tao_in_emission"] = amount(s.subnet_tao_in_emission);
    o["subnet_alpha_in_emission"] = amount(s.subnet_alpha_in_emission);
    o["subnet_alpha_out_emission"] = amount(s.subnet_alpha_out_emission);
    o["tempo"] = dec(s.tempo);
    o["network_registration_allowed"] = s.network_registration_allowed;
    o["network_registered_at"] = dec(s.network_registered_at);
    o["first_emission_block_number"] =
        s.first_emission_block_number ? json(dec(*s.first_emission_block_number)) : json();
    o["ema_price_halving_blocks"] = dec(s.ema_price_halving_blocks);
    o["blocks_since_last_step"] = dec(s.blocks_since_last_step);
    o["last_mechansim_step_block"] = dec(s.last_mechanism_step_block);
    if (storage.launch_pending) {
        o["pending_emission"] = amount(s.pending_emission);
        o["pending_root_divs"] = amount(s.pending_root_divs);
        o["pending_alpha_swapped"] = amount(s.pending_alpha_swapped);
        o["network_pow_registration_allowed"] = s.network_pow_registration_allowed;
    }
    if (storage.swap_pallet) {
        o["swap_balancer_quote_parts"] = dec(s.swap_balancer_quote_parts);
        o["pal_swap_initialized"] = s.pal_swap_initialized;
        o["fee_rate"] = dec(s.fee_rate);
    }
    if (storage.injection_capped) {
        o["subnet_protocol_alpha"] = amount(s.subnet_protocol_alpha);
        o["subnet_excess_tao"] = amount(s.subnet_excess_tao);
        o["pending_server_emission"] = amount(s.pending_server_emission);
        o["pending_validator_emission"] = amount(s.pending_validator_emission);
        o["pending_root_alpha_divs"] = amount(s.pending_root_alpha_divs);
        o["miner_burned"] = num(s.miner_burned);
        o["subtoken_enabled"] = s.subtoken_enabled;
        o["subnet_emission_enabled"] = s.subnet_emission_enabled;
        o["owner_cut_enabled"] = s.owner_cut_enabled;
    }
    if (storage.epoch_state) {
        o["last_epoch_block"] = dec(s.last_epoch_block);
        o["pending_epoch_at"] = dec(s.pending_epoch_at);
        o["subnet_epoch_index"] = dec(s.subnet_epoch_index);
    }
    return o;
}

template <typename Model>
json write_state(const ChainStateT<Model>& st, const Storage& storage)
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
    if (storage.swap_pallet) {
        o["swap_minimum_reserve"] = dec(st.swap_minimum_reserve);
        o["block_author"] = st.block_author;
    }
    if (storage.epoch_state)
        o["max_epochs_per_block"] = dec(st.max_epochs_per_block);
    json subnets = json::array();
    for (const auto& s : st.subnets)
        subnets.push_back(write_subnet(s, storage));
    o["subnets"] = subnets;
    return o;
}

// ------------------------------------------------------------------ ops

struct Context
{
    Ruleset rules;
    Arithmetic arithmetic = Arithmetic::chain;
    bool exact() const { return arithmetic == Arithmetic::exact; }
    /// The storage items the ruleset's `state` has (capabilities.hpp).
    Storage storage() const { return storage_of(rules); }
};

/// The EMA inputs of `update_moving_price` beyond the pool (both eras): the subnet's
/// moving price, registration and start_call blocks and halving, into `s`; the chain's
/// `SubnetMovingAlpha` and the block, returned.
struct EmaInputs
{
    fixed::I96F32 moving_alpha;
    u64 block = 0;
};
inline EmaInputs read_ema_inputs(Reader& r, Subnet& s)
{
    s.subnet_moving_price = r.fixed_or<fixed::I96F32>("subnet_moving_price", fixed::I96F32::zero());
    const auto alpha =
        r.fixed_or<fixed::I96F32>("subnet_moving_alpha", fixed::I96F32::from_bits(DEFAULT_MOVING_ALPHA_BITS));
    if (alpha.negative())
        fail("invalid_field", r.where("subnet_moving_alpha") + ": must not be negative");
    const u64 block = r.u64_or("block", 0);
    s.network_registered_at = r.u64_or("network_registered_at", 0);
    s.first_emission_block_number = r.nullable_u64("first_emission_block_number");
    s.ema_price_halving_blocks = r.u64_or("ema_price_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
    return {alpha, block};
}

/// The fields every stake action of a `block` op has, in both eras.
struct ActionHead
{
    bool add = true;  ///< add_stake (TAO in) or remove_stake (alpha in)
    u64 netuid = 1;
    u64 amount = 0;
    std::optional<u64> limit_price;
    bool allow_partial = false;
};
inline ActionHead read_action_head(Reader& r)
{
    ActionHead a;
    const std::string kind = r.string_field("kind");
    if (kind == "remove_stake")
        a.add = false;
    else if (kind != "add_stake")
        fail("invalid_field", r.where("kind") + ": expected \"add_stake\" or \"remove_stake\", got \"" + kind + "\"");
    a.netuid = r.u64_field("netuid", U16_MAX);
    a.amount = r.u64_field("amount");
    a.limit_price = r.opt_u64("limit_price");
    a.allow_partial = r.bool_or("allow_partial", false);
    return a;
}

/// One op: reads its input, returns its output (or `error_output`).
using Handler = std::function<json(const Context&, Reader&)>;

/// One form of one op (capabilities.hpp): its handler and its one-line documentation.
struct OpForm
{
    Op op;
    Form form;
    Handler handler;
    std::string doc;
};

inline json error_output(Error e) { return json{{"__rule_error", std::string(to_string(e))}}; }

/// The flat pool inputs of the pool and stake ops.
inline Subnet read_pool(Reader& r)
{
    Subnet s;
    s.netuid = r.u64_or("netuid", 1, U16_MAX);
    s.mechanism = static_cast<Mechanism>(r.u64_or("subnet_mechanism", s.netuid == ROOT_NETUID ? 0 : 1, 1));
    s.subnet_tao = r.u64_field("subnet_tao");
    s.subnet_alpha_in = r.u64_field("subnet_alpha_in");
    s.subnet_alpha_out = r.u64_or("subnet_alpha_out", 0);
    return s;
}

}  // namespace detail

}  // namespace dtao::protocol
