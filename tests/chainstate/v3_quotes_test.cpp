/// The v3 pool on mainnet: finney at block 7 000 020 (spec 348, the Taoflow year's v3 pool;
/// tests/data/mainnet/v3/b7000020.json, re-encoded from a third party's capture, README there).
/// Each subnet's pool is decoded from its captured storage (`chainstate::decode_v3_pools`), and
/// every captured runtime-API result (18 `sim_swap` quotes and 3 prices) is asked of `dtao eval`
/// under `spec:348` (VSWAP-010, VSWAP-011) and compared field by field, to the rao.
///
/// What the capture does not hold, and what stands in for it (spec/v3_swap.md, "On mainnet"):
/// `SwapV3Initialized` (the price is stored, so the pool is initialised), `SubnetTaoProvided`
/// and `SubnetAlphaInProvided` (0: they only enter the reserve check, which every pool passes
/// by far), and the `Ticks` map. The active ticks stand as the protocol's full-range position
/// at the captured liquidity, MIN_INDEX and MAX_INDEX (the protocol's default); a quote whose
/// price range held another active tick would have crossed it and could not match in both its
/// amounts and its fee.
#include "chainstate.hpp"
#include "protocol.hpp"

#include "dtao/tick.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace dtao;
using nlohmann::json;

const fs::path CAPTURE = fs::path(DTAO_SOURCE_DIR) / "tests/data/mainnet/v3/b7000020.json";

json ask(const std::string& op, json input)
{
    return protocol::evaluate({{"id", "q"}, {"ruleset", "spec:348"}, {"op", op}, {"input", std::move(input)}});
}

}  // namespace

/// @rule VSWAP-010 VSWAP-011 RSET-027
TEST(v3_mainnet, every_captured_quote_and_price_at_block_7000020)
{
    std::ifstream in(CAPTURE);
    ASSERT_TRUE(in) << CAPTURE;
    const json snapshot = json::parse(in);
    ASSERT_EQ(snapshot.at("provenance").at("spec_version"), 348);
    ASSERT_EQ(find_ruleset_for_spec(348)->id, "v3.2.10-334");
    const std::map<u64, json> pools = chainstate::decode_v3_pools(snapshot);
    ASSERT_EQ(pools.size(), 3u);
    for (const auto& [netuid, p] : pools) {  // the stored tick is the stored price's (TICK-005)
        const auto bits = static_cast<u128>(Int(p.at("alpha_sqrt_price").at("bits").get<std::string>()));
        EXPECT_EQ(std::to_string(tick::from_sqrt_price_bounded(fixed::U64F64::from_bits(bits))),
                  p.at("current_tick").get<std::string>())
            << "netuid " << netuid;
        EXPECT_FALSE(p.contains("fee_rate")) << "netuid " << netuid;  // absent: the default, 33
    }

    unsigned quotes = 0, prices = 0;
    for (const auto& call : snapshot.at("runtime_api")) {
        const std::string method = call.at("method").get<std::string>();
        const u64 netuid = call.at("netuid").get<u64>();
        const json& want = call.at("result");
        json input = pools.at(netuid);
        if (method == "SwapRuntimeApi_current_alpha_price") {
            const json r = ask("alpha_price", input);
            ASSERT_TRUE(r.contains("output")) << r.dump();
            EXPECT_EQ(r["output"]["current_alpha_price"], want.at("price")) << "netuid " << netuid;
            ++prices;
            continue;
        }
        const std::string op =
            method == "SwapRuntimeApi_sim_swap_tao_for_alpha" ? "sim_swap_tao_for_alpha" : "sim_swap_alpha_for_tao";
        input["amount"] = call.at("amount");
        const json r = ask(op, input);
        ASSERT_TRUE(r.contains("output")) << r.dump();
        const std::string where =
            method + "(" + std::to_string(netuid) + ", " + input["amount"].get<std::string>() + ")";
        for (const char* f : {"tao_amount", "alpha_amount", "tao_fee", "alpha_fee"})
            EXPECT_EQ(r["output"][f], want.at(f)) << where << " " << f;
        ++quotes;
    }
    EXPECT_EQ(quotes, 18u);
    EXPECT_EQ(prices, 3u);
}

/// A v3 capture holds the v3 pool's items alone: anything else is refused with its place.
TEST(v3_mainnet, a_v3_capture_with_another_item_is_refused)
{
    std::ifstream in(CAPTURE);
    json snapshot = json::parse(in);
    snapshot["storage"].push_back({{"item", "Swap.SwapBalancer"}, {"netuid", 1}, {"value", "0x0000000000000000"}});
    try {
        (void)chainstate::decode_v3_pools(snapshot);
        FAIL() << "decoded";
    } catch (const chainstate::DecodeError& e) {
        EXPECT_NE(std::string(e.what()).find("Swap.SwapBalancer[1]: not an item of the v3 pool"), std::string::npos)
            << e.what();
    }
}
