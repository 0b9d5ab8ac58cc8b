// Unit tests of the drain of pending emission at an epoch.
// Rules: DRAIN-001 DRAIN-002 DRAIN-003 DRAIN-004 DRAIN-005 DRAIN-006 DRAIN-007
//        (and RSET-004 RSET-011 RSET-012 RSET-016 behaviourally)
//
// Chain source: run_coinbase.rs::drain_pending_emission and
// get_dividends_distribution at f95810a (v2.0.1), 5073ade (v2.0.4), b61dd30
// (v2.0.8), 8de0d23 (v2.0.9); subtensor_v2.md §Q3.
//
// Yuma consensus is out of scope: the drain takes the epoch's (hotkey,
// incentive, dividend) triples as input. For the chain's drain tests
// (tests/coinbase.rs, L16–L18 and their v2.0.9 versions) the epoch output is
// derived from the test setup as the v2.0.1 epoch would produce it: no
// weights are set, so Σ(incentive + dividend) = 0 and the epoch falls back to
// dividends proportional to the (active) stake, normalized in I32F32, times
// the epoch's emission pending_alpha + pending_swapped, and no incentive. The
// stake of a hotkey in the epoch is alpha + tao_weight·root plus what it
// inherits from parents. I32F32 normalization can move each dividend by < 1
// rao, far inside the tests' tolerances (±10, ±10 000).
#include "dtao/drain.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace dtao;

namespace {

/// The tests' `close(value, target, eps)`: |value − target| < eps.
void expect_close(u64 value, u64 target, u64 eps, const char* what)
{
    const long double d = static_cast<long double>(value) - static_cast<long double>(target);
    EXPECT_LT(d < 0 ? -d : d, static_cast<long double>(eps)) << what << ": value " << value << " target " << target;
}

/// Alpha credited to a hotkey's coldkeys (take to the owner + the rest to
/// nominators + incentive): in the tests the owner is the only nominator.
u64 alpha_credit(const DrainResult<ChainModel>& r, const std::string& hk)
{
    const auto it = r.payouts.find(hk);
    return it == r.payouts.end() ? 0 : it->second.incentive + it->second.alpha_take + it->second.alpha_dividend;
}
u64 tao_credit(const DrainResult<ChainModel>& r, const std::string& hk)
{
    const auto it = r.payouts.find(hk);
    return it == r.payouts.end() ? 0 : it->second.tao_take + it->second.tao_dividend;
}

/// L17's setup: tao_weight 1.0; hk1 alpha 1e9 + root 2e9; hk2 alpha 1e9 +
/// root 1e9; pending α 1e9, pending τ 1e9. Epoch stakes 3e9 : 2e9 →
/// dividends 600e6 and 400e6.
DrainInput two_stakers_root_different()
{
    DrainInput in;
    in.tao_weight = U64_MAX;
    in.pending_alpha = 1'000'000'000;
    in.pending_tao = 1'000'000'000;
    in.hotkeys["hk1"] = HotkeyInfo{.owner = "cold3", .alpha_stake = 1'000'000'000, .root_stake = 2'000'000'000};
    in.hotkeys["hk2"] = HotkeyInfo{.owner = "cold3", .alpha_stake = 1'000'000'000, .root_stake = 1'000'000'000};
    in.epoch = {{"hk1", 0, 600'000'000}, {"hk2", 0, 400'000'000}};
    return in;
}

/// L18's setup: parent (alpha 1e9, not registered) with one child at
/// proportion u64::MAX, childkey take u16::MAX/10 = 6553; the child inherits
/// the parent's whole stake, so the epoch pays the child dividend 1e9.
DrainInput childkey_parentkey()
{
    DrainInput in;
    in.pending_alpha = 1'000'000'000;
    in.tao_weight = 0;
    in.hotkeys["parent"] = HotkeyInfo{.owner = "cold0", .alpha_stake = 1'000'000'000, .children = {{U64_MAX, "child"}}};
    in.hotkeys["child"] = HotkeyInfo{.owner = "cold3", .childkey_take = 65'535 / 10, .parents = {{U64_MAX, "parent"}}};
    in.epoch = {{"child", 0, 1'000'000'000}};
    return in;
}

}  // namespace

// ---------------------------------------------------------------- L16–L18

/// @rule DRAIN-001 DRAIN-007
TEST(drain, single_staker_registered_L16)
{
    // L16: test_drain_base_with_subnet_with_single_staker_registered @ f95810a:
    // stake 1e9, pending α 1e9 → stake ≈ 2e9 (±10). Epoch: dividend 1e9 (one
    // staker, normalized stake 1).
    DrainInput in;
    in.tao_weight = 0;
    in.pending_alpha = 1'000'000'000;
    in.hotkeys["hk"] = HotkeyInfo{.owner = "cold", .alpha_stake = 1'000'000'000, .take = 11'796};
    in.epoch = {{"hk", 0, 1'000'000'000}};
    const auto r = drain_pending_emission<ChainModel>(V2_0_1, in);
    expect_close(1'000'000'000 + alpha_credit(r, "hk"), 2'000'000'000, 10, "stake after");
    EXPECT_EQ(r.alpha_paid, alpha_credit(r, "hk"));
    EXPECT_EQ(r.tao_paid, 0u);
}

/// @rule DRAIN-004 DRAIN-005 RSET-004
TEST(drain, two_stakers_root_different_amounts_L17_v2_0_1)
{
    // L17: test_drain_base_with_subnet_with_two_stakers_registered_and_root_different_amounts
    // @ f95810a (pre-v2.0.4 semantics: the full dividend is credited in alpha).
    // Expected (close, ±10): alpha hk1 +600e6, hk2 +400e6; root hk1 +2/3·1e9,
    // hk2 +1/3·1e9 (I96F32(1e9)·I96F32(2.0/3.0) → to_num).
    const auto r = drain_pending_emission<ChainModel>(V2_0_1, two_stakers_root_different());
    expect_close(alpha_credit(r, "hk1"), 600'000'000, 10, "alpha hk1");
    expect_close(alpha_credit(r, "hk2"), 400'000'000, 10, "alpha hk2");
    expect_close(tao_credit(r, "hk1"), 666'666'666, 10, "root hk1");
    expect_close(tao_credit(r, "hk2"), 333'333'333, 10, "root hk2");
    // root_prop hk1 = 2e9/3e9, hk2 = 1e9/2e9: root divs 400e6 and 200e6.
    // From v2.0.4 only dividend − root_divs is paid in alpha: 200e6 each.
    const auto r4 = drain_pending_emission<ChainModel>(V2_0_4, two_stakers_root_different());
    expect_close(alpha_credit(r4, "hk1"), 200'000'000, 10, "v2.0.4 alpha hk1");
    expect_close(alpha_credit(r4, "hk2"), 200'000'000, 10, "v2.0.4 alpha hk2");
    expect_close(tao_credit(r4, "hk1"), 666'666'666, 10, "v2.0.4 root hk1");
    // exact model: root divs 400e6 and 200e6 exactly, TAO 2/3 and 1/3 of 1e9
    const auto e = drain_pending_emission<ExactModel>(V2_0_1, two_stakers_root_different());
    EXPECT_EQ(e.total_root_divs, 600'000'000);
    EXPECT_EQ(e.payouts.at("hk1").tao_dividend + e.payouts.at("hk1").tao_take, Rational(2'000'000'000, 3));
    EXPECT_EQ(e.payouts.at("hk1").alpha_dividend, 600'000'000);
    const auto e4 = drain_pending_emission<ExactModel>(V2_0_4, two_stakers_root_different());
    EXPECT_EQ(e4.payouts.at("hk1").alpha_dividend, 200'000'000);
}

/// @rule DRAIN-003
TEST(drain, childkey_parentkey_L18)
{
    // L18: test_drain_alpha_childkey_parentkey @ f95810a: parent +900e6,
    // child +100e6 (±10 000). v2.0.1 split: child take = (6553/65535)·1e9 ≈
    // 99 992 370, the rest (≈ 900 007 629) goes to the only contributor, the
    // parent; the child keeps take + remainder − parents' share.
    const auto r = drain_pending_emission<ChainModel>(V2_0_1, childkey_parentkey());
    expect_close(alpha_credit(r, "parent"), 900'000'000, 10'000, "parent");
    expect_close(alpha_credit(r, "child"), 100'000'000, 10'000, "child");
    // the split conserves the dividend up to the truncation of each share
    const auto split = dividends_distribution<ChainModel>(V2_0_1, childkey_parentkey(), "child", 1'000'000'000);
    ASSERT_EQ(split.size(), 2u);
    EXPECT_EQ(split[0].first, "parent");
    EXPECT_EQ(split[1].first, "child");
    EXPECT_LE(1'000'000'000 - (split[0].second + split[1].second), 1u);
}

/// @rule DRAIN-006 RSET-016
TEST(drain, pending_validator_alpha_v2_0_9_chain_tests)
{
    // tests/coinbase.rs @ 8de0d23 (v2.0.9):
    // test_drain_base_with_subnet_with_single_staker_registered_root_weight:
    // tw 1, alpha 1e9 + root 1e9, pending α 1e9, pending τ 1e9 → +1e9 alpha and
    // +1e9 root (±10): with no incentive the validators get all of pending α.
    DrainInput in;
    in.tao_weight = U64_MAX;
    in.pending_alpha = 1'000'000'000;
    in.pending_tao = 1'000'000'000;
    in.hotkeys["hk"] = HotkeyInfo{.owner = "cold", .alpha_stake = 1'000'000'000, .root_stake = 1'000'000'000};
    in.epoch = {{"hk", 0, 1'000'000'000}};
    const auto r = drain_pending_emission<ChainModel>(V2_0_9, in);
    EXPECT_EQ(r.pending_validator_alpha, 1'000'000'000u);
    expect_close(alpha_credit(r, "hk"), 1'000'000'000, 10, "alpha");
    expect_close(tao_credit(r, "hk"), 1'000'000'000, 10, "root");
    // ..._two_stakers_registered_and_root_different_amounts @ 8de0d23:
    // alpha 50 % / 50 % (alpha divs 200e6 each share pending α), root 2/3 / 1/3.
    const auto r2 = drain_pending_emission<ChainModel>(V2_0_9, two_stakers_root_different());
    expect_close(alpha_credit(r2, "hk1"), 500'000'000, 10, "alpha hk1");
    expect_close(alpha_credit(r2, "hk2"), 500'000'000, 10, "alpha hk2");
    expect_close(tao_credit(r2, "hk1"), 666'666'666, 10, "root hk1");
    expect_close(tao_credit(r2, "hk2"), 333'333'333, 10, "root hk2");
}

/// @rule DRAIN-006
TEST(drain, pending_validator_alpha_formula)
{
    // With incentives: ⌊(pa + ps)/2⌋ − ps (u64, saturating); without: pa.
    DrainInput in;
    in.pending_alpha = 875'000'001;
    in.pending_swapped = 125'000'000;
    in.epoch = {{"miner", 10, 0}, {"val", 0, 10}};
    in.hotkeys["val"] = HotkeyInfo{.owner = "c", .alpha_stake = 1};
    auto r = drain_pending_emission<ChainModel>(V2_0_9, in);
    EXPECT_EQ(r.pending_validator_alpha, (875'000'001u + 125'000'000u) / 2 - 125'000'000u);  // 375 000 000
    // the exact model halves without flooring: (pa + ps)/2 − ps = 750 000 001/2
    EXPECT_EQ(drain_pending_emission<ExactModel>(V2_0_9, in).pending_validator_alpha, Rational(750'000'001, 2));
    in.pending_swapped = 2'000'000'000;  // more swapped than half: saturates at 0
    EXPECT_EQ(drain_pending_emission<ChainModel>(V2_0_9, in).pending_validator_alpha, 0u);
    EXPECT_EQ(drain_pending_emission<ExactModel>(V2_0_9, in).pending_validator_alpha, 0);
    in.epoch = {{"val", 0, 10}};
    EXPECT_EQ(drain_pending_emission<ChainModel>(V2_0_9, in).pending_validator_alpha, 875'000'001u);
    EXPECT_EQ(drain_pending_emission<ChainModel>(V2_0_8, in).pending_validator_alpha, 0u);  // not used before v2.0.9
}

// ---------------------------------------------------------------- DRAIN-002

/// @rule DRAIN-002 RSET-011
TEST(drain, incentives_summed_and_owner_hotkey_burned_from_v2_0_8)
{
    DrainInput in;
    in.tao_weight = 0;
    in.subnet_owner = "owner_cold";
    in.subnet_owner_hotkey = "owner_hk";
    in.epoch = {{"m1", 100, 0}, {"m1", 23, 0}, {"owner_hk", 50, 0}};
    const auto r1 = drain_pending_emission<ChainModel>(V2_0_1, in);
    EXPECT_EQ(r1.payouts.at("m1").incentive, 123u);
    EXPECT_EQ(r1.payouts.at("owner_hk").incentive, 50u);
    EXPECT_FALSE(r1.payouts.at("owner_hk").incentive_burned);
    EXPECT_EQ(r1.alpha_paid, 173u);
    const auto r8 = drain_pending_emission<ChainModel>(V2_0_8, in);
    EXPECT_EQ(r8.payouts.at("m1").incentive, 123u);
    EXPECT_EQ(r8.payouts.at("owner_hk").incentive, 0u);
    EXPECT_TRUE(r8.payouts.at("owner_hk").incentive_burned);
    EXPECT_EQ(r8.alpha_paid, 123u);
}

// ---------------------------------------------------------------- DRAIN-003

/// @rule DRAIN-003 RSET-012
TEST(drain, childkey_take_from_parent_shares_v2_0_8)
{
    // v2.0.8: parent share = 1e9 · 1 (the only contributor); the child takes
    // take·share from a parent with a different owner, nothing from one with
    // the same owner.
    const auto split = dividends_distribution<ChainModel>(V2_0_8, childkey_parentkey(), "child", 1'000'000'000);
    ASSERT_EQ(split.size(), 2u);
    // take bits ⌊6553·2^32/65535⌋; parent = ⌊1e9 − take·1e9⌋ and child =
    // ⌊0 + take·1e9⌋: together 1e9 − 1 (two truncations of complementary parts).
    EXPECT_EQ(split[0].second + split[1].second, 999'999'999u);
    const auto exact_split = dividends_distribution<ExactModel>(V2_0_8, childkey_parentkey(), "child", 1'000'000'000);
    EXPECT_EQ(exact_split[1].second, Rational(Int(1'000'000'000) * 6'553, Int(65'535)));
    EXPECT_EQ(Int(split[1].second), floor(exact_split[1].second));
    DrainInput same = childkey_parentkey();
    same.hotkeys["parent"].owner = "cold3";
    const auto s2 = dividends_distribution<ChainModel>(V2_0_8, same, "child", 1'000'000'000);
    EXPECT_EQ(s2[0].second, 1'000'000'000u);
    EXPECT_EQ(s2[1].second, 0u);
    // v2.0.1 ignores owners: the take comes off the whole dividend
    const auto s1 = dividends_distribution<ChainModel>(V2_0_1, same, "child", 1'000'000'000);
    EXPECT_LT(s1[0].second, 900'010'000u);
    // no parents: the hotkey keeps its dividend
    DrainInput alone;
    alone.hotkeys["v"] = HotkeyInfo{.owner = "c", .alpha_stake = 5};
    const auto s3 = dividends_distribution<ChainModel>(V2_0_8, alone, "v", 777);
    ASSERT_EQ(s3.size(), 1u);
    EXPECT_EQ(s3[0].second, 777u);
}

/// @rule DRAIN-003
TEST(drain, split_by_contribution_with_tao_weight)
{
    // child: alpha 1e9, root 0, lends half to nobody (no children); parents
    // P (alpha 1e9, proportion ½) and Q (root 2e9, proportion 1) with tao
    // weight ½: contributions self 1e9, P 5e8, Q 2e9·1·½ = 1e9; total 2.5e9.
    // Exact shares of a 1e9 dividend without take: P 2e8, Q 4e8, child 4e8.
    DrainInput in;
    in.tao_weight = U64_MAX / 2;
    in.hotkeys["child"] =
        HotkeyInfo{.owner = "c", .alpha_stake = 1'000'000'000, .parents = {{U64_MAX / 2, "P"}, {U64_MAX, "Q"}}};
    in.hotkeys["P"] = HotkeyInfo{.owner = "p", .alpha_stake = 1'000'000'000};
    in.hotkeys["Q"] = HotkeyInfo{.owner = "q", .root_stake = 2'000'000'000};
    const auto e = dividends_distribution<ExactModel>(V2_0_1, in, "child", 1'000'000'000);
    // the ratios are (U64_MAX/2)/U64_MAX, not exactly ½: P = 1e9·(1e9·r)/(1e9 + 1e9·r + 2e9·r)
    const Rational half(Int(U64_MAX / 2), Int(U64_MAX));
    const Rational total = Rational(1'000'000'000) + 1'000'000'000 * half + 2'000'000'000 * half;
    EXPECT_EQ(e[0].second, 1'000'000'000 * (1'000'000'000 * half) / total);
    EXPECT_EQ(e[1].second, 1'000'000'000 * (2'000'000'000 * half) / total);
    const auto c = dividends_distribution<ChainModel>(V2_0_1, in, "child", 1'000'000'000);
    for (std::size_t i = 0; i < 3; ++i) {
        const Rational diff = Rational(c[i].second) - e[i].second;
        EXPECT_LE(diff < 0 ? Rational(-diff) : diff, 2) << c[i].first;
    }
}

// ---------------------------------------------------------------- DRAIN-004/005

/// @rule DRAIN-004 DRAIN-005
TEST(drain, root_share_and_lost_root_tao)
{
    // no dividend hotkey has root stake: total_root_divs = 0, pending τ is paid
    // to nobody (chain-rules.md §A.4.7 step 9, observation).
    DrainInput in;
    in.tao_weight = U64_MAX;
    in.pending_tao = 5'000;
    in.hotkeys["v"] = HotkeyInfo{.owner = "c", .alpha_stake = 100};
    in.epoch = {{"v", 0, 1'000}};
    const auto r = drain_pending_emission<ChainModel>(V2_0_4, in);
    EXPECT_EQ(r.tao_paid, 0u);
    EXPECT_EQ(r.payouts.at("v").alpha_dividend, 1'000u);
    // tao weight 0: root stake counts for nothing
    DrainInput z = two_stakers_root_different();
    z.tao_weight = 0;
    const auto rz = drain_pending_emission<ChainModel>(V2_0_4, z);
    EXPECT_EQ(rz.tao_paid, 0u);
    EXPECT_EQ(alpha_credit(rz, "hk1"), 600'000'000u);
}

// ---------------------------------------------------------------- DRAIN-007

/// @rule DRAIN-007
TEST(drain, owner_cut_and_takes)
{
    DrainInput in;
    in.tao_weight = U64_MAX;
    in.owner_cut = 12'345;
    in.pending_tao = 1'000'000;
    in.hotkeys["v"] = HotkeyInfo{.owner = "c", .alpha_stake = 1'000'000, .root_stake = 1'000'000, .take = 65'535};
    in.hotkeys["w"] = HotkeyInfo{.owner = "d", .alpha_stake = 1'000'000, .take = 11'796};
    in.epoch = {{"v", 0, 1'000'000}, {"w", 0, 1'000'000}};
    // owner cut is paid only when both SubnetOwner and SubnetOwnerHotkey exist
    EXPECT_EQ(drain_pending_emission<ChainModel>(V2_0_4, in).owner_cut_paid, 0u);
    in.subnet_owner = "oc";
    EXPECT_EQ(drain_pending_emission<ChainModel>(V2_0_4, in).owner_cut_paid, 0u);
    in.subnet_owner_hotkey = "ohk";
    const auto r = drain_pending_emission<ChainModel>(V2_0_4, in);
    EXPECT_EQ(r.owner_cut_paid, 12'345u);
    // take 65535/65535 = 1: everything is take
    EXPECT_EQ(r.payouts.at("v").alpha_dividend, 0u);
    EXPECT_EQ(r.payouts.at("v").alpha_take, 500'000u);  // 1e6 − root half (root_prop ½)
    EXPECT_EQ(r.payouts.at("v").tao_take, 1'000'000u);
    EXPECT_EQ(r.payouts.at("v").tao_dividend, 0u);
    // w: take ratio bits 773 074 452 of 1e6: ⌊1e6·773074452/2^32⌋ = 179 995
    // (exact 1e6·11796/65535 = 179 995.42…); the rest ⌊1e6 − 179 995.42…⌋ = 820 004.
    EXPECT_EQ(r.payouts.at("w").alpha_take, 179'995u);
    EXPECT_EQ(r.payouts.at("w").alpha_dividend, 820'004u);
    EXPECT_EQ(r.alpha_paid, 12'345u + 500'000u + 179'995u + 820'004u);
    EXPECT_EQ(r.tao_paid, 1'000'000u);
    const auto e = drain_pending_emission<ExactModel>(V2_0_4, in);
    EXPECT_EQ(e.payouts.at("w").alpha_take, Rational(Int(1'000'000) * 11'796, Int(65'535)));
    EXPECT_EQ(e.alpha_paid, Rational(12'345 + 500'000 + 1'000'000));
}
