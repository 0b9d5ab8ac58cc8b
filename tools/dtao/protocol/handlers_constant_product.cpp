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
    return in_model(c, [&](auto model) -> json {
        using chain::alpha_price, exact::alpha_price;  // overloads on the pool's model
        return {{"price", num(alpha_price(as_model(s, model)))}};
    });
}

template <bool Buy>
json op_sim_swap(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 amount_in = r.u64_field(in::AMOUNT);
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
    const u64 limit = r.u64_field(in::GIVEN_LIMIT_PRICE);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using chain::max_amount_add, exact::max_amount_add, chain::max_amount_remove, exact::max_amount_remove;
        const auto ms = as_model(s, model);
        return {{"max_amount", amount(Add ? max_amount_add(ms, limit) : max_amount_remove(ms, limit))}};
    });
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
    const Subnet s = read_pool(r);
    const u64 total_stake = r.u64_or(in::TOTAL_STAKE);
    const u64 amount_in = r.u64_field(in::AMOUNT);
    const auto limit = r.opt_u64(in::LIMIT_PRICE);
    const Fill allow_partial = r.bool_or(in::ALLOW_PARTIAL) ? Fill::partial : Fill::whole;
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using A = dtao::Arithmetic<decltype(model)>;
        using chain::add_stake, exact::add_stake;  // overloads on the pool's model
        auto ms = as_model(s, model);
        auto ts = A::amount_of(total_stake);
        const auto o = add_stake(ms, ts, A::amount_of(amount_in), limit, allow_partial);
        if (!o)
            return error_output(o.error());
        json out{{"tao_staked", amount(o->tao_staked)}, {"alpha", amount(o->alpha)}, {"fee", amount(o->fee)}};
        out["pool"] = pool_after(ms, ts);
        return out;
    });
}

json op_remove_stake(const Context& c, Reader& r)
{
    const Subnet s = read_pool(r);
    const u64 total_stake = r.u64_or(in::TOTAL_STAKE);
    const u64 alpha = r.u64_field(in::AMOUNT);
    const auto limit = r.opt_u64(in::LIMIT_PRICE);
    const Fill allow_partial = r.bool_or(in::ALLOW_PARTIAL) ? Fill::partial : Fill::whole;
    UnstakeFeeInputs fee_in;
    fee_in.alpha_dividends = r.u64_or(in::ALPHA_DIVIDENDS_PER_SUBNET);
    fee_in.total_hotkey_alpha = r.u64_or(in::TOTAL_HOTKEY_ALPHA);
    // Absent: the staker holds the request (the default `amount`), so old requests keep their answers.
    const auto available = r.opt_u64(in::ALPHA_AVAILABLE);
    r.finish();
    return in_model(c, [&](auto model) -> json {
        using A = dtao::Arithmetic<decltype(model)>;
        using chain::remove_stake, exact::remove_stake;  // overloads on the pool's model
        auto ms = as_model(s, model);
        auto ts = A::amount_of(total_stake);
        std::optional<typename A::Amount> held;
        if (available)
            held = A::amount_of(*available);
        const auto o = remove_stake(c.rules, ms, ts, A::amount_of(alpha), limit, allow_partial, fee_in, held);
        if (!o)
            return error_output(o.error());
        json out{{"tao", amount(o->tao)}, {"tao_unstaked", amount(o->tao_unstaked)}, {"fee", amount(o->fee)}};
        out["pool"] = pool_after(ms, ts);
        return out;
    });
}

}  // namespace

/// The constant_product forms of the pool and stake ops.
const std::vector<OpForm>& constant_product_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::alpha_price, Form::constant_product, op_alpha_price, "POOL-001"},
        {Op::sim_swap_tao_for_alpha, Form::constant_product, op_sim_swap<true>, "POOL-003"},
        {Op::sim_swap_alpha_for_tao, Form::constant_product, op_sim_swap<false>, "POOL-004"},
        {Op::max_amount_add, Form::constant_product, op_max_amount<true>, "STAKE-005"},
        {Op::max_amount_remove, Form::constant_product, op_max_amount<false>, "STAKE-006"},
        {Op::add_stake, Form::constant_product, op_add_stake, "STAKE-007"},
        {Op::remove_stake, Form::constant_product, op_remove_stake, "STAKE-008"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
