// dtao-reference: the exact model of the Balancer-era coinbase.
// SPDX-License-Identifier: Apache-2.0
//
// Step for step `reference/src/injection_capped.cpp`; the differences are the ones listed
// in injection_capped_exact.hpp and at each function.
#include "dtao/injection_capped_exact.hpp"

#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/emission.hpp"
#include "dtao/registration.hpp"

#include <algorithm>
#include <utility>

namespace dtao::exact::injection_capped {

namespace {

const Rational ONE(1);
const Rational HALF(1, 2);

Rational min_of(const Rational& a, const Rational& b) { return a < b ? a : b; }
Rational max0(const Rational& a) { return a > 0 ? a : Rational(0); }

Rational alpha_issuance(const ExactSubnet& s) { return s.subnet_alpha_in + s.subnet_alpha_out; }

/// BAL-001 with an explicit weight: 1 for stable subnets, 0 when AlphaIn = 0.
Rational spot_price(const ExactSubnet& s, const Rational& w2)
{
    if (s.mechanism != Mechanism::dynamic)
        return ONE;
    return exact::balancer::calculate_price(w2, s.subnet_alpha_in, s.subnet_tao);
}

/// The state stores the weight as Perquintill parts: the exact weight's storage image is
/// ⌊w·10^18⌋. This is the one rounding of the exact coinbase, a limit of `ExactSubnet`
/// (its `swap_balancer_quote_parts` is u64 in both models), not a rule; the block's own
/// computations use the exact weight.
u64 stored_quote_parts(const Rational& w2) { return to_u64_checked(floor(Rational(w2 * Int(Perquintill::ACCURACY)))); }

}  // namespace

Rational get_tao_weight(const ExactChainState& st) { return Rational(Int(st.tao_weight), Int(U64_MAX)); }

Rational root_proportion(const ExactChainState& st, const ExactSubnet& s)
{
    const Rational tw = st.root_tao() * get_tao_weight(st);
    const Rational den = tw + alpha_issuance(s);
    return den == 0 ? Rational(0) : Rational(tw / den);  // checked_div: 0 on failure
}

Rational get_moving_alpha_price(const ExactSubnet& s)
{
    if (s.is_stable())
        return ONE;
    return max0(s.subnet_moving_price);  // a negative stored I96F32 reads as 0 in U64F64
}

std::map<u64, Rational> get_shares_price_ema(const ExactChainState& st, const std::vector<u64>& emit_to)
{
    Rational total = 0;
    for (u64 n : emit_to)
        total += get_moving_alpha_price(*st.find(n));
    std::map<u64, Rational> shares;
    for (u64 n : emit_to)
        shares[n] = total == 0 ? Rational(0) : Rational(get_moving_alpha_price(*st.find(n)) / total);
    return shares;
}

std::map<u64, Rational> get_shares(const Ruleset& rules, const ExactChainState& st, const std::vector<u64>& emit_to)
{
    auto price_shares = get_shares_price_ema(st, emit_to);
    if (rules.share_weight == ShareWeight::none)
        return price_shares;
    std::map<u64, Rational> weighted;
    Rational total = 0;
    for (const auto& [n, share] : price_shares) {
        const ExactSubnet& s = *st.find(n);
        const Rational burned = min_of(max0(s.miner_burned), ONE);
        Rational factor = ONE - burned;
        if (rules.share_weight == ShareWeight::root_proportion_unburned)  // v3.4.8-423, v3.4.9-424
            factor = root_proportion(st, s) * factor;
        const Rational w = share * factor;
        weighted[n] = w;
        total += w;
    }
    if (total == 0)
        return price_shares;  // every weight is 0: the unweighted shares
    for (auto& [n, w] : weighted)
        w /= total;
    return weighted;
}

std::vector<SubnetEmission> get_subnet_block_emissions(const Ruleset& rules, const ExactChainState& st,
                                                       const std::vector<u64>& emit_to, const Rational& block_emission)
{
    const auto price_shares = get_shares_price_ema(st, emit_to);
    const auto shares = get_shares(rules, st, emit_to);
    bool has_disabled = false;
    Rational enabled_sum = 0;
    for (const auto& [n, share] : shares) {
        if (st.find(n)->subnet_emission_enabled)
            enabled_sum += share;
        else
            has_disabled = true;
    }
    std::vector<SubnetEmission> out;
    for (const auto& [n, share] : shares) {
        SubnetEmission e;
        e.netuid = n;
        e.moving_price = get_moving_alpha_price(*st.find(n));
        e.price_share = price_shares.at(n);
        e.share = share;
        e.emission_share = share;
        if (has_disabled)
            e.emission_share =
                st.find(n)->subnet_emission_enabled && enabled_sum > 0 ? Rational(share / enabled_sum) : Rational(0);
        e.tao_emission = block_emission * e.emission_share;
        out.push_back(e);
    }
    return out;
}

void get_subnet_terms(const ExactChainState& st, const ExactSubnet& s, SubnetEmission& e)
{
    e.alpha_emission = exact::block_emission(alpha_issuance(s)).emission;
    // The chain truncates the price to 32 fractional bits (U96F32); exact: the spot price.
    e.price = exact::balancer::current_price(s);
    e.tao_in = e.tao_emission;
    e.alpha_out = e.alpha_emission;
    e.alpha_in = e.price == 0 ? Rational(0) : Rational(e.tao_emission / e.price);  // safe_div_or(price, 0)
    e.root_proportion_pre = root_proportion(st, s);
    e.cap = e.root_proportion_pre * e.alpha_emission;
    e.capped = e.alpha_in > e.cap;
    if (e.capped) {
        e.alpha_in = e.cap;
        e.tao_in = e.alpha_in * e.price;
    }
    e.excess_tao = max0(e.tao_emission - e.tao_in);
}

Rational inject_and_maybe_swap(const Ruleset& rules, ExactChainState& st, std::vector<SubnetEmission>& emissions,
                               Rational credit)
{
    const Rational max_price = Rational(Int(SWAP_MAX_PRICE), Int(RAO_PER_TAO));  // limit_price_from_rao(SWAP_MAX_PRICE)
    for (auto& e : emissions) {
        ExactSubnet& s = *st.find(e.netuid);

        // BAL-007 from the current reserves, before the chain buy, with the exact weight. A
        // refusal (new weight outside [0.01, 0.99]) is decided on the exact weight.
        Rational w2 = exact::balancer::quote_weight(s);
        if (const auto w = exact::balancer::update_weights_for_added_liquidity(w2, s.subnet_tao, s.subnet_alpha_in,
                                                                               e.tao_in, e.alpha_in)) {
            w2 = *w;
            s.swap_balancer_quote_parts = stored_quote_parts(w2);
            e.injected_tao = e.tao_in;
            e.injected_alpha = e.alpha_in;
        } else {
            e.injected_tao = 0;
            e.injected_alpha = 0;
        }
        s.subnet_excess_tao = 0;
        s.subnet_tao_in_emission = 0;

        if (e.excess_tao > 0 && credit >= e.excess_tao) {  // spend_tao rejects overspending
            credit -= e.excess_tao;
            e.excess_spent = e.excess_tao;
            // The fee-free buy with no price limit, with the block's exact weight; an error is
            // decided on the exact values (BAL-005).
            const auto bought =
                s.mechanism == Mechanism::dynamic
                    ? exact::balancer::swap(rules, s, w2, Rational(st.swap_minimum_reserve), SwapSide::buy,
                                            e.excess_tao, max_price, true)
                    : Result<exact::balancer::Swap>(exact::balancer::Swap{e.excess_tao, e.excess_tao, 0});
            if (bought) {
                // BAL-008: the first swap of an uninitialised pool stores the default weights
                // (and swap() priced with them).
                if (s.mechanism == Mechanism::dynamic && !s.pal_swap_initialized) {
                    initialize_default_weights(s);
                    w2 = exact::balancer::quote_weight(s);
                }
                // BAL-010 reserve updates (TotalStake and volume by the gross amount).
                s.subnet_alpha_in -= bought->amount_paid_out;
                s.subnet_alpha_out += bought->amount_paid_out;
                s.subnet_tao += bought->amount_paid_in;
                st.total_stake += e.excess_tao;
                s.subnet_volume += e.excess_tao;
                e.chain_buy_ok = true;
                e.chain_buy_paid_in = bought->amount_paid_in;
                e.chain_buy_alpha = bought->amount_paid_out;
                s.subnet_protocol_alpha += bought->amount_paid_out;
                s.subnet_excess_tao = bought->amount_paid_in;
            }
            // Spent TAO the swap did not put into SubnetTAO sits in the subnet account.
            e.stranded_tao = e.excess_tao - e.chain_buy_paid_in;
        }

        s.subnet_alpha_in_emission = e.injected_alpha;
        s.subnet_alpha_in += e.injected_alpha;

        if (e.injected_tao > 0 && credit >= e.injected_tao) {
            credit -= e.injected_tao;
            s.subnet_tao_in_emission = e.injected_tao;
            s.subnet_tao += e.injected_tao;
            st.total_stake += e.injected_tao;
        } else if (e.injected_tao > 0) {
            e.injected_tao = 0;  // the spend failed: nothing injected
        }
        e.quote_weight = w2;
    }
    return credit;
}

bool get_network_root_sell_flag(const ExactChainState& st, const std::vector<u64>& emit_to)
{
    // The rule's sum: the chain's wraps modulo 2^64 (F-040), a type bound the exact model drops.
    Rational total = 0;
    for (u64 n : emit_to)
        total += get_moving_alpha_price(*st.find(n));
    return total > ONE;
}

void emit_to_subnets(const Ruleset& rules, ExactChainState& st, std::vector<SubnetEmission> emissions,
                     const Rational& credit, bool root_sell_flag, CoinbaseResult& out)
{
    // BCOIN-006: every term on the pre-injection state.
    for (auto& e : emissions)
        get_subnet_terms(st, *st.find(e.netuid), e);
    // BCOIN-014: the injection and the alpha loop walk the emitting set in storage-key order.
    std::sort(emissions.begin(), emissions.end(),
              [](const SubnetEmission& a, const SubnetEmission& b) { return storage_key_less(a.netuid, b.netuid); });

    // BCOIN-007: injection and chain buys; the unspent credit is recycled.
    const Rational left = inject_and_maybe_swap(rules, st, emissions, credit);
    out.tao_spent = credit - left;
    out.tao_recycled = left;
    st.total_issuance -= left;

    // BCOIN-008: alpha for participants.
    const Rational cut_percent(Int(st.subnet_owner_cut), 65'535);
    for (auto& e : emissions) {
        ExactSubnet& s = *st.find(e.netuid);
        Rational alpha_out = e.alpha_out;
        s.subnet_alpha_out_emission = alpha_out;
        s.subnet_alpha_out += alpha_out;
        if (s.owner_cut_enabled) {
            e.owner_cut = alpha_out * cut_percent;
            alpha_out -= e.owner_cut;
            s.pending_owner_cut += e.owner_cut;
        }
        e.root_proportion_post = root_proportion(st, s);
        e.root_alpha = e.root_proportion_post * alpha_out * HALF;
        e.server = alpha_out * HALF;
        e.validator = max0(alpha_out - e.server - e.root_alpha);
        s.pending_server_emission += e.server;
        s.pending_validator_emission += e.validator;
        if (root_sell_flag) {
            s.pending_root_alpha_divs += e.root_alpha;
        } else {
            e.root_alpha_recycled = e.root_alpha;  // recycle_subnet_alpha: AlphaOut −=
            s.subnet_alpha_out -= e.root_alpha_recycled;
        }
    }
    out.emissions = std::move(emissions);
}

EmaUpdate update_moving_price(const ExactChainState& st, ExactSubnet& s, u64 now, const Rational& w2)
{
    EmaUpdate u;
    const u64 start_call_block = sat_sub(s.first_emission_block_number.value_or(0), 1);
    u.blocks_since = Rational(sat_sub(now, start_call_block));
    const Rational h(s.ema_price_halving_blocks);
    // U64F64(SubnetMovingAlpha): the I96F32 value, a negative one reading as 0.
    const Rational moving_alpha = max0(fixed::I96F32::from_bits(st.subnet_moving_alpha_bits).to_rational());
    const Rational bh = u.blocks_since + h;
    u.alpha = bh == 0 ? Rational(0) : Rational(moving_alpha * (u.blocks_since / bh));  // safe_div
    u.price = min_of(spot_price(s, w2), ONE);
    u.moving_price = u.alpha * u.price + max0(ONE - u.alpha) * get_moving_alpha_price(s);
    s.subnet_moving_price = u.moving_price;
    return u;
}

EmaUpdate update_moving_price(const ExactChainState& st, ExactSubnet& s, u64 now)
{
    return update_moving_price(st, s, now, exact::balancer::quote_weight(s));
}

void update_moving_prices(ExactChainState& st, const std::vector<SubnetEmission>& emissions)
{
    for (u64 n : get_subnets_to_emit_to(st)) {
        ExactSubnet& s = *st.find(n);
        Rational w2 = exact::balancer::quote_weight(s);
        for (const auto& e : emissions)
            if (e.netuid == n)
                w2 = e.quote_weight;
        update_moving_price(st, s, st.block, w2);
    }
}

Rational mint_tao(ExactChainState& st, const Rational& amount)
{
    const Rational issued = max0(min_of(amount, Rational(TOTAL_SUPPLY) - st.total_issuance));
    st.total_issuance += issued;
    return issued;
}

CoinbaseResult run_coinbase(const Ruleset& rules, ExactChainState& st, const Rational& credit)
{
    CoinbaseResult out;
    out.credit = credit;
    // BCOIN-002: the emitting subnets.
    const auto emit_to = get_subnets_to_emit_to(st);
    // BCOIN-005: TAO per subnet from the shares (BCOIN-003, BCOIN-004).
    auto emissions = get_subnet_block_emissions(rules, st, emit_to, credit);
    // BCOIN-009: root sell on the moving prices before this block's update.
    out.root_sell_flag = get_network_root_sell_flag(st, emit_to);
    // BCOIN-008: terms, injection, chain buys, alpha out, pending amounts.
    emit_to_subnets(rules, st, std::move(emissions), credit, out.root_sell_flag, out);
    // BEPOCH-002: every non-root subnet, emitting or not.
    out.epochs = drain_pending(st, st.block);
    return out;
}

CoinbaseResult block_step(const Ruleset& rules, ExactChainState& st)
{
    // get_block_emission: the exact emission for TotalIssuance; nothing minted for 0.
    const Rational e = exact::block_emission(st.total_issuance).emission;
    const Rational credit = e > 0 ? mint_tao(st, e) : Rational(0);
    return block_step_with_credit(rules, st, credit);
}

CoinbaseResult block_step_with_credit(const Ruleset& rules, ExactChainState& st, const Rational& credit)
{
    auto out = run_coinbase(rules, st, credit);
    // BEMA-001: after the coinbase, emitting subnets only, with this block's exact weights.
    update_moving_prices(st, out.emissions);
    for (u64 n : get_subnets_to_emit_to(st))
        out.root_prop.emplace_back(n, root_proportion(st, *st.find(n)));
    return out;
}

DividendDistribution calculate_dividend_distribution(const Rational& pending_alpha, const Rational& pending_root_alpha,
                                                     const Rational& tao_weight,
                                                     const std::map<u64, DividendInput>& hotkeys)
{
    Rational total_root = 0, total_alpha = 0;
    std::map<u64, Rational> root_divs_of, alpha_divs_of;
    for (const auto& [h, in] : hotkeys) {
        if (!in.stake)
            continue;  // not in the stake map: nothing
        const Rational root_alpha = in.stake->second * tao_weight;
        const Rational total = in.stake->first + root_alpha;
        const Rational root_prop = total > 0 ? Rational(root_alpha / total) : Rational(0);
        const Rational root_divs = in.dividend * root_prop;
        root_divs_of[h] = root_divs;
        alpha_divs_of[h] = in.dividend - root_divs;
        total_root += root_divs;
        total_alpha += in.dividend - root_divs;
    }
    DividendDistribution out;
    for (const auto& [h, rd] : root_divs_of)
        out.root_alpha_dividends[h] = total_root > 0 ? Rational(pending_root_alpha * rd / total_root) : Rational(0);
    for (const auto& [h, ad] : alpha_divs_of)
        out.alpha_dividends[h] = total_alpha > 0 ? Rational(pending_alpha * ad / total_alpha) : Rational(0);
    return out;
}

Rational get_median_subnet_alpha_price(const ExactChainState& st)
{
    std::vector<Rational> prices;
    for (const auto& s : st.subnets) {
        if (s.is_root())
            continue;
        const Rational p = exact::balancer::current_price(s);
        if (p > 0)
            prices.push_back(p);
    }
    if (prices.empty())
        return 1;
    std::sort(prices.begin(), prices.end());
    const std::size_t n = prices.size();
    const std::size_t lower = (n - 1) / 2, upper = n / 2;
    return (prices[lower] + prices[upper]) / 2;
}

Result<Registration> do_register_network(const Ruleset& rules, ExactChainState& st)
{
    if (sat_sub(st.block, st.network_last_registered) < st.network_rate_limit)
        return Error::network_tx_rate_limit_exceeded;
    Registration r;
    // What a wallet pays: whole rao, as REG-003's exact model.
    const u64 paid = to_u64_saturating(floor(exact::network_lock_cost(st)));
    r.lock_cost = paid;
    // Captured before the subnet exists.
    r.median_price = get_median_subnet_alpha_price(st);
    r.pool_tao = Rational(std::max(paid, st.network_min_lock_cost));
    r.pool_alpha = r.pool_tao / r.median_price;
    r.recycled = Rational(sat_sub(paid, std::max(paid, st.network_min_lock_cost)));

    r.netuid = dtao::injection_capped::open_subnet<ExactModel>(
        rules, st, {.tao = r.pool_tao, .alpha = r.pool_alpha, .recycled = r.recycled, .lock = paid});
    return r;
}

}  // namespace dtao::exact::injection_capped
