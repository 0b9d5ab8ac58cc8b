/// The chain-storage decoder on small snapshots whose values are checked by hand
/// (spec/chainstate.md): each SCALE type, the runtime defaults of absent keys, the protocol
/// defaults of items not given, what the ruleset's state does not hold, and bad input, which
/// must fail with a message naming the entry, the item and what is wrong.
#include "chainstate.hpp"
#include "protocol.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

using dtao::chainstate::decode;
using dtao::chainstate::DecodeError;
using nlohmann::json;

const dtao::Ruleset& main_rules()
{
    static const dtao::Ruleset r = *dtao::find_ruleset("main-14bc6f9");
    return r;
}

json snapshot(json storage)
{
    return {{"format", "dtao-chain-storage/1"},
            {"provenance", {{"chain", "test"}, {"block", 100}, {"spec_version", 475}}},
            {"storage", std::move(storage)}};
}

json entry(const std::string& item, const json& value, int netuid = 1)
{
    return {{"item", item}, {"netuid", netuid}, {"value", value}};
}

json plain(const std::string& item, const json& value) { return {{"item", item}, {"value", value}}; }

/// The message of the DecodeError `s` raises ("" when it raises none).
std::string error_of(const json& s)
{
    try {
        (void)decode(s, main_rules());
    } catch (const DecodeError& e) {
        return e.what();
    }
    return "";
}

TEST(ChainstateDecode, U16TempoLittleEndian)
{
    // 0x6300: the bytes 63 00, little-endian u16 0x0063 = 99 (SN1's tempo at block 9,240,388)
    const auto d = decode(snapshot({entry("SubtensorModule.Tempo", "0x6300")}), main_rules());
    ASSERT_EQ(d.state.subnets.size(), 1u);
    EXPECT_EQ(d.state.subnets[0].netuid, 1u);
    EXPECT_EQ(d.state.subnets[0].tempo, 99u);
    EXPECT_EQ(d.state.block, 100u);
    // and the protocol writes it under the table's name
    const json st = dtao::protocol::state_to_json(d.state, main_rules());
    EXPECT_EQ(st["subnets"][0]["tempo"], "99");
}

TEST(ChainstateDecode, EachScaleType)
{
    const auto d = decode(snapshot({
                              // u64: f8 78 3c 75 f1 14 00 00 = 0x14f1753c78f8 = 23 027 286 571 256
                              entry("SubtensorModule.SubnetTAO", "0xf8783c75f1140000"),
                              // I96F32 bits 0x01aeaed6 = 28 225 238 (≈ 0.00657 TAO per alpha)
                              entry("SubtensorModule.SubnetMovingPrice", "0xd6aeae01000000000000000000000000"),
                              // U96F32 bits 0xb3f873c4 = 3 019 404 228
                              entry("SubtensorModule.MinerBurned", "0xc473f8b3000000000000000000000000"),
                              // u128 0x02fd25d15873e5 = 841 288 821 273 573
                              entry("SubtensorModule.SubnetVolume", "0xe57358d125fd02000000000000000000"),
                              // Perquintill (u64) 0x06f05b58ea813afc = 499 999 996 087 712 508
                              entry("Swap.SwapBalancer", "0xfc3a81ea585bf006"),
                              // Option<u64> present: 0x4fc88b = 5 228 683
                              entry("SubtensorModule.FirstEmissionBlockNumber", "0x8bc84f0000000000"),
                              entry("SubtensorModule.SubtokenEnabled", "0x01"),
                              entry("SubtensorModule.SubnetMechanism", "0x0100"),
                              // u8
                              plain("SubtensorModule.MaxEpochsPerBlock", "0x05"),
                              // I96F32 bits 0x13a92a = 1 288 490 ≈ 0.0003
                              plain("SubtensorModule.SubnetMovingAlpha", "0x2aa91300000000000000000000000000"),
                              {{"item", "SubtensorModule.LastRateLimitedBlock"},
                               {"key", "NetworkLastRegistered"},
                               {"value", "0xf28a8c0000000000"}},  // 0x8c8af2 = 9 210 610
                          }),
                          main_rules());
    const auto& s = d.state.subnets.at(0);
    EXPECT_EQ(s.subnet_tao, 23'027'286'571'256u);
    EXPECT_EQ(s.subnet_moving_price.bits, 28'225'238);
    EXPECT_EQ(s.miner_burned.bits, 3'019'404'228u);
    EXPECT_TRUE(s.subnet_volume == dtao::u128{841'288'821'273'573u});
    EXPECT_EQ(s.swap_balancer_quote_parts, 499'999'996'087'712'508u);
    EXPECT_EQ(s.first_emission_block_number, 5'228'683u);
    EXPECT_TRUE(s.subtoken_enabled);
    EXPECT_EQ(s.mechanism, dtao::Mechanism::dynamic);
    EXPECT_EQ(d.state.max_epochs_per_block, 5u);
    EXPECT_EQ(d.state.subnet_moving_alpha_bits, 1'288'490);
    EXPECT_EQ(d.state.network_last_registered, 9'210'610u);
    EXPECT_TRUE(d.defaulted.empty());
}

TEST(ChainstateDecode, AbsentKeysTakeTheRuntimeDefault)
{
    const auto d = decode(snapshot({
                              entry("SubtensorModule.Tempo", nullptr),                     // 0x6801 = 360
                              entry("SubtensorModule.EMAPriceHalvingBlocks", nullptr),     // 201 600
                              entry("SubtensorModule.SubtokenEnabled", nullptr),           // false on chain
                              entry("SubtensorModule.FirstEmissionBlockNumber", nullptr),  // OptionQuery: None
                              entry("Swap.FeeRate", nullptr),                              // 33
                              entry("Swap.PalSwapInitialized", nullptr),                   // false
                              entry("SubtensorModule.SubnetMechanism", nullptr),           // 0: stable
                              plain("SubtensorModule.TaoWeight", nullptr),                 // 0x0d7c3cfa3ee062fc
                              plain("SubtensorModule.NetworkMinLockCost", nullptr),        // 10^12
                          }),
                          main_rules());
    const auto& s = d.state.subnets.at(0);
    EXPECT_EQ(s.tempo, 360u);
    EXPECT_EQ(s.ema_price_halving_blocks, 201'600u);
    // the runtime's default, not the protocol's (`subtoken_enabled` defaults to true there)
    EXPECT_FALSE(s.subtoken_enabled);
    EXPECT_FALSE(s.first_emission_block_number.has_value());
    EXPECT_EQ(s.fee_rate, 33u);
    EXPECT_FALSE(s.pal_swap_initialized);
    EXPECT_EQ(s.mechanism, dtao::Mechanism::stable);
    EXPECT_EQ(d.state.tao_weight, 0x0d7c3cfa3ee062fcULL);
    EXPECT_EQ(d.state.network_min_lock_cost, 1'000'000'000'000u);
    EXPECT_EQ(d.defaulted.size(), 9u);
}

TEST(ChainstateDecode, ItemsNotGivenKeepTheProtocolDefaultAndAreListed)
{
    const auto d = decode(snapshot({entry("SubtensorModule.SubnetTAO", "0x0100000000000000")}), main_rules());
    const auto& s = d.state.subnets.at(0);
    EXPECT_EQ(s.mechanism, dtao::Mechanism::dynamic);  // the protocol's default for a non-root subnet
    EXPECT_TRUE(s.subtoken_enabled);
    EXPECT_EQ(s.tempo, 360u);
    ASSERT_EQ(d.not_given.size(), 2u);
    EXPECT_NE(d.not_given[0].find("total_issuance"), std::string::npos) << d.not_given[0];
    EXPECT_NE(d.not_given[1].find("subnet 1:"), std::string::npos) << d.not_given[1];
    EXPECT_NE(d.not_given[1].find("subnet_mechanism"), std::string::npos) << d.not_given[1];
    EXPECT_EQ(d.not_given[1].find("subnet_tao "), std::string::npos) << d.not_given[1];
}

TEST(ChainstateDecode, ItemsTheStateDoesNotHoldAreIgnoredAndListed)
{
    const auto d = decode(snapshot({
                              entry("SubtensorModule.RootProp", "0x6cc69623000000000000000000000000"),
                              // launch-era storage: the Balancer-era state has no such field
                              entry("SubtensorModule.NetworkPowRegistrationAllowed", "0x01"),
                              plain("Timestamp.Now", "0xe079f51ca1010000"),
                          }),
                          main_rules());
    ASSERT_EQ(d.ignored.size(), 3u);
    EXPECT_EQ(d.ignored[0], "SubtensorModule.RootProp[1]: no field of the state");
    EXPECT_EQ(d.ignored[1], "SubtensorModule.NetworkPowRegistrationAllowed[1]: network_pow_registration_allowed is "
                            "not in the state of main-14bc6f9");
    EXPECT_EQ(d.ignored[2], "Timestamp.Now: no field of the state");
    // the same item under a launch-era ruleset is held
    const auto launch = decode(snapshot({entry("SubtensorModule.NetworkPowRegistrationAllowed", "0x01")}),
                               *dtao::find_ruleset("v2.0.10"));
    EXPECT_TRUE(launch.ignored.empty());
    EXPECT_TRUE(launch.state.subnets.at(0).network_pow_registration_allowed);
}

struct BadCase
{
    const char* name;
    json snapshot;
    const char* message;  ///< a part of the expected message
};

TEST(ChainstateDecode, BadInputIsAnErrorNamingTheItem)
{
    const BadCase cases[] = {
        {"bad hex digit", snapshot({entry("SubtensorModule.Tempo", "0x6g00")}),
         "storage[0] SubtensorModule.Tempo[1]: not a hex digit"},
        {"no 0x", snapshot({entry("SubtensorModule.Tempo", "6300")}),
         "storage[0] SubtensorModule.Tempo[1]: expected a hex string starting with 0x"},
        {"odd digits", snapshot({entry("SubtensorModule.Tempo", "0x630")}), "odd number of hex digits"},
        {"too long", snapshot({entry("SubtensorModule.Tempo", "0x630000")}),
         "storage[0] SubtensorModule.Tempo[1]: a u16 is 2 bytes, got 3"},
        {"too short", snapshot({entry("SubtensorModule.SubnetTAO", "0x0100")}),
         "SubtensorModule.SubnetTAO[1]: a u64 is 8 bytes, got 2"},
        {"unknown item", snapshot({entry("SubtensorModule.SubnetTao", "0x00")}),
         "storage[0]: unknown storage item \"SubtensorModule.SubnetTao\""},
        {"duplicate key",
         snapshot({entry("SubtensorModule.Tempo", "0x6300"), entry("SubtensorModule.Tempo", "0x6400")}),
         "storage[1] SubtensorModule.Tempo[1]: duplicate key"},
        {"plain with netuid", snapshot({entry("SubtensorModule.TaoWeight", "0x0000000000000000")}),
         "SubtensorModule.TaoWeight: a plain value has no \"netuid\""},
        {"map without netuid", snapshot({plain("SubtensorModule.Tempo", "0x6300")}),
         "SubtensorModule.Tempo: a map over NetUid needs \"netuid\""},
        {"netuid above u16", snapshot({entry("SubtensorModule.Tempo", "0x6300", 65536)}),
         "netuid: expected an integer"},
        {"bool 2", snapshot({entry("SubtensorModule.SubtokenEnabled", "0x02")}),
         "SubtensorModule.SubtokenEnabled[1]: a bool is 0x00 or 0x01"},
        {"mechanism 2", snapshot({entry("SubtensorModule.SubnetMechanism", "0x0200")}),
         "SubtensorModule.SubnetMechanism[1]: value 2 is above 1, the largest the state's subnet_mechanism holds"},
        {"weight above 1", snapshot({entry("Swap.SwapBalancer", "0x010064a7b3b6e00d")}),
         "Swap.SwapBalancer[1]: value 1000000000000000001 is above"},
        {"negative moving alpha",
         snapshot({plain("SubtensorModule.SubnetMovingAlpha", "0xffffffffffffffffffffffffffffffff")}),
         "SubtensorModule.SubnetMovingAlpha: a negative value"},
        {"subnet not added", snapshot({entry("SubtensorModule.NetworksAdded", "0x00")}),
         "SubtensorModule.NetworksAdded[1]: false: the snapshot gives storage of a subnet the chain does not have"},
        {"value a number", snapshot({entry("SubtensorModule.Tempo", 99)}),
         "expected the value as a 0x hex string or null"},
        {"no value", snapshot({{{"item", "SubtensorModule.Tempo"}, {"netuid", 1}}}), "missing \"value\""},
        {"unknown entry field",
         snapshot({{{"item", "SubtensorModule.Tempo"}, {"netuid", 1}, {"value", "0x6300"}, {"args", 1}}}),
         "storage[0].args: unknown field"},
        {"wrong rate-limit key",
         snapshot({{{"item", "SubtensorModule.LastRateLimitedBlock"},
                    {"key", "LastTxBlock"},
                    {"value", "0x0000000000000000"}}}),
         "needs \"key\": \"NetworkLastRegistered\""},
        {"wrong format",
         json{{"format", "dtao-chain-storage/2"}, {"provenance", {{"block", 1}}}, {"storage", json::array()}},
         "snapshot.format: expected \"dtao-chain-storage/1\""},
        {"no block",
         json{{"format", "dtao-chain-storage/1"}, {"provenance", json::object()}, {"storage", json::array()}},
         "snapshot.provenance.block: missing"},
        {"not an object", json::array(), "snapshot: expected a JSON object"},
    };
    for (const auto& c : cases) {
        const std::string msg = error_of(c.snapshot);
        EXPECT_NE(msg.find(c.message), std::string::npos) << c.name << ": got \"" << msg << "\"";
    }
}

TEST(ChainstateDecode, KnownItemsAreUnique)
{
    const auto names = dtao::chainstate::known_items();
    std::set<std::string> unique(names.begin(), names.end());
    EXPECT_EQ(unique.size(), names.size());
}

/// The public table of spec/chainstate.md lists exactly the items the decoder knows, so the
/// format's documentation cannot fall behind the code.
TEST(ChainstateDecode, SpecTableNamesEveryKnownItem)
{
    std::ifstream in(std::filesystem::path(DTAO_SOURCE_DIR) / "spec/chainstate.md");
    ASSERT_TRUE(in) << "spec/chainstate.md";
    std::set<std::string> documented;
    std::string line;
    bool table = false;  // the rows of "## The items"
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0)
            table = line == "## The items";
        else if (table && line.rfind("| `", 0) == 0)
            documented.insert(line.substr(3, line.find('`', 3) - 3));
    }
    EXPECT_FALSE(documented.empty()) << "spec/chainstate.md has no table under \"## The items\"";
    std::set<std::string> known;
    for (const auto& name : dtao::chainstate::known_items()) {
        known.insert(name);
        EXPECT_TRUE(documented.count(name)) << name << " is not in the table of spec/chainstate.md";
    }
    for (const auto& name : documented)
        EXPECT_TRUE(known.count(name)) << name << " is in spec/chainstate.md but the decoder does not know it";
}

}  // namespace

namespace {

/// The runtime defaults of the gate's storage (the `default` bytes of the spec-441 and spec-475
/// metadata, in the decoder's item table) are the reference's constants, and a state no item
/// sets starts from them.
/// @rule UNIT-028 UNIT-029 UNIT-030
TEST(ChainstateDecode, AbsentGateItemsTakeTheMetadataDefaults)
{
    const dtao::Ruleset rules = *dtao::find_ruleset("mainnet-441");
    const auto d = decode(snapshot({plain("SubtensorModule.EmissionGateBar", nullptr),
                                    plain("SubtensorModule.EmissionBarQuantile", nullptr),
                                    plain("SubtensorModule.EmissionGateExponent", nullptr),
                                    plain("SubtensorModule.EmissionBarRank", nullptr)}),
                          rules);
    EXPECT_EQ(d.state.emission_gate_bar.bits, dtao::u128{0});
    EXPECT_EQ(d.state.emission_bar_quantile.bits, dtao::u128{dtao::DEFAULT_EMISSION_BAR_QUANTILE_BITS});
    EXPECT_EQ(d.state.emission_gate_exponent.bits, dtao::u128{dtao::DEFAULT_EMISSION_GATE_EXPONENT} << 64);
    EXPECT_EQ(d.state.emission_bar_rank, dtao::DEFAULT_EMISSION_BAR_RANK);
    const dtao::ChainState fresh;
    EXPECT_EQ(fresh.emission_bar_quantile, d.state.emission_bar_quantile);
    EXPECT_EQ(fresh.emission_gate_exponent, d.state.emission_gate_exponent);
    EXPECT_EQ(fresh.emission_bar_rank, d.state.emission_bar_rank);
    // Mainnet stores q = 0.75 (bits 0xc000…, block 8,765,999) and leaves h and N at their defaults.
    const auto m =
        decode(snapshot({plain("SubtensorModule.EmissionBarQuantile", "0x00000000000000c00000000000000000")}), rules);
    EXPECT_EQ(m.state.emission_bar_quantile.bits, dtao::u128{3} << 62);
}

/// The reservoirs and the gate are storage of the mainnet rulesets only: main 14bc6f9 decodes
/// them, checks them and lists them as ignored.
/// @rule RSET-025 RSET-026
TEST(ChainstateDecode, ReservoirsAndGateAreHeldFromTheirSpecOn)
{
    const json s = snapshot(
        {entry("Swap.BalancerTaoReservoir", "0x0500000000000000"), plain("SubtensorModule.EmissionBarRank", "0x1000")});
    const auto m = decode(s, *dtao::find_ruleset("mainnet-441"));
    EXPECT_EQ(m.state.subnets.at(0).balancer_tao_reservoir, 5u);
    EXPECT_EQ(m.state.emission_bar_rank, 16u);
    EXPECT_TRUE(m.ignored.empty());
    const auto q = decode(s, *dtao::find_ruleset("mainnet-440"));
    EXPECT_EQ(q.state.subnets.at(0).balancer_tao_reservoir, 5u);
    EXPECT_EQ(q.ignored.size(), 1u);  // 440 has no EmissionBarRank
    const auto old = decode(s, main_rules());
    EXPECT_EQ(old.ignored.size(), 2u);
}

}  // namespace
