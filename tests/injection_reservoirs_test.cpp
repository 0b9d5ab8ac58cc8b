// Unit tests of today's mainnet injection (spec 432+): the Balancer reservoirs and the chain buy
// before the reweight, with the refund of a failed one.
// Rules: BCOIN-015, BCOIN-016, RSET-025.
//
// The reservoir cases are the swap pallet's own tests, RaoFoundation/subtensor@71ddeed
// pallets/swap/src/pallet/tests/adjust_protocol_liquidity.rs (`…_materializes_tao_when_
// reservoiring_tao`, `…_materializes_alpha_when_reservoiring_alpha`, `…_retries_reservoir_with_
// new_injection`, `…_activates_reservoir_amounts`); their mock pool starts at w = ½.
#include "coinbase_mock.hpp"
#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <utility>

using namespace dtao;
using namespace dtao::test::coinbase_mock;

namespace {

Subnet pool(u64 tao, u64 alpha)
{
    Subnet s;
    s.netuid = 1;
    s.subnet_tao = tao;
    s.subnet_alpha_in = alpha;
    return s;
}

/// What `adjust_protocol_liquidity` returned, and the reservoirs it left.
struct Adjusted
{
    std::pair<u64, u64> active;
    u64 tao_reservoir = 0;
    u64 alpha_reservoir = 0;
};

Adjusted adjust(Subnet& s, u64 tao, u64 alpha)
{
    Perquintill w = chain::balancer::quote_weight(s);
    Adjusted out;
    out.active = adjust_protocol_liquidity_with_reservoirs(s, w, tao, alpha);
    out.tao_reservoir = s.balancer_tao_reservoir;
    out.alpha_reservoir = s.balancer_alpha_reservoir;
    EXPECT_EQ(w, chain::balancer::quote_weight(s)) << "the weight in force follows the stored one";
    return out;
}

}  // namespace

/// @rule BCOIN-016
TEST(injection_reservoirs, tao_waits_when_only_alpha_fits)
{
    // test_adjust_protocol_liquidity_materializes_tao_when_reservoiring_tao: reserves 1 000 / 1 000,
    // adjust(200 000, 1 000) → (0, 1 000); TAO reservoir 200 000, alpha reservoir 0.
    Subnet s = pool(1'000, 1'000);
    const auto got = adjust(s, 200'000, 1'000);
    EXPECT_EQ(got.active, (std::pair<u64, u64>{0, 1'000}));
    EXPECT_EQ(got.tao_reservoir, 200'000u);
    EXPECT_EQ(got.alpha_reservoir, 0u);
}

/// @rule BCOIN-016
TEST(injection_reservoirs, alpha_waits_when_only_tao_fits)
{
    // …_materializes_alpha_when_reservoiring_alpha: adjust(1 000, 200 000) → (1 000, 0).
    Subnet s = pool(1'000, 1'000);
    const auto got = adjust(s, 1'000, 200'000);
    EXPECT_EQ(got.active, (std::pair<u64, u64>{1'000, 0}));
    EXPECT_EQ(got.tao_reservoir, 0u);
    EXPECT_EQ(got.alpha_reservoir, 200'000u);
}

/// @rule BCOIN-016
TEST(injection_reservoirs, a_later_injection_releases_the_reservoir)
{
    // …_retries_reservoir_with_new_injection: after the first case the pool holds 1 000 / 2 000
    // and 200 000 TAO waits; adjust(1 000, 200 000) then activates at least the deltas and
    // empties both reservoirs. Here, exactly: the waiting 200 000 plus the new 1 000.
    Subnet s = pool(1'000, 1'000);
    const auto first = adjust(s, 200'000, 1'000);
    s.subnet_tao += first.active.first;
    s.subnet_alpha_in += first.active.second;
    const auto got = adjust(s, 1'000, 200'000);
    EXPECT_EQ(got.active, (std::pair<u64, u64>{201'000, 200'000}));
    EXPECT_EQ(got.tao_reservoir, 0u);
    EXPECT_EQ(got.alpha_reservoir, 0u);
}

/// @rule BCOIN-016
TEST(injection_reservoirs, reservoirs_join_the_delta)
{
    // …_activates_reservoir_amounts: reserves 1e6 / 1e6, reservoirs 10 000 / 20 000,
    // adjust(300, 400) → (10 300, 20 400), both reservoirs emptied.
    Subnet s = pool(1'000'000, 1'000'000);
    s.balancer_tao_reservoir = 10'000;
    s.balancer_alpha_reservoir = 20'000;
    const auto got = adjust(s, 300, 400);
    EXPECT_EQ(got.active, (std::pair<u64, u64>{10'300, 20'400}));
    EXPECT_EQ(got.tao_reservoir, 0u);
    EXPECT_EQ(got.alpha_reservoir, 0u);
}

/// @rule BCOIN-016
TEST(injection_reservoirs, nothing_fits_both_wait_and_the_weight_stays)
{
    // Derivation: BAL-007 keeps the price p = (τ/w2)/(α/w1) and solves for the new quote weight
    // w2: adding TAO alone raises it, adding alpha alone lowers it. From w2 = 0.99 (the upper
    // bound) any TAO alone leaves the bounds; alpha 10^9 times the reserve alone would need
    // w1/w2 = 10^9·0.01/0.99 (w2 far below 0.01); with both, τ ×1001 and α ×(10^9 + 1) still
    // need w1/w2 ≈ 10^4 (w2 ≈ 10^-4). So every try fails.
    Subnet s = pool(1'000'000, 1'000'000);
    s.swap_balancer_quote_parts = Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS;
    const u64 parts = s.swap_balancer_quote_parts;
    Perquintill w = chain::balancer::quote_weight(s);
    // Each try alone, to show why the retry order ends where it does.
    EXPECT_FALSE(
        chain::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, 1'000'000'000, 0));
    EXPECT_FALSE(chain::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, 0,
                                                                     1'000'000'000'000'000));
    EXPECT_FALSE(chain::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, 1'000'000'000,
                                                                     1'000'000'000'000'000));
    const auto got = adjust(s, 1'000'000'000, 1'000'000'000'000'000);
    EXPECT_EQ(got.active, (std::pair<u64, u64>{0, 0}));
    EXPECT_EQ(got.tao_reservoir, 1'000'000'000u);
    EXPECT_EQ(got.alpha_reservoir, 1'000'000'000'000'000u);
    EXPECT_EQ(s.swap_balancer_quote_parts, parts);
}

/// @rule BCOIN-015 RSET-025
TEST(injection_reservoirs, failed_chain_buy_is_refunded_not_stranded)
{
    // One dynamic subnet whose TAO emission is all excess (no root stake: cap 0), with an alpha
    // reserve below the mock's MinimumReserve (100), so the chain buy fails (ReservesTooLow,
    // BAL-005). main 14bc6f9 spends the excess and strands it on the subnet account; mainnet
    // spec 432+ withdraws it back into the credit, which is then recycled.
    const auto run = [](const Ruleset& rules) {
        ChainState st = mock_state(1'000);
        Subnet s = add_dynamic_network(st, 1);
        s.subnet_emission_enabled = true;
        s.first_emission_block_number = 1;
        s.subnet_alpha_in = 50;
        s.subnet_moving_price = I96F32::from_bits(i128{1} << 32);
        st.subnets.push_back(s);
        st.total_issuance = 1'000'000'000'000;
        const u64 before = st.total_issuance;
        const auto res = block_step_with_credit(rules, st, 1'000'000'000);
        return std::tuple{res, st, before};
    };
    const auto [old_res, old_st, old_before] = run(MAIN_14BC6F9);
    const auto& old_e = old_res.emissions.at(0);
    ASSERT_GT(old_e.excess_spent, 0u);
    EXPECT_FALSE(old_e.chain_buy_ok);
    EXPECT_EQ(old_e.stranded_tao, old_e.excess_spent);
    EXPECT_EQ(old_e.chain_buy_refunded, 0u);

    const auto [res, st, before] = run(MAINNET_432);
    const auto& e = res.emissions.at(0);
    EXPECT_FALSE(e.chain_buy_ok);
    EXPECT_EQ(e.excess_spent, old_e.excess_spent);
    EXPECT_EQ(e.chain_buy_refunded, e.excess_spent);
    EXPECT_EQ(e.stranded_tao, 0u);
    // The refund is recycled with the rest of the unspent credit: the stranded TAO of the old
    // rule is exactly what the new one recycles on top.
    EXPECT_EQ(res.tao_recycled, old_res.tao_recycled + old_e.stranded_tao);
    EXPECT_EQ(st.total_issuance + e.chain_buy_refunded, old_st.total_issuance);
    EXPECT_EQ(old_before, before);
}

/// @rule BCOIN-015
TEST(injection_reservoirs, chain_buy_runs_before_the_reweight)
{
    // Spec 432+ buys on the reserves before this block's injection and reweights after it, so
    // the same state gives another pool than main 14bc6f9, which reweights first. With the
    // buy first, the reweight sees the bought pool: the TAO and alpha injected are the same
    // terms, the stored weights differ.
    const auto run = [](const Ruleset& rules) {
        ChainState st = mock_state(1'000);
        set_full_injection_root_stake(st);
        st.tao_weight = U64_MAX / 1'000;  // a small root proportion: part of the emission is excess
        Subnet s = add_dynamic_network(st, 1);
        s.subnet_emission_enabled = true;
        s.first_emission_block_number = 1;
        s.subnet_moving_price = I96F32::from_bits(i128{1} << 32);
        s.subnet_alpha_out = 1'000'000'000'000'000;
        st.subnets.push_back(s);
        st.total_issuance = 1'000'000'000'000;
        const auto res = block_step_with_credit(rules, st, 1'000'000'000);
        return std::pair{res, st};
    };
    const auto [old_res, old_st] = run(MAIN_14BC6F9);
    const auto [res, st] = run(MAINNET_432);
    const auto& old_e = old_res.emissions.at(0);
    const auto& e = res.emissions.at(0);
    ASSERT_TRUE(old_e.capped);
    ASSERT_TRUE(old_e.chain_buy_ok);
    ASSERT_TRUE(e.chain_buy_ok);
    EXPECT_EQ(e.materialized_tao, e.injected_tao);
    EXPECT_EQ(e.injected_tao, old_e.injected_tao);
    EXPECT_EQ(e.injected_alpha, old_e.injected_alpha);
    EXPECT_NE(st.find(1)->swap_balancer_quote_parts, old_st.find(1)->swap_balancer_quote_parts);
}
