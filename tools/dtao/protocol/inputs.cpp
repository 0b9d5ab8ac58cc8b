// dtao: each op form's list of input fields (inputs.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "inputs.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace dtao::protocol {

namespace {

using namespace in;

/// `base`'s fields, then `more`.
InputShape plus(const InputShape& base, std::vector<const InputField*> more)
{
    InputShape s = base;
    s.fields.insert(s.fields.end(), more.begin(), more.end());
    return s;
}

const InputShape POOL{{&POOL_NETUID, &SUBNET_MECHANISM, &SUBNET_TAO, &SUBNET_ALPHA_IN, &SUBNET_ALPHA_OUT}};
/// The Balancer pool: the flat pool and the swap pallet's per-subnet storage.
const InputShape BALANCER_POOL{POOL.fields, Group::swap_pallet};
const std::vector<const InputField*> EMA{
    &SUBNET_MOVING_PRICE,   &SUBNET_MOVING_ALPHA,         &BLOCK,
    &NETWORK_REGISTERED_AT, &FIRST_EMISSION_BLOCK_NUMBER, &EMA_PRICE_HALVING_BLOCKS};

// common, modulo
const InputShape BLOCK_EMISSION_IN{{&ISSUANCE}};
const InputShape STATE_ONLY{{&STATE}};
const InputShape BLOCKS_UNTIL_NEXT_EPOCH_IN{{&NETUID, &TEMPO, &GIVEN_BLOCK}};

// constant_product
const InputShape SIM_SWAP_IN = plus(POOL, {&AMOUNT});
const InputShape MAX_AMOUNT_IN = plus(POOL, {&GIVEN_LIMIT_PRICE});
const InputShape ADD_STAKE_IN = plus(POOL, {&TOTAL_STAKE, &AMOUNT, &LIMIT_PRICE, &ALLOW_PARTIAL});
const InputShape REMOVE_STAKE_IN = plus(POOL, {&TOTAL_STAKE, &AMOUNT, &LIMIT_PRICE, &ALLOW_PARTIAL,
                                               &ALPHA_DIVIDENDS_PER_SUBNET, &TOTAL_HOTKEY_ALPHA, &ALPHA_AVAILABLE});

// launch
const InputShape LAUNCH_MOVING_PRICE_IN = plus(POOL, EMA);
const InputShape COINBASE_IN{{&STATE, &BLOCK_EMISSION}};
const InputShape LAUNCH_BLOCK_IN{{&STATE, &BLOCK_EMISSION, &LAUNCH_ACTIONS}};
const InputShape DRAIN_IN{{&POOL_NETUID, &TAO_WEIGHT, &PENDING_ALPHA, &PENDING_TAO, &PENDING_SWAPPED, &OWNER_CUT,
                           &SUBNET_OWNER, &SUBNET_OWNER_HOTKEY, &EPOCH, &DRAIN_HOTKEYS}};
const InputShape START_CALL_IN{{&STATE, &NETUID}};

// balancer
const InputShape SWAP_IN = plus(BALANCER_POOL, {&SWAP_MINIMUM_RESERVE, &SIDE, &AMOUNT, &SWAP_LIMIT_PRICE, &DROP_FEES});
const InputShape BALANCER_MAX_AMOUNT_IN = plus(BALANCER_POOL, {&SWAP_MINIMUM_RESERVE, &GIVEN_LIMIT_PRICE});
const InputShape ADJUST_PROTOCOL_LIQUIDITY_IN = plus(BALANCER_POOL, {&TAO, &ALPHA});
const InputShape POW_RATIO_SCALED_IN{
    {&BASE_NUMERATOR, &BASE_DENOMINATOR, &EXPONENT_NUMERATOR, &EXPONENT_DENOMINATOR, &PRECISION, &SCALE}};
/// A stake op's pool carries `SubnetVolume`, which the op writes (BAL-010), and the chain-wide
/// values the op reads.
const InputShape STAKE_POOL = plus(BALANCER_POOL, {&SUBNET_VOLUME, &TOTAL_STAKE, &SWAP_MINIMUM_RESERVE, &BLOCK_AUTHOR});
const InputShape BALANCER_ADD_STAKE_IN = plus(STAKE_POOL, {&AMOUNT, &LIMIT_PRICE, &ALLOW_PARTIAL});
const InputShape BALANCER_REMOVE_STAKE_IN = plus(STAKE_POOL, {&AMOUNT, &HELD_ALPHA, &LIMIT_PRICE, &ALLOW_PARTIAL});

// injection_capped
const InputShape CAPPED_MOVING_PRICE_IN = plus(BALANCER_POOL, EMA);
const InputShape CAPPED_BLOCK_IN{{&STATE, &BLOCK_EMISSION, &BALANCER_ACTIONS}};
const InputShape DIVIDEND_DISTRIBUTION_IN{{&PENDING_ALPHA, &PENDING_ROOT_ALPHA, &TAO_WEIGHT, &DIVIDEND_HOTKEYS}};

// concentrated: the flat pool, the pallet's two `*Provided` reserves and its v3 storage
const InputShape V3_POOL =
    plus(POOL, {&SUBNET_TAO_PROVIDED, &SUBNET_ALPHA_IN_PROVIDED, &SWAP_V3_INITIALIZED, &ALPHA_SQRT_PRICE, &CURRENT_TICK,
                &CURRENT_LIQUIDITY, &V3_FEE_RATE, &FEE_GLOBAL_TAO, &FEE_GLOBAL_ALPHA, &TICKS, &SWAP_MINIMUM_RESERVE});
const InputShape V3_SIM_SWAP_IN = plus(V3_POOL, {&AMOUNT});
const InputShape V3_SWAP_IN = plus(V3_POOL, {&SIDE, &AMOUNT, &SWAP_LIMIT_PRICE, &DROP_FEES});
/// The protocol position's maintenance reads the protocol's positions and the scrap reservoirs too.
const InputShape V3_ADJUST_PROTOCOL_LIQUIDITY_IN =
    plus(V3_POOL, {&PROTOCOL_POSITIONS, &SCRAP_RESERVOIR_TAO, &SCRAP_RESERVOIR_ALPHA, &TAO, &ALPHA});
/// The bridge takes the whole v3 pool (the migration reads the flat pool, the `*Provided` maps and
/// the square-root price when stored, and deletes the rest).
const InputShape& MIGRATE_SWAPV3_TO_BALANCER_IN = V3_POOL;

/// Each form's list, one line per (op, form) the handlers answer.
const std::map<std::pair<Op, Form>, const InputShape*>& table()
{
    static const std::map<std::pair<Op, Form>, const InputShape*> t{
        {{Op::block_emission, Form::common}, &BLOCK_EMISSION_IN},
        {{Op::network_lock_cost, Form::common}, &STATE_ONLY},
        {{Op::blocks_until_next_epoch, Form::modulo}, &BLOCKS_UNTIL_NEXT_EPOCH_IN},
        {{Op::alpha_price, Form::constant_product}, &POOL},
        {{Op::sim_swap_tao_for_alpha, Form::constant_product}, &SIM_SWAP_IN},
        {{Op::sim_swap_alpha_for_tao, Form::constant_product}, &SIM_SWAP_IN},
        {{Op::max_amount_add, Form::constant_product}, &MAX_AMOUNT_IN},
        {{Op::max_amount_remove, Form::constant_product}, &MAX_AMOUNT_IN},
        {{Op::add_stake, Form::constant_product}, &ADD_STAKE_IN},
        {{Op::remove_stake, Form::constant_product}, &REMOVE_STAKE_IN},
        {{Op::update_moving_price, Form::launch}, &LAUNCH_MOVING_PRICE_IN},
        {{Op::coinbase, Form::launch}, &COINBASE_IN},
        {{Op::coinbase, Form::v3_price_share}, &COINBASE_IN},
        {{Op::block, Form::launch}, &LAUNCH_BLOCK_IN},
        {{Op::drain_pending_emission, Form::launch}, &DRAIN_IN},
        {{Op::register_network, Form::launch}, &STATE_ONLY},
        {{Op::start_call, Form::launch}, &START_CALL_IN},
        {{Op::alpha_price, Form::balancer}, &BALANCER_POOL},
        {{Op::swap, Form::balancer}, &SWAP_IN},
        {{Op::max_amount_add, Form::balancer}, &BALANCER_MAX_AMOUNT_IN},
        {{Op::max_amount_remove, Form::balancer}, &BALANCER_MAX_AMOUNT_IN},
        {{Op::adjust_protocol_liquidity, Form::balancer}, &ADJUST_PROTOCOL_LIQUIDITY_IN},
        {{Op::pow_ratio_scaled, Form::balancer}, &POW_RATIO_SCALED_IN},
        {{Op::add_stake, Form::balancer}, &BALANCER_ADD_STAKE_IN},
        {{Op::remove_stake, Form::balancer}, &BALANCER_REMOVE_STAKE_IN},
        {{Op::migrate_swapv3_to_balancer, Form::balancer}, &MIGRATE_SWAPV3_TO_BALANCER_IN},
        {{Op::update_moving_price, Form::injection_capped}, &CAPPED_MOVING_PRICE_IN},
        {{Op::coinbase, Form::injection_capped}, &COINBASE_IN},
        {{Op::block, Form::injection_capped}, &CAPPED_BLOCK_IN},
        {{Op::dividend_distribution, Form::injection_capped}, &DIVIDEND_DISTRIBUTION_IN},
        {{Op::register_network, Form::injection_capped}, &STATE_ONLY},
        {{Op::start_call, Form::injection_capped}, &START_CALL_IN},
        {{Op::alpha_price, Form::concentrated}, &V3_POOL},
        {{Op::sim_swap_tao_for_alpha, Form::concentrated}, &V3_SIM_SWAP_IN},
        {{Op::sim_swap_alpha_for_tao, Form::concentrated}, &V3_SIM_SWAP_IN},
        {{Op::swap, Form::concentrated}, &V3_SWAP_IN},
        {{Op::adjust_protocol_liquidity, Form::concentrated}, &V3_ADJUST_PROTOCOL_LIQUIDITY_IN},
    };
    return t;
}

}  // namespace

const InputShape& input_shape(Op op, Form form)
{
    const auto it = table().find({op, form});
    if (it == table().end())
        throw std::logic_error("input_shape: op " + std::string(to_string(op)) + " has no " +
                               std::string(to_string(form)) + " form");
    return *it->second;
}

bool lists(const InputShape& shape, const InputField& field)
{
    return std::find(shape.fields.begin(), shape.fields.end(), &field) != shape.fields.end();
}

namespace {

std::string value_mismatch(const nlohmann::json& v, const InputField& f, const std::string& path,
                           const Storage& storage)
{
    const auto want = [&](bool ok, const char* what) { return ok ? std::string() : path + ": expected " + what; };
    switch (f.in) {
    case In::dec:
    case In::wide_dec:
    case In::signed_dec: return want(v.is_string(), "a decimal string");
    case In::nullable_dec: return want(v.is_null() || v.is_string(), "a decimal string or null");
    case In::fixed:
        return want(v.is_object() && v.value("type", "") == f.fixed_type, "a fixed-point value of its type");
    case In::flag: return want(v.is_boolean(), "true or false");
    case In::text: return want(v.is_string(), "a string");
    case In::choice:
        return want(v.is_string() && (v.get<std::string>() == f.choices[0] || v.get<std::string>() == f.choices[1]),
                    "one of its choices");
    case In::state: return want(v.is_object(), "a state object");
    case In::list:
        if (!v.is_array())
            return path + ": expected an array";
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto why = input_mismatch(v[i], *f.shape, path + "[" + std::to_string(i) + "]", storage); !why.empty())
                return why;
        return "";
    case In::map:
        if (!v.is_object())
            return path + ": expected an object";
        for (const auto& [key, value] : v.items())
            if (auto why = input_mismatch(value, *f.shape, path + "." + key, storage); !why.empty())
                return why;
        return "";
    }
    return path + ": unknown input kind";
}

}  // namespace

std::string input_mismatch(const nlohmann::json& input, const InputShape& shape, const std::string& path,
                           const Storage& storage)
{
    if (!input.is_object())
        return path + ": expected an object";
    for (auto it = input.begin(); it != input.end(); ++it) {
        // a named copy, not a structured binding: clang's C++20 does not let a lambda capture one
        const std::string& key = it.key();
        const nlohmann::json& value = it.value();
        const std::string where = path + "." + key;
        const auto f =
            std::find_if(shape.fields.begin(), shape.fields.end(), [&](const InputField* x) { return x->name == key; });
        if (f != shape.fields.end()) {
            if (auto why = value_mismatch(value, **f, where, storage); !why.empty())
                return why;
            continue;
        }
        static const std::vector<FieldInfo> pool = subnet_fields();
        const bool pool_field = shape.pool_fields && holds(storage, *shape.pool_fields) &&
                                std::any_of(pool.begin(), pool.end(), [&](const FieldInfo& x) {
                                    return x.group == *shape.pool_fields && x.name == key;
                                });
        if (!pool_field)
            return where + ": not a field of this input";
    }
    return "";
}

}  // namespace dtao::protocol
