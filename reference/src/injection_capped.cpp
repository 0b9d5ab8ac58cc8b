// dtao-reference: the Balancer-era coinbase, epoch scheduler, EMA and registration.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/injection_capped.hpp"

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/registration.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace dtao::chain::injection_capped {

using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

namespace {

/// `asfloat!`: U96F32::saturating_from_num(u64).
U96F32 asfloat(u64 v) { return U96F32::saturating_from_u64(v); }
/// `tou64!`: saturating_to_num::<u64>() (truncates).
u64 tou64(U96F32 v) { return v.saturating_to_u64(); }
/// `asfloat!(0.5)`: exact.
const U96F32 HALF = U96F32::from_bits(u128{1} << 31);

u64 alpha_issuance(const Subnet& s) { return sat_add(s.subnet_alpha_in, s.subnet_alpha_out); }

}  // namespace

U96F32 get_tao_weight(const ChainState& st) { return asfloat(st.tao_weight).safe_div(asfloat(U64_MAX)); }

U96F32 root_proportion(const ChainState& st, const Subnet& s)
{
    // BCOIN-001: (root TAO · tw) / (root TAO · tw + alpha issuance); multiply first.
    const U96F32 issuance = asfloat(alpha_issuance(s));
    const U96F32 tw = asfloat(st.root_tao()).saturating_mul(get_tao_weight(st));
    return tw.checked_div(tw.saturating_add(issuance)).value_or(U96F32::zero());
}

U64F64 get_moving_alpha_price(const Subnet& s)
{
    if (s.is_stable())
        return U64F64::one();
    return fixed::convert<U64F64>(s.subnet_moving_price);
}

std::map<u64, U64F64> get_shares_price_ema(const ChainState& st, const std::vector<u64>& emit_to)
{
    U64F64 total = U64F64::zero();
    for (u64 n : emit_to)
        total = total.saturating_add(get_moving_alpha_price(*st.find(n)));
    std::map<u64, U64F64> shares;
    for (u64 n : emit_to)
        shares[n] = get_moving_alpha_price(*st.find(n)).checked_div(total).value_or(U64F64::zero());
    return shares;
}

std::map<u64, U64F64> get_shares(const Ruleset& rules, const ChainState& st, const std::vector<u64>& emit_to)
{
    const auto price_shares = get_shares_price_ema(st, emit_to);
    if (rules.share_weight == ShareWeight::none)
        return price_shares;
    const U64F64 one = U64F64::one();
    std::map<u64, U64F64> weighted;
    U64F64 total = U64F64::zero();
    for (const auto& [n, share] : price_shares) {
        const Subnet& s = *st.find(n);
        const U64F64 burned = fixed::convert<U64F64>(s.miner_burned).min(one);
        U64F64 factor = one.saturating_sub(burned);
        if (rules.share_weight == ShareWeight::root_proportion_unburned)  // v3.4.8-423, v3.4.9-424
            factor = fixed::convert<U64F64>(root_proportion(st, s)).saturating_mul(factor);
        const U64F64 w = share.saturating_mul(factor);
        weighted[n] = w;
        total = total.saturating_add(w);
    }
    if (!(total > U64F64::zero()))
        return price_shares;  // every weight is 0 (no root stake, all burned): unweighted shares
    for (auto& [n, w] : weighted)
        w = w.safe_div(total);
    return weighted;
}

namespace {
/// The shares after the SubnetEmissionEnabled renormalisation (BCOIN-005).
std::map<u64, U64F64> emission_shares(const ChainState& st, std::map<u64, U64F64> shares)
{
    bool has_disabled = false;
    U64F64 enabled_sum = U64F64::zero();
    for (const auto& [n, share] : shares) {
        if (st.find(n)->subnet_emission_enabled)
            enabled_sum = enabled_sum.saturating_add(share);
        else
            has_disabled = true;
    }
    if (!has_disabled)
        return shares;
    for (auto& [n, share] : shares) {
        if (st.find(n)->subnet_emission_enabled && enabled_sum > U64F64::zero())
            share = share.safe_div(enabled_sum);
        else
            share = U64F64::zero();
    }
    return shares;
}
}  // namespace

std::map<u64, U96F32> get_subnet_block_emissions(const Ruleset& rules, const ChainState& st,
                                                 const std::vector<u64>& emit_to, U96F32 block_emission)
{
    std::map<u64, U96F32> out;
    const U64F64 e = fixed::convert<U64F64>(block_emission);
    for (const auto& [n, share] : emission_shares(st, get_shares(rules, st, emit_to)))
        out[n] = fixed::convert<U96F32>(e.saturating_mul(share));
    return out;
}

void get_subnet_terms(const ChainState& st, const Subnet& s, SubnetEmission& e)
{
    e.alpha_emission = asfloat(chain::block_emission_amount(alpha_issuance(s)));
    // U64F64 → U96F32 truncates the price to 32 fractional bits.
    e.price = fixed::convert<U96F32>(chain::balancer::current_price(s));
    e.tao_in = e.tao_emission;
    e.alpha_out = e.alpha_emission;
    e.alpha_in = e.tao_emission.checked_div(e.price).value_or(U96F32::zero());  // safe_div_or(price, 0)
    e.root_proportion_pre = root_proportion(st, s);
    e.cap = e.root_proportion_pre.saturating_mul(e.alpha_emission);
    e.capped = e.alpha_in > e.cap;
    if (e.capped) {
        e.alpha_in = e.cap;
        e.tao_in = e.alpha_in.saturating_mul(e.price);
    }
    e.excess_tao = e.tao_emission.saturating_sub(e.tao_in);
}

u64 inject_and_maybe_swap(const Ruleset& rules, ChainState& st, std::vector<SubnetEmission>& emissions, u64 credit)
{
    for (auto& e : emissions) {
        Subnet& s = *st.find(e.netuid);
        const u64 tao_in = tou64(e.tao_in);
        const u64 alpha_in = tou64(e.alpha_in);
        const u64 tao_to_swap_with = tou64(e.excess_tao);

        // Reweight from the current reserves, before the chain buy (BAL-007).
        std::tie(e.injected_tao, e.injected_alpha) = chain::balancer::adjust_protocol_liquidity(s, tao_in, alpha_in);
        s.subnet_excess_tao = 0;
        s.subnet_tao_in_emission = 0;

        if (tao_to_swap_with > 0 && credit >= tao_to_swap_with) {  // spend_tao rejects overspending
            credit -= tao_to_swap_with;
            e.excess_spent = tao_to_swap_with;
            const auto bought = chain::balancer::swap_tao_for_alpha(rules, s, st.total_stake, st.swap_minimum_reserve,
                                                                    tao_to_swap_with, SWAP_MAX_PRICE, true);
            if (bought) {
                e.chain_buy_ok = true;
                e.chain_buy_paid_in = bought->amount_paid_in;
                e.chain_buy_alpha = bought->amount_paid_out;
                s.subnet_protocol_alpha = sat_add(s.subnet_protocol_alpha, bought->amount_paid_out);
                s.subnet_excess_tao = bought->amount_paid_in;
            }
            // The spent TAO sits in the subnet account; what the swap did not put into
            // SubnetTAO is neither in the pool nor recycled.
            e.stranded_tao = tao_to_swap_with - e.chain_buy_paid_in;
        }

        s.subnet_alpha_in_emission = e.injected_alpha;
        s.subnet_alpha_in = sat_add(s.subnet_alpha_in, e.injected_alpha);

        if (e.injected_tao > 0 && credit >= e.injected_tao) {
            credit -= e.injected_tao;
            s.subnet_tao_in_emission = e.injected_tao;
            s.subnet_tao = sat_add(s.subnet_tao, e.injected_tao);
            st.total_stake = sat_add(st.total_stake, e.injected_tao);
        } else if (e.injected_tao > 0) {
            e.injected_tao = 0;  // the spend failed: nothing injected
        }
    }
    return credit;
}

bool get_network_root_sell_flag(const ChainState& st, const std::vector<u64>& emit_to)
{
    // `.sum()` folds U64F64 `Add`, which wraps in the runtime's release profile (no
    // overflow-checks), unlike every other sum of the coinbase: a large enough sum of moving
    // prices reads as small and turns the flag off (F-040). u128 addition wraps the same way.
    U64F64 total = U64F64::zero();
    for (u64 n : emit_to)
        total = U64F64::from_bits(total.bits + get_moving_alpha_price(*st.find(n)).bits);
    return total > U64F64::one();
}

void emit_to_subnets(const Ruleset& rules, ChainState& st, const std::map<u64, U96F32>& subnet_emissions, u64 credit,
                     bool root_sell_flag, CoinbaseResult& out)
{
    // BCOIN-006: every term on the pre-injection state.
    out.emissions.clear();
    for (const auto& [n, emission] : subnet_emissions) {
        SubnetEmission e;
        e.netuid = n;
        e.tao_emission = emission;
        get_subnet_terms(st, *st.find(n), e);
        out.emissions.push_back(e);
    }
    // BCOIN-014: the terms are a BTreeMap (any order will do), but the injection and the alpha
    // loop walk `subnets_to_emit_to`, in storage-key order: it decides which spend the credit
    // refuses first.
    std::sort(out.emissions.begin(), out.emissions.end(),
              [](const SubnetEmission& a, const SubnetEmission& b) { return storage_key_less(a.netuid, b.netuid); });

    // BCOIN-007: injection and chain buys; the unspent credit is recycled.
    const u64 left = inject_and_maybe_swap(rules, st, out.emissions, credit);
    out.tao_spent = credit - left;
    out.tao_recycled = left;
    st.total_issuance = sat_sub(st.total_issuance, left);

    // BCOIN-008: alpha for participants.
    const U96F32 cut_percent = asfloat(st.subnet_owner_cut).safe_div(asfloat(65535));
    for (auto& e : out.emissions) {
        Subnet& s = *st.find(e.netuid);
        U96F32 alpha_out = e.alpha_out;
        const u64 created = tou64(alpha_out);
        s.subnet_alpha_out_emission = created;
        s.subnet_alpha_out = sat_add(s.subnet_alpha_out, created);
        if (s.owner_cut_enabled) {
            e.owner_cut = alpha_out.saturating_mul(cut_percent);
            alpha_out = alpha_out.saturating_sub(e.owner_cut);
            s.pending_owner_cut = sat_add(s.pending_owner_cut, tou64(e.owner_cut));
        }
        e.root_proportion_post = root_proportion(st, s);
        e.root_alpha = e.root_proportion_post.saturating_mul(alpha_out).saturating_mul(HALF);
        e.server = alpha_out.saturating_mul(HALF);
        e.validator = alpha_out.saturating_sub(e.server).saturating_sub(e.root_alpha);
        s.pending_server_emission = sat_add(s.pending_server_emission, tou64(e.server));
        s.pending_validator_emission = sat_add(s.pending_validator_emission, tou64(e.validator));
        if (root_sell_flag) {
            s.pending_root_alpha_divs = sat_add(s.pending_root_alpha_divs, tou64(e.root_alpha));
        } else {
            e.root_alpha_recycled = tou64(e.root_alpha);  // recycle_subnet_alpha: AlphaOut −=
            s.subnet_alpha_out = sat_sub(s.subnet_alpha_out, e.root_alpha_recycled);
        }
    }
}

EmaUpdate update_moving_price(const ChainState& st, Subnet& s, u64 now)
{
    EmaUpdate u;
    const u64 start_call_block = sat_sub(s.first_emission_block_number.value_or(0), 1);
    u.blocks_since = U64F64::saturating_from_u64(sat_sub(now, start_call_block));
    const U64F64 h = U64F64::saturating_from_u64(s.ema_price_halving_blocks);
    const U64F64 moving_alpha = fixed::convert<U64F64>(I96F32::from_bits(st.subnet_moving_alpha_bits));
    u.alpha = moving_alpha.saturating_mul(u.blocks_since.safe_div(u.blocks_since.saturating_add(h)));
    const U64F64 one_minus_alpha = U64F64::one().saturating_sub(u.alpha);
    u.price = chain::balancer::current_price(s).min(U64F64::one());
    const U64F64 current_price = u.alpha.saturating_mul(u.price);
    const U64F64 current_moving = one_minus_alpha.saturating_mul(get_moving_alpha_price(s));
    u.moving_price = fixed::convert<I96F32>(current_price.saturating_add(current_moving));
    s.subnet_moving_price = u.moving_price;
    return u;
}

void update_moving_prices(ChainState& st)
{
    for (u64 n : get_subnets_to_emit_to(st))
        update_moving_price(st, *st.find(n), st.block);
}

u64 mint_tao(ChainState& st, u64 amount)
{
    const u64 issued = std::min(amount, sat_sub(TOTAL_SUPPLY, st.total_issuance));
    st.total_issuance = sat_add(st.total_issuance, issued);
    return issued;
}

CoinbaseResult run_coinbase(const Ruleset& rules, ChainState& st, u64 credit)
{
    CoinbaseResult out;
    out.credit = credit;
    // BCOIN-002: the emitting subnets.
    const auto emit_to = get_subnets_to_emit_to(st);
    // BCOIN-005: TAO per subnet from the shares (BCOIN-003, BCOIN-004).
    const auto emissions = get_subnet_block_emissions(rules, st, emit_to, asfloat(credit));
    // The intermediates of the shares, for the report (the state they read is not yet changed).
    const auto price_shares = get_shares_price_ema(st, emit_to);
    const auto shares = get_shares(rules, st, emit_to);
    const auto enabled_shares = emission_shares(st, shares);
    std::map<u64, U64F64> moving_prices;
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

CoinbaseResult block_step(const Ruleset& rules, ChainState& st)
{
    // get_block_emission: nothing minted on error or for 0.
    const auto e = chain::block_emission(st.total_issuance);
    const u64 credit = (e && e->emission > 0) ? mint_tao(st, e->emission) : 0;
    return block_step_with_credit(rules, st, credit);
}

CoinbaseResult block_step_with_credit(const Ruleset& rules, ChainState& st, u64 credit)
{
    auto out = run_coinbase(rules, st, credit);
    // BEMA-001: after the coinbase, emitting subnets only.
    update_moving_prices(st);
    // update_root_prop (informational RootProp storage).
    for (u64 n : get_subnets_to_emit_to(st))
        out.root_prop.emplace_back(n, root_proportion(st, *st.find(n)));
    return out;
}

DividendDistribution calculate_dividend_distribution(u64 pending_alpha, u64 pending_root_alpha, U96F32 tao_weight,
                                                     const std::map<u64, DividendInput>& hotkeys)
{
    U96F32 total_root_divs = U96F32::zero(), total_alpha_divs = U96F32::zero();
    std::map<u64, U96F32> root_divs_of, alpha_divs_of;
    for (const auto& [h, in] : hotkeys) {
        if (!in.stake)
            continue;  // not in the stake map: the hotkey gets nothing
        const U96F32 alpha_stake = asfloat(in.stake->first);
        const U96F32 root_alpha = asfloat(in.stake->second).saturating_mul(tao_weight);
        const U96F32 total_alpha = alpha_stake.saturating_add(root_alpha);
        const U96F32 root_prop = root_alpha.checked_div(total_alpha).value_or(U96F32::zero());
        const U96F32 root_divs = in.dividend.saturating_mul(root_prop);
        const U96F32 alpha_divs = in.dividend.saturating_sub(root_divs);
        alpha_divs_of[h] = alpha_divs;
        total_alpha_divs = total_alpha_divs.saturating_add(alpha_divs);
        root_divs_of[h] = root_divs;
        total_root_divs = total_root_divs.saturating_add(root_divs);
    }
    DividendDistribution out;
    for (const auto& [h, rd] : root_divs_of) {
        const U96F32 share = rd.checked_div(total_root_divs).value_or(U96F32::zero());
        out.root_alpha_dividends[h] = asfloat(pending_root_alpha).saturating_mul(share);
    }
    for (const auto& [h, ad] : alpha_divs_of) {
        const U96F32 share = ad.checked_div(total_alpha_divs).value_or(U96F32::zero());
        out.alpha_dividends[h] = asfloat(pending_alpha).saturating_mul(share);
    }
    return out;
}

U64F64 get_median_subnet_alpha_price(const ChainState& st)
{
    std::vector<U64F64> prices;
    for (const auto& s : st.subnets) {
        if (s.is_root())
            continue;
        const U64F64 p = chain::balancer::current_price(s);
        if (p > U64F64::zero())
            prices.push_back(p);
    }
    if (prices.empty())
        return U64F64::one();
    std::sort(prices.begin(), prices.end(), [](U64F64 a, U64F64 b) { return a < b; });
    const std::size_t n = prices.size();
    const std::size_t lower = (n - 1) / 2, upper = n / 2;
    if (lower == upper)
        return prices[upper];
    return prices[lower].saturating_add(prices[upper]).safe_div(U64F64::saturating_from_u64(2));
}

Registration register_network(const Ruleset& rules, ChainState& st, u64 lock)
{
    Registration r;
    // Captured before the subnet exists.
    r.median_price = get_median_subnet_alpha_price(st);
    r.pool_tao = std::max(lock, st.network_min_lock_cost);
    r.pool_alpha = U64F64::saturating_from_u64(r.pool_tao).safe_div(r.median_price).floor().saturating_to_u64();
    r.recycled = sat_sub(lock, r.pool_tao);
    r.netuid = dtao::injection_capped::open_subnet<ChainModel>(
        rules, st, {.tao = r.pool_tao, .alpha = r.pool_alpha, .recycled = r.recycled, .lock = lock});
    return r;
}

Result<Registration> do_register_network(const Ruleset& rules, ChainState& st)
{
    if (sat_sub(st.block, st.network_last_registered) < st.network_rate_limit)
        return Error::network_tx_rate_limit_exceeded;
    return register_network(rules, st, chain::network_lock_cost(st));
}

Result<u64> start_call(ChainState& st, u64 netuid, u64 start_call_delay)
{
    Subnet* s = st.find(netuid);
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

}  // namespace dtao::chain::injection_capped
