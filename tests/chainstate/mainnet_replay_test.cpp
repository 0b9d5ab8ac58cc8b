/// Mainnet, replayed: every snapshot of tests/data/mainnet/ (re-encoded captures of finney at
/// block 9,240,388, spec 475; tests/data/mainnet/README.md) is decoded with the chain-storage
/// decoder under the ruleset in force for its spec version (RSET-027: `mainnet-464`), and each
/// runtime-API result it records is recomputed with the
/// reference and compared field by field, to the rao.
///
/// What the runtime API computes around the swap is the runtime's own code
/// (opentensor/subtensor@14bc6f9 runtime/src/lib.rs, `impl SwapRuntimeApi`):
///   current_alpha_price(n)     = current_price(n).saturating_mul(U64F64(10^9)).saturating_to_num::<u64>()
///   sim_swap_tao_for_alpha(n, t): price = current_price(n);
///                                 no_slippage_alpha = (U64F64(t) safe_div price).saturating_to_num::<u64>();
///                                 r = Pallet::sim_swap(n, GetAlphaForTao(t)) (default limit, fees charged);
///                                 {tao_amount: r.paid_in, alpha_amount: r.paid_out, tao_fee: r.fee_paid,
///                                  alpha_fee: 0, tao_slippage: 0,
///                                  alpha_slippage: no_slippage_alpha saturating_sub r.paid_out}; all 0 on error
///   sim_swap_alpha_for_tao(n, a): no_slippage_tao = (U64F64(a) saturating_mul price).saturating_to_num::<u64>();
///                                 {tao_amount: r.paid_out, alpha_amount: r.paid_in, tao_fee: 0,
///                                  alpha_fee: r.fee_paid, tao_slippage: no_slippage_tao saturating_sub
///                                  r.paid_out, alpha_slippage: 0}
/// `current_alpha_price_all` lists `current_alpha_price` of every subnet.
#include "chainstate.hpp"
#include "decimal.hpp"

#include "dtao/balancer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;
namespace bal = dtao::chain::balancer;
using dtao::u128;
using dtao::u64;
using dtao::fixed::U64F64;
using nlohmann::json;

const fs::path MAINNET = fs::path(DTAO_SOURCE_DIR) / "tests/data/mainnet";

json load(const fs::path& p)
{
    std::ifstream in(p);
    return json::parse(in);
}

U64F64 from_u64(u64 v) { return U64F64::from_bits(static_cast<u128>(v) << 64); }

u64 saturating_sub(u64 a, u64 b) { return a > b ? a - b : 0; }

/// `SwapRuntimeApi_current_alpha_price`: the pool price in rao per alpha.
u64 current_alpha_price(const dtao::Subnet& s)
{
    return bal::current_price(s).saturating_mul(from_u64(1'000'000'000)).saturating_to_u64();
}

/// `SwapRuntimeApi_sim_swap_*` as the runtime builds its result from the swap pallet's.
std::map<std::string, u64> sim_swap_result(const dtao::Ruleset& rules, const dtao::ChainState& st,
                                           const dtao::Subnet& s, dtao::SwapSide side, u64 amount)
{
    const U64F64 price = bal::current_price(s);
    const auto r = bal::sim_swap(rules, s, st.swap_minimum_reserve, side, amount);
    std::map<std::string, u64> out{{"tao_amount", 0}, {"alpha_amount", 0}, {"tao_fee", 0},
                                   {"alpha_fee", 0},  {"tao_slippage", 0}, {"alpha_slippage", 0}};
    if (!r)
        return out;
    if (side == dtao::SwapSide::buy) {
        const u64 no_slippage_alpha = from_u64(amount).safe_div(price).saturating_to_u64();
        out["tao_amount"] = r->amount_paid_in;
        out["alpha_amount"] = r->amount_paid_out;
        out["tao_fee"] = r->fee_paid;
        out["alpha_slippage"] = saturating_sub(no_slippage_alpha, r->amount_paid_out);
    } else {
        const u64 no_slippage_tao = from_u64(amount).saturating_mul(price).saturating_to_u64();
        out["tao_amount"] = r->amount_paid_out;
        out["alpha_amount"] = r->amount_paid_in;
        out["alpha_fee"] = r->fee_paid;
        out["tao_slippage"] = saturating_sub(no_slippage_tao, r->amount_paid_out);
    }
    return out;
}

/// A recorded number (a decimal string), read strictly: a malformed one fails the test.
u64 number(const json& j)
{
    const auto d =
        dtao::protocol::parse_decimal(j.get<std::string>(), {.lo = dtao::Int(0), .hi = dtao::Int(dtao::U64_MAX)});
    if (!d)
        throw std::runtime_error("recorded number " + j.dump() + ": " + d.error);
    return static_cast<u64>(*d.value);
}

/// @rule BAL-001 BAL-005
TEST(MainnetReplay, EveryCapturedQuoteAndPriceMatchesToTheRao)
{
    std::size_t quotes = 0, prices = 0, files = 0;
    for (const auto& f : fs::directory_iterator(MAINNET)) {
        if (f.path().extension() != ".json")
            continue;
        ++files;
        const json snap = load(f.path());
        const auto in_force = dtao::find_ruleset_for_spec(snap.at("provenance").at("spec_version").get<unsigned>());
        ASSERT_TRUE(in_force.has_value()) << f.path() << ": no ruleset for its spec version";
        const dtao::Ruleset rules = *in_force;
        const auto d = dtao::chainstate::decode(snap, rules);
        ASSERT_TRUE(snap.contains("runtime_api")) << f.path();
        for (const auto& call : snap["runtime_api"]) {
            const std::string method = call["method"];
            const u64 netuid = call["netuid"];
            const std::string where = f.path().filename().string() + " " + method + "(" + std::to_string(netuid) +
                                      (call.contains("amount") ? ", " + call["amount"].get<std::string>() : "") + ")";
            const dtao::Subnet* s = d.state.find(netuid);
            ASSERT_NE(s, nullptr) << where << ": the snapshot has no storage of that subnet";
            if (method == "SwapRuntimeApi_current_alpha_price" || method == "SwapRuntimeApi_current_alpha_price_all") {
                EXPECT_EQ(current_alpha_price(*s), number(call["result"]["price"])) << where;
                ++prices;
                continue;
            }
            const bool buy = method == "SwapRuntimeApi_sim_swap_tao_for_alpha";
            ASSERT_TRUE(buy || method == "SwapRuntimeApi_sim_swap_alpha_for_tao") << where << ": unknown method";
            const auto got = sim_swap_result(rules, d.state, *s, buy ? dtao::SwapSide::buy : dtao::SwapSide::sell,
                                             number(call["amount"]));
            ASSERT_EQ(call["result"].size(), got.size()) << where;
            for (const auto& [field, value] : got)
                EXPECT_EQ(value, number(call["result"].at(field))) << where << ": " << field;
            ++quotes;
        }
    }
    // 2 snapshots: 4 quotes (SN1 1-TAO buy; SN92 10- and 100-TAO buys and a 1000-alpha sell) and 5 prices
    EXPECT_EQ(files, 2u);
    EXPECT_EQ(quotes, 4u);
    EXPECT_EQ(prices, 5u);
}

/// The one quote the capture's own notes pin, written out: SN1, 1 TAO at 9,240,388.
/// @rule BAL-005
TEST(MainnetReplay, Sn1OneTaoBuy)
{
    const dtao::Ruleset rules = *dtao::find_ruleset_for_spec(475);
    const auto d = dtao::chainstate::decode(load(MAINNET / "sn1_9240388.json"), rules);
    const dtao::Subnet& s = *d.state.find(1);
    const auto got = sim_swap_result(rules, d.state, s, dtao::SwapSide::buy, 1'000'000'000);
    EXPECT_EQ(got.at("tao_amount"), 999'496'453u);
    EXPECT_EQ(got.at("alpha_amount"), 152'290'647'774u);
    EXPECT_EQ(got.at("tao_fee"), 503'547u);
    EXPECT_EQ(got.at("alpha_slippage"), 83'337'619u);
    EXPECT_EQ(current_alpha_price(s), 6'562'800u);
}

}  // namespace
