// dtao scenario: the closed-form checks a scenario names (economics.md §4), at the
// end of a run.
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include "dtao/ema.hpp"

#include <cmath>

namespace dtao::scenario::detail {

template <typename M>
auto Engine<M>::actor(const json& spec) const -> const Actor<Amount>*
{
    const auto name = spec.value("actor", std::string());
    for (const auto& a : m_actors)
        if (a.name == name)
            return &a;
    fail("checks[].actor: no actor \"" + name + "\"");
}

template <typename M>
void Engine<M>::evaluate_checks()
{
    const double A = static_cast<double>(m_st.subnet_moving_alpha_bits) / 4294967296.0;
    for (auto& c : m_checks) {
        const json& p = c.spec;
        c.evaluated = true;
        json& r = c.result;
        r["kind"] = c.kind;
        if (p.contains("claim"))
            r["claim"] = p.at("claim");
        const u64 n = uint(p, "netuid", m_record.empty() ? 1 : m_record.front());
        const auto* s = m_st.find(n);
        if (!s)
            fail("checks[].netuid: no subnet " + std::to_string(n));
        if (c.kind == "ema_time_to_target") {
            // §4.1 item 7: N* = ln((1 − m0)/(1 − m*)) / −ln(1 − a)
            const auto& t = m_ema.at(n);
            const double target = num(p, "target", 0.04);
            const double a = t.first_alpha;
            const double nstar = std::log((1 - t.m0) / (1 - target)) / -std::log1p(-a);
            const u64 measured = t.first_cross.count(target) ? t.first_cross.at(target) : 0;
            const double tol = num(p, "tolerance_blocks", 2);
            r["closed_form_blocks"] = nstar;
            r["measured_blocks"] = measured;
            r["tolerance_blocks"] = tol;
            r["a"] = a;
            c.ok = measured > 0 && std::abs(static_cast<double>(measured) - std::ceil(nstar)) <= tol;
        } else if (c.kind == "capture_fraction") {
            // §4.2: a holder at P captures (α_b/α)² = (1 − √(p0/P))² of each injected TAO (first
            // order). Today's chain also buys alpha with the excess TAO: a buy of C TAO lifts the
            // holder's exit by C·(1 − (α/(α + α_b))²) = C·(1 − p0/P) (first order), so the
            // holder's gain per injected TAO is the injection's share plus the chain buys' part.
            // The lump: the injection δ at the price P1, then the chain buys C, on the
            // constant-product pool the holder left.
            const auto* a = actor(p);
            const double p0 = num(p, "p0", 0), P = num(p, "target_price", 0);
            const double delta = a->injected_held, C = a->chain_bought_held;
            const double first_order = std::pow(1 - std::sqrt(p0 / P), 2) + (delta > 0 ? C / delta : 0) * (1 - p0 / P);
            const double ab = to_d(a->alpha_bought);
            const double P1 = a->tau1 / a->alpha1;
            double lump = 0;
            if (delta > 0) {
                const double tau_i = a->tau1 + delta, alpha_i = a->alpha1 + delta / P1;
                const double tau_c = tau_i + C, alpha_c = alpha_i * tau_i / tau_c;
                lump = (tau_c * ab / (alpha_c + ab) - a->tau1 * ab / (a->alpha1 + ab)) / delta;
            }
            const double measured = delta > 0 ? (to_d(a->tao_out) - a->r0) / delta : 0;
            const double tol = num(p, "rel_tolerance", 0.02);
            r["first_order"] = first_order;
            r["exact_lump"] = lump;
            r["measured"] = measured;
            r["tao_injected"] = delta / 1e9;
            r["tao_chain_bought"] = C / 1e9;
            r["rel_tolerance"] = tol;
            c.ok = delta > 0 && std::abs(measured - lump) <= tol * lump &&
                   std::abs(lump - first_order) <= num(p, "first_order_tolerance", 0.1) * first_order;
        } else if (c.kind == "share_bound") {
            // §4.1 item 8, every block (a violation stops the run); report the tightest block
            r["max_share"] = m_share_max[n];
            r["bound_at_max"] = m_share_bound_at_max[n];
            r["min_slack"] = m_share_slack.count(n) ? m_share_slack[n] : 0.0;
            if (p.contains("max"))
                r["stated_bound"] = p.at("max");
            c.ok = m_share_slack[n] >= -1e-9 && (!p.contains("max") || m_share_max[n] <= num(p, "max", 1) + 1e-9);
        } else if (c.kind == "young_subnet_bound") {
            // §4.1 item 6: 1 − Π_N ≤ 1 − exp(−(A/(1−A))·Σ b/(b+H)); from m0 = 0, m_N ≤ 1 − Π_N
            const auto& t = m_ema.at(n);
            json pts = json::array();
            c.ok = true;
            const auto at = p.at("at_blocks");
            const auto bounds = p.value("bounds", json::array());
            for (std::size_t k = 0; k < at.size(); ++k) {
                const u64 N = at[k].get<u64>();
                if (!t.m_at.count(N) || t.m_at.at(N) < 0)
                    continue;
                const double m = t.m_at.at(N);
                const double H = static_cast<double>(ema_halving_blocks(m_rp.rules, s->ema_price_halving_blocks));
                const double b0 = static_cast<double>(t.first_b);
                const double sum = N - H * std::log((b0 + N + H) / (b0 + H));
                const double theorem = 1 - std::exp(-(A / (1 - A)) * sum);
                const double stated = k < bounds.size() ? bounds[k].get<double>() : theorem;
                const bool ok = m <= theorem + 1e-9 && m <= stated + 1e-9;
                pts.push_back(
                    {{"blocks", N}, {"ema", m}, {"theorem_bound", theorem}, {"stated_bound", stated}, {"ok", ok}});
                c.ok = c.ok && ok;
            }
            r["points"] = pts;
            if (pts.empty())
                c.evaluated = false;
        } else if (c.kind == "first_ramp_alpha") {
            const auto& t = m_ema.at(n);
            const double H = static_cast<double>(ema_halving_blocks(m_rp.rules, s->ema_price_halving_blocks));
            const double want = A * static_cast<double>(t.first_b) / (static_cast<double>(t.first_b) + H);
            r["first_b"] = t.first_b;
            r["alpha"] = t.first_alpha;
            r["closed_form"] = want;
            c.ok = std::abs(t.first_alpha - want) <= 2.0 / 4294967296.0 && t.first_b == uint(p, "b", 1);
        } else if (c.kind == "ema_at_most" || c.kind == "ema_at_least") {
            const double m = to_d(s->subnet_moving_price), v = num(p, "value", 0);
            r["ema"] = m;
            r["value"] = v;
            c.ok = c.kind == "ema_at_most" ? m <= v : m >= v;
        } else if (c.kind == "block_emission_at") {
            const u64 at = uint(p, "index", 0);
            r["index"] = at;
            r["emission"] = m_emission_at.count(at) ? m_emission_at[at] : 0;
            r["expected"] = uint(p, "emission", 0);
            c.ok = m_emission_at.count(at) && m_emission_at[at] == uint(p, "emission", 0);
        } else if (c.kind == "alpha_emission_at") {
            const u64 at = uint(p, "index", 0);
            const auto key = std::make_pair(at, n);
            r["index"] = at;
            r["alpha_emission"] = m_alpha_emission_at.count(key) ? m_alpha_emission_at[key] : 0;
            r["expected"] = uint(p, "emission", 0);
            c.ok = m_alpha_emission_at.count(key) && m_alpha_emission_at[key] == uint(p, "emission", 0);
        } else if (c.kind == "ti_dust") {
            // F-001: ΔTI = E − D with 0 ≤ D ≤ #emitting subnets (rao)
            r["max_dust_rao"] = m_ti_dust_max;
            r["max_allowed"] = uint(p, "max_rao", 0);
            c.ok = m_ti_dust_max <= static_cast<double>(uint(p, "max_rao", 0));
        } else if (c.kind == "actor_pnl_at_most" || c.kind == "actor_pnl_at_least") {
            const auto* a = actor(p);
            const double v = pnl(*a) / 1e9, lim = num(p, "tao", 0);
            r["pnl_tao"] = v;
            r["limit_tao"] = lim;
            c.ok = c.kind == "actor_pnl_at_most" ? v <= lim : v >= lim;
        } else if (c.kind == "limit_respected") {
            const auto* a = actor(p);
            const double lim = static_cast<double>(uint(a->spec, "limit_price", U64_MAX)) / 1e9;
            r["max_avg_price"] = a->max_avg_price;
            r["limit_price"] = lim;
            r["buys"] = a->buys;
            c.ok = a->max_avg_price <= lim + 1e-12;
        } else if (c.kind == "price_decreases") {
            const double p1 = price_of(*s), p0 = m_price0[n];
            r["initial_price"] = p0;
            r["final_price"] = p1;
            c.ok = p1 < p0;
        } else if (c.kind == "tao_in_zero") {
            r["tao_injected"] = m_tao_in_by_netuid[n] / 1e9;
            c.ok = m_tao_in_by_netuid[n] == 0;
        } else if (c.kind == "root_proportion_closed_form") {
            const double err = m_root_prop_err[n].empty() ? 0 : m_root_prop_err[n][0];
            r["max_abs_error"] = err;
            json at = json::object();
            for (const auto& d : p.value("report_at", json::array())) {
                const u64 k = d.get<u64>();
                if (m_root_prop_at[n].count(k))
                    at[std::to_string(k)] = m_root_prop_at[n][k];
            }
            r["root_proportion_at_index"] = at;
            c.ok = err <= num(p, "tolerance", 1e-6);
        } else if (c.kind == "value_at") {
            // a state field after the coinbase of block `index`, against a closed-form value
            if (!r.contains("value")) {
                c.evaluated = false;
            } else {
                const double v = r.at("value").get<double>(), want = num(p, "expected", 0);
                r["index"] = uint(p, "index", 0);
                r["field"] = p.value("field", "");
                r["expected"] = want;
                r["tolerance"] = num(p, "tolerance", 0);
                c.ok = std::abs(v - want) <= num(p, "tolerance", 0);
            }
        } else if (c.kind == "halving_rule") {
            if (!std::is_same_v<M, ChainModel>) {
                c.evaluated = false;  // the chain's halving count; the exact model halves exactly by construction
                r["ok"] = nullptr;
                continue;
            }
            r["blocks_checked"] = m_halving_checked;
            r["mismatches"] = m_halving_mismatch;
            if (m_halving_mismatch)
                r["first_mismatch_index"] = m_halving_first_mismatch;
            r["switches"] = m_halving_switches;
            c.ok = m_halving_checked > 0 && m_halving_mismatch == 0 &&
                   m_halving_switches.size() == uint(p, "switches", m_halving_switches.size());
        } else if (c.kind == "actor_stat") {
            const auto* a = actor(p);
            const std::string f = p.value("field", "buys");
            double v = 0;
            if (f == "buys")
                v = static_cast<double>(a->buys);
            else if (f == "sells")
                v = static_cast<double>(a->sells);
            else if (f == "rejected_ops")
                v = static_cast<double>(a->failed);
            else if (f == "tao_in")
                v = to_d(a->tao_in) / 1e9;
            else if (f == "pnl_tao")
                v = pnl(*a) / 1e9;
            else
                fail("checks[].field: buys, sells, rejected_ops, tao_in or pnl_tao");
            const double want = num(p, "value", 0);
            const std::string op = p.value("op", "eq");
            r["field"] = f;
            r["value"] = v;
            r["op"] = op;
            r["expected"] = want;
            c.ok = op == "eq" ? v == want : op == "le" ? v <= want : v >= want;
        } else if (c.kind == "lowest_ema") {
            // the prune candidate: the subnet with the lowest moving price (lowest netuid on ties)
            u64 lowest = 0;
            double lm = 0;
            for (const auto& sn : m_st.subnets) {
                if (sn.is_root())
                    continue;
                const double m = to_d(sn.subnet_moving_price);
                if (lowest == 0 || m < lm) {
                    lowest = sn.netuid;
                    lm = m;
                }
            }
            r["lowest_netuid"] = lowest;
            r["lowest_moving_price"] = lm;
            c.ok = lowest == n;
        } else {
            fail("checks[].kind: unknown check \"" + c.kind + "\"");
        }
        r["ok"] = c.ok;
        if (!c.evaluated) {
            r["ok"] = nullptr;
            r["skipped"] = "the run is shorter than the check's blocks";
            c.ok = true;
        }
    }
}

// the two models the engine runs (scenario.cpp)
template auto Engine<ChainModel>::actor(const json&) const -> const Actor<Amount>*;
template auto Engine<ExactModel>::actor(const json&) const -> const Actor<Amount>*;
template void Engine<ChainModel>::evaluate_checks();
template void Engine<ExactModel>::evaluate_checks();

}  // namespace dtao::scenario::detail
