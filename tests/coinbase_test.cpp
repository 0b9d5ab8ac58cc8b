// Unit tests of the per-block coinbase.
// Rules: COIN-001 COIN-002 COIN-003 COIN-004 COIN-005 COIN-006 COIN-007
//        COIN-008 COIN-009 COIN-010 (and RSET-003 RSET-008 behaviourally)
//
// Chain source: coinbase/run_coinbase.rs::run_coinbase and block_step.rs at
// f95810a (v2.0.1), f9254ea (v2.0.2), 8de0d23 (v2.0.9); subtensor_v2.md §Q2.
// L1–L4 and L6–L11 are tests/coinbase.rs @ f95810a (chain-rules.md §7.1). The
// mock (tests/mock.rs @ f95810a) has TaoWeight 0, SubnetOwnerCut 0,
// `new_test_ext(1)` starts at block 1, and `add_network(n, tempo, _)` makes a
// mechanism-0 (stable) subnet with registration and PoW registration allowed.
#include "dtao/coinbase.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using fixed::I96F32;

namespace {

/// The mock's chain state: block 1, TaoWeight 0, SubnetOwnerCut 0, no root entry.
ChainState mock_state()
{
    ChainState st;
    st.block = 1;
    st.tao_weight = 0;
    st.subnet_owner_cut = 0;
    return st;
}

/// `add_network(netuid, tempo, 0)`: stable, registration and PoW registration on.
Subnet add_network(u64 netuid, u64 tempo)
{
    Subnet s;
    s.netuid = netuid;
    s.mechanism = Mechanism::stable;
    s.tempo = tempo;
    s.network_registration_allowed = true;
    s.network_pow_registration_allowed = true;
    return s;
}

Subnet add_dynamic(u64 netuid, u64 tempo, u64 tao, u64 alpha_in, I96F32 moving)
{
    Subnet s = add_network(netuid, tempo);
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = tao;
    s.subnet_alpha_in = alpha_in;
    s.subnet_moving_price = moving;
    return s;
}

I96F32 num(u64 v) { return I96F32::saturating_from_u64(v); }

}  // namespace

// ---------------------------------------------------------------- L1–L4

/// @rule COIN-001 COIN-006
TEST(coinbase, tao_issuance_base_L1_L2)
{
    // L1/L2: test_coinbase_tao_issuance_base(_low) @ f95810a.
    for (u64 emission : {u64{1'234'567}, u64{1}}) {
        ChainState st = mock_state();
        st.subnets = {add_network(1, 1)};
        chain::run_coinbase(V2_0_1, st, num(emission));
        EXPECT_EQ(st.find(1)->subnet_tao, emission);
        EXPECT_EQ(st.total_issuance, emission);
        EXPECT_EQ(st.total_stake, emission);
    }
}

/// @rule COIN-003 COIN-006
TEST(coinbase, tao_issuance_multiple_L3)
{
    // L3: test_coinbase_tao_issuance_multiple: 3 stable subnets, 3 333 333.
    ChainState st = mock_state();
    st.subnets = {add_network(1, 1), add_network(2, 1), add_network(3, 1)};
    chain::run_coinbase(V2_0_1, st, num(3'333'333));
    for (u64 n : {1, 2, 3}) {
        EXPECT_EQ(st.find(n)->subnet_tao, 3'333'333u / 3);
    }
    EXPECT_EQ(st.total_issuance, 3'333'333u);
    EXPECT_EQ(st.total_stake, 3'333'333u);
}

/// @rule COIN-003 COIN-004 COIN-006
TEST(coinbase, tao_issuance_different_prices_L4)
{
    // L4: test_coinbase_tao_issuance_different_prices: dynamic, moving prices
    // 1 and 2, empty pools, emission 1e8. SubnetTAO1 = e/3, SubnetTAO2 =
    // e/3 + e/3 (assert_eq); TI and TS within 2 of e.
    ChainState st = mock_state();
    st.subnets = {add_dynamic(1, 1, 0, 0, num(1)), add_dynamic(2, 1, 0, 0, num(2))};
    const ExactChainState est0 = to_exact(st);
    const auto r = chain::run_coinbase(V2_0_1, st, num(100'000'000));
    EXPECT_EQ(st.find(1)->subnet_tao, 100'000'000u / 3);
    EXPECT_EQ(st.find(2)->subnet_tao, 100'000'000u / 3 + 100'000'000u / 3);
    EXPECT_LE(100'000'000 - st.total_issuance, 2u);
    EXPECT_LE(100'000'000 - st.total_stake, 2u);
    // price 0 (empty pool): checked_div fails → alpha_in = α emission = 1e9
    EXPECT_EQ(r.emissions[0].alpha_in, num(1'000'000'000));
    // exact model: 1e8/3 and 2e8/3, and TI = 1e8 exactly
    ExactChainState est = est0;
    exact::run_coinbase(V2_0_1, est, Rational(100'000'000));
    EXPECT_EQ(est.find(1)->subnet_tao, Rational(100'000'000, 3));
    EXPECT_EQ(est.total_issuance, 100'000'000);
}

// ---------------------------------------------------------------- L6–L9

/// @rule COIN-004 COIN-006
TEST(coinbase, alpha_issuance_base_and_different_L6_L7)
{
    // L6: two stable subnets with reserves 1e6/1e6, emission 1e6 → AlphaIn = 1e6 + 5e5 each.
    ChainState a = mock_state();
    Subnet s1 = add_network(1, 1), s2 = add_network(2, 1);
    for (Subnet* s : {&s1, &s2}) {
        s->subnet_tao = 1'000'000;
        s->subnet_alpha_in = 1'000'000;
    }
    a.subnets = {s1, s2};
    chain::run_coinbase(V2_0_1, a, num(1'000'000));
    EXPECT_EQ(a.find(1)->subnet_alpha_in, 1'000'000u + 500'000u);
    EXPECT_EQ(a.find(2)->subnet_alpha_in, 1'000'000u + 500'000u);
    // L7: dynamic, reserves 1e6/1e6, moving prices 1 and 2 → +333 333 and +666 666.
    ChainState b = mock_state();
    b.subnets = {add_dynamic(1, 1, 1'000'000, 1'000'000, num(1)), add_dynamic(2, 1, 1'000'000, 1'000'000, num(2))};
    chain::run_coinbase(V2_0_1, b, num(1'000'000));
    EXPECT_EQ(b.find(1)->subnet_alpha_in, 1'000'000u + 1'000'000u / 3);
    EXPECT_EQ(b.find(2)->subnet_alpha_in, 1'000'000u + 1'000'000u / 3 + 1'000'000u / 3);
}

/// @rule COIN-004 COIN-006
TEST(coinbase, alpha_issuance_with_cap_trigger_L8_L9)
{
    // L8: SubnetTAO 1 000, AlphaIn 1e9 (price 1e−6), moving prices 1/2,
    // emission 1e6: α_in = tao_in/price ≫ α emission = 1e9 → capped.
    ChainState st = mock_state();
    st.subnets = {add_dynamic(1, 1, 1'000, 1'000'000'000, num(1)), add_dynamic(2, 1, 1'000, 1'000'000'000, num(2))};
    const auto r = chain::run_coinbase(V2_0_1, st, num(1'000'000));
    EXPECT_EQ(st.find(1)->subnet_alpha_in, 1'000'000'000u + 1'000'000'000u);
    EXPECT_EQ(st.find(2)->subnet_alpha_in, 1'000'000'000u + 1'000'000'000u);
    EXPECT_EQ(st.find(2)->subnet_alpha_out, 1'000'000'000u);
    // the cap does not reduce tao_in (chain-rules.md §A.4.2): 1e6·2/3 still enters
    EXPECT_EQ(st.find(2)->subnet_tao_in_emission, 666'666u);
    EXPECT_EQ(r.emissions[1].alpha_in, r.emissions[1].alpha_emission);
    // L9: AlphaOut = 22e15 > 21e15 → α emission 0 → nothing injected.
    ChainState z = mock_state();
    Subnet z1 = add_dynamic(1, 1, 1'000, 1'000'000'000, num(1)), z2 = add_dynamic(2, 1, 1'000, 1'000'000'000, num(2));
    z1.subnet_alpha_out = z2.subnet_alpha_out = 22'000'000'000'000'000;
    z.subnets = {z1, z2};
    chain::run_coinbase(V2_0_1, z, num(1'000'000));
    EXPECT_EQ(z.find(1)->subnet_alpha_in, 1'000'000'000u);
    EXPECT_EQ(z.find(2)->subnet_alpha_in, 1'000'000'000u);
    EXPECT_EQ(z.find(2)->subnet_alpha_out, 22'000'000'000'000'000u);
}

// ---------------------------------------------------------------- L10–L11

/// @rule COIN-007
TEST(coinbase, owner_cut_base_L10)
{
    // L10: test_owner_cut_base: stable, tempo 10 000 (no drain at block 1),
    // emission 0; cut 0 → 0; cut u16::MAX → 65535/65535 = 1 of α_out = 1e9.
    ChainState st = mock_state();
    st.subnets = {add_network(1, 10'000)};
    chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_EQ(st.find(1)->pending_owner_cut, 0u);
    st.subnet_owner_cut = 65'535;
    chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_EQ(st.find(1)->pending_owner_cut, 1'000'000'000u);
}

/// @rule COIN-007
TEST(coinbase, owner_cut_mainnet_value)
{
    // SubnetOwnerCut 11 796: cut bits ⌊11796·2^32/65535⌋ = 773 074 452, so the
    // cut of α_out = 1e9 is ⌊1e9·773 074 452/2^32⌋ = ⌊179 995 422.25⌋; the exact
    // cut is 1e9·11796/65535 = 179 995 422.29…: same floor.
    ChainState st = mock_state();
    st.subnet_owner_cut = DEFAULT_SUBNET_OWNER_CUT;
    st.subnets = {add_network(1, 10'000)};
    ExactChainState est = to_exact(st);
    chain::run_coinbase(V2_0_1, st, num(0));
    exact::run_coinbase(V2_0_1, est, 0);
    EXPECT_EQ(st.find(1)->pending_owner_cut, 179'995'422u);
    EXPECT_EQ(est.find(1)->pending_owner_cut, Rational(Int(1'000'000'000) * 11'796, Int(65'535)));
}

/// @rule COIN-008 EPOCH-003
TEST(coinbase, pending_swapped_L11)
{
    // L11: test_pending_swapped @ f95810a. Stable subnet 1, tempo 1, block 1:
    // the epoch runs in the first two coinbases ((1 + 1 + 1) mod 2 = 1 = tempo)
    // and drains the pending amounts; then tempo 10 000, TaoWeight u64::MAX, a
    // third run_coinbase(0). AlphaOut after injection = 3e9, root_prop =
    // 1e9/(1e9 + 3e9) = ¼, root α = ¼ · 1e9 · ½ = 125 000 000.
    ChainState st = mock_state();
    st.subnets = {add_network(1, 1)};
    chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_EQ(st.find(1)->pending_alpha_swapped, 0u);  // zero tao weight and no root
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = 1'000'000'000;
    st.subnets.insert(st.subnets.begin(), root);
    const auto r2 = chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_EQ(st.find(1)->pending_alpha_swapped, 0u);  // zero tao weight with root
    EXPECT_EQ(r2.drains.size(), 1u);                   // the epoch ran
    st.find(1)->tempo = 10'000;
    st.tao_weight = U64_MAX;
    const auto r3 = chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_TRUE(r3.drains.empty());
    EXPECT_EQ(st.find(1)->pending_alpha_swapped, 125'000'000u);
    EXPECT_EQ(st.find(1)->pending_emission, 1'000'000'000u - 125'000'000u);
    EXPECT_EQ(st.find(1)->pending_root_divs, 125'000'000u);  // 1:1 stable swap
    EXPECT_EQ(r3.emissions[0].root_proportion.bits, i128{1} << 30);
}

// ---------------------------------------------------------------- COIN-002

/// @rule COIN-002 RSET-008
TEST(coinbase, emitting_subnets_by_ruleset)
{
    // Root never emits. From v2.0.9 a subnet emits iff FirstEmissionBlockNumber
    // is set (not necessarily reached: test_run_coinbase_not_started_start_after
    // @ 719a6f5 runs the coinbase in the start_call block, FEB = block + 1).
    ChainState st = mock_state();
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    Subnet a = add_network(1, 10'000), b = add_network(2, 10'000), c = add_network(3, 10'000);
    a.first_emission_block_number = 2;  // set, in the future
    c.first_emission_block_number = 1;
    st.subnets = {root, a, b, c};
    ChainState v8 = st;
    const auto r9 = chain::run_coinbase(V2_0_9, st, num(3'000'000));
    ASSERT_EQ(r9.emissions.size(), 2u);
    EXPECT_EQ(r9.emissions[0].netuid, 1u);
    EXPECT_EQ(r9.emissions[1].netuid, 3u);
    EXPECT_EQ(st.find(1)->subnet_tao, 1'500'000u);  // the sum of moving prices is 2
    EXPECT_EQ(st.find(2)->subnet_tao, 0u);
    EXPECT_EQ(st.find(2)->subnet_alpha_out, 0u);
    EXPECT_EQ(st.find(0)->subnet_tao, 0u);
    const auto r8 = chain::run_coinbase(V2_0_8, v8, num(3'000'000));
    EXPECT_EQ(r8.emissions.size(), 3u);
    EXPECT_EQ(v8.find(2)->subnet_tao, 1'000'000u);
}

// ---------------------------------------------------------------- COIN-005

/// @rule COIN-005 RSET-003
TEST(coinbase, registration_disabled_rule)
{
    // v2.0.1 zeroes tao_in when !reg && pow (the bug); v2.0.2+ when !reg && !pow.
    // alpha_in is computed from the un-zeroed tao_in in both.
    auto run = [](const Ruleset& r, bool pow) {
        ChainState st = mock_state();
        Subnet s = add_dynamic(1, 10'000, 1'000'000, 1'000'000, num(1));
        s.network_registration_allowed = false;
        s.network_pow_registration_allowed = pow;
        st.subnets = {s};
        const auto res = chain::run_coinbase(r, st, num(1'000'000));
        return std::pair{st, res};
    };
    {
        auto [st, res] = run(V2_0_1, false);
        EXPECT_EQ(st.find(1)->subnet_tao_in_emission, 1'000'000u);
    }
    {
        auto [st, res] = run(V2_0_1, true);
        EXPECT_EQ(st.find(1)->subnet_tao_in_emission, 0u);
        EXPECT_EQ(st.total_issuance, 0u);
        EXPECT_EQ(st.find(1)->subnet_alpha_in_emission, 1'000'000u);  // not reset
    }
    {
        auto [st, res] = run(V2_0_2, false);
        EXPECT_EQ(st.find(1)->subnet_tao_in_emission, 0u);
        EXPECT_EQ(st.find(1)->subnet_alpha_in_emission, 1'000'000u);
        EXPECT_EQ(res.emissions[0].tao_in, I96F32::zero());
    }
    {
        auto [st, res] = run(V2_0_2, true);
        EXPECT_EQ(st.find(1)->subnet_tao_in_emission, 1'000'000u);
    }
}

// ---------------------------------------------------------------- COIN-008

/// @rule COIN-008
TEST(coinbase, root_sell_on_a_failing_pool_still_counts_swapped)
{
    // A dynamic pool with 5e6 TAO: any sell leaves x' < 1e7, so the swap
    // returns 0, but PendingAlphaSwapped still grows by ⌊root α⌋.
    // root 1e9, TaoWeight 1, AlphaOut 3e9 before, emission 0:
    // issuance after injection = AlphaIn 1e9 + AlphaOut 4e9 = 5e9;
    // root_prop = 1e9/6e9 → bits trunc(2^32/6) = 715 827 882;
    // root α bits = ⌊715 827 882·1e9·2^31/2^32⌋ = 357 913 941e9 → ⌊83 333 333.26…⌋ = 83 333 333.
    ChainState st = mock_state();
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = 1'000'000'000;
    Subnet s = add_dynamic(1, 10'000, 5'000'000, 1'000'000'000, num(1));
    s.subnet_alpha_out = 3'000'000'000;
    st.subnets = {root, s};
    st.tao_weight = U64_MAX;
    const auto r = chain::run_coinbase(V2_0_1, st, num(0));
    EXPECT_EQ(r.emissions[0].root_proportion.bits, 715827882);
    EXPECT_EQ(r.emissions[0].root_tao, 0u);
    EXPECT_EQ(st.find(1)->pending_alpha_swapped, 83'333'333u);
    EXPECT_EQ(st.find(1)->pending_root_divs, 0u);
    EXPECT_EQ(st.find(1)->subnet_alpha_in, 1'000'000'000u);  // unchanged: swap failed
    EXPECT_EQ(st.find(1)->pending_emission, 1'000'000'000u - 83'333'333u - 1u);
    // pending α = 1e9 − root α in fixed point: 916 666 666.74… → 916 666 666
    ExactChainState est = to_exact(mock_state());
    est.tao_weight = U64_MAX;
    est.subnets = to_exact(ChainState{.subnets = {root, s}}).subnets;
    const auto er = exact::run_coinbase(V2_0_1, est, 0);
    EXPECT_EQ(er.emissions[0].root_alpha, Rational(1'000'000'000, 12));
    EXPECT_EQ(est.find(1)->pending_alpha_swapped, Rational(1'000'000'000, 12));
}

// ---------------------------------------------------------------- COIN-009

/// @rule COIN-009
TEST(coinbase, ema_runs_on_post_injection_price)
{
    // L8's pools (price 1e−6; α_in capped while all tao_in enters) with moving
    // alpha 1.0: m' = 1·p + 0·m = p exactly, where p is the price *after*
    // injection: (1 000 + ⌊tao_in⌋)/(1e9 + 1e9).
    ChainState st = mock_state();
    st.subnet_moving_alpha_bits = i128{1} << 32;
    st.subnets = {add_dynamic(1, 10'000, 1'000, 1'000'000'000, num(1)),
                  add_dynamic(2, 10'000, 1'000, 1'000'000'000, num(2))};
    chain::run_coinbase(V2_0_1, st, num(1'000'000));
    const Subnet& s1 = *st.find(1);
    EXPECT_EQ(s1.subnet_tao, 1'000u + 333'333u);
    EXPECT_EQ(s1.subnet_moving_price, chain::alpha_price(s1));
    EXPECT_EQ(dtao::test::big(s1.subnet_moving_price.bits), (Int(334'333) << 32) / Int(2'000'000'000));
    // v2.0.9: a subnet without FEB does not emit and its EMA is not updated
    ChainState t = mock_state();
    t.subnet_moving_alpha_bits = i128{1} << 32;
    Subnet a = add_dynamic(1, 10'000, 1'000, 1'000'000'000, num(1)),
           b = add_dynamic(2, 10'000, 1'000, 1'000'000'000, num(2));
    a.first_emission_block_number = 1;
    t.subnets = {a, b};
    chain::run_coinbase(V2_0_9, t, num(1'000'000));
    EXPECT_EQ(t.find(2)->subnet_moving_price, num(2));
    EXPECT_NE(t.find(1)->subnet_moving_price, num(1));
}

// ---------------------------------------------------------------- COIN-010

/// @rule COIN-010
TEST(coinbase, block_step_uses_tao_issuance_emission)
{
    // block_step: E = get_block_emission().unwrap_or(0) from TotalIssuance.
    for (auto [ti, e] :
         {std::pair<u64, u64>{0, 1'000'000'000}, {10'500'000'000'000'000, 500'000'000}, {TOTAL_SUPPLY, 0}}) {
        ChainState st = mock_state();
        st.total_issuance = ti;
        st.subnets = {add_network(1, 10'000)};
        const auto r = chain::block_step(V2_0_1, st);
        EXPECT_EQ(r.block_emission, num(e));
        EXPECT_EQ(st.total_issuance, ti + e);
        ExactChainState est = to_exact(st);
        est.total_issuance = ti;
        EXPECT_EQ(exact::block_step(V2_0_1, est).block_emission, Rational(e));
    }
}

// ---------------------------------------------------------------- chain vs exact

/// @rule COIN-001 COIN-004 COIN-006 COIN-010
TEST(coinbase, several_subnets_chain_vs_exact)
{
    // Mainnet-like parameters (TaoWeight 0.18, owner cut 11 796) and four
    // subnets with different pools and moving prices, at issuance 5e15 (k = 0,
    // E = 1e9 in both models).
    //
    // Bound (derived): with E an integer, bits(E·m_i) = E·m_i exactly and
    // tao_in_i = trunc(E·m_i·2^32 / Σm)/2^32 — the exact E·m_i/Σm truncated to
    // 32 fractional bits. ⌊trunc_32(v)⌋ = ⌊v⌋, so SubnetTaoInEmission_chain =
    // ⌊tao_in_exact⌋ exactly for every subnet, and the minted total lies in
    // (E − n, E]. Conservation holds in both models: ΔTotalIssuance =
    // Σ SubnetTaoInEmission.
    ChainState st;
    st.block = 1'234'567;
    st.total_issuance = 5'000'000'000'000'000;
    st.total_stake = 1'000'000'000'000'000;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = 3'000'000'000'000'000;
    st.subnets.push_back(root);
    const struct
    {
        u64 tao, alpha_in, alpha_out;
        i128 moving_bits;
    } cfg[] = {
        {50'000'000'000'000, 200'000'000'000'000, 300'000'000'000'000, 1073741824},  // price 0.25, m 0.25
        {7'000'000'000, 9'000'000'000, 1'000'000'000, 3006477107},                   // m ≈ 0.7
        {123'456'789'012, 98'765'432'109, 555'555'555'555, 4294967296},              // m 1
        {1'000'000'000, 1'000'000'000'000, 17, 12345},                               // tiny m
    };
    u64 n = 1;
    for (const auto& c : cfg) {
        Subnet s;
        s.netuid = n++;
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = c.tao;
        s.subnet_alpha_in = c.alpha_in;
        s.subnet_alpha_out = c.alpha_out;
        s.subnet_moving_price = I96F32::from_bits(c.moving_bits);
        s.tempo = 360;
        st.subnets.push_back(s);
    }
    ExactChainState est = to_exact(st);
    const u64 ti0 = st.total_issuance;
    const Rational eti0 = est.total_issuance;
    const auto cr = chain::block_step(V2_0_1, st);
    const auto er = exact::block_step(V2_0_1, est);
    EXPECT_EQ(cr.block_emission, num(1'000'000'000));
    EXPECT_EQ(er.block_emission, 1'000'000'000);
    ASSERT_EQ(cr.emissions.size(), 4u);
    ASSERT_EQ(er.emissions.size(), 4u);
    u64 minted = 0;
    Rational exact_minted = 0;
    for (u64 i = 1; i <= 4; ++i) {
        const Subnet& c = *st.find(i);
        const ExactSubnet& e = *est.find(i);
        EXPECT_EQ(Int(c.subnet_tao_in_emission), floor(er.emissions[i - 1].tao_in)) << i;
        EXPECT_EQ(Int(c.subnet_tao_in_emission), floor(e.subnet_tao_in_emission)) << i;
        // α emission is an integer in both (k = 0 for every subnet here)
        EXPECT_EQ(Rational(c.subnet_alpha_out_emission), e.subnet_alpha_out_emission) << i;
        minted += c.subnet_tao_in_emission;
        exact_minted += e.subnet_tao_in_emission;
    }
    EXPECT_EQ(st.total_issuance - ti0, minted);
    EXPECT_EQ(est.total_issuance - eti0, exact_minted);
    EXPECT_EQ(exact_minted, 1'000'000'000);  // every subnet may register: all of E is minted
    EXPECT_LE(minted, 1'000'000'000u);
    EXPECT_GT(minted + 4, 1'000'000'000u);
}
