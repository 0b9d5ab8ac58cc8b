// dtao-reference: the Balancer-era pool (v3.4.8-423+): price, deltas, fees, weights and protocol
// liquidity. The swap that uses them is in balancer_swap.cpp.
// SPDX-License-Identifier: Apache-2.0
//
// Spec: spec/balancer.md (BAL-001 … BAL-012; BAL-011's add_stake / remove_stake,
// one template over both models, are in balancer_stake.cpp). Each function follows
// the chain function of the same name (subtensor 14bc6f9) step by step; the
// comments name the step where the order or the rounding matters.
#include "dtao/balancer.hpp"

#include <algorithm>

namespace dtao {

namespace chain::balancer {

namespace {

const U64F64 ONE = U64F64::one();
const U64F64 SCALE_FIXED = U64F64::saturating_from_u64(ACCURACY);  // U64F64(10^18)

/// `SafeInt::to_u64`: the value when 0 ≤ v ≤ u64::MAX.
std::optional<u64> fit_u64(const Int& v)
{
    if (v < 0 || v > Int(U64_MAX))
        return std::nullopt;
    return v.convert_to<u64>();
}

/// The two limit-order helpers share one body: reserve · (e/10^18 − 1) with
/// e = pow_ratio_scaled(bn, bd, w, 10^18, 1024, 10^18), e capped at u64::MAX.
u64 delta_to_price(u128 base_numerator, u128 base_denominator, u64 weight_parts, u64 reserve)
{
    const auto e = bigmath::pow_ratio_scaled(to_int(base_numerator), to_int(base_denominator), Int(weight_parts),
                                             Int(ACCURACY), 1024, Int(ACCURACY));
    if (!e)
        return 0;
    U64F64 exp_fixed = U64F64::zero();
    if (const auto v = fit_u64(*e))
        exp_fixed = U64F64::saturating_from_u64(*v);
    else if (*e > Int(U64_MAX))
        exp_fixed = U64F64::saturating_from_u64(U64_MAX);
    return U64F64::saturating_from_u64(reserve)
        .saturating_mul(exp_fixed.safe_div(SCALE_FIXED).saturating_sub(ONE))
        .saturating_to_u64();
}

}  // namespace

bool check_constraints(Perquintill quote) noexcept
{
    const u64 base = sat_sub(ACCURACY, quote.parts);  // ONE.saturating_sub(quote)
    return base >= BALANCER_MIN_WEIGHT_PARTS && quote.parts >= BALANCER_MIN_WEIGHT_PARTS;
}

U64F64 calculate_price(Perquintill quote, u64 x, u64 y)
{
    const U64F64 w2 = U64F64::saturating_from_u64(quote.parts);
    const U64F64 w1 = U64F64::saturating_from_u64(bigmath::one_minus(quote).parts);
    return w1.safe_div(w2).saturating_mul(U64F64::saturating_from_u64(y).safe_div(U64F64::saturating_from_u64(x)));
}

U64F64 current_price(const Subnet& s)
{
    // Keyed on the mechanism only, as `T::SubnetInfo::mechanism(netuid)`.
    if (s.mechanism != Mechanism::dynamic)
        return ONE;
    if (s.subnet_alpha_in == 0)
        return U64F64::zero();
    return calculate_price(quote_weight(s), s.subnet_alpha_in, s.subnet_tao);
}

U64F64 limit_price_from_rao(u64 limit_price)
{
    return U64F64::saturating_from_u64(limit_price).safe_div(U64F64::saturating_from_u64(RAO_PER_TAO));
}

U64F64 exp_scaled(const Ruleset& rules, Perquintill quote, u64 r, i128 d, Exponent exponent)
{
    // x_plus_dx: u64 saturating add or sub of |d| (d comes from a u64, so |d| fits).
    const u64 magnitude = static_cast<u64>(d >= 0 ? d : -d);
    const u64 r_plus_d = d >= 0 ? sat_add(r, magnitude) : sat_sub(r, magnitude);
    if (r_plus_d == 0)
        return U64F64::zero();
    const Int w1(bigmath::one_minus(quote).parts), w2(quote.parts);
    const auto e = bigmath::pow_ratio_scaled(Int(r), Int(r_plus_d), exponent == Exponent::base_quote ? w1 : w2,
                                             exponent == Exponent::base_quote ? w2 : w1, rules.balancer_exp_precision,
                                             Int(ACCURACY));
    if (e) {
        if (const auto v = fit_u64(*e)) {
            const U64F64 result = U64F64::saturating_from_u64(*v).safe_div(SCALE_FIXED);
            if (rules.exp_scaled_clamp_at_one && d >= 0)
                return result.min(ONE);
            return result;
        }
    }
    return U64F64::zero();
}

u64 convert_deltas_buy(const Ruleset& rules, Perquintill quote, u64 x, u64 y, u64 dy)
{
    const U64F64 e = exp_scaled(rules, quote, y, static_cast<i128>(dy), Exponent::quote_base);
    return U64F64::saturating_from_u64(x).saturating_mul(ONE.saturating_sub(e)).saturating_to_u64();
}

u64 convert_deltas_sell(const Ruleset& rules, Perquintill quote, u64 x, u64 y, u64 dx)
{
    const U64F64 e = exp_scaled(rules, quote, x, static_cast<i128>(dx), Exponent::base_quote);
    return U64F64::saturating_from_u64(y).saturating_mul(ONE.saturating_sub(e)).saturating_to_u64();
}

u64 calculate_fee_amount(const Subnet& s, u64 amount, Fees fees)
{
    if (fees == Fees::dropped || s.mechanism != Mechanism::dynamic)
        return 0;
    // The rate is divided first: U64F64(rate) / U64F64(u16::MAX), truncated to 64 fraction bits.
    const U64F64 rate = U64F64::saturating_from_u64(s.fee_rate).safe_div(U64F64::saturating_from_u64(65'535));
    return U64F64::saturating_from_u64(amount).saturating_mul(rate).saturating_to_u64();
}

u64 limit_fee(u64 fee_rate, u64 delta_in, Fees fees)
{
    const U64F64 u16_max = U64F64::saturating_from_u64(65'535);
    const U64F64 rate = fees == Fees::dropped ? U64F64::zero() : U64F64::saturating_from_u64(fee_rate);
    return U64F64::saturating_from_u64(delta_in)
        .saturating_mul(rate.safe_div(u16_max.saturating_sub(rate)))
        .saturating_to_u64();
}

u64 calculate_quote_delta_in(Perquintill quote, U64F64 current_price, U64F64 target_price, u64 reserve)
{
    return delta_to_price(target_price.bits, current_price.bits, bigmath::one_minus(quote).parts, reserve);
}

u64 calculate_base_delta_in(Perquintill quote, U64F64 current_price, U64F64 target_price, u64 reserve)
{
    return delta_to_price(current_price.bits, target_price.bits, quote.parts, reserve);
}

u64 get_base_needed_for_quote(const Ruleset& rules, Perquintill quote, u64 tao_reserve, u64 alpha_reserve,
                              u64 delta_tao)
{
    const U64F64 e = exp_scaled(rules, quote, tao_reserve, -static_cast<i128>(delta_tao), Exponent::quote_base);
    return U64F64::saturating_from_u64(alpha_reserve).saturating_mul(e.saturating_sub(ONE)).saturating_to_u64();
}

std::optional<Perquintill> update_weights_for_added_liquidity(Perquintill quote, u64 tao_reserve, u64 alpha_reserve,
                                                              u64 tao_delta, u64 alpha_delta)
{
    const u128 y = tao_reserve, x = alpha_reserve;
    const u128 new_y = sat_add_u128(y, tao_delta), new_x = sat_add_u128(x, alpha_delta);
    // quantity_1 = round(w1 · y·(x+dα)), quantity_2 = round(w2 · x·(y+dτ)); u128 products saturate.
    const u128 q1 = bigmath::mul_perquintill_round(bigmath::one_minus(quote), sat_mul_u128(y, new_x));
    const u128 q2 = bigmath::mul_perquintill_round(quote, sat_mul_u128(x, new_y));
    const u128 sum = sat_add_u128(q1, q2);
    const Perquintill w =
        sum != 0 ? bigmath::perquintill_from_rational(q2, sum) : bigmath::perquintill_from_rational(1, 2);
    if (!check_constraints(w))
        return std::nullopt;
    return w;
}

std::pair<u64, u64> adjust_protocol_liquidity(Subnet& s, u64 tao, u64 alpha)
{
    const auto w = update_weights_for_added_liquidity(quote_weight(s), s.subnet_tao, s.subnet_alpha_in, tao, alpha);
    if (!w)
        return {0, 0};  // "Reserves are out of range for emission": nothing injected
    s.swap_balancer_quote_parts = w->parts;
    return {tao, alpha};
}

std::optional<Perquintill> priced_quote_weight(const Subnet& s, U64F64 price)
{
    const u64 x = s.subnet_alpha_in, y = s.subnet_tao;
    // px = ⌊p⌋·x (u128, saturating) + ⌊x·frac(p)⌋ (U64F64 multiply, truncated).
    const u128 px_high = sat_mul_u128(price.saturating_to_u64(), x);
    const U64F64 frac = U64F64::from_bits(price.bits & ((u128{1} << 64) - 1));
    const u128 px_low = U64F64::saturating_from_u64(x).saturating_mul(frac).bits >> 64;
    const u128 px_plus_y = sat_add_u128(sat_add_u128(px_high, px_low), y);
    if (px_plus_y == 0)
        return std::nullopt;
    const Perquintill w = bigmath::perquintill_from_rational(y, px_plus_y);
    if (!check_constraints(w))
        return std::nullopt;
    return w;
}

Result<bool> maybe_initialize_palswap(Subnet& s, std::optional<U64F64> price)
{
    if (s.pal_swap_initialized)
        return true;
    if (!price) {
        initialize_default_weights(s);
        return true;
    }
    const auto w = priced_quote_weight(s, *price);
    if (!w)
        return Error::reserves_out_of_balance;
    s.swap_balancer_quote_parts = w->parts;
    s.pal_swap_initialized = true;
    return true;
}

}  // namespace chain::balancer

// ===================================================================== exact model

namespace exact::balancer {

namespace {

Rational weight_of(u64 parts)
{
    return Rational(Int(std::min(parts, Perquintill::ACCURACY)), Int(Perquintill::ACCURACY));
}

/// An exponent as a reduced fraction num/den of two rationals a/b.
std::pair<Int, Int> ratio_exponent(const Rational& a, const Rational& b)
{
    const Rational e = a / b;
    return {boost::multiprecision::numerator(e), boost::multiprecision::denominator(e)};
}

unsigned bit_len(const Int& v) { return v == 0 ? 0U : static_cast<unsigned>(boost::multiprecision::msb(v)) + 1; }

}  // namespace

Rational quote_weight(const ExactSubnet& s) { return weight_of(s.swap_balancer_quote_parts); }

Rational pow_ratio(const Rational& base, const Int& num_in, const Int& den_in)
{
    if (base < 0 || den_in <= 0 || num_in < 0)
        throw std::domain_error("exact pow_ratio: needs base ≥ 0 and a non-negative exponent");
    const Int g = boost::multiprecision::gcd(num_in, den_in);
    const Int num = num_in / g, den = den_in / g;
    if (num == 0)
        return 1;
    if (base == 0)
        return 0;
    if (den == 1 && num <= 4096) {
        const auto n = num.convert_to<unsigned>();
        return Rational(boost::multiprecision::pow(boost::multiprecision::numerator(base), n),
                        boost::multiprecision::pow(boost::multiprecision::denominator(base), n));
    }
    // Irrational in general: the midpoint of a rigorous enclosure of V·2^K with width ≤ 4,
    // so |result − V| ≤ 2/2^K = 2^-POW_ERROR_BITS.
    const unsigned K = POW_ERROR_BITS + 1;
    const Int bn = boost::multiprecision::numerator(base), bd = boost::multiprecision::denominator(base);
    // log2 V ≤ (num/den)·(bits(bn) − bits(bd) + 1): the working precision must cover it.
    Int est = (Int(bit_len(bn)) - Int(bit_len(bd)) + 1) * num / den;
    if (est < 0)
        est = 0;
    unsigned bits = K + 96 + (est > 4096 ? 4096U : est.convert_to<unsigned>());
    for (int attempt = 0; attempt < 6; ++attempt, bits *= 2) {
        const auto iv = bigmath::pow_ratio_reference(bn, bd, num, den, Int(1) << K, bits);
        if (iv.hi - iv.lo <= 4)
            return Rational(iv.lo + iv.hi, Int(1) << (K + 1));
    }
    throw std::runtime_error("exact pow_ratio: enclosure wider than the documented bound");
}

Rational calculate_price(const Rational& w2, const Rational& x, const Rational& y)
{
    if (x == 0 || w2 == 0)
        return 0;
    return (1 - w2) / w2 * (y / x);
}

Rational current_price(const ExactSubnet& s)
{
    if (s.mechanism != Mechanism::dynamic)
        return 1;
    return calculate_price(quote_weight(s), s.subnet_alpha_in, s.subnet_tao);
}

Rational convert_deltas_buy(const Rational& w2, const Rational& x, const Rational& y, const Rational& dy)
{
    const Rational den = y + dy;
    // The chain's decision when y + dy = 0: the power is taken as 0.
    const Rational e = den == 0 ? Rational(0) : [&] {
        const auto [n, d] = ratio_exponent(w2, 1 - w2);
        return pow_ratio(y / den, n, d);
    }();
    return x * (1 - e);
}

Rational convert_deltas_sell(const Rational& w2, const Rational& x, const Rational& y, const Rational& dx)
{
    const Rational den = x + dx;
    const Rational e = den == 0 ? Rational(0) : [&] {
        const auto [n, d] = ratio_exponent(1 - w2, w2);
        return pow_ratio(x / den, n, d);
    }();
    return y * (1 - e);
}

Rational calculate_fee_amount(const ExactSubnet& s, const Rational& amount, Fees fees)
{
    if (fees == Fees::dropped || s.mechanism != Mechanism::dynamic)
        return 0;
    return amount * Rational(Int(s.fee_rate), 65'535);
}

Rational limit_fee(u64 fee_rate, const Rational& delta_in, Fees fees)
{
    if (fees == Fees::dropped || fee_rate >= 65'535)
        return 0;
    return delta_in * Rational(Int(fee_rate), Int(65'535 - fee_rate));
}

Rational calculate_quote_delta_in(const Rational& w2, const Rational& p, const Rational& p_target, const Rational& y)
{
    if (p == 0 || p_target <= p)
        return 0;
    const Rational w1 = 1 - w2;
    return y *
           (pow_ratio(p_target / p, boost::multiprecision::numerator(w1), boost::multiprecision::denominator(w1)) - 1);
}

Rational calculate_base_delta_in(const Rational& w2, const Rational& p, const Rational& p_target, const Rational& x)
{
    if (p_target == 0 || p_target >= p)
        return 0;
    return x *
           (pow_ratio(p / p_target, boost::multiprecision::numerator(w2), boost::multiprecision::denominator(w2)) - 1);
}

Rational get_base_needed_for_quote(const Rational& w2, const Rational& y, const Rational& x, const Rational& dy)
{
    if (dy >= y)
        return 0;
    const auto [n, d] = ratio_exponent(w2, 1 - w2);
    return x * (pow_ratio(y / (y - dy), n, d) - 1);
}

std::optional<Rational> update_weights_for_added_liquidity(const Rational& w2, const Rational& y, const Rational& x,
                                                           const Rational& dy, const Rational& dx)
{
    const Rational q1 = (1 - w2) * y * (x + dx), q2 = w2 * x * (y + dy);
    const Rational w = q1 + q2 == 0 ? Rational(1, 2) : Rational(q2 / (q1 + q2));
    const Rational min_w(1, 100);
    if (w < min_w || 1 - w < min_w)
        return std::nullopt;
    return w;
}

std::optional<Rational> priced_quote_weight(const ExactSubnet& s, const fixed::U64F64& sqrt_price)
{
    const Rational root(to_int(sqrt_price.bits), Int(1) << 64);
    const Rational sum = root * root * s.subnet_alpha_in + s.subnet_tao;
    if (sum == 0)
        return std::nullopt;
    const Rational w = s.subnet_tao / sum;
    const Rational min_w(1, 100);
    if (w < min_w || 1 - w < min_w)
        return std::nullopt;
    return w;
}

}  // namespace exact::balancer

// ===================================================================== the bridge, both models

namespace balancer {

namespace {

/// The weight a model stores: Perquintill parts on chain; the exact weight is returned, not
/// stored (as BAL-007's), so the exact subnet keeps its parts.
void store_quote_weight(Subnet& s, Perquintill w) { s.swap_balancer_quote_parts = w.parts; }
void store_quote_weight(ExactSubnet&, const Rational&) {}

Perquintill default_quote_weight(const Subnet&) { return Perquintill::from_parts(BALANCER_DEFAULT_QUOTE_PARTS); }
Rational default_quote_weight(const ExactSubnet&) { return Rational(1, 2); }

std::optional<Perquintill> priced_weight(const Subnet& s, const fixed::U64F64& sqrt_price)
{
    // `price_sqrt.saturating_mul(price_sqrt)`: the v3 price, floored to U64F64, then BAL-008.
    return chain::balancer::priced_quote_weight(s, sqrt_price.saturating_mul(sqrt_price));
}
std::optional<Rational> priced_weight(const ExactSubnet& s, const fixed::U64F64& sqrt_price)
{
    return exact::balancer::priced_quote_weight(s, sqrt_price);
}

}  // namespace

template <typename Model>
Bridged<Model> migrate_swapv3_to_balancer(const V3Remnant<Model>& v3)
{
    Bridged<Model> out;
    out.subnet = v3.subnet;
    // The Balancer's storage starts empty: `PalSwapInitialized` false, `SwapBalancer` its default.
    out.subnet.pal_swap_initialized = false;
    out.subnet.swap_balancer_quote_parts = BALANCER_DEFAULT_QUOTE_PARTS;
    out.quote_weight = default_quote_weight(out.subnet);
    out.tao_provided_unread = v3.tao_provided;
    out.alpha_in_provided_unread = v3.alpha_in_provided;
    if (!v3.alpha_sqrt_price)
        return out;  // not in `AlphaSqrtPrice::iter()`: the first swap initialises
    if (const auto w = priced_weight(out.subnet, *v3.alpha_sqrt_price)) {
        out.quote_weight = *w;
        out.price_initialized = true;
        store_quote_weight(out.subnet, *w);
    }
    // A failed initialisation falls back to `Balancer::default()`, initialised all the same.
    out.subnet.pal_swap_initialized = true;
    return out;
}

template Bridged<ChainModel> migrate_swapv3_to_balancer(const V3Remnant<ChainModel>&);
template Bridged<ExactModel> migrate_swapv3_to_balancer(const V3Remnant<ExactModel>&);

}  // namespace balancer

}  // namespace dtao
