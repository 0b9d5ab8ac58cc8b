// Unit tests of the epoch schedule and of the epoch loop inside the coinbase.
// Rules: EPOCH-001 EPOCH-002 EPOCH-003
//
// Chain source: coinbase/run_coinbase.rs::{blocks_until_next_epoch,
// should_run_epoch} (byte-identical v2.0.1–v2.0.10, subtensor_v2.md §Q8) and
// the epoch loop at the end of run_coinbase (§Q2 step 8).
#include "dtao/coinbase.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using fixed::I96F32;

/// @rule EPOCH-001
TEST(epoch, blocks_until_next_epoch)
{
    // tempo 0 → u64::MAX (never)
    EXPECT_EQ(blocks_until_next_epoch(1, 0, 12345), U64_MAX);
    // tempo − ((block + netuid + 1) mod (tempo + 1))
    EXPECT_EQ(blocks_until_next_epoch(1, 1, 1), 0u);  // (1+2) mod 2 = 1 → 0
    EXPECT_EQ(blocks_until_next_epoch(2, 1, 1), 1u);  // (1+3) mod 2 = 0 → 1
    EXPECT_EQ(blocks_until_next_epoch(0, 360, 359), 0u);
    EXPECT_EQ(blocks_until_next_epoch(0, 360, 0), 359u);
    EXPECT_EQ(blocks_until_next_epoch(5, 360, 354), 0u);  // (354+6) mod 361 = 360
    // `wrapping_add`: block u64::MAX, netuid 0 → adjusted 0 → tempo
    EXPECT_EQ(blocks_until_next_epoch(0, 10, U64_MAX), 10u);
}

/// @rule EPOCH-002
TEST(epoch, period_is_tempo_plus_one_staggered_by_netuid)
{
    for (u64 netuid : {1u, 2u, 7u})
        for (u64 tempo : {1u, 10u, 99u, 360u}) {
            std::vector<u64> runs;
            for (u64 b = 0; b < 3 * (tempo + 1) + 5; ++b)
                if (should_run_epoch(netuid, tempo, b))
                    runs.push_back(b);
            ASSERT_GE(runs.size(), 3u);
            for (std::size_t i = 1; i < runs.size(); ++i) {
                EXPECT_EQ(runs[i] - runs[i - 1], tempo + 1);
            }
            // (b + netuid + 1) mod (tempo + 1) == tempo
            EXPECT_EQ((runs[0] + netuid + 1) % (tempo + 1), tempo);
        }
    EXPECT_FALSE(should_run_epoch(1, 0, 0));
}

/// @rule EPOCH-003
TEST(epoch, coinbase_drains_due_subnets_and_counts_the_others)
{
    ChainState st;
    st.block = 1;
    st.tao_weight = 0;
    st.subnet_owner_cut = 0;
    Subnet a, b, c;
    a.netuid = 1;  // tempo 1: due at block 1
    a.tempo = 1;
    b.netuid = 2;  // tempo 1: not due at block 1
    b.tempo = 1;
    c.netuid = 3;  // tempo 0: never
    c.tempo = 0;
    for (Subnet* s : {&a, &b, &c}) {
        s->mechanism = Mechanism::stable;
        s->pending_emission = 10;
        s->pending_root_divs = 20;
        s->pending_alpha_swapped = 30;
        s->pending_owner_cut = 40;
        s->blocks_since_last_step = 5;
    }
    st.subnets = {a, b, c};
    const auto r = chain::run_coinbase(V2_0_1, st, I96F32::zero());
    ASSERT_EQ(r.drains.size(), 1u);
    const auto& d = r.drains[0];
    EXPECT_EQ(d.netuid, 1u);
    // the drain takes this block's additions too: 10 + 1e9 α emission (no root)
    EXPECT_EQ(d.pending_alpha, 10u + 1'000'000'000u);
    EXPECT_EQ(d.pending_tao, 20u);
    EXPECT_EQ(d.pending_swapped, 30u);
    EXPECT_EQ(d.owner_cut, 40u);
    const Subnet& sa = *st.find(1);
    EXPECT_EQ(sa.pending_emission, 0u);
    EXPECT_EQ(sa.pending_root_divs, 0u);
    EXPECT_EQ(sa.pending_alpha_swapped, 0u);
    EXPECT_EQ(sa.pending_owner_cut, 0u);
    EXPECT_EQ(sa.blocks_since_last_step, 0u);
    EXPECT_EQ(sa.last_mechanism_step_block, 1u);
    EXPECT_EQ(st.find(2)->blocks_since_last_step, 6u);
    EXPECT_EQ(st.find(2)->pending_emission, 10u + 1'000'000'000u);
    EXPECT_EQ(st.find(3)->blocks_since_last_step, 6u);  // tempo 0 accumulates forever
    EXPECT_EQ(st.find(3)->pending_emission, 10u + 1'000'000'000u);
}

/// @rule EPOCH-003 COIN-002
TEST(epoch, non_emitting_subnets_still_run_epochs_v2_0_9)
{
    // tests/coinbase.rs::test_run_coinbase_not_started @ 719a6f5: a subnet
    // without FirstEmissionBlockNumber (tempo 2) gets no emission, but its
    // epoch runs (BlocksSinceLastStep == 0 after the epoch block).
    ChainState st;
    st.block = 2;  // (2 + 1 + 1) mod 3 = 1 ≠ 2; block 3: (3+2) mod 3 = 2 → due
    st.tao_weight = 0;
    Subnet s;
    s.netuid = 1;
    s.tempo = 2;
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = s.subnet_alpha_in = 1'000'000'000;
    s.blocks_since_last_step = 7;
    st.subnets = {s};
    chain::run_coinbase(V2_0_10, st, I96F32::saturating_from_u64(100'000'000));
    EXPECT_EQ(st.find(1)->blocks_since_last_step, 8u);
    st.block = 3;
    const auto r = chain::run_coinbase(V2_0_10, st, I96F32::saturating_from_u64(100'000'000));
    EXPECT_TRUE(r.emissions.empty());
    ASSERT_EQ(r.drains.size(), 1u);
    EXPECT_EQ(r.drains[0].pending_alpha, 0u);
    EXPECT_EQ(st.find(1)->blocks_since_last_step, 0u);
    EXPECT_EQ(st.find(1)->subnet_tao, 1'000'000'000u);
    EXPECT_EQ(st.total_issuance, 0u);
}
