// dtao: what the ops of the `dtao eval` protocol share: strict readers, value
// writers, the state object and the request context. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decimal.hpp"
#include "inputs.hpp"
#include "state_fields.hpp"

#include "dtao/balancer.hpp"
#include "dtao/capabilities.hpp"
#include "dtao/errors.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <stdexcept>
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
    /// A reader of an object whose fields are `shape`'s (inputs.hpp): a field read through an
    /// `InputField` that `shape` does not list is a bug in the handler, an internal error.
    Reader(const json& j, std::string path, const InputShape& shape) : Reader(j, std::move(path)) { m_shape = &shape; }

    // ---- reading an op's input through its fields (inputs.hpp): the name, default and bound
    // are the field's.

    [[nodiscard]] bool has(const InputField& f) { return has(key(f, {})); }
    const json& get(const InputField& f) { return get(key(f, {In::state, In::map})); }
    u64 u64_field(const InputField& f)
    {
        expect(f, Need::required);
        return u64_field(key(f, {In::dec}), f.max);
    }
    u64 u64_or(const InputField& f)
    {
        expect(f, Need::defaulted);
        return u64_or(key(f, {In::dec}), static_cast<u64>(f.fallback), f.max);
    }
    /// A field whose default the op derives from its other inputs.
    u64 u64_or(const InputField& f, u64 derived)
    {
        expect(f, Need::derived);
        return u64_or(key(f, {In::dec}), derived, f.max);
    }
    std::optional<u64> opt_u64(const InputField& f)
    {
        expect(f, Need::optional);
        const std::string k = key(f, {In::dec});
        return has(k) ? std::optional<u64>(u64_field(k, f.max)) : std::nullopt;
    }
    std::optional<u64> nullable_u64(const InputField& f)
    {
        expect(f, Need::optional);
        return nullable_u64(key(f, {In::nullable_dec}));
    }
    u128 u128_or(const InputField& f)
    {
        expect(f, Need::defaulted);
        return u128_or(key(f, {In::wide_dec}), static_cast<u128>(f.fallback));
    }
    Int integer(const InputField& f)
    {
        expect(f, Need::required);
        const Int bound = (Int(1) << f.bits) - 1;
        return integer(key(f, {In::signed_dec}), -bound, bound, true);
    }
    /// A defaulted signed field in (−2^`bits`, 2^`bits`).
    Int integer_or(const InputField& f)
    {
        expect(f, Need::defaulted);
        const Int bound = (Int(1) << f.bits) - 1;
        const std::string k = key(f, {In::signed_dec});
        return has(k) ? integer(k, -bound, bound, true) : Int(static_cast<long long>(f.fallback));
    }
    bool bool_or(const InputField& f)
    {
        expect(f, Need::defaulted);
        return bool_or(key(f, {In::flag}), f.fallback != 0);
    }
    std::string string_field(const InputField& f)
    {
        expect(f, Need::required);
        return string_field(key(f, {In::text, In::choice}));
    }
    std::optional<std::string> opt_string(const InputField& f)
    {
        expect(f, Need::optional);
        return opt_string(key(f, {In::text}));
    }
    template <typename F>
    F fixed(const InputField& f)
    {
        expect(f, Need::required);
        return fixed<F>(fixed_key<F>(f));
    }
    template <typename F>
    F fixed_or(const InputField& f)
    {
        expect(f, Need::defaulted);
        return fixed_or<F>(fixed_key<F>(f), F::from_bits(static_cast<decltype(F{}.bits)>(f.fallback)));
    }
    const json& array_or_empty(const InputField& f) { return array_or_empty(key(f, {In::list})); }
    /// A reader of item `i` of list `f`, whose array `items` is, holding the list's item shape.
    Reader item(const InputField& f, const json& items, std::size_t i) const
    {
        return Reader(items[i], where(std::string(f.name)) + "[" + std::to_string(i) + "]", *f.shape);
    }
    /// A reader of the value under `name` of map `f`, holding the map's value shape.
    Reader entry(const InputField& f, const json& value, const std::string& name) const
    {
        return Reader(value, where(std::string(f.name)) + "." + name, *f.shape);
    }
    [[nodiscard]] std::string where(const InputField& f) const { return where(std::string(f.name)); }

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
    /// An optional fixed-point value whose "unset" is absent or `null` (an OptionQuery item).
    template <typename F>
    std::optional<F> nullable_fixed(const std::string& key)
    {
        m_used.insert(key);
        if (!m_j.contains(key) || m_j.at(key).is_null())
            return std::nullopt;
        return fixed<F>(key);
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
    /// `f`'s name, after checking that this reader's shape lists `f` and that `f` is of one of
    /// the kinds the caller reads.
    std::string key(const InputField& f, std::initializer_list<In> kinds) const
    {
        if (m_shape && !lists(*m_shape, f))
            throw std::logic_error(where(std::string(f.name)) +
                                   ": the handler reads a field its input list (inputs.cpp) does not list");
        if (kinds.size() != 0 && std::find(kinds.begin(), kinds.end(), f.in) == kinds.end())
            throw std::logic_error(where(std::string(f.name)) +
                                   ": the handler reads it as another kind than inputs.hpp says");
        return std::string(f.name);
    }
    template <typename F>
    std::string fixed_key(const InputField& f) const
    {
        if (f.fixed_type != fixed::type_name<F>)
            throw std::logic_error(where(std::string(f.name)) +
                                   ": the handler reads another fixed-point type than inputs.hpp says");
        return key(f, {In::fixed});
    }
    void expect(const InputField& f, Need need) const
    {
        if (f.need != need)
            throw std::logic_error(
                where(std::string(f.name)) +
                ": the handler reads it as required, defaulted, derived or optional otherwise than inputs.hpp says");
    }

    const json& m_j;
    std::string m_path;
    std::set<std::string> m_used;
    const InputShape* m_shape = nullptr;
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

/// The key of a subnet's v3 pool storage in a state (rulesets on the v3 pool).
inline constexpr std::string_view V3_STORAGE_KEY = "swap_v3";

// One overload per member type of the field table (state_fields.hpp): the chain model's, as
// requests carry only chain values.
inline void read_field(Reader& r, const FieldInfo& f, u64& m)
{
    m = r.u64_or(std::string(f.name), static_cast<u64>(f.fallback), f.max);
}
inline void read_field(Reader& r, const FieldInfo& f, Mechanism& m)
{
    m = static_cast<Mechanism>(r.u64_or(std::string(f.name), static_cast<u64>(f.fallback), f.max));
}
inline void read_field(Reader& r, const FieldInfo& f, u128& m)
{
    m = r.u128_or(std::string(f.name), static_cast<u128>(f.fallback));
}
inline void read_field(Reader& r, const FieldInfo& f, bool& m) { m = r.bool_or(std::string(f.name), f.fallback != 0); }
inline void read_field(Reader& r, const FieldInfo& f, std::optional<u64>& m)
{
    m = r.nullable_u64(std::string(f.name));
}
inline void read_field(Reader& r, const FieldInfo& f, fixed::I96F32& m)
{
    m = r.fixed_or<fixed::I96F32>(std::string(f.name), fixed::I96F32::from_bits(f.fallback));
}
inline void read_field(Reader& r, const FieldInfo& f, fixed::U96F32& m)
{
    m = r.fixed_or<fixed::U96F32>(std::string(f.name), fixed::U96F32::from_bits(static_cast<u128>(f.fallback)));
}
inline void read_field(Reader& r, const FieldInfo& f, fixed::U64F64& m)
{
    m = r.fixed_or<fixed::U64F64>(std::string(f.name), fixed::U64F64::from_bits(static_cast<u128>(f.fallback)));
}
inline void read_field(Reader& r, const FieldInfo& f, std::optional<fixed::U64F64>& m)
{
    m = r.nullable_fixed<fixed::U64F64>(std::string(f.name));
}
/// An I96F32 the state keeps as bits (`SubnetMovingAlpha`).
inline void read_field(Reader& r, const FieldInfo& f, i128& bits)
{
    const std::string key(f.name);
    const auto v = r.fixed_or<fixed::I96F32>(key, fixed::I96F32::from_bits(f.fallback));
    if (f.wire == Wire::i96f32_nonnegative && v.negative())
        fail("invalid_field", r.where(key) + ": must not be negative");
    bits = v.bits;
}

// Both models' member types: an amount is a u64 in the chain model, a Rational in the exact one.
inline json write_field(u64 v) { return dec(v); }
inline json write_field(Mechanism m) { return dec(static_cast<u64>(m)); }
inline json write_field(u128 v) { return dec(v); }
inline json write_field(bool v) { return v; }
inline json write_field(const std::optional<u64>& v) { return v ? json(dec(*v)) : json(); }
inline json write_field(const fixed::I96F32& v) { return fx(v); }
inline json write_field(const fixed::U96F32& v) { return fx(v); }
inline json write_field(const fixed::U64F64& v) { return fx(v); }
inline json write_field(const std::optional<fixed::U64F64>& v) { return v ? fx(*v) : json(); }
inline json write_field(const Rational& v) { return to_string(v); }
inline json write_field(i128 bits) { return fx(fixed::I96F32::from_bits(bits)); }

/// The swap pallet's per-subnet storage (BAL-*): the pool weight, whether it is
/// initialised, and the fee rate. The flat pool inputs of the Balancer ops carry it too.
inline void read_balancer_pool_fields(Reader& r, Subnet& s)
{
    visit_subnet_fields(s, [&](const FieldInfo& f, auto& m) {
        if (f.group == Group::swap_pallet)
            read_field(r, f, m);
    });
}

// The v3 pool's storage of one subnet (inputs.hpp `V3_STORAGE`), read and written by the v3
// pool's codec (handlers_concentrated.cpp): its scalars and ticks; its protocol position (at most
// one) and scrap reservoirs; all of it as a state's `swap_v3`.
void read_v3_storage(Reader& r, v3::Pool& p, std::uint16_t default_fee_rate);
void read_v3_protocol(Reader& r, v3::Pool& p);
[[nodiscard]] json write_v3_storage(const v3::Pool& p);

/// One subnet of the `state` object. Each ruleset's storage differs (capabilities.hpp): an
/// item the ruleset lacks is an unknown field, so that a request cannot pass a value the
/// ruleset would silently ignore. A ruleset on the v3 pool adds the pool's storage as the
/// object `swap_v3`; omitted, the pool is not initialised.
inline Subnet read_subnet(Reader& r, const Storage& storage)
{
    Subnet s;
    visit_subnet_fields(s, [&](const FieldInfo& f, auto& m) {
        if (holds(storage, f.group))
            read_field(r, f, m);
    });
    if (storage.v3_pool) {
        s.swap_v3.fee_rate = storage.v3_default_fee_rate;
        if (r.has(std::string(V3_STORAGE_KEY))) {
            Reader pr(r.get(std::string(V3_STORAGE_KEY)), r.where(std::string(V3_STORAGE_KEY)), in::V3_STORAGE);
            read_v3_storage(pr, s.swap_v3, storage.v3_default_fee_rate);
            read_v3_protocol(pr, s.swap_v3);
            pr.finish();
        }
    }
    return s;
}

inline ChainState read_state(const json& j, const std::string& path, const Storage& storage)
{
    Reader r(j, path);
    ChainState st;
    visit_state_fields(st, [&](const FieldInfo& f, auto& m) {
        if (holds(storage, f.group))
            read_field(r, f, m);
    });
    const json& subnets = r.array_or_empty("subnets");
    for (std::size_t i = 0; i < subnets.size(); ++i) {
        const std::string where = r.where("subnets") + "[" + std::to_string(i) + "]";
        Reader sr(subnets[i], where);
        Subnet s = read_subnet(sr, storage);
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
    visit_subnet_fields(s, [&](const FieldInfo& f, const auto& m) {
        if (holds(storage, f.group))
            o[std::string(f.name)] = write_field(m);
    });
    if (storage.v3_pool)
        o[std::string(V3_STORAGE_KEY)] = write_v3_storage(s.swap_v3);
    return o;
}

template <typename Model>
json write_state(const ChainStateT<Model>& st, const Storage& storage)
{
    json o;
    visit_state_fields(st, [&](const FieldInfo& f, const auto& m) {
        if (holds(storage, f.group))
            o[std::string(f.name)] = write_field(m);
    });
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
    s.subnet_moving_price = r.fixed_or<fixed::I96F32>(in::SUBNET_MOVING_PRICE);
    const auto alpha = r.fixed_or<fixed::I96F32>(in::SUBNET_MOVING_ALPHA);
    if (alpha.negative())
        fail("invalid_field", r.where(in::SUBNET_MOVING_ALPHA) + ": must not be negative");
    const u64 block = r.u64_or(in::BLOCK);
    s.network_registered_at = r.u64_or(in::NETWORK_REGISTERED_AT);
    s.first_emission_block_number = r.nullable_u64(in::FIRST_EMISSION_BLOCK_NUMBER);
    s.ema_price_halving_blocks = r.u64_or(in::EMA_PRICE_HALVING_BLOCKS);
    return {alpha, block};
}

/// The fields every stake action of a `block` op has, in both eras.
struct ActionHead
{
    bool add = true;  ///< add_stake (TAO in) or remove_stake (alpha in)
    u64 netuid = 1;
    u64 amount = 0;
    std::optional<u64> limit_price;
    Fill allow_partial = Fill::whole;  ///< the wire's boolean `allow_partial`
};
inline ActionHead read_action_head(Reader& r)
{
    ActionHead a;
    const std::string kind = r.string_field(in::KIND);
    if (kind == "remove_stake")
        a.add = false;
    else if (kind != "add_stake")
        fail("invalid_field", r.where(in::KIND) + ": expected \"add_stake\" or \"remove_stake\", got \"" + kind + "\"");
    a.netuid = r.u64_field(in::NETUID);
    a.amount = r.u64_field(in::AMOUNT);
    a.limit_price = r.opt_u64(in::LIMIT_PRICE);
    a.allow_partial = r.bool_or(in::ALLOW_PARTIAL) ? Fill::partial : Fill::whole;
    return a;
}

/// The side of a swap: `buy` (TAO in) or `sell` (alpha in).
inline SwapSide read_side(Reader& r)
{
    const std::string side = r.string_field(in::SIDE);
    if (side == "buy")
        return SwapSide::buy;
    if (side == "sell")
        return SwapSide::sell;
    fail("invalid_field",
         r.where(in::SIDE) + ": expected \"buy\" (TAO in) or \"sell\" (alpha in), got \"" + side + "\"");
}

/// One op: reads its input, returns its output (or `error_output`).
using Handler = std::function<json(const Context&, Reader&)>;

/// One form of one op (capabilities.hpp): its handler and the ids of the rules it answers
/// with. `dtao ops` adds the fields from the inputs and outputs tables.
struct OpForm
{
    Op op;
    Form form;
    Handler handler;
    std::string rules;
};

inline json error_output(Error e) { return json{{"__rule_error", std::string(to_string(e))}}; }

/// The flat pool inputs of the pool and stake ops.
inline Subnet read_pool(Reader& r)
{
    Subnet s;
    s.netuid = r.u64_or(in::POOL_NETUID);
    s.mechanism = static_cast<Mechanism>(r.u64_or(in::SUBNET_MECHANISM, s.netuid == ROOT_NETUID ? 0 : 1));
    s.subnet_tao = r.u64_field(in::SUBNET_TAO);
    s.subnet_alpha_in = r.u64_field(in::SUBNET_ALPHA_IN);
    s.subnet_alpha_out = r.u64_or(in::SUBNET_ALPHA_OUT);
    return s;
}

}  // namespace detail

}  // namespace dtao::protocol
