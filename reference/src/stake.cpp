// dtao-reference: staking with the flat fee, validation, limit maxima.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/stake.hpp"

#include "dtao/pool.hpp"

namespace dtao {

namespace chain {

u64 unstake_fee(const Ruleset& rules, const Subnet& s, u64 alpha, const UnstakeFeeInputs& hotkey)
{
    if (!rules.unstake_fee_dividend_based || s.is_stable())
        return DEFAULT_STAKING_FEE;
    using fixed::I96F32;
    const I96F32 estimate = I96F32::saturating_from_u64(alpha);
    const I96F32 dividend_share = I96F32::saturating_from_u64(hotkey.alpha_dividends)
                                      .safe_div(I96F32::saturating_from_u64(hotkey.total_hotkey_alpha));
    u64 fee = estimate.saturating_mul(dividend_share).saturating_mul(alpha_price(s)).saturating_to_u64();
    if (rules.unstake_fee_alpha_floor)
        fee = std::max(fee, estimate.saturating_mul(I96F32::from_f64(0.00005)).saturating_to_u64());
    return std::max(fee, DEFAULT_STAKING_FEE);
}

StakeOutcome<u64> stake_into_subnet(Subnet& s, u64& total_stake, u64 tao, u64 fee)
{
    StakeOutcome<u64> out;
    out.tao_staked = sat_sub(tao, fee);
    out.fee = sat_sub(tao, out.tao_staked);
    out.alpha = swap_tao_for_alpha(s, total_stake, out.tao_staked);
    s.subnet_tao = sat_add(s.subnet_tao, out.fee);
    total_stake = sat_add(total_stake, out.fee);
    return out;
}

UnstakeOutcome<u64> unstake_from_subnet(Subnet& s, u64& total_stake, u64 alpha, u64 fee)
{
    UnstakeOutcome<u64> out;
    out.tao = swap_alpha_for_tao(s, total_stake, alpha);
    out.tao_unstaked = sat_sub(out.tao, fee);
    out.fee = sat_sub(out.tao, out.tao_unstaked);
    s.subnet_tao = sat_add(s.subnet_tao, out.fee);
    total_stake = sat_add(total_stake, out.fee);
    return out;
}

Result<bool> validate_add_stake(const Subnet& s, u64 amount, u64 max_amount, Fill allow_partial)
{
    if (amount < sat_add(DEFAULT_MIN_STAKE, DEFAULT_STAKING_FEE))
        return Error::amount_too_low;
    if (allow_partial == Fill::whole && amount > max_amount)
        return Error::slippage_too_high;
    if (!sim_swap_tao_for_alpha(s, amount))
        return Error::insufficient_liquidity;
    return true;
}

Result<bool> validate_remove_stake(const Subnet& s, u64 alpha, u64 max_amount, Fill allow_partial,
                                   std::optional<u64> alpha_available)
{
    const auto q = sim_swap_alpha_for_tao(s, alpha);
    if (!q)
        return Error::insufficient_liquidity;
    if (!(q->amount_out > DEFAULT_MIN_STAKE))
        return Error::amount_too_low;
    if (allow_partial == Fill::whole && alpha > max_amount)
        return Error::slippage_too_high;
    // The launch era checks the stake last (after the hotkey, outside the model), unlike
    // the Balancer era (BAL-011), where it precedes the simulated sale.
    if (alpha_available && alpha > *alpha_available)
        return Error::not_enough_stake_to_withdraw;
    return true;
}

u64 max_amount_add(const Subnet& s, u64 limit_price)
{
    if (s.is_stable())
        return limit_price >= RAO_PER_TAO ? U64_MAX : 0;
    if (s.subnet_alpha_in == 0 || s.subnet_tao == 0)
        return 0;
    // The chain truncates the I96F32 price to an integer *before* scaling by
    // 10^9, so every price below 1 compares as 0 (STAKE-005, findings F-003).
    const u128 integer_price = alpha_price(s).saturating_to_u64();
    if (u128{limit_price} < sat_mul_u128(integer_price, RAO_PER_TAO) || limit_price == 0)
        return 0;
    const u128 result =
        sat_sub_u128(floor_div(sat_mul_u128(limit_price, s.subnet_alpha_in), RAO_PER_TAO), s.subnet_tao);
    return clamp_to_u64(result);
}

u64 max_amount_remove(const Subnet& s, u64 limit_price)
{
    if (s.is_stable())
        return limit_price <= RAO_PER_TAO ? U64_MAX : 0;
    if (s.subnet_alpha_in == 0 || s.subnet_tao == 0)
        return 0;
    if (limit_price == 0)
        return U64_MAX;
    const u128 spot_rao = floor_div(sat_mul_u128(s.subnet_tao, RAO_PER_TAO), s.subnet_alpha_in);
    if (u128{limit_price} >= spot_rao)
        return 0;
    const u128 result =
        sat_sub_u128(floor_div(sat_mul_u128(s.subnet_tao, RAO_PER_TAO), limit_price), s.subnet_alpha_in);
    return clamp_to_u64(result);
}

Result<StakeOutcome<u64>> add_stake(Subnet& s, u64& total_stake, u64 amount, std::optional<u64> limit_price,
                                    Fill allow_partial)
{
    const u64 max_amount = limit_price ? max_amount_add(s, *limit_price) : amount;
    const auto valid = validate_add_stake(s, amount, max_amount, limit_price ? allow_partial : Fill::whole);
    if (!valid)
        return valid.error();
    return stake_into_subnet(s, total_stake, std::min(amount, max_amount), DEFAULT_STAKING_FEE);
}

Result<UnstakeOutcome<u64>> remove_stake(const Ruleset& rules, Subnet& s, u64& total_stake, u64 alpha,
                                         std::optional<u64> limit_price, Fill allow_partial,
                                         const UnstakeFeeInputs& hotkey, std::optional<u64> alpha_available)
{
    const u64 max_amount = limit_price ? max_amount_remove(s, *limit_price) : alpha;
    const auto valid =
        validate_remove_stake(s, alpha, max_amount, limit_price ? allow_partial : Fill::whole, alpha_available);
    if (!valid)
        return valid.error();
    const u64 fee = unstake_fee(rules, s, alpha, hotkey);
    return unstake_from_subnet(s, total_stake, std::min(alpha, max_amount), fee);
}

}  // namespace chain

namespace exact {

namespace {
Rational sub_floor_zero(const Rational& a, const Rational& b) { return a > b ? Rational(a - b) : Rational(0); }
}  // namespace

Rational unstake_fee(const Ruleset& rules, const ExactSubnet& s, const Rational& alpha, const UnstakeFeeInputs& hotkey)
{
    const Rational flat = DEFAULT_STAKING_FEE;
    if (!rules.unstake_fee_dividend_based || s.is_stable())
        return flat;
    const Rational share = hotkey.total_hotkey_alpha == 0
                               ? Rational(0)
                               : Rational(Int(hotkey.alpha_dividends), Int(hotkey.total_hotkey_alpha));
    Rational fee = alpha * share * alpha_price(s);
    if (rules.unstake_fee_alpha_floor)
        fee = std::max(fee, Rational(alpha * Rational(5, 100000)));
    return std::max(fee, flat);
}

StakeOutcome<Rational> stake_into_subnet(ExactSubnet& s, Rational& total_stake, const Rational& tao,
                                         const Rational& fee)
{
    StakeOutcome<Rational> out;
    out.tao_staked = sub_floor_zero(tao, fee);
    out.fee = tao - out.tao_staked;
    out.alpha = swap_tao_for_alpha(s, total_stake, out.tao_staked);
    s.subnet_tao += out.fee;
    total_stake += out.fee;
    return out;
}

UnstakeOutcome<Rational> unstake_from_subnet(ExactSubnet& s, Rational& total_stake, const Rational& alpha,
                                             const Rational& fee)
{
    UnstakeOutcome<Rational> out;
    out.tao = swap_alpha_for_tao(s, total_stake, alpha);
    out.tao_unstaked = sub_floor_zero(out.tao, fee);
    out.fee = out.tao - out.tao_unstaked;
    s.subnet_tao += out.fee;
    total_stake += out.fee;
    return out;
}

Result<bool> validate_add_stake(const ExactSubnet& s, const Rational& amount, const Rational& max_amount,
                                Fill allow_partial)
{
    if (amount < Rational(DEFAULT_MIN_STAKE + DEFAULT_STAKING_FEE))
        return Error::amount_too_low;
    if (allow_partial == Fill::whole && amount > max_amount)
        return Error::slippage_too_high;
    if (!sim_swap_tao_for_alpha(s, amount))
        return Error::insufficient_liquidity;
    return true;
}

Result<bool> validate_remove_stake(const ExactSubnet& s, const Rational& alpha, const Rational& max_amount,
                                   Fill allow_partial, const std::optional<Rational>& alpha_available)
{
    const auto q = sim_swap_alpha_for_tao(s, alpha);
    if (!q)
        return Error::insufficient_liquidity;
    if (!(q->amount_out > Rational(DEFAULT_MIN_STAKE)))
        return Error::amount_too_low;
    if (allow_partial == Fill::whole && alpha > max_amount)
        return Error::slippage_too_high;
    if (alpha_available && alpha > *alpha_available)
        return Error::not_enough_stake_to_withdraw;
    return true;
}

Rational max_amount_add(const ExactSubnet& s, u64 limit_price)
{
    if (s.is_stable())
        return limit_price >= RAO_PER_TAO ? Rational(U64_MAX) : Rational(0);
    if (s.subnet_alpha_in == 0 || s.subnet_tao == 0 || limit_price == 0)
        return 0;
    const Rational limit = Rational(Int(limit_price), Int(RAO_PER_TAO));
    if (limit < alpha_price(s))
        return 0;
    return limit * s.subnet_alpha_in - s.subnet_tao;
}

Rational max_amount_remove(const ExactSubnet& s, u64 limit_price)
{
    if (s.is_stable())
        return limit_price <= RAO_PER_TAO ? Rational(U64_MAX) : Rational(0);
    if (s.subnet_alpha_in == 0 || s.subnet_tao == 0)
        return 0;
    if (limit_price == 0)
        return U64_MAX;
    const Rational limit = Rational(Int(limit_price), Int(RAO_PER_TAO));
    if (limit >= alpha_price(s))
        return 0;
    return s.subnet_tao / limit - s.subnet_alpha_in;
}

Result<StakeOutcome<Rational>> add_stake(ExactSubnet& s, Rational& total_stake, const Rational& amount,
                                         std::optional<u64> limit_price, Fill allow_partial)
{
    const Rational max_amount = limit_price ? max_amount_add(s, *limit_price) : amount;
    const auto valid = validate_add_stake(s, amount, max_amount, limit_price ? allow_partial : Fill::whole);
    if (!valid)
        return valid.error();
    return stake_into_subnet(s, total_stake, std::min(amount, max_amount), Rational(DEFAULT_STAKING_FEE));
}

Result<UnstakeOutcome<Rational>> remove_stake(const Ruleset& rules, ExactSubnet& s, Rational& total_stake,
                                              const Rational& alpha, std::optional<u64> limit_price, Fill allow_partial,
                                              const UnstakeFeeInputs& hotkey,
                                              const std::optional<Rational>& alpha_available)
{
    const Rational max_amount = limit_price ? max_amount_remove(s, *limit_price) : alpha;
    const auto valid =
        validate_remove_stake(s, alpha, max_amount, limit_price ? allow_partial : Fill::whole, alpha_available);
    if (!valid)
        return valid.error();
    return unstake_from_subnet(s, total_stake, std::min(alpha, max_amount), unstake_fee(rules, s, alpha, hotkey));
}

}  // namespace exact

}  // namespace dtao
