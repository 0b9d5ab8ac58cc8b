// dtao: the `dtao eval` handlers of the ops with one form in every ruleset (`block_emission`,
// `network_lock_cost`) and of the modulo epoch schedule. Spec: spec/protocol.md.
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/emission.hpp"
#include "dtao/registration.hpp"

namespace dtao::protocol::detail {

namespace {

json op_block_emission(const Context& c, Reader& r)
{
    const u64 issuance = r.u64_field(in::ISSUANCE);
    r.finish();
    if (c.exact()) {
        const auto e = exact::block_emission(Rational(issuance));
        return {{"emission", num(e.emission)}, {"halvings", dec(e.halvings)}};
    }
    const auto e = chain::block_emission(issuance);
    if (!e)
        return error_output(e.error());
    return {
        {"emission", dec(e->emission)}, {"halvings", dec(e->halvings)}, {"q", fx(e->q)}, {"residual", fx(e->residual)}};
}

json op_network_lock_cost(const Context& c, Reader& r)
{
    const ChainState st = read_state(r.get(in::STATE), r.where(in::STATE), c.storage());
    r.finish();
    return in_model(c, [&](auto model) -> json {
        // The two models' rules are overloads on the state's type.
        using chain::network_lock_cost, exact::network_lock_cost;
        using chain::lock_reduction_interval, exact::lock_reduction_interval;
        const auto mst = as_model(st, model);
        return {{"lock_cost", amount(network_lock_cost(mst))},
                {"lock_reduction_interval", amount(lock_reduction_interval(mst))}};
    });
}

json op_blocks_until_next_epoch(const Context&, Reader& r)
{
    const u64 netuid = r.u64_field(in::NETUID);
    const u64 tempo = r.u64_field(in::TEMPO);
    const u64 block = r.u64_field(in::GIVEN_BLOCK);
    r.finish();
    return {{"blocks", dec(blocks_until_next_epoch(netuid, tempo, block))},
            {"runs", should_run_epoch(netuid, tempo, block)}};
}

}  // namespace

/// The common forms and the modulo epoch schedule.
const std::vector<OpForm>& common_handlers()
{
    static const std::vector<OpForm> table = {
        {Op::block_emission, Form::common, op_block_emission, "EMIS-001"},
        {Op::network_lock_cost, Form::common, op_network_lock_cost, "REG-001"},
        {Op::blocks_until_next_epoch, Form::modulo, op_blocks_until_next_epoch, "EPOCH-001"},
    };
    return table;
}

}  // namespace dtao::protocol::detail
