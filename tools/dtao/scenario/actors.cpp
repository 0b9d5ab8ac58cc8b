// dtao scenario: setting up a run (actors, checks, EMA tracking) and the actors'
// extrinsics, through block::apply (the `block` op's code path).
// SPDX-License-Identifier: Apache-2.0
#include "engine.hpp"

#include "dtao/pool.hpp"
#include "dtao/stake.hpp"

#include <algorithm>
#include <cmath>

namespace dtao::scenario::detail {

template <typename M>
Engine<M>::Engine(const json& sc, const RunParams& rp, const ChainState& cs, std::vector<u64> record, u64 every,
                  Options opt)
    : m_sc(sc), m_rp(rp), m_capped(form_of(rp.rules, Op::block) == Form::injection_capped), m_record(std::move(record)),
      m_every(every), m_opt(std::move(opt))
{
    if constexpr (std::is_same_v<M, ChainModel>)
        m_st = cs;
    else
        m_st = to_exact(cs);
    if (m_capped) {
        // What only the launch block has: the flat-fee what-ifs, the launch-era closed forms and
        // the `scenario` vector family's block records (its `block` op is the launch one).
        if (m_rp.fee_rate != 0 || m_rp.fee_flat != DEFAULT_STAKING_FEE)
            fail("params.fee_flat / params.fee_rate: launch-era what-ifs; the injection-capped block charges the "
                 "pool's FeeRate (ruleset " +
                 std::string(m_rp.rules.id) + ")");
        if (m_opt.on_block)
            fail("the scenario vector family records launch-era blocks only (ruleset " + std::string(m_rp.rules.id) +
                 ")");
        for (const auto& c : sc.value("checks", json::array())) {
            const auto kind = c.at("kind").get<std::string>();
            for (const char* launch_only : {"ema_time_to_target", "share_bound", "young_subnet_bound",
                                            "first_ramp_alpha", "root_proportion_closed_form", "ti_dust"})
                if (kind == launch_only)
                    fail("checks[].kind \"" + kind + "\": a closed form of the launch-era block; ruleset " +
                         std::string(m_rp.rules.id) + " runs the injection-capped block");
        }
    }
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
        if (ac.strategy == Strategy::register_subnet) {
            // Its subnet does not exist yet: the registration gives it a netuid and makes it the owner.
            if (!m_capped)
                fail("actors[" + ac.name +
                     "].strategy \"register\": the engine registers subnets under the "
                     "injection-capped block (BREG-002); ruleset " +
                     std::string(m_rp.rules.id) + " runs the launch block");
            if (a.contains("netuid") || a.contains("alpha") || ac.owner)
                fail("actors[" + ac.name + "]: a registrant's netuid, alpha and ownership come from its registration");
            ac.netuid = ROOT_NETUID;
            m_actors.push_back(ac);
            continue;
        }
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

template <typename M>
auto Engine<M>::submit(const block::Action<Amount>& act) -> block::ActionResult<Amount>
{
    if constexpr (std::is_same_v<M, ChainModel>)
        if (m_opt.on_block)
            m_block_actions.push_back(act);
    return block::apply<M>(m_rp.rules, m_st, act);
}

template <typename M>
auto Engine<M>::submit(const block::PoolAction<M>& act) -> block::PoolActionResult<M>
{
    const auto* s = m_st.find(act.netuid);
    if (!s)
        return block::apply<M>(m_rp.rules, m_st, act);
    const Sub before = *s;
    auto r = block::apply<M>(m_rp.rules, m_st, act);
    if (r)
        check_swap_invariant(before, *m_st.find(act.netuid), act.kind == block::ActionKind::add_stake);
    return r;
}

template <typename M>
bool Engine<M>::buy(Actor<Amount>& a, u64 amount, std::optional<u64> limit, Fill allow_partial)
{
    if (m_capped) {
        block::PoolAction<M> act;
        act.kind = block::ActionKind::add_stake;
        act.netuid = a.netuid;
        act.amount = Amount(amount);
        act.limit_price = limit;
        act.allow_partial = allow_partial;
        const auto r = submit(act);
        if (!r) {
            ++a.failed;
            return false;
        }
        const auto& o = std::get<balancer::StakeOutcome<M>>(*r);
        // The staker pays what moved to the subnet account; a limit order's unswapped rest is
        // not refunded by the chain (BAL-011), so it counts as paid.
        a.tao_in += o.tao_requested;
        a.alpha += o.alpha;
        a.alpha_bought += o.alpha;
        if (o.alpha > 0)
            a.max_avg_price = std::max(a.max_avg_price, to_d(o.swap.amount_paid_in) / to_d(o.alpha));
        ++a.buys;
        return true;
    }
    const bool custom_fee = m_rp.fee_rate != 0 || m_rp.fee_flat != DEFAULT_STAKING_FEE;
    block::Action<Amount> act;
    act.kind = block::ActionKind::add_stake;
    act.netuid = a.netuid;
    act.amount = Amount(amount);
    act.limit_price = limit;
    act.allow_partial = allow_partial;
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

template <typename M>
bool Engine<M>::sell(Actor<Amount>& a, const Amount& alpha)
{
    if (alpha == Amount{})
        return false;
    if (m_capped) {
        block::PoolAction<M> act;
        act.kind = block::ActionKind::remove_stake;
        act.netuid = a.netuid;
        act.amount = alpha;
        act.alpha_available = a.alpha;
        const auto r = submit(act);
        if (!r) {
            ++a.failed;
            return false;
        }
        const auto& o = std::get<balancer::UnstakeOutcome<M>>(*r);
        a.tao_out += o.tao;
        a.alpha = a.alpha - alpha + o.alpha_refund;
        ++a.sells;
        return true;
    }
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

template <typename M>
u64 Engine<M>::amount_to_price(const Sub& s, double target) const
{
    const long double x = to_d(s.subnet_tao);
    if (m_capped) {
        // A weighted pool (w1 alpha, w2 TAO) holds τ^w2·α^w1 while its price is (w1/w2)·τ/α,
        // so the TAO reserve at price P is τ·(P/p)^w1; the pool's fee comes off the input
        // (FeeRate / 65535).
        const long double p = price_of(s);
        if (p <= 0)
            return 0;
        const long double w1 = 1.0L - static_cast<long double>(s.swap_balancer_quote_parts) / 1e18L;
        const long double tau_new = x * std::pow(static_cast<long double>(target) / p, w1);
        if (tau_new <= x)
            return 0;
        return static_cast<u64>(std::ceil((tau_new - x) / (1.0L - static_cast<long double>(s.fee_rate) / 65535.0L)));
    }
    const long double y = to_d(s.subnet_alpha_in);
    const long double tau_new = std::sqrt(x * y * static_cast<long double>(target));
    if (tau_new <= x)
        return 0;
    const long double need = tau_new - x;
    const long double gross = (need + static_cast<long double>(m_rp.fee_flat)) / (1.0L - m_rp.fee_rate);
    return static_cast<u64>(std::ceil(gross));
}

template <typename M>
void Engine<M>::act(u64 i)
{
    for (auto& a : m_actors) {
        const json& p = a.spec;
        auto* s = m_st.find(a.netuid);
        switch (a.strategy) {
        case Strategy::none: break;
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
                    q = frac >= 1.0 ? a.alpha
                                    : Rational(a.alpha * Rational(static_cast<long long>(frac * 1e6), 1000000));
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
        case Strategy::sandwich: {
            // Around each block's coinbase (its chain buy): sell what it holds right after the
            // coinbase, buy again, and hold across the next block's on_initialize.
            const u64 start = uint(p, "start", 0), stop = uint(p, "stop", U64_MAX);
            if (i < start || i > stop)
                break;
            if (a.alpha != Amount{})
                sell(a, a.alpha);
            if (i < stop)
                buy(a, parse_amount(p.at("amount"), "actors[].amount"));
            break;
        }
        case Strategy::register_subnet: {
            // do_register_network (BREG-002) at block `at`, paying the lock cost; do_start_call
            // (BREG-003) `start_call_after` blocks later. It owns the subnet: the owner cut of
            // each of its epochs is its alpha.
            const u64 at = uint(p, "at", 0);
            if (!a.registered && i == at) {
                const auto r = injection_capped::do_register_network<M>(m_rp.rules, m_st);
                if (!r) {
                    ++a.failed;
                    break;
                }
                a.registered = true;
                a.owner = true;
                a.netuid = r->netuid;
                a.tao_in += r->lock_cost;
            }
            if (a.registered && !a.started && i >= sat_add(at, uint(p, "start_call_after", 0))) {
                if (injection_capped::start_call<M>(m_st, a.netuid))
                    a.started = true;
                else
                    ++a.failed;
            }
            break;
        }
        case Strategy::limit_buy: {
            if (i == uint(p, "at", 0))
                buy(a, parse_amount(p.at("amount"), "actors[].amount"), uint(p, "limit_price", U64_MAX),
                    p.value("allow_partial", true) ? Fill::partial : Fill::whole);
            break;
        }
        }
    }
}

template <typename M>
void Engine<M>::finish_actors()
{
    for (auto& a : m_actors)
        if (a.spec.value("dump_at_end", false) && a.alpha != Amount{})
            sell(a, a.alpha);
}

// the two models the engine runs (scenario.cpp)
template Engine<ChainModel>::Engine(const json&, const RunParams&, const ChainState&, std::vector<u64>, u64, Options);
template Engine<ExactModel>::Engine(const json&, const RunParams&, const ChainState&, std::vector<u64>, u64, Options);
template auto Engine<ChainModel>::submit(const block::Action<Amount>&) -> block::ActionResult<Amount>;
template auto Engine<ExactModel>::submit(const block::Action<Amount>&) -> block::ActionResult<Amount>;
template auto Engine<ChainModel>::submit(const block::PoolAction<ChainModel>&) -> block::PoolActionResult<ChainModel>;
template auto Engine<ExactModel>::submit(const block::PoolAction<ExactModel>&) -> block::PoolActionResult<ExactModel>;
template bool Engine<ChainModel>::buy(Actor<Amount>&, u64, std::optional<u64>, Fill);
template bool Engine<ExactModel>::buy(Actor<Amount>&, u64, std::optional<u64>, Fill);
template bool Engine<ChainModel>::sell(Actor<Amount>&, const Amount&);
template bool Engine<ExactModel>::sell(Actor<Amount>&, const Amount&);
template u64 Engine<ChainModel>::amount_to_price(const Sub&, double) const;
template u64 Engine<ExactModel>::amount_to_price(const Sub&, double) const;
template void Engine<ChainModel>::act(u64);
template void Engine<ExactModel>::act(u64);
template void Engine<ChainModel>::finish_actors();
template void Engine<ExactModel>::finish_actors();

}  // namespace dtao::scenario::detail
