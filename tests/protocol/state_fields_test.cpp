/// Tests of the `state` field table (state_fields.hpp) through `dtao eval`: what a request
/// sets comes back unchanged, what it omits comes back as the reference's initial value, and a
/// field of storage the ruleset lacks is refused, for every ruleset.
#include "protocol.hpp"
#include "state_fields.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;
using dtao::u64;
using dtao::protocol::FieldInfo;
using dtao::protocol::holds;
using dtao::protocol::Wire;

namespace {

json eval(const std::string& op, const json& input, const dtao::Ruleset& rs)
{
    json req{{"id", "t"}, {"ruleset", std::string(rs.id)}, {"op", op}, {"input", input}, {"arithmetic", "chain"}};
    return dtao::protocol::evaluate_line(req.dump());
}

json fixed(const char* type, u64 bits) { return {{"type", type}, {"bits", std::to_string(bits)}}; }

/// `v` as field `f` writes it (chain arithmetic).
json wire_value(const FieldInfo& f, u64 v)
{
    switch (f.wire) {
    case Wire::u64:
    case Wire::amount:
    case Wire::volume: return std::to_string(v);
    case Wire::i96f32:
    case Wire::i96f32_nonnegative: return fixed("I96F32", v);
    case Wire::u96f32: return fixed("U96F32", v);
    case Wire::u64f64:
    case Wire::nullable_u64f64: return fixed("U64F64", v);
    case Wire::flag: return v != 0;
    case Wire::nullable_u64: return std::to_string(v);
    }
    return nullptr;
}

/// A valid value of `f` other than its default; `salt` keeps fields apart.
json other_value(const FieldInfo& f, u64 salt)
{
    const u64 def = static_cast<u64>(f.fallback);
    if (f.wire == Wire::flag)
        return def == 0;
    if (f.wire == Wire::volume)
        return "18446744073709551616";  // 2^64: only a u128 holds it
    if (f.max != dtao::U64_MAX)
        return wire_value(f, (def + 1) % (f.max + 1));
    return wire_value(f, def + 1 + salt);
}

/// A state for `start_call` on subnet 3: registered long enough ago, not started yet.
constexpr u64 BLOCK = 1'000'000;
void make_startable(json& st)
{
    st["block"] = std::to_string(BLOCK);
    st["subnets"][0]["netuid"] = "3";
    st["subnets"][0]["network_registered_at"] = "1";
    st["subnets"][0].erase("first_emission_block_number");
    if (st["subnets"][0].contains("subtoken_enabled"))
        st["subnets"][0]["subtoken_enabled"] = true;  // the injection-capped start_call sets it
}

}  // namespace

TEST(state_fields, a_state_round_trips_through_the_codec)
{
    for (const auto& rs : dtao::RULESETS) {
        if (!rs.start_call || !dtao::answers(rs, dtao::Op::start_call))
            continue;
        const dtao::Storage storage = dtao::storage_of(rs);
        json st = json::object();
        u64 salt = 0;
        for (const auto& f : dtao::protocol::state_fields())
            if (holds(storage, f.group))
                st[std::string(f.name)] = other_value(f, ++salt);
        json subnet = json::object();
        for (const auto& f : dtao::protocol::subnet_fields())
            if (holds(storage, f.group))
                subnet[std::string(f.name)] = other_value(f, ++salt);
        st["subnets"] = json::array({subnet, subnet});
        st["subnets"][1]["netuid"] = "4";
        make_startable(st);

        const json r = eval("start_call", {{"state", st}, {"netuid", "3"}}, rs);
        ASSERT_TRUE(r.contains("output")) << rs.id << ": " << r.dump();
        json expected = st;
        expected["subnets"][0]["first_emission_block_number"] = std::to_string(BLOCK + 1);
        EXPECT_EQ(r["output"]["state"], expected) << rs.id;
    }
}

/// The protocol's defaults are the values the reference's state starts from, so a request
/// that omits a field describes the same chain as one that never touched it.
TEST(state_fields, an_omitted_field_is_the_references_initial_value)
{
    for (const auto& rs : dtao::RULESETS) {
        if (!rs.start_call || !dtao::answers(rs, dtao::Op::start_call))
            continue;
        const json st = {
            {"block", std::to_string(BLOCK)},
            {"subnets", json::array({{{"netuid", "0"}}, {{"netuid", "3"}, {"network_registered_at", "1"}}})}};
        const json r = eval("start_call", {{"state", st}, {"netuid", "3"}}, rs);
        ASSERT_TRUE(r.contains("output")) << rs.id << ": " << r.dump();

        dtao::ChainState expected;
        expected.block = BLOCK;
        dtao::Subnet root;
        root.netuid = dtao::ROOT_NETUID;
        root.mechanism = dtao::Mechanism::stable;  // the root is stable without saying so
        dtao::Subnet started;
        started.netuid = 3;
        started.network_registered_at = 1;
        started.first_emission_block_number = BLOCK + 1;
        expected.subnets = {root, started};
        EXPECT_EQ(r["output"]["state"], dtao::protocol::state_to_json(expected, rs)) << rs.id;
    }
}

TEST(state_fields, a_field_of_storage_the_ruleset_lacks_is_unknown)
{
    for (const auto& rs : dtao::RULESETS) {
        const dtao::Storage storage = dtao::storage_of(rs);
        // the v3 year's coinbase is not modelled; its lock cost reads the same state
        const char* op = dtao::answers(rs, dtao::Op::coinbase) ? "coinbase" : "network_lock_cost";
        for (const auto& f : dtao::protocol::state_fields()) {
            if (holds(storage, f.group))
                continue;
            const json r = eval(op, {{"state", {{std::string(f.name), other_value(f, 1)}}}}, rs);
            EXPECT_EQ(r.value("error", ""), "invalid_field") << rs.id << " " << f.name;
            EXPECT_EQ(r.value("message", ""), "request.input.state." + std::string(f.name) + ": unknown field")
                << rs.id;
        }
        for (const auto& f : dtao::protocol::subnet_fields()) {
            if (holds(storage, f.group))
                continue;
            const json subnet = {{"netuid", "1"}, {std::string(f.name), other_value(f, 1)}};
            const json r = eval(op, {{"state", {{"subnets", json::array({subnet})}}}}, rs);
            EXPECT_EQ(r.value("error", ""), "invalid_field") << rs.id << " " << f.name;
            EXPECT_EQ(r.value("message", ""),
                      "request.input.state.subnets[0]." + std::string(f.name) + ": unknown field")
                << rs.id;
        }
    }
}
