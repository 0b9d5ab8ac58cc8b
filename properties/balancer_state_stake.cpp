/// The Balancer-era stateful model test (balancer_state_model.hpp): the add_stake and
/// remove_stake commands, with and without a limit price, partial or not, each checked
/// against the rule (amount splits, reserve deltas, the exact swap output) and booked in
/// the ledger.
/// @rule BAL-005 BAL-010 BAL-011
// SPDX-License-Identifier: Apache-2.0
#include "balancer_state_model.hpp"
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/balancer.hpp"

namespace dtao::prop::bal_state {

namespace {

std::string show_limit(const std::optional<u64>& l) { return l ? std::to_string(*l) : "none"; }

}  // namespace

AddStakeCmd::AddStakeCmd(const Model& m)
    : netuid(*rc::gen::elementOf(m.netuids(true))),
      amount(*rc::gen::weightedOneOf<u64>(
          {{3, realistic_u64(0, 10'000'000'000'000'000)}, {2, rc::gen::inRange<u64>(1'000'000, 10'000'000'000'000)}})),
      limit(*limit_price()), partial(*rc::gen::arbitrary<bool>() ? Fill::partial : Fill::whole)
{}

void AddStakeCmd::checkPreconditions(const Model& m) const
{
    RC_PRE(netuid == ROOT_NETUID || m.subnets.count(netuid) == 1);  // shrinking may drop the registration
}

void AddStakeCmd::apply(Model&) const {}

void AddStakeCmd::run(const Model& m, Sut& sut) const
{
    ChainState& st = sut.st;
    const ChainState pre = st;
    const auto r = bal::add_stake(m.rules(), st, netuid, amount, limit, partial);
    if (!r) {
        RC_ASSERT(pre == st);  // the extrinsic reverts
        check_invariants(m, sut);
        return;
    }
    const Subnet& b = *pre.find(netuid);
    Subnet& s = *st.find(netuid);
    const auto& sw = r->swap;
    if (sut.mutant == Mutant::stake_extra_alpha && r->alpha > 0 && !s.is_stable()) {
        s.subnet_alpha_in -= 1;
        s.subnet_alpha_out += 1;
    }
    // BAL-011: TotalIssuance unchanged; the requested TAO splits into paid_in + fee + unswapped.
    RC_ASSERT(st.total_issuance == pre.total_issuance);
    RC_ASSERT(r->tao_requested <= amount);
    RC_ASSERT(Int(sw.amount_paid_in) + sw.fee_paid + r->tao_unswapped == Int(r->tao_requested));
    RC_ASSERT(r->alpha == sw.amount_paid_out && r->alpha > 0);
    RC_ASSERT(Int(r->author_tao) + r->burned_tao == Int(sw.fee_to_block_author));
    RC_ASSERT(sw.fee_to_block_author == sw.fee_paid);
    // BAL-010: the reserve deltas; TotalStake rises by the gross TAO.
    RC_ASSERT(Int(s.subnet_tao) - b.subnet_tao == Int(sw.amount_paid_in));
    // (Root is stable and holds no alpha reserve: its AlphaIn saturates at 0.)
    RC_ASSERT(s.subnet_alpha_in == (b.is_stable() ? sat_sub(b.subnet_alpha_in, sw.amount_paid_out)
                                                  : b.subnet_alpha_in - sw.amount_paid_out));
    RC_ASSERT(b.is_stable() || b.subnet_alpha_in >= sw.amount_paid_out);
    RC_ASSERT(Int(s.subnet_alpha_out) - b.subnet_alpha_out == Int(sw.amount_paid_out));
    RC_ASSERT(Int(st.total_stake) - pre.total_stake == Int(r->tao_requested));
    if (!b.is_stable()) {
        // BAL-005: a swap runs only on an output reserve holding MinimumReserve.
        RC_ASSERT(b.subnet_alpha_in >= st.swap_minimum_reserve);
        check_swap_output(sut, b.swap_balancer_quote_parts, b.subnet_alpha_in, b.subnet_tao, true, sw.amount_paid_in,
                          sw.amount_paid_out);
        if (s.subnet_alpha_in < st.swap_minimum_reserve)
            tag(sut, "buy left the alpha reserve below MinimumReserve");
    }
    Ledger& l = sut.l;
    tag(sut, limit ? "add_stake_limit ok" : "add_stake ok");
    l.users -= r->tao_requested;
    l.author += r->author_tao;
    l.burned += r->burned_tao;
    l.unswapped += r->tao_unswapped;
    l.stake_offset += Int(r->tao_requested) - sw.amount_paid_in;
    l.stake[netuid] += r->alpha;
    check_invariants(m, sut);
}

void AddStakeCmd::show(std::ostream& os) const
{
    os << "AddStake(netuid=" << netuid << ", tao=" << amount << ", limit=" << show_limit(limit)
       << ", partial=" << (partial == Fill::partial) << ")";
}

RemoveStakeCmd::RemoveStakeCmd(const Model& m)
    : netuid(*rc::gen::elementOf(m.netuids(true))),
      fraction(*rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(65'536)},
                                             {4, rc::gen::inRange<u64>(0, 65'537)},
                                             {1, rc::gen::inRange<u64>(65'537, 131'073)}})),
      limit(*limit_price()), partial(*rc::gen::arbitrary<bool>() ? Fill::partial : Fill::whole)
{}

void RemoveStakeCmd::checkPreconditions(const Model& m) const
{
    RC_PRE(netuid == ROOT_NETUID || m.subnets.count(netuid) == 1);  // shrinking may drop the registration
}

void RemoveStakeCmd::apply(Model&) const {}

void RemoveStakeCmd::run(const Model& m, Sut& sut) const
{
    ChainState& st = sut.st;
    Ledger& l = sut.l;
    const ChainState pre = st;
    const Int held = l.stake.at(netuid);
    const u64 available = static_cast<u64>(held.convert_to<u64>());
    const Int wanted = held * fraction / 65'536;
    const u64 alpha = static_cast<u64>(std::min(wanted, Int(U64_MAX)).convert_to<u64>());
    const auto r = bal::remove_stake(m.rules(), st, netuid, alpha, available, limit, partial);
    // BAL-011: a limit order above the stake never sells (do_remove_stake caps instead);
    // the stake check is the only place that error comes from.
    if (r && limit)
        RC_ASSERT(alpha <= available);
    if (!r && r.error() == Error::not_enough_stake_to_withdraw)
        RC_ASSERT(limit && alpha > available);
    if (!r) {
        if (limit && alpha > available)
            tag(sut, "remove_stake_limit above the stake refused");
        RC_ASSERT(pre == st);
        check_invariants(m, sut);
        return;
    }
    RC_ASSERT(r->alpha_requested <= available);
    const Subnet& b = *pre.find(netuid);
    const Subnet& s = *st.find(netuid);
    const auto& sw = r->swap;
    const auto& fs = r->fee_swap;
    RC_ASSERT(st.total_issuance == pre.total_issuance);
    RC_ASSERT(r->alpha_requested <= alpha);
    RC_ASSERT(Int(sw.amount_paid_in) + sw.fee_paid + r->alpha_refund == Int(r->alpha_requested));
    RC_ASSERT(r->tao == sw.amount_paid_out);
    RC_ASSERT(sw.fee_to_block_author == sw.fee_paid);
    if (st.block_author) {
        RC_ASSERT(fs.amount_paid_in + fs.fee_paid <= sw.fee_paid && fs.fee_paid == 0);
        RC_ASSERT(r->author_tao == fs.amount_paid_out && r->burned_alpha == 0);
    } else {
        RC_ASSERT(fs == BalancerSwap{} && r->author_tao == 0 && r->burned_alpha == sw.fee_paid);
    }
    // BAL-010 for both sales.
    const Int sold = Int(sw.amount_paid_in) + fs.amount_paid_in;
    const Int tao_out = Int(sw.amount_paid_out) + fs.amount_paid_out;
    RC_ASSERT(Int(s.subnet_alpha_in) - b.subnet_alpha_in == sold);
    RC_ASSERT(Int(b.subnet_alpha_out) - s.subnet_alpha_out == sold);
    RC_ASSERT(Int(b.subnet_tao) - s.subnet_tao == tao_out);
    RC_ASSERT(Int(pre.total_stake) - st.total_stake == tao_out);
    if (!b.is_stable()) {
        RC_ASSERT(b.subnet_tao >= st.swap_minimum_reserve);  // BAL-005
        check_swap_output(sut, b.swap_balancer_quote_parts, b.subnet_alpha_in, b.subnet_tao, false, sw.amount_paid_in,
                          sw.amount_paid_out);
        if (fs.amount_paid_in > 0) {
            const u64 x1 = b.subnet_alpha_in + sw.amount_paid_in, y1 = b.subnet_tao - sw.amount_paid_out;
            RC_ASSERT(y1 >= st.swap_minimum_reserve);
            check_swap_output(sut, s.swap_balancer_quote_parts, x1, y1, false, fs.amount_paid_in, fs.amount_paid_out);
        }
        if (s.subnet_tao < st.swap_minimum_reserve)
            tag(sut, "sell left the TAO reserve below MinimumReserve");
    }
    tag(sut, limit ? "remove_stake_limit ok" : "remove_stake ok");
    l.users += r->tao;
    l.author += r->author_tao;
    l.stake[netuid] -= Int(sw.amount_paid_in) + sw.fee_paid;
    if (st.block_author)
        l.author_alpha[netuid] += Int(sw.fee_paid) - fs.amount_paid_in;
    else
        l.burned_alpha[netuid] += sw.fee_paid;
    check_invariants(m, sut);
}

void RemoveStakeCmd::show(std::ostream& os) const
{
    os << "RemoveStake(netuid=" << netuid << ", fraction=" << fraction << "/65536, limit=" << show_limit(limit)
       << ", partial=" << (partial == Fill::partial) << ")";
}

}  // namespace dtao::prop::bal_state
