// dtao-reference: what a ruleset has — its ops, the form each op takes, and its storage —
// read from the ruleset's own fields, in one table.
// SPDX-License-Identifier: Apache-2.0
//
// The tools never ask which era a ruleset belongs to: they ask this table. An op's form is
// the variant of the rule family that answers it (the pool's `SwapKind`, the coinbase's
// `CoinbaseKind`, the epoch's `EpochSchedule`), so a release that changes one family changes
// only the forms of that family's ops. Spec: spec/rulesets.md (RSET-024).
#pragma once

#include "dtao/ruleset.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace dtao {

/// The ops of the rules, as the eval protocol (spec/protocol.md) names them.
enum class Op
{
    block_emission,
    alpha_price,
    sim_swap_tao_for_alpha,
    sim_swap_alpha_for_tao,
    swap,
    max_amount_add,
    max_amount_remove,
    adjust_protocol_liquidity,
    pow_ratio_scaled,
    add_stake,
    remove_stake,
    update_moving_price,
    coinbase,
    block,
    drain_pending_emission,
    dividend_distribution,
    network_lock_cost,
    register_network,
    start_call,
    blocks_until_next_epoch,
    migrate_swapv3_to_balancer,
};

/// The form an op takes in a ruleset: the variant of the rule family that answers it, or
/// `absent` when the ruleset has no such op. Each form has its own inputs and outputs.
enum class Form
{
    absent,            ///< not an op of the ruleset (`op_not_in_ruleset`)
    common,            ///< one form in every ruleset
    constant_product,  ///< the pool is `SwapKind::constant_product`
    balancer,          ///< the pool is `SwapKind::balancer`
    concentrated,      ///< the pool is `SwapKind::concentrated` (the v3 pool)
    launch,            ///< the coinbase is `CoinbaseKind::launch`
    injection_capped,  ///< the coinbase is `CoinbaseKind::injection_capped`
    /// The launch coinbase's steps on the v3 pool: `CoinbaseKind::v3_price_share` and
    /// `v3_subsidy` (VCOIN-*), whose state carries each subnet's v3 pool.
    v3_price_share,
    modulo,  ///< the epoch schedule is `EpochSchedule::modulo`
    /// The chain had the op in this ruleset, but the reference does not model its form yet
    /// (the v3 year's coinbases and staking, issue #14): refused as `not_modelled`, never
    /// answered by another era's form.
    not_modelled,
};

/// @rule RSET-024  The capability table: the form of `op` in `rules`.
[[nodiscard]] constexpr Form form_of(const Ruleset& rules, Op op) noexcept
{
    const Form pool = rules.swap == SwapKind::balancer       ? Form::balancer
                      : rules.swap == SwapKind::concentrated ? Form::concentrated
                                                             : Form::constant_product;
    const bool price_share_on_v3 =
        rules.coinbase == CoinbaseKind::v3_price_share || rules.coinbase == CoinbaseKind::v3_subsidy;
    const Form coinbase = rules.coinbase == CoinbaseKind::injection_capped ? Form::injection_capped
                          : rules.coinbase == CoinbaseKind::launch         ? Form::launch
                          : price_share_on_v3                              ? Form::v3_price_share
                                                                           : Form::not_modelled;
    // Of the v3 price-share coinbase's family only the coinbase itself is modelled: its EMA op,
    // block, registration and drain are the chain's but not the reference's yet.
    const Form coinbase_family = coinbase == Form::v3_price_share ? Form::not_modelled : coinbase;
    // The v3 pool's staking path (limit orders, fees, the stake ops) is not modelled; its swap,
    // quotes, price and protocol liquidity are.
    const Form stake = pool == Form::concentrated ? Form::not_modelled : pool;
    // A family the reference does not model stays `not_modelled` in every op of it, whatever
    // the op's own condition: the chain had the family, so the op is not absent.
    const auto only = [](bool has, Form f) { return has || f == Form::not_modelled ? f : Form::absent; };
    switch (op) {
    case Op::block_emission:
    case Op::network_lock_cost: return Form::common;
    case Op::alpha_price: return pool;
    case Op::max_amount_add:
    case Op::max_amount_remove:
    case Op::add_stake:
    case Op::remove_stake: return stake;
    case Op::sim_swap_tao_for_alpha:
    case Op::sim_swap_alpha_for_tao:
        return pool == Form::concentrated ? only(rules.sim_swap_runtime_api, pool)
                                          : only(pool == Form::constant_product, pool);
    case Op::swap: return only(pool != Form::constant_product, pool);
    case Op::adjust_protocol_liquidity: return only(pool != Form::constant_product, pool);
    case Op::pow_ratio_scaled: return only(pool == Form::balancer, pool);
    // The EMA, the block and registration are written by the coinbase family: their state
    // and outputs are the coinbase's.
    case Op::coinbase: return coinbase;
    case Op::update_moving_price:
    case Op::block:
    case Op::register_network:
    case Op::start_call: return coinbase_family;
    case Op::drain_pending_emission: return only(coinbase == Form::launch, coinbase_family);
    case Op::dividend_distribution: return only(coinbase == Form::injection_capped, coinbase_family);
    case Op::blocks_until_next_epoch: return only(rules.epoch_schedule == EpochSchedule::modulo, Form::modulo);
    // The bridge from the v3 pool is the Balancer pool's code: every Balancer release carries it.
    case Op::migrate_swapv3_to_balancer: return only(pool == Form::balancer, pool);
    }
    return Form::absent;
}

/// Whether a form is answered: neither absent nor `not_modelled`.
[[nodiscard]] constexpr bool modelled(Form f) noexcept { return f != Form::absent && f != Form::not_modelled; }

/// @rule RSET-024  Whether a form has an exact model (`"arithmetic": "exact"`). The v3 pool has
/// none: its tick prices are 1.0001^(t/2), irrational for odd t, and its state is the chain's
/// fixed-point storage; the exact value of each step's leaves is stated in spec/v3_swap.md. The
/// coinbase on it has none either: it trades through that pool.
[[nodiscard]] constexpr bool has_exact_model(Form f) noexcept
{
    return modelled(f) && f != Form::concentrated && f != Form::v3_price_share;
}

/// Whether `rules` has `op` at all.
[[nodiscard]] constexpr bool has_op(const Ruleset& rules, Op op) noexcept { return form_of(rules, op) != Form::absent; }

/// Whether the reference answers `op` under `rules`.
[[nodiscard]] constexpr bool answers(const Ruleset& rules, Op op) noexcept { return modelled(form_of(rules, op)); }

/// The storage a ruleset's state holds beyond what every ruleset has (spec/protocol.md,
/// `state`). A request that sets an item the ruleset lacks is refused, not ignored.
struct Storage
{
    /// `PendingEmission`, `PendingRootDivs`, `PendingAlphaSwapped`,
    /// `NetworkPowRegistrationAllowed`: the launch coinbase and drain.
    bool launch_pending = false;
    /// `SwapBalancer`, `PalSwapInitialized`, `FeeRate`, `MinimumReserve` and whether a block
    /// author exists: the Balancer pool.
    bool swap_pallet = false;
    /// `SubnetProtocolAlpha`, `SubnetExcessTao`, the pending server / validator / root alpha,
    /// `MinerBurned`, `SubtokenEnabled`, `SubnetEmissionEnabled`, `OwnerCutEnabled`: the
    /// injection-capped coinbase.
    bool injection_capped = false;
    /// `LastEpochBlock`, `PendingEpochAt`, `SubnetEpochIndex`, `MaxEpochsPerBlock`: the stateful
    /// epoch scheduler.
    bool epoch_state = false;
    /// `BalancerTaoReservoir`, `BalancerAlphaReservoir`: the injection that waits (RSET-025).
    bool reservoirs = false;
    /// `EmissionGateBar`, `EmissionBarQuantile`, `EmissionGateExponent`: the Hill gate (RSET-026).
    bool emission_gate = false;
    /// `EmissionBarRank`: the gate's bar by rank (RSET-026, spec 441+).
    bool emission_bar_rank = false;
    /// `SubnetFastMovingPrice`: the fast moving price (RSET-028, spec 464+).
    bool fast_moving_price = false;
    /// `SubnetTaoProvided`, `SubnetAlphaInProvided` and the swap pallet's v3 storage of each
    /// subnet (`swap_v3`): the v3 pool (v3.2.0 … v3.4.7).
    bool v3_pool = false;
    /// The v3 pool's `DefaultFeeRate` (RSET-029): the `FeeRate` of a subnet that has none.
    std::uint16_t v3_default_fee_rate = 0;
};

/// @rule RSET-024  The storage of `rules`.
[[nodiscard]] constexpr Storage storage_of(const Ruleset& rules) noexcept
{
    Storage s;
    s.launch_pending = rules.coinbase == CoinbaseKind::launch || rules.coinbase == CoinbaseKind::v3_price_share ||
                       rules.coinbase == CoinbaseKind::v3_subsidy;
    s.swap_pallet = rules.swap == SwapKind::balancer;  // the Balancer's items; the v3 pool's are its ops' own
    s.injection_capped = rules.coinbase == CoinbaseKind::injection_capped;
    s.epoch_state = rules.epoch_schedule == EpochSchedule::stateful;
    s.reservoirs = rules.injection == Injection::buy_then_reservoir;
    s.emission_gate = rules.emission_gate != EmissionGate::none;
    s.emission_bar_rank = rules.emission_gate == EmissionGate::rank_or_quantile;
    s.fast_moving_price = rules.fast_moving_price;
    s.v3_pool = rules.swap == SwapKind::concentrated;
    s.v3_default_fee_rate = s.v3_pool ? rules.v3_default_fee_rate : 0;
    return s;
}

/// Every op, in the order of the enum.
inline constexpr std::array ALL_OPS{Op::block_emission,
                                    Op::alpha_price,
                                    Op::sim_swap_tao_for_alpha,
                                    Op::sim_swap_alpha_for_tao,
                                    Op::swap,
                                    Op::max_amount_add,
                                    Op::max_amount_remove,
                                    Op::adjust_protocol_liquidity,
                                    Op::pow_ratio_scaled,
                                    Op::add_stake,
                                    Op::remove_stake,
                                    Op::update_moving_price,
                                    Op::coinbase,
                                    Op::block,
                                    Op::drain_pending_emission,
                                    Op::dividend_distribution,
                                    Op::network_lock_cost,
                                    Op::register_network,
                                    Op::start_call,
                                    Op::blocks_until_next_epoch,
                                    Op::migrate_swapv3_to_balancer};

/// The protocol name of an op.
[[nodiscard]] constexpr std::string_view to_string(Op op) noexcept
{
    switch (op) {
    case Op::block_emission: return "block_emission";
    case Op::alpha_price: return "alpha_price";
    case Op::sim_swap_tao_for_alpha: return "sim_swap_tao_for_alpha";
    case Op::sim_swap_alpha_for_tao: return "sim_swap_alpha_for_tao";
    case Op::swap: return "swap";
    case Op::max_amount_add: return "max_amount_add";
    case Op::max_amount_remove: return "max_amount_remove";
    case Op::adjust_protocol_liquidity: return "adjust_protocol_liquidity";
    case Op::pow_ratio_scaled: return "pow_ratio_scaled";
    case Op::add_stake: return "add_stake";
    case Op::remove_stake: return "remove_stake";
    case Op::update_moving_price: return "update_moving_price";
    case Op::coinbase: return "coinbase";
    case Op::block: return "block";
    case Op::drain_pending_emission: return "drain_pending_emission";
    case Op::dividend_distribution: return "dividend_distribution";
    case Op::network_lock_cost: return "network_lock_cost";
    case Op::register_network: return "register_network";
    case Op::start_call: return "start_call";
    case Op::blocks_until_next_epoch: return "blocks_until_next_epoch";
    case Op::migrate_swapv3_to_balancer: return "migrate_swapv3_to_balancer";
    }
    return "";
}

/// The name of a form, as `dtao ops` prints it.
[[nodiscard]] constexpr std::string_view to_string(Form f) noexcept
{
    switch (f) {
    case Form::absent: return "absent";
    case Form::common: return "common";
    case Form::constant_product: return "constant_product";
    case Form::balancer: return "balancer";
    case Form::launch: return "launch";
    case Form::injection_capped: return "injection_capped";
    case Form::v3_price_share: return "v3_price_share";
    case Form::modulo: return "modulo";
    case Form::concentrated: return "concentrated";
    case Form::not_modelled: return "not_modelled";
    }
    return "";
}

/// The op with this protocol name, if there is one.
[[nodiscard]] constexpr std::optional<Op> find_op(std::string_view name) noexcept
{
    for (const Op op : ALL_OPS)
        if (to_string(op) == name)
            return op;
    return std::nullopt;
}

}  // namespace dtao
