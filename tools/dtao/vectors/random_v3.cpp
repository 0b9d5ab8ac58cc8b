// dtao: random, valid inputs of the v3 pool's ops (the `concentrated` forms): a pool
// initialised from drawn reserves as the chain initialises it (TICK-006), sometimes with a user
// position, accrued fees or a moved price, sometimes uninitialised.
// SPDX-License-Identifier: Apache-2.0
#include "random_inputs.hpp"

#include "protocol.hpp"

#include "dtao/tick.hpp"
#include "dtao/v3_swap.hpp"

#include <algorithm>
#include <string>

namespace dtao::vectors::detail {

namespace {

std::uint64_t u64_of(const json& v) { return std::stoull(v.get<std::string>()); }

/// The pool's price moved to a tick within `spread` of the current one (clamped to the range).
void move_price(Rng& r, v3::Pool& p, std::int64_t spread)
{
    const auto t = static_cast<tick::i32>(std::clamp<std::int64_t>(
        p.current_tick + static_cast<std::int64_t>(r.range(0, 2 * spread)) - spread, tick::MIN_INDEX, tick::MAX_INDEX));
    p.sqrt_price = tick::as_sqrt_price_bounded(t);
    p.current_tick = tick::from_sqrt_price_bounded(p.sqrt_price);
}

/// The pool: reserves from `random_pool`; initialised from them (90 %), the price then moved a
/// few ticks (20 %), a position near the price (30 %), fee growth (20 %).
json random_v3_pool(Rng& r)
{
    const json flat = random_pool(r);
    v3::Pool p;
    p.tao_reserve = u64_of(flat.at("subnet_tao"));
    p.alpha_reserve = u64_of(flat.at("subnet_alpha_in"));
    p.dynamic = !(flat.value("netuid", "1") == "0" || flat.value("subnet_mechanism", "1") == "0");
    p.fee_rate = static_cast<std::uint16_t>(r.chance(80) ? v3::DEFAULT_FEE_RATE : r.range(0, 65'535));
    if (r.chance(90)) {
        v3::maybe_initialize_v3(p);
        if (r.chance(20))
            move_price(r, p, 100);
        if (r.chance(30)) {
            const auto lo = static_cast<tick::i32>(
                std::max<std::int64_t>(tick::MIN_INDEX, p.current_tick - static_cast<std::int64_t>(r.range(1, 3000))));
            const auto hi = static_cast<tick::i32>(
                std::min<std::int64_t>(tick::MAX_INDEX, p.current_tick + static_cast<std::int64_t>(r.range(1, 3000))));
            if (lo < hi)
                v3::add_position_liquidity(p, lo, hi, r.log_range(1, std::max<std::uint64_t>(p.liquidity, 2) * 2));
        }
        if (r.chance(20)) {
            p.fee_global_tao = fixed::U64F64::from_bits(u128{r.next()});
            p.fee_global_alpha = fixed::U64F64::from_bits(u128{r.next()});
        }
    }
    json in = protocol::v3_pool_to_json(p);
    for (const char* k : {"netuid", "subnet_alpha_out"})
        if (flat.contains(k))
            in[k] = flat[k];
    if (r.chance(50) && p.fee_rate == v3::DEFAULT_FEE_RATE)
        in.erase("fee_rate");  // the ruleset's default
    if (r.chance(80))
        in.erase("swap_minimum_reserve");
    return in;
}

}  // namespace

json random_v3_input(const std::string& op, Rng& r)
{
    json in = random_v3_pool(r);
    if (op == "alpha_price")
        return in;
    if (op == "adjust_protocol_liquidity") {
        // The protocol's position: the default (50 %), else given, near the current liquidity, its
        // fee snapshot at or below the globals (so it is owed fees), sometimes behind another.
        if (r.chance(50) && in.at("swap_v3_initialized").get<bool>()) {
            const std::uint64_t l = u64_of(in.at("current_liquidity"));
            const auto below = [&](const json& global) {
                const u128 bits = u128{std::stoull(global.at("bits").get<std::string>())};
                return json{{"type", "I64F64"}, {"bits", dec(static_cast<std::uint64_t>(bits >> r.range(0, 64)))}};
            };
            json position{{"tick_low", std::to_string(tick::MIN_INDEX)},
                          {"tick_high", std::to_string(tick::MAX_INDEX)},
                          {"liquidity", dec(r.chance(70) ? l : r.log_range(0, std::max<std::uint64_t>(l, 1) * 2))},
                          {"fees_tao", below(in.at("fee_global_tao"))},
                          {"fees_alpha", below(in.at("fee_global_alpha"))}};
            in["protocol_positions"] = json::array({position});
            if (r.chance(10))
                in["protocol_positions"].push_back(position);
        }
        if (r.chance(40))
            in["scrap_reservoir_tao"] = dec(r.log_range(0, 1'000'000'000ULL));
        if (r.chance(40))
            in["scrap_reservoir_alpha"] = dec(r.log_range(0, 1'000'000'000ULL));
        in["tao"] = dec(r.chance(90) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        in["alpha"] = dec(r.chance(90) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        return in;
    }
    in["amount"] = dec(r.chance(70) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
    if (op != "swap")
        return in;
    const bool buy = r.chance(50);
    in["side"] = buy ? "buy" : "sell";
    if (r.chance(40))
        in["limit_price"] = dec(limit_price_near(r, in));
    if (r.chance(20))
        in["drop_fees"] = true;
    return in;
}

json random_v3_coinbase(Rng& r)
{
    json in = {{"state", random_state(r, true)}};
    if (r.chance(60))
        in["block_emission"] = dec(r.chance(80) ? r.log_range(0, 1'000'000'000) : r.amount());
    for (json& s : in["state"]["subnets"]) {
        if (s.at("netuid") == "0")
            continue;
        // most subnets emit (the launch draw leaves `FirstEmissionBlockNumber` unset 40 % of the time)
        if (!s.contains("first_emission_block_number") && r.chance(70))
            s["first_emission_block_number"] = dec(r.range(0, 1'000'000));
        // user liquidity in the reserves (10 %); the pool initialised from them (70 %), its price
        // then moved a few hundred ticks (30 %) so that the pool's price and the reserves differ
        const std::uint64_t tao = u64_of(s.at("subnet_tao")), alpha = u64_of(s.at("subnet_alpha_in"));
        v3::Pool p;
        p.tao_reserve = tao;
        p.alpha_reserve = alpha;
        if (r.chance(10)) {
            const std::uint64_t provided = r.log_range(0, tao);
            s["subnet_tao_provided"] = dec(provided);
            p.tao_reserve = sat_add(tao, provided);
        }
        if (!r.chance(70))
            continue;
        v3::maybe_initialize_v3(p);
        if (r.chance(30))
            move_price(r, p, 300);
        if (r.chance(20))
            p.minimum_reserve = r.log_range(1, 100'000'000'000ULL);
        s["swap_v3"] = protocol::v3_storage_to_json(p);
    }
    return in;
}

}  // namespace dtao::vectors::detail
