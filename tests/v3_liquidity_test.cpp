// The v3 pool's protocol position (VSWAP-013 … VSWAP-016, RSET-035): the chain's own test values
// (v3.2.15-348 pallets/swap/src/pallet/tests.rs) where it asserts them, and derivations shown
// where it does not.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/v3_swap.hpp"
#include "v3_pools.hpp"

#include <gtest/gtest.h>

#include <tuple>

using namespace dtao;
using dtao::test::v3_pools::mock_pool;
using fixed::U64F64;

namespace {

std::tuple<u64, u64, u64, u64> split(u64 sqrt_price, u64 tao, u64 alpha)
{
    const v3::Proportional p =
        v3::get_proportional_alpha_tao_and_remainders(U64F64::saturating_from_u64(sqrt_price), tao, alpha);
    return {p.tao, p.alpha, p.tao_scrap, p.alpha_scrap};
}

}  // namespace

/// @rule VSWAP-015
/// tests.rs: `proportional_when_price_is_one_and_tao_is_plenty` … `handles_zero_balances`.
TEST(v3_liquidity, proportional_split_of_the_chain)
{
    EXPECT_EQ(split(1, 10, 3), std::make_tuple(3, 3, 7, 0));
    EXPECT_EQ(split(1, 5, 10), std::make_tuple(5, 5, 0, 5));
    EXPECT_EQ(split(2, 85, 20), std::make_tuple(80, 20, 5, 0));
    EXPECT_EQ(split(2, 50, 20), std::make_tuple(50, 12, 0, 8));
    EXPECT_EQ(split(0, 42, 17), std::make_tuple(0, 17, 42, 0));
    EXPECT_EQ(split(2, 13, 100), std::make_tuple(13, 3, 0, 97));
    EXPECT_EQ(split(1, 9, 9), std::make_tuple(9, 9, 0, 0));
    EXPECT_EQ(split(1, 0, 7), std::make_tuple(0, 0, 0, 7));
    EXPECT_EQ(split(1, 7, 0), std::make_tuple(0, 0, 7, 0));
    EXPECT_EQ(split(1, 0, 0), std::make_tuple(0, 0, 0, 0));
}

/// @rule VSWAP-016
/// tests.rs `adjust_protocol_liquidity_uses_and_sets_scrap_reservoirs`: price 1, reservoirs 7 TAO
/// and 5 alpha, a protocol position of liquidity 0 on the full range, no deltas: 5 and 5 go in,
/// the reservoirs keep 2 and 0.
TEST(v3_liquidity, adjust_uses_and_sets_the_scrap_reservoirs)
{
    v3::Pool p;
    p.initialized = true;
    p.sqrt_price = U64F64::one();
    p.scrap_reservoir_tao = 7;
    p.scrap_reservoir_alpha = 5;
    p.protocol_position = v3::Position{tick::MIN_INDEX, tick::MAX_INDEX, 0, {}, {}};
    const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(V3_2_10_334, p, 0, 0);
    EXPECT_EQ(p.scrap_reservoir_tao, 2U);
    EXPECT_EQ(p.scrap_reservoir_alpha, 0U);
    EXPECT_EQ(r.tao_in, 5U);
    EXPECT_EQ(r.alpha_in, 5U);
    // Ours: the position's tokens are (0, 0) at L = 0, so L' = ⌊√(5·5)⌋ = 5, all of it new.
    EXPECT_EQ(r.liquidity_delta, 5U);
    EXPECT_EQ(p.protocol_position->liquidity, 5U);
    EXPECT_EQ(p.liquidity, 5U);
    EXPECT_EQ(p.ticks.at(tick::MIN_INDEX).liquidity_net, 5);
    EXPECT_EQ(p.ticks.at(tick::MAX_INDEX).liquidity_net, -5);
    // Before v3.2.10-334 the reservoirs are neither read nor written.
    v3::Pool q = p;
    q.scrap_reservoir_tao = 7;
    q.scrap_reservoir_alpha = 5;
    std::ignore = v3::adjust_protocol_liquidity(V3_2_4, q, 0, 0);
    EXPECT_EQ(q.scrap_reservoir_tao, 7U);
    EXPECT_EQ(q.scrap_reservoir_alpha, 5U);
}

/// @rule VSWAP-013
/// A full-range position at √p = 1 holds L·(1 − a) TAO and L·(1 − 1/b) alpha, a = √p(MIN_INDEX)
/// ≈ 2.3·10^-10 and 1/b = 1/√p(MAX_INDEX) ≈ 2.3·10^-10: for L = 10^6 both are
/// ⌊999 999.99977…⌋ = 999 999. Outside a range one side is 0.
TEST(v3_liquidity, token_amounts_of_a_position)
{
    const v3::Position full{tick::MIN_INDEX, tick::MAX_INDEX, 1'000'000, {}, {}};
    const auto at_one = v3::to_token_amounts(full, U64F64::one());
    ASSERT_TRUE(at_one);
    EXPECT_EQ(*at_one, std::make_pair(u64{999'999}, u64{999'999}));
    const v3::Position narrow{0, 100, 1'000'000'000'000, {}, {}};
    const auto below = v3::to_token_amounts(narrow, U64F64::from_f64(0.5));
    const auto above = v3::to_token_amounts(narrow, U64F64::from_f64(2.0));
    ASSERT_TRUE(below && above);
    EXPECT_EQ(below->first, 0U);
    EXPECT_GT(below->second, 0U);
    EXPECT_GT(above->first, 0U);
    EXPECT_EQ(above->second, 0U);
    // a tick with no price (beyond the index range): `InvalidTickRange`
    EXPECT_FALSE(v3::to_token_amounts(v3::Position{0, tick::MAX_INDEX + 1, 1, {}, {}}, U64F64::one()));
}

/// @rule VSWAP-014 VSWAP-016 RSET-035
/// From v3.2.4 the protocol position collects what a swap's fee left in the fee globals. With the
/// position the only liquidity L, a fee f accrues f/(L − 1000) per unit (truncated to 2^-64), and
/// L·that = f + f·1000/(L − 1000) − (< L·2^-64): for L ≈ 2·10^12 and f ≈ 5·10^5 the excess is
/// ≈ 2.5·10^-4 and the truncation < 1.1·10^-7, so ⌊·⌋ = f. v3.2.0 … v3.2.3 collect nothing, and
/// from v3.3.11-385 the fee goes to the block author, so nothing accrues.
TEST(v3_liquidity, protocol_position_collects_the_swap_fees)
{
    for (const Ruleset* rules : {&V3_2_0, &V3_2_4, &V3_2_10_334, &V3_3_11_385}) {
        v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
        p.fee_rate = 33;
        const auto s = v3::swap(*rules, SwapSide::buy, p, 1'000'000'000, *v3::limit_sqrt_price(v3::max_price()),
                                Fees::charged, SwapRun::commit);
        ASSERT_TRUE(s) << rules->id;
        ASSERT_GT(s->fee_paid, 0U);
        const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(*rules, p, 0, 0);
        EXPECT_TRUE(r.adjusted);
        const bool collects = rules->v3_protocol_liquidity != V3ProtocolLiquidity::reserves_only;
        const bool accrued = !rules->v3_fee_to_block_author;
        EXPECT_EQ(r.fees_tao, collects && accrued ? s->fee_paid : 0U) << rules->id;
        EXPECT_EQ(r.fees_alpha, 0U) << rules->id;
        // collected once: a second adjustment finds nothing new
        EXPECT_EQ(v3::adjust_protocol_liquidity(*rules, p, 0, 0).fees_tao, 0U) << rules->id;
        // a position opened now (`Position::new`) is owed none of the growth before it
        v3::Position fresh = v3::new_position(p, tick::MIN_INDEX, tick::MAX_INDEX, p.liquidity);
        EXPECT_EQ(v3::collect_fees(p, fresh), std::make_pair(u64{0}, u64{0})) << rules->id;
    }
}

/// @rule VSWAP-016
/// F-046: an injection too small to raise the position's liquidity lowers it. The full-range
/// position's tokens are worth less than L (a range bounded at √p(MIN) and √p(MAX): τ₀·α₀ =
/// L²(1 − a/s)(1 − s/b) < L²), so with no deltas L' < L; the pallet stores L' in the position
/// but takes nothing from `CurrentLiquidity` or the ticks (the delta is floored at 0).
TEST(v3_liquidity, f046_a_small_injection_lowers_the_position_alone)
{
    for (const Ruleset& rules : V3_RULESETS) {
        v3::Pool p = mock_pool(10'000'000'000'000, 1'000'000'000'000'000);
        const u64 l = p.protocol_position->liquidity;
        ASSERT_EQ(l, 100'000'000'000'000U);  // ⌊√(10^13 · 10^15)⌋
        const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(rules, p, 0, 0);
        EXPECT_TRUE(r.adjusted);
        EXPECT_EQ(r.liquidity_delta, 0U);
        EXPECT_LT(p.protocol_position->liquidity, l) << rules.id;
        EXPECT_EQ(p.liquidity, l) << rules.id;
        EXPECT_EQ(p.ticks.at(tick::MIN_INDEX).liquidity_gross, l) << rules.id;
    }
}

/// @rule VSWAP-016
/// Without a protocol position (a pool the v3 pallet never initialised) nothing changes.
TEST(v3_liquidity, no_protocol_position_no_change)
{
    v3::Pool p;
    p.tao_reserve = 1'000'000'000;
    p.alpha_reserve = 1'000'000'000;
    p.scrap_reservoir_tao = 3;
    const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(V3_4_6_421, p, 1'000, 1'000);
    EXPECT_FALSE(r.adjusted);
    EXPECT_EQ(p.scrap_reservoir_tao, 3U);
    EXPECT_TRUE(p.ticks.empty());
}
