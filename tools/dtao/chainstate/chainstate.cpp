// dtao: raw chain storage to the protocol's `state` (spec/chainstate.md).
// SPDX-License-Identifier: Apache-2.0
#include "chainstate.hpp"

#include "state_fields.hpp"

#include "dtao/capabilities.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

namespace dtao::chainstate {

namespace {

using nlohmann::json;
using protocol::FieldInfo;

/// The SCALE type of a storage value as the spec-475 metadata names it. Fixed-point types
/// are their raw bits (`FixedI128<frac_bits=32>` is I96F32, `FixedU128<frac_bits=32>` U96F32,
/// `FixedU128<frac_bits=64>` U64F64); `Balancer { quote: Perquintill }` is one u64.
enum class Scale
{
    u8,
    u16,
    i32,
    u32,
    u64,
    i64,
    u128,
    boolean,
    i96f32,
    u96f32,
    u64f64,
    perquintill,
    account_id,
};

std::size_t width(Scale t)
{
    switch (t) {
    case Scale::u8:
    case Scale::boolean: return 1;
    case Scale::u16: return 2;
    case Scale::i32:
    case Scale::u32: return 4;
    case Scale::u64:
    case Scale::i64:
    case Scale::perquintill: return 8;
    case Scale::u128:
    case Scale::i96f32:
    case Scale::u96f32:
    case Scale::u64f64: return 16;
    case Scale::account_id: return 32;
    }
    return 0;
}

std::string_view type_name(Scale t)
{
    switch (t) {
    case Scale::u8: return "u8";
    case Scale::u16: return "u16";
    case Scale::i32: return "i32";
    case Scale::u32: return "u32";
    case Scale::u64: return "u64";
    case Scale::i64: return "i64";
    case Scale::u128: return "u128";
    case Scale::boolean: return "bool";
    case Scale::i96f32: return "I96F32 (FixedI128<32>)";
    case Scale::u96f32: return "U96F32 (FixedU128<32>)";
    case Scale::u64f64: return "U64F64 (FixedU128<64>)";
    case Scale::perquintill: return "Perquintill (u64)";
    case Scale::account_id: return "AccountId32";
    }
    return "?";
}

/// How an item is keyed.
enum class Key
{
    plain,           ///< a single value
    netuid,          ///< a map over NetUid (u16)
    rate_limit_key,  ///< `LastRateLimitedBlock`, keyed by a `RateLimitKey` variant name
};

/// One decoded storage value: its SCALE bytes, or none (an absent OptionQuery key).
struct Raw
{
    Scale type = Scale::u64;
    std::vector<std::uint8_t> bytes;
    bool none = false;

    /// The bytes as an unsigned little-endian integer (at most 16 of them).
    [[nodiscard]] u128 le() const
    {
        u128 v = 0;
        for (std::size_t i = std::min<std::size_t>(bytes.size(), 16); i-- > 0;)
            v = (v << 8) | bytes[i];
        return v;
    }
};

/// A value the state cannot hold; the caller adds the item's name.
struct Unfit
{
    std::string what;
};

// ---- assigning a decoded value to a state member, by the member's type

void assign(u64& m, const Raw& r, const FieldInfo& f)
{
    const u128 v = r.le();
    if (v > f.max)
        throw Unfit{"value " + std::to_string(static_cast<std::uint64_t>(v)) + " is above " + std::to_string(f.max) +
                    ", the largest the state's " + std::string(f.name) + " holds"};
    m = static_cast<u64>(v);
}

void assign(bool& m, const Raw& r, const FieldInfo&)
{
    if (r.bytes[0] > 1)
        throw Unfit{"a bool is 0x00 or 0x01"};
    m = r.bytes[0] == 1;
}

void assign(Mechanism& m, const Raw& r, const FieldInfo& f)
{
    u64 v = 0;
    assign(v, r, f);
    m = static_cast<Mechanism>(v);
}

void assign(fixed::I96F32& m, const Raw& r, const FieldInfo&)
{
    m = fixed::I96F32::from_bits(static_cast<i128>(r.le()));
}

void assign(fixed::U96F32& m, const Raw& r, const FieldInfo&) { m = fixed::U96F32::from_bits(r.le()); }

void assign(fixed::U64F64& m, const Raw& r, const FieldInfo&) { m = fixed::U64F64::from_bits(r.le()); }

void assign(std::optional<fixed::U64F64>& m, const Raw& r, const FieldInfo&)
{
    if (r.none)
        m.reset();
    else
        m = fixed::U64F64::from_bits(r.le());
}

void assign(u128& m, const Raw& r, const FieldInfo&) { m = r.le(); }

void assign(std::optional<u64>& m, const Raw& r, const FieldInfo& f)
{
    if (r.none) {
        m.reset();
        return;
    }
    u64 v = 0;
    assign(v, r, f);
    m = v;
}

/// `SubnetMovingAlpha`: I96F32 bits, which the protocol refuses below zero.
void assign(i128& m, const Raw& r, const FieldInfo& f)
{
    const auto bits = static_cast<i128>(r.le());
    if (bits < 0 && f.wire == protocol::Wire::i96f32_nonnegative)
        throw Unfit{"a negative value, which the state's " + std::string(f.name) + " does not hold"};
    m = bits;
}

/// One storage item the decoder knows.
struct Item
{
    std::string_view name;  ///< `Pallet.Item`, as the metadata names it
    Scale type = Scale::u64;
    Key key = Key::plain;
    /// The runtime's default for an absent key, as the SCALE bytes of the spec-475 metadata
    /// (block 9,240,388); nullptr for an OptionQuery item, whose absent key is None.
    const char* fallback = nullptr;
    /// The state field the item fills; nullptr when no field holds it.
    FieldInfo (*field)() = nullptr;
    void (*set_subnet)(Subnet&, const Raw&, const FieldInfo&) = nullptr;
    void (*set_state)(ChainState&, const Raw&, const FieldInfo&) = nullptr;
};

template <auto Member>
Item subnet_item(std::string_view name, Scale type, const char* fallback)
{
    return Item{.name = name,
                .type = type,
                .key = Key::netuid,
                .fallback = fallback,
                .field = [] { return protocol::field_of(Member); },
                .set_subnet = [](Subnet& s, const Raw& r, const FieldInfo& f) { assign(s.*Member, r, f); }};
}

template <auto Member>
Item state_item(std::string_view name, Scale type, const char* fallback, Key key = Key::plain)
{
    return Item{.name = name,
                .type = type,
                .key = key,
                .fallback = fallback,
                .field = [] { return protocol::field_of(Member); },
                .set_state = [](ChainState& st, const Raw& r, const FieldInfo& f) { assign(st.*Member, r, f); }};
}

/// An item the decoder checks (its type and length) but no state field holds.
Item unused_item(std::string_view name, Scale type, Key key, const char* fallback)
{
    return Item{.name = name, .type = type, .key = key, .fallback = fallback};
}

constexpr const char* ZERO8 = "0x0000000000000000";
constexpr const char* ZERO16 = "0x00000000000000000000000000000000";

/// The storage items the decoder knows. Types and defaults: the runtime metadata of spec
/// 475 (block 9,240,388, hash 0xa57ba6d8…8524), the `default` bytes of each storage entry
/// as the metadata gives them; spec/chainstate.md lists them with the state field each fills.
const std::vector<Item>& items()
{
    static const std::vector<Item> table = [] {
        using S = Scale;
        std::vector<Item> t;
        // ---- per subnet, SubtensorModule (Identity-hashed NetUid)
        t.push_back(unused_item("SubtensorModule.NetworksAdded", S::boolean, Key::netuid, "0x00"));
        t.push_back(subnet_item<&Subnet::mechanism>("SubtensorModule.SubnetMechanism", S::u16, "0x0000"));
        t.push_back(subnet_item<&Subnet::subnet_tao>("SubtensorModule.SubnetTAO", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_alpha_in>("SubtensorModule.SubnetAlphaIn", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_alpha_out>("SubtensorModule.SubnetAlphaOut", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_moving_price>("SubtensorModule.SubnetMovingPrice", S::i96f32, ZERO16));
        t.push_back(subnet_item<&Subnet::subnet_volume>("SubtensorModule.SubnetVolume", S::u128, ZERO16));
        t.push_back(subnet_item<&Subnet::pending_owner_cut>("SubtensorModule.PendingOwnerCut", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_tao_in_emission>("SubtensorModule.SubnetTaoInEmission", S::u64, ZERO8));
        t.push_back(
            subnet_item<&Subnet::subnet_alpha_in_emission>("SubtensorModule.SubnetAlphaInEmission", S::u64, ZERO8));
        t.push_back(
            subnet_item<&Subnet::subnet_alpha_out_emission>("SubtensorModule.SubnetAlphaOutEmission", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::tempo>("SubtensorModule.Tempo", S::u16, "0x6801"));  // 360
        t.push_back(subnet_item<&Subnet::network_registration_allowed>("SubtensorModule.NetworkRegistrationAllowed",
                                                                       S::boolean, "0x01"));
        t.push_back(subnet_item<&Subnet::network_pow_registration_allowed>(
            "SubtensorModule.NetworkPowRegistrationAllowed", S::boolean, "0x00"));
        t.push_back(subnet_item<&Subnet::network_registered_at>("SubtensorModule.NetworkRegisteredAt", S::u64, ZERO8));
        // OptionQuery: an absent key is None (no first emission block)
        t.push_back(subnet_item<&Subnet::first_emission_block_number>("SubtensorModule.FirstEmissionBlockNumber",
                                                                      S::u64, nullptr));
        t.push_back(subnet_item<&Subnet::ema_price_halving_blocks>("SubtensorModule.EMAPriceHalvingBlocks", S::u64,
                                                                   "0x8013030000000000"));  // 201 600
        t.push_back(subnet_item<&Subnet::blocks_since_last_step>("SubtensorModule.BlocksSinceLastStep", S::u64, ZERO8));
        t.push_back(
            subnet_item<&Subnet::last_mechanism_step_block>("SubtensorModule.LastMechansimStepBlock", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_protocol_alpha>("SubtensorModule.SubnetProtocolAlpha", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_excess_tao>("SubtensorModule.SubnetExcessTao", S::u64, ZERO8));
        t.push_back(
            subnet_item<&Subnet::pending_server_emission>("SubtensorModule.PendingServerEmission", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::pending_validator_emission>("SubtensorModule.PendingValidatorEmission", S::u64,
                                                                     ZERO8));
        t.push_back(
            subnet_item<&Subnet::pending_root_alpha_divs>("SubtensorModule.PendingRootAlphaDivs", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::miner_burned>("SubtensorModule.MinerBurned", S::u96f32, ZERO16));
        // false by default: a subnet whose key is absent cannot trade
        t.push_back(subnet_item<&Subnet::subtoken_enabled>("SubtensorModule.SubtokenEnabled", S::boolean, "0x00"));
        t.push_back(
            subnet_item<&Subnet::subnet_emission_enabled>("SubtensorModule.SubnetEmissionEnabled", S::boolean, "0x01"));
        t.push_back(subnet_item<&Subnet::owner_cut_enabled>("SubtensorModule.OwnerCutEnabled", S::boolean, "0x01"));
        t.push_back(subnet_item<&Subnet::last_epoch_block>("SubtensorModule.LastEpochBlock", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::pending_epoch_at>("SubtensorModule.PendingEpochAt", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::subnet_epoch_index>("SubtensorModule.SubnetEpochIndex", S::u64, ZERO8));
        // ---- per subnet, Swap (Twox64Concat-hashed NetUid)
        t.push_back(subnet_item<&Subnet::swap_balancer_quote_parts>("Swap.SwapBalancer", S::perquintill,
                                                                    "0x0000b2d3595bf006"));  // ½ = 5·10^17
        t.push_back(subnet_item<&Subnet::pal_swap_initialized>("Swap.PalSwapInitialized", S::boolean, "0x00"));
        t.push_back(subnet_item<&Subnet::fee_rate>("Swap.FeeRate", S::u16, "0x2100"));  // 33
        // ---- per subnet, known but held by no state field
        t.push_back(unused_item("SubtensorModule.RootProp", S::u96f32, Key::netuid, ZERO16));
        t.push_back(unused_item("SubtensorModule.SubnetTaoFlow", S::i64, Key::netuid, ZERO8));
        t.push_back(unused_item("SubtensorModule.TotalAlphaStaked", S::u64, Key::netuid, ZERO8));
        t.push_back(unused_item("SubtensorModule.SubnetOwner", S::account_id, Key::netuid,
                                "0x0000000000000000000000000000000000000000000000000000000000000000"));
        t.push_back(unused_item("SubtensorModule.SubnetOwnerHotkey", S::account_id, Key::netuid,
                                "0x0000000000000000000000000000000000000000000000000000000000000000"));
        t.push_back(subnet_item<&Subnet::balancer_tao_reservoir>("Swap.BalancerTaoReservoir", S::u64, ZERO8));
        t.push_back(subnet_item<&Subnet::balancer_alpha_reservoir>("Swap.BalancerAlphaReservoir", S::u64, ZERO8));
        // OptionQuery: an absent key is None
        t.push_back(subnet_item<&Subnet::subnet_fast_moving_price>("SubtensorModule.SubnetFastMovingPrice", S::u64f64,
                                                                   nullptr));
        // ---- chain-wide
        t.push_back(state_item<&ChainState::total_issuance>("SubtensorModule.TotalIssuance", S::u64, ZERO8));
        t.push_back(state_item<&ChainState::total_stake>("SubtensorModule.TotalStake", S::u64, ZERO8));
        t.push_back(state_item<&ChainState::tao_weight>("SubtensorModule.TaoWeight", S::u64, "0xfc62e03efa3c7c0d"));
        t.push_back(state_item<&ChainState::subnet_owner_cut>("SubtensorModule.SubnetOwnerCut", S::u16, "0x142e"));
        t.push_back(state_item<&ChainState::subnet_moving_alpha_bits>("SubtensorModule.SubnetMovingAlpha", S::i96f32,
                                                                      "0x55320000000000000000000000000000"));
        // `NetworkLastRegistered` is `LastRateLimitedBlock[RateLimitKey::NetworkLastRegistered]` since the
        // rate-limit migration (opentensor/subtensor `get_network_last_lock_block`, coinbase/root.rs)
        t.push_back(state_item<&ChainState::network_last_registered>("SubtensorModule.LastRateLimitedBlock", S::u64,
                                                                     ZERO8, Key::rate_limit_key));
        t.push_back(state_item<&ChainState::network_last_lock_cost>("SubtensorModule.NetworkLastLockCost", S::u64,
                                                                    "0x0010a5d4e8000000"));  // 10^12
        t.push_back(state_item<&ChainState::network_min_lock_cost>("SubtensorModule.NetworkMinLockCost", S::u64,
                                                                   "0x0010a5d4e8000000"));  // 10^12
        t.push_back(state_item<&ChainState::network_lock_reduction_interval>(
            "SubtensorModule.NetworkLockReductionInterval", S::u64, "0xc089010000000000"));  // 100 800
        t.push_back(state_item<&ChainState::network_rate_limit>("SubtensorModule.NetworkRateLimit", S::u64,
                                                                "0x201c000000000000"));  // 7 200
        t.push_back(state_item<&ChainState::max_epochs_per_block>("SubtensorModule.MaxEpochsPerBlock", S::u8, "0x02"));
        t.push_back(state_item<&ChainState::emission_gate_bar>("SubtensorModule.EmissionGateBar", S::u64f64, ZERO16));
        t.push_back(state_item<&ChainState::emission_bar_quantile>("SubtensorModule.EmissionBarQuantile", S::u64f64,
                                                                   "0x00285c8fc2f5289c0000000000000000"));
        t.push_back(state_item<&ChainState::emission_gate_exponent>("SubtensorModule.EmissionGateExponent", S::u64f64,
                                                                    "0x00000000000000000300000000000000"));
        t.push_back(state_item<&ChainState::emission_bar_rank>("SubtensorModule.EmissionBarRank", S::u16, "0x2000"));
        // ---- the v3 pool's storage (specs 290 … 422; the spec-348 metadata): no state field holds
        // it; `decode_v3_pools` reads it into the inputs of the v3 pool's ops
        t.push_back(unused_item("Swap.AlphaSqrtPrice", S::u64f64, Key::netuid, nullptr));
        t.push_back(unused_item("Swap.CurrentLiquidity", S::u64, Key::netuid, nullptr));
        t.push_back(unused_item("Swap.CurrentTick", S::i32, Key::netuid, nullptr));
        // ---- chain-wide, known but held by no state field
        t.push_back(unused_item("SubtensorModule.BlockEmission", S::u64, Key::plain, "0x00ca9a3b00000000"));
        t.push_back(unused_item("Balances.TotalIssuance", S::u64, Key::plain, ZERO8));
        t.push_back(unused_item("Timestamp.Now", S::u64, Key::plain, ZERO8));
        t.push_back(unused_item("System.Number", S::u32, Key::plain, "0x00000000"));
        return t;
    }();
    return table;
}

const Item* find_item(std::string_view name)
{
    for (const auto& it : items())
        if (it.name == name)
            return &it;
    return nullptr;
}

/// The one `RateLimitKey` variant the decoder knows.
constexpr std::string_view NETWORK_LAST_REGISTERED = "NetworkLastRegistered";

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw DecodeError(where + ": " + what); }

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// `0x…` to bytes, exactly `width(type)` of them.
Raw parse_value(const std::string& where, const std::string& hex, Scale type)
{
    if (hex.size() < 2 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X'))
        fail(where, "expected a hex string starting with 0x, got \"" + hex.substr(0, 40) + "\"");
    if (hex.size() % 2 != 0)
        fail(where, "odd number of hex digits in \"" + hex.substr(0, 40) + "\"");
    Raw r{.type = type};
    for (std::size_t i = 2; i < hex.size(); i += 2) {
        const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            fail(where, "not a hex digit at position " + std::to_string(hi < 0 ? i : i + 1) + " of \"" +
                            hex.substr(0, 40) + "\"");
        r.bytes.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    if (r.bytes.size() != width(type))
        fail(where, "a " + std::string(type_name(type)) + " is " + std::to_string(width(type)) + " bytes, got " +
                        std::to_string(r.bytes.size()));
    return r;
}

/// The runtime default of `item` (an absent key).
Raw fallback_of(const Item& item)
{
    if (!item.fallback)
        return Raw{.type = item.type, .none = true};
    return parse_value(std::string(item.name) + " (default)", item.fallback, item.type);
}

u64 read_uint(const json& j, const std::string& where, u64 max)
{
    // a parsed file gives non-negative integers as unsigned; a built json may hold them signed
    const bool non_negative = j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    if (!non_negative || j.get<u64>() > max)
        fail(where, "expected an integer in [0, " + std::to_string(max) + "], got " + j.dump());
    return j.get<u64>();
}

void check_keys(const json& obj, const std::string& where, std::initializer_list<std::string_view> allowed)
{
    for (const auto& [k, v] : obj.items()) {
        (void)v;
        if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
            fail(where + "." + k, "unknown field");
    }
}

/// One storage entry, read and checked.
struct Entry
{
    const Item* item = nullptr;
    std::optional<u64> netuid;
    std::string where;  ///< `storage[i] Pallet.Item[key]`
    Raw raw;
    bool absent = false;  ///< given as null: the runtime default applies
};

std::string label(const Item& item, const std::optional<u64>& netuid)
{
    std::string s(item.name);
    if (item.key == Key::netuid)
        s += "[" + std::to_string(*netuid) + "]";
    else if (item.key == Key::rate_limit_key)
        s += "[" + std::string(NETWORK_LAST_REGISTERED) + "]";
    return s;
}

Entry read_entry(const json& e, std::size_t i)
{
    const std::string at = "storage[" + std::to_string(i) + "]";
    if (!e.is_object())
        fail(at, "expected an object {\"item\", \"netuid\"?, \"key\"?, \"value\"}");
    check_keys(e, at, {"item", "netuid", "key", "value"});
    if (!e.contains("item") || !e["item"].is_string())
        fail(at + ".item", "expected the item's name as a string, e.g. \"SubtensorModule.SubnetTAO\"");
    const auto name = e["item"].get<std::string>();
    const Item* item = find_item(name);
    if (!item)
        fail(at, "unknown storage item \"" + name + "\" (spec/chainstate.md lists the items the decoder knows)");
    Entry out{.item = item};
    if (item->key == Key::netuid) {
        if (!e.contains("netuid"))
            fail(at + " " + name, "a map over NetUid needs \"netuid\"");
        out.netuid = read_uint(e["netuid"], at + " " + name + " netuid", 0xFFFF);
    } else if (e.contains("netuid")) {
        fail(at + " " + name, "a plain value has no \"netuid\"");
    }
    if (item->key == Key::rate_limit_key) {
        if (!e.contains("key") || !e["key"].is_string() || e["key"].get<std::string>() != NETWORK_LAST_REGISTERED)
            fail(at + " " + name, "needs \"key\": \"" + std::string(NETWORK_LAST_REGISTERED) +
                                      "\" (the only RateLimitKey the state holds)");
    } else if (e.contains("key")) {
        fail(at + " " + name, "has no \"key\" (only SubtensorModule.LastRateLimitedBlock does)");
    }
    out.where = at + " " + label(*item, out.netuid);
    if (!e.contains("value"))
        fail(out.where, "missing \"value\" (null when the key is absent on chain)");
    const json& v = e["value"];
    if (v.is_null()) {
        out.absent = true;
        out.raw = fallback_of(*item);
    } else if (v.is_string()) {
        out.raw = parse_value(out.where, v.get<std::string>(), item->type);
    } else {
        fail(out.where, "expected the value as a 0x hex string or null, got " + v.dump());
    }
    return out;
}

}  // namespace

std::vector<std::string> known_items()
{
    std::vector<std::string> out;
    for (const auto& it : items())
        out.emplace_back(it.name);
    return out;
}

namespace {

/// The snapshot's storage entries, each read and checked, no key twice; the header checked too.
std::vector<Entry> read_snapshot(const json& snapshot)
{
    if (!snapshot.is_object())
        fail("snapshot", "expected a JSON object");
    check_keys(snapshot, "snapshot", {"format", "provenance", "storage", "runtime_api", "notes"});
    if (!snapshot.contains("format") || !snapshot["format"].is_string() ||
        snapshot["format"].get<std::string>() != FORMAT)
        fail("snapshot.format", "expected \"" + std::string(FORMAT) + "\"");
    if (!snapshot.contains("provenance") || !snapshot["provenance"].is_object())
        fail("snapshot.provenance", "missing (an object naming the chain, block, block hash and spec version)");
    const json& prov = snapshot["provenance"];
    check_keys(prov, "snapshot.provenance", {"chain", "block", "block_hash", "spec_version", "source"});
    if (!prov.contains("block"))
        fail("snapshot.provenance.block", "missing");
    (void)read_uint(prov["block"], "snapshot.provenance.block", U64_MAX);
    if (prov.contains("spec_version"))
        (void)read_uint(prov["spec_version"], "snapshot.provenance.spec_version", 0xFFFFFFFF);
    for (const char* k : {"chain", "block_hash", "source"})
        if (prov.contains(k) && !prov[k].is_string())
            fail(std::string("snapshot.provenance.") + k, "expected a string");
    if (snapshot.contains("runtime_api") && !snapshot["runtime_api"].is_array())
        fail("snapshot.runtime_api", "expected an array");
    if (!snapshot.contains("storage") || !snapshot["storage"].is_array())
        fail("snapshot.storage", "missing (an array of {\"item\", \"netuid\"?, \"key\"?, \"value\"})");

    // Read every entry first: a bad one fails before anything is decoded.
    std::vector<Entry> entries;
    std::set<std::string> seen;
    const json& storage = snapshot["storage"];
    for (std::size_t i = 0; i < storage.size(); ++i) {
        Entry e = read_entry(storage[i], i);
        const std::string key = label(*e.item, e.netuid);
        if (!seen.insert(key).second)
            fail(e.where, "duplicate key: " + key + " is given twice");
        entries.push_back(std::move(e));
    }
    return entries;
}

}  // namespace

Decoded decode(const json& snapshot, const Ruleset& rules)
{
    const std::vector<Entry> entries = read_snapshot(snapshot);
    const u64 block = snapshot["provenance"]["block"].get<u64>();
    std::set<u64> netuids;
    for (const Entry& e : entries)
        if (e.netuid)
            netuids.insert(*e.netuid);

    Decoded out;
    out.state.block = block;
    for (const u64 n : netuids) {
        Subnet s;
        s.netuid = n;
        // the protocol's default: root is stable, every other subnet dynamic
        s.mechanism = n == ROOT_NETUID ? Mechanism::stable : Mechanism::dynamic;
        out.state.subnets.push_back(s);
    }

    const Storage held = storage_of(rules);
    std::map<u64, std::set<std::string>> given_subnet;  // netuid → field names filled
    std::set<std::string> given_state;
    for (const Entry& e : entries) {
        const std::string key = label(*e.item, e.netuid);
        if (e.item->name == "SubtensorModule.NetworksAdded") {
            if (e.raw.bytes[0] > 1)
                fail(e.where, "a bool is 0x00 or 0x01");
            if (e.raw.bytes[0] == 0)
                fail(e.where, std::string(e.absent ? "absent (default false)" : "false") +
                                  ": the snapshot gives storage of a subnet the chain does not have");
            continue;
        }
        if (!e.item->field) {
            out.ignored.push_back(key + ": no field of the state");
            continue;
        }
        const FieldInfo f = e.item->field();
        if (!protocol::holds(held, f.group)) {
            out.ignored.push_back(key + ": " + std::string(f.name) + " is not in the state of " +
                                  std::string(rules.id));
            continue;
        }
        try {
            if (e.item->set_subnet) {
                e.item->set_subnet(*out.state.find(*e.netuid), e.raw, f);
                given_subnet[*e.netuid].insert(std::string(f.name));
            } else {
                e.item->set_state(out.state, e.raw, f);
                given_state.insert(std::string(f.name));
            }
        } catch (const Unfit& u) {
            fail(e.where, u.what);
        }
        if (e.absent)
            out.defaulted.push_back(key + " → " + std::string(f.name));
    }

    // What the state holds and the snapshot did not give: the protocol's defaults.
    std::vector<std::string> missing;
    protocol::visit_state_fields(out.state, [&](const FieldInfo& f, const auto&) {
        if (protocol::holds(held, f.group) && f.name != "block" && !given_state.count(std::string(f.name)))
            missing.emplace_back(f.name);
    });
    if (!missing.empty()) {
        std::ostringstream s;
        s << "state:";
        for (const auto& m : missing)
            s << ' ' << m;
        out.not_given.push_back(s.str());
    }
    for (auto& sub : out.state.subnets) {
        std::vector<std::string> miss;
        protocol::visit_subnet_fields(sub, [&](const FieldInfo& f, const auto&) {
            if (protocol::holds(held, f.group) && f.name != "netuid" &&
                !given_subnet[sub.netuid].count(std::string(f.name)))
                miss.emplace_back(f.name);
        });
        // the v3 pool's own storage is not decoded into a state: `v3-pools` decodes it
        if (held.v3_pool && !sub.is_root())
            miss.emplace_back("swap_v3 (decode the pool with `dtao chainstate v3-pools`)");
        if (miss.empty())
            continue;
        std::ostringstream s;
        s << "subnet " << sub.netuid << ":";
        for (const auto& m : miss)
            s << ' ' << m;
        out.not_given.push_back(s.str());
    }
    return out;
}

std::map<u64, json> decode_v3_pools(const json& snapshot)
{
    // storage item → the input field of the v3 pool's ops it gives (spec/protocol.md)
    static const std::map<std::string_view, std::string_view> fields{
        {"SubtensorModule.SubnetMechanism", "subnet_mechanism"},
        {"SubtensorModule.SubnetTAO", "subnet_tao"},
        {"SubtensorModule.SubnetAlphaIn", "subnet_alpha_in"},
        {"SubtensorModule.SubnetAlphaOut", "subnet_alpha_out"},
        {"Swap.AlphaSqrtPrice", "alpha_sqrt_price"},
        {"Swap.CurrentLiquidity", "current_liquidity"},
        {"Swap.CurrentTick", "current_tick"},
        {"Swap.FeeRate", "fee_rate"},
    };
    std::map<u64, json> out;
    for (const Entry& e : read_snapshot(snapshot)) {
        const auto f = fields.find(e.item->name);
        if (f == fields.end() || !e.netuid)
            fail(e.where, "not an item of the v3 pool (spec/chainstate.md, \"The v3 pool\")");
        json& pool = out[*e.netuid];
        pool["netuid"] = std::to_string(*e.netuid);
        if (e.absent)
            continue;  // the runtime's default, which is the protocol's (the fee rate: the ruleset's)
        const std::string name(f->second);
        const u128 v = e.raw.le();
        if (e.raw.type == Scale::u64f64)
            pool[name] = {{"type", "U64F64"}, {"bits", to_int(v).str()}};
        else if (e.raw.type == Scale::i32)
            pool[name] = std::to_string(static_cast<std::int32_t>(static_cast<std::uint32_t>(v)));
        else
            pool[name] = to_int(v).str();
    }
    return out;
}

}  // namespace dtao::chainstate
