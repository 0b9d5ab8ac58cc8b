// Unit tests of the rulesets as data.
// Rules: RSET-001 RSET-002 RSET-003 RSET-004 RSET-005 RSET-006 RSET-007
//        RSET-008 RSET-009 RSET-010 RSET-011 RSET-012 RSET-013 RSET-014
//        RSET-015 RSET-016 RSET-017 RSET-018 RSET-019 RSET-020
//        RSET-021 RSET-022 RSET-023
//
// Each ruleset must equal its parent plus exactly the delta its release made
// (chain-rules.md §0.5 timeline; subtensor_v2.md "Which tags changed which
// files" and §Q1–§Q6). Tag → commit, date and spec_version come from
// subtensor_v2.md "Tags → commits" and chain-rules.md §0.1. The behaviour of
// each delta is tested in the family files (tags noted per field below).
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace dtao;

namespace {

/// The names of the fields in which two rulesets differ (metadata excluded).
std::set<std::string> delta(const Ruleset& a, const Ruleset& b)
{
    std::set<std::string> d;
#define DTAO_FIELD(f)                                                                                                  \
    if (a.f != b.f)                                                                                                    \
        d.insert(#f);
    DTAO_FIELD(ema_clamp_at_one)
    DTAO_FIELD(registration_off_needs_pow_off)
    DTAO_FIELD(alpha_dividends_exclude_root)
    DTAO_FIELD(default_tempo)
    DTAO_FIELD(ema_ramp)
    DTAO_FIELD(ema_halving_per_subnet)
    DTAO_FIELD(start_call)
    DTAO_FIELD(unstake_debits_first)
    DTAO_FIELD(drain_burns_owner_hotkey_incentive)
    DTAO_FIELD(childkey_take_from_parent_shares)
    DTAO_FIELD(registration_adds_pool_to_total_stake)
    DTAO_FIELD(unstake_fee_dividend_based)
    DTAO_FIELD(unstake_fee_alpha_floor)
    DTAO_FIELD(drain_validator_alpha_from_pending)
    DTAO_FIELD(swap)
    DTAO_FIELD(coinbase)
    DTAO_FIELD(share_weight)
    DTAO_FIELD(epoch_schedule)
    DTAO_FIELD(swap_input_reserve_cap)
    DTAO_FIELD(balancer_exp_precision)
    DTAO_FIELD(exp_scaled_clamp_at_one)
    DTAO_FIELD(injection)
    DTAO_FIELD(emission_gate)
    DTAO_FIELD(fast_moving_price)
    DTAO_FIELD(v3_default_fee_rate)
    DTAO_FIELD(v3_fee_only_dynamic)
    DTAO_FIELD(v3_reserve_check_paid_out_only)
    DTAO_FIELD(sim_swap_runtime_api)
    DTAO_FIELD(v3_fee_to_block_author)
    DTAO_FIELD(sim_swap_slippage)
    DTAO_FIELD(v3_protocol_liquidity)
    DTAO_FIELD(v3_stable_swap_moves_reserves)
    DTAO_FIELD(registration_off_zeroes_alpha)
    DTAO_FIELD(v3_subsidy_alpha_in)
#undef DTAO_FIELD
    return d;
}

}  // namespace

/// @rule RSET-001
TEST(ruleset, table_metadata_and_lookup)
{
    struct Meta
    {
        const char* id;
        const char* parent;
        const char* commit;
        unsigned spec;
        const char* date;
    };
    const Meta want[] = {
        {"v2.0.0", "", "e2b8367b8be2d9ce60ae5858c49138fa05f44a68", 233, "2025-02-13"},
        {"v2.0.1", "v2.0.0", "f95810a25d8b7f402189c9b39e1d73f8a4e4f90a", 234, "2025-02-13"},
        {"v2.0.2", "v2.0.1", "f9254ea63c72586270700d0edc0e75804404ba4c", 238, "2025-02-15"},
        {"v2.0.4", "v2.0.2", "5073ade602c367471f5124329b9d7ccf8e972d69", 244, "2025-02-24"},
        {"v2.0.6", "v2.0.4", "a27fff2918adab7dbe9da19c08657752698989da", 246, "2025-03-06"},
        {"v2.0.8", "v2.0.6", "b61dd30202ff6e970a18b5a5231b62183b6ba972", 252, "2025-03-19"},
        {"v2.0.9", "v2.0.8", "8de0d23ca7dc94f5d4c595626f126ec6eb63dbb6", 257, "2025-03-28"},
        {"v2.0.10", "v2.0.9", "719a6f5e9ecacd0e9cd95d5d7d190f9c2021d75f", 258, "2025-04-04"},
        {"v3.2.0", "v2.0.10", "c39063b4756a9ec7854069e9f04b4b86ad490803", 290, "2025-07-07"},
        {"v3.2.1", "v3.2.0", "9f33e759acd763497135043504dc048dcc599c31", 292, "2025-07-10"},
        {"v3.2.2", "v3.2.1", "7b541095b057a68e0090d8348bdc96a70dc56be8", 297, "2025-07-23"},
        {"v3.2.3", "v3.2.2", "6309d35929e484ebff70c7da68547fb9c60f0d11", 298, "2025-07-29"},
        {"v3.2.4", "v3.2.3", "312c0be95983a98bed4120526351a94219d00449", 301, "2025-08-12"},
        {"v3.2.5", "v3.2.4", "67c7ac6923b498c15f5541fd0e9ddcbeed38c3b7", 302, "2025-08-19"},
        {"v3.2.8-320", "v3.2.5", "835a2c90294705b5963043f5ef31460304df2475", 320, "2025-09-24"},
        {"v3.2.10-334", "v3.2.8-320", "6218ecc5cdab527a649c8fa5b0194db3f884571c", 334, "2025-11-04"},
        {"v3.3.11-385", "v3.2.10-334", "7eb6f9bb7c9ea19d60d11890d04ca352f9257fa8", 385, "2026-03-11"},
        {"v3.3.12-391", "v3.3.11-385", "7a727dd4d219a953391e91ed2f7aa942050938f1", 391, "2026-03-19"},
        {"v3.4.6-421", "v3.3.12-391", "6016381e4fb230d17643cca948afe296eb06faac", 421, "2026-06-22"},
        {"v3.4.8-423", "v3.4.6-421", "06032d518fbaead1ddc2039e9e6aa55715026364", 423, "2026-06-25"},
        {"v3.4.9-424", "v3.4.8-423", "6d81084c5c13413d9e3637586280125c0bfc1948", 424, "2026-06-29"},
        {"main-14bc6f9", "v3.4.9-424", "14bc6f9f964b9cc362e9635dd110a487fa5d15a0", 425, "2026-06-30"},
        {"mainnet-432", "main-14bc6f9", "8e9322e5a5b9ac0ea624ddcffe21ad251732a291", 432, "2026-07-16"},
        {"mainnet-440", "mainnet-432", "f8ff769a45395d2de7ec26110d0001aa1ff2e9ec", 440, "2026-07-27"},
        {"mainnet-441", "mainnet-440", "f8ff769a45395d2de7ec26110d0001aa1ff2e9ec", 441, "2026-08-03"},
        {"mainnet-464", "mainnet-441", "d1968521f606d96733af56d5f28842ce45989550", 464, "2026-09-17"},
    };
    ASSERT_EQ(RULESETS.size(), std::size(want));
    for (std::size_t i = 0; i < RULESETS.size(); ++i) {
        const Ruleset& r = RULESETS[i];
        EXPECT_EQ(r.id, want[i].id);
        EXPECT_EQ(r.parent, want[i].parent);
        EXPECT_EQ(r.commit, want[i].commit);
        EXPECT_EQ(r.spec_version, want[i].spec);
        EXPECT_EQ(r.date, want[i].date);
        const auto found = find_ruleset(want[i].id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->commit, r.commit);
        if (i > 0) {  // each ruleset derives from the one before it
            EXPECT_EQ(r.parent, RULESETS[i - 1].id);
        }
    }
    // RULESETS is the launch era, the year of the v3 pool, the Balancer era, then today's
    // mainnet, and the era label agrees with the four lists.
    ASSERT_EQ(RULESETS.size(),
              LAUNCH_RULESETS.size() + V3_RULESETS.size() + BALANCER_RULESETS.size() + MAINNET_RULESETS.size());
    std::vector<std::pair<Ruleset, std::string_view>> lists;
    for (const auto& r : LAUNCH_RULESETS)
        lists.emplace_back(r, "launch");
    for (const auto& r : V3_RULESETS)
        lists.emplace_back(r, "v3");
    for (const auto& r : BALANCER_RULESETS)
        lists.emplace_back(r, "balancer");
    for (const auto& r : MAINNET_RULESETS)
        lists.emplace_back(r, "mainnet");
    for (std::size_t i = 0; i < RULESETS.size(); ++i) {
        EXPECT_EQ(RULESETS[i].id, lists[i].first.id);
        EXPECT_EQ(RULESETS[i].era, lists[i].second) << RULESETS[i].id;
    }
    EXPECT_FALSE(find_ruleset("v2.0.3").has_value());  // no rule change at v2.0.3
    EXPECT_FALSE(find_ruleset("main").has_value());
    // v2.0.0, the root: every delta field at its launch value.
    EXPECT_TRUE(delta(V2_0_0, Ruleset{}).empty());
    EXPECT_EQ(V2_0_0.default_tempo, 99u);
    EXPECT_EQ(V2_0_0.ema_ramp, EmaRamp::none);
}

/// @rule RSET-001 RSET-002 RSET-003 RSET-004 RSET-005 RSET-006 RSET-007 RSET-008 RSET-009 RSET-010 RSET-011 RSET-012 RSET-013 RSET-014 RSET-015 RSET-016
TEST(ruleset, each_ruleset_is_parent_plus_exactly_its_delta)
{
    using S = std::set<std::string>;
    // v2.0.1: EMA clamp (RSET-002)
    EXPECT_EQ(delta(V2_0_0, V2_0_1), S({"ema_clamp_at_one"}));
    EXPECT_TRUE(V2_0_1.ema_clamp_at_one);
    // v2.0.2: registration-disabled condition (RSET-003)
    EXPECT_EQ(delta(V2_0_1, V2_0_2), S({"registration_off_needs_pow_off"}));
    EXPECT_TRUE(V2_0_2.registration_off_needs_pow_off);
    // v2.0.4: alpha dividends exclude root (RSET-004), tempo 99 → 360
    // (RSET-005), unstake debits first (RSET-010)
    EXPECT_EQ(delta(V2_0_2, V2_0_4), S({"alpha_dividends_exclude_root", "default_tempo", "unstake_debits_first"}));
    EXPECT_TRUE(V2_0_4.alpha_dividends_exclude_root);
    EXPECT_EQ(V2_0_2.default_tempo, 99u);
    EXPECT_EQ(V2_0_4.default_tempo, 360u);
    EXPECT_TRUE(V2_0_4.unstake_debits_first);
    // v2.0.6: ramp since registration (RSET-006)
    EXPECT_EQ(delta(V2_0_4, V2_0_6), S({"ema_ramp"}));
    EXPECT_EQ(V2_0_6.ema_ramp, EmaRamp::since_registration);
    // v2.0.8: per-subnet halving (RSET-007), owner hotkey incentive burned
    // (RSET-011), childkey take from parent shares (RSET-012), pool added to
    // TotalStake (RSET-013), dividend-based unstake fee (RSET-014)
    EXPECT_EQ(delta(V2_0_6, V2_0_8),
              S({"ema_halving_per_subnet", "drain_burns_owner_hotkey_incentive", "childkey_take_from_parent_shares",
                 "registration_adds_pool_to_total_stake", "unstake_fee_dividend_based"}));
    EXPECT_TRUE(V2_0_8.ema_halving_per_subnet);
    EXPECT_TRUE(V2_0_8.drain_burns_owner_hotkey_incentive);
    EXPECT_TRUE(V2_0_8.childkey_take_from_parent_shares);
    EXPECT_TRUE(V2_0_8.registration_adds_pool_to_total_stake);
    EXPECT_TRUE(V2_0_8.unstake_fee_dividend_based);
    // v2.0.9: start_call (RSET-008), fee alpha floor (RSET-015), validator
    // alpha from pending (RSET-016)
    EXPECT_EQ(delta(V2_0_8, V2_0_9),
              S({"start_call", "unstake_fee_alpha_floor", "drain_validator_alpha_from_pending"}));
    EXPECT_TRUE(V2_0_9.start_call);
    EXPECT_TRUE(V2_0_9.unstake_fee_alpha_floor);
    EXPECT_TRUE(V2_0_9.drain_validator_alpha_from_pending);
    // v2.0.10: ramp since start_call (RSET-009); nothing else changed
    // (subtensor_v2.md: v2.0.9 → v2.0.10 only changes update_moving_price)
    EXPECT_EQ(delta(V2_0_9, V2_0_10), S({"ema_ramp"}));
    EXPECT_EQ(V2_0_10.ema_ramp, EmaRamp::since_start_call);
    // and the table's parent links give the same deltas
    for (std::size_t i = 1; i < RULESETS.size(); ++i) {
        const auto parent = find_ruleset(RULESETS[i].parent);
        ASSERT_TRUE(parent.has_value());
        EXPECT_FALSE(delta(*parent, RULESETS[i]).empty()) << RULESETS[i].id;
    }
}

/// @rule RSET-010
TEST(ruleset, unstake_debit_order_changes_no_amount)
{
    // v2.0.4 debits the share pool before the swap; the pool amounts do not
    // depend on the order, so remove_stake gives identical results under
    // v2.0.2 and v2.0.4 (both flat fee).
    Subnet a;
    a.netuid = 1;
    a.mechanism = Mechanism::dynamic;
    a.subnet_tao = 10'000'000'000;
    a.subnet_alpha_in = 5'000'000'000;
    a.subnet_alpha_out = 1'000'000'000;
    Subnet b = a;
    u64 ta = 10'000'000'000, tb = ta;
    const auto ra = chain::remove_stake(V2_0_2, a, ta, 1'000'000'000, std::nullopt, Fill::whole);
    const auto rb = chain::remove_stake(V2_0_4, b, tb, 1'000'000'000, std::nullopt, Fill::whole);
    ASSERT_TRUE(ra.ok() && rb.ok());
    EXPECT_EQ(ra->tao, rb->tao);
    EXPECT_EQ(ra->tao_unstaked, rb->tao_unstaked);
    EXPECT_EQ(a.subnet_tao, b.subnet_tao);
    EXPECT_EQ(ta, tb);
}

/// @rule RSET-029 RSET-030 RSET-031 RSET-032 RSET-033 RSET-034 RSET-035 RSET-018
TEST(ruleset, v3_year_is_v2_0_10_plus_its_deltas)
{
    using S = std::set<std::string>;
    // v3.2.0 (spec 290, the first v3-pool runtime mainnet ran): the v3 pool with FeeRate 196,
    // the launch coinbase's price shares on it; everything else is v2.0.10's
    EXPECT_EQ(V3_2_0.parent, "v2.0.10");
    EXPECT_EQ(delta(V2_0_10, V3_2_0), S({"swap", "coinbase", "v3_default_fee_rate"}));
    EXPECT_EQ(V3_2_0.swap, SwapKind::concentrated);
    EXPECT_EQ(V3_2_0.coinbase, CoinbaseKind::v3_price_share);
    EXPECT_EQ(V3_2_0.v3_default_fee_rate, 196);
    // v3.2.1: the fee's mechanism check (RSET-030); v3.2.2: FeeRate 33 (RSET-029)
    EXPECT_EQ(delta(V3_2_0, V3_2_1), S({"v3_fee_only_dynamic"}));
    EXPECT_EQ(delta(V3_2_1, V3_2_2), S({"v3_default_fee_rate"}));
    EXPECT_EQ(V3_2_2.v3_default_fee_rate, 33);
    // v3.2.3: the paid-out reserve alone is checked (RSET-031); the subsidy coinbase
    EXPECT_EQ(delta(V3_2_2, V3_2_3), S({"v3_reserve_check_paid_out_only", "coinbase"}));
    EXPECT_EQ(V3_2_3.coinbase, CoinbaseKind::v3_subsidy);
    // v3.2.4: the protocol position reinvests its fees (RSET-035); v3.2.5: the sim_swap runtime
    // API (RSET-032); v3.2.10-334: Taoflow shares, the proportional split and the scrap
    // reservoirs (RSET-035)
    // v3.2.4 also zeroes a registration-off subnet's alpha (RSET-037); v3.2.5 books a stable
    // subnet's 1:1 swaps (RSET-036); v3.2.8-320: the subsidy injects the block emission (RSET-038)
    EXPECT_EQ(delta(V3_2_3, V3_2_4), S({"v3_protocol_liquidity", "registration_off_zeroes_alpha"}));
    EXPECT_EQ(V3_2_3.v3_protocol_liquidity, V3ProtocolLiquidity::reserves_only);
    EXPECT_EQ(V3_2_4.v3_protocol_liquidity, V3ProtocolLiquidity::fees_reinvested);
    EXPECT_EQ(delta(V3_2_4, V3_2_5), S({"sim_swap_runtime_api", "v3_stable_swap_moves_reserves"}));
    EXPECT_EQ(delta(V3_2_5, V3_2_8_320), S({"v3_subsidy_alpha_in"}));
    EXPECT_EQ(V3_2_8_320.v3_subsidy_alpha_in, SubsidyAlphaIn::block_emission);
    EXPECT_EQ(delta(V3_2_8_320, V3_2_10_334), S({"coinbase", "v3_protocol_liquidity"}));
    EXPECT_EQ(V3_2_10_334.coinbase, CoinbaseKind::v3_taoflow);
    EXPECT_EQ(V3_2_10_334.v3_protocol_liquidity, V3ProtocolLiquidity::proportional_scraps);
    // v3.3.11-385: fees to the block author and the zero-output error (RSET-033); v3.3.12-391:
    // the six-field SimSwapResult (RSET-034); v3.4.6-421: the era-D coinbase
    EXPECT_EQ(delta(V3_2_10_334, V3_3_11_385), S({"v3_fee_to_block_author"}));
    EXPECT_EQ(delta(V3_3_11_385, V3_3_12_391), S({"sim_swap_slippage"}));
    EXPECT_EQ(delta(V3_3_12_391, V3_4_6_421), S({"coinbase"}));
    EXPECT_EQ(V3_4_6_421.coinbase, CoinbaseKind::v3_root_prop_ema);
    for (const auto& r : V3_RULESETS)
        EXPECT_EQ(r.era, "v3") << r.id;
}

/// @rule RSET-017 RSET-018 RSET-019 RSET-020 RSET-021 RSET-022 RSET-023
TEST(ruleset, balancer_era_is_the_v3_year_plus_its_deltas)
{
    using S = std::set<std::string>;
    // v3.4.8-423 (06032d5): the Balancer pool (RSET-017), the injection-capped coinbase
    // (RSET-018), shares weighted by root_proportion · (1 − MinerBurned) (RSET-019) and
    // the stateful epoch scheduler (RSET-020, already in 06032d5's should_run_epoch), on
    // v3.4.7's rules (v3.4.6-421's ruleset).
    EXPECT_EQ(V3_4_8_423.parent, "v3.4.6-421");
    EXPECT_EQ(delta(V3_4_6_421, V3_4_8_423), S({"swap", "coinbase", "share_weight", "epoch_schedule"}));
    EXPECT_EQ(V3_4_8_423.swap, SwapKind::balancer);
    EXPECT_EQ(V3_4_8_423.coinbase, CoinbaseKind::injection_capped);
    EXPECT_EQ(V3_4_8_423.share_weight, ShareWeight::root_proportion_unburned);
    EXPECT_EQ(V3_4_8_423.epoch_schedule, EpochSchedule::stateful);
    EXPECT_FALSE(V3_4_8_423.swap_input_reserve_cap);
    EXPECT_EQ(V3_4_8_423.balancer_exp_precision, 1024u);
    // v3.4.9-424 (6d81084): `git diff 06032d5 6d81084 -- pallets` touches no coinbase
    // file; it adds SwapInputTooLarge and the add_stake input cap (RSET-021), lowers
    // exp_scaled's precision to 256 (RSET-022) and clamps it at 1 (RSET-023).
    EXPECT_EQ(V3_4_9_424.parent, "v3.4.8-423");
    EXPECT_EQ(delta(V3_4_8_423, V3_4_9_424),
              S({"swap_input_reserve_cap", "balancer_exp_precision", "exp_scaled_clamp_at_one"}));
    EXPECT_TRUE(V3_4_9_424.swap_input_reserve_cap);
    EXPECT_EQ(V3_4_9_424.balancer_exp_precision, 256u);
    EXPECT_TRUE(V3_4_9_424.exp_scaled_clamp_at_one);
    // main 14bc6f9: the share weight drops root_proportion (RSET-019).
    EXPECT_EQ(MAIN_14BC6F9.parent, "v3.4.9-424");
    EXPECT_EQ(delta(V3_4_9_424, MAIN_14BC6F9), S({"share_weight"}));
    EXPECT_EQ(MAIN_14BC6F9.share_weight, ShareWeight::unburned);
    // Metadata: `git rev-parse <tag>^{commit}`, runtime spec_version, commit date.
    EXPECT_EQ(V3_4_8_423.commit, "06032d518fbaead1ddc2039e9e6aa55715026364");
    EXPECT_EQ(V3_4_9_424.commit, "6d81084c5c13413d9e3637586280125c0bfc1948");
    EXPECT_EQ(MAIN_14BC6F9.commit, "14bc6f9f964b9cc362e9635dd110a487fa5d15a0");
    EXPECT_EQ(V3_4_8_423.spec_version, 423u);
    EXPECT_EQ(V3_4_9_424.spec_version, 424u);
    EXPECT_EQ(MAIN_14BC6F9.spec_version, 425u);
    // None of them has today's mainnet's injection or gate.
    for (const Ruleset& r : BALANCER_RULESETS) {
        EXPECT_EQ(r.injection, Injection::reweight_then_buy) << r.id;
        EXPECT_EQ(r.emission_gate, EmissionGate::none) << r.id;
    }
    // The launch-era rulesets keep the launch shapes.
    for (const Ruleset& r : {V2_0_0, V2_0_10}) {
        EXPECT_EQ(r.swap, SwapKind::constant_product) << r.id;
        EXPECT_EQ(r.coinbase, CoinbaseKind::launch) << r.id;
        EXPECT_EQ(r.share_weight, ShareWeight::none) << r.id;
        EXPECT_EQ(r.epoch_schedule, EpochSchedule::modulo) << r.id;
    }
}

/// @rule RSET-025 RSET-026 RSET-028
TEST(ruleset, mainnet_is_main_plus_its_deltas)
{
    using S = std::set<std::string>;
    // Spec 432 (RaoFoundation 8e9322e, the spec-439 runtime): main's weighting, plus the chain
    // buy before the reweight with its refund and the reservoirs (RSET-025).
    EXPECT_EQ(MAINNET_432.parent, "main-14bc6f9");
    EXPECT_EQ(delta(MAIN_14BC6F9, MAINNET_432), S({"injection"}));
    EXPECT_EQ(MAINNET_432.injection, Injection::buy_then_reservoir);
    // Spec 440: the Hill gate with the bar by mass; 441: by rank (RSET-026).
    EXPECT_EQ(delta(MAINNET_432, MAINNET_440), S({"emission_gate"}));
    EXPECT_EQ(MAINNET_440.emission_gate, EmissionGate::quantile);
    EXPECT_EQ(delta(MAINNET_440, MAINNET_441), S({"emission_gate"}));
    EXPECT_EQ(MAINNET_441.emission_gate, EmissionGate::rank_or_quantile);
    // Spec 464: the fast moving price (RSET-028).
    EXPECT_EQ(delta(MAINNET_441, MAINNET_464), S({"fast_moving_price"}));
    EXPECT_TRUE(MAINNET_464.fast_moving_price);
    for (const Ruleset& r : MAINNET_RULESETS) {
        EXPECT_EQ(r.era, "mainnet");
        EXPECT_EQ(r.share_weight, ShareWeight::unburned) << r.id;
        EXPECT_EQ(r.swap, SwapKind::balancer) << r.id;
    }
}

/// @rule RSET-027
TEST(ruleset, every_mainnet_spec_names_its_ruleset)
{
    // The spec versions mainnet ran from the Balancer on, ascending, each naming a ruleset whose
    // own spec version is not later than it.
    unsigned last = 0;
    for (const auto& m : MAINNET_SPECS) {
        EXPECT_GT(m.spec_version, last);
        last = m.spec_version;
        const auto r = find_ruleset(m.ruleset);
        ASSERT_TRUE(r.has_value()) << m.spec_version;
        EXPECT_LE(r->spec_version, m.spec_version) << m.spec_version;
        EXPECT_EQ(find_ruleset_for_spec(m.spec_version)->id, r->id);
    }
    // 425 … 431 never ran on mainnet; 441 … 459 are the rank-gated rules, 464 … 475 add the fast price.
    for (unsigned never = 425; never <= 431; ++never)
        EXPECT_FALSE(find_ruleset_for_spec(never).has_value()) << never;
    EXPECT_FALSE(find_ruleset_for_spec(283).has_value());  // never sampled
    EXPECT_FALSE(find_ruleset_for_spec(385).has_value());  // never sampled; its rules ran from 391
    EXPECT_EQ(find_ruleset_for_spec(290)->id, "v3.2.0");
    EXPECT_EQ(find_ruleset_for_spec(298)->id, "v3.2.3");
    EXPECT_EQ(find_ruleset_for_spec(301)->id, "v3.2.4");
    EXPECT_EQ(find_ruleset_for_spec(315)->id, "v3.2.5");
    EXPECT_EQ(find_ruleset_for_spec(326)->id, "v3.2.8-320");
    EXPECT_EQ(find_ruleset_for_spec(348)->id, "v3.2.10-334");
    EXPECT_EQ(find_ruleset_for_spec(391)->id, "v3.3.12-391");
    EXPECT_EQ(find_ruleset_for_spec(422)->id, "v3.4.6-421");
    EXPECT_EQ(find_ruleset_for_spec(424)->id, "v3.4.9-424");
    EXPECT_EQ(find_ruleset_for_spec(439)->id, "mainnet-432");
    EXPECT_EQ(find_ruleset_for_spec(440)->id, "mainnet-440");
    EXPECT_EQ(find_ruleset_for_spec(459)->id, "mainnet-441");
    EXPECT_EQ(find_ruleset_for_spec(464)->id, "mainnet-464");
    EXPECT_EQ(find_ruleset_for_spec(475)->id, "mainnet-464");
}
