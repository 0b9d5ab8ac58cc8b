// dtao-reference: the launch-era constant-product pool.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/pool.hpp"

namespace dtao {

namespace chain {

using fixed::I110F18;
using fixed::I96F32;

I96F32 alpha_price(const Subnet& s)
{
    if (s.is_stable())
        return I96F32::one();
    if (s.subnet_alpha_in == 0)
        return I96F32::zero();
    return I96F32::saturating_from_u64(s.subnet_tao)
        .checked_div(I96F32::saturating_from_u64(s.subnet_alpha_in))
        .value_or(I96F32::zero());
}

I96F32 moving_alpha_price(const Subnet& s) { return s.is_stable() ? I96F32::one() : s.subnet_moving_price; }

namespace {

const I96F32 MIN_LIQUIDITY = I96F32::saturating_from_u64(MINIMUM_POOL_LIQUIDITY);

/// The shared shape of both simulations: pay out of `out_reserve` against
/// `in_reserve + amount`. `safe_div` and `checked_div(..).unwrap_or(0)` are the
/// same function, so one body serves both directions.
Result<SwapQuote> sim_constant_product(u64 in_reserve, u64 out_reserve, u64 amount)
{
    const I110F18 x = I110F18::saturating_from_u64(in_reserve);
    const I110F18 y = I110F18::saturating_from_u64(out_reserve);
    SwapQuote q;
    q.k = y.saturating_mul(x);
    q.new_reserve = q.k.safe_div(x.saturating_add(I110F18::saturating_from_u64(amount)));
    if (!(q.new_reserve >= MIN_LIQUIDITY))
        return Error::insufficient_liquidity;
    q.amount_out = y.saturating_sub(q.new_reserve).saturating_to_u64();
    return q;
}

}  // namespace

Result<SwapQuote> sim_swap_tao_for_alpha(const Subnet& s, u64 tao)
{
    // The simulation keys on the mechanism only: root is mechanism 0.
    if (s.mechanism != Mechanism::dynamic)
        return SwapQuote{tao, {}, {}};
    return sim_constant_product(s.subnet_tao, s.subnet_alpha_in, tao);
}

Result<SwapQuote> sim_swap_alpha_for_tao(const Subnet& s, u64 alpha)
{
    if (s.mechanism != Mechanism::dynamic)
        return SwapQuote{alpha, {}, {}};
    return sim_constant_product(s.subnet_alpha_in, s.subnet_tao, alpha);
}

u64 swap_tao_for_alpha(Subnet& s, u64& total_stake, u64 tao)
{
    const auto q = sim_swap_tao_for_alpha(s, tao);
    if (!q)
        return 0;
    const u64 alpha = q->amount_out;
    s.subnet_alpha_in = sat_sub(s.subnet_alpha_in, alpha);
    s.subnet_alpha_out = sat_add(s.subnet_alpha_out, alpha);
    s.subnet_tao = sat_add(s.subnet_tao, tao);
    total_stake = sat_add(total_stake, tao);
    s.subnet_volume = sat_add_u128(s.subnet_volume, tao);
    return alpha;
}

u64 swap_alpha_for_tao(Subnet& s, u64& total_stake, u64 alpha)
{
    const auto q = sim_swap_alpha_for_tao(s, alpha);
    if (!q)
        return 0;
    const u64 tao = q->amount_out;
    s.subnet_alpha_in = sat_add(s.subnet_alpha_in, alpha);
    s.subnet_alpha_out = sat_sub(s.subnet_alpha_out, alpha);
    s.subnet_tao = sat_sub(s.subnet_tao, tao);
    total_stake = sat_sub(total_stake, tao);
    s.subnet_volume = sat_add_u128(s.subnet_volume, tao);
    return tao;
}

}  // namespace chain

namespace exact {

Rational alpha_price(const ExactSubnet& s)
{
    if (s.is_stable())
        return 1;
    if (s.subnet_alpha_in == 0)
        return 0;
    return s.subnet_tao / s.subnet_alpha_in;
}

Rational moving_alpha_price(const ExactSubnet& s) { return s.is_stable() ? Rational(1) : s.subnet_moving_price; }

namespace {

Result<SwapQuote> sim_constant_product(const Rational& x, const Rational& y, const Rational& amount)
{
    SwapQuote q;
    q.k = x * y;
    const Rational denominator = x + amount;
    q.new_reserve = denominator == 0 ? Rational(0) : q.k / denominator;
    if (q.new_reserve < Rational(MINIMUM_POOL_LIQUIDITY))
        return Error::insufficient_liquidity;
    q.amount_out = y - q.new_reserve;
    return q;
}

}  // namespace

Result<SwapQuote> sim_swap_tao_for_alpha(const ExactSubnet& s, const Rational& tao)
{
    if (s.mechanism != Mechanism::dynamic)
        return SwapQuote{tao, 0, 0};
    return sim_constant_product(s.subnet_tao, s.subnet_alpha_in, tao);
}

Result<SwapQuote> sim_swap_alpha_for_tao(const ExactSubnet& s, const Rational& alpha)
{
    if (s.mechanism != Mechanism::dynamic)
        return SwapQuote{alpha, 0, 0};
    return sim_constant_product(s.subnet_alpha_in, s.subnet_tao, alpha);
}

Rational swap_tao_for_alpha(ExactSubnet& s, Rational& total_stake, const Rational& tao)
{
    const auto q = sim_swap_tao_for_alpha(s, tao);
    if (!q)
        return 0;
    s.subnet_alpha_in -= q->amount_out;
    s.subnet_alpha_out += q->amount_out;
    s.subnet_tao += tao;
    total_stake += tao;
    s.subnet_volume += tao;
    return q->amount_out;
}

Rational swap_alpha_for_tao(ExactSubnet& s, Rational& total_stake, const Rational& alpha)
{
    const auto q = sim_swap_alpha_for_tao(s, alpha);
    if (!q)
        return 0;
    s.subnet_alpha_in += alpha;
    s.subnet_alpha_out -= alpha;
    s.subnet_tao -= q->amount_out;
    total_stake -= q->amount_out;
    s.subnet_volume += q->amount_out;
    return q->amount_out;
}

}  // namespace exact

}  // namespace dtao
