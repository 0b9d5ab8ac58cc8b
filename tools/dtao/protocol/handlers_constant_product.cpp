// dtao: the `dtao eval` handlers of the constant-product pool's forms (POOL-*, STAKE-*).
// Spec: spec/protocol.md, "Op table".
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"

#include "dtao/pool.hpp"
#include "dtao/stake.hpp"

namespace dtao::protocol::detail {

namespace {

json op_alpha_price(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    r.finish();
    if (c.exact())
        return {{"price", num(exact::alpha_price(to_exact(s)))}};
    return {{"price", fx(chain::alpha_price(s))}};
}

template <bool Buy>
json op_sim_swap(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 amount_in = r.u64_field("amount");
    r.finish();
    const char* out_key = Buy ? "alpha_out" : "tao_out";
    if (c.exact()) {
        const ExactSubnet e = to_exact(s);
        const auto q = Buy ? exact::sim_swap_tao_for_alpha(e, amount_in) : exact::sim_swap_alpha_for_tao(e, amount_in);
        if (!q)
            return error_output(q.error());
        return {{out_key, num(q->amount_out)}, {"k", num(q->k)}, {"new_reserve", num(q->new_reserve)}};
    }
    const auto q = Buy ? chain::sim_swap_tao_for_alpha(s, amount_in) : chain::sim_swap_alpha_for_tao(s, amount_in);
    if (!q)
        return error_output(q.error());
    json o{{out_key, dec(q->amount_out)}};
    if (s.mechanism == Mechanism::dynamic) {
        o["k"] = fx(q->k);
        o["new_reserve"] = fx(q->new_reserve);
    }
    return o;
}

template <bool Add>
json op_max_amount(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 limit = r.u64_field("limit_price");
    r.finish();
    if (c.exact()) {
        const ExactSubnet e = to_exact(s);
        return {{"max_amount", num(Add ? exact::max_amount_add(e, limit) : exact::max_amount_remove(e, limit))}};
    }
    return {{"max_amount", dec(Add ? chain::max_amount_add(s, limit) : chain::max_amount_remove(s, limit))}};
}

template <typename Model>
json pool_after(const SubnetT<Model>& s, const typename Model::Amount& total_stake)
{
    return {{"subnet_tao", amount(s.subnet_tao)},
            {"subnet_alpha_in", amount(s.subnet_alpha_in)},
            {"subnet_alpha_out", amount(s.subnet_alpha_out)},
            {"total_stake", amount(total_stake)}};
}

json op_add_stake(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    u64 total_stake = r.u64_or("total_stake", 0);
    const u64 amount_in = r.u64_field("amount");
    const auto limit = r.opt_u64("limit_price");
    const bool partial = r.bool_or("allow_partial", false);
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        Rational ts = total_stake;
        const auto o = exact::add_stake(e, ts, amount_in, limit, partial);
        if (!o)
            return error_output(o.error());
        json out{{"tao_staked", num(o->tao_staked)}, {"alpha", num(o->alpha)}, {"fee", num(o->fee)}};
        out["pool"] = pool_after(e, ts);
        return out;
    }
    const auto o = chain::add_stake(s, total_stake, amount_in, limit, partial);
    if (!o)
        return error_output(o.error());
    json out{{"tao_staked", dec(o->tao_staked)}, {"alpha", dec(o->alpha)}, {"fee", dec(o->fee)}};
    out["pool"] = pool_after(s, total_stake);
    return out;
}

json op_remove_stake(const Context& c, Reader& r)
{
    Subnet s = read_pool(r);
    u64 total_stake = r.u64_or("total_stake", 0);
    const u64 alpha = r.u64_field("amount");
    const auto limit = r.opt_u64("limit_price");
    const bool partial = r.bool_or("allow_partial", false);
    UnstakeFeeInputs fee_in;
    fee_in.alpha_dividends = r.u64_or("alpha_dividends_per_subnet", 0);
    fee_in.total_hotkey_alpha = r.u64_or("total_hotkey_alpha", 0);
    // Absent: the staker holds the request (the default `amount`), so old requests keep their answers.
    const auto available = r.opt_u64("alpha_available");
    r.finish();
    if (c.exact()) {
        ExactSubnet e = to_exact(s);
        Rational ts = total_stake;
        const auto o = exact::remove_stake(c.rules, e, ts, alpha, limit, partial, fee_in,
                                           available ? std::optional<Rational>(*available) : std::nullopt);
        if (!o)
            return error_output(o.error());
        json out{{"tao", num(o->tao)}, {"tao_unstaked", num(o->tao_unstaked)}, {"fee", num(o->fee)}};
        out["pool"] = pool_after(e, ts);
        return out;
    }
    const auto o = chain::remove_stake(c.rules, s, total_stake, alpha, limit, partial, fee_in, available);
    if (!o)
        return error_output(o.error());
    json out{{"tao", dec(o->tao)}, {"tao_unstaked", dec(o->tao_unstaked)}, {"fee", dec(o->fee)}};
    out["pool"] = pool_after(s, total_stake);
    return out;
}

}  // namespace

/// The constant_product forms of the pool and stake ops.
const std::vector<OpForm>& constant_product_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::alpha_price, Form::constant_product, op_alpha_price, "POOL-001: {subnet_tao, subnet_alpha_in} -> {price}"},
        {Op::sim_swap_tao_for_alpha, Form::constant_product, op_sim_swap<true>,
         "POOL-003: {subnet_tao, subnet_alpha_in, amount} -> {alpha_out, k, new_reserve}"},
        {Op::sim_swap_alpha_for_tao, Form::constant_product, op_sim_swap<false>,
         "POOL-004: {subnet_tao, subnet_alpha_in, amount} -> {tao_out, k, new_reserve}"},
        {Op::max_amount_add, Form::constant_product, op_max_amount<true>,
         "STAKE-005: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"},
        {Op::max_amount_remove, Form::constant_product, op_max_amount<false>,
         "STAKE-006: {subnet_tao, subnet_alpha_in, limit_price} -> {max_amount}"},
        {Op::add_stake, Form::constant_product, op_add_stake,
         "STAKE-007: {pool, amount, limit_price?, allow_partial?} -> {tao_staked, alpha, fee, pool}"},
        {Op::remove_stake, Form::constant_product, op_remove_stake,
         "STAKE-008: {pool, amount, alpha_available?, limit_price?, allow_partial?} -> {tao, "
         "tao_unstaked, fee, pool}"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
