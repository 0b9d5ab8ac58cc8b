// dtao-reference: the Balancer-era swap (v3.4.8-423+): a weighted pool with a fee.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-*). Chain source: subtensor 14bc6f9
// pallets/swap/src/pallet/{balancer.rs,impls.rs,swap_step.rs} and
// pallets/subtensor/src/staking/stake_utils.rs.
//
// Notation as on chain: x = alpha reserve (SubnetAlphaIn, "base"), y = TAO
// reserve (SubnetTAO, "quote"); w2 = the quote weight stored as a Perquintill,
// w1 = 1 − w2.
//
// The swap pallet only computes; `stake_utils.rs` applies the reserve deltas
// (BAL-010). Every function whose answer depends on the ruleset takes it: the
// three Balancer rulesets differ in the swap by RSET-021 (input cap), RSET-022
// (precision of `exp_scaled`) and RSET-023 (`exp_scaled` clamped at 1), see
// spec/balancer.md. Flags are named enums (`Fees`, `SwapRun`, `Exponent`), not
// booleans.
#pragma once

#include "dtao/numeric/bigmath.hpp"
#include "dtao/errors.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <optional>
#include <utility>

namespace dtao {

namespace balancer {

/// The pool's own number types in each model: the stored quote weight w2 and a price.
template <typename Model>
struct PoolNumbers;
template <>
struct PoolNumbers<ChainModel>
{
    using Weight = Perquintill;
    using Price = fixed::U64F64;
};
template <>
struct PoolNumbers<ExactModel>
{
    using Weight = Rational;
    using Price = Rational;
};
template <typename Model>
using WeightOf = typename PoolNumbers<Model>::Weight;
template <typename Model>
using PriceOf = typename PoolNumbers<Model>::Price;
template <typename Model>
using AmountOf = typename Model::Amount;

/// What one swap did (`SwapResult`): the caller refunds amount − paid_in − fee.
template <typename Model>
struct SwapOutcome
{
    AmountOf<Model> amount_paid_in{};       ///< net input executed
    AmountOf<Model> amount_paid_out{};      ///< output
    AmountOf<Model> fee_paid{};             ///< fee taken from the input
    AmountOf<Model> fee_to_block_author{};  ///< the author's part of the fee (all of it; 0 when nothing executed)
    friend bool operator==(const SwapOutcome&, const SwapOutcome&) = default;
};

}  // namespace balancer

using BalancerSwap = balancer::SwapOutcome<ChainModel>;

/// Which way a swap goes (`GetAlphaForTao` / `GetTaoForAlpha`).
enum class SwapSide
{
    buy,   ///< TAO in, alpha out (price rises)
    sell,  ///< alpha in, TAO out (price falls)
};

/// A swap's fee (the chain's `drop_fees`): charged at the pool's rate, or dropped, as for the
/// coinbase's chain buy and the sale of an unstake's alpha fee.
enum class Fees
{
    charged,
    dropped,
};

/// What `do_swap` does with its result (the chain's `simulate`): commit it to the pool, or
/// only compute it and leave the pool as it was (the BAL-008 initialisation included).
enum class SwapRun
{
    commit,
    simulate,
};

/// The exponent of `exp_scaled` (BAL-002): the chain's `exp_quote_base` (w2 / w1, for a
/// buy's output) or `exp_base_quote` (w1 / w2, for a sell's).
enum class Exponent
{
    quote_base,
    base_quote,
};

namespace balancer {

/// What `add_stake` did (BAL-011): the staker's side and where the fee went.
template <typename Model>
struct StakeOutcome
{
    SwapOutcome<Model> swap;          ///< the pool swap of the staked TAO
    AmountOf<Model> tao_requested{};  ///< the TAO moved to the subnet account (min(amount, max) for a limit order)
    AmountOf<Model> alpha{};          ///< alpha credited to the staker (= swap.amount_paid_out)
    /// tao_requested − paid_in − fee: transferred to the subnet account but neither swapped nor
    /// charged; `stake_into_subnet` does not refund it (nor add it to SubnetTAO)
    AmountOf<Model> tao_unswapped{};
    AmountOf<Model> author_tao{};  ///< TAO fee transferred to the block author
    AmountOf<Model> burned_tao{};  ///< TAO fee burned (no block author)
};

/// What `remove_stake` did (BAL-011).
template <typename Model>
struct UnstakeOutcome
{
    SwapOutcome<Model> swap;            ///< the pool swap of the unstaked alpha
    AmountOf<Model> alpha_requested{};  ///< alpha debited before the swap
    AmountOf<Model> alpha_refund{};     ///< alpha credited back (limit hit): alpha − paid_in − fee
    AmountOf<Model> tao{};              ///< TAO paid to the coldkey (= swap.amount_paid_out)
    SwapOutcome<Model> fee_swap;        ///< the fee-free sale of the alpha fee (author present)
    AmountOf<Model> author_tao{};       ///< TAO paid to the block author (= fee_swap.amount_paid_out)
    AmountOf<Model> burned_alpha{};     ///< alpha fee burned (no block author); stays counted in SubnetAlphaOut
};

}  // namespace balancer

using BalancerStakeOutcome = balancer::StakeOutcome<ChainModel>;
using BalancerUnstakeOutcome = balancer::UnstakeOutcome<ChainModel>;

/// `Balancer::default()`: equal weights, w2 = ½, in Perquintill parts. What a new subnet
/// stores, and what BAL-008 stores when it initialises a pool without a price.
inline constexpr u64 BALANCER_DEFAULT_QUOTE_PARTS = Perquintill::ACCURACY / 2;

/// @rule BAL-008  `maybe_initialize_palswap(n, None)`, which the first swap of a pool runs
/// (`swap_inner`): an uninitialised pool stores the default weights (w2 = ½) and is marked
/// initialised; an initialised pool is left as it is. Both models store the weight as
/// Perquintill parts, so this one function serves both; every place that initialises a pool
/// without a price calls it. Without a price the weights cannot be out of range, so it
/// cannot fail (the priced form, `chain::balancer::maybe_initialize_palswap`, can).
template <typename Model>
void initialize_default_weights(SubnetT<Model>& s) noexcept
{
    if (s.pal_swap_initialized)
        return;
    s.swap_balancer_quote_parts = BALANCER_DEFAULT_QUOTE_PARTS;
    s.pal_swap_initialized = true;
}

namespace balancer {

// The swap and the stake_utils reserve updates, written once over the model (one template,
// reference/src/balancer_swap.cpp, instantiated for ChainModel and ExactModel). The chain model
// rounds as the chain; the exact model computes the same decisions on exact values. The
// functions are reached through `chain::balancer` and `exact::balancer` as well.

/// @rule BAL-001  `current_alpha_price` at the quote weight `w`: 1 for stable subnets, 0 when
/// x = 0, else (w1/w2)·(y/x) (in U64F64 on chain).
template <typename Model>
[[nodiscard]] PriceOf<Model> current_price_at(const SubnetT<Model>& s, const WeightOf<Model>& w);

/// @rule BAL-005  `Pallet::do_swap` (→ `swap_inner` → `BasicSwapStep`) at the quote weight `w`:
/// the input cap (RSET-021), the minimum reserve, BAL-008's initialisation (an uninitialised pool
/// swaps at w2 = ½, whatever `w` says), the price-limit check, the target against the limit, the
/// zero-output check and the fee's author part. `limit` is a price (TAO per alpha).
/// `SwapRun::simulate`: the subnet is unchanged; `SwapRun::commit`: the only storage the swap
/// pallet writes is the initialisation. On error the subnet is unchanged (the extrinsic reverts).
/// The chain's weight in force is always the stored one (`chain::balancer::do_swap`); the exact
/// model's may be the exact weight of a reweighting that storage cannot hold.
template <typename Model>
Result<SwapOutcome<Model>> swap_at(const Ruleset& rules, SubnetT<Model>& s, const WeightOf<Model>& w,
                                   const AmountOf<Model>& minimum_reserve, SwapSide side, const AmountOf<Model>& amount,
                                   const PriceOf<Model>& limit, Fees fees, SwapRun run);

/// @rule BAL-005  `Pallet::do_swap` at the stored weight: `swap_at(rules, s, w2 of s, …)`.
template <typename Model>
Result<SwapOutcome<Model>> do_swap(const Ruleset& rules, SubnetT<Model>& s, u64 minimum_reserve, SwapSide side,
                                   const AmountOf<Model>& amount, const PriceOf<Model>& limit, Fees fees, SwapRun run);

/// @rule BAL-005  A limit price in rao per alpha as the swap pallet sees it (`SwapEngine::swap`):
/// on chain U64F64(limit) safe_div U64F64(10^9), exact limit / 10^9.
template <typename Model>
[[nodiscard]] PriceOf<Model> limit_price_from_rao(u64 limit_price);

/// @rule BAL-010  stake_utils `swap_tao_for_alpha` / `swap_alpha_for_tao` at weight `w`: the
/// swap (stable subnets: 1:1, no fee), then the reserve updates. Buy: SubnetAlphaIn −= out,
/// SubnetAlphaOut += out, SubnetTAO += paid_in, TotalStake += amount (gross), SubnetVolume +=
/// amount. Sell: SubnetAlphaIn += paid_in, SubnetAlphaOut −= paid_in, SubnetTAO −= out,
/// TotalStake −= out, SubnetVolume += out. On chain the reserve deltas pass through
/// `paid_*_reserve_delta_i64` (clamped to the i64 range, then `unsigned_abs`). No state change
/// on error.
template <typename Model>
Result<SwapOutcome<Model>> pool_swap_at(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                        const WeightOf<Model>& w, u64 minimum_reserve, SwapSide side,
                                        const AmountOf<Model>& amount, const PriceOf<Model>& limit, Fees fees);

/// @rule BAL-005  `do_swap` of a buy (TAO in) at the stored weight, without touching the state:
/// limit_price in rao per alpha (SWAP_MAX_PRICE for "no limit").
template <typename Model>
[[nodiscard]] Result<SwapOutcome<Model>> sim_swap_tao_for_alpha(const Ruleset& rules, const SubnetT<Model>& s,
                                                                u64 minimum_reserve, const AmountOf<Model>& tao,
                                                                u64 limit_price, Fees fees);
/// @rule BAL-005  `do_swap` of a sell (alpha in), without touching the state
/// (SWAP_MIN_PRICE for "no limit").
template <typename Model>
[[nodiscard]] Result<SwapOutcome<Model>> sim_swap_alpha_for_tao(const Ruleset& rules, const SubnetT<Model>& s,
                                                                u64 minimum_reserve, const AmountOf<Model>& alpha,
                                                                u64 limit_price, Fees fees);

/// @rule BAL-005  `SwapHandler::sim_swap`: dynamic subnets simulate with the default limit
/// (max price for a buy, min price for a sell) and fees; others are 1:1 with no fee.
template <typename Model>
[[nodiscard]] Result<SwapOutcome<Model>> sim_swap(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                                  SwapSide side, const AmountOf<Model>& amount);

/// @rule BAL-010  stake_utils `swap_tao_for_alpha` at the stored weight, limit_price in rao per alpha.
template <typename Model>
Result<SwapOutcome<Model>> swap_tao_for_alpha(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                              u64 minimum_reserve, const AmountOf<Model>& tao, u64 limit_price,
                                              Fees fees);
/// @rule BAL-010  stake_utils `swap_alpha_for_tao` at the stored weight.
template <typename Model>
Result<SwapOutcome<Model>> swap_alpha_for_tao(const Ruleset& rules, SubnetT<Model>& s, AmountOf<Model>& total_stake,
                                              u64 minimum_reserve, const AmountOf<Model>& alpha, u64 limit_price,
                                              Fees fees);

/// @rule BAL-012  `get_max_amount_add(n, L)`: root or stable: u64::MAX if L ≥ 10^9 else 0;
/// else a simulated buy of SubnetTAO·1000 (u64::MAX before RSET-021) with limit L returns
/// paid_in + fee. Errors of the swap propagate. In the exact model this is the input (with its
/// fee) that takes the spot price exactly to L, capped by the same probe.
template <typename Model>
[[nodiscard]] Result<AmountOf<Model>> max_amount_add(const Ruleset& rules, const SubnetT<Model>& s, u64 minimum_reserve,
                                                     u64 limit_price);
/// @rule BAL-012  `get_max_amount_remove(n, L)`: root or stable: u64::MAX if L ≤ 10^9 else 0;
/// else a simulated sell of SubnetAlphaIn·1000 (u64::MAX before RSET-021).
template <typename Model>
[[nodiscard]] Result<AmountOf<Model>> max_amount_remove(const Ruleset& rules, const SubnetT<Model>& s,
                                                        u64 minimum_reserve, u64 limit_price);

/// A subnet's storage at the last block of the v3 pool, as the migration to the Balancer finds it.
template <typename Model>
struct V3Remnant
{
    SubnetT<Model> subnet;                          ///< `SubnetTAO`, `SubnetAlphaIn`, … as stored
    AmountOf<Model> tao_provided{};                 ///< `SubnetTaoProvided`
    AmountOf<Model> alpha_in_provided{};            ///< `SubnetAlphaInProvided`
    std::optional<fixed::U64F64> alpha_sqrt_price;  ///< `Swap.AlphaSqrtPrice`, when stored
};

/// What the migration leaves of a subnet.
template <typename Model>
struct Bridged
{
    /// The Balancer pool: the reserves as stored, `PalSwapInitialized`, and on chain the weight
    /// as Perquintill parts (the exact model keeps its weight in `quote_weight` only).
    SubnetT<Model> subnet;
    WeightOf<Model> quote_weight{};  ///< w2
    bool price_initialized = false;  ///< w2 from the v3 price (not the default ½)
    /// The `*Provided` maps, which no code of the Balancer era reads (F-045).
    AmountOf<Model> tao_provided_unread{};
    AmountOf<Model> alpha_in_provided_unread{};
};

/// @rule BAL-009  `migrate_swapv3_to_balancer` for one subnet. A stored `AlphaSqrtPrice` s
/// initialises the weights from p = s² (U64F64 `saturating_mul` on chain) and the reserves as
/// stored, by BAL-008; when that fails the subnet takes the default weights (½) and is marked
/// initialised. Without a stored price the subnet is left uninitialised (its first swap sets ½).
/// The reserves do not move: `SubnetTaoProvided` and `SubnetAlphaInProvided` are neither folded in
/// nor read (F-045), and the v3 storage (ticks, positions, fee globals, scrap reservoirs) is
/// deleted.
template <typename Model>
[[nodiscard]] Bridged<Model> migrate_swapv3_to_balancer(const V3Remnant<Model>& v3);

}  // namespace balancer

namespace chain::balancer {

using fixed::U64F64;

/// Perquintill parts of `Balancer::ACCURACY` (10^18).
inline constexpr u64 ACCURACY = Perquintill::ACCURACY;

/// The stored quote weight w2 (`SwapBalancer[n].quote`).
[[nodiscard]] inline Perquintill quote_weight(const Subnet& s) noexcept
{
    return Perquintill::from_parts(s.swap_balancer_quote_parts);
}

/// @rule BAL-007  `Balancer::check_constraints`: both weights ≥ `MIN_WEIGHT` (0.01).
[[nodiscard]] bool check_constraints(Perquintill quote) noexcept;

/// @rule BAL-001  `Balancer::calculate_price(x, y)` = (U64F64(w1) safe_div U64F64(w2)) ·
/// (U64F64(y) safe_div U64F64(x)), `saturating_mul`.
[[nodiscard]] U64F64 calculate_price(Perquintill quote, u64 x, u64 y);

/// @rule BAL-001  `current_alpha_price`: 1 for stable subnets, 0 when x = 0, else
/// (w1/w2)·(y/x) in U64F64.
[[nodiscard]] U64F64 current_price(const Subnet& s);

/// @rule BAL-005  A limit price in rao per alpha as the swap pallet sees it:
/// U64F64(limit) safe_div U64F64(10^9) (`SwapEngine::swap`).
[[nodiscard]] U64F64 limit_price_from_rao(u64 limit_price);

/// @rule BAL-002  `Balancer::exp_scaled(r, d, base_quote)`: (r / (r + d))^(num/den) with
/// (num, den) = (w1, w2) for `Exponent::base_quote`, else (w2, w1), through `pow_ratio_scaled` at
/// `rules.balancer_exp_precision` and scale 10^18, as U64F64; 0 when r + d = 0 (saturating
/// u64) or the power is `None` or above u64::MAX; clamped at 1 for d ≥ 0 when
/// `rules.exp_scaled_clamp_at_one`.
[[nodiscard]] U64F64 exp_scaled(const Ruleset& rules, Perquintill quote, u64 r, i128 d, Exponent exponent);

/// @rule BAL-003  `BasicSwapStep<Tao, Alpha>::convert_deltas` (buy): alpha out =
/// to_u64(U64F64(x) · (1 − exp_scaled(y, dy, false))).
[[nodiscard]] u64 convert_deltas_buy(const Ruleset& rules, Perquintill quote, u64 x, u64 y, u64 dy);

/// @rule BAL-003  `BasicSwapStep<Alpha, Tao>::convert_deltas` (sell): TAO out =
/// to_u64(U64F64(y) · (1 − exp_scaled(x, dx, true))).
[[nodiscard]] u64 convert_deltas_sell(const Ruleset& rules, Perquintill quote, u64 x, u64 y, u64 dx);

/// @rule BAL-004  `calculate_fee_amount(n, amount, drop_fees)`: 0 when the fees are dropped or the
/// subnet is not dynamic, else to_u64(U64F64(amount) · (U64F64(FeeRate) safe_div U64F64(65535))).
[[nodiscard]] u64 calculate_fee_amount(const Subnet& s, u64 amount, Fees fees);

/// @rule BAL-004  The fee of a limit-cut order (`determine_action`): to_u64(U64F64(delta_in) ·
/// (rate safe_div (65535 − rate))), rate = 0 when the fees are dropped.
[[nodiscard]] u64 limit_fee(u64 fee_rate, u64 delta_in, Fees fees);

/// @rule BAL-006  `calculate_quote_delta_in(p, p', y)` = to_u64(y · (e/10^18 − 1)),
/// e = pow_ratio_scaled(bits(p'), bits(p), w1, 10^18, 1024, 10^18) (capped at u64::MAX; 0 when
/// `None`): the TAO that moves the price from p up to p'.
[[nodiscard]] u64 calculate_quote_delta_in(Perquintill quote, U64F64 current_price, U64F64 target_price, u64 reserve);

/// @rule BAL-006  `calculate_base_delta_in(p, p', x)` = to_u64(x · (e/10^18 − 1)),
/// e = pow_ratio_scaled(bits(p), bits(p'), w2, 10^18, 1024, 10^18).
[[nodiscard]] u64 calculate_base_delta_in(Perquintill quote, U64F64 current_price, U64F64 target_price, u64 reserve);

/// @rule BAL-006  `get_base_needed_for_quote(y, x, dy)` = to_u64(U64F64(x) ·
/// (exp_scaled(y, −dy, false) − 1)). Not called by the chain outside its tests.
[[nodiscard]] u64 get_base_needed_for_quote(const Ruleset& rules, Perquintill quote, u64 tao_reserve, u64 alpha_reserve,
                                            u64 delta_tao);

/// @rule BAL-007  `Balancer::update_weights_for_added_liquidity`: the quote weight that keeps
/// the price when (dτ, dα) is added to (y, x); nullopt when it falls outside [0.01, 0.99].
[[nodiscard]] std::optional<Perquintill> update_weights_for_added_liquidity(Perquintill quote, u64 tao_reserve,
                                                                            u64 alpha_reserve, u64 tao_delta,
                                                                            u64 alpha_delta);

/// @rule BAL-007  `adjust_protocol_liquidity(n, dτ, dα)`: reweight so that the price
/// is unchanged, then report what may be injected: (dτ, dα), or (0, 0) and no
/// change when a new weight would fall below 0.01. Does not move the reserves.
std::pair<u64, u64> adjust_protocol_liquidity(Subnet& s, u64 tao, u64 alpha);

/// @rule BAL-008  `maybe_initialize_palswap(n, price)`: once per subnet. No price: w2 = ½
/// (`initialize_default_weights`).
/// With a price p: w2 = from_rational(y, ⌊p⌋·x + to_u128(U64F64(x)·frac(p)) + y);
/// `reserves_out_of_balance` (and no change) when that sum is 0 or w2 is out of range.
Result<bool> maybe_initialize_palswap(Subnet& s, std::optional<U64F64> price);

/// @rule BAL-008  The priced weight w2 = y/(p·x + y) of `maybe_initialize_palswap`, rounded as
/// there; nullopt when the sum is 0 or w2 is out of range.
[[nodiscard]] std::optional<Perquintill> priced_quote_weight(const Subnet& s, U64F64 price);

using V3Remnant = dtao::balancer::V3Remnant<ChainModel>;
using Bridged = dtao::balancer::Bridged<ChainModel>;
using dtao::balancer::migrate_swapv3_to_balancer;

using dtao::balancer::do_swap;
using dtao::balancer::max_amount_add;
using dtao::balancer::max_amount_remove;
using dtao::balancer::sim_swap;
using dtao::balancer::sim_swap_alpha_for_tao;
using dtao::balancer::sim_swap_tao_for_alpha;
using dtao::balancer::swap_alpha_for_tao;
using dtao::balancer::swap_tao_for_alpha;

/// @rule BAL-011  `do_add_stake` (limit_price = nullopt: max price, no partial fill) and
/// `do_add_stake_limit` on `st.subnets[netuid]`, in the chain model (the control flow is one
/// template over the model, reference/src/balancer_stake.cpp): the input cap (RSET-021),
/// validation (`validate_add_stake`), `stake_into_subnet` and the fee's destination.
/// TotalIssuance does not change; TotalStake += the gross TAO swapped. Accounts and the share
/// pool are outside the model (the coldkey is assumed to hold the TAO).
Result<BalancerStakeOutcome> add_stake(const Ruleset& rules, ChainState& st, u64 netuid, u64 amount,
                                       std::optional<u64> limit_price, Fill allow_partial);

/// @rule BAL-011  `do_remove_stake` (limit_price = nullopt: min price, no partial fill) and
/// `do_remove_stake_limit`. `alpha_available` is the staker's stake on the subnet: the
/// request is capped at it for `do_remove_stake`; a limit order above it is refused with
/// `not_enough_stake_to_withdraw` after the input cap and the BAL-012 probe, before the
/// simulated sale (`calculate_reduced_stake_on_subnet`); the min-stake check is skipped when
/// the whole stake is unstaked.
Result<BalancerUnstakeOutcome> remove_stake(const Ruleset& rules, ChainState& st, u64 netuid, u64 alpha,
                                            u64 alpha_available, std::optional<u64> limit_price, Fill allow_partial);

}  // namespace chain::balancer

namespace exact::balancer {

/// The weight w2 = parts / 10^18 as an exact rational.
[[nodiscard]] Rational quote_weight(const ExactSubnet& s);

/// The documented error bound of the non-rational powers: |result − true| ≤ 2^-POW_ERROR_BITS
/// (absolute), checked at run time from a rigorous enclosure (bigmath::pow_ratio_reference).
inline constexpr unsigned POW_ERROR_BITS = 250;

/// @rule BAL-002  base^(num/den) for base > 0: exact when den = 1 after reduction (w = ½ gives
/// exponent 1), else a rational within 2^-250 of the real power.
[[nodiscard]] Rational pow_ratio(const Rational& base, const Int& num, const Int& den);

/// @rule BAL-001  (w1/w2)·(y/x); 1 for stable subnets, 0 when x = 0.
[[nodiscard]] Rational current_price(const ExactSubnet& s);
/// @rule BAL-001
[[nodiscard]] Rational calculate_price(const Rational& w2, const Rational& x, const Rational& y);

/// @rule BAL-003  alpha out of a buy: x·(1 − (y/(y+dy))^(w2/w1)).
[[nodiscard]] Rational convert_deltas_buy(const Rational& w2, const Rational& x, const Rational& y, const Rational& dy);
/// @rule BAL-003  TAO out of a sell: y·(1 − (x/(x+dx))^(w1/w2)).
[[nodiscard]] Rational convert_deltas_sell(const Rational& w2, const Rational& x, const Rational& y,
                                           const Rational& dx);

/// @rule BAL-004  amount · rate / 65535 (0 when the fees are dropped or not dynamic).
[[nodiscard]] Rational calculate_fee_amount(const ExactSubnet& s, const Rational& amount, Fees fees);
/// @rule BAL-004  delta_in · rate / (65535 − rate): fee / (delta_in + fee) = rate / 65535.
[[nodiscard]] Rational limit_fee(u64 fee_rate, const Rational& delta_in, Fees fees);

/// @rule BAL-006  y·((p'/p)^w1 − 1), 0 when p' ≤ p.
[[nodiscard]] Rational calculate_quote_delta_in(const Rational& w2, const Rational& p, const Rational& p_target,
                                                const Rational& y);
/// @rule BAL-006  x·((p/p')^w2 − 1), 0 when p' ≥ p.
[[nodiscard]] Rational calculate_base_delta_in(const Rational& w2, const Rational& p, const Rational& p_target,
                                               const Rational& x);
/// @rule BAL-006  x·((y/(y−dy))^(w2/w1) − 1), 0 when dy ≥ y.
[[nodiscard]] Rational get_base_needed_for_quote(const Rational& w2, const Rational& y, const Rational& x,
                                                 const Rational& dy);

/// @rule BAL-007  The exact reweighting: w2' = w2·x·(y+dτ) / (w1·y·(x+dα) + w2·x·(y+dτ)),
/// ½ when the denominator is 0; nullopt outside [0.01, 0.99]. The price (w1'/w2')·(y+dτ)/(x+dα)
/// equals the old price exactly. (The state stores Perquintill parts, so the exact weight is
/// returned, not stored.)
[[nodiscard]] std::optional<Rational> update_weights_for_added_liquidity(const Rational& w2, const Rational& y,
                                                                         const Rational& x, const Rational& dy,
                                                                         const Rational& dx);

/// @rule BAL-008  The priced weight exactly: w2 = y/(p·x + y), p = s² for the square-root price s
/// (not floored); nullopt when the sum is 0 or w2 is outside [0.01, 0.99].
[[nodiscard]] std::optional<Rational> priced_quote_weight(const ExactSubnet& s, const fixed::U64F64& sqrt_price);

using V3Remnant = dtao::balancer::V3Remnant<ExactModel>;
using Bridged = dtao::balancer::Bridged<ExactModel>;
using dtao::balancer::migrate_swapv3_to_balancer;

using Swap = dtao::balancer::SwapOutcome<ExactModel>;
using StakeOutcome = dtao::balancer::StakeOutcome<ExactModel>;
using UnstakeOutcome = dtao::balancer::UnstakeOutcome<ExactModel>;

/// @rule BAL-005  One simulated swap at the quote weight w2 (explicit, so that a rational weight
/// can be used), the limit a price in TAO per alpha: `balancer::swap_at` on a copy of `s`.
[[nodiscard]] Result<Swap> swap(const Ruleset& rules, const ExactSubnet& s, const Rational& w2,
                                const Rational& minimum_reserve, SwapSide side, const Rational& amount,
                                const Rational& limit, Fees fees);

using dtao::balancer::max_amount_add;
using dtao::balancer::max_amount_remove;
using dtao::balancer::sim_swap;
using dtao::balancer::sim_swap_alpha_for_tao;
using dtao::balancer::sim_swap_tao_for_alpha;
using dtao::balancer::swap_alpha_for_tao;
using dtao::balancer::swap_tao_for_alpha;

/// @rule BAL-011  The exact `do_add_stake` / `do_add_stake_limit`: the control flow of
/// `chain::balancer::add_stake` (one template, reference/src/balancer_stake.cpp: input cap,
/// BAL-012 maximum, `validate_add_stake`, the swap at the limit, the fee's destination) on
/// rational amounts, every decision taken from the exact values. The minimum-stake check
/// compares with 2·10^6 + the exact fee of its simulation (1007.09… at rate 33, the chain's
/// ⌊·⌋ is 1007), so amounts in [2 001 007, 2 001 007.09…) differ by design.
/// On error the state is unchanged.
Result<StakeOutcome> add_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& amount,
                               std::optional<u64> limit_price, Fill allow_partial);

/// @rule BAL-011  The exact `do_remove_stake` / `do_remove_stake_limit` (the control flow of
/// `chain::balancer::remove_stake`, rational amounts), with one decision of its own: after a
/// sale cut at the minimum price, which ends exactly at that price, the author's fee sale is
/// refused (`price_limit_exceeded`, after its input-cap and reserve checks; the hook
/// `refuse_fee_sale` in reference/src/balancer_stake.cpp). On error the state is unchanged.
Result<UnstakeOutcome> remove_stake(const Ruleset& rules, ExactChainState& st, u64 netuid, const Rational& alpha,
                                    const Rational& alpha_available, std::optional<u64> limit_price,
                                    Fill allow_partial);

}  // namespace exact::balancer

}  // namespace dtao
