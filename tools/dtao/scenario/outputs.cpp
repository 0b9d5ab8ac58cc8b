// dtao scenario: outputs: the run loop with its per-block CSV rows and progress,
// the state and run summaries, and the files of `--out` (CSV, summary.json, plots).
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include "output_file.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace dtao::scenario {

namespace fs = std::filesystem;

namespace detail {

template <typename M>
RunReport Engine<M>::run(u64 blocks, const std::string& label)
{
    RunReport rep;
    rep.label = label;
    header(rep);
    const auto t0 = std::chrono::steady_clock::now();
    u64 next_progress = blocks / 20;
    u64 i = 0;
    try {
        for (; i < blocks; ++i) {
            step(i);
            if (i % m_every == 0 || i + 1 == blocks)
                row(rep, i);
            if (m_opt.progress && m_opt.log && blocks >= 200000 && i == next_progress) {
                const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                *m_opt.log << "  [" << label << "] block " << i << "/" << blocks << " (" << (100 * i / blocks) << "%, "
                           << fmt(el) << " s)\n"
                           << std::flush;
                next_progress += blocks / 20;
            }
        }
        finish_actors();
        evaluate_checks();
    } catch (const Violation& v) {
        rep.ok = false;
        rep.failure = v.what();
        m_failure_state = state_json();
    }
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rep.summary = summary(label, i, el);
    if (!rep.failure.empty()) {
        rep.summary["failure"] = {{"message", rep.failure}, {"state", m_failure_state}};
    }
    for (const auto& c : m_checks)
        if (c.evaluated && !c.ok && rep.ok) {
            rep.ok = false;
            rep.failure = "check " + c.kind + " failed: " + c.result.dump();
        }
    rep.csv_rows = std::move(m_rows);
    return rep;
}

template <typename M>
void Engine<M>::header(RunReport& rep)
{
    std::string h = "block,index,total_issuance,block_emission";
    for (u64 n : m_record)
        for (const char* f : {"price", "moving_price", "share", "tao_in", "subnet_tao", "subnet_alpha_in"})
            h += ",sn" + std::to_string(n) + "_" + f;
    for (const auto& a : m_actors)
        for (const char* f : {"pnl_tao", "tao_in", "tao_out", "alpha"})
            h += "," + a.name + "_" + f;
    m_rows.push_back(h);
    (void)rep;
}

template <typename M>
void Engine<M>::row(RunReport&, u64 i)
{
    std::string r = std::to_string(m_st.block) + "," + std::to_string(i) + "," + amount_str(m_st.total_issuance) + "," +
                    fmt(m_last_emission / 1e9);
    for (u64 n : m_record) {
        const auto* s = m_st.find(n);
        r += "," + fmt(price_of(*s)) + "," + fmt(to_d(s->subnet_moving_price)) + "," + fmt(m_share_last[n]) + "," +
             fmt(to_d(s->subnet_tao_in_emission) / 1e9) + "," + fmt(to_d(s->subnet_tao) / 1e9) + "," +
             fmt(to_d(s->subnet_alpha_in) / 1e9);
    }
    for (const auto& a : m_actors)
        r += "," + fmt(pnl(a) / 1e9) + "," + fmt(to_d(a.tao_in) / 1e9) + "," + fmt(to_d(a.tao_out) / 1e9) + "," +
             fmt(to_d(a.alpha) / 1e9);
    m_rows.push_back(r);
}

template <typename M>
json Engine<M>::state_json() const
{
    json j;
    j["block"] = m_st.block;
    j["total_issuance"] = amount_str(m_st.total_issuance);
    j["total_stake"] = amount_str(m_st.total_stake);
    json subs = json::array();
    for (const auto& s : m_st.subnets) {
        if (!s.is_root() && std::find(m_record.begin(), m_record.end(), s.netuid) == m_record.end())
            continue;
        subs.push_back({{"netuid", s.netuid},
                        {"subnet_tao", amount_str(s.subnet_tao)},
                        {"subnet_alpha_in", amount_str(s.subnet_alpha_in)},
                        {"subnet_alpha_out", amount_str(s.subnet_alpha_out)},
                        {"price", price_of(s)},
                        {"moving_price", to_d(s.subnet_moving_price)}});
    }
    j["subnets"] = subs;
    return j;
}

template <typename M>
json Engine<M>::summary(const std::string& label, u64 blocks_run, double seconds)
{
    json s;
    s["label"] = label;
    s["blocks_run"] = blocks_run;
    s["first_block"] = m_st.block - (blocks_run ? blocks_run - 1 : 0);
    s["arithmetic"] = std::is_same_v<M, ChainModel> ? "chain" : "exact";
    s["seconds"] = seconds;
    s["invariant_checks"] = m_invariants;
    s["final_state"] = state_json();
    s["totals"] = {{"tao_minted", to_d(m_tao_minted) / 1e9},
                   {"alpha_in_minted", to_d(m_alpha_in_minted) / 1e9},
                   {"alpha_out_minted", to_d(m_alpha_out_minted) / 1e9},
                   {"total_issuance_start", m_ti0 / 1e9},
                   {"total_issuance_end", to_d(m_st.total_issuance) / 1e9}};
    json tin = json::object();
    for (const auto& [n, v] : m_tao_in_by_netuid)
        if (std::find(m_record.begin(), m_record.end(), n) != m_record.end())
            tin[std::to_string(n)] = v / 1e9;
    s["totals"]["tao_injected_by_netuid"] = tin;
    json actors = json::object();
    for (const auto& a : m_actors)
        actors[a.name] = {{"netuid", a.netuid},
                          {"tao_in", to_d(a.tao_in) / 1e9},
                          {"tao_out", to_d(a.tao_out) / 1e9},
                          {"alpha_held", to_d(a.alpha) / 1e9},
                          {"alpha_held_value_tao", mark(a) / 1e9},
                          {"owner_cut_alpha", to_d(a.owner_alpha) / 1e9},
                          {"emission_alpha", to_d(a.emission_alpha) / 1e9},
                          {"pnl_tao", pnl(a) / 1e9},
                          {"buys", a.buys},
                          {"sells", a.sells},
                          {"rejected_ops", a.failed}};
    s["actors"] = actors;
    json ema = json::object();
    for (const auto& [n, t] : m_ema) {
        if (m_capped) {  // the EMA theorem's bookkeeping is the launch block's (invariants.cpp)
            ema[std::to_string(n)] = {{"m0", t.m0},
                                      {"m_final", to_d(m_st.find(n)->subnet_moving_price)},
                                      {"max_share", m_share_max.count(n) ? m_share_max.at(n) : 0.0},
                                      {"final_share", m_share_last.count(n) ? m_share_last.at(n) : 0.0}};
            continue;
        }
        const double pi = static_cast<double>(std::exp(t.log_pi));
        ema[std::to_string(n)] = {
            {"m0", t.m0},
            {"m_final", to_d(m_st.find(n)->subnet_moving_price)},
            {"updates", t.updates},
            {"max_movement", t.max_move},
            {"theorem_bound_at_max", t.bound_at_max},
            {"max_movement_over_bound", t.max_ratio},
            {"one_minus_pi", 1 - pi},
            {"n_times_a_bound",
             static_cast<double>(t.updates) * static_cast<double>(m_st.subnet_moving_alpha_bits) / 4294967296.0},
            {"max_share", m_share_max.count(n) ? m_share_max.at(n) : 0.0},
            {"final_share", m_share_last.count(n) ? m_share_last.at(n) : 0.0}};
    }
    s["ema"] = ema;
    if (m_capped)
        s["injection_capped"] = injection_capped_summary();
    json checks = json::array();
    for (const auto& c : m_checks)
        checks.push_back(c.result);
    s["checks"] = checks;
    return s;
}

// the two models the engine runs (scenario.cpp)
template RunReport Engine<ChainModel>::run(u64, const std::string&);
template RunReport Engine<ExactModel>::run(u64, const std::string&);
template void Engine<ChainModel>::header(RunReport&);
template void Engine<ExactModel>::header(RunReport&);
template void Engine<ChainModel>::row(RunReport&, u64);
template void Engine<ExactModel>::row(RunReport&, u64);
template json Engine<ChainModel>::state_json() const;
template json Engine<ExactModel>::state_json() const;
template json Engine<ChainModel>::summary(const std::string&, u64, double);
template json Engine<ExactModel>::summary(const std::string&, u64, double);

}  // namespace detail

namespace {
std::string file_label(const std::string& label)
{
    std::string s;
    for (char ch : label)
        s += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-') ? ch : '_';
    return s;
}
}  // namespace

void write_outputs(const Report& report, const fs::path& out_dir)
{
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec)
        throw std::runtime_error("cannot create directory " + out_dir.string() + ": " + ec.message());
    for (const auto& r : report.runs) {
        vectors::OutputFile f(out_dir / (file_label(r.label) + ".csv"));
        for (const auto& row : r.csv_rows) {
            f.write(row);
            f.write("\n");
        }
        f.commit();
    }
    // the summary last: its presence says that every CSV is complete
    vectors::write_file_atomic(out_dir / "summary.json", report.summary.dump(2) + "\n");
}

bool plot(const Report& report, const fs::path& out_dir, std::ostream& log)
{
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
        log << "dtao scenario: gnuplot not found; installing gnuplot-nox\n";
        std::system("(apt-get install -y -q gnuplot-nox || (apt-get update -q && apt-get install -y -q gnuplot-nox)) "
                    ">/dev/null 2>&1");
        if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
            log << "dtao scenario: gnuplot is not available (apt-get install gnuplot-nox); no plot\n";
            return false;
        }
    }
    for (const auto& r : report.runs) {
        if (r.csv_rows.empty())
            continue;
        const std::string base = file_label(r.label);
        // columns: find the first recorded subnet's and the first actor's columns
        std::vector<std::string> cols;
        std::stringstream hs(r.csv_rows.front());
        for (std::string c; std::getline(hs, c, ',');)
            cols.push_back(c);
        auto col = [&](const std::string& suffix) -> int {
            for (std::size_t i = 0; i < cols.size(); ++i)
                if (cols[i].size() >= suffix.size() &&
                    cols[i].compare(cols[i].size() - suffix.size(), suffix.size(), suffix) == 0)
                    return static_cast<int>(i) + 1;
            return 0;
        };
        const int price = col("_price"), mp = col("_moving_price"), share = col("_share"), pnl = col("_pnl_tao");
        std::ostringstream g;
        g << "set datafile separator ','\n"
          << "set terminal pngcairo size 1200,900 font ',10' noenhanced\n"
          << "set output '" << (out_dir / (base + ".png")).string() << "'\n"
          << "set multiplot layout 3,1 title '" << report.summary.value("id", "") << " " << r.label << "'\n"
          << "set xlabel 'block (index)'\nset grid\nset key left top\n";
        if (price)
            g << "set ylabel 'TAO per alpha'\nset logscale y\nplot '" << (out_dir / (base + ".csv")).string()
              << "' every ::1 using 2:" << price << " with lines title 'spot price', '' every ::1 using 2:" << mp
              << " with lines title 'moving price (EMA)'\nunset logscale y\n";
        if (share)
            g << "set ylabel 'emission share'\nplot '" << (out_dir / (base + ".csv")).string()
              << "' every ::1 using 2:" << share << " with lines title 'share of block emission'\n";
        if (pnl)
            g << "set ylabel 'TAO'\nplot '" << (out_dir / (base + ".csv")).string() << "' every ::1 using 2:" << pnl
              << " with lines title 'attacker P&L (marked to exit)'\n";
        else
            g << "set ylabel 'TAO'\nplot '" << (out_dir / (base + ".csv")).string()
              << "' every ::1 using 2:($3/1e9) with lines title 'TotalIssuance'\n";
        g << "unset multiplot\n";
        vectors::write_file_atomic(out_dir / (base + ".gp"), g.str());
        // gnuplot's messages go to the log, never to stdout, which carries the summary JSON
        const std::string cmd = "gnuplot '" + (out_dir / (base + ".gp")).string() + "' 2>&1";
        FILE* gp = popen(cmd.c_str(), "r");
        if (!gp) {
            log << "dtao scenario: cannot run gnuplot on " << base << ".gp\n";
            return false;
        }
        std::string said;
        char buf[512];
        while (const std::size_t n = std::fread(buf, 1, sizeof buf, gp))
            said.append(buf, n);
        const int rc = pclose(gp);
        if (rc != 0) {
            log << said << "dtao scenario: gnuplot failed on " << base << ".gp\n";
            return false;
        }
    }
    return true;
}

}  // namespace dtao::scenario
