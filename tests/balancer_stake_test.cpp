// Unit tests of the Balancer-era stake and unstake (BAL-011) and the limit maxima (BAL-012),
// v3.4.8-423+. The pool and the swap are in balancer_test.cpp.
// Rules: BAL-011 BAL-012
//
// Chain source: subtensor 14bc6f9 pallets/subtensor/src/staking/{stake_utils.rs,
// add_stake.rs,remove_stake.rs}, pallets/swap/src/pallet/impls.rs and
// pallets/subtensor/src/tests/staking.rs. H12–H13 are the chain's own assertions
// (chain-rules.md §7.2), row by row; our exact chain-model value is pinned next to each.
#include "balancer_pools.hpp"
#include "dtao/balancer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using namespace dtao::chain::balancer;
using namespace dtao::test::balancer_pools;

namespace {

ChainState state_with(const Subnet& s, bool author = true)
{
    ChainState st;
    st.total_stake = 10'000'000'000'000;
    st.total_issuance = 20'000'000'000'000;
    st.block_author = author;
    st.subnets = {s};
    return st;
}

}  // namespace

/// @rule BAL-011
TEST(balancer, add_stake_validation_and_fee_destination)
{
    const Subnet s = pool(1'000'000'000'000, 1'000'000'000'000);
    // min amount = 2 000 000 + fee(sim of 2 000 000) = 2 001 007.
    {
        ChainState st = state_with(s);
        EXPECT_EQ(add_stake(HEAD, st, 1, 2'001'006, std::nullopt, Fill::whole).error(), Error::amount_too_low);
        EXPECT_EQ(st.total_stake, 10'000'000'000'000u);
        const auto r = add_stake(HEAD, st, 1, 2'001'007, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->swap.amount_paid_in, 2'000'000u);
        EXPECT_EQ(r->swap.fee_paid, 1'007u);
    }
    {
        // author: the TAO fee leaves the subnet account to the author; TotalStake += gross
        ChainState st = state_with(s, true);
        const auto r = add_stake(HEAD, st, 1, 1'000'000'000, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->author_tao, 503'547u);
        EXPECT_EQ(r->burned_tao, 0u);
        EXPECT_EQ(st.subnets[0].subnet_tao, 1'000'000'000'000u + 999'496'453u);
        EXPECT_EQ(st.total_stake, 10'000'000'000'000u + 1'000'000'000u);
        EXPECT_EQ(st.total_issuance, 20'000'000'000'000u);
        EXPECT_EQ(r->alpha, r->swap.amount_paid_out);
        EXPECT_EQ(r->tao_unswapped, 0u);
    }
    {
        // no author: burned (moved to the burn account); TotalIssuance unchanged all the same
        ChainState st = state_with(s, false);
        const auto r = add_stake(HEAD, st, 1, 1'000'000'000, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->author_tao, 0u);
        EXPECT_EQ(r->burned_tao, 503'547u);
        EXPECT_EQ(st.total_issuance, 20'000'000'000'000u);
    }
    {
        // limit order, no partial fill: above the max → slippage_too_high, state unchanged
        ChainState st = state_with(s);
        EXPECT_EQ(add_stake(HEAD, st, 1, 100'000'000'000, 1'010'000'000, Fill::whole).error(),
                  Error::slippage_too_high);
        const auto max = max_amount_add(HEAD, s, st.swap_minimum_reserve, 1'010'000'000);
        ASSERT_TRUE(max);
        // partial fill: stakes min(amount, max) and ends at or below the limit
        const auto r = add_stake(HEAD, st, 1, 100'000'000'000, 1'010'000'000, Fill::partial);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->tao_requested, *max);
        EXPECT_LE(current_price(st.subnets[0]), limit_price_from_rao(1'010'000'000));
        // limit at or below the price: the max errors out and so does the stake
        EXPECT_EQ(add_stake(HEAD, st, 1, 100'000'000, 1'000'000'000, Fill::partial).error(),
                  Error::price_limit_exceeded);
    }
    {
        // input cap (v3.4.9-424+): amount > 1000·SubnetTAO → insufficient_liquidity
        const Subnet small = pool(1'000'000, 1'000'000'000);
        ChainState st = state_with(small);
        EXPECT_EQ(add_stake(HEAD, st, 1, 1'000'000'001, std::nullopt, Fill::whole).error(),
                  Error::insufficient_liquidity);
        ChainState st8 = state_with(small);
        EXPECT_TRUE(add_stake(V3_4_8_423, st8, 1, 1'000'000'001, std::nullopt, Fill::whole));
    }
    {
        // unknown subnet
        ChainState st = state_with(s);
        EXPECT_EQ(add_stake(HEAD, st, 9, 1'000'000'000, std::nullopt, Fill::whole).error(), Error::subnet_not_exists);
    }
}

/// @rule BAL-011
TEST(balancer, remove_stake_validation_and_fee_destination)
{
    const Subnet s = pool(1'000'000'000'000, 1'000'000'000'000);
    {
        // zero, and a partial unstake worth < min stake
        ChainState st = state_with(s);
        EXPECT_EQ(remove_stake(HEAD, st, 1, 0, 5'000'000, std::nullopt, Fill::whole).error(), Error::amount_too_low);
        EXPECT_EQ(remove_stake(HEAD, st, 1, 1'000'000, 5'000'000, std::nullopt, Fill::whole).error(),
                  Error::amount_too_low);
        // unstaking everything bypasses the min-stake check
        EXPECT_TRUE(remove_stake(HEAD, st, 1, 1'000'000, 1'000'000, std::nullopt, Fill::whole));
    }
    {
        // author: the alpha fee is sold fee-free and its TAO goes to the author
        ChainState st = state_with(s, true);
        const u64 ts0 = st.total_stake;
        const auto r = remove_stake(HEAD, st, 1, 1'000'000'000, 5'000'000'000, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->swap.fee_paid, 503'547u);
        EXPECT_EQ(r->fee_swap.amount_paid_in, 503'547u);
        EXPECT_EQ(r->fee_swap.fee_paid, 0u);
        EXPECT_GT(r->author_tao, 0u);
        EXPECT_EQ(st.total_stake, ts0 - r->tao - r->author_tao);
        EXPECT_EQ(st.subnets[0].subnet_alpha_in, 1'000'000'000'000u + 1'000'000'000u);  // paid_in + fee both in
        EXPECT_EQ(st.subnets[0].subnet_tao, 1'000'000'000'000u - r->tao - r->author_tao);
    }
    {
        // no author: the alpha fee is burned; the reserve gets only paid_in
        ChainState st = state_with(s, false);
        const auto r = remove_stake(HEAD, st, 1, 1'000'000'000, 5'000'000'000, std::nullopt, Fill::whole);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->burned_alpha, 503'547u);
        EXPECT_EQ(st.subnets[0].subnet_alpha_in, 1'000'000'000'000u + 999'496'453u);
        EXPECT_EQ(st.total_issuance, 20'000'000'000'000u);
    }
    {
        // limit with partial fill, no author: the swap ends at or above the limit price
        ChainState st = state_with(s, false);
        const auto r = remove_stake(HEAD, st, 1, 100'000'000'000, 200'000'000'000, 990'000'000, Fill::partial);
        ASSERT_TRUE(r);
        const auto max = max_amount_remove(HEAD, s, st.swap_minimum_reserve, 990'000'000);
        ASSERT_TRUE(max);
        EXPECT_EQ(r->alpha_requested, *max);
        EXPECT_EQ(r->alpha_refund, *max - r->swap.amount_paid_in - r->swap.fee_paid);
        EXPECT_GE(current_price(st.subnets[0]), limit_price_from_rao(990'000'000));
        ChainState st2 = state_with(s);
        EXPECT_EQ(remove_stake(HEAD, st2, 1, 100'000'000'000, 200'000'000'000, 990'000'000, Fill::whole).error(),
                  Error::slippage_too_high);
    }
    {
        // ...with an author, the fee alpha is sold afterwards at the MIN price: the final spot
        // price ends below the user's limit (the limit bounds the user's swap only).
        ChainState st = state_with(s, true);
        const auto r = remove_stake(HEAD, st, 1, 100'000'000'000, 200'000'000'000, 990'000'000, Fill::partial);
        ASSERT_TRUE(r);
        EXPECT_GT(r->author_tao, 0u);
        EXPECT_LT(current_price(st.subnets[0]), limit_price_from_rao(990'000'000));
    }
    {
        // input cap on the alpha side (v3.4.9-424+)
        const Subnet small = pool(1'000'000'000, 1'000'000);
        ChainState st = state_with(small);
        EXPECT_EQ(remove_stake(HEAD, st, 1, 1'000'000'001, 2'000'000'000, std::nullopt, Fill::whole).error(),
                  Error::insufficient_liquidity);
    }
}

/// @rule BAL-011 F-039
/// The minimal request NES-1: pool 10^10 / 10^10 (price 1), sell 10^9 alpha with limit
/// 100 rao out of a stake of 3·10^8. `do_remove_stake_limit` does not cap the request at the
/// stake; `validate_remove_stake` → `calculate_reduced_stake_on_subnet` refuses it with
/// NotEnoughStakeToWithdraw (subtensor 14bc6f9 staking/stake_utils.rs, same at v3.4.8-423 and
/// v3.4.9-424). Order: input cap, BAL-012 probe, zero check, stake check, sale, slippage.
TEST(balancer, remove_stake_limit_above_the_stake_is_refused)
{
    const Subnet s = pool(10'000'000'000, 10'000'000'000);
    for (const Ruleset* rules : {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9}) {
        SCOPED_TRACE(rules->id);
        for (const Fill partial : {Fill::whole, Fill::partial}) {
            ChainState st = state_with(s);
            const ChainState pre = st;
            EXPECT_EQ(remove_stake(*rules, st, 1, 1'000'000'000, 300'000'000, 100, partial).error(),
                      Error::not_enough_stake_to_withdraw);
            EXPECT_EQ(st, pre);
            ExactChainState est = to_exact(state_with(s));
            EXPECT_EQ(exact::balancer::remove_stake(*rules, est, 1, Rational(1'000'000'000), Rational(300'000'000), 100,
                                                    partial)
                          .error(),
                      Error::not_enough_stake_to_withdraw);
        }
        {
            // nothing else refuses the request: with the stake to cover it, it sells
            ChainState st = state_with(s);
            const auto r = remove_stake(*rules, st, 1, 1'000'000'000, 1'000'000'000, 100, Fill::whole);
            ASSERT_TRUE(r);
            // fee = ⌊10^9·33/65535⌋ = 503 547 (BAL-004), the rest executes (limit far below)
            EXPECT_EQ(r->swap.amount_paid_in, 999'496'453u);
        }
        {
            // one alpha short of the request is enough to refuse it
            ChainState st = state_with(s);
            EXPECT_EQ(remove_stake(*rules, st, 1, 1'000'000'000, 999'999'999, 100, Fill::whole).error(),
                      Error::not_enough_stake_to_withdraw);
        }
        {
            // the plain extrinsic caps at the stake and unstakes all of it
            ChainState st = state_with(s);
            const auto r = remove_stake(*rules, st, 1, 1'000'000'000, 300'000'000, std::nullopt, Fill::whole);
            ASSERT_TRUE(r);
            EXPECT_EQ(r->alpha_requested, 300'000'000u);
        }
        {
            // the BAL-012 probe comes first: at limit = price 1 the sale is refused by the swap
            ChainState st = state_with(s);
            EXPECT_EQ(remove_stake(*rules, st, 1, 1'000'000'000, 300'000'000, 1'000'000'000, Fill::whole).error(),
                      Error::price_limit_exceeded);
        }
        {
            // the zero check comes before the stake check
            ChainState st = state_with(s);
            EXPECT_EQ(remove_stake(*rules, st, 1, 0, 0, 100, Fill::whole).error(), Error::amount_too_low);
        }
    }
    {
        // the input cap (v3.4.9-424+) comes first: 1000·10^10 + 1 alpha
        ChainState st = state_with(s);
        EXPECT_EQ(remove_stake(V3_4_9_424, st, 1, 10'000'000'000'001, 300'000'000, 100, Fill::whole).error(),
                  Error::insufficient_liquidity);
        ChainState st8 = state_with(s);
        EXPECT_EQ(remove_stake(V3_4_8_423, st8, 1, 10'000'000'000'001, 300'000'000, 100, Fill::whole).error(),
                  Error::not_enough_stake_to_withdraw);
    }
}

// ---------------------------------------------------------------- BAL-012 max amounts

namespace {

struct MaxRow
{
    u64 tao, alpha, limit;
    std::optional<u64> chain_expected;  // nullopt: the error below
    Error error;
    u64 ours;  // our value (pinned)
};

Subnet uninitialised(u64 tao, u64 alpha)
{
    Subnet s = pool(tao, alpha);
    s.pal_swap_initialized = false;
    return s;
}

}  // namespace

/// @rule BAL-012
/// H12: staking.rs::test_max_amount_add_dynamic (mock MinimumReserve 100, tolerance v/10 000).
TEST(balancer, h12_max_amount_add)
{
    const auto E = Error::price_limit_exceeded;
    const MaxRow rows[] = {
        {1'000'000'000, 1'000'000'000, 0, std::nullopt, E, 0},
        {100, 100, 1'100'000'000, 4, E, 4},
        {1'000, 1'000, 1'100'000'000, 48, E, 48},
        {10'000, 10'000, 1'100'000'000, 488, E, 488},
        {1'000'000, 1'000'000, 4'000'000'000, 1'000'500, E, 1'000'503},
        {1'000'000, 1'000'000, 9'000'000'000, 2'001'000, E, 2'001'007},
        {1'000'000, 1'000'000, 16'000'000'000, 3'001'500, E, 3'001'511},
        {1'000'000'000'000, 1'000'000'000'000, 16'000'000'000, 3'001'500'000'000, E, 3'001'511'404'231},
        {150'000'000'000, 100'000'000'000, 0, std::nullopt, E, 0},
        {150'000'000'000, 100'000'000'000, 100'000'000, std::nullopt, E, 0},
        {150'000'000'000, 100'000'000'000, 500'000'000, std::nullopt, E, 0},
        {150'000'000'000, 100'000'000'000, 1'499'999'999, std::nullopt, E, 0},
        {150'000'000'000, 100'000'000'000, 1'500'000'000, std::nullopt, E, 0},
        {150'000'000'000, 100'000'000'000, 1'500'000'001, 49, E, 49},
        {150'000'000'000, 100'000'000'000, 6'000'000'000, 150'075'000'000, E, 150'075'570'211},
        {U64_MAX / 2, U64_MAX, U64_MAX, U64_MAX, E, U64_MAX},
    };
    for (const MaxRow& r : rows) {
        for (const Ruleset* rs : {&V3_4_9_424, &MAIN_14BC6F9}) {
            const Subnet s = uninitialised(r.tao, r.alpha);  // the test calls init_swap(None): ½
            const auto got = max_amount_add(*rs, s, MOCK_MIN_RESERVE, r.limit);
            if (!r.chain_expected) {
                ASSERT_FALSE(got) << r.tao << " " << r.alpha << " " << r.limit;
                EXPECT_EQ(got.error(), r.error);
                continue;
            }
            ASSERT_TRUE(got) << r.tao << " " << r.alpha << " " << r.limit;
            const u64 v = *r.chain_expected, tol = v / 10'000;
            EXPECT_LE(*got > v ? *got - v : v - *got, tol) << r.tao << " " << r.alpha << " " << r.limit;
            EXPECT_EQ(*got, r.ours) << r.tao << " " << r.alpha << " " << r.limit;
        }
    }
    // Root and stable: L ≥ 10^9 → u64::MAX else 0.
    Subnet st = pool(0, 0);
    st.mechanism = Mechanism::stable;
    EXPECT_EQ(*max_amount_add(HEAD, st, 100, 999'999'999), 0u);
    EXPECT_EQ(*max_amount_add(HEAD, st, 100, 1'000'000'000), U64_MAX);
}

/// @rule BAL-012
/// H13: staking.rs::test_max_amount_remove_dynamic (tolerance v/100).
TEST(balancer, h13_max_amount_remove)
{
    const auto E = Error::price_limit_exceeded;
    const auto LOW = Error::reserves_too_low;
    const MaxRow rows[] = {
        {0, 1'000'000'000, 100, std::nullopt, LOW, 0},
        {1'000'000'000, 0, 100, std::nullopt, E, 0},
        {10'000'000'000, 10'000'000'000, 0, 10'000'000'000'000, E, 10'000'000'000'000},
        {1'000, 1'000, 0, 1'000'000, E, 1'000'000},
        {1'001, 1'001, 0, 1'001'000, E, 1'001'000},
        {1'001, 1'001, 1, 1'001'000, E, 1'001'000},
        {1'001, 1'001, 2, 1'001'000, E, 1'001'000},
        {1'001, 1'001, 1'001, 1'001'000, E, 1'001'000},
        {1'001, 1'001, 10'000, 17'472, E, 17'472},
        {1'001, 1'001, 100'000, 17'472, E, 17'472},
        {1'001, 1'001, 1'000'000, 17'472, E, 17'472},
        {1'001, 1'001, 10'000'000, 9'013, E, 9'013},
        {1'001, 1'001, 100'000'000, 2'165, E, 2'165},
        {1'000'000, 1'000'000, 250'000'000, 1'010'000, E, 1'000'503},
        {1'000'000, 1'000'000, 62'500'000, 3'030'000, E, 3'001'511},
        {1'000'000'000'000, 1'000'000'000'000, 62'500'000, 3'030'000'000'000, E, 3'001'511'404'231},
        {200'000'000'000, 100'000'000'000, 0, 100'000'000'000'000, E, 100'000'000'000'000},
        {200'000'000'000, 100'000'000'000, 500'000'000, 101'000'000'000, E, 100'050'380'141},
        {200'000'000'000, 100'000'000'000, 125'000'000, 303'000'000'000, E, 300'151'140'423},
        {200'000'000'000, 100'000'000'000, 2'000'000'000, std::nullopt, E, 0},
        {200'000'000'000, 100'000'000'000, 2'000'000'001, std::nullopt, E, 0},
        {200'000'000'000, 100'000'000'000, 1'999'999'999, 24, E, 24},
        {200'000'000'000, 100'000'000'000, 1'999'999'990, 250, E, 250},
        {21'000'000'000'000'000, 1'000'000, 21'000'000'000'000'000, 17'455'533, E, 17'455'533},
        {21'000'000'000'000'000, 1'000'000, U64_MAX, 67'000, E, 66'997},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, U64_MAX, std::nullopt, E, 0},
        {21'000'000'000'000'000, 1'000'000'000'000'000'000, 20'000'000, 24'700'000'000'000'000, E,
         24'707'518'010'384'840},
        {21'000'000'000'000'000, 21'000'000'000'000'000, 999'999'999, 10'605'000, E, 10'505'288},
        {21'000'000'000'000'000, 21'000'000'000'000'000, 0, U64_MAX, E, U64_MAX},
    };
    // One subnet for the whole table, as the chain test: initialised by the first swap that
    // passes the reserve check (row 2), ½ throughout.
    Subnet s = uninitialised(0, 0);
    for (const MaxRow& r : rows) {
        s.subnet_tao = r.tao;
        s.subnet_alpha_in = r.alpha;
        // max_amount_remove simulates, so the initialisation is rolled back; at w = ½ the
        // result is the same either way.
        const auto got = max_amount_remove(HEAD, s, MOCK_MIN_RESERVE, r.limit);
        if (!r.chain_expected) {
            ASSERT_FALSE(got) << r.tao << " " << r.alpha << " " << r.limit;
            EXPECT_EQ(got.error(), r.error);
            continue;
        }
        ASSERT_TRUE(got) << r.tao << " " << r.alpha << " " << r.limit;
        const u64 v = *r.chain_expected, tol = v / 100;
        EXPECT_LE(*got > v ? *got - v : v - *got, tol) << r.tao << " " << r.alpha << " " << r.limit;
        EXPECT_EQ(*got, r.ours) << r.tao << " " << r.alpha << " " << r.limit;
    }
    // Root and stable: L ≤ 10^9 → u64::MAX else 0.
    Subnet st = pool(0, 0);
    st.netuid = 0;
    EXPECT_EQ(*max_amount_remove(HEAD, st, 100, 1'000'000'000), U64_MAX);
    EXPECT_EQ(*max_amount_remove(HEAD, st, 100, 1'000'000'001), 0u);
}

/// @rule BAL-012
/// Before RSET-021 (v3.4.8-423) the probe is u64::MAX: the max is the whole way to the limit
/// whatever the reserve; and the exact model's max reaches the limit price exactly.
TEST(balancer, max_amount_probe_by_ruleset_and_exact)
{
    const Subnet s = pool(1'000'000, 1'000'000);
    const auto v8 = max_amount_add(V3_4_8_423, s, 100, 4'000'000'000);
    const auto v9 = max_amount_add(V3_4_9_424, s, 100, 4'000'000'000);
    ASSERT_TRUE(v8);
    ASSERT_TRUE(v9);
    EXPECT_EQ(*v8, *v9);  // the limit binds before either probe runs out
    // Limit 2·10^6 TAO/alpha from price 1. v3.4.9+: the probe 1000·y ends at ≈ 1.001·10^6 ≤ L,
    // so the whole probe is the max. v3.4.8: the u64::MAX probe overshoots, the limit path
    // runs, and calculate_quote_delta_in caps (L/p)^½ at u64::MAX/10^18 ≈ 18.45: the max is
    // y·(18.446744073709551615 − 1) = 17 446 744 plus its fee ⌊17 446 744·33/65502⌋ = 8 789.
    const auto c8 = max_amount_add(V3_4_8_423, s, 100, 2'000'000'000'000'000);
    const auto c9 = max_amount_add(V3_4_9_424, s, 100, 2'000'000'000'000'000);
    ASSERT_TRUE(c8);
    ASSERT_TRUE(c9);
    EXPECT_EQ(*c9, 1'000'000'000u);
    EXPECT_EQ(*c8, 17'455'533u);
    // The same cap: a limit 1000× the price stops the buy at ≈ 340× (18.45²).
    const auto capped = max_amount_add(HEAD, s, 100, 1'000'000'000'000);
    ASSERT_TRUE(capped);
    EXPECT_EQ(*capped, 17'455'533u);
    // Exact: (paid_in + fee) with paid_in = y(√(L/p) − 1) = 10^6·(2 − 1) for L = 4, p = 1.
    const auto e = exact::balancer::max_amount_add(HEAD, ex(s), 100, 4'000'000'000);
    ASSERT_TRUE(e);
    EXPECT_EQ(*e, Rational(1'000'000) + Rational(1'000'000 * 33, 65'502));
}

// ---------------------------------------------------------------- findings F-037, F-038

/// @rule BAL-012 BAL-011
/// F-037: get_max_amount_add probes a buy of u64::MAX (SubnetTAO·1000 from v3.4.9-424). When the
/// probe's power (y/(y+dy))^(w2/w1) is below 10^-18, exp_scaled floors it to 0, the probe
/// "buys" the whole alpha reserve, the target price reads 0 and passes the limit: the maximum
/// is the whole probe. A partial-fill limit stake then takes the whole amount; the swap itself
/// stops at the limit, and the rest stays in the subnet account, unswapped and not refunded,
/// while TotalStake counts all of it. Counterexample from the exact-model comparison
/// (tests/balancer_stake_models_test.cpp): the exact maximum is 855 435 224.004… rao.
TEST(balancer, max_amount_add_overstated_when_probe_power_underflows)
{
    Subnet s = pool(5'283'666'829, 11'454'941'295'719, Perquintill::from_parts(711'192'535'288'769'607));
    s.fee_rate = 9584;
    const auto max = max_amount_add(V3_4_8_423, s, SWAP_MINIMUM_RESERVE, 293'261);
    ASSERT_TRUE(max);
    EXPECT_EQ(*max, U64_MAX);  // the chain's maximum: everything
    const auto exact_max = exact::balancer::max_amount_add(V3_4_8_423, to_exact(s), SWAP_MINIMUM_RESERVE, 293'261);
    ASSERT_TRUE(exact_max);
    EXPECT_LT(*exact_max, Rational(855'435'225));
    EXPECT_GT(*exact_max, Rational(855'435'224));

    ChainState st = state_with(s, false);
    const u64 amount = 93'130'080'887'377;
    const auto r = add_stake(V3_4_8_423, st, s.netuid, amount, 293'261, Fill::partial);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->tao_requested, amount);                                   // the whole amount is taken …
    EXPECT_LT(r->swap.amount_paid_in + r->swap.fee_paid, 1'000'000'000u);  // … under 1 TAO is used …
    EXPECT_GT(r->tao_unswapped, 93'129'000'000'000u);                      // … and ~93 129 TAO stay unswapped
    EXPECT_EQ(st.total_stake, 10'000'000'000'000 + amount);                // TotalStake counts the gross amount
}

/// @rule BAL-011
/// F-038: unstaking a whole position skips the minimum-stake check; with a block author the
/// alpha fee is then sold fee-free, and when that sale is worth under one rao its output is
/// 0 and do_swap fails with reserves_too_low, failing the whole unstake. Without an author the
/// fee is burned and the same unstake succeeds.
TEST(balancer, whole_dust_unstake_fails_when_the_fee_sale_pays_nothing)
{
    Subnet s = pool(2'065'946'428, 99'105'867'337'130, Perquintill::from_parts(822'490'883'497'278'644));
    ChainState with_author = state_with(s, true);
    const auto r = remove_stake(V3_4_9_424, with_author, s.netuid, 18'255'453, 18'255'453, std::nullopt, Fill::whole);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::reserves_too_low);
    ChainState no_author = state_with(s, false);
    const auto ok = remove_stake(V3_4_9_424, no_author, s.netuid, 18'255'453, 18'255'453, std::nullopt, Fill::whole);
    ASSERT_TRUE(ok);
    EXPECT_GT(ok->burned_alpha, 0u);
}

/// @rule BAL-003 BAL-011
/// F-034, buy side: at w2 ≳ 0.86 the power (y/(y+dy))^(w2/w1) of a large buy is below 10^-18,
/// floors to 0, and the buy takes the whole alpha reserve although the no-limit order should
/// have been cut at the maximum price (the exact model pays 13 841 600 389.59… alpha).
TEST(balancer, buy_takes_the_whole_reserve_when_power_underflows)
{
    const Subnet s = pool(222'190'038'456, 13'841'648'096, Perquintill::from_parts(926'574'006'673'876'913));
    ChainState st = state_with(s, true);
    const auto r = add_stake(V3_4_9_424, st, s.netuid, 8'916'275'027'162, std::nullopt, Fill::whole);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->alpha, 13'841'648'096u);
    EXPECT_EQ(st.find(s.netuid)->subnet_alpha_in, 0u);
    ExactChainState est = to_exact(state_with(s, true));
    const auto x =
        exact::balancer::add_stake(V3_4_9_424, est, s.netuid, Rational(8'916'275'027'162), std::nullopt, Fill::whole);
    ASSERT_TRUE(x);
    EXPECT_LT(x->alpha, Rational(13'841'600'390));
    EXPECT_GT(x->alpha, Rational(13'841'600'389));
}
