// dtao-reference: the swap of the v3 pool (dtao/v3_swap.hpp, spec/v3_swap.md).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/v3_swap.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <tuple>
#include <iterator>
#include <utility>

namespace dtao::v3 {

using fixed::I64F64;
using fixed::U64F64;
using fixed::U96F32;

namespace {

U64F64 fx(u64 v) { return U64F64::saturating_from_u64(v); }

/// `price_is_closer(a, b)`: a is no further from the start than b in the swap's direction.
bool closer(SwapSide side, U64F64 a, U64F64 b) { return side == SwapSide::buy ? a <= b : a >= b; }

/// `TickIndex::next` / `prev` as the pallet takes them: the neighbour, or the range's end when
/// the neighbour is outside it (`unwrap_or(TickIndex::MAX)` / `MIN`).
i32 next_or_max(i32 t) { return t + 1 > tick::MAX_INDEX || t + 1 < tick::MIN_INDEX ? tick::MAX_INDEX : t + 1; }
i32 prev_or_min(i32 t) { return t - 1 > tick::MAX_INDEX || t - 1 < tick::MIN_INDEX ? tick::MIN_INDEX : t - 1; }

/// `TickIndex::current_bounded`: `CurrentTick` clamped to the index range.
i32 current_bounded(const Pool& pool) { return std::clamp(pool.current_tick, tick::MIN_INDEX, tick::MAX_INDEX); }

/// Which end of a position a tick is: the lower adds the liquidity to `liquidity_net`, the
/// upper subtracts it.
enum class TickEnd
{
    lower,
    upper,
};

/// `add_liquidity_at_index`: the tick's net liquidity ± L and gross liquidity + L; a fresh tick
/// above the current one starts with the global fee growth as its outside growth, else 0. The
/// tick becomes active even when L is 0.
void add_liquidity_at_index(Pool& pool, i32 index, u64 liquidity, TickEnd end)
{
    const bool fresh = pool.ticks.count(index) == 0;
    Tick& t = pool.ticks[index];
    if (fresh && index > current_bounded(pool)) {
        t.fees_out_tao = fixed::convert<I64F64>(pool.fee_global_tao);
        t.fees_out_alpha = fixed::convert<I64F64>(pool.fee_global_alpha);
    }
    const i128 net = static_cast<i128>(liquidity);
    t.liquidity_net += end == TickEnd::lower ? net : -net;
    t.liquidity_gross = sat_add(t.liquidity_gross, liquidity);
}

/// `tick_is_active`: the nearest active tick at or below `t` is `t` itself (nothing found
/// reads as MAX_INDEX, as the pallet's `unwrap_or` has it).
bool tick_is_active(const Pool& pool, i32 t) { return find_closest_lower(pool, t).value_or(tick::MAX_INDEX) == t; }

/// The sell side's tick below the price: the current tick when it is active and the price is
/// strictly above it, else the nearest active tick below it; MIN_INDEX when there is none. Both
/// `tick_edge` and `update_liquidity_at_crossing` take it, from the unbounded and the bounded
/// current tick respectively.
i32 lower_edge(const Pool& pool, i32 current)
{
    if (tick_is_active(pool, current) && pool.sqrt_price > tick::as_sqrt_price_bounded(current))
        return find_closest_lower(pool, current).value_or(tick::MIN_INDEX);
    return find_closest_lower(pool, prev_or_min(current)).value_or(tick::MIN_INDEX);
}

/// `|liquidity_net|` capped at u64::MAX (`liquidity_net_as_u64`).
u64 net_magnitude(i128 net)
{
    const u128 m = net < 0 ? static_cast<u128>(-(net + 1)) + 1 : static_cast<u128>(net);
    return m > U64_MAX ? U64_MAX : static_cast<u64>(m);
}

/// U64F64's `saturating_round`: to the nearest integer, halves away from zero, saturating.
U64F64 saturating_round(U64F64 v)
{
    const u128 half = u128{1} << 63;
    const u128 frac_mask = (u128{1} << 64) - 1;
    if (v.bits > U64F64::max().bits - half)
        return U64F64::from_bits(U64F64::max().bits & ~frac_mask);
    return U64F64::from_bits((v.bits + half) & ~frac_mask);
}

}  // namespace

u64 calculate_fee_amount(const Ruleset& rules, const Pool& pool, u64 amount, Fees fees)
{
    if (fees == Fees::dropped || (rules.v3_fee_only_dynamic && !pool.dynamic))
        return 0;
    const U64F64 rate = fx(pool.fee_rate).safe_div(fx(65'535));
    return fx(amount).saturating_mul(rate).saturating_to_u64();
}

u64 gross_up_fee(const Pool& pool, u64 delta_in, Fees fees)
{
    const U64F64 rate = fees == Fees::dropped ? U64F64::zero() : fx(pool.fee_rate);
    return fx(delta_in).saturating_mul(rate.safe_div(fx(65'535).saturating_sub(rate))).saturating_to_u64();
}

U64F64 sqrt_price_target(SwapSide side, U64F64 l, U64F64 sqrt_price, u64 d)
{
    if (l == U64F64::zero())
        return side == SwapSide::buy ? fx(max_price()) : fx(min_price());
    if (side == SwapSide::buy)
        return fx(d).safe_div(l).saturating_add(sqrt_price);
    return U64F64::one().safe_div(fx(d).safe_div(l).saturating_add(U64F64::one().safe_div(sqrt_price)));
}

u64 delta_in(SwapSide side, U64F64 l, U64F64 sqrt_price, U64F64 target)
{
    if (side == SwapSide::buy)
        return l.saturating_mul(target.saturating_sub(sqrt_price)).saturating_to_u64();
    const U64F64 one = U64F64::one();
    return l.saturating_mul(one.safe_div(target).saturating_sub(one.safe_div(sqrt_price))).saturating_to_u64();
}

namespace {

/// `convert_deltas`' denominator as the chain rounds it: a buy's A = ((L·√p) + δ)·√p, a sell's
/// D = (L `safe_div` √p) + δ.
U64F64 convert_deltas_denominator(SwapSide side, U64F64 l, U64F64 sqrt_price, U64F64 dx)
{
    if (side == SwapSide::buy)
        return l.saturating_mul(sqrt_price).saturating_add(dx).saturating_mul(sqrt_price);
    return l.safe_div(sqrt_price).saturating_add(dx);
}

}  // namespace

u64 convert_deltas(SwapSide side, U64F64 l, U64F64 sqrt_price, u64 d)
{
    if (d == 0)
        return 0;
    const U64F64 dx = fx(d);
    const U64F64 ratio = l.safe_div(convert_deltas_denominator(side, l, sqrt_price, dx));
    if (side == SwapSide::buy)
        return ratio.saturating_mul(dx).saturating_to_u64();
    return dx.saturating_mul(ratio.saturating_mul(sqrt_price)).saturating_to_u64();
}

Rational exact_sqrt_price_target(SwapSide side, const Rational& l, const Rational& sqrt_price, const Rational& d)
{
    if (l == 0)  // no liquidity: the chain's convention, the end of the price range
        return sqrt_price_target(side, U64F64::zero(), U64F64::zero(), 0).to_rational();
    if (side == SwapSide::buy)
        return sqrt_price + d / l;
    return 1 / (d / l + 1 / sqrt_price);
}

Rational exact_convert_deltas(SwapSide side, const Rational& l, const Rational& sqrt_price, const Rational& d)
{
    // the tokens the price's move releases: buy l·(1/√p − 1/√p'), sell l·(√p − √p'), with √p'
    // the real target; the same numbers as the chain's formulas before their roundings
    if (l == 0 || sqrt_price == 0)  // no liquidity releases nothing
        return 0;
    const Rational target = exact_sqrt_price_target(side, l, sqrt_price, d);
    if (side == SwapSide::buy)
        return l * (1 / sqrt_price - 1 / target);
    return l * (sqrt_price - target);
}

Rational convert_deltas_ceiling(SwapSide side, U64F64 l, U64F64 sqrt_price, u64 d)
{
    const Rational real = exact_convert_deltas(side, l.to_rational(), sqrt_price.to_rational(), d);
    const U64F64 chain = convert_deltas_denominator(side, l, sqrt_price, fx(d));
    const Rational exact =
        side == SwapSide::buy
            ? (l.to_rational() * sqrt_price.to_rational() + d) * sqrt_price.to_rational()
            : (sqrt_price == U64F64::zero() ? Rational(0) : l.to_rational() / sqrt_price.to_rational()) + d;
    if (real == 0 || chain == U64F64::zero())
        return real;
    return real * exact / chain.to_rational();
}

std::optional<i32> find_closest_lower(const Pool& pool, i32 index)
{
    if (index < tick::MIN_INDEX || index > tick::MAX_INDEX)
        return std::nullopt;
    auto it = pool.ticks.upper_bound(index);
    if (it == pool.ticks.begin())
        return std::nullopt;
    return std::prev(it)->first;
}

std::optional<i32> find_closest_higher(const Pool& pool, i32 index)
{
    if (index < tick::MIN_INDEX || index > tick::MAX_INDEX)
        return std::nullopt;
    auto it = pool.ticks.lower_bound(index);
    if (it == pool.ticks.end())
        return std::nullopt;
    return it->first;
}

i32 tick_edge(SwapSide side, const Pool& pool)
{
    if (side == SwapSide::buy)
        return find_closest_higher(pool, next_or_max(pool.current_tick)).value_or(tick::MAX_INDEX);
    return lower_edge(pool, pool.current_tick);
}

Result<u64> update_liquidity_at_crossing(SwapSide side, const Pool& pool)
{
    const i32 current = current_bounded(pool);
    const i32 at = side == SwapSide::buy ? find_closest_higher(pool, next_or_max(current)).value_or(tick::MAX_INDEX)
                                         : lower_edge(pool, current);
    const auto it = pool.ticks.find(at);
    if (it == pool.ticks.end())
        return Error::insufficient_liquidity;
    const u64 m = net_magnitude(it->second.liquidity_net);
    // a buy enters the range above the tick: its net is added; a sell leaves it: subtracted
    const bool adds = (it->second.liquidity_net >= 0) == (side == SwapSide::buy);
    return adds ? sat_add(pool.liquidity, m) : sat_sub(pool.liquidity, m);
}

Result<StepResult> swap_step(const Ruleset& rules, SwapSide side, Pool& pool, u64 amount_remaining,
                             U64F64 limit_sqrt_price, Fees fees)
{
    // BasicSwapStep::new: everything from the storage at the step's start
    const i32 edge_tick = tick_edge(side, pool);
    const U64F64 edge = tick::as_sqrt_price_bounded(edge_tick);
    u64 fee = calculate_fee_amount(rules, pool, amount_remaining, fees);
    const u64 possible_delta_in = sat_sub(amount_remaining, fee);
    const U64F64 l = fx(pool.liquidity);
    const U64F64 start = pool.sqrt_price;
    const U64F64 target = sqrt_price_target(side, l, start, possible_delta_in);

    // determine_action
    StepResult r;
    U64F64 final_price;
    if (closer(side, target, limit_sqrt_price) && closer(side, target, edge)) {
        final_price = target;
        r.delta_in = possible_delta_in;
    } else if (closer(side, limit_sqrt_price, target) && closer(side, limit_sqrt_price, edge)) {
        final_price = limit_sqrt_price;
        r.delta_in = delta_in(side, l, start, limit_sqrt_price);
        fee = gross_up_fee(pool, r.delta_in, fees);
    } else {
        r.crossing = true;
        final_price = edge;
        r.delta_in = delta_in(side, l, start, edge);
        fee = gross_up_fee(pool, r.delta_in, fees);
    }
    const U64F64 natural = closer(side, limit_sqrt_price, target) ? limit_sqrt_price : target;
    if (natural == edge)
        r.crossing = side == SwapSide::buy;  // `action_on_edge_sqrt_price`: a buy crosses, a sell stops
    r.fee = fee;

    // process_swap: the fee per unit of liquidity above the minimum, then the output at the
    // starting price, then the crossing, then the new price. From v3.3.11-385 the output comes
    // first, and the fee's pool share (`DefaultFeeSplit`, zero) is all that accrues.
    if (rules.v3_fee_to_block_author) {
        r.delta_out = convert_deltas(side, l, start, r.delta_in);
        if (r.delta_in > 0) {
            if (r.delta_out == 0)
                return Error::reserves_too_low;
            r.fee_to_block_author = fee;  // Perbill::zero().mul_floor(fee) = 0 to the pool
        }
    } else {
        if (pool.liquidity > MINIMUM_LIQUIDITY) {
            U64F64& global = side == SwapSide::buy ? pool.fee_global_tao : pool.fee_global_alpha;
            global = global.saturating_add(fx(fee).safe_div(fx(pool.liquidity - MINIMUM_LIQUIDITY)));
        }
        r.delta_out = convert_deltas(side, l, start, r.delta_in);
    }
    if (r.crossing) {
        Tick t = pool.ticks.count(edge_tick) ? pool.ticks.at(edge_tick) : Tick{};
        t.fees_out_tao = fixed::convert<I64F64>(pool.fee_global_tao).saturating_sub(t.fees_out_tao);
        t.fees_out_alpha = fixed::convert<I64F64>(pool.fee_global_alpha).saturating_sub(t.fees_out_alpha);
        const Result<u64> crossed = update_liquidity_at_crossing(side, pool);
        if (!crossed)
            return crossed.error();
        pool.liquidity = *crossed;
        pool.ticks[edge_tick] = t;
    }
    pool.sqrt_price = final_price;
    pool.current_tick = tick::from_sqrt_price_bounded(final_price);
    return r;
}

Result<SwapResult> swap(const Ruleset& rules, SwapSide side, Pool& pool, u64 amount, U64F64 limit_sqrt_price, Fees fees,
                        SwapRun run)
{
    const u64 reserve_out = side == SwapSide::buy ? pool.alpha_reserve : pool.tao_reserve;
    const u64 reserve_in = side == SwapSide::buy ? pool.tao_reserve : pool.alpha_reserve;
    if (reserve_out < pool.minimum_reserve ||
        (!rules.v3_reserve_check_paid_out_only && reserve_in < pool.minimum_reserve))
        return Error::reserves_too_low;
    // the swap runs on a copy: an error, or a simulation, leaves `pool` as it was
    Pool p = pool;
    maybe_initialize_v3(p);
    const bool short_of_limit =
        side == SwapSide::buy ? p.sqrt_price < limit_sqrt_price : p.sqrt_price > limit_sqrt_price;
    if (!short_of_limit)
        return Error::price_limit_exceeded;
    SwapResult out;
    u64 remaining = amount;
    while (remaining != 0) {
        const Result<StepResult> step = swap_step(rules, side, p, remaining, limit_sqrt_price, fees);
        if (!step)
            return step.error();
        const u64 taken = sat_add(step->delta_in, step->fee);
        out.amount_paid_in = sat_add(out.amount_paid_in, step->delta_in);
        out.fee_paid = sat_add(out.fee_paid, step->fee);
        out.fee_to_block_author = sat_add(out.fee_to_block_author, step->fee_to_block_author);
        remaining = sat_sub(remaining, taken);
        out.amount_paid_out = sat_add(out.amount_paid_out, step->delta_out);
        if (!step->crossing || taken == 0)
            remaining = 0;
        ++out.steps;
        if (out.steps > MAX_SWAP_ITERATIONS)
            return Error::too_many_swap_steps;
    }
    if (run == SwapRun::simulate)
        return out;
    if (reserve_out < out.amount_paid_out)
        return Error::insufficient_liquidity;
    pool = std::move(p);
    return out;
}

std::optional<U64F64> limit_sqrt_price(u64 price_limit)
{
    // `SqrtPrice::saturating_from_num(0.0000000001)`, an f64 literal (FIX-002)
    static const U64F64 epsilon = U64F64::from_f64(0.0000000001);
    return fx(price_limit).safe_div(fx(1'000'000'000)).checked_sqrt(epsilon);
}

u64 max_price()
{
    const U64F64 m = tick::max_sqrt_price();
    return saturating_round(m.saturating_mul(m).saturating_mul(fx(1'000'000'000))).saturating_to_u64();
}

u64 min_price()
{
    const U64F64 m = tick::min_sqrt_price();
    return m.saturating_mul(m).saturating_mul(fx(1'000'000'000)).saturating_to_u64();
}

SimSwapResult sim_swap(const Ruleset& rules, SwapSide side, const Pool& pool, u64 amount)
{
    // the answer's shape is the release's: an error is all its fields zero
    SimSwapResult zeros;
    if (rules.sim_swap_slippage)
        zeros.tao_slippage = zeros.alpha_slippage = 0;
    const U96F32 price = current_price(pool);  // read before the simulated swap
    SwapResult r;
    if (!pool.dynamic) {
        r.amount_paid_in = amount;
        r.amount_paid_out = amount;
    } else {
        const std::optional<U64F64> limit = limit_sqrt_price(side == SwapSide::buy ? max_price() : min_price());
        if (!limit)
            return zeros;
        Pool p = pool;
        const Result<SwapResult> s = swap(rules, side, p, amount, *limit, Fees::charged, SwapRun::simulate);
        if (!s)
            return zeros;
        r = *s;
    }
    SimSwapResult out = zeros;
    out.tao_amount = side == SwapSide::buy ? r.amount_paid_in : r.amount_paid_out;
    out.alpha_amount = side == SwapSide::buy ? r.amount_paid_out : r.amount_paid_in;
    (side == SwapSide::buy ? out.tao_fee : out.alpha_fee) = r.fee_paid;
    if (rules.sim_swap_slippage) {
        const U96F32 gross = U96F32::saturating_from_u64(amount);
        if (side == SwapSide::buy)
            out.alpha_slippage = sat_sub(gross.safe_div(price).saturating_to_u64(), r.amount_paid_out);
        else
            out.tao_slippage = sat_sub(gross.saturating_mul(price).saturating_to_u64(), r.amount_paid_out);
    }
    return out;
}

U96F32 current_price(const Pool& pool)
{
    if (!pool.dynamic)
        return U96F32::one();
    if (pool.initialized)
        return fixed::convert<U96F32>(pool.sqrt_price.saturating_mul(pool.sqrt_price));
    if (pool.alpha_reserve == 0)
        return U96F32::zero();
    return U96F32::saturating_from_u64(pool.tao_reserve).safe_div(U96F32::saturating_from_u64(pool.alpha_reserve));
}

u64 current_alpha_price(const Pool& pool)
{
    return current_price(pool).saturating_mul(U96F32::saturating_from_u64(1'000'000'000)).saturating_to_u64();
}

void add_position_liquidity(Pool& pool, i32 tick_low, i32 tick_high, u64 liquidity)
{
    add_liquidity_at_index(pool, tick_low, liquidity, TickEnd::lower);
    add_liquidity_at_index(pool, tick_high, liquidity, TickEnd::upper);
    // update_liquidity_if_needed
    const i32 current = current_bounded(pool);
    if (tick_low <= current && current < tick_high)
        pool.liquidity = sat_add(pool.liquidity, liquidity);
}

void maybe_initialize_v3(Pool& pool)
{
    if (pool.initialized)
        return;
    const tick::V3Init init = tick::initialize_v3(pool.tao_reserve, pool.alpha_reserve);
    pool.sqrt_price = init.sqrt_price;
    pool.current_tick = init.tick;
    add_position_liquidity(pool, tick::MIN_INDEX, tick::MAX_INDEX, init.liquidity);
    // `Position::new` after the ticks: its snapshot is the growth inside its range then.
    pool.protocol_position = new_position(pool, tick::MIN_INDEX, tick::MAX_INDEX, init.liquidity);
    pool.initialized = true;
}

std::optional<std::pair<u64, u64>> to_token_amounts(const Position& position, U64F64 sqrt_price)
{
    const auto low = tick::try_to_sqrt_price(position.tick_low);
    const auto high = tick::try_to_sqrt_price(position.tick_high);
    if (!low || !high)
        return std::nullopt;
    const U64F64 one = U64F64::one();
    const U64F64 l = fx(position.liquidity);
    const auto alpha_between = [&](U64F64 from) {
        return l.saturating_mul(one.safe_div(from).saturating_sub(one.safe_div(*high))).saturating_to_u64();
    };
    if (sqrt_price < *low)
        return std::pair<u64, u64>{0, alpha_between(*low)};
    if (sqrt_price > *high)
        return std::pair<u64, u64>{l.saturating_mul(high->saturating_sub(*low)).saturating_to_u64(), 0};
    return std::pair<u64, u64>{l.saturating_mul(sqrt_price.saturating_sub(*low)).saturating_to_u64(),
                               alpha_between(sqrt_price)};
}

I64F64 fees_in_range(const Pool& pool, const Position& position, Token token)
{
    const I64F64 global = fixed::convert<I64F64>(token == Token::tao ? pool.fee_global_tao : pool.fee_global_alpha);
    const i32 current = current_bounded(pool);
    const auto outside = [&](i32 index) {
        const auto it = pool.ticks.find(index);
        if (it == pool.ticks.end())
            return I64F64{};  // `unwrap_or_default`
        return token == Token::tao ? it->second.fees_out_tao : it->second.fees_out_alpha;
    };
    // fees_below: a tick at or below the current one counts its outside growth below it
    const I64F64 below =
        position.tick_low <= current ? outside(position.tick_low) : global.saturating_sub(outside(position.tick_low));
    // fees_above: the mirror image
    const I64F64 above = position.tick_high <= current ? global.saturating_sub(outside(position.tick_high))
                                                       : outside(position.tick_high);
    return global.saturating_sub(below).saturating_sub(above);
}

Position new_position(const Pool& pool, i32 tick_low, i32 tick_high, u64 liquidity)
{
    Position position{tick_low, tick_high, liquidity, {}, {}};
    position.fees_tao = fees_in_range(pool, position, Token::tao);
    position.fees_alpha = fees_in_range(pool, position, Token::alpha);
    return position;
}

std::pair<u64, u64> collect_fees(const Pool& pool, Position& position)
{
    const I64F64 tao_now = fees_in_range(pool, position, Token::tao);
    const I64F64 alpha_now = fees_in_range(pool, position, Token::alpha);
    const I64F64 tao_growth = tao_now.saturating_sub(position.fees_tao);
    const I64F64 alpha_growth = alpha_now.saturating_sub(position.fees_alpha);
    position.fees_tao = tao_now;
    position.fees_alpha = alpha_now;
    const I64F64 l = I64F64::saturating_from_u64(position.liquidity);
    return {l.saturating_mul(tao_growth).saturating_to_u64(), l.saturating_mul(alpha_growth).saturating_to_u64()};
}

Proportional get_proportional_alpha_tao_and_remainders(U64F64 sqrt_price, u64 tao, u64 alpha)
{
    const U64F64 price = sqrt_price.saturating_mul(sqrt_price);
    const u64 tao_equivalent = fx(alpha).saturating_mul(price).saturating_to_u64();
    if (tao_equivalent <= tao)
        return {tao_equivalent, alpha, tao - tao_equivalent, 0};
    const u64 alpha_equivalent = fx(tao).safe_div(price).saturating_to_u64();
    return {tao, alpha_equivalent, 0, sat_sub(alpha, alpha_equivalent)};
}

ProtocolLiquidityResult adjust_protocol_liquidity(const Ruleset& rules, Pool& pool, u64 tao, u64 alpha)
{
    ProtocolLiquidityResult out;
    if (!pool.protocol_position)
        return out;
    // A copy: the pallet stores the position (its liquidity and its collected snapshot) only
    // when its tokens can be valued.
    Position position = *pool.protocol_position;
    out.tao_in = tao;
    out.alpha_in = alpha;
    if (rules.v3_protocol_liquidity != V3ProtocolLiquidity::reserves_only) {
        std::tie(out.fees_tao, out.fees_alpha) = collect_fees(pool, position);
        out.tao_in = sat_add(out.tao_in, out.fees_tao);
        out.alpha_in = sat_add(out.alpha_in, out.fees_alpha);
    }
    if (rules.v3_protocol_liquidity == V3ProtocolLiquidity::proportional_scraps) {
        const Proportional split =
            get_proportional_alpha_tao_and_remainders(pool.sqrt_price, sat_add(out.tao_in, pool.scrap_reservoir_tao),
                                                      sat_add(out.alpha_in, pool.scrap_reservoir_alpha));
        pool.scrap_reservoir_tao = split.tao_scrap;
        pool.scrap_reservoir_alpha = split.alpha_scrap;
        out.tao_in = split.tao;
        out.alpha_in = split.alpha;
    }
    const auto tokens = to_token_amounts(position, pool.sqrt_price);
    if (!tokens)
        return out;
    // `helpers_128bit::sqrt`: the integer square root of the u128 product, rounded down
    const u128 product = u128{sat_add(tokens->first, out.tao_in)} * u128{sat_add(tokens->second, out.alpha_in)};
    const u64 new_liquidity = boost::multiprecision::sqrt(to_int(product)).convert_to<u64>();
    out.liquidity_delta = sat_sub(new_liquidity, position.liquidity);
    out.adjusted = true;
    pool.liquidity = sat_add(pool.liquidity, out.liquidity_delta);
    position.liquidity = new_liquidity;
    pool.protocol_position = position;
    add_liquidity_at_index(pool, position.tick_low, out.liquidity_delta, TickEnd::lower);
    add_liquidity_at_index(pool, position.tick_high, out.liquidity_delta, TickEnd::upper);
    return out;
}

}  // namespace dtao::v3
