// dtao: the `dtao eval` handlers of the Balancer pool's forms: the pool, the swap, the
// limits, protocol liquidity, `pow_ratio_scaled`, stake and unstake (BAL-*, BIGM-*).
// Spec: spec/protocol.md, "Ops of the Balancer era".
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"
#include "balancer_codec.hpp"

#include "dtao/numeric/bigmath.hpp"

#include <algorithm>

namespace dtao::protocol::detail {

namespace {

using fixed::U64F64;

template <typename Model>
json balancer_pool_after(const SubnetT<Model>& s, const typename Model::Amount& total_stake)
{
    return {{"subnet_tao", amount(s.subnet_tao)},
            {"subnet_alpha_in", amount(s.subnet_alpha_in)},
            {"subnet_alpha_out", amount(s.subnet_alpha_out)},
            {"subnet_volume", volume(s.subnet_volume)},
            {"total_stake", amount(total_stake)},
            {"swap_balancer_quote_parts", dec(s.swap_balancer_quote_parts)},
            {"pal_swap_initialized", s.pal_swap_initialized}};
}

// ------------------------------------------------------------------ pool ops

json op_alpha_price(const Context& c, Reader& r)
{
    const Subnet s = read_balancer_pool(r);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using bal::current_price, xbal::current_price;  // overloads on the pool's model
        return {{"price", num(current_price(as_model(s, model)))}};
    });
}

json op_swap(const Context& c, Reader& r)
{
    const Subnet s = read_balancer_pool(r);
    const u64 minres = read_minimum_reserve(r);
    const SwapSide side = read_side(r);
    const u64 amount_in = r.u64_field(in::AMOUNT);
    const u64 limit = r.u64_or(in::SWAP_LIMIT_PRICE, side == SwapSide::buy ? SWAP_MAX_PRICE : SWAP_MIN_PRICE);
    const Fees fees = r.bool_or(in::DROP_FEES) ? Fees::dropped : Fees::charged;
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        SubnetT<Model> pool = as_model(s, model);
        const auto w = balancer::do_swap(c.rules, pool, minres, side, dtao::Arithmetic<Model>::amount_of(amount_in),
                                         balancer::limit_price_from_rao<Model>(limit), fees, SwapRun::commit);
        if (!w)
            return error_output(w.error());
        json out = write_swap(*w);
        out["swap_balancer_quote_parts"] = dec(pool.swap_balancer_quote_parts);
        out["pal_swap_initialized"] = pool.pal_swap_initialized;
        return out;
    });
}

template <bool Add>
json op_max_amount(const Context& c, Reader& r)
{
    const Subnet s = read_balancer_pool(r);
    const u64 minres = read_minimum_reserve(r);
    const u64 limit = r.u64_field(in::GIVEN_LIMIT_PRICE);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        const auto& pool = as_model(s, model);
        const auto m = Add ? balancer::max_amount_add(c.rules, pool, minres, limit)
                           : balancer::max_amount_remove(c.rules, pool, minres, limit);
        if (!m)
            return error_output(m.error());
        return {{"max_amount", amount(*m)}};
    });
}

json op_adjust_protocol_liquidity(const Context& c, Reader& r)
{
    Subnet s = read_balancer_pool(r);
    const u64 tao = r.u64_field(in::TAO);
    const u64 alpha = r.u64_field(in::ALPHA);
    r.finish();
    if (c.exact()) {
        const ExactSubnet e = to_exact(s);
        const auto w2 = xbal::update_weights_for_added_liquidity(xbal::quote_weight(e), e.subnet_tao, e.subnet_alpha_in,
                                                                 Rational(tao), Rational(alpha));
        if (!w2)
            return {{"tao", "0"}, {"alpha", "0"}, {"quote_weight", num(xbal::quote_weight(e))}};
        return {{"tao", dec(tao)}, {"alpha", dec(alpha)}, {"quote_weight", num(*w2)}};
    }
    const auto [t, a] = bal::adjust_protocol_liquidity(s, tao, alpha);
    return {{"tao", dec(t)}, {"alpha", dec(a)}, {"swap_balancer_quote_parts", dec(s.swap_balancer_quote_parts)}};
}

json op_pow_ratio_scaled(const Context& c, Reader& r)
{
    // The bounds (inputs.hpp) are the chain's u128 bases and scales and Perquintill-sized
    // exponents; they keep a request's cost to milliseconds.
    const Int bn = r.integer(in::BASE_NUMERATOR);
    const Int bd = r.integer(in::BASE_DENOMINATOR);
    const Int en = r.integer(in::EXPONENT_NUMERATOR);
    const Int ed = r.integer(in::EXPONENT_DENOMINATOR);
    const u64 precision = r.u64_field(in::PRECISION);
    const Int scale = r.integer(in::SCALE);
    r.finish();
    if (c.exact()) {
        // The true value (bn/bd)^(en/ed)·scale, where it is defined, as a rigorous enclosure
        // [lower, upper]; `floor` exactly when the reduced exponent is at most 1024.
        if (bd <= 0 || ed <= 0 || bn < 0 || en < 0 || scale < 0)
            return {{"result", nullptr}};
        const auto iv = bigmath::pow_ratio_reference(bn, bd, en, ed, scale);
        json out{{"lower", iv.lo.str()}, {"upper", iv.hi.str()}};
        const Int g = boost::multiprecision::gcd(en, ed);
        if (en / g <= 1024 && ed / g <= 1024)
            out["floor"] = bigmath::pow_ratio_floor_exact(bn, bd, en, ed, scale).str();
        return {{"result", out}};
    }
    const auto v = bigmath::pow_ratio_scaled(bn, bd, en, ed, static_cast<unsigned>(precision), scale);
    return {{"result", v ? json(v->str()) : json()}};
}

// ------------------------------------------------------------------ the bridge

/// The weight the migration set, as each model writes it: Perquintill parts on chain, the exact
/// rational otherwise (as `adjust_protocol_liquidity`).
json write_weight(json out, Perquintill w)
{
    out["swap_balancer_quote_parts"] = dec(w.parts);
    return out;
}
json write_weight(json out, const Rational& w)
{
    out["quote_weight"] = num(w);
    return out;
}

json op_migrate_swapv3_to_balancer(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 tao_provided = r.u64_or(in::SUBNET_TAO_PROVIDED);
    const u64 alpha_provided = r.u64_or(in::SUBNET_ALPHA_IN_PROVIDED);
    // The rest of the v3 pool is read too, so each of its fields is checked; the migration
    // deletes all but the reserves and the price (BAL-009).
    v3::Pool storage;
    read_v3_storage(r, storage, c.rules.v3_default_fee_rate);
    // Absent: the subnet is not in `AlphaSqrtPrice::iter()` (the v3 pool never initialised it).
    const std::optional<U64F64> sqrt_price =
        r.has(in::ALPHA_SQRT_PRICE) ? std::optional(storage.sqrt_price) : std::nullopt;
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using Model = decltype(model);
        balancer::V3Remnant<Model> v3;
        v3.subnet = as_model(s, model);
        v3.tao_provided = dtao::Arithmetic<Model>::amount_of(tao_provided);
        v3.alpha_in_provided = dtao::Arithmetic<Model>::amount_of(alpha_provided);
        v3.alpha_sqrt_price = sqrt_price;
        const auto b = balancer::migrate_swapv3_to_balancer(v3);
        return write_weight({{"subnet_tao", amount(b.subnet.subnet_tao)},
                             {"subnet_alpha_in", amount(b.subnet.subnet_alpha_in)},
                             {"pal_swap_initialized", b.subnet.pal_swap_initialized},
                             {"price_initialized", b.price_initialized},
                             {"price", num(balancer::current_price_at(b.subnet, b.quote_weight))},
                             {"tao_provided_unread", amount(b.tao_provided_unread)},
                             {"alpha_in_provided_unread", amount(b.alpha_in_provided_unread)}},
                            b.quote_weight);
    });
}

// ------------------------------------------------------------------ stake ops

/// The pool of a stake op: the Balancer pool and `SubnetVolume`, which the op writes (BAL-010),
/// so that its u128 saturation can be reached from a request.
Subnet read_stake_pool(Reader& r)
{
    Subnet s = read_balancer_pool(r);
    s.subnet_volume = r.u128_or(in::SUBNET_VOLUME);
    return s;
}

/// The one-subnet chain state a stake op runs on.
ChainState stake_state(Reader& r, const Subnet& s)
{
    ChainState st;
    st.total_stake = r.u64_or(in::TOTAL_STAKE);
    st.swap_minimum_reserve = read_minimum_reserve(r);
    st.block_author = r.bool_or(in::BLOCK_AUTHOR);
    st.subnets.push_back(s);
    return st;
}

json op_add_stake(const Context& c, Reader& r)
{
    const Subnet s = read_stake_pool(r);
    const ChainState st = stake_state(r, s);
    const u64 amount_in = r.u64_field(in::AMOUNT);
    const auto limit = r.opt_u64(in::LIMIT_PRICE);
    const Fill allow_partial = r.bool_or(in::ALLOW_PARTIAL) ? Fill::partial : Fill::whole;
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using bal::add_stake, xbal::add_stake;  // overloads on the state's model
        auto mst = as_model(st, model);
        const auto o = add_stake(c.rules, mst, s.netuid, dtao::Arithmetic<decltype(model)>::amount_of(amount_in), limit,
                                 allow_partial);
        if (!o)
            return error_output(o.error());
        json out = write_stake(*o);
        out["pool"] = balancer_pool_after(mst.subnets.front(), mst.total_stake);
        return out;
    });
}

json op_remove_stake(const Context& c, Reader& r)
{
    const Subnet s = read_stake_pool(r);
    const ChainState st = stake_state(r, s);
    const u64 alpha = r.u64_field(in::AMOUNT);
    const u64 available = r.u64_or(in::HELD_ALPHA, alpha);
    const auto limit = r.opt_u64(in::LIMIT_PRICE);
    const Fill allow_partial = r.bool_or(in::ALLOW_PARTIAL) ? Fill::partial : Fill::whole;
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using A = dtao::Arithmetic<decltype(model)>;
        using bal::remove_stake, xbal::remove_stake;  // overloads on the state's model
        auto mst = as_model(st, model);
        const auto o =
            remove_stake(c.rules, mst, s.netuid, A::amount_of(alpha), A::amount_of(available), limit, allow_partial);
        if (!o)
            return error_output(o.error());
        json out = write_unstake(*o);
        out["pool"] = balancer_pool_after(mst.subnets.front(), mst.total_stake);
        return out;
    });
}

}  // namespace

/// The balancer forms of the pool and stake ops.
const std::vector<OpForm>& balancer_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::alpha_price, Form::balancer, op_alpha_price, "BAL-001"},
        {Op::swap, Form::balancer, op_swap, "BAL-005"},
        {Op::max_amount_add, Form::balancer, op_max_amount<true>, "BAL-012"},
        {Op::max_amount_remove, Form::balancer, op_max_amount<false>, "BAL-012"},
        {Op::adjust_protocol_liquidity, Form::balancer, op_adjust_protocol_liquidity, "BAL-007"},
        {Op::pow_ratio_scaled, Form::balancer, op_pow_ratio_scaled, "BIGM-004"},
        {Op::add_stake, Form::balancer, op_add_stake, "BAL-011"},
        {Op::remove_stake, Form::balancer, op_remove_stake, "BAL-011"},
        {Op::migrate_swapv3_to_balancer, Form::balancer, op_migrate_swapv3_to_balancer, "BAL-009"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
