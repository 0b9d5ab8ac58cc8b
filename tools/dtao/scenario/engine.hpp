// dtao scenario: the engine's internals, shared by its files (private to scenario/).
// SPDX-License-Identifier: Apache-2.0
//
// Engine<M> runs one grid point of a scenario in the chain model (M = ChainModel) or
// the exact model (ExactModel). Its members are defined by concern:
//   actors.cpp      setup (actors, checks, EMA tracking) and the actors' extrinsics
//   invariants.cpp  one launch-era block: the coinbase and the invariants checked after it
//   invariants_injection_capped.cpp  the same for the injection-capped block (Balancer
//                   pool; rulesets v3.4.8-423 and later)
//   checks.cpp      the closed-form checks at the end of a run
//   outputs.cpp     the run loop, CSV rows, the state and run summaries
// and explicitly instantiated there for both models. scenario.cpp parses and
// validates scenario files and runs the grid.
#pragma once

#include "scenario.hpp"

#include "dtao/balancer.hpp"
#include "dtao/block.hpp"
#include "dtao/capabilities.hpp"
#include "dtao/coinbase.hpp"
#include "dtao/ema.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/emission.hpp"
#include "dtao/pool.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/stake.hpp"
#include "dtao/state.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace dtao::scenario::detail {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& what);

// ---------------------------------------------------------------- parsing (scenario.cpp)

/// An amount in TAO (or alpha) units: a decimal string with up to 9 decimals
/// ("2000", "0.5"), an integer JSON number, or "rao:<n>". Returns rao.
u64 parse_amount(const json& v, const std::string& field);
double num(const json& o, const char* key, double dflt);
u64 uint(const json& o, const char* key, u64 dflt);

// ------------------------------------------------------------- conversions

inline double to_d(u64 v) { return static_cast<double>(v); }
inline double to_d(const Rational& r) { return r.convert_to<double>(); }
inline double to_d(fixed::I96F32 f) { return static_cast<double>(static_cast<long double>(f.bits) / 4294967296.0L); }
inline double to_d(fixed::U96F32 f) { return static_cast<double>(static_cast<long double>(f.bits) / 4294967296.0L); }
inline double to_d(fixed::U64F64 f)
{
    return static_cast<double>(static_cast<long double>(f.bits) / 18446744073709551616.0L);
}
/// A coinbase term as a stored amount: the chain's `tou64`, the exact model's rational.
inline u64 term_amount(fixed::U96F32 t) { return t.saturating_to_u64(); }
inline const Rational& term_amount(const Rational& t) { return t; }

template <typename T>
std::string amount_str(const T& v)
{
    if constexpr (std::is_same_v<T, u64>)
        return std::to_string(v);
    else
        return to_string(v);
}

std::string fmt(double v);

// ---------------------------------------------------------------- actors

enum class Strategy
{
    none,
    buy_to_price,
    buy_every,
    sell_rule,
    round_trip,
    limit_buy,
    sandwich,
    register_subnet,
};

template <typename Amount>
struct Actor
{
    std::string name;
    Strategy strategy = Strategy::none;
    u64 netuid = 1;
    bool owner = false;          ///< receives the subnet's owner cut at each drain
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
    double r0 = -1;               ///< exit quote right after the first buy
    double tau1 = 0, alpha1 = 0;  ///< pool right after the first buy
    double trip_tao = 0;
    double injected_held = 0;      ///< TAO injected into its subnet while it held (bought, not dumped)
    double chain_bought_held = 0;  ///< TAO the chain's buys put into its subnet's pool while it held
    // register_subnet: the subnet it registered (its netuid), and whether start_call ran
    bool registered = false;
    bool started = false;
};

Strategy parse_strategy(const std::string& s);

// ----------------------------------------------------------------- engine

struct RunParams
{
    Ruleset rules;
    bool fixed_emission = false;
    u64 block_emission = 0;
    u64 fee_flat = DEFAULT_STAKING_FEE;
    double fee_rate = 0;
};

/// The chain state a scenario file's `params` and `state` describe.
ChainState build_state(const json& sc, RunParams& rp);

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

    /// Set up the actors, checks and EMA tracking (actors.cpp).
    Engine(const json& sc, const RunParams& rp, const ChainState& cs, std::vector<u64> record, u64 every, Options opt);

    /// Run `blocks` blocks, then the actors' last moves and the checks (outputs.cpp).
    RunReport run(u64 blocks, const std::string& label);

private:
    struct EmaTrack
    {
        double m0 = 0;
        long double log_pi = 0;    ///< ln Π of (1 − a_k)
        long double ramp_sum = 0;  ///< Σ b/(b+H)
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
    /// The ruleset's block is the injection-capped one on the Balancer pool (capabilities.hpp,
    /// RSET-024); else the launch block on the constant-product pool.
    bool m_capped = false;
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
    // injection-capped totals (invariants_injection_capped.cpp)
    Amount m_tao_recycled{}, m_chain_buy_tao{}, m_chain_buy_alpha{}, m_stranded{}, m_refunded{};
    u64 m_chain_buys = 0, m_chain_buys_failed = 0, m_gate_restored = 0;
    std::map<u64, double> m_tao_emission_by_netuid;  ///< every subnet: Σ tao_emission (TAO, its share of the block)
    double m_reservoir_tao_max = 0;

    u64 m_index = 0;  ///< the block index being run

    [[noreturn]] void violate(u64 i, const std::string& inv, const std::string& detail)
    {
        throw Violation("block " + std::to_string(m_st.block) + " (index " + std::to_string(i) + "): invariant " + inv +
                        " broken: " + detail);
    }

    /// The Balancer pool's stored TAO weight w2 in the model's weight type.
    static balancer::WeightOf<M> stored_weight(const Sub& s)
    {
        if constexpr (std::is_same_v<M, ChainModel>)
            return Perquintill::from_parts(s.swap_balancer_quote_parts);
        else
            return Rational(Int(s.swap_balancer_quote_parts), Int(Perquintill::ACCURACY));
    }

    // The two models' pool rules are overloads on the subnet's type.
    double price_of(const Sub& s) const
    {
        if (m_capped)
            return to_d(balancer::current_price_at<M>(s, stored_weight(s)));
        using chain::alpha_price, exact::alpha_price;
        return to_d(alpha_price(s));
    }

    /// The actor's alpha marked to its exit: what selling it all now would pay (the runtime
    /// API's `sim_swap` with its fee on the Balancer pool).
    double mark(const Actor<Amount>& a) const
    {
        const auto* s = m_st.find(a.netuid);
        if (a.alpha == Amount{})
            return 0;
        if (m_capped) {
            const auto q = balancer::sim_swap<M>(m_rp.rules, *s, m_st.swap_minimum_reserve, SwapSide::sell, a.alpha);
            return q ? to_d(q->amount_paid_out) : 0;
        }
        using chain::sim_swap_alpha_for_tao, exact::sim_swap_alpha_for_tao;
        const auto q = sim_swap_alpha_for_tao(*s, a.alpha);
        return q ? to_d(q->amount_out) : 0;
    }

    u64 fee_for(u64 amount) const
    {
        return sat_add(m_rp.fee_flat, static_cast<u64>(std::floor(m_rp.fee_rate * static_cast<double>(amount))));
    }

    // ---- the actors (actors.cpp)
    /// Apply one extrinsic through block::apply, the code path of the `block`
    /// op of `dtao eval`, and record it for Options::on_block.
    block::ActionResult<Amount> submit(const block::Action<Amount>& act);
    /// The same for an injection-capped ruleset: one stake extrinsic on the Balancer pool
    /// through block::apply (BAL-011); an executed one must keep the pool's weighted invariant.
    block::PoolActionResult<M> submit(const block::PoolAction<M>& act);
    /// Stake `amount` rao of TAO; returns false on a rule error.
    bool buy(Actor<Amount>& a, u64 amount, std::optional<u64> limit = std::nullopt, Fill allow_partial = Fill::whole);
    bool sell(Actor<Amount>& a, const Amount& alpha);
    /// TAO (rao) to stake so that the spot price reaches `target` (TAO per alpha).
    u64 amount_to_price(const Sub& s, double target) const;
    /// Each actor's extrinsics at block index `i`.
    void act(u64 i);
    void finish_actors();

    // ---- one block and its invariants
    void step(u64 i)
    {
        m_index = i;
        if (m_capped)
            step_injection_capped(i);
        else
            step_launch(i);
    }
    /// invariants.cpp
    void step_launch(u64 i);
    /// invariants_injection_capped.cpp
    void step_injection_capped(u64 i);
    /// The checks after the block's extrinsics, both blocks (invariants.cpp).
    void check_after_extrinsics(u64 i, const Amount& ti_before);
    /// The injection-capped block's part of the run summary (invariants_injection_capped.cpp).
    json injection_capped_summary() const;
    /// Both blocks: the halving rule's bookkeeping and the `value_at` checks' values (invariants.cpp).
    void record_halving(u64 i, const Amount& ti_before, double E);
    void record_values_at(u64 i, double E);
    /// Every initialised dynamic Balancer pool's weights within [0.01, 0.99] (BAL-007).
    void check_weights(u64 i);
    /// A user swap did not lower the pool's weighted invariant beyond F-032's rao.
    void check_swap_invariant(const Sub& before, const Sub& after, bool buy);

    // ---- outputs (outputs.cpp)
    void header(RunReport& rep);
    void row(RunReport&, u64 i);
    double pnl(const Actor<Amount>& a) const { return to_d(a.tao_out) - to_d(a.tao_in) + mark(a) - a.initial_mark; }
    json state_json() const;
    json summary(const std::string& label, u64 blocks_run, double seconds);

    // ---- the closed-form checks (checks.cpp)
    Check* find_check(const std::string&) { return nullptr; }
    const Actor<Amount>* actor(const json& spec) const;
    void evaluate_checks();
};

}  // namespace dtao::scenario::detail
