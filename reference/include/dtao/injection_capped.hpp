// dtao-reference: the injection-capped coinbase of the Balancer era (v3.4.8-423+): the shares,
// the capped injection with its chain buy, the pending amounts, the moving price, the
// dividend split and registration at the median price.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/injection_capped.md (BCOIN-*, BEPOCH-*, BEMA-*, BREG-*). Chain source:
// subtensor pallets/subtensor/src/coinbase/{run_coinbase.rs,block_step.rs,
// subnet_emissions.rs,block_emission.rs,tao.rs}, staking/stake_utils.rs and
// subnets/subnet.rs at 06032d5 (v3.4.8-423), 6d81084 (v3.4.9-424) and 14bc6f9
// (main). Only the share weighting (BCOIN-004) differs between the three in
// an amount; the coinbase, the scheduler, the EMA and registration are the
// same code at all three commits.
//
// Every rule is one template over the model (`dtao/numeric/model.hpp`), instantiated for
// `ChainModel` and `ExactModel` in reference/src/injection_capped.cpp; `dtao::chain::
// injection_capped` and `dtao::exact::injection_capped` name them for each model. What the
// models compute differently lives only in the leaf formulas (reference/src/injection_capped_leaf.hpp):
// * chain: the chain's U64F64 (shares, prices) and U96F32 (coinbase terms) with their
//   saturating operations, `tou64` of every amount stored, the price truncated to 32
//   fractional bits (BCOIN-006), and a `.sum()` that wraps (F-040);
// * exact: rationals; a subtraction the chain saturates at 0 is floored at 0, and the pool
//   weight in force after a reweighting (BAL-007) is the exact rational, which this block's
//   chain buy and moving-price update use. `ExactSubnet` stores the weight as Perquintill
//   parts, so the state keeps ⌊w·10^18⌋ (the storage's resolution, not a rule) and
//   `SubnetEmission::quote_weight` records the weight in force.
// The swap is the Balancer pool of `dtao/balancer.hpp` (BAL-*).
#pragma once

#include "dtao/errors.hpp"
#include "dtao/injection_capped_core.hpp"
#include "dtao/numeric/bigmath.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace dtao::injection_capped {

/// The number types the coinbase computes in, beyond the model's stored amounts.
template <typename Model>
struct Numbers;

template <>
struct Numbers<ChainModel>
{
    using Share = fixed::U64F64;  ///< shares, prices, the EMA
    using Term = fixed::U96F32;   ///< the coinbase's `asfloat!` terms
    using Weight = Perquintill;   ///< the pool's TAO weight w2 (stored)
};

template <>
struct Numbers<ExactModel>
{
    using Share = Rational;
    using Term = Rational;
    using Weight = Rational;
};

template <typename Model>
using Share = typename Numbers<Model>::Share;
template <typename Model>
using Term = typename Numbers<Model>::Term;
template <typename Model>
using Weight = typename Numbers<Model>::Weight;

/// What one emitting subnet received in one block, with every intermediate of
/// `get_shares`, `get_subnet_terms`, `inject_and_maybe_swap` and
/// `emit_to_subnets`, so that an implementer can find where they diverge.
template <typename Model>
struct SubnetEmission
{
    using Amount = typename Model::Amount;
    u64 netuid = 0;
    // get_shares / get_subnet_block_emissions (BCOIN-003 … BCOIN-005)
    Share<Model> moving_price{};    ///< get_moving_alpha_price, before this block's update
    Share<Model> price_share{};     ///< moving price / Σ moving prices (0 when Σ = 0)
    Share<Model> weighted_share{};  ///< after the ruleset's weighting and renormalisation (BCOIN-004)
    Share<Model> gate{};            ///< the emission gate's factor 1/(1 + (θ/s)^h) (BGATE-003; 1 without a gate)
    Share<Model> share{};           ///< get_shares: the weighted share after the gate and its renormalisation
    Share<Model> emission_share{};  ///< after the SubnetEmissionEnabled renormalisation
    Term<Model> tao_emission{};     ///< block emission · emission_share
    // get_subnet_terms (BCOIN-006), on the pre-injection state
    Term<Model> alpha_emission{};       ///< alpha block emission for the pre-injection issuance
    Term<Model> price{};                ///< current_alpha_price (chain: 32 fractional bits)
    Term<Model> root_proportion_pre{};  ///< root_proportion before the injection
    Term<Model> cap{};                  ///< root_proportion_pre · alpha_emission
    bool capped = false;                ///< tao_emission / price > cap
    Term<Model> tao_in{};
    Term<Model> alpha_in{};
    Term<Model> alpha_out{};
    Term<Model> excess_tao{};
    // inject_and_maybe_swap (BCOIN-007)
    Amount injected_tao{};         ///< adjust_protocol_liquidity's TAO (0 when the reweighting is refused)
    Amount injected_alpha{};       ///< adjust_protocol_liquidity's alpha
    Amount excess_spent{};         ///< the stored excess taken from the credit for the chain buy
    bool chain_buy_ok = false;     ///< the chain buy's swap succeeded
    Amount chain_buy_paid_in{};    ///< TAO that entered SubnetTAO (SubnetExcessTao)
    Amount chain_buy_alpha{};      ///< alpha bought (added to SubnetProtocolAlpha and SubnetAlphaOut)
    Amount stranded_tao{};         ///< spent TAO that entered neither SubnetTAO nor was recycled
    Amount chain_buy_refunded{};   ///< a failed chain buy's TAO, withdrawn back into the credit (BCOIN-015)
    Amount materialized_tao{};     ///< tao_in spent from the credit into the subnet account (BCOIN-015)
    Amount tao_reservoir{};        ///< BalancerTaoReservoir after the injection (BCOIN-016)
    Amount alpha_reservoir{};      ///< BalancerAlphaReservoir after the injection (BCOIN-016)
    Weight<Model> quote_weight{};  ///< the pool weight w2 in force after BCOIN-007
    // emit_to_subnets (BCOIN-008)
    Term<Model> owner_cut{};             ///< alpha_out · cut (0 when OwnerCutEnabled is false)
    Term<Model> root_proportion_post{};  ///< after injection, chain buy and the alpha_out mint
    Term<Model> root_alpha{};            ///< rp_post · (alpha_out − owner_cut) · ½
    Term<Model> server{};                ///< (alpha_out − owner_cut) · ½
    Term<Model> validator{};             ///< (alpha_out − owner_cut − server) − root_alpha
    Amount root_alpha_recycled{};        ///< the stored root_alpha recycled (no root sell)
};

template <typename Model>
struct CoinbaseResult
{
    using Amount = typename Model::Amount;
    Amount credit{};                                     ///< the minted block emission handed to run_coinbase
    bool root_sell_flag = false;                         ///< Σ moving prices > 1 (BCOIN-009)
    Share<Model> emission_gate_bar{};                    ///< θ in force this block (BGATE-002; 0 without a gate)
    bool emission_gate_bar_stored = false;               ///< θ was recomputed and stored this block
    bool emission_gate_restored = false;                 ///< the gate zeroed every share: ungated shares kept
    std::vector<SubnetEmission<Model>> emissions;        ///< one per emitting subnet, in storage-key order (BCOIN-014)
    Amount tao_spent{};                                  ///< credit spent on injections and chain buys
    Amount tao_recycled{};                               ///< credit left over and recycled (TotalIssuance −=)
    std::vector<EpochRun<Model>> epochs;                 ///< every subnet due this block, ran or deferred
    std::vector<std::pair<u64, Term<Model>>> root_prop;  ///< RootProp written by block_step (update_root_prop)
};

/// What `update_moving_price` computed (BEMA-001).
template <typename Model>
struct EmaUpdate
{
    Share<Model> blocks_since{};           ///< b = now − (FEB − 1), FEB unset reads 0
    Share<Model> alpha{};                  ///< SubnetMovingAlpha · b / (b + h) (0 when b + h = 0)
    Share<Model> price{};                  ///< min(current_alpha_price, 1)
    typename Model::Price moving_price{};  ///< the stored result (chain: 32 fractional bits)
};

/// One hotkey's input to calculate_dividend_distribution.
template <typename Model>
struct DividendInput
{
    using Amount = typename Model::Amount;
    Term<Model> dividend{};                          ///< the hotkey's dividend after the parent/child split
    std::optional<std::pair<Amount, Amount>> stake;  ///< (alpha stake on n, root stake); none: not in the stake map
};

template <typename Model>
struct DividendDistribution
{
    std::map<u64, Term<Model>> alpha_dividends;       ///< validator alpha · alpha_divs_h / Σ alpha_divs
    std::map<u64, Term<Model>> root_alpha_dividends;  ///< root alpha · root_divs_h / Σ root_divs
};

/// What registration at the median price did (BREG-002).
template <typename Model>
struct Registration
{
    using Amount = typename Model::Amount;
    u64 netuid = 0;
    u64 lock_cost = 0;  ///< the TAO the registrant paid (chain: REG-001; exact: ⌊exact lock cost⌋)
    Share<Model> median_price{};
    Amount pool_tao{};    ///< max(lock, NetworkMinLockCost)
    Amount pool_alpha{};  ///< pool_tao / median (chain: ⌊U64F64(pool_tao).safe_div(median)⌋)
    Amount recycled{};    ///< lock − pool_tao (saturating; 0 in practice)
};

// The rules. They sit in an inline namespace so that `dtao::chain::injection_capped` and
// `dtao::exact::injection_capped` can name all of them (and the scheduler's) with one
// using-directive, without the record templates that those namespaces alias per model.
inline namespace rules {

/// `get_tao_weight`: TaoWeight / u64::MAX.
template <typename Model>
[[nodiscard]] Term<Model> get_tao_weight(const ChainStateT<Model>& st);

/// @rule BCOIN-001  `root_proportion(n)`: tw = SubnetTAO[0] · tao_weight; tw / (tw + AlphaIn +
/// AlphaOut), 0 when the denominator is 0 (chain: U96F32, multiply first, `checked_div`).
template <typename Model>
[[nodiscard]] Term<Model> root_proportion(const ChainStateT<Model>& st, const SubnetT<Model>& s);

/// @rule BEMA-002  `get_moving_alpha_price`: 1 for root and stable subnets, else
/// SubnetMovingPrice (a negative stored value reads as 0).
template <typename Model>
[[nodiscard]] Share<Model> get_moving_alpha_price(const SubnetT<Model>& s);

/// @rule BCOIN-003  `get_shares_price_ema`: mp_i / Σ mp, 0 when Σ = 0 (chain: U64F64).
template <typename Model>
[[nodiscard]] std::map<u64, Share<Model>> get_shares_price_ema(const ChainStateT<Model>& st,
                                                               const std::vector<u64>& emit_to);

/// @rule BCOIN-004  `get_shares`'s weighting: w_i = share_i · factor_i, factor = (1 − min(MinerBurned,
/// 1)) (main) or root_proportion · (1 − min(MinerBurned, 1)) (v3.4.8-423, v3.4.9-424); w_i / Σ w;
/// the unweighted shares when Σ w = 0.
template <typename Model>
[[nodiscard]] std::map<u64, Share<Model>> weighted_shares(const Ruleset& rules, const ChainStateT<Model>& st,
                                                          const std::vector<u64>& emit_to);

/// @rule BCOIN-004  `get_shares`: the weighted shares, then the emission gate where the ruleset
/// has one (BGATE-003, mainnet spec 440+), with the bar in force this block.
template <typename Model>
[[nodiscard]] std::map<u64, Share<Model>> get_shares(const Ruleset& rules, const ChainStateT<Model>& st,
                                                     const std::vector<u64>& emit_to);

/// The shares after the SubnetEmissionEnabled renormalisation (BCOIN-005): enabled shares over
/// their sum when any subnet is disabled, disabled ones 0 (and kept).
template <typename Model>
[[nodiscard]] std::map<u64, Share<Model>> emission_shares(const ChainStateT<Model>& st,
                                                          std::map<u64, Share<Model>> shares);

/// @rule BCOIN-005  `get_subnet_block_emissions`: block_emission · emission_shares
/// (chain: U96F32(U64F64(E) · share)).
template <typename Model>
[[nodiscard]] std::map<u64, Term<Model>> get_subnet_block_emissions(const Ruleset& rules, const ChainStateT<Model>& st,
                                                                    const std::vector<u64>& emit_to,
                                                                    const Term<Model>& block_emission);

/// @rule BCOIN-006  `get_subnet_terms` for one subnet on the current (pre-injection)
/// state: fills alpha_emission, price, root_proportion_pre, cap, capped, tao_in,
/// alpha_in (E/p, 0 when p = 0), alpha_out and excess_tao of `e` from `e.tao_emission`.
template <typename Model>
void get_subnet_terms(const ChainStateT<Model>& st, const SubnetT<Model>& s, SubnetEmission<Model>& e);

/// @rule BCOIN-007  `inject_and_maybe_swap` (v3.4.8-423 … main 14bc6f9) over `emissions` (in their order; `emit_to_subnets`
/// puts them in storage-key order, BCOIN-014): reweight the pool (BAL-007), spend the stored
/// excess on a fee-free chain buy with no price limit, mint the accepted alpha into AlphaIn,
/// spend the accepted TAO into SubnetTAO and TotalStake. A spend the credit does not cover is
/// refused (`spend_tao`). Returns the credit left over (the caller recycles it). The chain buy
/// swaps under `rules` (precision and input cap differ between the tags, RSET-021/022).
template <typename Model>
typename Model::Amount inject_and_maybe_swap(const Ruleset& rules, ChainStateT<Model>& st,
                                             std::vector<SubnetEmission<Model>>& emissions,
                                             typename Model::Amount credit);

/// @rule BCOIN-016  The swap pallet's `adjust_protocol_liquidity` with the Balancer reservoirs
/// (mainnet spec 432+): the pending amounts are each reservoir plus this block's delta; the pool
/// is reweighted (BAL-007, on the current reserves, weight `w` in force) for both, else for the
/// alpha alone, else for the TAO alone; the first that keeps the weights in bounds is stored and
/// returned, and what it leaves out stays in its reservoir. When none does, both wait and
/// nothing is returned. `w` follows the stored weight.
template <typename Model>
std::pair<typename Model::Amount, typename Model::Amount>
adjust_protocol_liquidity_with_reservoirs(SubnetT<Model>& s, Weight<Model>& w, const typename Model::Amount& tao_delta,
                                          const typename Model::Amount& alpha_delta);

/// @rule BCOIN-015  `inject_pool_liquidity_and_swap_excess` (mainnet spec 432+): per subnet in
/// `emissions`' order, the stored excess is spent on the chain buy first, and a failed buy is
/// withdrawn back into the credit (the refund); then the stored tao_in is spent (0 when the credit
/// does not cover it) and offered with alpha_in to `adjust_protocol_liquidity` with its
/// reservoirs (BCOIN-016), on the post-buy reserves; what it accepts enters SubnetAlphaIn,
/// SubnetTAO and TotalStake. Returns the credit left over (the caller recycles it).
template <typename Model>
typename Model::Amount inject_pool_liquidity_and_swap_excess(const Ruleset& rules, ChainStateT<Model>& st,
                                                             std::vector<SubnetEmission<Model>>& emissions,
                                                             typename Model::Amount credit);

/// @rule BCOIN-009  `get_network_root_sell_flag`: Σ_{emit_to} get_moving_alpha_price > 1. The
/// chain's sum wraps modulo 2^64 as its `.sum()` does (F-040); the exact sum does not.
template <typename Model>
[[nodiscard]] bool get_network_root_sell_flag(const ChainStateT<Model>& st, const std::vector<u64>& emit_to);

/// @rule BCOIN-008  `emit_to_subnets`: terms for every emitting subnet, then
/// inject_and_maybe_swap and the recycle of the unspent credit, then per subnet the alpha_out
/// mint, the owner cut, the post-injection root proportion and the pending server / validator /
/// root alpha (root alpha recycled when `root_sell_flag` is false). Fills `out.emissions`,
/// `tao_spent`, `tao_recycled`.
template <typename Model>
void emit_to_subnets(const Ruleset& rules, ChainStateT<Model>& st, const std::map<u64, Term<Model>>& subnet_emissions,
                     typename Model::Amount credit, bool root_sell_flag, CoinbaseResult<Model>& out);

/// @rule BEMA-001  `update_moving_price` with the pool weight in force `w2` (after a
/// reweighting in the exact model, the exact rational, not the stored parts).
template <typename Model>
EmaUpdate<Model> update_moving_price(const ChainStateT<Model>& st, SubnetT<Model>& s, u64 now, const Weight<Model>& w2);
/// @rule BEMA-001  As above with the stored weight.
template <typename Model>
EmaUpdate<Model> update_moving_price(const ChainStateT<Model>& st, SubnetT<Model>& s, u64 now);

/// @rule BEMA-001  `update_moving_prices`: update_moving_price for the emitting subnets only; a
/// subnet with a record in `emissions` uses the record's weight in force.
template <typename Model>
void update_moving_prices(ChainStateT<Model>& st, const std::vector<SubnetEmission<Model>>& emissions);
template <typename Model>
void update_moving_prices(ChainStateT<Model>& st);

/// @rule BEMA-003  `update_fast_moving_price` (mainnet spec 464+), at the end of each subnet's
/// `update_moving_price`: the spot price (unclamped, at the weight in force `w2`) seeds
/// `SubnetFastMovingPrice` when it is unset; otherwise fast moves towards spot by
/// α = U64F64(ln 2) `safe_div` `BASKET_FAST_EMA_HALF_LIFE_BLOCKS` of the distance (chain: U64F64,
/// saturating and floored; exact: the same α as a rational, no rounding until stored).
template <typename Model>
void update_fast_moving_price(SubnetT<Model>& s, const Weight<Model>& w2);

/// @rule BEMA-003  `update_fast_moving_price` for the emitting subnets, when the ruleset has it
/// (RSET-028); a subnet with a record in `emissions` uses the record's weight in force.
template <typename Model>
void update_fast_moving_prices(const Ruleset& rules, ChainStateT<Model>& st,
                               const std::vector<SubnetEmission<Model>>& emissions);

/// @rule BCOIN-010  `mint_tao(amount)`: min(amount, 21e15 − TotalIssuance) (0 when negative) is
/// added to TotalIssuance and returned as the credit. (The chain reads Balances' total
/// issuance; here TotalIssuance stands for both, B.5.)
template <typename Model>
typename Model::Amount mint_tao(ChainStateT<Model>& st, const typename Model::Amount& amount);

/// @rule BCOIN-011  `run_coinbase(credit)`: emitting set, block emissions, root sell
/// flag, emit_to_subnets, recycle the unspent credit, drain_pending.
template <typename Model>
CoinbaseResult<Model> run_coinbase(const Ruleset& rules, ChainStateT<Model>& st, typename Model::Amount credit);

/// @rule BCOIN-012  `block_step`: credit = mint_tao(block emission for TotalIssuance,
/// none on error or 0), run_coinbase, update_moving_prices, update_root_prop.
template <typename Model>
CoinbaseResult<Model> block_step(const Ruleset& rules, ChainStateT<Model>& st);

/// @rule BCOIN-012  `block_step` after the mint: run_coinbase(credit), update_moving_prices,
/// update_root_prop. `credit` is TAO already minted (TotalIssuance already counts it).
template <typename Model>
CoinbaseResult<Model> block_step_with_credit(const Ruleset& rules, ChainStateT<Model>& st,
                                             typename Model::Amount credit);

/// @rule BCOIN-013  `calculate_dividend_distribution` (B.4.7 step 3): per hotkey in the stake
/// map root_prop = root·tw / (alpha + root·tw) (0 when both are 0), root_divs = d·root_prop,
/// alpha_divs = d − root_divs; then each pot is shared by its divs (0 when its total is 0).
/// Hotkeys keyed by an integer id (ascending, as the chain's BTreeMap over AccountId).
template <typename Model>
[[nodiscard]] DividendDistribution<Model>
calculate_dividend_distribution(const typename Model::Amount& pending_alpha,
                                const typename Model::Amount& pending_root_alpha, const Term<Model>& tao_weight,
                                const std::map<u64, DividendInput<Model>>& hotkeys);

/// @rule BREG-001  `get_median_subnet_alpha_price`: median of current_alpha_price over the
/// non-root subnets with price > 0 (mean of the two middle values, halved with `safe_div` on
/// chain, for an even count); 1 when there are none.
template <typename Model>
[[nodiscard]] Share<Model> get_median_subnet_alpha_price(const ChainStateT<Model>& st);

/// @rule BREG-002  `do_register_network` (pool part) at v3.4.8-423+: the median price is
/// captured before the subnet exists; pool TAO = max(actual lock, NetworkMinLockCost),
/// AlphaIn = pool_tao / median, AlphaOut 0, TotalStake += pool TAO, the Balancer pool
/// at w = ½, LastEpochBlock staggered (BEPOCH-004), SubnetEmissionEnabled = false, no
/// FirstEmissionBlockNumber. `lock` is the TAO actually transferred (the lock cost, REG-001,
/// is the caller's); it is already counted in TotalIssuance.
template <typename Model>
Registration<Model> register_network(const Ruleset& rules, ChainStateT<Model>& st, u64 lock);

/// @rule BREG-002  `do_register_network`'s economic checks and pool: the rate limit
/// (`network_tx_rate_limit_exceeded` within NetworkRateLimit blocks of the last registration,
/// as REG-003), the lock cost of REG-001 (unchanged in the Balancer era, chain-rules.md B.6;
/// the exact model pays its floor in whole rao), then `register_network` with that lock.
template <typename Model>
Result<Registration<Model>> do_register_network(const Ruleset& rules, ChainStateT<Model>& st);

/// @rule BREG-003  `do_start_call` at v3.4.8-423+: once, at or after NetworkRegisteredAt +
/// StartCallDelay (0 in the runtime); FirstEmissionBlockNumber = now + 1 and SubtokenEnabled.
template <typename Model>
Result<u64> start_call(ChainStateT<Model>& st, u64 netuid, u64 start_call_delay = 0);

}  // namespace rules

}  // namespace dtao::injection_capped

namespace dtao::chain::injection_capped {

using SubnetEmission = dtao::injection_capped::SubnetEmission<ChainModel>;
using EpochRun = dtao::injection_capped::EpochRun<ChainModel>;
using CoinbaseResult = dtao::injection_capped::CoinbaseResult<ChainModel>;
using EmaUpdate = dtao::injection_capped::EmaUpdate<ChainModel>;
using DividendInput = dtao::injection_capped::DividendInput<ChainModel>;
using DividendDistribution = dtao::injection_capped::DividendDistribution<ChainModel>;
using Registration = dtao::injection_capped::Registration<ChainModel>;

using namespace dtao::injection_capped::rules;

}  // namespace dtao::chain::injection_capped

namespace dtao::exact::injection_capped {

using SubnetEmission = dtao::injection_capped::SubnetEmission<ExactModel>;
using EpochRun = dtao::injection_capped::EpochRun<ExactModel>;
using CoinbaseResult = dtao::injection_capped::CoinbaseResult<ExactModel>;
using EmaUpdate = dtao::injection_capped::EmaUpdate<ExactModel>;
using DividendInput = dtao::injection_capped::DividendInput<ExactModel>;
using DividendDistribution = dtao::injection_capped::DividendDistribution<ExactModel>;
using Registration = dtao::injection_capped::Registration<ExactModel>;

using namespace dtao::injection_capped::rules;

}  // namespace dtao::exact::injection_capped
