// dtao-reference: the injection-capped coinbase, the moving price, the dividend split and
// registration, each written once over the model (dtao/injection_capped.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/injection_capped.hpp"

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/registration.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace dtao::injection_capped {

using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

namespace {

// ------------------------------------------------------------------ operations by number type
//
// The chain's fixed-point operations saturate, and its divisions are `checked_div` with 0 on
// failure (`safe_div`). The exact operations do not round; where the chain saturates a
// subtraction at 0 the exact one floors at 0 too, since every such difference is an amount
// that the rule takes as non-negative.

template <bool S, unsigned F>
fixed::Fixed<S, F> add(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_add(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> sub(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_sub(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> mul(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.saturating_mul(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> div_or_zero(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.safe_div(b);
}
template <bool S, unsigned F>
fixed::Fixed<S, F> min(fixed::Fixed<S, F> a, fixed::Fixed<S, F> b)
{
    return a.min(b);
}

Rational add(const Rational& a, const Rational& b) { return a + b; }
Rational sub(const Rational& a, const Rational& b) { return a > b ? Rational(a - b) : Rational(0); }
Rational mul(const Rational& a, const Rational& b) { return a * b; }
Rational div_or_zero(const Rational& a, const Rational& b) { return b == 0 ? Rational(0) : Rational(a / b); }
Rational min(const Rational& a, const Rational& b) { return a < b ? a : b; }

// ------------------------------------------------------------------ leaf formulas
//
// What the two models compute differently and nothing else: the conversions between the
// chain's number types (each a rounding of its own), the pool's price and reweighting with
// the weight in force, the chain buy, and the chain's wrapping sum (F-040).

template <typename Model>
struct Leaf;

template <>
struct Leaf<ChainModel>
{
    using Share = U64F64;
    using Term = U96F32;

    static Term half() { return U96F32::from_bits(u128{1} << 31); }  // asfloat!(0.5): exact
    static Share share_one() { return U64F64::one(); }
    static Term term(u64 v) { return U96F32::saturating_from_u64(v); }  // asfloat!
    static Share share(u64 v) { return U64F64::saturating_from_u64(v); }
    static u64 stored(Term v) { return v.saturating_to_u64(); }  // tou64!: truncates
    static Share share_of(Term v) { return fixed::convert<U64F64>(v); }
    static Term term_of(Share v) { return fixed::convert<U96F32>(v); }     // 32 fractional bits
    static Share share_of(I96F32 v) { return fixed::convert<U64F64>(v); }  // negative reads as 0
    static I96F32 stored_price(Share v) { return fixed::convert<I96F32>(v); }
    static Term ratio(u64 p, u64 q) { return term(p).safe_div(term(q)); }

    static Term alpha_block_emission(u64 issuance) { return term(chain::block_emission_amount(issuance)); }
    /// get_block_emission: nothing on error.
    static u64 block_emission(u64 issuance)
    {
        const auto e = chain::block_emission(issuance);
        return e ? e->emission : 0;
    }
    static u64 lock_paid(const ChainState& st) { return chain::network_lock_cost(st); }
    static u64 pool_alpha(u64 pool_tao, Share median)
    {
        return share(pool_tao).safe_div(median).floor().saturating_to_u64();
    }

    static Perquintill weight(const Subnet& s) { return chain::balancer::quote_weight(s); }
    static Share current_price(const Subnet& s) { return chain::balancer::current_price(s); }
    /// current_alpha_price with the weight `w` (the chain's weight in force is the stored one).
    static Share price_at(const Subnet& s, Perquintill w)
    {
        if (s.mechanism != Mechanism::dynamic)
            return U64F64::one();
        if (s.subnet_alpha_in == 0)
            return U64F64::zero();
        return chain::balancer::calculate_price(w, s.subnet_alpha_in, s.subnet_tao);
    }
    /// BAL-007 from the current reserves; `w` follows the stored weight.
    static std::pair<u64, u64> adjust_protocol_liquidity(Subnet& s, Perquintill& w, u64 tao, u64 alpha)
    {
        const auto injected = chain::balancer::adjust_protocol_liquidity(s, tao, alpha);
        w = weight(s);
        return injected;
    }
    /// The fee-free chain buy with no price limit (BAL-005, BAL-010 updates, BAL-008 on an
    /// uninitialised pool): (TAO paid in, alpha bought).
    static std::optional<std::pair<u64, u64>> chain_buy(const Ruleset& rules, ChainState& st, Subnet& s, Perquintill& w,
                                                        u64 tao)
    {
        const auto bought = chain::balancer::swap_tao_for_alpha(rules, s, st.total_stake, st.swap_minimum_reserve, tao,
                                                                SWAP_MAX_PRICE, Fees::dropped);
        w = weight(s);
        if (!bought)
            return std::nullopt;
        return std::pair{bought->amount_paid_in, bought->amount_paid_out};
    }
    /// `.sum()` folds U64F64 `Add`, which wraps in the runtime's release profile (no
    /// overflow-checks), unlike every other sum of the coinbase: a large enough sum of moving
    /// prices reads as small (F-040). u128 addition wraps the same way.
    static Share wrapping_add(Share a, Share b) { return U64F64::from_bits(a.bits + b.bits); }
};

template <>
struct Leaf<ExactModel>
{
    using Share = Rational;
    using Term = Rational;

    static Term half() { return Rational(1, 2); }
    static Share share_one() { return 1; }
    static Term term(const Rational& v) { return v; }
    static Share share(u64 v) { return Rational(v); }
    static Rational stored(const Term& v) { return v; }
    static Rational share_of(const Rational& v) { return v > 0 ? v : Rational(0); }
    static Rational share_of(I96F32 v) { return share_of(v.to_rational()); }  // as U64F64(I96F32)
    static Term term_of(const Share& v) { return v; }
    static Rational stored_price(const Share& v) { return v; }
    static Term ratio(u64 p, u64 q) { return Rational(Int(p), Int(q)); }

    static Term alpha_block_emission(const Rational& issuance) { return exact::block_emission(issuance).emission; }
    static Rational block_emission(const Rational& issuance) { return exact::block_emission(issuance).emission; }
    /// What a wallet pays: whole rao, as REG-003's exact model.
    static u64 lock_paid(const ExactChainState& st) { return to_u64_saturating(floor(exact::network_lock_cost(st))); }
    static Rational pool_alpha(const Rational& pool_tao, const Share& median) { return pool_tao / median; }

    static Rational weight(const ExactSubnet& s) { return exact::balancer::quote_weight(s); }
    static Share current_price(const ExactSubnet& s) { return exact::balancer::current_price(s); }
    static Share price_at(const ExactSubnet& s, const Rational& w)
    {
        if (s.mechanism != Mechanism::dynamic)
            return 1;
        return exact::balancer::calculate_price(w, s.subnet_alpha_in, s.subnet_tao);
    }
    /// BAL-007 with the exact weight; a refusal (new weight outside [0.01, 0.99]) is decided on
    /// it. The state can only keep the weight's Perquintill parts, ⌊w·10^18⌋: the storage's
    /// resolution, not a rule; this block's later steps use `w`.
    static std::pair<Rational, Rational> adjust_protocol_liquidity(ExactSubnet& s, Rational& w, const Rational& tao,
                                                                   const Rational& alpha)
    {
        const auto reweighted =
            exact::balancer::update_weights_for_added_liquidity(w, s.subnet_tao, s.subnet_alpha_in, tao, alpha);
        if (!reweighted)
            return {0, 0};
        w = *reweighted;
        s.swap_balancer_quote_parts = to_u64_checked(floor(Rational(w * Int(Perquintill::ACCURACY))));
        return {tao, alpha};
    }
    /// The fee-free buy with no price limit at the weight in force; an error is decided on the
    /// exact values (BAL-005). Stable subnets trade 1:1.
    static std::optional<std::pair<Rational, Rational>> chain_buy(const Ruleset& rules, ExactChainState& st,
                                                                  ExactSubnet& s, Rational& w, const Rational& tao)
    {
        const Rational max_price = Rational(Int(SWAP_MAX_PRICE), Int(RAO_PER_TAO));  // limit_price_from_rao
        const auto bought = s.mechanism == Mechanism::dynamic
                                ? exact::balancer::swap(rules, s, w, Rational(st.swap_minimum_reserve), SwapSide::buy,
                                                        tao, max_price, Fees::dropped)
                                : Result<exact::balancer::Swap>(exact::balancer::Swap{tao, tao, 0});
        if (!bought)
            return std::nullopt;
        // BAL-008: the first swap of an uninitialised pool stores the default weights (and
        // swap() priced with them).
        if (s.mechanism == Mechanism::dynamic && !s.pal_swap_initialized) {
            initialize_default_weights(s);
            w = weight(s);
        }
        // BAL-010 reserve updates (TotalStake and volume by the gross amount).
        s.subnet_alpha_in -= bought->amount_paid_out;
        s.subnet_alpha_out += bought->amount_paid_out;
        s.subnet_tao += bought->amount_paid_in;
        st.total_stake += tao;
        s.subnet_volume += tao;
        return std::pair{bought->amount_paid_in, bought->amount_paid_out};
    }
    /// The rule's sum: the chain's wraps modulo 2^64 (F-040), a type bound the exact model drops.
    static Share wrapping_add(const Share& a, const Share& b) { return a + b; }
};

template <typename Model>
typename Model::Amount alpha_issuance(const SubnetT<Model>& s)
{
    return Arithmetic<Model>::amount_add(s.subnet_alpha_in, s.subnet_alpha_out);
}

}  // namespace

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
std::map<u64, Share<Model>> get_shares(const Ruleset& rules, const ChainStateT<Model>& st,
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
            e.excess_spent = tao_to_swap_with;
            if (const auto bought = L::chain_buy(rules, st, s, w, tao_to_swap_with)) {
                e.chain_buy_ok = true;
                std::tie(e.chain_buy_paid_in, e.chain_buy_alpha) = *bought;
                s.subnet_protocol_alpha = A::amount_add(s.subnet_protocol_alpha, e.chain_buy_alpha);
                s.subnet_excess_tao = e.chain_buy_paid_in;
            }
            // The spent TAO sits in the subnet account; what the swap did not put into
            // SubnetTAO is neither in the pool nor recycled.
            e.stranded_tao = tao_to_swap_with - e.chain_buy_paid_in;
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
    const Amount left = inject_and_maybe_swap(rules, st, out.emissions, credit);
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

template <typename Model>
void update_moving_prices(ChainStateT<Model>& st, const std::vector<SubnetEmission<Model>>& emissions)
{
    for (u64 n : get_subnets_to_emit_to(st)) {
        SubnetT<Model>& s = *st.find(n);
        Weight<Model> w2 = Leaf<Model>::weight(s);
        for (const auto& e : emissions)
            if (e.netuid == n)
                w2 = e.quote_weight;
        update_moving_price(st, s, st.block, w2);
    }
}

template <typename Model>
void update_moving_prices(ChainStateT<Model>& st)
{
    update_moving_prices(st, std::vector<SubnetEmission<Model>>{});
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
    const auto shares = get_shares(rules, st, emit_to);
    const auto enabled_shares = emission_shares(st, shares);
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
    // BEMA-001: after the coinbase, emitting subnets only, with this block's weights in force.
    update_moving_prices(st, out.emissions);
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
