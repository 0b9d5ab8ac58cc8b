// The v3 pool's ops through `dtao eval` (spec/protocol.md, "Ops of the v3 pool"): the codec
// reads the pool and writes the answer the reference computes; the defaults are the ruleset's;
// bad input is refused with its place. The rule values themselves are tests/v3_swap_test.cpp's
// and the mainnet captures' (tests/chainstate/v3_quotes_test.cpp).
#include "protocol.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/v3_swap.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;
using namespace dtao;

namespace {

json eval(const std::string& op, const json& input, const std::string& ruleset, const char* arithmetic = "chain")
{
    const json req{{"id", "t"}, {"ruleset", ruleset}, {"op", op}, {"arithmetic", arithmetic}, {"input", input}};
    return protocol::evaluate(req);
}

/// SN1 of finney at block 7 000 020 (tests/data/mainnet/v3/b7000020.json).
json sn1()
{
    return {{"netuid", "1"},
            {"subnet_tao", "23175666851268"},
            {"subnet_alpha_in", "2486219631270696"},
            {"alpha_sqrt_price", {{"type", "U64F64"}, {"bits", "1781045380923513843"}}},
            {"current_tick", "-46757"},
            {"current_liquidity", "239996554252700"}};
}

/// The same pool as the reference reads it: the protocol's full-range position alone.
v3::Pool sn1_pool(const Ruleset& rules)
{
    v3::Pool p;
    p.tao_reserve = 23'175'666'851'268;
    p.alpha_reserve = 2'486'219'631'270'696;
    p.initialized = true;
    p.sqrt_price = fixed::U64F64::from_bits(u128{1'781'045'380'923'513'843ULL});
    p.current_tick = -46'757;
    p.liquidity = 239'996'554'252'700;
    p.fee_rate = rules.v3_default_fee_rate;
    p.ticks[tick::MIN_INDEX] = v3::Tick{static_cast<i128>(p.liquidity), p.liquidity, {}, {}};
    p.ticks[tick::MAX_INDEX] = v3::Tick{-static_cast<i128>(p.liquidity), p.liquidity, {}, {}};
    return p;
}

}  // namespace

/// @rule VSWAP-008 VSWAP-010 VSWAP-011 RSET-029
TEST(v3_ops, the_codec_answers_what_the_reference_computes)
{
    for (const Ruleset& rules : V3_RULESETS) {
        const std::string id(rules.id);
        const v3::Pool pool = sn1_pool(rules);
        const json price = eval("alpha_price", sn1(), id);
        ASSERT_TRUE(price.contains("output")) << id << price.dump();
        EXPECT_EQ(price["output"]["current_alpha_price"], std::to_string(v3::current_alpha_price(pool)));
        for (const auto side : {SwapSide::buy, SwapSide::sell}) {
            json in = sn1();
            in["side"] = side == SwapSide::buy ? "buy" : "sell";
            in["amount"] = "10000000000";
            const json r = eval("swap", in, id);
            ASSERT_TRUE(r.contains("output")) << id << r.dump();
            v3::Pool p = pool;
            const auto limit = *v3::limit_sqrt_price(side == SwapSide::buy ? v3::max_price() : v3::min_price());
            const auto want = v3::swap(rules, side, p, 10'000'000'000, limit, Fees::charged, SwapRun::commit);
            ASSERT_TRUE(want);
            EXPECT_EQ(r["output"]["amount_paid_in"], std::to_string(want->amount_paid_in)) << id;
            EXPECT_EQ(r["output"]["amount_paid_out"], std::to_string(want->amount_paid_out)) << id;
            EXPECT_EQ(r["output"]["fee_paid"], std::to_string(want->fee_paid)) << id;
            EXPECT_EQ(r["output"]["fee_to_block_author"], std::to_string(want->fee_to_block_author)) << id;
            EXPECT_EQ(r["output"]["alpha_sqrt_price"]["bits"], to_int(p.sqrt_price.bits).str()) << id;
            EXPECT_EQ(r["output"]["current_tick"], std::to_string(p.current_tick)) << id;
            EXPECT_EQ(r["output"]["ticks"], protocol::v3_pool_to_json(p)["ticks"]) << id;
            // the omitted ticks are the protocol position's, the omitted fee rate the ruleset's:
            // giving them answers the same
            in["ticks"] = protocol::v3_pool_to_json(pool)["ticks"];
            in["fee_rate"] = std::to_string(rules.v3_default_fee_rate);
            EXPECT_EQ(eval("swap", in, id), r) << id;
            const char* sim = side == SwapSide::buy ? "sim_swap_tao_for_alpha" : "sim_swap_alpha_for_tao";
            json q = sn1();
            q["amount"] = "10000000000";
            const json s = eval(sim, q, id);
            if (!rules.sim_swap_runtime_api) {
                EXPECT_EQ(s.value("error", ""), "op_not_in_ruleset") << id;
                continue;
            }
            ASSERT_TRUE(s.contains("output")) << id << s.dump();
            const v3::SimSwapResult w = v3::sim_swap(rules, side, pool, 10'000'000'000);
            EXPECT_EQ(s["output"]["tao_amount"], std::to_string(w.tao_amount)) << id;
            EXPECT_EQ(s["output"]["alpha_amount"], std::to_string(w.alpha_amount)) << id;
            EXPECT_EQ(s["output"].contains("tao_slippage"), rules.sim_swap_slippage) << id;
        }
    }
}

/// @rule RSET-029 RSET-033
TEST(v3_ops, the_deltas_show_in_the_answers)
{
    json in = sn1();
    in["side"] = "buy";
    in["amount"] = "1000000000";
    // the default fee: 196/65 535 at v3.2.0, 33/65 535 at v3.2.2 (tests/v3_swap_test.cpp derives both)
    EXPECT_EQ(eval("swap", in, "v3.2.0")["output"]["fee_paid"], "2990768");
    EXPECT_EQ(eval("swap", in, "v3.2.2")["output"]["fee_paid"], "503547");
    // the fee accrues to the fee globals before v3.3.11-385, to the block author after
    const json old = eval("swap", in, "v3.2.10-334")["output"];
    const json now = eval("swap", in, "v3.3.11-385")["output"];
    EXPECT_EQ(old["fee_to_block_author"], "0");
    EXPECT_NE(old["fee_global_tao"]["bits"], "0");
    EXPECT_EQ(now["fee_to_block_author"], now["fee_paid"]);
    EXPECT_EQ(now["fee_global_tao"]["bits"], "0");
    // spec:348 is v3.2.10-334
    EXPECT_EQ(eval("swap", in, "spec:348"), eval("swap", in, "v3.2.10-334"));
}

TEST(v3_ops, bad_input_is_refused_with_its_place)
{
    const auto message = [](const json& r) { return r.value("error", "") + ": " + r.value("message", ""); };
    json in = sn1();
    in["ticks"] = json::array({{{"index", "5"}, {"liquidity_net", "1"}}, {{"index", "5"}, {"liquidity_net", "-1"}}});
    EXPECT_EQ(message(eval("alpha_price", in, "v3.2.5")),
              "invalid_field: request.input.ticks[1].index: ticks must be listed in strictly ascending index order");
    in["ticks"] = json::array({{{"index", "443637"}, {"liquidity_net", "1"}}});
    EXPECT_EQ(message(eval("alpha_price", in, "v3.2.5")),
              "invalid_field: request.input.ticks[0].index: a tick lies in [-443636, 443636]");
    in["ticks"] = json::array({{{"index", "0"}}});
    EXPECT_EQ(eval("alpha_price", in, "v3.2.5").value("error", ""), "missing_field");
    in = sn1();
    in["current_tick"] = "2147483648";  // beyond i32
    EXPECT_EQ(eval("alpha_price", in, "v3.2.5").value("error", ""), "invalid_field");
    in = sn1();
    in["swap_balancer_quote_parts"] = "1";  // the Balancer's storage is no v3 pool's
    EXPECT_EQ(message(eval("alpha_price", in, "v3.2.5")),
              "invalid_field: request.input.swap_balancer_quote_parts: unknown field");
    // no exact model, and the coinbase is not modelled: both said, neither answered
    EXPECT_EQ(eval("alpha_price", sn1(), "v3.2.5", "exact").value("error", ""), "not_modelled");
    EXPECT_EQ(eval("coinbase", {{"state", json::object()}}, "v3.4.6-421").value("error", ""), "not_modelled");
    EXPECT_EQ(eval("add_stake", sn1(), "v3.2.10-334").value("error", ""), "not_modelled");
    EXPECT_EQ(eval("pow_ratio_scaled", json::object(), "v3.2.10-334").value("error", ""), "op_not_in_ruleset");
}

/// @rule VSWAP-016 RSET-035
/// The protocol position's maintenance through `dtao eval`: the default position is the pool's
/// current liquidity on the full range, the answer is the reference's, and each ruleset's form of
/// RSET-035 shows (fees and reservoirs read only where it says).
TEST(v3_ops, protocol_liquidity_answers_what_the_reference_computes)
{
    for (const Ruleset& rules : V3_RULESETS) {
        const std::string id(rules.id);
        v3::Pool pool = sn1_pool(rules);
        pool.protocol_position = v3::new_position(pool, tick::MIN_INDEX, tick::MAX_INDEX, pool.liquidity);
        pool.scrap_reservoir_tao = 7;
        const v3::ProtocolLiquidityResult want = v3::adjust_protocol_liquidity(rules, pool, 1'000'000'000, 1'000);
        json in = sn1();
        in["scrap_reservoir_tao"] = "7";
        in["tao"] = "1000000000";
        in["alpha"] = "1000";
        const json r = eval("adjust_protocol_liquidity", in, id);
        ASSERT_TRUE(r.contains("output")) << id << r.dump();
        const json& out = r["output"];
        EXPECT_EQ(out["adjusted"], true);
        EXPECT_EQ(out["tao_in"], std::to_string(want.tao_in)) << id;
        EXPECT_EQ(out["alpha_in"], std::to_string(want.alpha_in)) << id;
        EXPECT_EQ(out["liquidity_delta"], std::to_string(want.liquidity_delta)) << id;
        EXPECT_EQ(out["current_liquidity"], std::to_string(pool.liquidity)) << id;
        EXPECT_EQ(out["protocol_positions"][0]["liquidity"], std::to_string(pool.protocol_position->liquidity)) << id;
        EXPECT_EQ(out["scrap_reservoir_tao"], std::to_string(pool.scrap_reservoir_tao)) << id;
        const bool split = rules.v3_protocol_liquidity == V3ProtocolLiquidity::proportional_scraps;
        EXPECT_EQ(out["scrap_reservoir_tao"] != "7", split) << id;  // 10^9 TAO against 1 000 alpha: scraps
    }
    // bad positions are refused with their place; a pool never initialised has no position
    json in = sn1();
    in["tao"] = "0";
    in["alpha"] = "0";
    in["protocol_positions"] = json::array({{{"tick_low", "5"}, {"tick_high", "5"}, {"liquidity", "1"}}});
    EXPECT_EQ(eval("adjust_protocol_liquidity", in, "v3.2.4").value("message", ""),
              "request.input.protocol_positions[0].tick_high: a position's tick_high must lie above its tick_low");
    in["protocol_positions"] = json::array({{{"tick_low", "5"}, {"tick_high", "6"}}});
    EXPECT_EQ(eval("adjust_protocol_liquidity", in, "v3.2.4").value("error", ""), "missing_field");
    in.erase("protocol_positions");
    in["swap_v3_initialized"] = false;
    const json none = eval("adjust_protocol_liquidity", in, "v3.2.4");
    EXPECT_EQ(none["output"]["adjusted"], false) << none.dump();
    EXPECT_TRUE(none["output"]["protocol_positions"].empty());
}
