// dtao scenario: one block of a run under an injection-capped ruleset (the Balancer era,
// v3.4.8-423, and today's mainnet): the coinbase through block::run (BCOIN-012), the
// invariants checked after it, the actors' extrinsics on the Balancer pool, and the
// run's injection-capped totals.
//
// The invariants are stated on what the block reports and on the state before and after,
// never by re-running a rule, so that they hold for every injection-capped ruleset
// (reweight-then-buy at v3.4.8-423 … main, buy-then-reservoir from mainnet spec 432):
//   credit      tao_spent + tao_recycled = credit (F-029: the whole credit is minted, the rest recycled)
//   conservation ΔTotalIssuance = tao_spent = ΔΣ SubnetTAO + ΔΣ BalancerTaoReservoir + Σ stranded
//               (a chain buy's TAO that entered no pool stays in the subnet account, F-026)
//   stake       ΔTotalStake = Σ injected TAO + the gross TAO of each chain buy that ran (BAL-010)
//   pool        per emitting subnet: ΔSubnetTAO = injected + chain-buy paid in; ΔSubnetAlphaIn =
//               injected alpha − chain-bought alpha; ΔSubnetAlphaOut = ⌊alpha_out⌋ + chain-bought −
//               recycled root alpha; ΔSubnetProtocolAlpha = chain-bought alpha
//   alpha_split the four floored parts of alpha_out (owner, server, validator, root) sum to
//               ⌊alpha_out⌋ less 0 … 3 rao of dust
//   untouched   a subnet that did not emit keeps its reserves and outstanding alpha
//   weights     every initialised dynamic pool's weights stay in [0.01, 0.99] (BAL-007)
//   epochs      at most MaxEpochsPerBlock epochs ran (BEPOCH-002)
//   supply_cap  TotalIssuance ≤ 21·10^15
// and on every user swap (actors.cpp) the weighted invariant x^w1·y^w2 of the pool does not
// fall by more than the rao F-032 allows.
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dtao::scenario::detail {

namespace {

template <typename A>
std::string signed_str(const A& after, const A& before)
{
    if (after >= before)
        return amount_str(A(after - before));
    return "-" + amount_str(A(before - after));
}

}  // namespace

template <typename M>
void Engine<M>::step_injection_capped(u64 i)
{
    if (i > 0)
        ++m_st.block;
    const State pre = m_st;
    const auto out =
        block::run<M>(m_rp.rules, m_st, m_rp.fixed_emission ? std::optional<u64>(m_rp.block_emission) : std::nullopt,
                      std::vector<block::PoolAction<M>>{});
    const auto& r = out.coinbase;
    if constexpr (std::is_same_v<M, ChainModel>)
        if (m_opt.tamper)
            m_opt.tamper(m_st, i);
    const double E = to_d(r.credit);
    record_halving(i, pre.total_issuance, E);
    m_last_emission = E;
    const bool wanted = m_wanted.count(i) > 0;
    if (wanted)
        m_emission_at[i] = static_cast<u64>(E);

    // credit and conservation
    if (O::amount_add(r.tao_spent, r.tao_recycled) != r.credit)
        violate(i, "credit",
                "tao_spent " + amount_str(r.tao_spent) + " + tao_recycled " + amount_str(r.tao_recycled) +
                    " != credit " + amount_str(r.credit));
    if (m_st.total_issuance < pre.total_issuance)
        violate(i, "no_wrap", "TotalIssuance decreased");
    if (m_st.total_issuance - pre.total_issuance != r.tao_spent)
        violate(i, "conservation",
                "ΔTotalIssuance " + amount_str(Amount(m_st.total_issuance - pre.total_issuance)) + " != tao_spent " +
                    amount_str(r.tao_spent));
    if (to_d(m_st.total_issuance) > static_cast<double>(TOTAL_SUPPLY))
        violate(i, "supply_cap", "TotalIssuance above 21e15");
    Amount held_before{}, held_after{}, stranded{}, stake_rise{};
    for (const auto& s : pre.subnets)
        held_before = O::amount_add(held_before, O::amount_add(s.subnet_tao, s.balancer_tao_reservoir));
    for (const auto& s : m_st.subnets) {
        held_after = O::amount_add(held_after, O::amount_add(s.subnet_tao, s.balancer_tao_reservoir));
        m_reservoir_tao_max = std::max(m_reservoir_tao_max, to_d(s.balancer_tao_reservoir));
    }

    std::set<u64> emitted;
    for (const auto& em : r.emissions) {
        emitted.insert(em.netuid);
        const auto* b = pre.find(em.netuid);
        const auto* s = m_st.find(em.netuid);
        const std::string on = " on netuid " + std::to_string(em.netuid);
        stranded = O::amount_add(stranded, em.stranded_tao);
        stake_rise =
            O::amount_add(stake_rise, O::amount_add(em.injected_tao, em.chain_buy_ok ? em.excess_spent : Amount{}));
        if (O::amount_add(b->subnet_tao, O::amount_add(em.injected_tao, em.chain_buy_paid_in)) != s->subnet_tao)
            violate(i, "pool",
                    "ΔSubnetTAO " + signed_str(s->subnet_tao, b->subnet_tao) + " != injected " +
                        amount_str(em.injected_tao) + " + chain buy " + amount_str(em.chain_buy_paid_in) + on);
        if (O::amount_add(s->subnet_alpha_in, em.chain_buy_alpha) !=
            O::amount_add(b->subnet_alpha_in, em.injected_alpha))
            violate(i, "pool",
                    "ΔSubnetAlphaIn " + signed_str(s->subnet_alpha_in, b->subnet_alpha_in) + " != injected " +
                        amount_str(em.injected_alpha) + " − chain-bought " + amount_str(em.chain_buy_alpha) + on);
        const Amount created = s->subnet_alpha_out_emission;
        if (O::amount_add(s->subnet_alpha_out, em.root_alpha_recycled) !=
            O::amount_add(b->subnet_alpha_out, O::amount_add(created, em.chain_buy_alpha)))
            violate(i, "pool",
                    "ΔSubnetAlphaOut " + signed_str(s->subnet_alpha_out, b->subnet_alpha_out) + " != created " +
                        amount_str(created) + " + chain-bought " + amount_str(em.chain_buy_alpha) + " − recycled " +
                        amount_str(em.root_alpha_recycled) + on);
        if (O::amount_add(b->subnet_protocol_alpha, em.chain_buy_alpha) != s->subnet_protocol_alpha)
            violate(i, "pool", "ΔSubnetProtocolAlpha != chain-bought alpha" + on);
        const double parts = to_d(s->owner_cut_enabled ? Amount(term_amount(em.owner_cut)) : Amount{}) +
                             to_d(Amount(term_amount(em.server))) + to_d(Amount(term_amount(em.validator))) +
                             to_d(Amount(term_amount(em.root_alpha)));
        const double dust = to_d(created) - parts;
        if (dust < -1e-6 || dust > 3.0 + 1e-6)
            violate(i, "alpha_split",
                    "owner + server + validator + root = " + fmt(parts) + " vs ⌊alpha_out⌋ " + fmt(to_d(created)) + on);
        m_alpha_in_minted = O::amount_add(m_alpha_in_minted, s->subnet_alpha_in_emission);
        m_alpha_out_minted = O::amount_add(m_alpha_out_minted, created);
        m_tao_in_by_netuid[em.netuid] += to_d(s->subnet_tao_in_emission);
        m_tao_emission_by_netuid[em.netuid] += to_d(em.tao_emission);
        if (E > 0) {
            const double share = to_d(em.tao_emission) / E;
            m_share_last[em.netuid] = share;
            m_share_max[em.netuid] = std::max(m_share_max[em.netuid], share);
        }
        if (wanted)
            m_alpha_emission_at[{i, em.netuid}] = static_cast<u64>(to_d(em.alpha_emission));
        m_chain_buy_tao = O::amount_add(m_chain_buy_tao, em.chain_buy_paid_in);
        m_chain_buy_alpha = O::amount_add(m_chain_buy_alpha, em.chain_buy_alpha);
        m_refunded = O::amount_add(m_refunded, em.chain_buy_refunded);
        if (em.excess_spent != Amount{})
            ++(em.chain_buy_ok ? m_chain_buys : m_chain_buys_failed);
    }
    if (O::amount_add(held_before, r.tao_spent) != O::amount_add(held_after, stranded))
        violate(i, "conservation",
                "tao_spent " + amount_str(r.tao_spent) + " != ΔΣ (SubnetTAO + TAO reservoir) " +
                    signed_str(held_after, held_before) + " + stranded " + amount_str(stranded));
    if (O::amount_add(pre.total_stake, stake_rise) != m_st.total_stake)
        violate(i, "stake",
                "ΔTotalStake " + signed_str(m_st.total_stake, pre.total_stake) +
                    " != injected TAO + gross chain buys " + amount_str(stake_rise));
    for (const auto& s : m_st.subnets) {
        if (emitted.count(s.netuid))
            continue;
        const auto* b = pre.find(s.netuid);
        if (!b || b->subnet_tao != s.subnet_tao || b->subnet_alpha_in != s.subnet_alpha_in ||
            b->subnet_alpha_out != s.subnet_alpha_out)
            violate(i, "untouched", "netuid " + std::to_string(s.netuid) + " did not emit but its pool moved");
    }
    check_weights(i);
    u64 ran = 0;
    for (const auto& ep : r.epochs)
        if (!ep.deferred)
            ++ran;
    if (ran > m_st.max_epochs_per_block)
        violate(i, "epochs", std::to_string(ran) + " epochs ran, above MaxEpochsPerBlock");
    m_tao_minted = O::amount_add(m_tao_minted, r.tao_spent);
    m_tao_recycled = O::amount_add(m_tao_recycled, r.tao_recycled);
    m_stranded = O::amount_add(m_stranded, stranded);
    if (r.emission_gate_restored)
        ++m_gate_restored;
    record_values_at(i, E);
    // owner actors take the owner cut at their subnet's epoch; alpha_out_share actors a share of
    // what the epoch hands to miners and validators
    for (const auto& ep : r.epochs) {
        if (ep.deferred)
            continue;
        for (auto& a : m_actors) {
            if (a.netuid != ep.netuid)
                continue;
            if (a.owner) {
                a.alpha = O::amount_add(a.alpha, ep.pending_owner_cut);
                a.owner_alpha = O::amount_add(a.owner_alpha, ep.pending_owner_cut);
            }
            if (a.alpha_out_share > 0) {
                const Amount pending = O::amount_add(ep.pending_server, ep.pending_validator);
                Amount got{};
                if constexpr (std::is_same_v<M, ChainModel>)
                    got = static_cast<u64>(std::floor(a.alpha_out_share * to_d(pending)));
                else
                    got = pending * Rational(static_cast<long long>(std::llround(a.alpha_out_share * 1e9)), 1000000000);
                a.alpha = O::amount_add(a.alpha, got);
                a.emission_alpha = O::amount_add(a.emission_alpha, got);
            }
        }
    }
    for (auto& a : m_actors)
        if (a.bought && !a.dumped) {
            a.injected_held += to_d(m_st.find(a.netuid)->subnet_tao_in_emission);
            for (const auto& em : r.emissions)
                if (em.netuid == a.netuid)
                    a.chain_bought_held += to_d(em.chain_buy_paid_in);
        }
    ++m_invariants;
    check_after_extrinsics(i, m_st.total_issuance);
    check_weights(i);
}

template <typename M>
void Engine<M>::check_weights(u64 i)
{
    for (const auto& s : m_st.subnets)
        if (!s.is_stable() && s.pal_swap_initialized &&
            !chain::balancer::check_constraints(Perquintill::from_parts(s.swap_balancer_quote_parts)))
            violate(i, "weights",
                    "netuid " + std::to_string(s.netuid) + ": TAO weight " +
                        fmt(static_cast<double>(s.swap_balancer_quote_parts) / 1e18) + " outside [0.01, 0.99]");
}

template <typename M>
void Engine<M>::check_swap_invariant(const Sub& before, const Sub& after, bool buy)
{
    // x^w1·y^w2 in logs, at the weight the swap ran at (a swap changes no weight, except BAL-008's
    // first swap of an uninitialised pool, which runs at ½)
    const double w2 = before.pal_swap_initialized ? static_cast<double>(before.swap_balancer_quote_parts) / 1e18 : 0.5;
    const auto inv = [w2](const Sub& s) {
        return (1 - w2) * std::log(to_d(s.subnet_alpha_in)) + w2 * std::log(to_d(s.subnet_tao));
    };
    const double out_reserve = buy ? to_d(after.subnet_alpha_in) : to_d(after.subnet_tao);
    const double w_out = buy ? 1 - w2 : w2;
    // F-032: the chain's output may exceed the exact one by at most one rao in real supply; the
    // logs carry about 1e-15 of rounding each
    const double tol = w_out * 2.0 / out_reserve + 1e-13;
    if (inv(after) < inv(before) - tol)
        violate(m_index, "weighted_invariant",
                "netuid " + std::to_string(after.netuid) + ": a user " + (buy ? "buy" : "sell") +
                    " lowered ln(x^w1·y^w2) by " + fmt(inv(before) - inv(after)) + " (allowed " + fmt(tol) + ")");
}

template <typename M>
json Engine<M>::injection_capped_summary() const
{
    json j;
    j["tao_recycled"] = to_d(m_tao_recycled) / 1e9;
    j["chain_buys"] = m_chain_buys;
    j["chain_buys_failed"] = m_chain_buys_failed;
    j["chain_buy_tao"] = to_d(m_chain_buy_tao) / 1e9;
    j["chain_buy_alpha"] = to_d(m_chain_buy_alpha) / 1e9;
    j["chain_buy_refunded_tao"] = to_d(m_refunded) / 1e9;
    j["stranded_tao"] = to_d(m_stranded) / 1e9;
    j["gate_restored_blocks"] = m_gate_restored;
    j["max_tao_reservoir"] = m_reservoir_tao_max / 1e9;
    // How concentrated the emission got: every subnet's Σ TAO emission over the run.
    std::vector<double> v;
    for (const auto& [n, t] : m_tao_emission_by_netuid)
        v.push_back(t);
    std::sort(v.begin(), v.end(), std::greater<>());
    const double total = std::accumulate(v.begin(), v.end(), 0.0);
    json c;
    c["subnets_emitting"] = v.size();
    c["tao_emission_total"] = total / 1e9;
    if (total > 0) {
        const auto top = [&](std::size_t k) {
            return std::accumulate(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(k, v.size())), 0.0) /
                   total;
        };
        double hhi = 0, gini_num = 0;
        for (std::size_t k = 0; k < v.size(); ++k) {
            hhi += (v[k] / total) * (v[k] / total);
            gini_num += static_cast<double>(2 * (k + 1)) * v[v.size() - 1 - k];  // ascending rank
        }
        const double nn = static_cast<double>(v.size());
        c["top1_share"] = top(1);
        c["top10_share"] = top(10);
        c["top32_share"] = top(32);
        c["hhi"] = hhi;
        c["effective_subnets"] = 1 / hhi;
        c["gini"] = gini_num / (nn * total) - (nn + 1) / nn;
    }
    j["emission_concentration"] = c;
    return j;
}

// the two models the engine runs (scenario.cpp)
template void Engine<ChainModel>::step_injection_capped(u64);
template void Engine<ExactModel>::step_injection_capped(u64);
template void Engine<ChainModel>::check_weights(u64);
template void Engine<ExactModel>::check_weights(u64);
template void Engine<ChainModel>::check_swap_invariant(const Sub&, const Sub&, bool);
template void Engine<ExactModel>::check_swap_invariant(const Sub&, const Sub&, bool);
template json Engine<ChainModel>::injection_capped_summary() const;
template json Engine<ExactModel>::injection_capped_summary() const;

}  // namespace dtao::scenario::detail
