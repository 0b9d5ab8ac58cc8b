// dtao-reference: the per-block coinbase of the Balancer era (v3.4.8-423+).
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
// Chain model only (U96F32 / U64F64 as on chain). The swap is the Balancer pool
// of `dtao/balancer.hpp` (BAL-*).
#pragma once

#include "dtao/errors.hpp"
#include "dtao/injection_capped_core.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"

#include <map>
#include <optional>
#include <vector>

namespace dtao::chain::injection_capped {

/// What one emitting subnet received in one block, with every intermediate of
/// `get_shares`, `get_subnet_terms`, `inject_and_maybe_swap` and
/// `emit_to_subnets`, so that an implementer can find where they diverge.
struct SubnetEmission
{
    u64 netuid = 0;
    // get_shares / get_subnet_block_emissions (BCOIN-003 … BCOIN-005)
    fixed::U64F64 moving_price{};    ///< get_moving_alpha_price, before this block's update
    fixed::U64F64 price_share{};     ///< moving price / Σ moving prices
    fixed::U64F64 share{};           ///< after the ruleset's weighting and renormalisation
    fixed::U64F64 emission_share{};  ///< after the SubnetEmissionEnabled renormalisation
    fixed::U96F32 tao_emission{};    ///< U96F32(U64F64(block emission) · emission_share)
    // get_subnet_terms (BCOIN-006), on the pre-injection state
    fixed::U96F32 alpha_emission{};       ///< alpha block emission for the pre-injection issuance
    fixed::U96F32 price{};                ///< U96F32(current_alpha_price): 32 fractional bits
    fixed::U96F32 root_proportion_pre{};  ///< root_proportion before the injection
    fixed::U96F32 cap{};                  ///< root_proportion_pre · alpha_emission
    bool capped = false;                  ///< tao_emission / price > cap
    fixed::U96F32 tao_in{};
    fixed::U96F32 alpha_in{};
    fixed::U96F32 alpha_out{};
    fixed::U96F32 excess_tao{};
    // inject_and_maybe_swap (BCOIN-007)
    u64 injected_tao = 0;       ///< adjust_protocol_liquidity's TAO (0 when the reweighting is refused)
    u64 injected_alpha = 0;     ///< adjust_protocol_liquidity's alpha
    u64 excess_spent = 0;       ///< ⌊excess_tao⌋ taken from the credit for the chain buy (0 if the spend failed)
    bool chain_buy_ok = false;  ///< the chain buy's swap succeeded
    u64 chain_buy_paid_in = 0;  ///< TAO that entered SubnetTAO (SubnetExcessTao)
    u64 chain_buy_alpha = 0;    ///< alpha bought (added to SubnetProtocolAlpha and SubnetAlphaOut)
    u64 stranded_tao = 0;       ///< spent TAO that entered neither SubnetTAO nor was recycled (F-candidate)
    // emit_to_subnets (BCOIN-008)
    fixed::U96F32 owner_cut{};             ///< alpha_out · cut (0 when OwnerCutEnabled is false)
    fixed::U96F32 root_proportion_post{};  ///< after injection, chain buy and the alpha_out mint
    fixed::U96F32 root_alpha{};            ///< rp_post · (alpha_out − owner_cut) · ½
    fixed::U96F32 server{};                ///< (alpha_out − owner_cut) · ½
    fixed::U96F32 validator{};             ///< (alpha_out − owner_cut − server) − root_alpha
    u64 root_alpha_recycled = 0;           ///< ⌊root_alpha⌋ recycled (no root sell)
};

/// One subnet whose epoch was due this block (BEPOCH-002), u64 amounts.
using EpochRun = dtao::injection_capped::EpochRun<ChainModel>;

struct CoinbaseResult
{
    u64 credit = 0;                         ///< the minted block emission handed to run_coinbase
    bool root_sell_flag = false;            ///< Σ moving prices > 1 (BCOIN-009)
    std::vector<SubnetEmission> emissions;  ///< one per emitting subnet, in storage-key order (BCOIN-014)
    u64 tao_spent = 0;                      ///< credit spent on injections and chain buys
    u64 tao_recycled = 0;                   ///< credit left over and recycled (TotalIssuance −=)
    std::vector<EpochRun> epochs;           ///< every subnet due this block, ran or deferred
    std::vector<std::pair<u64, fixed::U96F32>> root_prop;  ///< RootProp written by block_step (update_root_prop)
};

/// `get_tao_weight`: U96F32(TaoWeight).safe_div(U96F32(u64::MAX)).
[[nodiscard]] fixed::U96F32 get_tao_weight(const ChainState& st);

/// @rule BCOIN-001  `root_proportion(n)`: tw = U96F32(SubnetTAO[0]) · tao_weight;
/// tw.checked_div(tw + U96F32(AlphaIn + AlphaOut)), 0 on failure.
[[nodiscard]] fixed::U96F32 root_proportion(const ChainState& st, const Subnet& s);

// BCOIN-002: the emitting set is one template over the model (dtao/injection_capped_core.hpp).
using dtao::injection_capped::get_subnets_to_emit_to;

/// @rule BEMA-002  `get_moving_alpha_price`: 1 for root and stable subnets, else
/// U64F64(SubnetMovingPrice) (a negative stored value reads as 0).
[[nodiscard]] fixed::U64F64 get_moving_alpha_price(const Subnet& s);

/// @rule BCOIN-003  `get_shares_price_ema`: mp_i.checked_div(Σ mp) in U64F64, 0 on failure.
[[nodiscard]] std::map<u64, fixed::U64F64> get_shares_price_ema(const ChainState& st, const std::vector<u64>& emit_to);

/// @rule BCOIN-004  `get_shares`: w_i = share_i · factor_i, factor = (1 − min(MinerBurned, 1))
/// (main) or root_proportion · (1 − min(MinerBurned, 1)) (v3.4.8-423, v3.4.9-424);
/// w_i.safe_div(Σ w); the unweighted shares when Σ w = 0.
[[nodiscard]] std::map<u64, fixed::U64F64> get_shares(const Ruleset& rules, const ChainState& st,
                                                      const std::vector<u64>& emit_to);

/// @rule BCOIN-005  `get_subnet_block_emissions`: shares renormalised over the
/// SubnetEmissionEnabled subnets when any is disabled (disabled ones get 0 and
/// stay in the map), then U96F32(U64F64(E) · share).
[[nodiscard]] std::map<u64, fixed::U96F32> get_subnet_block_emissions(const Ruleset& rules, const ChainState& st,
                                                                      const std::vector<u64>& emit_to,
                                                                      fixed::U96F32 block_emission);

/// @rule BCOIN-006  `get_subnet_terms` for one subnet on the current (pre-injection)
/// state: fills alpha_emission, price, root_proportion_pre, cap, capped, tao_in,
/// alpha_in, alpha_out and excess_tao of `e` from `e.tao_emission`.
void get_subnet_terms(const ChainState& st, const Subnet& s, SubnetEmission& e);

/// @rule BCOIN-007  `inject_and_maybe_swap` over `emissions` (in their order; `emit_to_subnets`
/// puts them in storage-key order, BCOIN-014): reweight the
/// pool (BAL-007), spend ⌊excess⌋ on a fee-free chain buy with no price limit,
/// mint the accepted alpha into AlphaIn, spend the accepted TAO into SubnetTAO
/// and TotalStake. Returns the credit left over (the caller recycles it). The chain buy
/// swaps under `rules` (precision and input cap differ between the tags, RSET-021/022).
u64 inject_and_maybe_swap(const Ruleset& rules, ChainState& st, std::vector<SubnetEmission>& emissions, u64 credit);

/// @rule BCOIN-009  `get_network_root_sell_flag`: Σ_{emit_to} get_moving_alpha_price > 1, the sum
/// in U64F64 wrapping modulo 2^64 as the chain's `.sum()` does (F-040).
[[nodiscard]] bool get_network_root_sell_flag(const ChainState& st, const std::vector<u64>& emit_to);

/// @rule BCOIN-008  `emit_to_subnets`: terms for every emitting subnet, then
/// inject_and_maybe_swap, then per subnet the alpha_out mint, the owner cut, the
/// post-injection root proportion and the pending server / validator / root
/// alpha (root alpha recycled when `root_sell_flag` is false). Fills `out`.
void emit_to_subnets(const Ruleset& rules, ChainState& st, const std::map<u64, fixed::U96F32>& subnet_emissions,
                     u64 credit, bool root_sell_flag, CoinbaseResult& out);

// BEPOCH-001 … BEPOCH-004: the scheduler is one template over the model
// (dtao/injection_capped_core.hpp); these are its chain-model names.
using dtao::injection_capped::drain_pending;
using dtao::injection_capped::epochs_deferred_this_block;
using dtao::injection_capped::initial_last_epoch_block;
using dtao::injection_capped::set_tempo;
using dtao::injection_capped::should_run_epoch;

/// What `update_moving_price` computed (BEMA-001).
struct EmaUpdate
{
    fixed::U64F64 blocks_since{};  ///< b = now − (FEB − 1), FEB unset reads 0
    fixed::U64F64 alpha{};         ///< U64F64(SubnetMovingAlpha) · b.safe_div(b + h)
    fixed::U64F64 price{};         ///< min(current_alpha_price, 1)
    fixed::I96F32 moving_price{};  ///< the stored result (truncated to 32 fractional bits)
};

/// @rule BEMA-001  `update_moving_price` in U64F64, stored as I96F32.
EmaUpdate update_moving_price(const ChainState& st, Subnet& s, u64 now);

/// @rule BEMA-001  `update_moving_prices`: update_moving_price for the emitting subnets only.
void update_moving_prices(ChainState& st);

/// @rule BCOIN-010  `mint_tao(amount)`: min(amount, 21e15 − TotalIssuance) is added to
/// TotalIssuance and returned as the credit. (The chain reads Balances' total issuance;
/// here TotalIssuance stands for both, B.5.)
u64 mint_tao(ChainState& st, u64 amount);

/// @rule BCOIN-011  `run_coinbase(credit)`: emitting set, block emissions, root sell
/// flag, emit_to_subnets, recycle the unspent credit, drain_pending.
CoinbaseResult run_coinbase(const Ruleset& rules, ChainState& st, u64 credit);

/// @rule BCOIN-012  `block_step`: credit = mint_tao(block emission for TotalIssuance,
/// none on error or 0), run_coinbase, update_moving_prices, update_root_prop.
CoinbaseResult block_step(const Ruleset& rules, ChainState& st);

/// @rule BCOIN-012  `block_step` after the mint: run_coinbase(credit), update_moving_prices,
/// update_root_prop. `credit` is TAO already minted (TotalIssuance already counts it).
CoinbaseResult block_step_with_credit(const Ruleset& rules, ChainState& st, u64 credit);

/// One hotkey's input to calculate_dividend_distribution.
struct DividendInput
{
    fixed::U96F32 dividend{};                  ///< the hotkey's dividend after the parent/child split
    std::optional<std::pair<u64, u64>> stake;  ///< (alpha stake on n, root stake); none: not in the stake map
};

struct DividendDistribution
{
    std::map<u64, fixed::U96F32> alpha_dividends;       ///< validator alpha · alpha_divs_h / Σ alpha_divs
    std::map<u64, fixed::U96F32> root_alpha_dividends;  ///< root alpha · root_divs_h / Σ root_divs
};

/// @rule BCOIN-013  `calculate_dividend_distribution` (B.4.7 step 3): per hotkey
/// root_prop = root·tw / (alpha + root·tw), root_divs = d·root_prop, alpha_divs = d − root_divs;
/// then each pot is shared by its divs. All U96F32; hotkeys keyed by an integer id
/// (ascending, as the chain's BTreeMap over AccountId).
[[nodiscard]] DividendDistribution calculate_dividend_distribution(u64 pending_alpha, u64 pending_root_alpha,
                                                                   fixed::U96F32 tao_weight,
                                                                   const std::map<u64, DividendInput>& hotkeys);

/// @rule BREG-001  `get_median_subnet_alpha_price`: median of current_alpha_price over the
/// non-root subnets with price > 0 (mean of the two middle values, `safe_div` by 2, for an
/// even count); 1 when there are none.
[[nodiscard]] fixed::U64F64 get_median_subnet_alpha_price(const ChainState& st);

/// What registration at the median price did (BREG-002).
struct Registration
{
    u64 netuid = 0;
    fixed::U64F64 median_price{};
    u64 pool_tao = 0;    ///< max(lock, NetworkMinLockCost)
    u64 pool_alpha = 0;  ///< ⌊U64F64(pool_tao).safe_div(median)⌋
    u64 recycled = 0;    ///< lock − pool_tao (saturating; 0 in practice)
};

/// @rule BREG-002  `do_register_network` (pool part) at v3.4.8-423+: the median price is
/// captured before the subnet exists; pool TAO = max(actual lock, NetworkMinLockCost),
/// AlphaIn = ⌊pool_tao / median⌋, AlphaOut 0, TotalStake += pool TAO, the Balancer pool
/// at w = ½, LastEpochBlock staggered (BEPOCH-004), SubnetEmissionEnabled = false, no
/// FirstEmissionBlockNumber. `lock` is the TAO actually transferred (the lock cost, REG-001,
/// is the caller's); it is already counted in TotalIssuance.
Registration register_network(const Ruleset& rules, ChainState& st, u64 lock);

/// @rule BREG-002  `do_register_network`'s economic checks and pool: the rate limit
/// (`network_tx_rate_limit_exceeded` within NetworkRateLimit blocks of the last registration,
/// as REG-003), the lock cost of REG-001 (unchanged in the Balancer era, chain-rules.md B.6),
/// then `register_network` with that lock.
Result<Registration> do_register_network(const Ruleset& rules, ChainState& st);

/// @rule BREG-003  `do_start_call` at v3.4.8-423+: once, at or after NetworkRegisteredAt +
/// StartCallDelay (0 in the runtime); FirstEmissionBlockNumber = now + 1 and SubtokenEnabled.
Result<u64> start_call(ChainState& st, u64 netuid, u64 start_call_delay = 0);

}  // namespace dtao::chain::injection_capped
