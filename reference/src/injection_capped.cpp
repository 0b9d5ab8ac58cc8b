// dtao-reference: the injection-capped coinbase, the moving price, the dividend split and
// registration, each written once over the model (dtao/injection_capped.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/injection_capped.hpp"

#include "dtao/emission_gate.hpp"
#include "injection_capped_leaf.hpp"

#include <algorithm>
#include <numbers>
#include <tuple>
#include <utility>

namespace dtao::injection_capped {

using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

using namespace leaf;  // the operations by number type and Leaf<Model>

inline namespace rules {

template <typename Model>
Term<Model> get_tao_weight(const ChainStateT<Model>& st)
{
    return Leaf<Model>::ratio(st.tao_weight, U64_MAX);
}

template <typename Model>
Term<Model> root_proportion(const ChainStateT<Model>& st, const SubnetT<Model>& s)
{
    using L = Leaf<Model>;
    // BCOIN-001: (root TAO · tw) / (root TAO · tw + alpha issuance); multiply first.
    const Term<Model> issuance = L::term(alpha_issuance(s));
    const Term<Model> tw = mul(L::term(st.root_tao()), get_tao_weight(st));
    return div_or_zero(tw, add(tw, issuance));
}

template <typename Model>
Share<Model> get_moving_alpha_price(const SubnetT<Model>& s)
{
    if (s.is_stable())
        return Leaf<Model>::share_one();
    return Leaf<Model>::share_of(s.subnet_moving_price);
}

template <typename Model>
std::map<u64, Share<Model>> get_shares_price_ema(const ChainStateT<Model>& st, const std::vector<u64>& emit_to)
{
    Share<Model> total{};
    for (u64 n : emit_to)
        total = add(total, get_moving_alpha_price(*st.find(n)));
    std::map<u64, Share<Model>> shares;
    for (u64 n : emit_to)
        shares[n] = div_or_zero(get_moving_alpha_price(*st.find(n)), total);
    return shares;
}

template <typename Model>
std::map<u64, Share<Model>> weighted_shares(const Ruleset& rules, const ChainStateT<Model>& st,
                                            const std::vector<u64>& emit_to)
{
    using L = Leaf<Model>;
    const auto price_shares = get_shares_price_ema(st, emit_to);
    if (rules.share_weight == ShareWeight::none)
        return price_shares;
    const Share<Model> one = L::share_one();
    std::map<u64, Share<Model>> weighted;
    Share<Model> total{};
    for (const auto& [n, share] : price_shares) {
        const SubnetT<Model>& s = *st.find(n);
        const Share<Model> burned = min(L::share_of(s.miner_burned), one);
        Share<Model> factor = sub(one, burned);
        if (rules.share_weight == ShareWeight::root_proportion_unburned)  // v3.4.8-423, v3.4.9-424
            factor = mul(L::share_of(root_proportion(st, s)), factor);
        const Share<Model> w = mul(share, factor);
        weighted[n] = w;
        total = add(total, w);
    }
    if (!(total > Share<Model>{}))
        return price_shares;  // every weight is 0 (no root stake, all burned): unweighted shares
    for (auto& [n, w] : weighted)
        w = div_or_zero(w, total);
    return weighted;
}

template <typename Model>
std::map<u64, Share<Model>> get_shares(const Ruleset& rules, const ChainStateT<Model>& st,
                                       const std::vector<u64>& emit_to)
{
    auto shares = weighted_shares(rules, st, emit_to);
    if (rules.emission_gate == EmissionGate::none)
        return shares;
    return emission_gate(rules, st, shares).gated;
}

template <typename Model>
std::map<u64, Share<Model>> emission_shares(const ChainStateT<Model>& st, std::map<u64, Share<Model>> shares)
{
    bool has_disabled = false;
    Share<Model> enabled_sum{};
    for (const auto& [n, share] : shares) {
        if (st.find(n)->subnet_emission_enabled)
            enabled_sum = add(enabled_sum, share);
        else
            has_disabled = true;
    }
    if (!has_disabled)
        return shares;
    for (auto& [n, share] : shares) {
        if (st.find(n)->subnet_emission_enabled && enabled_sum > Share<Model>{})
            share = div_or_zero(share, enabled_sum);
        else
            share = Share<Model>{};
    }
    return shares;
}

template <typename Model>
std::map<u64, Term<Model>> get_subnet_block_emissions(const Ruleset& rules, const ChainStateT<Model>& st,
                                                      const std::vector<u64>& emit_to,
                                                      const Term<Model>& block_emission)
{
    using L = Leaf<Model>;
    std::map<u64, Term<Model>> out;
    const Share<Model> e = L::share_of(block_emission);
    for (const auto& [n, share] : emission_shares(st, get_shares(rules, st, emit_to)))
        out[n] = L::term_of(mul(e, share));
    return out;
}

template <typename Model>
void get_subnet_terms(const ChainStateT<Model>& st, const SubnetT<Model>& s, SubnetEmission<Model>& e)
{
    using L = Leaf<Model>;
    e.alpha_emission = L::alpha_block_emission(alpha_issuance(s));
    e.price = L::term_of(L::current_price(s));
    e.tao_in = e.tao_emission;
    e.alpha_out = e.alpha_emission;
    e.alpha_in = div_or_zero(e.tao_emission, e.price);  // safe_div_or(price, 0)
    e.root_proportion_pre = root_proportion(st, s);
    e.cap = mul(e.root_proportion_pre, e.alpha_emission);
    e.capped = e.alpha_in > e.cap;
    if (e.capped) {
        e.alpha_in = e.cap;
        e.tao_in = mul(e.alpha_in, e.price);
    }
    e.excess_tao = sub(e.tao_emission, e.tao_in);
}

template <typename Model>
typename Model::Amount inject_and_maybe_swap(const Ruleset& rules, ChainStateT<Model>& st,
                                             std::vector<SubnetEmission<Model>>& emissions,
                                             typename Model::Amount credit)
{
    using L = Leaf<Model>;
    using A = Arithmetic<Model>;
    using Amount = typename Model::Amount;
    for (auto& e : emissions) {
        SubnetT<Model>& s = *st.find(e.netuid);
        const Amount tao_to_swap_with = L::stored(e.excess_tao);

        // Reweight from the current reserves, before the chain buy (BAL-007).
        Weight<Model> w = L::weight(s);
        std::tie(e.injected_tao, e.injected_alpha) =
            L::adjust_protocol_liquidity(s, w, L::stored(e.tao_in), L::stored(e.alpha_in));
        s.subnet_excess_tao = Amount{};
        s.subnet_tao_in_emission = Amount{};

        if (tao_to_swap_with > 0 && credit >= tao_to_swap_with) {  // spend_tao rejects overspending
            credit -= tao_to_swap_with;
            // The spent TAO sits in the subnet account; what the swap did not put into
            // SubnetTAO is neither in the pool nor recycled.
            if (!buy_excess(rules, st, s, w, e, tao_to_swap_with))
                e.stranded_tao = tao_to_swap_with;
        }

        s.subnet_alpha_in_emission = e.injected_alpha;
        s.subnet_alpha_in = A::amount_add(s.subnet_alpha_in, e.injected_alpha);

        if (e.injected_tao > 0 && credit >= e.injected_tao) {
            credit -= e.injected_tao;
            s.subnet_tao_in_emission = e.injected_tao;
            s.subnet_tao = A::amount_add(s.subnet_tao, e.injected_tao);
            st.total_stake = A::amount_add(st.total_stake, e.injected_tao);
        } else if (e.injected_tao > 0) {
            e.injected_tao = Amount{};  // the spend failed: nothing injected
        }
        e.quote_weight = w;
    }
    return credit;
}

template <typename Model>
bool get_network_root_sell_flag(const ChainStateT<Model>& st, const std::vector<u64>& emit_to)
{
    Share<Model> total{};
    for (u64 n : emit_to)
        total = Leaf<Model>::wrapping_add(total, get_moving_alpha_price(*st.find(n)));
    return total > Leaf<Model>::share_one();
}

template <typename Model>
void emit_to_subnets(const Ruleset& rules, ChainStateT<Model>& st, const std::map<u64, Term<Model>>& subnet_emissions,
                     typename Model::Amount credit, bool root_sell_flag, CoinbaseResult<Model>& out)
{
    using L = Leaf<Model>;
    using A = Arithmetic<Model>;
    using Amount = typename Model::Amount;
    // BCOIN-006: every term on the pre-injection state.
    out.emissions.clear();
    for (const auto& [n, emission] : subnet_emissions) {
        SubnetEmission<Model> e;
        e.netuid = n;
        e.tao_emission = emission;
        get_subnet_terms(st, *st.find(n), e);
        out.emissions.push_back(e);
    }
    // BCOIN-014: the terms are a BTreeMap (any order will do), but the injection and the alpha
    // loop walk `subnets_to_emit_to`, in storage-key order: it decides which spend the credit
    // refuses first.
    std::sort(out.emissions.begin(), out.emissions.end(),
              [](const auto& a, const auto& b) { return storage_key_less(a.netuid, b.netuid); });

    // BCOIN-007: injection and chain buys; the unspent credit is recycled.
    const Amount left = rules.injection == Injection::buy_then_reservoir
                            ? inject_pool_liquidity_and_swap_excess(rules, st, out.emissions, credit)
                            : inject_and_maybe_swap(rules, st, out.emissions, credit);
    out.tao_spent = credit - left;
    out.tao_recycled = left;
    st.total_issuance = A::amount_sub(st.total_issuance, left);

    // BCOIN-008: alpha for participants.
    const Term<Model> cut_percent = L::ratio(st.subnet_owner_cut, 65535);
    for (auto& e : out.emissions) {
        SubnetT<Model>& s = *st.find(e.netuid);
        Term<Model> alpha_out = e.alpha_out;
        const Amount created = L::stored(alpha_out);
        s.subnet_alpha_out_emission = created;
        s.subnet_alpha_out = A::amount_add(s.subnet_alpha_out, created);
        if (s.owner_cut_enabled) {
            e.owner_cut = mul(alpha_out, cut_percent);
            alpha_out = sub(alpha_out, e.owner_cut);
            s.pending_owner_cut = A::amount_add(s.pending_owner_cut, L::stored(e.owner_cut));
        }
        e.root_proportion_post = root_proportion(st, s);
        e.root_alpha = mul(mul(e.root_proportion_post, alpha_out), L::half());
        e.server = mul(alpha_out, L::half());
        e.validator = sub(sub(alpha_out, e.server), e.root_alpha);
        s.pending_server_emission = A::amount_add(s.pending_server_emission, L::stored(e.server));
        s.pending_validator_emission = A::amount_add(s.pending_validator_emission, L::stored(e.validator));
        if (root_sell_flag) {
            s.pending_root_alpha_divs = A::amount_add(s.pending_root_alpha_divs, L::stored(e.root_alpha));
        } else {
            e.root_alpha_recycled = L::stored(e.root_alpha);  // recycle_subnet_alpha: AlphaOut −=
            s.subnet_alpha_out = A::amount_sub(s.subnet_alpha_out, e.root_alpha_recycled);
        }
    }
}

template <typename Model>
EmaUpdate<Model> update_moving_price(const ChainStateT<Model>& st, SubnetT<Model>& s, u64 now, const Weight<Model>& w2)
{
    using L = Leaf<Model>;
    EmaUpdate<Model> u;
    const u64 start_call_block = sat_sub(s.first_emission_block_number.value_or(0), 1);
    u.blocks_since = L::share(sat_sub(now, start_call_block));
    const Share<Model> h = L::share(s.ema_price_halving_blocks);
    const Share<Model> moving_alpha = L::share_of(I96F32::from_bits(st.subnet_moving_alpha_bits));
    u.alpha = mul(moving_alpha, div_or_zero(u.blocks_since, add(u.blocks_since, h)));
    const Share<Model> one_minus_alpha = sub(L::share_one(), u.alpha);
    u.price = min(L::price_at(s, w2), L::share_one());
    const Share<Model> current_price = mul(u.alpha, u.price);
    const Share<Model> current_moving = mul(one_minus_alpha, get_moving_alpha_price(s));
    u.moving_price = L::stored_price(add(current_price, current_moving));
    s.subnet_moving_price = u.moving_price;
    return u;
}

template <typename Model>
EmaUpdate<Model> update_moving_price(const ChainStateT<Model>& st, SubnetT<Model>& s, u64 now)
{
    return update_moving_price(st, s, now, Leaf<Model>::weight(s));
}

/// The pool weight in force for `s` after this block's injection: the emission record's (the
/// exact model's rational weight), or the stored one when the subnet has no record.
template <typename Model>
Weight<Model> weight_in_force(const SubnetT<Model>& s, const std::vector<SubnetEmission<Model>>& emissions)
{
    for (const auto& e : emissions)
        if (e.netuid == s.netuid)
            return e.quote_weight;
    return Leaf<Model>::weight(s);
}

template <typename Model>
void update_moving_prices(ChainStateT<Model>& st, const std::vector<SubnetEmission<Model>>& emissions)
{
    for (u64 n : get_subnets_to_emit_to(st)) {
        SubnetT<Model>& s = *st.find(n);
        update_moving_price(st, s, st.block, weight_in_force(s, emissions));
    }
}

template <typename Model>
void update_moving_prices(ChainStateT<Model>& st)
{
    update_moving_prices(st, std::vector<SubnetEmission<Model>>{});
}

template <typename Model>
void update_fast_moving_price(SubnetT<Model>& s, const Weight<Model>& w2)
{
    using L = Leaf<Model>;
    const Share<Model> spot = L::price_at(s, w2);
    Share<Model> next = spot;
    if (s.subnet_fast_moving_price) {
        // ln 2 / H: the chain converts the f64 constant, then divides in U64F64.
        static const U64F64 chain_alpha =
            U64F64::from_f64(std::numbers::ln2)
                .safe_div(U64F64::saturating_from_u64(std::max<u64>(BASKET_FAST_EMA_HALF_LIFE_BLOCKS, 1)));
        const Share<Model> alpha = L::share_of_stored(chain_alpha);
        const Share<Model> fast = L::share_of_stored(*s.subnet_fast_moving_price);
        next = spot >= fast ? add(fast, mul(sub(spot, fast), alpha)) : sub(fast, mul(sub(fast, spot), alpha));
    }
    s.subnet_fast_moving_price = L::stored_share(next);
}

template <typename Model>
void update_fast_moving_prices(const Ruleset& rules, ChainStateT<Model>& st,
                               const std::vector<SubnetEmission<Model>>& emissions)
{
    if (!rules.fast_moving_price)
        return;
    for (u64 n : get_subnets_to_emit_to(st)) {
        SubnetT<Model>& s = *st.find(n);
        update_fast_moving_price(s, weight_in_force(s, emissions));
    }
}

template <typename Model>
typename Model::Amount mint_tao(ChainStateT<Model>& st, const typename Model::Amount& amount)
{
    using A = Arithmetic<Model>;
    const auto issued = A::amount_min(amount, A::amount_sub_or_zero(A::amount_of(TOTAL_SUPPLY), st.total_issuance));
    st.total_issuance = A::amount_add(st.total_issuance, issued);
    return issued;
}

template <typename Model>
CoinbaseResult<Model> run_coinbase(const Ruleset& rules, ChainStateT<Model>& st, typename Model::Amount credit)
{
    CoinbaseResult<Model> out;
    out.credit = credit;
    // BCOIN-002: the emitting subnets.
    const auto emit_to = get_subnets_to_emit_to(st);
    // BCOIN-005: TAO per subnet from the shares (BCOIN-003, BCOIN-004).
    const auto emissions = get_subnet_block_emissions(rules, st, emit_to, Leaf<Model>::term(credit));
    // The intermediates of the shares, for the report (the state they read is not yet changed).
    const auto price_shares = get_shares_price_ema(st, emit_to);
    const auto weighted = weighted_shares(rules, st, emit_to);
    const auto shares = get_shares(rules, st, emit_to);
    const auto enabled_shares = emission_shares(st, shares);
    // BGATE-002: the bar the gate used is stored before anything else reads the state.
    std::map<u64, Share<Model>> gate_factors;
    if (rules.emission_gate != EmissionGate::none) {
        const auto gate = emission_gate(rules, st, weighted);
        store_emission_gate_bar(st, gate);
        out.emission_gate_bar = gate.bar;
        out.emission_gate_bar_stored = gate.bar_stored;
        out.emission_gate_restored = gate.restored;
        gate_factors = gate.gate;
    }
    std::map<u64, Share<Model>> moving_prices;
    for (u64 n : emit_to)
        moving_prices[n] = get_moving_alpha_price(*st.find(n));
    // BCOIN-009: root sell on the moving prices before this block's update.
    out.root_sell_flag = get_network_root_sell_flag(st, emit_to);
    // BCOIN-008: terms, injection, chain buys, alpha out, pending amounts.
    emit_to_subnets(rules, st, emissions, credit, out.root_sell_flag, out);
    for (auto& e : out.emissions) {
        e.moving_price = moving_prices.at(e.netuid);
        e.price_share = price_shares.at(e.netuid);
        e.weighted_share = weighted.at(e.netuid);
        const auto g = gate_factors.find(e.netuid);
        e.gate = g == gate_factors.end() || out.emission_gate_restored ? Leaf<Model>::share_one() : g->second;
        e.share = shares.at(e.netuid);
        e.emission_share = enabled_shares.at(e.netuid);
    }
    // BEPOCH-002: every non-root subnet, emitting or not.
    out.epochs = drain_pending(st, st.block);
    return out;
}

template <typename Model>
CoinbaseResult<Model> block_step(const Ruleset& rules, ChainStateT<Model>& st)
{
    using Amount = typename Model::Amount;
    // get_block_emission: nothing minted on error or for 0.
    const Amount e = Leaf<Model>::block_emission(st.total_issuance);
    const Amount credit = e > 0 ? mint_tao(st, e) : Amount{};
    return block_step_with_credit(rules, st, credit);
}

template <typename Model>
CoinbaseResult<Model> block_step_with_credit(const Ruleset& rules, ChainStateT<Model>& st,
                                             typename Model::Amount credit)
{
    auto out = run_coinbase(rules, st, credit);
    // BEMA-001: after the coinbase, emitting subnets only, with this block's weights in force;
    // BEMA-003: each update ends with the fast price's (spec 464+). They read only their own
    // subnet's pool, so the two loops give what the chain's one loop does.
    update_moving_prices(st, out.emissions);
    update_fast_moving_prices(rules, st, out.emissions);
    // update_root_prop (informational RootProp storage).
    for (u64 n : get_subnets_to_emit_to(st))
        out.root_prop.emplace_back(n, root_proportion(st, *st.find(n)));
    return out;
}

template <typename Model>
DividendDistribution<Model> calculate_dividend_distribution(const typename Model::Amount& pending_alpha,
                                                            const typename Model::Amount& pending_root_alpha,
                                                            const Term<Model>& tao_weight,
                                                            const std::map<u64, DividendInput<Model>>& hotkeys)
{
    using L = Leaf<Model>;
    Term<Model> total_root_divs{}, total_alpha_divs{};
    std::map<u64, Term<Model>> root_divs_of, alpha_divs_of;
    for (const auto& [h, in] : hotkeys) {
        if (!in.stake)
            continue;  // not in the stake map: the hotkey gets nothing
        const Term<Model> alpha_stake = L::term(in.stake->first);
        const Term<Model> root_alpha = mul(L::term(in.stake->second), tao_weight);
        const Term<Model> total_alpha = add(alpha_stake, root_alpha);
        const Term<Model> root_prop = div_or_zero(root_alpha, total_alpha);
        const Term<Model> root_divs = mul(in.dividend, root_prop);
        const Term<Model> alpha_divs = sub(in.dividend, root_divs);
        alpha_divs_of[h] = alpha_divs;
        total_alpha_divs = add(total_alpha_divs, alpha_divs);
        root_divs_of[h] = root_divs;
        total_root_divs = add(total_root_divs, root_divs);
    }
    DividendDistribution<Model> out;
    for (const auto& [h, rd] : root_divs_of)
        out.root_alpha_dividends[h] = mul(L::term(pending_root_alpha), div_or_zero(rd, total_root_divs));
    for (const auto& [h, ad] : alpha_divs_of)
        out.alpha_dividends[h] = mul(L::term(pending_alpha), div_or_zero(ad, total_alpha_divs));
    return out;
}

template <typename Model>
Share<Model> get_median_subnet_alpha_price(const ChainStateT<Model>& st)
{
    using L = Leaf<Model>;
    std::vector<Share<Model>> prices;
    for (const auto& s : st.subnets) {
        if (s.is_root())
            continue;
        const Share<Model> p = L::current_price(s);
        if (p > Share<Model>{})
            prices.push_back(p);
    }
    if (prices.empty())
        return L::share_one();
    std::sort(prices.begin(), prices.end(), [](const Share<Model>& a, const Share<Model>& b) { return a < b; });
    const std::size_t n = prices.size();
    const std::size_t lower = (n - 1) / 2, upper = n / 2;
    if (lower == upper)
        return prices[upper];
    return div_or_zero(add(prices[lower], prices[upper]), L::share(2));
}

template <typename Model>
Registration<Model> register_network(const Ruleset& rules, ChainStateT<Model>& st, u64 lock)
{
    using A = Arithmetic<Model>;
    Registration<Model> r;
    r.lock_cost = lock;
    // Captured before the subnet exists.
    r.median_price = get_median_subnet_alpha_price(st);
    const u64 pool_tao = std::max(lock, st.network_min_lock_cost);
    r.pool_tao = A::amount_of(pool_tao);
    r.pool_alpha = Leaf<Model>::pool_alpha(r.pool_tao, r.median_price);
    r.recycled = A::amount_of(sat_sub(lock, pool_tao));
    r.netuid =
        open_subnet<Model>(rules, st, {.tao = r.pool_tao, .alpha = r.pool_alpha, .recycled = r.recycled, .lock = lock});
    return r;
}

template <typename Model>
Result<Registration<Model>> do_register_network(const Ruleset& rules, ChainStateT<Model>& st)
{
    if (sat_sub(st.block, st.network_last_registered) < st.network_rate_limit)
        return Error::network_tx_rate_limit_exceeded;
    return register_network(rules, st, Leaf<Model>::lock_paid(st));
}

template <typename Model>
Result<u64> start_call(ChainStateT<Model>& st, u64 netuid, u64 start_call_delay)
{
    SubnetT<Model>* s = st.find(netuid);
    if (s == nullptr || s->is_root())
        return Error::subnet_not_exists;
    if (s->first_emission_block_number)
        return Error::first_emission_block_number_already_set;
    if (st.block < sat_add(s->network_registered_at, start_call_delay))
        return Error::need_wait_for_start_call;
    s->first_emission_block_number = sat_add(st.block, 1);
    s->subtoken_enabled = true;
    return *s->first_emission_block_number;
}

// ------------------------------------------------------------------ instantiations

#define DTAO_INJECTION_CAPPED_INSTANTIATE(Model)                                                                       \
    template Term<Model> get_tao_weight(const ChainStateT<Model>&);                                                    \
    template Term<Model> root_proportion(const ChainStateT<Model>&, const SubnetT<Model>&);                            \
    template Share<Model> get_moving_alpha_price(const SubnetT<Model>&);                                               \
    template std::map<u64, Share<Model>> get_shares_price_ema(const ChainStateT<Model>&, const std::vector<u64>&);     \
    template std::map<u64, Share<Model>> weighted_shares(const Ruleset&, const ChainStateT<Model>&,                    \
                                                         const std::vector<u64>&);                                     \
    template std::map<u64, Share<Model>> get_shares(const Ruleset&, const ChainStateT<Model>&,                         \
                                                    const std::vector<u64>&);                                          \
    template std::map<u64, Share<Model>> emission_shares(const ChainStateT<Model>&, std::map<u64, Share<Model>>);      \
    template std::map<u64, Term<Model>> get_subnet_block_emissions(const Ruleset&, const ChainStateT<Model>&,          \
                                                                   const std::vector<u64>&, const Term<Model>&);       \
    template void get_subnet_terms(const ChainStateT<Model>&, const SubnetT<Model>&, SubnetEmission<Model>&);          \
    template Model::Amount inject_and_maybe_swap(const Ruleset&, ChainStateT<Model>&,                                  \
                                                 std::vector<SubnetEmission<Model>>&, Model::Amount);                  \
    template bool get_network_root_sell_flag(const ChainStateT<Model>&, const std::vector<u64>&);                      \
    template void emit_to_subnets(const Ruleset&, ChainStateT<Model>&, const std::map<u64, Term<Model>>&,              \
                                  Model::Amount, bool, CoinbaseResult<Model>&);                                        \
    template EmaUpdate<Model> update_moving_price(const ChainStateT<Model>&, SubnetT<Model>&, u64,                     \
                                                  const Weight<Model>&);                                               \
    template EmaUpdate<Model> update_moving_price(const ChainStateT<Model>&, SubnetT<Model>&, u64);                    \
    template void update_moving_prices(ChainStateT<Model>&, const std::vector<SubnetEmission<Model>>&);                \
    template void update_moving_prices(ChainStateT<Model>&);                                                           \
    template void update_fast_moving_price(SubnetT<Model>&, const Weight<Model>&);                                     \
    template void update_fast_moving_prices(const Ruleset&, ChainStateT<Model>&,                                       \
                                            const std::vector<SubnetEmission<Model>>&);                                \
    template Model::Amount mint_tao(ChainStateT<Model>&, const Model::Amount&);                                        \
    template CoinbaseResult<Model> run_coinbase(const Ruleset&, ChainStateT<Model>&, Model::Amount);                   \
    template CoinbaseResult<Model> block_step(const Ruleset&, ChainStateT<Model>&);                                    \
    template CoinbaseResult<Model> block_step_with_credit(const Ruleset&, ChainStateT<Model>&, Model::Amount);         \
    template DividendDistribution<Model> calculate_dividend_distribution(                                              \
        const Model::Amount&, const Model::Amount&, const Term<Model>&, const std::map<u64, DividendInput<Model>>&);   \
    template Share<Model> get_median_subnet_alpha_price(const ChainStateT<Model>&);                                    \
    template Registration<Model> register_network(const Ruleset&, ChainStateT<Model>&, u64);                           \
    template Result<Registration<Model>> do_register_network(const Ruleset&, ChainStateT<Model>&);                     \
    template Result<u64> start_call(ChainStateT<Model>&, u64, u64);

DTAO_INJECTION_CAPPED_INSTANTIATE(ChainModel)
DTAO_INJECTION_CAPPED_INSTANTIATE(ExactModel)

#undef DTAO_INJECTION_CAPPED_INSTANTIATE

}  // namespace rules

}  // namespace dtao::injection_capped
