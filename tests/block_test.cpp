// The block step, `block::run` (reference/include/dtao/block.hpp): the coinbase first, then
// each stake extrinsic in order, a rejected one changing nothing and not stopping the block.
// The expected values are the same rules applied one at a time by hand (the coinbase, then
// `add_stake` / `remove_stake` / `apply` on its result), so these tests pin the order and
// the isolation of a rejection, in both models and both coinbase forms.
// SPDX-License-Identifier: Apache-2.0
#include "coinbase_mock.hpp"

#include "dtao/block.hpp"
#include "dtao/testing/builders.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace dtao;
using test::coinbase_mock::add_dynamic_network;
using test::coinbase_mock::mock_state;
using test::coinbase_mock::set_full_injection_root_stake;

const std::vector<block::PoolAction<ChainModel>> NO_POOL_ACTIONS;

/// An emitting Balancer-era subnet 1 on the mock chain, 1 TAO of block emission.
ChainState balancer_block()
{
    ChainState st = mock_state(100);
    st.total_issuance = 10'000'000'000'000'000;
    Subnet s = add_dynamic_network(st, 1);
    s.subnet_emission_enabled = true;
    st.subnets.push_back(s);
    set_full_injection_root_stake(st);
    return st;
}

/// A stake, a stake on a subnet that does not exist (rejected), an unstake.
template <typename Model>
std::vector<block::PoolAction<Model>> pool_actions()
{
    using A = Arithmetic<Model>;
    using block::ActionKind;
    return {{.kind = ActionKind::add_stake, .netuid = 1, .amount = A::amount_of(5'000'000'000)},
            {.kind = ActionKind::add_stake, .netuid = 7, .amount = A::amount_of(5'000'000'000)},
            {.kind = ActionKind::remove_stake,
             .netuid = 1,
             .amount = A::amount_of(1'000'000'000),
             .alpha_available = A::amount_of(1'000'000'000'000)}};
}

template <typename Model>
void check_injection_capped_block(ChainStateT<Model> st)
{
    using chain::balancer::add_stake, exact::balancer::add_stake;
    using chain::balancer::remove_stake, exact::balancer::remove_stake;
    const auto actions = pool_actions<Model>();
    ChainStateT<Model> by_hand = st;

    const auto out = block::run<Model>(MAIN_14BC6F9, st, std::nullopt, actions);

    const auto coinbase = injection_capped::block_step(MAIN_14BC6F9, by_hand);
    EXPECT_EQ(out.coinbase.credit, coinbase.credit);
    EXPECT_EQ(out.coinbase.tao_spent, coinbase.tao_spent);
    ASSERT_EQ(out.actions.size(), 3u);

    const auto staked = add_stake(MAIN_14BC6F9, by_hand, 1, actions[0].amount, std::nullopt, Fill::whole);
    ASSERT_TRUE(staked);
    ASSERT_TRUE(out.actions[0]);
    const auto& s0 = std::get<balancer::StakeOutcome<Model>>(*out.actions[0]);
    EXPECT_EQ(s0.alpha, staked->alpha);
    EXPECT_EQ(s0.swap.amount_paid_in, staked->swap.amount_paid_in);

    ASSERT_FALSE(out.actions[1]);
    EXPECT_EQ(out.actions[1].error(), Error::subnet_not_exists);

    const auto unstaked = remove_stake(MAIN_14BC6F9, by_hand, 1, actions[2].amount, actions[2].alpha_available,
                                       std::nullopt, Fill::whole);
    ASSERT_TRUE(unstaked);
    ASSERT_TRUE(out.actions[2]);
    const auto& s2 = std::get<balancer::UnstakeOutcome<Model>>(*out.actions[2]);
    EXPECT_EQ(s2.tao, unstaked->tao);
    EXPECT_EQ(s2.alpha_requested, unstaked->alpha_requested);

    EXPECT_TRUE(st == by_hand) << "the block's state is not the coinbase's followed by the two accepted extrinsics";
}

/// @rule BCOIN-012 BAL-011
TEST(block, injection_capped_block_is_the_coinbase_then_each_extrinsic)
{
    check_injection_capped_block<ChainModel>(balancer_block());
}

/// @rule BCOIN-012 BAL-011
TEST(block, injection_capped_block_is_the_coinbase_then_each_extrinsic_exact)
{
    check_injection_capped_block<ExactModel>(to_exact(balancer_block()));
}

/// The credit of an already-minted block replaces the mint (BCOIN-012).
/// @rule BCOIN-012
TEST(block, injection_capped_block_with_a_credit_skips_the_mint)
{
    ChainState st = balancer_block();
    ChainState by_hand = st;
    const auto out = block::run<ChainModel>(MAIN_14BC6F9, st, 123'456'789, NO_POOL_ACTIONS);
    const auto coinbase = injection_capped::block_step_with_credit(MAIN_14BC6F9, by_hand, u64{123'456'789});
    EXPECT_EQ(out.coinbase.credit, 123'456'789u);
    EXPECT_EQ(out.coinbase.tao_recycled, coinbase.tao_recycled);
    EXPECT_TRUE(out.actions.empty());
    EXPECT_TRUE(st == by_hand);
    // the minting block differs: it mints 1 TAO at this issuance
    ChainState minted = balancer_block();
    EXPECT_EQ(block::run<ChainModel>(MAIN_14BC6F9, minted, std::nullopt, NO_POOL_ACTIONS).coinbase.credit,
              1'000'000'000u);
}

/// @rule COIN-010 STAKE-007 STAKE-008
TEST(block, launch_block_is_the_coinbase_then_each_extrinsic)
{
    ChainState st = test::random_launch_state(3, 0xb10c);
    ChainState by_hand = st;
    const u64 netuid = st.subnets.back().netuid;
    std::vector<block::Action<u64>> actions(3);
    actions[0] = {.kind = block::ActionKind::add_stake, .netuid = netuid, .amount = 2'000'000'000};
    actions[1] = {.kind = block::ActionKind::add_stake, .netuid = 9'999, .amount = 2'000'000'000};
    actions[2] = {.kind = block::ActionKind::remove_stake, .netuid = netuid, .amount = 500'000'000};

    const auto out = block::run<ChainModel>(V2_0_1, st, std::nullopt, actions);

    const auto coinbase = chain::block_step(V2_0_1, by_hand);
    EXPECT_EQ(out.coinbase.block_emission, coinbase.block_emission);
    ASSERT_EQ(out.actions.size(), 3u);
    for (std::size_t i = 0; i < actions.size(); ++i) {
        const auto r = block::apply<ChainModel>(V2_0_1, by_hand, actions[i]);
        EXPECT_EQ(out.actions[i].error, r.error) << "action " << i;
        EXPECT_EQ(out.actions[i].alpha, r.alpha) << "action " << i;
        EXPECT_EQ(out.actions[i].tao, r.tao) << "action " << i;
    }
    EXPECT_FALSE(out.actions[0].error) << "the stake must be accepted for the test to mean something";
    EXPECT_FALSE(out.actions[2].error) << "the unstake must be accepted for the test to mean something";
    EXPECT_EQ(out.actions[1].error, Error::subnet_not_exists);
    EXPECT_TRUE(st == by_hand);
}

}  // namespace
