// dtao scenario: the engine (see scenario.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "scenario.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/ema.hpp"
#include "dtao/emission.hpp"
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace dtao::scenario {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("scenario: " + what); }

// ---------------------------------------------------------------- parsing

/// An amount in TAO (or alpha) units: a decimal string with up to 9 decimals
/// ("2000", "0.5"), an integer JSON number, or "rao:<n>". Returns rao.
u64 parse_amount(const json& v, const std::string& field)
{
    if (v.is_number_unsigned())
        return sat_mul(v.get<u64>(), RAO_PER_TAO);
    if (v.is_number_integer() && v.get<long long>() >= 0)
        return sat_mul(static_cast<u64>(v.get<long long>()), RAO_PER_TAO);
    if (!v.is_string())
        fail(field + ": an amount is a decimal string of TAO (\"2000\", \"0.5\") or \"rao:<n>\"");
    std::string s = v.get<std::string>();
    Int whole = 0, frac = 0;
    int fdigits = 0;
    if (s.rfind("rao:", 0) == 0) {
        s = s.substr(4);
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
            fail(field + ": bad rao amount");
        Int r(s);
        if (r > Int(U64_MAX))
            fail(field + ": above u64::MAX rao");
        return r.convert_to<u64>();
    }
    const auto dot = s.find('.');
    const std::string w = s.substr(0, dot);
    const std::string f = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos ||
        f.find_first_not_of("0123456789") != std::string::npos || f.size() > 9)
        fail(field + ": bad amount \"" + v.get<std::string>() + "\"");
    whole = Int(w);
    if (!f.empty()) {
        frac = Int(f);
        fdigits = static_cast<int>(f.size());
    }
    Int scale = 1;
    for (int i = fdigits; i < 9; ++i)
        scale *= 10;
    const Int r = whole * RAO_PER_TAO + frac * scale;
    if (r > Int(U64_MAX))
        fail(field + ": above u64::MAX rao");
    return r.convert_to<u64>();
}

double num(const json& o, const char* key, double dflt)
{
    if (!o.contains(key))
        return dflt;
    if (!o.at(key).is_number())
        fail(std::string(key) + ": expected a number");
    return o.at(key).get<double>();
}

u64 uint(const json& o, const char* key, u64 dflt)
{
    if (!o.contains(key) || o.at(key).is_null())
        return dflt;
    const auto& v = o.at(key);
    if (v.is_number_unsigned())
        return v.get<u64>();
    if (v.is_number_integer() && v.get<long long>() >= 0)
        return static_cast<u64>(v.get<long long>());
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
            fail(std::string(key) + ": expected an unsigned integer");
        return std::stoull(s);
    }
    fail(std::string(key) + ": expected an unsigned integer");
}

// ------------------------------------------------------------- conversions

double to_d(u64 v) { return static_cast<double>(v); }
double to_d(const Rational& r) { return r.convert_to<double>(); }
double to_d(fixed::I96F32 f) { return static_cast<double>(static_cast<long double>(f.bits) / 4294967296.0L); }

template <typename T>
std::string amount_str(const T& v)
{
    if constexpr (std::is_same_v<T, u64>)
        return std::to_string(v);
    else
        return to_string(v);
}

std::string fmt(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.12g", v);
    return buf;
}

// ---------------------------------------------------------------- actors

enum class Strategy
{
    none,
    buy_to_price,
    buy_every,
    sell_rule,
    round_trip,
    limit_buy,
};

template <typename Amount>
struct Actor
{
    std::string name;
    Strategy strategy = Strategy::none;
    u64 netuid = 1;
    bool owner = false;  ///< receives the subnet's owner cut at each drain
    double alpha_out_share = 0;  ///< fraction of each epoch's pending alpha (miner + validator) it receives
    Amount emission_alpha{};
    json spec;
    Amount alpha{};
    Amount tao_in{};
    Amount tao_out{};
    Amount initial_alpha{};
    double initial_mark = 0;
    u64 buys = 0, sells = 0, failed = 0;
    Amount owner_alpha{};
    double max_avg_price = 0;  ///< limit buys: the worst average price paid
    // buy_to_price / capture bookkeeping
    bool bought = false;
    bool dumped = false;
    Amount alpha_bought{};
    double r0 = -1;             ///< exit quote right after the first buy
    double tau1 = 0, alpha1 = 0;  ///< pool right after the first buy
    double trip_tao = 0;
    double injected_held = 0;  ///< TAO injected into its subnet while it held (bought, not dumped)
};

Strategy parse_strategy(const std::string& s)
{
    if (s == "none") return Strategy::none;
    if (s == "buy_to_price") return Strategy::buy_to_price;
    if (s == "buy_every") return Strategy::buy_every;
    if (s == "sell_rule") return Strategy::sell_rule;
    if (s == "round_trip") return Strategy::round_trip;
    if (s == "limit_buy") return Strategy::limit_buy;
    fail("actors[].strategy: unknown strategy \"" + s + "\"");
}

// ----------------------------------------------------------------- engine

struct RunParams
{
    Ruleset rules;
    bool fixed_emission = false;
    u64 block_emission = 0;
    u64 fee_flat = DEFAULT_STAKING_FEE;
    double fee_rate = 0;
};

ChainState build_state(const json& sc, RunParams& rp)
{
    const json& p = sc.value("params", json::object());
    const json& st = sc.at("state");
    ChainState cs;
    cs.block = uint(st, "block", 1);
    cs.total_issuance = st.contains("total_issuance") ? parse_amount(st.at("total_issuance"), "state.total_issuance") : 0;
    if (p.contains("moving_alpha"))
        cs.subnet_moving_alpha_bits = fixed::I96F32::from_f64(num(p, "moving_alpha", 3e-6)).bits;
    if (p.contains("moving_alpha_bits"))
        cs.subnet_moving_alpha_bits = static_cast<i128>(uint(p, "moving_alpha_bits", DEFAULT_MOVING_ALPHA_BITS));
    if (p.contains("tao_weight")) {
        const double w = num(p, "tao_weight", 0.18);
        if (w < 0 || w > 1)
            fail("params.tao_weight: a fraction in [0, 1]");
        cs.tao_weight = w == 0.18 ? LAUNCH_TAO_WEIGHT
                                  : static_cast<u64>(static_cast<long double>(w) * static_cast<long double>(U64_MAX));
    }
    cs.subnet_owner_cut = uint(p, "owner_cut", DEFAULT_SUBNET_OWNER_CUT);
    if (cs.subnet_owner_cut > 65535)
        fail("params.owner_cut: a u16");
    if (p.contains("block_emission") && !p.at("block_emission").is_null()) {
        rp.fixed_emission = true;
        rp.block_emission = parse_amount(p.at("block_emission"), "params.block_emission");
    }
    if (p.contains("fee_flat"))
        rp.fee_flat = parse_amount(p.at("fee_flat"), "params.fee_flat");
    rp.fee_rate = num(p, "fee_rate", 0);
    const u64 halving = uint(p, "ema_halving_blocks", DEFAULT_EMA_PRICE_HALVING_BLOCKS);
    const u64 tempo = uint(p, "tempo", 360);

    Subnet root;
    root.netuid = ROOT_NETUID;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = st.contains("root_stake") ? parse_amount(st.at("root_stake"), "state.root_stake") : 0;
    root.subnet_alpha_out = root.subnet_tao;
    root.tempo = tempo;
    cs.subnets.push_back(root);

    auto make = [&](const json& j, u64 netuid) {
        Subnet s;
        s.netuid = netuid;
        s.subnet_tao = parse_amount(j.at("tao"), "subnet.tao");
        s.subnet_alpha_in = parse_amount(j.at("alpha_in"), "subnet.alpha_in");
        s.subnet_alpha_out = j.contains("alpha_out") ? parse_amount(j.at("alpha_out"), "subnet.alpha_out") : 0;
        if (j.contains("moving_price"))
            s.subnet_moving_price = fixed::I96F32::from_f64(num(j, "moving_price", 0));
        else
            s.subnet_moving_price = fixed::I96F32::from_f64(to_d(s.subnet_tao) / std::max(1.0, to_d(s.subnet_alpha_in)));
        s.tempo = uint(j, "tempo", tempo);
        s.network_registered_at = uint(j, "registered_at", 0);
        if (j.contains("first_emission_block") && !j.at("first_emission_block").is_null())
            s.first_emission_block_number = uint(j, "first_emission_block", 0);
        else if (!j.contains("first_emission_block"))
            s.first_emission_block_number = 1;  // started (v2.0.9+) unless the file says null
        s.network_registration_allowed = j.value("registration_allowed", true);
        s.network_pow_registration_allowed = j.value("pow_registration_allowed", false);
        s.ema_price_halving_blocks = uint(j, "ema_halving_blocks", halving);
        return s;
    };
    std::vector<Subnet> subs;
    for (const auto& j : st.value("subnets", json::array()))
        subs.push_back(make(j, uint(j, "netuid", subs.size() + 1)));
    if (st.contains("fill")) {
        const auto& f = st.at("fill");
        const u64 count = uint(f, "count", 0);
        u64 netuid = uint(f, "first_netuid", subs.size() + 1);
        const double total_m = num(f, "moving_price_total", -1);
        json proto = f;
        for (u64 i = 0; i < count; ++i) {
            if (total_m >= 0)
                proto["moving_price"] = total_m / static_cast<double>(count);
            // fill skips the netuids the file lists
            while (std::any_of(subs.begin(), subs.end(), [&](const Subnet& x) { return x.netuid == netuid; }))
                ++netuid;
            subs.push_back(make(proto, netuid++));
        }
    }
    std::sort(subs.begin(), subs.end(), [](const Subnet& a, const Subnet& b) { return a.netuid < b.netuid; });
    for (std::size_t i = 1; i < subs.size(); ++i)
        if (subs[i].netuid == subs[i - 1].netuid || subs[i].netuid == 0)
            fail("state.subnets: netuids must be distinct and non-zero");
    for (auto& s : subs)
        cs.subnets.push_back(s);
    u64 ts = 0;
    for (const auto& s : cs.subnets)
        ts = sat_add(ts, s.subnet_tao);
    cs.total_stake = ts;
    if (!st.contains("total_issuance"))
        cs.total_issuance = ts;
    return cs;
}

struct Check
{
    json spec;
    std::string kind;
    bool ok = true;
    bool evaluated = false;
    json result = json::object();
};

struct Violation : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

template <typename M>
class Engine
{
public:
    using Amount = typename M::Amount;
    using State = ChainStateT<M>;
    using Sub = SubnetT<M>;
    using O = Ops<M>;

    Engine(const json& sc, const RunParams& rp, const ChainState& cs, std::vector<u64> record, u64 every, Options opt)
        : m_sc(sc), m_rp(rp), m_record(std::move(record)), m_every(every), m_opt(std::move(opt))
    {
        if constexpr (std::is_same_v<M, ChainModel>)
            m_st = cs;
        else
            m_st = to_exact(cs);
        for (const auto& a : sc.value("actors", json::array())) {
            Actor<Amount> ac;
            ac.name = a.at("name").get<std::string>();
            ac.strategy = parse_strategy(a.value("strategy", "none"));
            ac.netuid = uint(a, "netuid", 1);
            ac.owner = a.value("owner", false);
            ac.alpha_out_share = num(a, "alpha_out_share", 0);
            if (ac.alpha_out_share < 0 || ac.alpha_out_share > 1)
                fail("actors[].alpha_out_share: a fraction in [0, 1]");
            ac.spec = a;
            if (!m_st.find(ac.netuid) || ac.netuid == ROOT_NETUID)
                fail("actors[" + ac.name + "].netuid: no such subnet");
            if (a.contains("alpha")) {
                const u64 al = parse_amount(a.at("alpha"), "actors[].alpha");
                ac.alpha = O::amount_of(al);
                ac.initial_alpha = ac.alpha;
                auto* s = m_st.find(ac.netuid);
                s->subnet_alpha_out = O::amount_add(s->subnet_alpha_out, ac.alpha);
            }
            m_actors.push_back(ac);
        }
        for (auto& ac : m_actors)
            ac.initial_mark = mark(ac);
        for (auto& c : sc.value("checks", json::array())) {
            Check ch;
            ch.spec = c;
            ch.kind = c.at("kind").get<std::string>();
            if (c.contains("index"))
                m_wanted.insert(uint(c, "index", 0));
            for (const auto& k : c.value("report_at", json::array()))
                m_wanted.insert(k.get<u64>());
            m_checks.push_back(ch);
        }
        for (u64 n : m_record) {
            if (!m_st.find(n))
                fail("record.netuids: no subnet " + std::to_string(n));
            EmaTrack t;
            t.m0 = to_d(m_st.find(n)->subnet_moving_price);
            for (const auto& c : m_checks) {
                if (uint(c.spec, "netuid", m_record.front()) != n)
                    continue;
                if (c.spec.contains("target"))
                    t.first_cross[num(c.spec, "target", 0)] = 0;
                for (const auto& k : c.spec.value("at_blocks", json::array()))
                    t.m_at[k.get<u64>()] = -1;
            }
            m_ema[n] = t;
        }
        m_ti0 = to_d(m_st.total_issuance);
        for (const auto& sn : m_st.subnets)
            m_price0[sn.netuid] = price_of(sn);
    }

    RunReport run(u64 blocks, const std::string& label)
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
                    *m_opt.log << "  [" << label << "] block " << i << "/" << blocks << " ("
                               << (100 * i / blocks) << "%, " << fmt(el) << " s)\n"
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

private:
    struct EmaTrack
    {
        double m0 = 0;
        long double log_pi = 0;   ///< ln Π of (1 − a_k)
        long double ramp_sum = 0; ///< Σ b/(b+H)
        double max_move = 0;
        double bound_at_max = 0;
        double max_ratio = 0;
        u64 updates = 0;
        double first_alpha = -1;
        u64 first_b = 0;
        std::map<double, u64> first_cross;  ///< target -> first update count with m ≥ target (checks)
        std::map<u64, double> m_at;         ///< m after N updates, for the N the checks ask for
    };

    const json& m_sc;
    RunParams m_rp;
    State m_st;
    std::vector<u64> m_record;
    u64 m_every;
    Options m_opt;
    std::vector<Actor<Amount>> m_actors;
    std::vector<Check> m_checks;
    std::map<u64, EmaTrack> m_ema;
    std::vector<std::string> m_rows;
    json m_failure_state;
    std::vector<block::Action<Amount>> m_block_actions;  ///< this block's extrinsics, for Options::on_block
    double m_ti0 = 0;
    // totals
    Amount m_tao_minted{}, m_alpha_in_minted{}, m_alpha_out_minted{};
    std::map<u64, double> m_tao_in_by_netuid;
    std::map<u64, double> m_share_last;
    std::map<u64, double> m_share_max;
    std::map<u64, double> m_share_bound_at_max;
    std::map<u64, double> m_share_slack;  ///< min(bound − share)
    std::map<u64, std::vector<double>> m_root_prop_err;
    std::map<u64, std::map<u64, double>> m_root_prop_at;
    std::map<u64, u64> m_emission_at;
    std::map<std::pair<u64, u64>, u64> m_alpha_emission_at;
    double m_ti_dust_max = 0;
    std::map<u64, double> m_price0;
    std::set<u64> m_wanted;  ///< block indices a check reads per-block values at
    u64 m_halving_checked = 0, m_halving_mismatch = 0, m_halving_first_mismatch = 0, m_halving_prev = U64_MAX;
    json m_halving_switches = json::array();
    u64 m_invariants = 0;
    double m_last_emission = 0;

    [[noreturn]] void violate(u64 i, const std::string& inv, const std::string& detail)
    {
        throw Violation("block " + std::to_string(m_st.block) + " (index " + std::to_string(i) + "): invariant " + inv +
                        " broken: " + detail);
    }

    static double price_of(const Sub& s)
    {
        if constexpr (std::is_same_v<M, ChainModel>)
            return to_d(chain::alpha_price(s));
        else
            return to_d(exact::alpha_price(s));
    }

    double mark(const Actor<Amount>& a) const
    {
        const auto* s = m_st.find(a.netuid);
        if (a.alpha == Amount{})
            return 0;
        if constexpr (std::is_same_v<M, ChainModel>) {
            const auto q = chain::sim_swap_alpha_for_tao(*s, a.alpha);
            return q ? to_d(q->amount_out) : 0;
        } else {
            const auto q = exact::sim_swap_alpha_for_tao(*s, a.alpha);
            return q ? to_d(q->amount_out) : 0;
        }
    }

    u64 fee_for(u64 amount) const
    {
        return sat_add(m_rp.fee_flat,
                       static_cast<u64>(std::floor(m_rp.fee_rate * static_cast<double>(amount))));
    }

    /// Apply one extrinsic through block::apply, the code path of the `block`
    /// op of `dtao eval`, and record it for Options::on_block.
    block::ActionResult<Amount> submit(const block::Action<Amount>& act)
    {
        if constexpr (std::is_same_v<M, ChainModel>)
            if (m_opt.on_block)
                m_block_actions.push_back(act);
        return block::apply<M>(m_rp.rules, m_st, act);
    }

    /// Stake `amount` rao of TAO; returns false on a rule error.
    bool buy(Actor<Amount>& a, u64 amount, std::optional<u64> limit = std::nullopt, bool partial = false)
    {
        const bool custom_fee = m_rp.fee_rate != 0 || m_rp.fee_flat != DEFAULT_STAKING_FEE;
        block::Action<Amount> act;
        act.kind = block::ActionKind::add_stake;
        act.netuid = a.netuid;
        act.amount = Amount(amount);
        act.limit_price = limit;
        act.allow_partial = partial;
        if (custom_fee && !limit)
            act.fee = Amount(fee_for(amount));
        const auto r = submit(act);
        if (r.error) {
            ++a.failed;
            return false;
        }
        a.tao_in += r.tao_staked + r.fee;
        a.alpha += r.alpha;
        a.alpha_bought += r.alpha;
        if (r.alpha > 0)
            a.max_avg_price = std::max(a.max_avg_price, to_d(r.tao_staked) / to_d(r.alpha));
        ++a.buys;
        return true;
    }

    bool sell(Actor<Amount>& a, const Amount& alpha)
    {
        if (alpha == Amount{})
            return false;
        block::Action<Amount> act;
        act.kind = block::ActionKind::remove_stake;
        act.netuid = a.netuid;
        act.amount = alpha;
        const auto r = submit(act);
        if (r.error) {
            ++a.failed;
            return false;
        }
        a.tao_out += r.tao_unstaked;
        a.alpha -= alpha;
        ++a.sells;
        return true;
    }

    /// TAO (rao) to stake so that the spot price reaches `target` (TAO per alpha).
    u64 amount_to_price(const Sub& s, double target) const
    {
        const long double x = to_d(s.subnet_tao), y = to_d(s.subnet_alpha_in);
        const long double tau_new = std::sqrt(x * y * static_cast<long double>(target));
        if (tau_new <= x)
            return 0;
        const long double need = tau_new - x;
        const long double gross = (need + static_cast<long double>(m_rp.fee_flat)) / (1.0L - m_rp.fee_rate);
        return static_cast<u64>(std::ceil(gross));
    }

    void act(u64 i)
    {
        for (auto& a : m_actors) {
            const json& p = a.spec;
            auto* s = m_st.find(a.netuid);
            switch (a.strategy) {
            case Strategy::none:
                break;
            case Strategy::buy_to_price: {
                const u64 start = uint(p, "start", 0);
                const double target = num(p, "target_price", 1.0);
                const bool rebuy = p.value("rebuy", true);
                const u64 hold = uint(p, "hold_blocks", U64_MAX);
                if (i < start || a.dumped)
                    break;
                if (hold != U64_MAX && i >= sat_add(start, hold)) {
                    if (p.value("dump", true))
                        sell(a, a.alpha);
                    a.dumped = true;
                    break;
                }
                if (!a.bought || rebuy) {
                    const u64 amt = amount_to_price(*s, target);
                    if (amt >= DEFAULT_MIN_STAKE + m_rp.fee_flat) {
                        const bool first = !a.bought;
                        if (buy(a, amt) && first) {
                            a.bought = true;
                            a.r0 = mark(a);
                            a.tau1 = to_d(s->subnet_tao);
                            a.alpha1 = to_d(s->subnet_alpha_in);
                        }
                    } else if (!a.bought) {
                        a.bought = true;  // already at or above the target
                        a.r0 = mark(a);
                        a.tau1 = to_d(s->subnet_tao);
                        a.alpha1 = to_d(s->subnet_alpha_in);
                    }
                }
                break;
            }
            case Strategy::buy_every: {
                const u64 start = uint(p, "start", 0), every = std::max<u64>(1, uint(p, "every", 1));
                const u64 stop = uint(p, "stop", U64_MAX);
                if (i >= start && i < stop && (i - start) % every == 0)
                    buy(a, parse_amount(p.at("amount"), "actors[].amount"));
                break;
            }
            case Strategy::sell_rule: {
                const std::string rule = p.value("rule", "price_above");
                const double th = num(p, "threshold", 0);
                const double frac = num(p, "fraction", 1.0);
                bool fire = false;
                if (rule == "price_above")
                    fire = price_of(*s) > th;
                else if (rule == "ema_above")
                    fire = to_d(s->subnet_moving_price) > th;
                else if (rule == "at_block")
                    fire = i == uint(p, "block", 0);
                else
                    fail("actors[].rule: price_above, ema_above or at_block");
                if (fire && a.alpha != Amount{} && (p.value("repeat", false) || a.sells == 0)) {
                    Amount q{};
                    if constexpr (std::is_same_v<M, ChainModel>)
                        q = frac >= 1.0 ? a.alpha : static_cast<u64>(std::floor(to_d(a.alpha) * frac));
                    else
                        q = frac >= 1.0 ? a.alpha : Rational(a.alpha * Rational(static_cast<long long>(frac * 1e6), 1000000));
                    sell(a, q);
                }
                break;
            }
            case Strategy::round_trip: {
                const u64 start = uint(p, "start", 0), hold = std::max<u64>(1, uint(p, "hold", 1));
                const u64 gap = uint(p, "gap", 0), trips = uint(p, "trips", U64_MAX);
                if (i < start)
                    break;
                const u64 period = hold + gap + 1;
                const u64 k = (i - start) / period, ph = (i - start) % period;
                if (k >= trips)
                    break;
                if (ph == 0)
                    buy(a, parse_amount(p.at("amount"), "actors[].amount"));
                else if (ph == hold)
                    sell(a, a.alpha);
                break;
            }
            case Strategy::limit_buy: {
                if (i == uint(p, "at", 0))
                    buy(a, parse_amount(p.at("amount"), "actors[].amount"), uint(p, "limit_price", U64_MAX),
                        p.value("allow_partial", true));
                break;
            }
            }
        }
    }

    void finish_actors()
    {
        for (auto& a : m_actors)
            if (a.spec.value("dump_at_end", false) && a.alpha != Amount{})
                sell(a, a.alpha);
    }

    void step(u64 i)
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
            const auto* s = m_st.find(n);
            if constexpr (std::is_same_v<M, ChainModel>) {
                const auto u = chain::moving_alpha(m_rp.rules, *s, m_st.block,
                                                   fixed::I96F32::from_bits(m_st.subnet_moving_alpha_bits));
                a_eff[n] = {to_d(u.alpha), u.blocks_since};
            } else {
                const auto u = exact::moving_alpha(m_rp.rules, *s, m_st.block, O::moving_alpha(m_st));
                a_eff[n] = {to_d(u.alpha), u.blocks_since};
            }
        }
        // the coinbase
        CoinbaseResult<M> res;
        if constexpr (std::is_same_v<M, ChainModel>) {
            res = m_rp.fixed_emission
                      ? chain::run_coinbase(m_rp.rules, m_st, fixed::I96F32::saturating_from_u64(m_rp.block_emission))
                      : chain::block_step(m_rp.rules, m_st);
        } else {
            res = m_rp.fixed_emission ? exact::run_coinbase(m_rp.rules, m_st, Rational(m_rp.block_emission))
                                      : exact::block_step(m_rp.rules, m_st);
        }
        if constexpr (std::is_same_v<M, ChainModel>)
            if (m_opt.tamper)
                m_opt.tamper(m_st, i);
        const double E = to_d(res.block_emission);
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
                    m_halving_switches.push_back({{"index", i}, {"block", m_st.block}, {"total_issuance_before", ti_before},
                                                  {"from", m_halving_prev}, {"to", static_cast<u64>(E)}});
                m_halving_prev = static_cast<u64>(E);
            }
        }
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
                    violate(i, "conservation", "SubnetTaoInEmission != floor(tao_in) on netuid " + std::to_string(e.netuid));
            }
            minted = O::amount_add(minted, s->subnet_tao_in_emission);
        }
        if (m_st.total_issuance < ti_before)
            violate(i, "no_wrap", "TotalIssuance decreased");
        if (m_st.total_issuance - ti_before != minted)
            violate(i, "conservation", "ΔTotalIssuance " + amount_str(Amount(m_st.total_issuance - ti_before)) +
                                           " != Σ⌊tao_in⌋ " + amount_str(minted));
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
                violate(i, "alpha_split", "Δ alpha issuance " + amount_str(d_iss) + " != α_in + α_out " +
                                              amount_str(want) + " on netuid " + std::to_string(e.netuid));
            const double parts = to_d(O::amount(e.owner_cut)) + to_d(O::amount(e.root_alpha)) + to_d(O::amount(e.pending_alpha));
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
        // values the checks ask for at this block
        for (auto& c : m_checks) {
            if (c.kind != "value_at" || uint(c.spec, "index", 0) != i)
                continue;
            const auto* sv = m_st.find(uint(c.spec, "netuid", 1));
            const std::string f = c.spec.value("field", "");
            double v = 0;
            if (f == "subnet_alpha_in_emission") v = to_d(sv->subnet_alpha_in_emission);
            else if (f == "subnet_tao_in_emission") v = to_d(sv->subnet_tao_in_emission);
            else if (f == "subnet_alpha_out_emission") v = to_d(sv->subnet_alpha_out_emission);
            else if (f == "price") v = price_of(*sv);
            else if (f == "moving_price") v = to_d(sv->subnet_moving_price);
            else if (f == "block_emission") v = E;
            else if (f == "total_issuance") v = to_d(m_st.total_issuance);
            else fail("checks[].field: unknown field \"" + f + "\"");
            c.result["value"] = v;
        }
        // INV EMA hull: min(m, c) ≤ m' ≤ max(m, c), c = min(p, 1) from v2.0.1
        const double eps = 8.0 / 4294967296.0;
        for (const auto& e : res.emissions) {
            const auto* s = m_st.find(e.netuid);
            const double p = price_of(*s);
            const double c = m_rp.rules.ema_clamp_at_one ? std::min(p, 1.0) : p;
            const double m0 = m_before[e.netuid], m1 = to_d(s->subnet_moving_price);
            if (m1 < std::min(m0, c) - eps || m1 > std::max(m0, c) + eps)
                violate(i, "ema_hull", "netuid " + std::to_string(e.netuid) + ": m " + fmt(m0) + " -> " + fmt(m1) +
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
            t.ramp_sum += m_rp.rules.ema_ramp == EmaRamp::none ? 1.0L
                                                               : static_cast<long double>(b) / static_cast<long double>(b + h);
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
                violate(i, "ema_envelope", "netuid " + std::to_string(n) + ": m " + fmt(m) + " outside [m0·Π, 1 − (1 − m0)·Π] = [" +
                                               fmt(lo) + ", " + fmt(hi) + "]");
            const double move = std::abs(m - t.m0);
            const double bound = (1 - pi) * std::max(t.m0, 1 - t.m0);
            if (m_rp.rules.ema_clamp_at_one && t.m0 <= 1.0 && move > bound + tol)
                violate(i, "ema_movement", "netuid " + std::to_string(n) + ": |m − m0| " + fmt(move) + " > (1 − Π)·max(m0, 1 − m0) " + fmt(bound));
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
                            got = d.pending_alpha * Rational(static_cast<long long>(std::llround(a.alpha_out_share * 1e9)), 1000000000);
                        a.alpha = O::amount_add(a.alpha, got);
                        a.emission_alpha = O::amount_add(a.emission_alpha, got);
                    }
                }
        for (auto& a : m_actors)
            if (a.bought && !a.dumped)
                a.injected_held += to_d(m_st.find(a.netuid)->subnet_tao_in_emission);
        ++m_invariants;
        // the block's extrinsics
        const Amount ti_mid = m_st.total_issuance;
        act(i);
        if (m_st.total_issuance != ti_mid)
            violate(i, "conservation", "an extrinsic changed TotalIssuance");
        Amount ts{};
        for (const auto& s : m_st.subnets)
            ts = O::amount_add(ts, s.subnet_tao);
        if (ts != m_st.total_stake)
            violate(i, "accounting", "TotalStake " + amount_str(m_st.total_stake) + " != Σ SubnetTAO " + amount_str(ts));
        for (const auto& s : m_st.subnets)
            if (to_d(s.subnet_tao) > 9.3e18 || to_d(s.subnet_alpha_in) > 9.3e18 || to_d(s.subnet_alpha_out) > 9.3e18)
                violate(i, "no_wrap", "a u64 reserve of netuid " + std::to_string(s.netuid) + " is within 2^63 of wrapping");
        ++m_invariants;
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

    void header(RunReport& rep)
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

    void row(RunReport&, u64 i)
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

    double pnl(const Actor<Amount>& a) const { return to_d(a.tao_out) - to_d(a.tao_in) + mark(a) - a.initial_mark; }

    json state_json() const
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

    Check* find_check(const std::string&) { return nullptr; }

    const Actor<Amount>* actor(const json& spec) const
    {
        const auto name = spec.value("actor", std::string());
        for (const auto& a : m_actors)
            if (a.name == name)
                return &a;
        fail("checks[].actor: no actor \"" + name + "\"");
    }

    void evaluate_checks()
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
                // §4.2: a holder at P captures (α_b/α)² = (1 − √(p0/P))² of each injected TAO (first order)
                const auto* a = actor(p);
                const double p0 = num(p, "p0", 0), P = num(p, "target_price", 0);
                const double first_order = std::pow(1 - std::sqrt(p0 / P), 2);
                const double ab = to_d(a->alpha_bought);
                const double delta = a->injected_held;
                const double P1 = a->tau1 / a->alpha1;
                const double lump = delta > 0 ? ((a->tau1 + delta) * ab / (a->alpha1 + ab + delta / P1) -
                                                 a->tau1 * ab / (a->alpha1 + ab)) /
                                                    delta
                                              : 0;
                const double measured = delta > 0 ? (to_d(a->tao_out) - a->r0) / delta : 0;
                const double tol = num(p, "rel_tolerance", 0.02);
                r["first_order"] = first_order;
                r["exact_lump"] = lump;
                r["measured"] = measured;
                r["tao_injected"] = delta / 1e9;
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
                    pts.push_back({{"blocks", N}, {"ema", m}, {"theorem_bound", theorem}, {"stated_bound", stated}, {"ok", ok}});
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
                if (f == "buys") v = static_cast<double>(a->buys);
                else if (f == "sells") v = static_cast<double>(a->sells);
                else if (f == "rejected_ops") v = static_cast<double>(a->failed);
                else if (f == "tao_in") v = to_d(a->tao_in) / 1e9;
                else if (f == "pnl_tao") v = pnl(*a) / 1e9;
                else fail("checks[].field: buys, sells, rejected_ops, tao_in or pnl_tao");
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

    json summary(const std::string& label, u64 blocks_run, double seconds)
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
            const double pi = static_cast<double>(std::exp(t.log_pi));
            ema[std::to_string(n)] = {{"m0", t.m0},
                                      {"m_final", to_d(m_st.find(n)->subnet_moving_price)},
                                      {"updates", t.updates},
                                      {"max_movement", t.max_move},
                                      {"theorem_bound_at_max", t.bound_at_max},
                                      {"max_movement_over_bound", t.max_ratio},
                                      {"one_minus_pi", 1 - pi},
                                      {"n_times_a_bound", static_cast<double>(t.updates) *
                                                               static_cast<double>(m_st.subnet_moving_alpha_bits) / 4294967296.0},
                                      {"max_share", m_share_max.count(n) ? m_share_max.at(n) : 0.0},
                                      {"final_share", m_share_last.count(n) ? m_share_last.at(n) : 0.0}};
        }
        s["ema"] = ema;
        json checks = json::array();
        for (const auto& c : m_checks)
            checks.push_back(c.result);
        s["checks"] = checks;
        return s;
    }
};

// ------------------------------------------------------------------ grid

std::vector<std::pair<std::string, json>> expand(const json& sc, bool short_run)
{
    std::vector<std::pair<std::string, json>> runs{{"", sc}};
    // variants: named sets of overrides (JSON pointer -> value), one run each;
    // a variant may set its own "/grid"
    if (sc.contains("variants")) {
        json keep = json();
        if (short_run && sc.contains("short") && sc.at("short").contains("variants"))
            keep = sc.at("short").at("variants");
        runs.clear();
        for (const auto& v : sc.at("variants")) {
            const std::string name = v.at("label").get<std::string>();
            if (keep.is_array() && std::find(keep.begin(), keep.end(), json(name)) == keep.end())
                continue;
            json j = sc;
            const json set = v.value("set", json::object());
            for (const auto& [ptr, val] : set.items())
                j[json::json_pointer(ptr)] = val;
            j["/variant"_json_pointer] = name;
            runs.emplace_back(name, j);
        }
    }
    std::vector<std::pair<std::string, json>> out;
    for (const auto& [vlabel, vsc] : runs) {
        json axes = vsc.value("grid", json::object());
        if (short_run && vsc.contains("short") && vsc.at("short").contains("grid"))
            axes = vsc.at("short").at("grid");
        std::vector<std::pair<std::string, json>> pts{{vlabel, vsc}};
        for (const auto& [ptr, values] : axes.items()) {
            std::vector<std::pair<std::string, json>> next;
            for (const auto& [label, base] : pts)
                for (const auto& v : values) {
                    json j = base;
                    j[json::json_pointer(ptr)] = v;
                    std::string key = ptr.substr(ptr.find_last_of('/') + 1);
                    std::string val = v.is_string() ? v.get<std::string>() : v.dump();
                    next.emplace_back(label + (label.empty() ? "" : ",") + key + "=" + val, j);
                }
            pts = std::move(next);
        }
        for (auto& p : pts)
            out.push_back(std::move(p));
    }
    if (out.size() == 1 && out[0].first.empty())
        out[0].first = "base";
    return out;
}

bool applies(const json& check, const json& run)
{
    if (!check.contains("when"))
        return true;
    for (const auto& [ptr, v] : check.at("when").items()) {
        const auto jp = json::json_pointer(ptr);
        if (!run.contains(jp))
            return false;
        const json& got = run.at(jp);
        if (v.is_array()) {
            bool any = false;
            for (const auto& x : v)
                any = any || x == got;
            if (!any)
                return false;
        } else if (got != v) {
            return false;
        }
    }
    return true;
}

}  // namespace

json load(const fs::path& file)
{
    std::ifstream f(file);
    if (!f)
        fail("cannot read " + file.string());
    json sc;
    try {
        sc = json::parse(f);
    } catch (const std::exception& e) {
        fail(file.string() + ": not JSON: " + e.what());
    }
    if (!sc.is_object() || sc.value("scenario_version", 0) != 1)
        fail(file.string() + ": scenario_version must be 1");
    for (const char* k : {"id", "name", "ruleset", "state", "blocks"})
        if (!sc.contains(k))
            fail(file.string() + ": missing field \"" + std::string(k) + "\"");
    const auto rules = find_ruleset(sc.at("ruleset").get<std::string>());
    if (!rules)
        fail(file.string() + ": unknown ruleset " + sc.at("ruleset").dump());
    if (is_balancer_era(*rules))
        fail(file.string() + ": ruleset " + sc.at("ruleset").dump() +
             " is of the Balancer era; the scenario engine runs the launch-era rules (v2.0.x) only");
    return sc;
}

json configure(const json& scenario, const std::string& variant, const json& set)
{
    json sc = scenario;
    if (!variant.empty()) {
        json found;
        if (scenario.contains("variants"))
            for (const auto& v : scenario.at("variants"))
                if (v.value("label", "") == variant)
                    found = v;
        if (found.is_null())
            fail("no variant \"" + variant + "\" in " + scenario.value("id", std::string("the scenario")));
        const json vset = found.value("set", json::object());
        for (const auto& [ptr, val] : vset.items())
            sc[json::json_pointer(ptr)] = val;
        sc["variant"] = variant;
    }
    for (const auto& [ptr, val] : set.items()) {
        try {
            sc[json::json_pointer(ptr)] = val;
        } catch (const json::exception& e) {
            fail("set: bad JSON pointer \"" + ptr + "\": " + e.what());
        }
    }
    for (const char* k : {"grid", "variants", "short", "checks"})
        sc.erase(k);
    return sc;
}

Report run(const json& scenario, const Options& options)
{
    Report rep;
    const auto runs = expand(scenario, options.short_run);
    json jruns = json::array();
    std::size_t checks_total = 0, checks_passed = 0;
    for (const auto& [label, sc0] : runs) {
        // clang 14 cannot capture a structured binding (C++20 allows it; the fuzz build uses clang).
        const std::string& run_label = label;
        if (std::any_of(options.only.begin(), options.only.end(),
                        [&](const std::string& o) { return run_label.find(o) == std::string::npos; }))
            continue;
        json sc = sc0;
        // checks that do not apply to this grid point are dropped
        json checks = json::array();
        for (const auto& c : sc.value("checks", json::array()))
            if (applies(c, sc))
                checks.push_back(c);
        sc["checks"] = checks;
        const auto rules = find_ruleset(sc.at("ruleset").get<std::string>());
        if (!rules)
            fail("unknown ruleset " + sc.at("ruleset").dump());
        if (is_balancer_era(*rules))
            fail("ruleset " + sc.at("ruleset").dump() +
                 " is of the Balancer era; the scenario engine runs the launch-era rules (v2.0.x) only");
        RunParams rp;
        rp.rules = *rules;
        const ChainState cs = build_state(sc, rp);
        u64 blocks = uint(sc, "blocks", 1);
        if (options.short_run && sc.contains("short"))
            blocks = uint(sc.at("short"), "blocks", blocks);
        if (options.blocks)
            blocks = *options.blocks;
        const json rec = sc.value("record", json::object());
        std::vector<u64> record;
        for (const auto& n : rec.value("netuids", json::array()))
            record.push_back(n.get<u64>());
        if (record.empty())
            for (const auto& a : sc.value("actors", json::array()))
                if (std::find(record.begin(), record.end(), uint(a, "netuid", 1)) == record.end())
                    record.push_back(uint(a, "netuid", 1));
        if (record.empty() && cs.subnets.size() > 1)
            record.push_back(cs.subnets[1].netuid);
        u64 every = std::max<u64>(1, uint(rec, "every", 1));
        every = std::max<u64>(every, blocks / 20000);
        if (options.log && blocks >= 200000)
            *options.log << "dtao scenario: " << sc.at("id").get<std::string>() << " [" << label << "] " << blocks
                         << " blocks\n";
        RunReport rr;
        if (options.exact || sc.value("arithmetic", "chain") == "exact") {
            Engine<ExactModel> e(sc, rp, cs, record, every, options);
            rr = e.run(blocks, label);
        } else {
            Engine<ChainModel> e(sc, rp, cs, record, every, options);
            rr = e.run(blocks, label);
        }
        rr.summary["ok"] = rr.ok;
        for (const auto& c : rr.summary["checks"]) {
            ++checks_total;
            if (c.value("ok", json()).is_boolean() && c.at("ok").get<bool>())
                ++checks_passed;
            else if (c.at("ok").is_null())
                ++checks_passed;
        }
        rep.ok = rep.ok && rr.ok;
        jruns.push_back(rr.summary);
        rep.runs.push_back(std::move(rr));
    }
    rep.summary = {{"id", scenario.at("id")},
                   {"name", scenario.at("name")},
                   {"title", scenario.value("title", "")},
                   {"shows", scenario.value("shows", "")},
                   {"ruleset", scenario.at("ruleset")},
                   {"short", options.short_run},
                   {"runs", jruns},
                   {"checks_total", checks_total},
                   {"checks_passed", checks_passed},
                   {"ok", rep.ok}};
    if (scenario.contains("adaptation"))
        rep.summary["adaptation"] = scenario.at("adaptation");
    return rep;
}

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
    fs::create_directories(out_dir);
    for (const auto& r : report.runs) {
        std::ofstream f(out_dir / (file_label(r.label) + ".csv"));
        for (const auto& row : r.csv_rows)
            f << row << '\n';
    }
    std::ofstream s(out_dir / "summary.json");
    s << report.summary.dump(2) << '\n';
}

bool plot(const Report& report, const fs::path& out_dir, std::ostream& log)
{
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
        log << "dtao scenario: gnuplot not found; installing gnuplot-nox\n";
        std::system("(apt-get install -y -q gnuplot-nox || (apt-get update -q && apt-get install -y -q gnuplot-nox)) >/dev/null 2>&1");
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
                if (cols[i].size() >= suffix.size() && cols[i].compare(cols[i].size() - suffix.size(), suffix.size(), suffix) == 0)
                    return static_cast<int>(i) + 1;
            return 0;
        };
        const int price = col("_price"), mp = col("_moving_price"), share = col("_share"), pnl = col("_pnl_tao");
        std::ofstream g(out_dir / (base + ".gp"));
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
            g << "set ylabel 'emission share'\nplot '" << (out_dir / (base + ".csv")).string() << "' every ::1 using 2:"
              << share << " with lines title 'share of block emission'\n";
        if (pnl)
            g << "set ylabel 'TAO'\nplot '" << (out_dir / (base + ".csv")).string() << "' every ::1 using 2:" << pnl
              << " with lines title 'attacker P&L (marked to exit)'\n";
        else
            g << "set ylabel 'TAO'\nplot '" << (out_dir / (base + ".csv")).string() << "' every ::1 using 2:3 with lines title 'TotalIssuance (rao)'\n";
        g << "unset multiplot\n";
        g.close();
        const std::string cmd = "gnuplot '" + (out_dir / (base + ".gp")).string() + "' 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            log << "dtao scenario: gnuplot failed on " << base << ".gp\n";
            return false;
        }
    }
    return true;
}

}  // namespace dtao::scenario
