/// The v3 pool on mainnet: finney at block 7 000 020 (spec 348, the Taoflow year's v3 pool;
/// tests/data/mainnet/v3/b7000020.json, re-encoded from a third party's capture, README there).
/// Each subnet's pool is built from its captured storage, and every captured runtime-API result
/// (18 `sim_swap` quotes and 3 prices) is recomputed with the reference (VSWAP-010, VSWAP-011)
/// and compared field by field, to the rao.
///
/// What the capture does not hold, and what stands in for it (spec/v3_swap.md, "On mainnet"):
/// `SwapV3Initialized` (the price is stored, so the pool is initialised), `SubnetTaoProvided`
/// and `SubnetAlphaInProvided` (0: they only enter the reserve check, which every pool passes
/// by far), and the `Ticks` map. The active ticks stand as the protocol's full-range position
/// at the captured liquidity, MIN_INDEX and MAX_INDEX; a quote whose price range held another
/// active tick would have crossed it and could not match in both its amounts and its fee.
#include "dtao/v3_swap.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace dtao;
using fixed::U64F64;
using nlohmann::json;

const fs::path CAPTURE = fs::path(DTAO_SOURCE_DIR) / "tests/data/mainnet/v3/b7000020.json";

/// A SCALE fixed-width little-endian integer from its "0x…" hex.
u128 le(const std::string& hex)
{
    u128 v = 0;
    for (std::size_t i = hex.size(); i > 2; i -= 2)
        v = (v << 8) | static_cast<u128>(std::stoul(hex.substr(i - 2, 2), nullptr, 16));
    return v;
}

std::map<u64, v3::Pool> pools(const json& snapshot)
{
    std::map<u64, v3::Pool> out;
    for (const auto& e : snapshot.at("storage")) {
        v3::Pool& p = out[e.at("netuid").get<u64>()];
        const std::string item = e.at("item").get<std::string>();
        if (e.at("value").is_null()) {
            EXPECT_EQ(item, "Swap.FeeRate");  // absent: the default rate
            continue;
        }
        const u128 v = le(e.at("value").get<std::string>());
        if (item == "SubtensorModule.SubnetTAO")
            p.tao_reserve = static_cast<u64>(v);
        else if (item == "SubtensorModule.SubnetAlphaIn")
            p.alpha_reserve = static_cast<u64>(v);
        else if (item == "Swap.AlphaSqrtPrice")
            p.sqrt_price = U64F64::from_bits(v);
        else if (item == "Swap.CurrentLiquidity")
            p.liquidity = static_cast<u64>(v);
        else if (item == "Swap.CurrentTick")
            p.current_tick = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    }
    for (auto& [netuid, p] : out) {
        p.initialized = true;
        p.ticks[tick::MIN_INDEX].liquidity_net = static_cast<i128>(p.liquidity);
        p.ticks[tick::MAX_INDEX].liquidity_net = -static_cast<i128>(p.liquidity);
    }
    return out;
}

u64 field(const json& result, const char* name) { return std::stoull(result.at(name).get<std::string>()); }

}  // namespace

/// @rule VSWAP-010 VSWAP-011
TEST(v3_mainnet, every_captured_quote_and_price_at_block_7000020)
{
    std::ifstream in(CAPTURE);
    ASSERT_TRUE(in) << CAPTURE;
    const json snapshot = json::parse(in);
    ASSERT_EQ(snapshot.at("provenance").at("spec_version"), 348);
    const auto by_netuid = pools(snapshot);
    ASSERT_EQ(by_netuid.size(), 3u);
    for (const auto& [netuid, p] : by_netuid)  // the stored tick is the stored price's (TICK-005)
        EXPECT_EQ(tick::from_sqrt_price_bounded(p.sqrt_price), p.current_tick) << "netuid " << netuid;

    unsigned quotes = 0, prices = 0;
    for (const auto& call : snapshot.at("runtime_api")) {
        const std::string method = call.at("method").get<std::string>();
        const u64 netuid = call.at("netuid").get<u64>();
        const v3::Pool& pool = by_netuid.at(netuid);
        const json& want = call.at("result");
        if (method == "SwapRuntimeApi_current_alpha_price") {
            EXPECT_EQ(v3::current_alpha_price(pool), field(want, "price")) << "netuid " << netuid;
            ++prices;
            continue;
        }
        const SwapSide side = method == "SwapRuntimeApi_sim_swap_tao_for_alpha" ? SwapSide::buy : SwapSide::sell;
        const u64 amount = std::stoull(call.at("amount").get<std::string>());
        const v3::SimSwapResult got = v3::sim_swap(side, pool, amount);
        const std::string where = method + "(" + std::to_string(netuid) + ", " + std::to_string(amount) + ")";
        EXPECT_EQ(got.tao_amount, field(want, "tao_amount")) << where;
        EXPECT_EQ(got.alpha_amount, field(want, "alpha_amount")) << where;
        EXPECT_EQ(got.tao_fee, field(want, "tao_fee")) << where;
        EXPECT_EQ(got.alpha_fee, field(want, "alpha_fee")) << where;
        ++quotes;
    }
    EXPECT_EQ(quotes, 18u);
    EXPECT_EQ(prices, 3u);
}
