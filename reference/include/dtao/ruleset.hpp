// dtao-reference: rulesets as data.
// SPDX-License-Identifier: Apache-2.0
//
// A ruleset is named after the subtensor release tag whose rules it encodes
// and is defined as its parent plus deltas. Adding the next release means one
// new entry in `RULESETS` below and, if it changes a rule's shape, one new
// field. Spec: spec/rulesets.md (RSET-*).
#pragma once

#include "dtao/numeric/arith.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dtao {

/// How the EMA's alpha factor ramps up on a young subnet (RSET-006, RSET-009).
enum class EmaRamp
{
    none,                ///< v2.0.0–v2.0.4: constant alpha
    since_registration,  ///< v2.0.6+: alpha · b / (b + h), b = blocks since registration
    since_start_call,    ///< v2.0.10+: b = blocks since `start_call` (FirstEmissionBlockNumber − 1)
};

/// How stake is priced (RSET-017).
enum class SwapKind
{
    constant_product,  ///< v2.0.x: x·y = k in I110F18, flat staking fee (POOL-*, STAKE-*)
    balancer,          ///< v3.4.8-423+: Balancer weighted pool with a fee from the input (BAL-*)
    concentrated,      ///< v3.1.6 … v3.4.7: the v3 pool, concentrated liquidity over ticks (TICK-*, VSWAP-*)
};

/// The shape of the per-block coinbase (RSET-018).
enum class CoinbaseKind
{
    launch,            ///< v2.0.x: price-share TAO injection, root sell (COIN-*)
    injection_capped,  ///< v3.4.8-423+: injection capped at root_proportion · α emission, chain buys (BCOIN-*)
    // The v3 year's coinbases (spec/rulesets.md, "The year of the v3 pool"): named so that the
    // rulesets say which one ran, not modelled yet (their ops are `not_modelled`, RSET-024).
    v3_price_share,    ///< v3.1.6 … v3.2.2: the launch coinbase's price shares on the v3 pool
    v3_subsidy,        ///< v3.2.3 … v3.2.9: a subnet priced below its share is subsidised by a chain buy
    v3_taoflow,        ///< v3.2.10 … v3.4.5: shares from the TAO flow EMAs, pow-normalised
    v3_root_prop_ema,  ///< v3.4.6, v3.4.7: shares ∝ root_prop · EMA · (1 − MinerBurned), cap root_prop · α
};

/// How the v3 pool's protocol position takes the coinbase's injection (RSET-035,
/// `adjust_protocol_liquidity`, VSWAP-016).
enum class V3ProtocolLiquidity
{
    reserves_only,        ///< v3.2.0 … v3.2.3: the position's tokens plus the injection
    fees_reinvested,      ///< v3.2.4 … v3.2.9: plus the fees the position collects
    proportional_scraps,  ///< v3.2.10-334 on: those and the scrap reservoirs split at the price
};

/// What the subsidy injects as alpha into a subnet priced below its share (RSET-038).
enum class SubsidyAlphaIn
{
    alpha_emission,  ///< v3.2.3 … v3.2.7: the subnet's alpha emission
    block_emission,  ///< v3.2.8-320 … v3.2.9: the TAO block emission, as alpha
};

/// What a subnet's price-EMA share is weighted by before renormalising (RSET-019).
enum class ShareWeight
{
    none,                      ///< the share is the moving price's share
    root_proportion_unburned,  ///< v3.4.8-423, v3.4.9-424: root_proportion · (1 − MinerBurned)
    unburned,                  ///< main 14bc6f9: (1 − MinerBurned)
};

/// When a subnet's epoch runs (RSET-020).
enum class EpochSchedule
{
    modulo,    ///< `blocks_until_next_epoch` = 0: every tempo + 1 blocks (EPOCH-001/002)
    stateful,  ///< v3.4.8-423+: `LastEpochBlock`, `PendingEpochAt`, at most `MaxEpochsPerBlock` (BEPOCH-*)
};

/// How the coinbase turns a subnet's TAO-in, alpha-in and excess into pool liquidity (RSET-025).
enum class Injection
{
    reweight_then_buy,   ///< v3.4.8-423 … main 14bc6f9: reweight first; a refused reweight loses the injection,
                         ///< a failed chain buy strands its TAO (BCOIN-007)
    buy_then_reservoir,  ///< mainnet spec 432+: chain buy first (a failed one is refunded), then the reweight,
                         ///< and what it refuses waits in the Balancer reservoirs (BCOIN-015, BCOIN-016)
};

/// The emission gate applied to the weighted shares (RSET-026).
enum class EmissionGate
{
    none,
    quantile,          ///< mainnet spec 440: Hill gate, bar θ where the sorted shares reach mass q (BGATE-*)
    rank_or_quantile,  ///< mainnet spec 441+: θ is the N-th largest positive share (`EmissionBarRank` N > 0),
                       ///< else as `quantile`
};

struct Ruleset
{
    std::string_view id;      ///< subtensor tag, e.g. "v2.0.1"
    std::string_view parent;  ///< the ruleset this one is a delta on ("" for the root)
    std::string_view commit;  ///< full commit of the tag
    unsigned spec_version = 0;
    std::string_view date;
    /// The line of releases the ruleset belongs to ("launch": v2.0.x; "balancer": v3.4.8-423 …
    /// main 14bc6f9; "mainnet": mainnet spec 432+).
    /// A label only: no rule reads it, and no tool branches on it. The vector fillers select
    /// their rulesets by it (vectors/README.md); what a ruleset can do is `form_of` /
    /// `storage_of` (capabilities.hpp).
    std::string_view era = "launch";
    /// RSET-002 (v2.0.1): the EMA input price is min(price, 1.0).
    bool ema_clamp_at_one = false;
    /// RSET-003 (v2.0.2): TAO-in is zeroed when burn registration is off and
    /// PoW registration is *off*; before, when PoW registration was *on* (a bug).
    bool registration_off_needs_pow_off = false;
    /// RSET-004 (v2.0.4): alpha dividends are `dividend − root_divs`; before,
    /// the full dividend was credited in alpha as well (double count).
    bool alpha_dividends_exclude_root = false;
    /// RSET-005 (v2.0.4: 99 → 360): default tempo of a newly registered subnet.
    u64 default_tempo = 99;
    /// RSET-006 / RSET-009: the EMA ramp.
    EmaRamp ema_ramp = EmaRamp::none;
    /// RSET-007 (v2.0.8): the ramp's h is the per-subnet `EMAPriceHalvingBlocks`
    /// rather than the constant 100 800.
    bool ema_halving_per_subnet = false;
    /// RSET-008 (v2.0.9): only subnets whose `FirstEmissionBlockNumber` is set
    /// receive emission; `start_call` sets it.
    bool start_call = false;
    /// RSET-010 (v2.0.4): `unstake_from_subnet` debits the share pool before the
    /// swap (before: swaps first). Changes no amount in this model.
    bool unstake_debits_first = false;
    /// RSET-011 (v2.0.8): the drain skips (burns) the miner incentive of the
    /// subnet owner's hotkey.
    bool drain_burns_owner_hotkey_incentive = false;
    /// RSET-012 (v2.0.8): the parent/child split takes the childkey take from
    /// each parent's share (0 when parent and child share an owner) instead of
    /// from the whole dividend.
    bool childkey_take_from_parent_shares = false;
    /// RSET-013 (v2.0.8): a new subnet's initial pool TAO is added to `TotalStake`.
    bool registration_adds_pool_to_total_stake = false;
    /// RSET-014 (v2.0.8): unstaking pays a dividend-based fee (at least the flat fee).
    bool unstake_fee_dividend_based = false;
    /// RSET-015 (v2.0.9): the dividend-based unstake fee is at least 0.00005 of the alpha.
    bool unstake_fee_alpha_floor = false;
    /// RSET-016 (v2.0.9): the drain pays validators ⌊(pending_alpha + pending_swapped) / 2⌋
    /// − pending_swapped (all of pending_alpha when no incentive), shared by
    /// alpha dividend, instead of the epoch's dividend amounts.
    bool drain_validator_alpha_from_pending = false;

    // The Balancer era. Releases v3.1.6 … v3.4.7 (Uniswap-v3 pools, TAO-flow shares)
    // are not modelled; v3.4.8-423 is v2.0.10 plus the net change (spec/rulesets.md).

    /// RSET-017 (v3.4.8-423): the Balancer pool prices stake; swap fee from the
    /// input; final-spot limit prices; min stake 2·10^6 and no flat fee.
    SwapKind swap = SwapKind::constant_product;
    /// RSET-018 (v3.4.8-423): the injection-capped coinbase with chain buys,
    /// pending server/validator/root alpha, the moving price computed in U64F64.
    CoinbaseKind coinbase = CoinbaseKind::launch;
    /// RSET-019 (v3.4.8-423; main 14bc6f9 drops root_proportion).
    ShareWeight share_weight = ShareWeight::none;
    /// RSET-020 (v3.4.8-423): the stateful epoch scheduler (chain-rules.md dates it
    /// to v3.4.9-424; `should_run_epoch` at 06032d5 already has it).
    EpochSchedule epoch_schedule = EpochSchedule::modulo;
    /// RSET-021 (v3.4.9-424): swap input capped: net input ≤ 1000 × the input-side
    /// reserve (`swap_input_too_large`), `add_stake` amount ≤ 1000 × SubnetTAO
    /// (`insufficient_liquidity`), and `get_max_amount_add` probes with
    /// SubnetTAO · 1000 instead of u64::MAX.
    bool swap_input_reserve_cap = false;
    /// RSET-022 (v3.4.9-424: 1024 → 256): the `precision` `exp_scaled` passes to
    /// `pow_ratio_scaled`.
    unsigned balancer_exp_precision = 1024;
    /// RSET-023 (v3.4.9-424): `exp_scaled` clamps its result at 1 when d ≥ 0.
    bool exp_scaled_clamp_at_one = false;

    // Today's mainnet (spec 432+). Rulesets named `mainnet-N` hold the rules mainnet ran from
    // spec N on; `MAINNET_SPECS` maps every spec version mainnet ran to one of them.

    /// RSET-025 (mainnet spec 432): the chain buy before the reweight, its refund, the reservoirs.
    Injection injection = Injection::reweight_then_buy;
    /// RSET-026 (mainnet spec 440: quantile; 441: rank or quantile).
    EmissionGate emission_gate = EmissionGate::none;
    /// RSET-028 (mainnet spec 464): the moving-price update also advances the fast spot-price EMA
    /// `SubnetFastMovingPrice` (BEMA-003), which prices basket trades, not emission.
    bool fast_moving_price = false;

    // The year of the v3 pool (v3.2.0 … v3.4.7, specs 290 … 422). Each ruleset is v2.0.10 plus the
    // v3 pool (`swap = concentrated`) and the deltas below; their coinbases are named, not modelled
    // (spec/rulesets.md, "The year of the v3 pool").

    /// RSET-029 (v3.2.0: 196; v3.2.2: 33): the v3 pool's `DefaultFeeRate`, the fee rate of a subnet
    /// without a `FeeRate` entry (the eval protocol's default `fee_rate`).
    std::uint16_t v3_default_fee_rate = 0;
    /// RSET-030 (v3.2.1): the swap fee is charged only on a dynamic subnet (`SubnetMechanism` 1);
    /// before, on every subnet.
    bool v3_fee_only_dynamic = false;
    /// RSET-031 (v3.2.3): `ReservesTooLow` checks only the reserve the swap pays out; before, both.
    bool v3_reserve_check_paid_out_only = false;
    /// RSET-032 (v3.2.5): the runtime API `sim_swap_tao_for_alpha` / `sim_swap_alpha_for_tao`.
    bool sim_swap_runtime_api = false;
    /// RSET-033 (v3.3.11-385): each step's fee goes to the block author (`DefaultFeeSplit` is
    /// zero), not to the fee globals, and a step whose net input pays out nothing fails with
    /// `reserves_too_low`.
    bool v3_fee_to_block_author = false;
    /// RSET-034 (v3.3.12-391): `SimSwapResult` adds `tao_slippage` and `alpha_slippage`.
    bool sim_swap_slippage = false;
    /// RSET-035 (v3.2.4: fees reinvested; v3.2.10-334: the proportional split and the scrap
    /// reservoirs): how the protocol position takes an injection.
    V3ProtocolLiquidity v3_protocol_liquidity = V3ProtocolLiquidity::reserves_only;
    /// RSET-036 (v3.2.5): `swap_tao_for_alpha` / `swap_alpha_for_tao` on a stable subnet move the
    /// reserves, `SubnetAlphaOut`, `TotalStake` and `SubnetVolume` as a 1:1 swap would; before,
    /// they answered 1:1 and wrote nothing.
    bool v3_stable_swap_moves_reserves = false;
    /// RSET-037 (v3.2.4): a subnet with registration off gets no alpha in and no alpha out either;
    /// before, only its TAO in was zeroed (COIN-005).
    bool registration_off_zeroes_alpha = false;
    /// RSET-038 (v3.2.3: alpha emission; v3.2.8-320: block emission): the alpha the subsidy
    /// injects (VCOIN-002).
    SubsidyAlphaIn v3_subsidy_alpha_in = SubsidyAlphaIn::alpha_emission;
};

namespace detail {
template <typename Delta>
constexpr Ruleset derive(const Ruleset& parent, std::string_view id, std::string_view commit, unsigned spec_version,
                         std::string_view date, Delta delta)
{
    Ruleset r = parent;
    r.parent = parent.id;
    r.id = id;
    r.commit = commit;
    r.spec_version = spec_version;
    r.date = date;
    delta(r);
    return r;
}
}  // namespace detail

// clang-format off
/// @rule RSET-001  v2.0.0: dTAO live.
inline constexpr Ruleset V2_0_0{"v2.0.0", "", "e2b8367b8be2d9ce60ae5858c49138fa05f44a68", 233, "2025-02-13"};
inline constexpr Ruleset V2_0_1 = detail::derive(V2_0_0, "v2.0.1", "f95810a25d8b7f402189c9b39e1d73f8a4e4f90a", 234, "2025-02-13",
    [](Ruleset& r) { r.ema_clamp_at_one = true; });
inline constexpr Ruleset V2_0_2 = detail::derive(V2_0_1, "v2.0.2", "f9254ea63c72586270700d0edc0e75804404ba4c", 238, "2025-02-15",
    [](Ruleset& r) { r.registration_off_needs_pow_off = true; });
inline constexpr Ruleset V2_0_4 = detail::derive(V2_0_2, "v2.0.4", "5073ade602c367471f5124329b9d7ccf8e972d69", 244, "2025-02-24",
    [](Ruleset& r) { r.alpha_dividends_exclude_root = true; r.default_tempo = 360; r.unstake_debits_first = true; });
inline constexpr Ruleset V2_0_6 = detail::derive(V2_0_4, "v2.0.6", "a27fff2918adab7dbe9da19c08657752698989da", 246, "2025-03-06",
    [](Ruleset& r) { r.ema_ramp = EmaRamp::since_registration; });
inline constexpr Ruleset V2_0_8 = detail::derive(V2_0_6, "v2.0.8", "b61dd30202ff6e970a18b5a5231b62183b6ba972", 252, "2025-03-19",
    [](Ruleset& r) {
        r.ema_halving_per_subnet = true;
        r.drain_burns_owner_hotkey_incentive = true;
        r.childkey_take_from_parent_shares = true;
        r.registration_adds_pool_to_total_stake = true;
        r.unstake_fee_dividend_based = true;
    });
inline constexpr Ruleset V2_0_9 = detail::derive(V2_0_8, "v2.0.9", "8de0d23ca7dc94f5d4c595626f126ec6eb63dbb6", 257, "2025-03-28",
    [](Ruleset& r) { r.start_call = true; r.unstake_fee_alpha_floor = true; r.drain_validator_alpha_from_pending = true; });
inline constexpr Ruleset V2_0_10 = detail::derive(V2_0_9, "v2.0.10", "719a6f5e9ecacd0e9cd95d5d7d190f9c2021d75f", 258, "2025-04-04",
    [](Ruleset& r) { r.ema_ramp = EmaRamp::since_start_call; });
/// The year of the v3 pool (spec/rulesets.md): v2.0.10 plus the net change to v3.2.0, the first
/// v3-pool runtime mainnet ran (v3.1.6 and v3.1.7, specs 283 and 285, were never sampled).
inline constexpr Ruleset V3_2_0 = detail::derive(V2_0_10, "v3.2.0", "c39063b4756a9ec7854069e9f04b4b86ad490803", 290, "2025-07-07",
    [](Ruleset& r) {
        r.era = "v3";
        r.swap = SwapKind::concentrated;
        r.coinbase = CoinbaseKind::v3_price_share;
        r.v3_default_fee_rate = 196;
    });
inline constexpr Ruleset V3_2_1 = detail::derive(V3_2_0, "v3.2.1", "9f33e759acd763497135043504dc048dcc599c31", 292, "2025-07-10",
    [](Ruleset& r) { r.v3_fee_only_dynamic = true; });
inline constexpr Ruleset V3_2_2 = detail::derive(V3_2_1, "v3.2.2", "7b541095b057a68e0090d8348bdc96a70dc56be8", 297, "2025-07-23",
    [](Ruleset& r) { r.v3_default_fee_rate = 33; });
inline constexpr Ruleset V3_2_3 = detail::derive(V3_2_2, "v3.2.3", "6309d35929e484ebff70c7da68547fb9c60f0d11", 298, "2025-07-29",
    [](Ruleset& r) { r.v3_reserve_check_paid_out_only = true; r.coinbase = CoinbaseKind::v3_subsidy; });
inline constexpr Ruleset V3_2_4 = detail::derive(V3_2_3, "v3.2.4", "312c0be95983a98bed4120526351a94219d00449", 301, "2025-08-12",
    [](Ruleset& r) { r.v3_protocol_liquidity = V3ProtocolLiquidity::fees_reinvested; r.registration_off_zeroes_alpha = true; });
inline constexpr Ruleset V3_2_5 = detail::derive(V3_2_4, "v3.2.5", "67c7ac6923b498c15f5541fd0e9ddcbeed38c3b7", 302, "2025-08-19",
    [](Ruleset& r) { r.sim_swap_runtime_api = true; r.v3_stable_swap_moves_reserves = true; });
inline constexpr Ruleset V3_2_8_320 = detail::derive(V3_2_5, "v3.2.8-320", "835a2c90294705b5963043f5ef31460304df2475", 320, "2025-09-24",
    [](Ruleset& r) { r.v3_subsidy_alpha_in = SubsidyAlphaIn::block_emission; });
inline constexpr Ruleset V3_2_10_334 = detail::derive(V3_2_8_320, "v3.2.10-334", "6218ecc5cdab527a649c8fa5b0194db3f884571c", 334, "2025-11-04",
    [](Ruleset& r) {
        r.coinbase = CoinbaseKind::v3_taoflow;
        r.v3_protocol_liquidity = V3ProtocolLiquidity::proportional_scraps;
    });
inline constexpr Ruleset V3_3_11_385 = detail::derive(V3_2_10_334, "v3.3.11-385", "7eb6f9bb7c9ea19d60d11890d04ca352f9257fa8", 385, "2026-03-11",
    [](Ruleset& r) { r.v3_fee_to_block_author = true; });
inline constexpr Ruleset V3_3_12_391 = detail::derive(V3_3_11_385, "v3.3.12-391", "7a727dd4d219a953391e91ed2f7aa942050938f1", 391, "2026-03-19",
    [](Ruleset& r) { r.sim_swap_slippage = true; });
inline constexpr Ruleset V3_4_6_421 = detail::derive(V3_3_12_391, "v3.4.6-421", "6016381e4fb230d17643cca948afe296eb06faac", 421, "2026-06-22",
    [](Ruleset& r) { r.coinbase = CoinbaseKind::v3_root_prop_ema; });
/// The Balancer era: the v3 pool's last rules (v3.4.7 runs v3.4.6-421's) with the pool and the
/// coinbase replaced (spec/rulesets.md).
inline constexpr Ruleset V3_4_8_423 = detail::derive(V3_4_6_421, "v3.4.8-423", "06032d518fbaead1ddc2039e9e6aa55715026364", 423, "2026-06-25",
    [](Ruleset& r) {
        r.era = "balancer";
        r.swap = SwapKind::balancer;
        r.coinbase = CoinbaseKind::injection_capped;
        r.share_weight = ShareWeight::root_proportion_unburned;
        r.epoch_schedule = EpochSchedule::stateful;
    });
inline constexpr Ruleset V3_4_9_424 = detail::derive(V3_4_8_423, "v3.4.9-424", "6d81084c5c13413d9e3637586280125c0bfc1948", 424, "2026-06-29",
    [](Ruleset& r) { r.swap_input_reserve_cap = true; r.balancer_exp_precision = 256; r.exp_scaled_clamp_at_one = true; });
inline constexpr Ruleset MAIN_14BC6F9 = detail::derive(V3_4_9_424, "main-14bc6f9", "14bc6f9f964b9cc362e9635dd110a487fa5d15a0", 425, "2026-06-30",
    [](Ruleset& r) { r.share_weight = ShareWeight::unburned; });
/// Mainnet from spec 432 (2026-07-16): main (whose share weighting mainnet first ran here) plus
/// the injection fixes subtensor wrote as spec 426 (never enacted). Code read at
/// RaoFoundation/subtensor 8e9322e, the spec-439 runtime; 432 … 439 share it (spec/rulesets.md).
inline constexpr Ruleset MAINNET_432 = detail::derive(MAIN_14BC6F9, "mainnet-432", "8e9322e5a5b9ac0ea624ddcffe21ad251732a291", 432, "2026-07-16",
    [](Ruleset& r) { r.era = "mainnet"; r.injection = Injection::buy_then_reservoir; });
/// Mainnet from spec 440 (2026-07-27): the Hill emission gate with a quantile bar. The 440
/// runtime has no `EmissionBarRank`; its gate is the quantile branch of f8ff769's code.
inline constexpr Ruleset MAINNET_440 = detail::derive(MAINNET_432, "mainnet-440", "f8ff769a45395d2de7ec26110d0001aa1ff2e9ec", 440, "2026-07-27",
    [](Ruleset& r) { r.emission_gate = EmissionGate::quantile; });
/// Mainnet from spec 441 (2026-08-03): the bar by rank (`EmissionBarRank`, 32).
inline constexpr Ruleset MAINNET_441 = detail::derive(MAINNET_440, "mainnet-441", "f8ff769a45395d2de7ec26110d0001aa1ff2e9ec", 441, "2026-08-03",
    [](Ruleset& r) { r.emission_gate = EmissionGate::rank_or_quantile; });
/// Mainnet from spec 464 (first sampled 2026-09-17) to at least 475: the fast moving price. The
/// 459 runtime's storage has no `SubnetFastMovingPrice`, the 464 runtime's has.
inline constexpr Ruleset MAINNET_464 = detail::derive(MAINNET_441, "mainnet-464", "d1968521f606d96733af56d5f28842ce45989550", 464, "2026-09-17",
    [](Ruleset& r) { r.fast_moving_price = true; });
// clang-format on

/// The launch era (v2.0.x): constant-product pools, the launch coinbase, the
/// drain. Code that calls the launch-era rule functions iterates these.
inline constexpr std::array LAUNCH_RULESETS{V2_0_0, V2_0_1, V2_0_2, V2_0_4, V2_0_6, V2_0_8, V2_0_9, V2_0_10};

/// The year of the v3 pool (v3.2.0 … v3.4.7): `era == "v3"`, the v3 pool, coinbases not modelled.
inline constexpr std::array V3_RULESETS{V3_2_0,     V3_2_1,      V3_2_2,      V3_2_3,      V3_2_4,    V3_2_5,
                                        V3_2_8_320, V3_2_10_334, V3_3_11_385, V3_3_12_391, V3_4_6_421};

/// The Balancer era (v3.4.8-423 … main 14bc6f9): `era == "balancer"`.
inline constexpr std::array BALANCER_RULESETS{V3_4_8_423, V3_4_9_424, MAIN_14BC6F9};

/// Today's mainnet (spec 432+): `era == "mainnet"`, the Balancer pool and the injection-capped
/// coinbase with the later runtimes' deltas.
inline constexpr std::array MAINNET_RULESETS{MAINNET_432, MAINNET_440, MAINNET_441, MAINNET_464};

/// Every ruleset, oldest first: what `find_ruleset`, `dtao rulesets`, the eval
/// protocol and the vectors know.
inline constexpr std::array RULESETS{
    V2_0_0,     V2_0_1,     V2_0_2,     V2_0_4,       V2_0_6,      V2_0_8,      V2_0_9,      V2_0_10,     V3_2_0,
    V3_2_1,     V3_2_2,     V3_2_3,     V3_2_4,       V3_2_5,      V3_2_8_320,  V3_2_10_334, V3_3_11_385, V3_3_12_391,
    V3_4_6_421, V3_4_8_423, V3_4_9_424, MAIN_14BC6F9, MAINNET_432, MAINNET_440, MAINNET_441, MAINNET_464};

/// The ruleset with this id, if there is one.
[[nodiscard]] constexpr std::optional<Ruleset> find_ruleset(std::string_view id) noexcept
{
    for (const auto& r : RULESETS)
        if (r.id == id)
            return r;
    return std::nullopt;
}

/// One runtime mainnet ran, and the ruleset in force under it (RSET-027).
struct MainnetSpec
{
    unsigned spec_version = 0;
    std::string_view ruleset;  ///< the id of the ruleset in force
    u64 first_block = 0;       ///< the first block that ran it, where known (0: not known)
    std::string_view date;     ///< the date of that block or of the first sample showing the spec
};

// clang-format off
/// @rule RSET-027  The spec versions mainnet ran from the v3 pool on (spec/rulesets.md, "Mainnet's
/// runtimes"): 425 … 431 never ran. Each maps to the newest ruleset whose rules it runs.
inline constexpr std::array MAINNET_SPECS{
    // the year of the v3 pool: every spec a daily sample saw (spec/rulesets.md); 283, 285, 342,
    // 352, 371, 380 and 385 were never sampled. 334 ran about 6.5 hours, known from its setCode.
    MainnetSpec{290, "v3.2.0", 5'947'549, ""},
    MainnetSpec{292, "v3.2.1", 0, ""},
    MainnetSpec{297, "v3.2.2", 0, ""},
    MainnetSpec{298, "v3.2.3", 0, ""},
    MainnetSpec{301, "v3.2.4", 0, ""},
    MainnetSpec{302, "v3.2.5", 0, ""},
    MainnetSpec{306, "v3.2.5", 0, ""},
    MainnetSpec{315, "v3.2.5", 0, ""},
    MainnetSpec{320, "v3.2.8-320", 0, ""},
    MainnetSpec{323, "v3.2.8-320", 0, ""},
    MainnetSpec{326, "v3.2.8-320", 0, ""},
    MainnetSpec{334, "v3.2.10-334", 6'811'691, "2025-11-04"},
    MainnetSpec{338, "v3.2.10-334", 6'813'654, "2025-11-05"},
    MainnetSpec{343, "v3.2.10-334", 0, ""},
    MainnetSpec{345, "v3.2.10-334", 0, ""},
    MainnetSpec{347, "v3.2.10-334", 0, ""},
    MainnetSpec{348, "v3.2.10-334", 0, ""},
    MainnetSpec{349, "v3.2.10-334", 0, ""},
    MainnetSpec{350, "v3.2.10-334", 0, ""},
    MainnetSpec{351, "v3.2.10-334", 0, ""},
    MainnetSpec{361, "v3.2.10-334", 0, ""},
    MainnetSpec{362, "v3.2.10-334", 7'091'127, "2025-12-13"},
    MainnetSpec{365, "v3.2.10-334", 0, ""},
    MainnetSpec{366, "v3.2.10-334", 0, ""},
    MainnetSpec{367, "v3.2.10-334", 0, ""},
    MainnetSpec{372, "v3.2.10-334", 0, ""},
    MainnetSpec{373, "v3.2.10-334", 0, ""},
    MainnetSpec{374, "v3.2.10-334", 0, ""},
    MainnetSpec{377, "v3.2.10-334", 0, ""},
    MainnetSpec{391, "v3.3.12-391", 0, ""},
    MainnetSpec{392, "v3.3.12-391", 0, ""},
    MainnetSpec{393, "v3.3.12-391", 0, ""},
    MainnetSpec{401, "v3.3.12-391", 0, ""},
    MainnetSpec{402, "v3.3.12-391", 0, ""},
    MainnetSpec{411, "v3.3.12-391", 0, ""},
    MainnetSpec{413, "v3.3.12-391", 0, ""},
    MainnetSpec{415, "v3.3.12-391", 0, ""},
    MainnetSpec{416, "v3.3.12-391", 0, ""},
    MainnetSpec{417, "v3.3.12-391", 0, ""},
    MainnetSpec{419, "v3.3.12-391", 0, ""},
    MainnetSpec{421, "v3.4.6-421", 8'466'531, "2026-06-23"},
    MainnetSpec{422, "v3.4.6-421", 0, ""},
    MainnetSpec{423, "v3.4.8-423", 8'486'594, "2026-06-26"},
    MainnetSpec{424, "v3.4.9-424", 0, "2026-06-30"},
    MainnetSpec{432, "mainnet-432", 8'636'191, "2026-07-16"},
    MainnetSpec{437, "mainnet-432", 0, "2026-07-23"},
    MainnetSpec{438, "mainnet-432", 0, "2026-07-24"},
    MainnetSpec{439, "mainnet-432", 0, ""},
    MainnetSpec{440, "mainnet-440", 8'713'794, "2026-07-27"},
    MainnetSpec{441, "mainnet-441", 8'765'684, "2026-08-03"},
    MainnetSpec{442, "mainnet-441", 0, ""},
    MainnetSpec{443, "mainnet-441", 0, ""},
    MainnetSpec{445, "mainnet-441", 8'831'004, "2026-08-12"},
    MainnetSpec{446, "mainnet-441", 0, ""},
    MainnetSpec{447, "mainnet-441", 0, ""},
    MainnetSpec{448, "mainnet-441", 0, ""},
    MainnetSpec{450, "mainnet-441", 0, ""},
    MainnetSpec{452, "mainnet-441", 0, ""},
    MainnetSpec{453, "mainnet-441", 0, ""},
    MainnetSpec{454, "mainnet-441", 0, ""},
    MainnetSpec{455, "mainnet-441", 0, ""},
    MainnetSpec{458, "mainnet-441", 0, ""},
    MainnetSpec{459, "mainnet-441", 0, ""},
    MainnetSpec{464, "mainnet-464", 0, "2026-09-17"},
    MainnetSpec{467, "mainnet-464", 0, ""},
    MainnetSpec{468, "mainnet-464", 0, ""},
    MainnetSpec{469, "mainnet-464", 0, ""},
    MainnetSpec{470, "mainnet-464", 0, ""},
    MainnetSpec{472, "mainnet-464", 0, ""},
    MainnetSpec{473, "mainnet-464", 0, ""},
    MainnetSpec{475, "mainnet-464", 0, "2026-10-07"},
};
// clang-format on

/// @rule RSET-027  The ruleset in force under mainnet runtime `spec_version`, if mainnet ran it
/// and its rules are modelled.
[[nodiscard]] constexpr std::optional<Ruleset> find_ruleset_for_spec(unsigned spec_version) noexcept
{
    for (const auto& m : MAINNET_SPECS)
        if (m.spec_version == spec_version)
            return find_ruleset(m.ruleset);
    return std::nullopt;
}

}  // namespace dtao
