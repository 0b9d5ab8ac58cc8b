// dtao-reference: the exact model of the Balancer-era coinbase (v3.4.8-423+).
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/injection_capped.md (BCOIN-*, BEPOCH-*, BEMA-*). The control flow of
// `dtao::chain::injection_capped` (reference/include/dtao/injection_capped.hpp) step by step,
// in rationals: where the chain truncates (U64F64 / U96F32 intermediates, `tou64`
// of every amount it stores) the exact model does not, and every decision is
// taken from the exact values. The pool is `dtao::exact::balancer` (BAL-*).
//
// What the exact model changes by construction (documented per function):
// * the spot price is not truncated to 32 fractional bits (BCOIN-006), so a price
//   in (0, 2^-32) is a price, not 0;
// * the reweighted pool weight (BAL-007) is the exact rational; the chain buy of the
//   same block and the block's moving-price update use it. `ExactSubnet` stores the
//   weight as Perquintill parts, so the state keeps ⌊w·10^18⌋ (the storage's
//   resolution, not a rule) and `SubnetEmission::quote_weight` records the exact weight.
#pragma once

#include "dtao/errors.hpp"
#include "dtao/injection_capped_core.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <map>
#include <optional>
#include <vector>

namespace dtao::exact::injection_capped {

/// What one emitting subnet received in one block (`chain::injection_capped::SubnetEmission`, exact).
struct SubnetEmission
{
    u64 netuid = 0;
    // get_shares / get_subnet_block_emissions (BCOIN-003 … BCOIN-005)
    Rational moving_price;    ///< get_moving_alpha_price, before this block's update
    Rational price_share;     ///< moving price / Σ moving prices (0 when Σ = 0)
    Rational share;           ///< after the ruleset's weighting and renormalisation
    Rational emission_share;  ///< after the SubnetEmissionEnabled renormalisation
    Rational tao_emission;    ///< credit · emission_share
    // get_subnet_terms (BCOIN-006), on the pre-injection state
    Rational alpha_emission;       ///< exact EMIS-001 of the pre-injection alpha issuance
    Rational price;                ///< BAL-001 spot price (not truncated)
    Rational root_proportion_pre;  ///< BCOIN-001 before the injection
    Rational cap;                  ///< root_proportion_pre · alpha_emission
    bool capped = false;           ///< tao_emission / price > cap
    Rational tao_in;
    Rational alpha_in;
    Rational alpha_out;
    Rational excess_tao;
    // inject_and_maybe_swap (BCOIN-007)
    Rational injected_tao;       ///< the TAO injected (0 when the reweighting is refused)
    Rational injected_alpha;     ///< the alpha injected
    Rational excess_spent;       ///< excess taken from the credit for the chain buy
    bool chain_buy_ok = false;   ///< the chain buy's swap succeeded
    Rational chain_buy_paid_in;  ///< TAO that entered SubnetTAO (SubnetExcessTao)
    Rational chain_buy_alpha;    ///< alpha bought (SubnetProtocolAlpha and SubnetAlphaOut)
    Rational stranded_tao;       ///< spent TAO that entered neither SubnetTAO nor was recycled
    // emit_to_subnets (BCOIN-008)
    Rational owner_cut;             ///< alpha_out · cut (0 when OwnerCutEnabled is false)
    Rational root_proportion_post;  ///< after injection, chain buy and the alpha_out mint
    Rational root_alpha;            ///< rp_post · (alpha_out − owner_cut) · ½
    Rational server;                ///< (alpha_out − owner_cut) · ½
    Rational validator;             ///< (alpha_out − owner_cut − server) − root_alpha
    Rational root_alpha_recycled;   ///< root_alpha when the root sell flag is off
    // Not in chain::injection_capped::SubnetEmission: the exact pool weight w2 after BCOIN-007 (the state can only
    // store its Perquintill parts).
    Rational quote_weight;
};

/// One subnet whose epoch was due this block (BEPOCH-002), exact amounts.
using EpochRun = dtao::injection_capped::EpochRun<ExactModel>;

struct CoinbaseResult
{
    Rational credit;                        ///< the credit handed to run_coinbase
    bool root_sell_flag = false;            ///< Σ moving prices > 1 (BCOIN-009)
    std::vector<SubnetEmission> emissions;  ///< one per emitting subnet, in storage-key order (BCOIN-014)
    Rational tao_spent;                     ///< credit spent on injections and chain buys
    Rational tao_recycled;                  ///< credit left over and recycled (TotalIssuance −=)
    std::vector<EpochRun> epochs;           ///< every subnet due this block, ran or deferred
    std::vector<std::pair<u64, Rational>>
        root_prop;  ///< RootProp written by block_step (as chain::injection_capped::CoinbaseResult)
};

/// TaoWeight / u64::MAX.
[[nodiscard]] Rational get_tao_weight(const ExactChainState& st);

/// @rule BCOIN-001  R·tw / (R·tw + AlphaIn + AlphaOut), 0 when the denominator is 0.
[[nodiscard]] Rational root_proportion(const ExactChainState& st, const ExactSubnet& s);

// BCOIN-002: the emitting set of the chain model, the same template (dtao/injection_capped_core.hpp).
using dtao::injection_capped::get_subnets_to_emit_to;

/// @rule BEMA-002  1 for root and stable subnets, else max(SubnetMovingPrice, 0).
[[nodiscard]] Rational get_moving_alpha_price(const ExactSubnet& s);

/// @rule BCOIN-003  mp_i / Σ mp, 0 when Σ = 0.
[[nodiscard]] std::map<u64, Rational> get_shares_price_ema(const ExactChainState& st, const std::vector<u64>& emit_to);

/// @rule BCOIN-004  w_i = share_i · factor_i (factor per the ruleset, burned = min(MinerBurned, 1)),
/// w_i / Σw; the unweighted shares when Σw = 0.
[[nodiscard]] std::map<u64, Rational> get_shares(const Ruleset& rules, const ExactChainState& st,
                                                 const std::vector<u64>& emit_to);

/// @rule BCOIN-005  One record per emitting subnet with moving_price, price_share, share,
/// emission_share (enabled shares renormalised when any is disabled; disabled 0) and
/// tao_emission = block_emission · emission_share.
[[nodiscard]] std::vector<SubnetEmission> get_subnet_block_emissions(const Ruleset& rules, const ExactChainState& st,
                                                                     const std::vector<u64>& emit_to,
                                                                     const Rational& block_emission);

/// @rule BCOIN-006  The subnet terms on the pre-injection state, from `e.tao_emission`.
/// Exact price: alpha_in = E/p (0 when p = 0, i.e. AlphaIn = 0 on a dynamic subnet).
void get_subnet_terms(const ExactChainState& st, const ExactSubnet& s, SubnetEmission& e);

/// @rule BCOIN-007  The exact reweighting (BAL-007), the exact fee-free chain buy of the whole
/// excess at the maximum price with the new weight (BAL-005, BAL-010 updates), the alpha and
/// TAO injection. A spend is refused when the credit does not cover it (as `spend_tao`; never
/// the case in exact arithmetic while Σ shares ≤ 1). Returns the credit left over.
Rational inject_and_maybe_swap(const Ruleset& rules, ExactChainState& st, std::vector<SubnetEmission>& emissions,
                               Rational credit);

/// @rule BCOIN-009  Σ_{emit_to} get_moving_alpha_price > 1.
[[nodiscard]] bool get_network_root_sell_flag(const ExactChainState& st, const std::vector<u64>& emit_to);

/// @rule BCOIN-008  BCOIN-006 for every record, BCOIN-007, the recycle of the unspent credit,
/// then per subnet the alpha_out mint, the owner cut, rp_post and the pending amounts (root
/// alpha recycled when `root_sell_flag` is false). Fills `out.emissions`, `tao_spent`,
/// `tao_recycled`.
void emit_to_subnets(const Ruleset& rules, ExactChainState& st, std::vector<SubnetEmission> emissions,
                     const Rational& credit, bool root_sell_flag, CoinbaseResult& out);

// BEPOCH-001 … BEPOCH-004: the scheduler the chain model runs, the same template
// (dtao/injection_capped_core.hpp): it counts in u64 and only moves the rational pending amounts.
using dtao::injection_capped::drain_pending;
using dtao::injection_capped::epochs_deferred_this_block;
using dtao::injection_capped::initial_last_epoch_block;
using dtao::injection_capped::set_tempo;
using dtao::injection_capped::should_run_epoch;

/// What `update_moving_price` computed (BEMA-001), exact.
struct EmaUpdate
{
    Rational blocks_since;  ///< b = now − (FEB − 1)
    Rational alpha;         ///< max(SubnetMovingAlpha, 0) · b / (b + h) (0 when b + h = 0)
    Rational price;         ///< min(spot price, 1)
    Rational moving_price;  ///< α·price + max(1 − α, 0)·BEMA-002, stored exactly
};

/// @rule BEMA-001  The exact moving price update with the pool weight `w2` (the weight in force,
/// which after a reweighting is the exact rational, not the stored parts).
EmaUpdate update_moving_price(const ExactChainState& st, ExactSubnet& s, u64 now, const Rational& w2);
/// @rule BEMA-001  As above with the stored weight.
EmaUpdate update_moving_price(const ExactChainState& st, ExactSubnet& s, u64 now);

/// @rule BEMA-001  update_moving_price for the emitting subnets; a subnet with a record in
/// `emissions` uses the record's exact `quote_weight`.
void update_moving_prices(ExactChainState& st, const std::vector<SubnetEmission>& emissions = {});

/// @rule BCOIN-010  min(amount, 21e15 − TotalIssuance) (0 when negative) added to TotalIssuance.
Rational mint_tao(ExactChainState& st, const Rational& amount);

/// @rule BCOIN-011  Emitting set, block emissions, root sell flag, emit_to_subnets (with the
/// recycle), drain_pending.
CoinbaseResult run_coinbase(const Ruleset& rules, ExactChainState& st, const Rational& credit);

/// @rule BCOIN-012  credit = mint_tao(exact EMIS-001 of TotalIssuance), run_coinbase, the moving
/// prices (with the exact weights of this block), RootProp.
CoinbaseResult block_step(const Ruleset& rules, ExactChainState& st);

/// @rule BCOIN-012  `block_step` after the mint, for a credit already minted.
CoinbaseResult block_step_with_credit(const Ruleset& rules, ExactChainState& st, const Rational& credit);

/// @rule BCOIN-013  `calculate_dividend_distribution`, exact: per hotkey in the stake map
/// root_prop = root·tw / (alpha + root·tw) (0 when both are 0), root_divs = d·root_prop,
/// alpha_divs = d − root_divs; each pot shared in proportion (0 when its total is 0).
struct DividendDistribution
{
    std::map<u64, Rational> alpha_dividends;
    std::map<u64, Rational> root_alpha_dividends;
};
struct DividendInput
{
    Rational dividend;
    std::optional<std::pair<Rational, Rational>> stake;  ///< (alpha stake, root stake); none: not in the stake map
};
[[nodiscard]] DividendDistribution calculate_dividend_distribution(const Rational& pending_alpha,
                                                                   const Rational& pending_root_alpha,
                                                                   const Rational& tao_weight,
                                                                   const std::map<u64, DividendInput>& hotkeys);

/// @rule BREG-001  The median of the exact spot prices of the non-root subnets with price > 0
/// (the mean of the two middle ones for an even count); 1 when there are none.
[[nodiscard]] Rational get_median_subnet_alpha_price(const ExactChainState& st);

/// What the exact registration did (BREG-002).
struct Registration
{
    u64 netuid = 0;
    u64 lock_cost = 0;  ///< ⌊exact lock cost⌋: what the wallet pays
    Rational median_price;
    Rational pool_tao;
    Rational pool_alpha;  ///< pool_tao / median, not floored
    Rational recycled;
};

/// @rule BREG-002  `do_register_network` exact: the rate limit, the exact lock cost (REG-001),
/// the pool at the exact median price (AlphaIn = pool_tao / median), the rest as the chain model.
Result<Registration> do_register_network(const Ruleset& rules, ExactChainState& st);

}  // namespace dtao::exact::injection_capped
