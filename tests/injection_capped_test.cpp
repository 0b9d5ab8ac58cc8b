// Unit tests of the Balancer-era coinbase (v3.4.8-423, v3.4.9-424, main 14bc6f9).
// Rules: BCOIN-001 … BCOIN-013 (the moving price, the epochs, the subnet order and
//        registration are in injection_capped_epoch_test.cpp)
//
// Chain source: pallets/subtensor/src/coinbase/{run_coinbase.rs,block_step.rs,
// subnet_emissions.rs,tao.rs}, staking/stake_utils.rs, subnets/subnet.rs at
// 14bc6f9 (identical at 06032d5 and 6d81084 except get_shares). H14–H22 are
// tests/{coinbase,networks,tao}.rs @ 14bc6f9 (chain-rules.md §7.2). The mock
// (tests/mock.rs @ 14bc6f9): TaoWeight 0, SubnetOwnerCut 0, tempo 360,
// MinimumReserve 100, MaxEpochsPerBlock 32, NetworkMinLockCost 100e9,
// `new_test_ext(1)` starts at block 1. `add_network(n, tempo, _)` makes a
// mechanism-0 (stable) subnet with FEB 1 and SubtokenEnabled; `add_dynamic_network`
// registers a dynamic subnet whose pool is 100e9 TAO / 100e9 alpha (lock = min
// lock, median price 1), SubnetEmissionEnabled false, then sets FEB 0 and
// SubtokenEnabled. `set_full_injection_root_stake` = SubnetTAO[0] 1e18, TaoWeight u64::MAX.
#include "coinbase_mock.hpp"
#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <tuple>

using namespace dtao;
using namespace dtao::chain::injection_capped;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;
using namespace dtao::test::coinbase_mock;

// ---------------------------------------------------------------- BCOIN-001 (H18)

/// @rule BCOIN-001
TEST(injection_capped, root_proportion_H18_multiply_then_divide)
{
    // H18 test_root_proportion: SubnetTAO[0] = 1e12, TaoWeight 3 320 413 933 267 719 290,
    // AlphaIn 1e11 (AlphaOut 0 after registration).
    ChainState st = mock_state();
    st.subnets.push_back(add_dynamic_network(st, 1));
    st.find(0)->subnet_tao = 1'000'000'000'000;
    st.tao_weight = 3'320'413'933'267'719'290;
    st.find(1)->subnet_alpha_in = 100'000'000'000;

    // Independent derivation in unbounded integers (bits of U96F32, F = 32):
    // tw = ⌊TW·2^64 / (u64::MAX·2^32)⌋ (checked_div of the two U96F32 images),
    // prod = ⌊root·2^32 · tw / 2^32⌋ = root·tw, den = prod + 1e11·2^32,
    // rp = ⌊prod·2^32 / den⌋.
    const Int tw = (Int(st.tao_weight) << 64) / (Int(U64_MAX) << 32);
    const Int prod = Int(1'000'000'000'000ULL) * tw;
    const Int den = prod + (Int(100'000'000'000ULL) << 32);
    const Int rp = (prod << 32) / den;
    const U96F32 got = root_proportion(st, *st.find(1));
    EXPECT_EQ(test::big(got.bits), rp);
    EXPECT_EQ(
        got,
        get_tao_weight(st)
            .saturating_mul(u96(1'000'000'000'000))
            .checked_div(get_tao_weight(st).saturating_mul(u96(1'000'000'000'000)).saturating_add(u96(100'000'000'000)))
            .value());
    // No root stake: 0/0 → checked_div fails → 0.
    st.find(0)->subnet_tao = 0;
    EXPECT_EQ(root_proportion(st, *st.find(1)), U96F32::zero());
}

// ---------------------------------------------------------------- BCOIN-002

/// @rule BCOIN-002
TEST(injection_capped, subnets_to_emit_to_filters)
{
    // test_coinbase_subnets_with_no_reg_get_no_emission: the PoW flag is ignored,
    // NetworkRegistrationAllowed = false removes the subnet.
    ChainState st = mock_state();
    st.subnets.push_back(add_dynamic_network(st, 1));
    st.subnets.push_back(add_dynamic_network(st, 2));
    st.find(1)->network_pow_registration_allowed = false;
    st.find(2)->network_pow_registration_allowed = true;
    EXPECT_EQ(get_subnets_to_emit_to(st), (std::vector<u64>{1, 2}));
    st.find(1)->network_registration_allowed = false;
    EXPECT_EQ(get_subnets_to_emit_to(st), (std::vector<u64>{2}));
    // No FEB, or SubtokenEnabled false: out.
    st.find(1)->network_registration_allowed = true;
    st.find(1)->first_emission_block_number.reset();
    st.find(2)->subtoken_enabled = false;
    EXPECT_TRUE(get_subnets_to_emit_to(st).empty());
}

// ---------------------------------------------------------------- BCOIN-003 … BCOIN-005

/// @rule BCOIN-003 BCOIN-004
TEST(injection_capped, shares_weighting_differs_between_v3_4_9_and_main)
{
    // Equal moving prices, unequal alpha issuance, root stake with TaoWeight 1.
    ChainState st = mock_state();
    set_full_injection_root_stake(st);
    st.find(0)->subnet_tao = 1'000'000'000'000;  // 1 000 TAO of root
    for (u64 n : {1, 2}) {
        Subnet s = add_dynamic_network(st, n);
        s.subnet_moving_price = I96F32::from_f64(0.5);
        st.subnets.push_back(s);
    }
    st.find(2)->subnet_alpha_out = 3'000'000'000'000;  // issuance 3.1e12 vs 1e11
    const std::vector<u64> emit{1, 2};

    // main: (1 − MinerBurned) only: ½ each, exactly.
    const auto m = get_shares(MAIN_14BC6F9, st, emit);
    EXPECT_EQ(m.at(1), U64F64::from_bits(u128{1} << 63));
    EXPECT_EQ(m.at(2), U64F64::from_bits(u128{1} << 63));

    // v3.4.9-424 and v3.4.8-423: ∝ ½ · root_proportion. rp1 = 1e12/(1e12+1e11) = 10/11,
    // rp2 = 1e12/(1e12+3.1e12) = 10/41; share1 = rp1/(rp1+rp2) = 41/52.
    for (const Ruleset* r : {&V3_4_8_423, &V3_4_9_424}) {
        const auto v = get_shares(*r, st, emit);
        EXPECT_NEAR(to_f64(v.at(1)), 41.0 / 52.0, 1e-9) << r->id;
        EXPECT_NEAR(to_f64(v.at(2)), 11.0 / 52.0, 1e-9) << r->id;
    }
    // The price shares themselves are ½ each.
    const auto p = get_shares_price_ema(st, emit);
    EXPECT_EQ(p.at(1), m.at(1));

    // MinerBurned = 1 zeroes a subnet's weight (main): the other takes everything.
    st.find(2)->miner_burned = U96F32::one();
    const auto b = get_shares(MAIN_14BC6F9, st, emit);
    EXPECT_EQ(b.at(1), U64F64::one());
    EXPECT_EQ(b.at(2), U64F64::zero());

    // Every weight 0 (v3.4.9-424 with no root stake): fall back to the price shares.
    st.find(2)->miner_burned = U96F32::zero();
    st.find(0)->subnet_tao = 0;
    const auto f = get_shares(V3_4_9_424, st, emit);
    EXPECT_EQ(f.at(1), p.at(1));
    EXPECT_EQ(f.at(2), p.at(2));
}

/// @rule BCOIN-005
TEST(injection_capped, disabled_subnet_gets_no_tao_but_alpha_out)
{
    // test_coinbase_disabled_subnet_emission_redistributes_tao_to_enabled_subnets:
    // three stable subnets, netuid 2 disabled, emission 3 333 333.
    for (const Ruleset* r : {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9}) {
        ChainState st = mock_state();
        for (u64 n : {1, 2, 3})
            st.subnets.push_back(add_network(st, n, 1));
        st.find(2)->subnet_emission_enabled = false;
        const u64 emission = 3'333'333;
        const auto em = get_subnet_block_emissions(*r, st, {1, 2, 3}, u96(emission));
        EXPECT_NEAR(to_f64(em.at(1)), emission / 2, 2.0);
        EXPECT_EQ(em.at(2), U96F32::zero());
        EXPECT_NEAR(to_f64(em.at(3)), emission / 2, 2.0);

        const u64 ti = st.total_issuance, ts = st.total_stake;
        const auto res = mint_and_run(*r, st, emission);
        EXPECT_NEAR(double(st.find(1)->subnet_tao), emission / 2, 2.0);
        EXPECT_EQ(st.find(2)->subnet_tao, 0u);
        EXPECT_NEAR(double(st.find(3)->subnet_tao), emission / 2, 2.0);
        EXPECT_NEAR(double(st.total_issuance), double(ti + emission), 2.0);
        EXPECT_NEAR(double(st.total_stake), double(ts + emission), 2.0);
        // netuid 2 still mints its alpha_out.
        EXPECT_EQ(res.emissions.at(1).netuid, 2u);
        EXPECT_EQ(res.emissions.at(1).alpha_in, U96F32::zero());
        EXPECT_EQ(res.emissions.at(1).excess_tao, U96F32::zero());
        EXPECT_GT(st.find(2)->subnet_alpha_out_emission, 0u);
    }
}

// ---------------------------------------------------------------- BCOIN-006 (H19)

/// @rule BCOIN-006
TEST(injection_capped, subnet_terms_alpha_emission_cap_H19)
{
    // H19 test_get_subnet_terms_alpha_emissions_cap: price 1, full root stake.
    ChainState st = mock_state();
    st.subnets.push_back(add_dynamic_network(st, 1));
    set_full_injection_root_stake(st);
    const Subnet& s = *st.find(1);
    const U96F32 cap = root_proportion(st, s).saturating_mul(u96(1'000'000'000));

    chain::injection_capped::SubnetEmission e1;
    e1.tao_emission = u96(100'000'000);
    get_subnet_terms(st, s, e1);
    EXPECT_EQ(e1.price, U96F32::one());
    EXPECT_EQ(e1.alpha_emission, u96(1'000'000'000));
    EXPECT_EQ(e1.cap, cap);
    EXPECT_FALSE(e1.capped);
    EXPECT_EQ(e1.alpha_in, u96(100'000'000));  // exactly
    EXPECT_EQ(e1.tao_in, u96(100'000'000));
    EXPECT_EQ(e1.excess_tao, U96F32::zero());

    chain::injection_capped::SubnetEmission e2;
    e2.tao_emission = u96(10'000'000'000);
    get_subnet_terms(st, s, e2);
    EXPECT_TRUE(e2.capped);
    EXPECT_EQ(e2.alpha_in, cap);  // exactly
    EXPECT_EQ(e2.tao_in, cap);    // cap · price 1
    EXPECT_EQ(e2.excess_tao, u96(10'000'000'000).saturating_sub(cap));
}

/// @rule BCOIN-006
TEST(injection_capped, subnet_terms_price_truncated_to_32_bits)
{
    // A price below 2^-32 (y/x < 2^-32) reads as 0 in U96F32: alpha_in = 0 and the
    // whole emission stays tao_in (no excess), even with the cap far above.
    ChainState st = mock_state();
    set_full_injection_root_stake(st);
    Subnet s = add_dynamic_network(st, 1);
    s.subnet_tao = 1;
    s.subnet_alpha_in = 10'000'000'000;  // price 1e-10 < 2^-32 ≈ 2.3e-10
    st.subnets.push_back(s);
    chain::injection_capped::SubnetEmission e;
    e.tao_emission = u96(1'000'000);
    get_subnet_terms(st, *st.find(1), e);
    EXPECT_GT(chain::balancer::current_price(*st.find(1)), U64F64::zero());
    EXPECT_EQ(e.price, U96F32::zero());
    EXPECT_EQ(e.alpha_in, U96F32::zero());
    EXPECT_EQ(e.tao_in, u96(1'000'000));
    EXPECT_EQ(e.excess_tao, U96F32::zero());
}

// ---------------------------------------------------------------- BCOIN-007 / BCOIN-011

/// @rule BCOIN-007 BCOIN-011
TEST(injection_capped, tao_issuance_base_and_low)
{
    // test_coinbase_tao_issuance_base: dynamic subnet, emission enabled, MP 1, full root.
    {
        ChainState st = mock_state();
        Subnet s = add_dynamic_network(st, 1);
        s.subnet_emission_enabled = true;
        s.subnet_moving_price = I96F32::one();
        st.subnets.push_back(s);
        set_full_injection_root_stake(st);
        const u64 ti = st.total_issuance, tao = st.find(1)->subnet_tao, ts = st.total_stake;
        mint_and_run(MAIN_14BC6F9, st, 1'234'567);
        EXPECT_EQ(st.find(1)->subnet_tao, tao + 1'234'567);
        EXPECT_EQ(st.total_issuance, ti + 1'234'567);
        EXPECT_EQ(st.total_stake, ts + 1'234'567);
    }
    // test_coinbase_tao_issuance_base_low: stable subnet, no root stake, emission 1:
    // root_proportion 0 ⇒ cap 0 ⇒ the whole emission is a (1:1) chain buy.
    {
        ChainState st = mock_state();
        st.subnets.push_back(add_network(st, 1, 1));
        const auto res = mint_and_run(MAIN_14BC6F9, st, 1);
        EXPECT_EQ(st.find(1)->subnet_tao, 1u);
        EXPECT_EQ(st.total_issuance, 1u);
        EXPECT_EQ(st.total_stake, 1u);
        EXPECT_TRUE(res.emissions.at(0).capped || res.emissions.at(0).cap == U96F32::zero());
        EXPECT_EQ(res.emissions.at(0).excess_spent, 1u);
        EXPECT_EQ(st.find(1)->subnet_protocol_alpha, 1u);
    }
}

/// @rule BCOIN-007 BCOIN-011
TEST(injection_capped, alpha_issuance_base_and_different)
{
    // test_coinbase_alpha_issuance_base: two stable subnets at 1e6/1e6, full root,
    // emission 1e6: alpha_in = 500 000 each.
    {
        ChainState st = mock_state();
        for (u64 n : {1, 2}) {
            Subnet s = add_network(st, n, 1);
            s.subnet_tao = s.subnet_alpha_in = 1'000'000;
            st.subnets.push_back(s);
        }
        set_full_injection_root_stake(st);
        mint_and_run(MAIN_14BC6F9, st, 1'000'000);
        EXPECT_EQ(st.find(1)->subnet_alpha_in, 1'500'000u);
        EXPECT_EQ(st.find(2)->subnet_alpha_in, 1'500'000u);
    }
    // test_coinbase_alpha_issuance_different: dynamic, prices 1 and 2, MP 1 and 2:
    // tao_in 333 333 / 666 666, alpha_in 333 333 each.
    {
        ChainState st = mock_state();
        for (u64 n : {1, 2}) {
            Subnet s = add_network(st, n, 1);
            s.mechanism = Mechanism::dynamic;
            s.subnet_tao = n * 1'000'000;
            s.subnet_alpha_in = 1'000'000;
            s.subnet_moving_price = I96F32::saturating_from_u64(n);
            st.subnets.push_back(s);
        }
        set_full_injection_root_stake(st);
        mint_and_run(MAIN_14BC6F9, st, 1'000'000);
        EXPECT_EQ(st.find(1)->subnet_alpha_in, 1'000'000u + 333'333u);
        EXPECT_EQ(st.find(2)->subnet_alpha_in, 1'000'000u + 333'333u);
    }
}

/// @rule BCOIN-007 BCOIN-011
TEST(injection_capped, tao_issuance_different_prices)
{
    // test_coinbase_tao_issuance_different_prices: pools 1e5 TAO / 1e6 and 5e5 alpha
    // (prices 0.1, 0.2), MP 0.1 / 0.2, full root, emission 1e8: SubnetTAO ≈ initial +
    // E/3 and + 2E/3 (±10), TotalIssuance and TotalStake ≈ E (±10). The cap does not
    // bind (α_in = (1e8/3)/0.1 ≈ 3.3e8 < cap ≈ 1e9): everything is injected.
    ChainState st = mock_state();
    for (u64 n : {1, 2}) {
        Subnet s = add_network(st, n, 1);
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = 100'000;
        s.subnet_alpha_in = n == 1 ? 1'000'000 : 500'000;
        s.subnet_moving_price = I96F32::from_f64(n == 1 ? 0.1 : 0.2);
        st.subnets.push_back(s);
    }
    set_full_injection_root_stake(st);
    const u64 e = 100'000'000;
    mint_and_run(MAIN_14BC6F9, st, e);
    EXPECT_NEAR(double(st.find(1)->subnet_tao), 100'000.0 + e / 3.0, 10.0);
    EXPECT_NEAR(double(st.find(2)->subnet_tao), 100'000.0 + 2.0 * e / 3.0, 10.0);
    EXPECT_NEAR(double(st.total_issuance), double(e), 10.0);
    EXPECT_NEAR(double(st.total_stake), double(e), 10.0);
}

/// @rule BCOIN-007 BCOIN-011
TEST(injection_capped, cap_binds_excess_is_chain_bought)
{
    // test_coinbase_alpha_issuance_with_cap_trigger_and_block_emission, reduced: prices
    // 1e-5, no room for α_in = E_i / p under the cap ⇒ excess TAO buys alpha, which is kept
    // in SubnetProtocolAlpha and counted in AlphaOut; the price goes up.
    ChainState st = mock_state();
    for (u64 n : {1, 2}) {
        Subnet s = add_network(st, n, 1);
        s.mechanism = Mechanism::dynamic;
        s.first_emission_block_number = 0;
        s.subnet_tao = 10'000;
        s.subnet_alpha_in = 1'000'000'000;
        s.subnet_moving_price = I96F32::saturating_from_u64(n);
        st.subnets.push_back(s);
    }
    set_full_injection_root_stake(st);
    const U64F64 p1 = chain::balancer::current_price(*st.find(1));
    const auto res = mint_and_run(MAIN_14BC6F9, st, 1'000'000);
    for (const auto& e : res.emissions) {
        const Subnet& s = *st.find(e.netuid);
        EXPECT_TRUE(e.capped) << e.netuid;
        EXPECT_EQ(e.alpha_in, e.cap);
        EXPECT_EQ(e.tao_in, e.cap.saturating_mul(e.price));
        EXPECT_EQ(e.excess_tao, e.tao_emission.saturating_sub(e.tao_in));
        EXPECT_TRUE(e.chain_buy_ok);
        EXPECT_EQ(s.subnet_protocol_alpha, e.chain_buy_alpha);
        EXPECT_GT(e.chain_buy_alpha, 0u);
        EXPECT_EQ(s.subnet_excess_tao, e.chain_buy_paid_in);
        EXPECT_EQ(s.subnet_alpha_out_emission, 1'000'000'000u);
        // AlphaOut = alpha_out minted + bought − root alpha recycled (Σ MP = 3 > 1: none recycled).
        EXPECT_EQ(s.subnet_alpha_out, 1'000'000'000u + e.chain_buy_alpha);
    }
    EXPECT_TRUE(chain::balancer::current_price(*st.find(1)) > p1);
}

/// @rule BCOIN-007 BCOIN-011
TEST(injection_capped, conservation_in_one_block_random)
{
    // TotalIssuance changes by exactly the TAO spent (injection + chain buys); the rest of
    // the credit is recycled. SubnetTAO grows by injected + paid_in; TotalStake by
    // injected + the gross chain-buy TAO; AlphaIn by injected alpha − bought alpha.
    auto rng = test::seeded_rng("injection_capped conservation");
    for (unsigned it = 0; it < test::test_iters() / 10; ++it) {
        ChainState st = mock_state(1 + rng() % 1'000'000);
        st.tao_weight = rng() % 2 ? U64_MAX : rng();
        st.find(0)->subnet_tao = rng() % 1'000'000'000'000'000;
        st.subnet_owner_cut = rng() % 65536;
        const unsigned n = 1 + rng() % 4;
        for (u64 k = 1; k <= n; ++k) {
            Subnet s = add_network(st, k, 360);
            s.mechanism = rng() % 4 ? Mechanism::dynamic : Mechanism::stable;
            s.subnet_tao = 1'000'000 + rng() % 1'000'000'000'000'000;
            s.subnet_alpha_in = 1'000'000 + rng() % 1'000'000'000'000'000;
            s.subnet_alpha_out = rng() % 1'000'000'000'000'000;
            s.subnet_moving_price = I96F32::from_bits(static_cast<i128>(rng() % (u64{1} << 33)));
            s.subnet_emission_enabled = rng() % 5 != 0;
            st.subnets.push_back(s);
        }
        const ChainState before = st;
        const u64 credit = mint_tao(st, rng() % 2'000'000'000);
        const u64 ti_minted = st.total_issuance;
        const auto res = run_coinbase(rng() % 2 ? MAIN_14BC6F9 : V3_4_9_424, st, credit);
        u64 spent = 0, into_pools = 0, stake = 0;
        for (const auto& e : res.emissions) {
            spent += e.injected_tao + e.excess_spent;
            into_pools += e.injected_tao + e.chain_buy_paid_in + e.stranded_tao;
            stake += e.injected_tao + (e.chain_buy_ok ? e.excess_spent : 0);
            const Subnet& b = *before.find(e.netuid);
            const Subnet& a = *st.find(e.netuid);
            ASSERT_EQ(a.subnet_tao, b.subnet_tao + e.injected_tao + e.chain_buy_paid_in);
            ASSERT_EQ(a.subnet_alpha_in, b.subnet_alpha_in + e.injected_alpha - e.chain_buy_alpha);
            ASSERT_EQ(a.subnet_alpha_out,
                      b.subnet_alpha_out + e.chain_buy_alpha + a.subnet_alpha_out_emission - e.root_alpha_recycled);
        }
        ASSERT_EQ(spent, res.tao_spent);
        ASSERT_EQ(into_pools, spent);
        ASSERT_EQ(res.tao_spent + res.tao_recycled, credit);
        ASSERT_EQ(st.total_issuance, ti_minted - res.tao_recycled);
        ASSERT_EQ(st.total_issuance, before.total_issuance + spent);
        ASSERT_EQ(st.total_stake, before.total_stake + stake);
    }
}

// ---------------------------------------------------------------- BCOIN-008 (H16, H17)

/// @rule BCOIN-008 BCOIN-011
TEST(injection_capped, pending_emission_H16)
{
    // H16 test_pending_emission: dynamic subnet, owner stake removed (AlphaOut 0), tempo 1,
    // FEB 0, reserves (1e6 TAO, 1 alpha), LastEpochBlock 0. Coinbase at block 10 (emission 0),
    // SubnetTAO[0] = 1e9, coinbase at 12; then tempo 10 000, TaoWeight 1.0, MP 2, third
    // coinbase. The first two mint 1e9 alpha_out each (root_proportion 0: no root TAO, then
    // TaoWeight 0), paid out by the epochs as stake (it stays in AlphaOut; the Yuma epoch is
    // not modelled). Third: rp = 1e9 / (1e9 + 1 + 3e9) ≈ ¼ ⇒ root alpha ≈ 1e9·½·¼.
    ChainState st = mock_state(10);
    Subnet s = add_dynamic_network(st, 1);
    s.tempo = 1;
    s.first_emission_block_number = 0;
    s.subnet_tao = 1'000'000;
    s.subnet_alpha_in = 1;
    s.last_epoch_block = 0;
    st.subnets.push_back(s);
    auto r1 = run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    ASSERT_EQ(r1.epochs.size(), 1u);
    EXPECT_EQ(r1.epochs[0].pending_server + r1.epochs[0].pending_validator, 1'000'000'000u);
    st.find(0)->subnet_tao = 1'000'000'000;
    st.block = 12;
    run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    st.find(1)->tempo = 10'000;  // set_tempo_unchecked: LastEpochBlock stays 12
    st.tao_weight = U64_MAX;
    st.find(1)->subnet_moving_price = I96F32::saturating_from_u64(2);
    ASSERT_TRUE(get_network_root_sell_flag(st, {1}));
    EXPECT_EQ(st.find(1)->subnet_alpha_out, 2'000'000'000u);

    const auto r3 = run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    EXPECT_TRUE(r3.epochs.empty());
    const Subnet& a = *st.find(1);
    EXPECT_NEAR(double(a.pending_server_emission), 500'000'000.0, 1.0);
    EXPECT_NEAR(double(a.pending_validator_emission), 375'000'000.0, 1.0);
    EXPECT_NEAR(double(a.pending_root_alpha_divs), 125'000'000.0, 1.0);
    // Bit-exact: rp = ⌊1e9·2^64 / (4e9 + 1)·2^32 ... ⌋ (U96F32), root = ⌊⌊rp·1e9⌋·½⌋.
    const Int rp = (Int(1'000'000'000ULL) << 64) / (Int(4'000'000'001ULL) << 32);
    const Int root_bits = (rp * Int(1'000'000'000ULL)) >> 1;  // ·1e9 exact, ·½ floors
    EXPECT_EQ(a.pending_root_alpha_divs, static_cast<u64>(root_bits >> 32));
    EXPECT_EQ(a.pending_server_emission, 500'000'000u);
    EXPECT_EQ(a.pending_validator_emission, static_cast<u64>(((Int(500'000'000ULL) << 32) - root_bits) >> 32));
}

/// @rule BCOIN-008
TEST(injection_capped, owner_cut_base_H17)
{
    // H17 test_owner_cut_base: stable subnet, reserves 1e12/1e12, tempo 10 000, emission 0.
    ChainState st = mock_state();
    Subnet s = add_network(st, 1, 1);
    s.subnet_tao = s.subnet_alpha_in = 1'000'000'000'000;
    st.subnets.push_back(s);
    st.find(1)->tempo = 10'000;  // set_tempo_unchecked (no anchor reset; LastEpochBlock 1)
    st.subnet_owner_cut = 0;
    run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    EXPECT_EQ(st.find(1)->pending_owner_cut, 0u);
    st.subnet_owner_cut = 65535;
    run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    EXPECT_EQ(st.find(1)->pending_owner_cut, 1'000'000'000u);
    // OwnerCutEnabled = false: no cut, everything to server/validator.
    st.find(1)->owner_cut_enabled = false;
    const u64 server = st.find(1)->pending_server_emission;
    run_coinbase(MAIN_14BC6F9, st, mint_tao(st, 0));
    EXPECT_EQ(st.find(1)->pending_owner_cut, 1'000'000'000u);
    EXPECT_EQ(st.find(1)->pending_server_emission, server + 500'000'000u);
}

/// @rule BCOIN-008 BCOIN-009
TEST(injection_capped, root_alpha_recycled_when_moving_prices_sum_to_at_most_one)
{
    // Two dynamic subnets with MP ½ each: Σ = 1, not > 1 ⇒ no root sell; the root share of
    // alpha_out is recycled (AlphaOut −=) and PendingRootAlphaDivs stays 0.
    ChainState st = mock_state();
    st.find(0)->subnet_tao = 1'000'000'000'000;
    st.tao_weight = U64_MAX;
    for (u64 n : {1, 2}) {
        Subnet s = add_dynamic_network(st, n);
        s.subnet_moving_price = I96F32::from_f64(0.5);
        st.subnets.push_back(s);
    }
    ASSERT_FALSE(get_network_root_sell_flag(st, {1, 2}));
    const auto res = mint_and_run(MAIN_14BC6F9, st, 0);
    EXPECT_FALSE(res.root_sell_flag);
    for (const auto& e : res.emissions) {
        const Subnet& s = *st.find(e.netuid);
        EXPECT_EQ(s.pending_root_alpha_divs, 0u);
        EXPECT_GT(e.root_alpha_recycled, 0u);
        EXPECT_EQ(e.root_alpha_recycled, e.root_alpha.saturating_to_u64());
        EXPECT_EQ(s.subnet_alpha_out, 1'000'000'000u - e.root_alpha_recycled);
        // The validator share is reduced all the same.
        EXPECT_EQ(s.pending_validator_emission,
                  u96(1'000'000'000).saturating_sub(e.server).saturating_sub(e.root_alpha).saturating_to_u64());
    }
    // A hair above 1: root sell.
    st.find(2)->subnet_moving_price = I96F32::from_bits(I96F32::from_f64(0.5).bits + 1);
    EXPECT_TRUE(get_network_root_sell_flag(st, {1, 2}));
}

// ---------------------------------------------------------------- BCOIN-010 (H22)

/// @rule BCOIN-010
TEST(injection_capped, mint_tao_respects_max_issuance_H22)
{
    ChainState st = mock_state();
    st.total_issuance = 20'999'999'123'456'789;
    const u64 remaining = TOTAL_SUPPLY - st.total_issuance;
    EXPECT_EQ(mint_tao(st, remaining + 1000), remaining);
    EXPECT_EQ(st.total_issuance, TOTAL_SUPPLY);
    EXPECT_EQ(mint_tao(st, 5), 0u);
    st.total_issuance = 7;
    EXPECT_EQ(mint_tao(st, 5), 5u);
    EXPECT_EQ(st.total_issuance, 12u);
}

/// @rule BCOIN-012 BEMA-001
TEST(injection_capped, block_step_mints_runs_and_updates_prices)
{
    ChainState st = mock_state(100);
    st.total_issuance = 10'000'000'000'000'000;  // < 10.5e15: 1 TAO per block
    Subnet s = add_dynamic_network(st, 1);
    s.subnet_emission_enabled = true;
    s.subnet_moving_price = I96F32::from_f64(0.25);
    st.subnets.push_back(s);
    Subnet idle = add_dynamic_network(st, 2);
    idle.first_emission_block_number.reset();  // not emitting: EMA frozen
    idle.subnet_moving_price = I96F32::from_f64(0.25);
    st.subnets.push_back(idle);
    set_full_injection_root_stake(st);
    const auto res = block_step(MAIN_14BC6F9, st);
    EXPECT_EQ(res.credit, 1'000'000'000u);
    EXPECT_EQ(st.total_issuance, 10'000'000'000'000'000u + res.tao_spent);
    EXPECT_NE(st.find(1)->subnet_moving_price, I96F32::from_f64(0.25));
    EXPECT_EQ(st.find(2)->subnet_moving_price, I96F32::from_f64(0.25));
    ASSERT_EQ(res.root_prop.size(), 1u);
    EXPECT_EQ(res.root_prop[0].second, root_proportion(st, *st.find(1)));
}

// ---------------------------------------------------------------- BCOIN-013 (H21)

/// @rule BCOIN-013
TEST(injection_capped, dividend_distribution_totals_H21)
{
    // H21 test_calculate_dividend_distribution_totals and the _only_tao / _no_tao_weight /
    // _only_alpha variants: totals within 1000 of the inputs.
    std::map<u64, DividendInput> hk;
    hk[0] = {U96F32::saturating_from_u64(77'783'738), std::pair<u64, u64>{4'859'302, 2'342'352}};
    hk[1] = {U96F32::saturating_from_u64(19'283'940), std::pair<u64, u64>{23'423, 859'273}};
    const U96F32 tw18 = U96F32::from_f64(0.18);
    struct Case
    {
        u64 alpha, root;
        U96F32 tw;
    };
    for (const Case c : {Case{183'123'567'452, 837'120'949'872, tw18}, Case{0, 837'120'949'872, tw18},
                         Case{183'123'567'452, 0, U96F32::zero()}, Case{183'123'567'452, 0, tw18}}) {
        const auto d = calculate_dividend_distribution(c.alpha, c.root, c.tw, hk);
        U96F32 ta = U96F32::zero(), tr = U96F32::zero();
        for (const auto& [h, v] : d.alpha_dividends)
            ta = ta.saturating_add(v);
        for (const auto& [h, v] : d.root_alpha_dividends)
            tr = tr.saturating_add(v);
        EXPECT_NEAR(double(ta.saturating_to_u64()), double(c.alpha), 1000.0);
        EXPECT_NEAR(double(tr.saturating_to_u64()), double(c.root), 1000.0);
    }
    // Per hotkey against the formula in doubles; the shares carry 32 fractional bits, so the
    // relative error of a share s is up to 2^-32 / s (s ≈ 1e-3 here: 1e-5 covers it).
    const auto d = calculate_dividend_distribution(183'123'567'452, 837'120'949'872, tw18, hk);
    const double tw = to_f64(tw18);
    const double rp0 = 2'342'352 * tw / (4'859'302 + 2'342'352 * tw), rp1 = 859'273 * tw / (23'423 + 859'273 * tw);
    const double r0 = 77'783'738 * rp0, r1 = 19'283'940 * rp1;
    const double a0 = 77'783'738 - r0, a1 = 19'283'940 - r1;
    EXPECT_NEAR(to_f64(d.root_alpha_dividends.at(0)) / (837'120'949'872.0 * r0 / (r0 + r1)), 1.0, 1e-5);
    EXPECT_NEAR(to_f64(d.alpha_dividends.at(1)) / (183'123'567'452.0 * a1 / (a0 + a1)), 1.0, 1e-5);
    // A hotkey missing from the stake map gets nothing.
    hk[2] = {U96F32::saturating_from_u64(1'000'000), std::nullopt};
    const auto d2 = calculate_dividend_distribution(1000, 1000, tw18, hk);
    EXPECT_EQ(d2.alpha_dividends.count(2), 0u);
    EXPECT_EQ(d2.root_alpha_dividends.count(2), 0u);
}
