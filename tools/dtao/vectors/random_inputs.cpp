// dtao: random, valid protocol inputs (launch era), for `dtao conform --random` and
// the seeded vector groups; the portable random source.
// SPDX-License-Identifier: Apache-2.0
#include "random_inputs.hpp"

#include <algorithm>

namespace dtao::vectors {

// ------------------------------------------------------------------ random inputs

std::uint64_t Rng::below(std::uint64_t n)
{
    if (n == 0)
        return 0;
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    std::uint64_t v;
    do
        v = m_gen();
    while (v >= limit);
    return v % n;
}

std::uint64_t Rng::range(std::uint64_t lo, std::uint64_t hi)
{
    if (hi <= lo)
        return lo;
    if (lo == 0 && hi == UINT64_MAX)
        return m_gen();
    return lo + below(hi - lo + 1);
}

std::uint64_t Rng::log_range(std::uint64_t lo, std::uint64_t hi)
{
    if (hi <= lo)
        return lo;
    // pick a bit length between those of lo and hi, then a value of that length, clamped
    const int blo = lo == 0 ? 0 : 64 - __builtin_clzll(lo);
    const int bhi = 64 - __builtin_clzll(hi);
    const int b = static_cast<int>(range(static_cast<std::uint64_t>(blo), static_cast<std::uint64_t>(bhi)));
    std::uint64_t v = 0;
    if (b > 0) {
        const std::uint64_t top = std::uint64_t{1} << (b - 1);
        v = top | (b > 1 ? below(top) : 0);
    }
    return std::clamp(v, lo, hi);
}

std::uint64_t Rng::amount()
{
    static const std::uint64_t edges[] = {0,
                                          1,
                                          2,
                                          3,
                                          9'999'999,
                                          10'000'000,
                                          10'000'001,
                                          499'999,
                                          500'000,
                                          550'000,
                                          1'000'000'000,
                                          21'000'000'000'000'000ULL,
                                          (1ULL << 63),
                                          UINT64_MAX - 1,
                                          UINT64_MAX};
    const auto mode = below(10);
    if (mode < 2)
        return edges[below(std::size(edges))];
    if (mode < 8)
        return log_range(1, 10'000'000'000'000ULL);
    return log_range(0, UINT64_MAX);
}

namespace detail {

std::string dec(std::uint64_t v) { return std::to_string(v); }

json fixed_bits(const char* type, std::uint64_t bits) { return {{"type", type}, {"bits", dec(bits)}}; }

std::uint64_t reserve(Rng& r)
{
    const auto mode = r.below(10);
    if (mode < 7)
        return r.log_range(10'000'000, 10'000'000'000'000'000ULL);
    if (mode < 8)
        return r.range(0, 20'000'000);
    if (mode < 9)
        return r.log_range(10'000'000'000'000'000ULL, UINT64_MAX);
    return r.amount();
}

json random_pool(Rng& r)
{
    json in = json::object();
    const auto kind = r.below(20);
    if (kind == 0)
        in["netuid"] = "0";
    else if (kind == 1)
        in["subnet_mechanism"] = "0";
    else if (kind == 2)
        in["netuid"] = dec(r.range(1, 65535));
    in["subnet_tao"] = dec(reserve(r));
    in["subnet_alpha_in"] = dec(reserve(r));
    if (r.chance(40))
        in["subnet_alpha_out"] = dec(r.chance(80) ? r.log_range(0, 21'000'000'000'000'000ULL) : r.amount());
    return in;
}

std::uint64_t limit_price_near(Rng& r, const json& pool)
{
    const double tao = std::stod(pool["subnet_tao"].get<std::string>());
    const double alpha = std::stod(pool["subnet_alpha_in"].get<std::string>());
    if (r.chance(20) || alpha == 0)
        return r.amount();
    const double p = tao / alpha * 1e9;
    const double factor = 0.5 + static_cast<double>(r.below(2001)) / 1000.0;  // 0.5 … 2.5
    const double v = p * factor;
    if (!(v < 1.8e19))
        return UINT64_MAX;
    return static_cast<std::uint64_t>(v) + r.range(0, 2);
}

json random_subnet(Rng& r, std::uint64_t netuid)
{
    json s = json::object();
    s[key(&Subnet::netuid)] = dec(netuid);
    if (netuid == 0) {
        s[key(&Subnet::subnet_tao)] = dec(r.log_range(0, 10'000'000'000'000'000ULL));
        return s;
    }
    s[key(&Subnet::subnet_tao)] = dec(r.log_range(10'000'000, 10'000'000'000'000'000ULL));
    s[key(&Subnet::subnet_alpha_in)] = dec(r.log_range(10'000'000, 10'000'000'000'000'000ULL));
    if (r.chance(60))
        s[key(&Subnet::subnet_alpha_out)] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
    s[key(&Subnet::subnet_moving_price)] = fixed_bits("I96F32", r.log_range(0, std::uint64_t{1} << 36));
    s[key(&Subnet::tempo)] = dec(r.chance(50) ? r.range(0, 3) : r.range(1, 400));
    if (r.chance(30))
        s[key(&Subnet::blocks_since_last_step)] = dec(r.range(0, 400));
    if (r.chance(15))
        s[key(&Subnet::network_registration_allowed)] = false;
    if (r.chance(15))
        s[key(&Subnet::network_pow_registration_allowed)] = true;
    if (r.chance(30))
        s[key(&Subnet::pending_emission)] = dec(r.log_range(0, 1'000'000'000'000ULL));
    if (r.chance(20))
        s[key(&Subnet::pending_root_divs)] = dec(r.log_range(0, 1'000'000'000'000ULL));
    if (r.chance(30))
        s[key(&Subnet::network_registered_at)] = dec(r.range(0, 1'000'000));
    if (r.chance(60))
        s[key(&Subnet::first_emission_block_number)] = dec(r.range(0, 1'000'000));
    return s;
}

json random_state(Rng& r, bool root_possible)
{
    json st = json::object();
    st[key(&ChainState::block)] = dec(r.range(0, 5'000'000));
    st[key(&ChainState::total_issuance)] = dec(r.chance(80) ? r.log_range(0, 21'000'000'000'000'000ULL) : r.amount());
    if (r.chance(50))
        st[key(&ChainState::total_stake)] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
    if (r.chance(30))
        st[key(&ChainState::tao_weight)] = dec(r.chance(50) ? 0 : r.next());
    if (r.chance(30))
        st[key(&ChainState::subnet_owner_cut)] = dec(r.range(0, 65535));
    json subnets = json::array();
    std::uint64_t netuid = (root_possible && r.chance(50)) ? 0 : 1;
    const auto n = r.range(1, 3);
    for (std::uint64_t i = 0; i < n; ++i) {
        subnets.push_back(random_subnet(r, netuid));
        netuid += r.range(1, 3);
    }
    st["subnets"] = subnets;
    return st;
}

}  // namespace detail

using namespace detail;

std::vector<std::string> random_ops()
{
    return {"block_emission",
            "alpha_price",
            "sim_swap_tao_for_alpha",
            "sim_swap_alpha_for_tao",
            "max_amount_add",
            "max_amount_remove",
            "add_stake",
            "remove_stake",
            "update_moving_price",
            "coinbase",
            "drain_pending_emission",
            "network_lock_cost",
            "register_network",
            "start_call",
            "blocks_until_next_epoch",
            "swap",
            "adjust_protocol_liquidity",
            "pow_ratio_scaled",
            "dividend_distribution",
            "migrate_swapv3_to_balancer"};
}

json random_input(const std::string& op, Rng& r)
{
    if (op == "block_emission") {
        if (r.chance(40)) {
            // near the threshold S·(1 − 2^-k) of a random band
            const unsigned k = static_cast<unsigned>(r.range(1, 40));
            const std::uint64_t S = 21'000'000'000'000'000ULL;
            const std::uint64_t t = S - (S >> k);
            const std::uint64_t d = r.range(0, 4000);
            return {{"issuance", dec(r.chance(50) ? t + d : t - d)}};
        }
        return {{"issuance", dec(r.chance(90) ? r.range(0, 21'100'000'000'000'000ULL) : r.amount())}};
    }
    if (op == "alpha_price")
        return random_pool(r);
    if (op == "sim_swap_tao_for_alpha" || op == "sim_swap_alpha_for_tao") {
        json in = random_pool(r);
        in["amount"] = dec(r.amount());
        return in;
    }
    if (op == "max_amount_add" || op == "max_amount_remove") {
        json in = random_pool(r);
        in["limit_price"] = dec(limit_price_near(r, in));
        return in;
    }
    if (op == "add_stake" || op == "remove_stake") {
        json in = random_pool(r);
        if (r.chance(50))
            in["total_stake"] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        in["amount"] = dec(r.chance(70) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
        if (r.chance(40)) {
            in["limit_price"] = dec(limit_price_near(r, in));
            if (r.chance(50))
                in["allow_partial"] = r.chance(50);
        }
        if (op == "remove_stake" && r.chance(50)) {
            in["alpha_dividends_per_subnet"] = dec(r.log_range(0, 1'000'000'000'000ULL));
            in["total_hotkey_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        }
        return in;
    }
    if (op == "update_moving_price") {
        json in = random_pool(r);
        in["subnet_moving_price"] =
            fixed_bits("I96F32", r.chance(80) ? r.log_range(0, std::uint64_t{1} << 36) : r.next());
        if (r.chance(20))
            in["subnet_moving_alpha"] = fixed_bits("I96F32", r.log_range(0, std::uint64_t{1} << 32));
        in["block"] = dec(r.range(0, 5'000'000));
        if (r.chance(50))
            in["network_registered_at"] = dec(r.range(0, 5'000'000));
        if (r.chance(60))
            in["first_emission_block_number"] = dec(r.range(0, 5'000'000));
        if (r.chance(30))
            in["ema_price_halving_blocks"] = dec(r.chance(20) ? 0 : r.log_range(1, 1'000'000));
        return in;
    }
    if (op == "coinbase") {
        json in = {{"state", random_state(r, true)}};
        if (r.chance(60))
            in["block_emission"] = dec(r.chance(80) ? r.log_range(0, 1'000'000'000) : r.amount());
        return in;
    }
    if (op == "drain_pending_emission") {
        json in = json::object();
        in["netuid"] = dec(r.range(1, 10));
        if (r.chance(50))
            in["tao_weight"] = dec(r.chance(30) ? 0 : r.next());
        in["pending_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        in["pending_tao"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["pending_swapped"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["owner_cut"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        const auto n = r.range(1, 4);
        json epoch = json::array();
        json hotkeys = json::object();
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::string hk = "hk" + std::to_string(i);
            epoch.push_back({{"hotkey", hk},
                             {"incentive", dec(r.chance(60) ? r.log_range(0, 10'000'000'000'000ULL) : 0)},
                             {"dividend", dec(r.chance(70) ? r.log_range(0, 10'000'000'000'000ULL) : 0)}});
            json h = json::object();
            h["owner"] = "ck" + std::to_string(r.below(3));
            h["alpha_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            if (r.chance(60))
                h["root_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            if (r.chance(50))
                h["take"] = dec(r.range(0, 65535));
            if (r.chance(30))
                h["childkey_take"] = dec(r.range(0, 65535));
            if (i > 0 && r.chance(30)) {
                const std::string parent = "hk" + std::to_string(r.below(i));
                const std::uint64_t prop = r.chance(30) ? UINT64_MAX : r.next();
                h["parents"] = json::array({{{"proportion", dec(prop)}, {"hotkey", parent}}});
                hotkeys[parent]["children"] = json::array({{{"proportion", dec(prop)}, {"hotkey", hk}}});
            }
            for (const auto& [k, v] : h.items())
                hotkeys[hk][k] = v;
        }
        in["epoch"] = epoch;
        in["hotkeys"] = hotkeys;
        if (r.chance(40)) {
            in["subnet_owner"] = "ck0";
            in["subnet_owner_hotkey"] = "hk" + std::to_string(r.below(n));
        }
        return in;
    }
    if (op == "network_lock_cost" || op == "register_network") {
        json st = json::object();
        const std::uint64_t block = r.range(0, 5'000'000);
        st[key(&ChainState::block)] = dec(block);
        st[key(&ChainState::network_last_registered)] = dec(r.chance(20) ? r.range(0, 10'000'000) : r.range(0, block));
        st[key(&ChainState::network_last_lock_cost)] =
            dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        if (r.chance(30))
            st[key(&ChainState::network_min_lock_cost)] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(30))
            st[key(&ChainState::network_lock_reduction_interval)] = dec(r.chance(10) ? 0 : r.log_range(1, 1'000'000));
        if (r.chance(30))
            st[key(&ChainState::network_rate_limit)] = dec(r.range(0, 20'000));
        st[key(&ChainState::total_issuance)] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        if (r.chance(50))
            st[key(&ChainState::total_stake)] = dec(r.log_range(0, 21'000'000'000'000'000ULL));
        json subnets = json::array();
        std::uint64_t netuid = 0;
        const auto n = r.range(0, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            subnets.push_back({{key(&Subnet::netuid), dec(netuid)}});
            netuid += r.range(1, 2);
        }
        st["subnets"] = subnets;
        return {{"state", st}};
    }
    if (op == "start_call") {
        json st = json::object();
        const std::uint64_t block = r.range(0, 2'000'000);
        st[key(&ChainState::block)] = dec(block);
        json subnets = json::array();
        std::uint64_t netuid = r.range(0, 1);
        const auto n = r.range(1, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            json s = {{key(&Subnet::netuid), dec(netuid)},
                      {key(&Subnet::network_registered_at), dec(r.range(block > 60'000 ? block - 60'000 : 0, block))}};
            if (r.chance(25))
                s[key(&Subnet::first_emission_block_number)] = dec(r.range(0, block + 1));
            subnets.push_back(s);
            netuid += 1;
        }
        st["subnets"] = subnets;
        return {{"state", st}, {"netuid", dec(r.range(0, netuid))}};
    }
    if (op == "blocks_until_next_epoch") {
        return {{"netuid", dec(r.chance(80) ? r.range(0, 64) : r.range(0, 65535))},
                {"tempo", dec(r.chance(80) ? r.range(0, 400) : r.range(0, 65535))},
                {"block", dec(r.chance(80) ? r.range(0, 10'000'000) : r.amount())}};
    }
    return json::object();
}

}  // namespace dtao::vectors
