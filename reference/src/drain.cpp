// dtao-reference: the drain of pending emission, written once over both models.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/drain.hpp"

namespace dtao {

namespace {

const HotkeyInfo& info(const DrainInput& in, const std::string& hotkey)
{
    static const HotkeyInfo none{};
    const auto it = in.hotkeys.find(hotkey);
    return it == in.hotkeys.end() ? none : it->second;
}

}  // namespace

template <typename Model>
std::vector<std::pair<std::string, typename Ops<Model>::Amount>>
dividends_distribution(const Ruleset& rules, const DrainInput& in, const std::string& hotkey, u64 dividend)
{
    using O = Ops<Model>;
    using Num = typename O::Num;
    using Amount = typename O::Amount;
    const HotkeyInfo& h = info(in, hotkey);
    const Num tao_weight = O::ratio(in.tao_weight, U64_MAX);
    const Num validating_emission = O::num(O::amount_of(dividend));
    const Num childkey_take = O::ratio(h.childkey_take, 65535);

    // get_self_contribution: the share of the hotkey's own stake not lent to
    // children, truncated to an amount.
    Num remaining_proportion = O::one();
    for (const auto& c : h.children)
        remaining_proportion = O::sub(remaining_proportion, O::ratio(c.proportion, U64_MAX));
    const Num self_alpha = O::mul(O::num(O::amount_of(h.alpha_stake)), remaining_proportion);
    const Num self_root = O::mul(O::mul(O::num(O::amount_of(h.root_stake)), remaining_proportion), tao_weight);
    const Amount self_contribution = O::amount(O::add(self_alpha, self_root));

    Num total_contribution = O::num(self_contribution);
    std::vector<std::pair<std::string, Num>> parent_contributions;
    for (const auto& p : h.parents) {
        const HotkeyInfo& parent = info(in, p.hotkey);
        const Num proportion = O::ratio(p.proportion, U64_MAX);
        const Num alpha_part = O::mul(O::num(O::amount_of(parent.alpha_stake)), proportion);
        const Num root_part = O::mul(O::mul(O::num(O::amount_of(parent.root_stake)), proportion), tao_weight);
        const Num combined = O::add(alpha_part, root_part);
        total_contribution = O::add(total_contribution, combined);
        parent_contributions.emplace_back(p.hotkey, combined);
    }

    std::vector<std::pair<std::string, Amount>> out;
    if (!rules.childkey_take_from_parent_shares) {
        // v2.0.1: the take comes off the whole dividend and stays with the child.
        const Num child_take = O::mul(childkey_take, validating_emission);
        const Num remaining = O::sub(validating_emission, child_take);
        Amount to_parents = O::amount_of(0);
        for (const auto& [parent, contribution] : parent_contributions) {
            const Num factor = O::div(contribution, total_contribution).value_or(O::zero());
            const Amount parent_emission = O::amount(O::mul(remaining, factor));
            out.emplace_back(parent, parent_emission);
            to_parents = O::amount_add(to_parents, parent_emission);
        }
        out.emplace_back(hotkey, O::amount_sub(O::amount(O::add(remaining, child_take)), to_parents));
        return out;
    }
    // v2.0.8: each parent's share pays the take unless parent and child share an owner.
    Num remaining = validating_emission;
    Num total_child_take = O::zero();
    for (const auto& [parent, contribution] : parent_contributions) {
        const Num factor = O::div(contribution, total_contribution).value_or(O::zero());
        Num parent_emission = O::mul(validating_emission, factor);
        remaining = O::sub(remaining, parent_emission);
        const Num child_take = info(in, parent).owner == h.owner ? O::zero() : O::mul(childkey_take, parent_emission);
        parent_emission = O::sub(parent_emission, child_take);
        total_child_take = O::add(total_child_take, child_take);
        out.emplace_back(parent, O::amount(parent_emission));
    }
    out.emplace_back(hotkey, O::amount(O::add(remaining, total_child_take)));
    return out;
}

template <typename Model>
DrainResult<Model> drain_pending_emission(const Ruleset& rules, const DrainInput& in)
{
    using O = Ops<Model>;
    using Num = typename O::Num;
    using Amount = typename O::Amount;
    DrainResult<Model> r;
    const Num tao_weight = O::ratio(in.tao_weight, U64_MAX);

    // DRAIN-006 (v2.0.9): validators are paid their half of the epoch's
    // emission minus what was already sold for root TAO.
    u64 incentive_sum = 0;
    for (const auto& e : in.epoch)
        incentive_sum += e.incentive;  // a plain `sum()` on chain
    if (rules.drain_validator_alpha_from_pending) {
        // The chain computes `(pa + ps).saturating_div(2).saturating_sub(ps)` in
        // u64; the exact model halves without flooring. Both pay nothing, not a
        // negative amount, when the alpha sold for root exceeds the half.
        const Amount pa = O::amount_of(in.pending_alpha), ps = O::amount_of(in.pending_swapped);
        const Amount half = O::amount(O::mul(O::num(O::amount_add(pa, ps)), O::half()));
        r.pending_validator_alpha = incentive_sum == 0 ? pa : half > ps ? O::amount_sub(half, ps) : O::amount_of(0);
    }

    // DRAIN-002: incentives per hotkey; DRAIN-003: dividends after the split.
    std::map<std::string, Amount> incentives;
    for (const auto& e : in.epoch) {
        auto [it, fresh] = incentives.try_emplace(e.hotkey, O::amount_of(0));
        it->second = O::amount_add(it->second, O::amount_of(e.incentive));
        for (const auto& [receiver, amount] : dividends_distribution<Model>(rules, in, e.hotkey, e.dividend)) {
            auto [d, added] = r.dividends.try_emplace(receiver, O::zero());
            d->second = O::add(d->second, O::num(amount));
        }
    }

    // DRAIN-004: root share of each dividend by the hotkey's stake weights.
    std::map<std::string, Num> alpha_dividends, root_dividends;
    Num total_alpha_divs = O::zero();
    r.total_root_divs = O::zero();
    for (const auto& [hotkey, dividend] : r.dividends) {
        const HotkeyInfo& h = info(in, hotkey);
        const Num root_alpha = O::mul(O::num(O::amount_of(h.root_stake)), tao_weight);
        const Num total_alpha = O::add(O::num(O::amount_of(h.alpha_stake)), root_alpha);
        const Num root_prop = O::div(root_alpha, total_alpha).value_or(O::zero());
        const Num root_divs = O::mul(dividend, root_prop);
        // v2.0.1–v2.0.3 credit the full dividend in alpha as well (double count).
        const Num alpha_divs = rules.alpha_dividends_exclude_root ? O::sub(dividend, root_divs) : dividend;
        // `dividends` is keyed by hotkey, so the chain's `and_modify(..).or_insert(..)`
        // always inserts here.
        alpha_dividends[hotkey] = alpha_divs;
        root_dividends[hotkey] = root_divs;
        total_alpha_divs = O::add(total_alpha_divs, alpha_divs);
        r.total_root_divs = O::add(r.total_root_divs, root_divs);
    }

    // DRAIN-005: pending TAO shared by root dividend; (v2.0.9) pending
    // validator alpha shared by alpha dividend.
    std::map<std::string, Num> tao_dividends;
    for (const auto& [hotkey, root_divs] : root_dividends) {
        const Num share = O::div(root_divs, r.total_root_divs).value_or(O::zero());
        tao_dividends[hotkey] = O::mul(O::num(O::amount_of(in.pending_tao)), share);
    }
    if (rules.drain_validator_alpha_from_pending) {
        for (auto& [hotkey, alpha_divs] : alpha_dividends) {
            const Num share = O::div(alpha_divs, total_alpha_divs).value_or(O::zero());
            alpha_divs = O::mul(O::num(r.pending_validator_alpha), share);
        }
    }

    // DRAIN-007: credits. Owner cut, incentives, alpha dividends, root dividends.
    r.alpha_paid = O::amount_of(0);
    r.tao_paid = O::amount_of(0);
    r.owner_cut_paid = O::amount_of(0);
    if (in.subnet_owner && in.subnet_owner_hotkey) {
        r.owner_cut_paid = O::amount_of(in.owner_cut);
        r.alpha_paid = r.owner_cut_paid;
    }
    for (const auto& [hotkey, incentive] : incentives) {
        auto& p = r.payouts[hotkey];
        if (rules.drain_burns_owner_hotkey_incentive && in.subnet_owner_hotkey && hotkey == *in.subnet_owner_hotkey) {
            p.incentive_burned = true;
            continue;
        }
        p.incentive = incentive;
        r.alpha_paid = O::amount_add(r.alpha_paid, incentive);
    }
    for (const auto& [hotkey, alpha_divs] : alpha_dividends) {
        auto& p = r.payouts[hotkey];
        const Num take = O::mul(O::ratio(info(in, hotkey).take, 65535), alpha_divs);
        p.alpha_take = O::amount(take);
        p.alpha_dividend = O::amount(O::sub(alpha_divs, take));
        r.alpha_paid = O::amount_add(O::amount_add(r.alpha_paid, p.alpha_take), p.alpha_dividend);
    }
    for (const auto& [hotkey, root_tao] : tao_dividends) {
        auto& p = r.payouts[hotkey];
        const Num take = O::mul(O::ratio(info(in, hotkey).take, 65535), root_tao);
        p.tao_take = O::amount(take);
        p.tao_dividend = O::amount(O::sub(root_tao, take));
        r.tao_paid = O::amount_add(O::amount_add(r.tao_paid, p.tao_take), p.tao_dividend);
    }
    return r;
}

template std::vector<std::pair<std::string, u64>> dividends_distribution<ChainModel>(const Ruleset&, const DrainInput&,
                                                                                     const std::string&, u64);
template std::vector<std::pair<std::string, Rational>>
dividends_distribution<ExactModel>(const Ruleset&, const DrainInput&, const std::string&, u64);
template DrainResult<ChainModel> drain_pending_emission<ChainModel>(const Ruleset&, const DrainInput&);
template DrainResult<ExactModel> drain_pending_emission<ExactModel>(const Ruleset&, const DrainInput&);

}  // namespace dtao
