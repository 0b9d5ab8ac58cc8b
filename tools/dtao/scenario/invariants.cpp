// dtao scenario: one block of a run: the coinbase (chain::block_step or the exact
// model's), then the invariants of the property suite (conservation, alpha split,
// supply caps, share bound, EMA hull and envelope, accounting, no u64 wrap), the
// actors' extrinsics, and the block record for the scenario vectors.
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include "dtao/block.hpp"
#include "dtao/coinbase.hpp"
#include "dtao/ema.hpp"
#include "dtao/emission.hpp"
#include "dtao/pool.hpp"

#include <algorithm>
#include <cmath>

namespace dtao::scenario::detail {

template <typename M>
void Engine<M>::step_launch(u64 i)
{
    if (i > 0)
        ++m_st.block;
    std::optional<ChainState> recorded_before;
    if constexpr (std::is_same_v<M, ChainModel>)
        if (m_opt.on_block) {
            recorded_before = m_st;
            m_block_actions.clear();
        }
    // pre-block snapshot
    const Amount ti_before = m_st.total_issuance;
    std::map<u64, Amount> iss_before;
    std::map<u64, double> m_before;
    double sum_m = 0;
    for (const auto& s : m_st.subnets) {
        if (s.is_root())
            continue;
        iss_before[s.netuid] = O::amount_add(s.subnet_alpha_in, s.subnet_alpha_out);
        m_before[s.netuid] = to_d(s.subnet_moving_price);
        if (!m_rp.rules.start_call || s.first_emission_block_number)
            sum_m += to_d(s.subnet_moving_price);
    }
    // the effective EMA factor of each recorded subnet this block
    std::map<u64, std::pair<double, u64>> a_eff;
    for (u64 n : m_record) {
        using chain::moving_alpha, exact::moving_alpha;  // overloads on the subnet's model
        const auto u = moving_alpha(m_rp.rules, *m_st.find(n), m_st.block, O::moving_alpha(m_st));
        a_eff[n] = {to_d(u.alpha), u.blocks_since};
    }
    // the coinbase: the `block` op's step (COIN-010); the actors' extrinsics follow below
    // (`act`), each through block::apply, as a block's do
    const CoinbaseResult<M> res =
        block::run<M>(m_rp.rules, m_st, m_rp.fixed_emission ? std::optional<u64>(m_rp.block_emission) : std::nullopt,
                      std::vector<block::Action<Amount>>{})
            .coinbase;
    if constexpr (std::is_same_v<M, ChainModel>)
        if (m_opt.tamper)
            m_opt.tamper(m_st, i);
    const double E = to_d(res.block_emission);
    record_halving(i, ti_before, E);
    m_last_emission = E;
    const bool wanted = m_wanted.count(i) > 0;  // per-block values kept only where a check reads them
    if (wanted)
        m_emission_at[i] = static_cast<u64>(E);
    // INV conservation: TotalIssuance rises by exactly Σ⌊tao_in⌋
    Amount minted{};
    for (const auto& e : res.emissions) {
        const auto* s = m_st.find(e.netuid);
        if constexpr (std::is_same_v<M, ChainModel>) {
            if (s->subnet_tao_in_emission != e.tao_in.saturating_to_u64())
                violate(i, "conservation",
                        "SubnetTaoInEmission != floor(tao_in) on netuid " + std::to_string(e.netuid));
        }
        minted = O::amount_add(minted, s->subnet_tao_in_emission);
    }
    if (m_st.total_issuance < ti_before)
        violate(i, "no_wrap", "TotalIssuance decreased");
    if (m_st.total_issuance - ti_before != minted)
        violate(i, "conservation",
                "ΔTotalIssuance " + amount_str(Amount(m_st.total_issuance - ti_before)) + " != Σ⌊tao_in⌋ " +
                    amount_str(minted));
    m_tao_minted = O::amount_add(m_tao_minted, minted);
    if (E > 0 && sum_m > 0)
        m_ti_dust_max = std::max(m_ti_dust_max, E - to_d(minted));
    // INV supply caps
    if (to_d(m_st.total_issuance) > static_cast<double>(TOTAL_SUPPLY))
        violate(i, "supply_cap", "TotalIssuance above 21e15");
    for (const auto& e : res.emissions) {
        const auto* s = m_st.find(e.netuid);
        const Amount iss = O::amount_add(s->subnet_alpha_in, s->subnet_alpha_out);
        if (to_d(iss) > static_cast<double>(TOTAL_SUPPLY) + 2.0 * DEFAULT_BLOCK_EMISSION)
            violate(i, "supply_cap", "alpha issuance of netuid " + std::to_string(e.netuid) + " above 21e15 + 2·α̂");
        // INV alpha split: owner + root + pending = α_out, and issuance grows by α_in + α_out
        const Amount d_iss = iss - iss_before[e.netuid];
        const Amount want = O::amount_add(s->subnet_alpha_in_emission, s->subnet_alpha_out_emission);
        if (d_iss != want)
            violate(i, "alpha_split",
                    "Δ alpha issuance " + amount_str(d_iss) + " != α_in + α_out " + amount_str(want) + " on netuid " +
                        std::to_string(e.netuid));
        const double parts =
            to_d(O::amount(e.owner_cut)) + to_d(O::amount(e.root_alpha)) + to_d(O::amount(e.pending_alpha));
        const double out = to_d(O::amount(e.alpha_out));
        if (parts > out + 1e-6 || parts < out - 3.0)
            violate(i, "alpha_split", "owner + root + pending = " + fmt(parts) + " vs α_out " + fmt(out));
        m_alpha_in_minted = O::amount_add(m_alpha_in_minted, s->subnet_alpha_in_emission);
        m_alpha_out_minted = O::amount_add(m_alpha_out_minted, s->subnet_alpha_out_emission);
        m_tao_in_by_netuid[e.netuid] += to_d(s->subnet_tao_in_emission);
        if (wanted)
            m_alpha_emission_at[{i, e.netuid}] = static_cast<u64>(to_d(e.alpha_emission));
        // share and the share bound 1/(1 + Σ others)
        if (E > 0) {
            const double share = to_d(e.tao_in) / E;
            m_share_last[e.netuid] = share;
            const double bound = 1.0 / (1.0 + (sum_m - m_before[e.netuid]));
            if (share > bound + 1e-9 && m_before[e.netuid] <= 1.0)
                violate(i, "share_bound", "share " + fmt(share) + " > 1/(1 + Σ others) " + fmt(bound));
            if (share > m_share_max[e.netuid]) {
                m_share_max[e.netuid] = share;
                m_share_bound_at_max[e.netuid] = bound;
            }
            auto it = m_share_slack.find(e.netuid);
            if (it == m_share_slack.end() || bound - share < it->second)
                m_share_slack[e.netuid] = bound - share;
        }
        // root proportion against its closed form w·τ_root / (w·τ_root + issuance)
        if (std::find(m_record.begin(), m_record.end(), e.netuid) != m_record.end()) {
            const double w = static_cast<double>(m_st.tao_weight) / 18446744073709551615.0;
            const double wr = w * to_d(m_st.root_tao());
            const double cf = wr + to_d(iss) > 0 ? wr / (wr + to_d(iss)) : 0;
            m_root_prop_err[e.netuid].push_back(std::abs(to_d(e.root_proportion) - cf));
            if (m_root_prop_err[e.netuid].size() > 1)
                m_root_prop_err[e.netuid] = {std::max(m_root_prop_err[e.netuid][0], m_root_prop_err[e.netuid][1])};
            if (wanted)
                m_root_prop_at[e.netuid][i] = to_d(e.root_proportion);
        }
    }
    record_values_at(i, E);
    // INV EMA hull: min(m, c) ≤ m' ≤ max(m, c), c = min(p, 1) from v2.0.1
    const double eps = 8.0 / 4294967296.0;
    for (const auto& e : res.emissions) {
        const auto* s = m_st.find(e.netuid);
        const double p = price_of(*s);
        const double c = m_rp.rules.ema_clamp_at_one ? std::min(p, 1.0) : p;
        const double m0 = m_before[e.netuid], m1 = to_d(s->subnet_moving_price);
        if (m1 < std::min(m0, c) - eps || m1 > std::max(m0, c) + eps)
            violate(i, "ema_hull",
                    "netuid " + std::to_string(e.netuid) + ": m " + fmt(m0) + " -> " + fmt(m1) +
                        " outside [min, max] of (m, c = " + fmt(c) + ")");
        if (m_rp.rules.ema_clamp_at_one && m0 <= 1.0 && m1 > 1.0 + eps)
            violate(i, "ema_hull", "moving price above 1 under the clamp");
    }
    // EMA movement against the theorem's bound (items 2, 3), recorded subnets
    for (u64 n : m_record) {
        auto& t = m_ema[n];
        const auto* s = m_st.find(n);
        bool updated = false;
        for (const auto& e : res.emissions)
            if (e.netuid == n)
                updated = true;
        if (!updated)
            continue;
        const auto [a, b] = a_eff[n];
        if (t.first_alpha < 0) {
            t.first_alpha = a;
            t.first_b = b;
        }
        t.log_pi += std::log1p(-static_cast<long double>(a));
        const u64 h = ema_halving_blocks(m_rp.rules, s->ema_price_halving_blocks);
        t.ramp_sum +=
            m_rp.rules.ema_ramp == EmaRamp::none ? 1.0L : static_cast<long double>(b) / static_cast<long double>(b + h);
        ++t.updates;
        const double m = to_d(s->subnet_moving_price);
        if (auto it = t.m_at.find(t.updates); it != t.m_at.end())
            it->second = m;
        for (auto& [target, when] : t.first_cross)
            if (when == 0 && m >= target)
                when = t.updates;
        const double pi = static_cast<double>(std::exp(t.log_pi));
        const double lo = t.m0 * pi, hi = 1 - (1 - t.m0) * pi;
        const double tol = static_cast<double>(t.updates) * eps + 1e-12;
        if (m_rp.rules.ema_clamp_at_one && t.m0 <= 1.0 && (m < lo - tol || m > hi + tol))
            violate(i, "ema_envelope",
                    "netuid " + std::to_string(n) + ": m " + fmt(m) + " outside [m0·Π, 1 − (1 − m0)·Π] = [" + fmt(lo) +
                        ", " + fmt(hi) + "]");
        const double move = std::abs(m - t.m0);
        const double bound = (1 - pi) * std::max(t.m0, 1 - t.m0);
        if (m_rp.rules.ema_clamp_at_one && t.m0 <= 1.0 && move > bound + tol)
            violate(i, "ema_movement",
                    "netuid " + std::to_string(n) + ": |m − m0| " + fmt(move) + " > (1 − Π)·max(m0, 1 − m0) " +
                        fmt(bound));
        if (move > t.max_move) {
            t.max_move = move;
            t.bound_at_max = bound;
        }
        if (bound > 0)
            t.max_ratio = std::max(t.max_ratio, move / bound);
    }
    // owner actors take the owner cut at their subnet's epoch
    for (const auto& d : res.drains)
        for (auto& a : m_actors)
            if (a.netuid == d.netuid) {
                if (a.owner) {
                    a.alpha = O::amount_add(a.alpha, d.owner_cut);
                    a.owner_alpha = O::amount_add(a.owner_alpha, d.owner_cut);
                }
                if (a.alpha_out_share > 0) {
                    Amount got{};
                    if constexpr (std::is_same_v<M, ChainModel>)
                        got = static_cast<u64>(std::floor(a.alpha_out_share * to_d(d.pending_alpha)));
                    else
                        got = d.pending_alpha *
                              Rational(static_cast<long long>(std::llround(a.alpha_out_share * 1e9)), 1000000000);
                    a.alpha = O::amount_add(a.alpha, got);
                    a.emission_alpha = O::amount_add(a.emission_alpha, got);
                }
            }
    for (auto& a : m_actors)
        if (a.bought && !a.dumped)
            a.injected_held += to_d(m_st.find(a.netuid)->subnet_tao_in_emission);
    ++m_invariants;
    // the block's extrinsics
    check_after_extrinsics(i, m_st.total_issuance);
    // launch era: every staked TAO is in a pool (the flat fee is burned before the swap)
    Amount ts{};
    for (const auto& s : m_st.subnets)
        ts = O::amount_add(ts, s.subnet_tao);
    if (ts != m_st.total_stake)
        violate(i, "accounting", "TotalStake " + amount_str(m_st.total_stake) + " != Σ SubnetTAO " + amount_str(ts));
    if constexpr (std::is_same_v<M, ChainModel>)
        if (m_opt.on_block) {
            BlockRecord rec;
            rec.index = i;
            rec.before = std::move(*recorded_before);
            if (m_rp.fixed_emission)
                rec.block_emission = m_rp.block_emission;
            rec.actions = std::move(m_block_actions);
            rec.after = m_st;
            m_opt.on_block(rec);
        }
}

template <typename M>
void Engine<M>::record_halving(u64 i, const Amount& ti_before, double E)
{
    // the exact integer halving rule (economics.md §2.1): halvings ≥ n ⇔ I·2^n ≥ 21e15·(2^n − 1)
    if constexpr (std::is_same_v<M, ChainModel>) {
        if (!m_rp.fixed_emission) {
            unsigned n = 0;
            while (n < 64 && static_cast<u128>(ti_before) * (u128{1} << (n + 1)) >=
                                 static_cast<u128>(TOTAL_SUPPLY) * ((u128{1} << (n + 1)) - 1))
                ++n;
            const u64 want = ti_before >= TOTAL_SUPPLY ? 0 : (n >= 64 ? 0 : DEFAULT_BLOCK_EMISSION >> n);
            ++m_halving_checked;
            if (static_cast<u64>(E) != want && m_halving_mismatch++ == 0)
                m_halving_first_mismatch = i;
            if (m_halving_prev != U64_MAX && static_cast<u64>(E) != m_halving_prev)
                m_halving_switches.push_back({{"index", i},
                                              {"block", m_st.block},
                                              {"total_issuance_before", ti_before},
                                              {"from", m_halving_prev},
                                              {"to", static_cast<u64>(E)}});
            m_halving_prev = static_cast<u64>(E);
        }
    }
}

template <typename M>
void Engine<M>::record_values_at(u64 i, double E)
{
    for (auto& c : m_checks) {
        if (c.kind != "value_at" || uint(c.spec, "index", 0) != i)
            continue;
        const auto* sv = m_st.find(uint(c.spec, "netuid", 1));
        const std::string f = c.spec.value("field", "");
        double v = 0;
        if (f == "subnet_alpha_in_emission")
            v = to_d(sv->subnet_alpha_in_emission);
        else if (f == "subnet_tao_in_emission")
            v = to_d(sv->subnet_tao_in_emission);
        else if (f == "subnet_alpha_out_emission")
            v = to_d(sv->subnet_alpha_out_emission);
        else if (f == "price")
            v = price_of(*sv);
        else if (f == "moving_price")
            v = to_d(sv->subnet_moving_price);
        else if (f == "block_emission")
            v = E;
        else if (f == "total_issuance")
            v = to_d(m_st.total_issuance);
        else
            fail("checks[].field: unknown field \"" + f + "\"");
        c.result["value"] = v;
    }
}

template <typename M>
void Engine<M>::check_after_extrinsics(u64 i, const Amount& ti_before)
{
    act(i);
    if (m_st.total_issuance != ti_before)
        violate(i, "conservation", "an extrinsic changed TotalIssuance");
    for (const auto& s : m_st.subnets)
        if (to_d(s.subnet_tao) > 9.3e18 || to_d(s.subnet_alpha_in) > 9.3e18 || to_d(s.subnet_alpha_out) > 9.3e18)
            violate(i, "no_wrap",
                    "a u64 reserve of netuid " + std::to_string(s.netuid) + " is within 2^63 of wrapping");
    ++m_invariants;
}

// the two models the engine runs (scenario.cpp)
template void Engine<ChainModel>::step_launch(u64);
template void Engine<ExactModel>::step_launch(u64);
template void Engine<ChainModel>::check_after_extrinsics(u64, const Amount&);
template void Engine<ChainModel>::record_halving(u64, const Amount&, double);
template void Engine<ExactModel>::record_halving(u64, const Amount&, double);
template void Engine<ChainModel>::record_values_at(u64, double);
template void Engine<ExactModel>::record_values_at(u64, double);
template void Engine<ExactModel>::check_after_extrinsics(u64, const Amount&);

}  // namespace dtao::scenario::detail
