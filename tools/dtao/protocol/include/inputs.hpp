// dtao: the inputs of the `dtao eval` ops (spec/protocol.md), each field written once: its
// name, kind, default and bound, and each op form's list of them.
// SPDX-License-Identifier: Apache-2.0
//
// The handlers read their inputs through these fields (protocol_io.hpp's `Reader`), so a
// name, a default or a bound lives here and nowhere else. A reader holding an op's list refuses,
// as an internal error, a field the list lacks, so the list is the inputs the handler reads.
// The JSON Schema generator (vectors/schema.cpp) publishes the lists, defaults included, and
// the random-input generator names its fields through them. With the state table
// (state_fields.hpp) and the outputs table (outputs.hpp) this is the wire format (issue #12).
#pragma once

#include "state_fields.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/constants.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::protocol {

/// How an input value is written (spec/protocol.md, Values).
enum class In
{
    dec,           ///< a decimal string in [0, `max`]
    wide_dec,      ///< a decimal string below 2^128 (`SubnetVolume`)
    signed_dec,    ///< a decimal string in (−2^`bits`, 2^`bits`)
    nullable_dec,  ///< a decimal string, or null for "not set"
    fixed,         ///< {"type": `fixed_type`, "bits"}
    flag,          ///< true or false
    text,          ///< a string (a hotkey's name)
    choice,        ///< one of `choices`
    state,         ///< the `state` object of the request's ruleset (state_fields.hpp)
    list,          ///< an array of `shape` objects
    map,           ///< an object whose values are `shape` objects, keyed by name
};

/// Whether a request must give a field, and what an omitted one means.
enum class Need
{
    required,
    defaulted,  ///< omitted: `fallback`
    derived,    ///< omitted: a value the op derives from other inputs (spec/protocol.md says which)
    optional,   ///< omitted: no value (no limit, no custom fee)
};

struct InputShape;

struct InputField
{
    std::string_view name;
    In in = In::dec;
    Need need = Need::defaulted;
    /// The default of a `defaulted` field: the integer, 1 or 0 for a flag, a fixed-point value's bits.
    i128 fallback = 0;
    u64 max = U64_MAX;
    unsigned bits = 128;
    std::string_view fixed_type;
    std::array<std::string_view, 2> choices{};
    const InputShape* shape = nullptr;
};

/// The fields of one object. `pool_fields`: the object also carries the subnet fields of that
/// storage group (the swap pallet's, for a Balancer pool), from the state table.
struct InputShape
{
    std::vector<const InputField*> fields;
    std::optional<Group> pool_fields;
};

/// The fields, one constant each. Two ops that read a name alike share its constant.
namespace in {

// clang-format off
// the flat pool of the pool, stake and EMA ops
inline const InputField POOL_NETUID{.name = "netuid", .fallback = 1, .max = U16_MAX};
inline const InputField SUBNET_MECHANISM{.name = "subnet_mechanism", .need = Need::derived, .max = 1};  // 0 on the root
inline const InputField SUBNET_TAO{.name = "subnet_tao", .need = Need::required};
inline const InputField SUBNET_ALPHA_IN{.name = "subnet_alpha_in", .need = Need::required};
inline const InputField SUBNET_ALPHA_OUT{.name = "subnet_alpha_out"};
inline const InputField SUBNET_VOLUME{.name = "subnet_volume", .in = In::wide_dec};
inline const InputField TOTAL_STAKE{.name = "total_stake"};
inline const InputField SWAP_MINIMUM_RESERVE{.name = "swap_minimum_reserve", .fallback = dtao::SWAP_MINIMUM_RESERVE};
inline const InputField BLOCK_AUTHOR{.name = "block_author", .in = In::flag, .fallback = 1};
// the EMA
inline const InputField SUBNET_MOVING_PRICE{.name = "subnet_moving_price", .in = In::fixed, .fixed_type = "I96F32"};
inline const InputField SUBNET_MOVING_ALPHA{.name = "subnet_moving_alpha", .in = In::fixed, .fallback = DEFAULT_MOVING_ALPHA_BITS, .fixed_type = "I96F32"};
inline const InputField BLOCK{.name = "block"};
inline const InputField NETWORK_REGISTERED_AT{.name = "network_registered_at"};
inline const InputField FIRST_EMISSION_BLOCK_NUMBER{.name = "first_emission_block_number", .in = In::nullable_dec, .need = Need::optional};
inline const InputField EMA_PRICE_HALVING_BLOCKS{.name = "ema_price_halving_blocks", .fallback = DEFAULT_EMA_PRICE_HALVING_BLOCKS};
// swaps and stakes
inline const InputField AMOUNT{.name = "amount", .need = Need::required};
inline const InputField LIMIT_PRICE{.name = "limit_price", .need = Need::optional};
inline const InputField SWAP_LIMIT_PRICE{.name = "limit_price", .need = Need::derived};  // the side's extreme
inline const InputField GIVEN_LIMIT_PRICE{.name = "limit_price", .need = Need::required};
inline const InputField ALLOW_PARTIAL{.name = "allow_partial", .in = In::flag};
inline const InputField SIDE{.name = "side", .in = In::choice, .need = Need::required, .choices = {"buy", "sell"}};
inline const InputField DROP_FEES{.name = "drop_fees", .in = In::flag};
inline const InputField ALPHA_DIVIDENDS_PER_SUBNET{.name = "alpha_dividends_per_subnet"};
inline const InputField TOTAL_HOTKEY_ALPHA{.name = "total_hotkey_alpha"};
inline const InputField ALPHA_AVAILABLE{.name = "alpha_available", .need = Need::optional};
inline const InputField HELD_ALPHA{.name = "alpha_available", .need = Need::derived};  // `amount`
inline const InputField FEE{.name = "fee", .need = Need::optional};
inline const InputField TAO{.name = "tao", .need = Need::required};
inline const InputField ALPHA{.name = "alpha", .need = Need::required};
// pow_ratio_scaled: the chain's u128 bases and scales and Perquintill-sized exponents
inline const InputField BASE_NUMERATOR{.name = "base_numerator", .in = In::signed_dec, .need = Need::required, .bits = 128};
inline const InputField BASE_DENOMINATOR{.name = "base_denominator", .in = In::signed_dec, .need = Need::required, .bits = 128};
inline const InputField EXPONENT_NUMERATOR{.name = "exponent_numerator", .in = In::signed_dec, .need = Need::required, .bits = 64};
inline const InputField EXPONENT_DENOMINATOR{.name = "exponent_denominator", .in = In::signed_dec, .need = Need::required, .bits = 64};
inline const InputField PRECISION{.name = "precision", .need = Need::required, .max = 1024};
inline const InputField SCALE{.name = "scale", .in = In::signed_dec, .need = Need::required, .bits = 128};
// the chain-wide ops
inline const InputField ISSUANCE{.name = "issuance", .need = Need::required};
inline const InputField STATE{.name = "state", .in = In::state, .need = Need::required};
inline const InputField BLOCK_EMISSION{.name = "block_emission", .need = Need::optional};  // the block's own
inline const InputField NETUID{.name = "netuid", .need = Need::required, .max = U16_MAX};
inline const InputField TEMPO{.name = "tempo", .need = Need::required, .max = U16_MAX};
inline const InputField GIVEN_BLOCK{.name = "block", .need = Need::required};
// a block's stake extrinsics
inline const InputField KIND{.name = "kind", .in = In::choice, .need = Need::required, .choices = {"add_stake", "remove_stake"}};
// the launch drain and the dividend distribution
inline const InputField TAO_WEIGHT{.name = "tao_weight", .fallback = LAUNCH_TAO_WEIGHT};
inline const InputField PENDING_ALPHA{.name = "pending_alpha"};
inline const InputField PENDING_TAO{.name = "pending_tao"};
inline const InputField PENDING_SWAPPED{.name = "pending_swapped"};
inline const InputField PENDING_ROOT_ALPHA{.name = "pending_root_alpha"};
inline const InputField OWNER_CUT{.name = "owner_cut"};
inline const InputField SUBNET_OWNER{.name = "subnet_owner", .in = In::text, .need = Need::optional};
inline const InputField SUBNET_OWNER_HOTKEY{.name = "subnet_owner_hotkey", .in = In::text, .need = Need::optional};
inline const InputField HOTKEY{.name = "hotkey", .in = In::text, .need = Need::required};
inline const InputField INCENTIVE{.name = "incentive"};
inline const InputField DIVIDEND{.name = "dividend"};
inline const InputField OWNER{.name = "owner", .in = In::text, .need = Need::optional};
inline const InputField ALPHA_STAKE{.name = "alpha_stake"};
inline const InputField ROOT_STAKE{.name = "root_stake"};
inline const InputField TAKE{.name = "take", .max = U16_MAX};
inline const InputField CHILDKEY_TAKE{.name = "childkey_take", .max = U16_MAX};
inline const InputField PROPORTION{.name = "proportion", .need = Need::required};
inline const InputField HOTKEY_ID{.name = "hotkey", .need = Need::required};
inline const InputField HOTKEY_DIVIDEND{.name = "dividend", .in = In::fixed, .need = Need::required, .fixed_type = "U96F32"};
inline const InputField IN_STAKE_MAP{.name = "in_stake_map", .in = In::flag, .fallback = 1};
// the v3 pool (spec/v3_swap.md): the swap pallet's storage of one subnet. Ticks lie within ±443 636,
// so an i32 field's range (−2^31, 2^31) holds every tick the chain writes.
inline const InputField SUBNET_TAO_PROVIDED{.name = "subnet_tao_provided"};
inline const InputField SUBNET_ALPHA_IN_PROVIDED{.name = "subnet_alpha_in_provided"};
inline const InputField SWAP_V3_INITIALIZED{.name = "swap_v3_initialized", .in = In::flag, .fallback = 1};
inline const InputField ALPHA_SQRT_PRICE{.name = "alpha_sqrt_price", .in = In::fixed, .fixed_type = "U64F64"};
inline const InputField CURRENT_TICK{.name = "current_tick", .in = In::signed_dec, .bits = 31};
inline const InputField CURRENT_LIQUIDITY{.name = "current_liquidity"};
inline const InputField V3_FEE_RATE{.name = "fee_rate", .need = Need::derived, .max = U16_MAX};  // the ruleset's DefaultFeeRate
inline const InputField FEE_GLOBAL_TAO{.name = "fee_global_tao", .in = In::fixed, .fixed_type = "U64F64"};
inline const InputField FEE_GLOBAL_ALPHA{.name = "fee_global_alpha", .in = In::fixed, .fixed_type = "U64F64"};
inline const InputField TICK_INDEX{.name = "index", .in = In::signed_dec, .need = Need::required, .bits = 31};
inline const InputField LIQUIDITY_NET{.name = "liquidity_net", .in = In::signed_dec, .need = Need::required, .bits = 127};
inline const InputField LIQUIDITY_GROSS{.name = "liquidity_gross"};
inline const InputField FEES_OUT_TAO{.name = "fees_out_tao", .in = In::fixed, .fixed_type = "I64F64"};
inline const InputField FEES_OUT_ALPHA{.name = "fees_out_alpha", .in = In::fixed, .fixed_type = "I64F64"};
inline const InputField TICK_LOW{.name = "tick_low", .in = In::signed_dec, .need = Need::required, .bits = 31};
inline const InputField TICK_HIGH{.name = "tick_high", .in = In::signed_dec, .need = Need::required, .bits = 31};
inline const InputField POSITION_LIQUIDITY{.name = "liquidity", .need = Need::required};
inline const InputField POSITION_FEES_TAO{.name = "fees_tao", .in = In::fixed, .fixed_type = "I64F64"};
inline const InputField POSITION_FEES_ALPHA{.name = "fees_alpha", .in = In::fixed, .fixed_type = "I64F64"};
inline const InputField SCRAP_RESERVOIR_TAO{.name = "scrap_reservoir_tao"};
inline const InputField SCRAP_RESERVOIR_ALPHA{.name = "scrap_reservoir_alpha"};
// clang-format on

// The nested objects.
inline const InputShape LAUNCH_ACTION{{&KIND, &NETUID, &AMOUNT, &LIMIT_PRICE, &ALLOW_PARTIAL, &FEE,
                                       &ALPHA_DIVIDENDS_PER_SUBNET, &TOTAL_HOTKEY_ALPHA, &ALPHA_AVAILABLE}};
inline const InputShape BALANCER_ACTION{{&KIND, &NETUID, &AMOUNT, &LIMIT_PRICE, &ALLOW_PARTIAL, &HELD_ALPHA}};
inline const InputShape EPOCH_ENTRY{{&HOTKEY, &INCENTIVE, &DIVIDEND}};
inline const InputShape KEY_LINK{{&PROPORTION, &HOTKEY}};
inline const InputField PARENTS{.name = "parents", .in = In::list, .shape = &KEY_LINK};
inline const InputField CHILDREN{.name = "children", .in = In::list, .shape = &KEY_LINK};
inline const InputShape DRAIN_HOTKEY{{&OWNER, &ALPHA_STAKE, &ROOT_STAKE, &TAKE, &CHILDKEY_TAKE, &PARENTS, &CHILDREN}};
inline const InputShape DIVIDEND_HOTKEY{{&HOTKEY_ID, &HOTKEY_DIVIDEND, &IN_STAKE_MAP, &ALPHA_STAKE, &ROOT_STAKE}};
inline const InputField LAUNCH_ACTIONS{.name = "actions", .in = In::list, .shape = &LAUNCH_ACTION};
inline const InputField BALANCER_ACTIONS{.name = "actions", .in = In::list, .shape = &BALANCER_ACTION};
inline const InputField EPOCH{.name = "epoch", .in = In::list, .shape = &EPOCH_ENTRY};
inline const InputField DRAIN_HOTKEYS{.name = "hotkeys", .in = In::map, .need = Need::optional, .shape = &DRAIN_HOTKEY};
inline const InputField DIVIDEND_HOTKEYS{.name = "hotkeys", .in = In::list, .shape = &DIVIDEND_HOTKEY};
inline const InputShape V3_TICK{{&TICK_INDEX, &LIQUIDITY_NET, &LIQUIDITY_GROSS, &FEES_OUT_TAO, &FEES_OUT_ALPHA}};
/// Omitted: the protocol's full-range position alone (spec/protocol.md, "Ops of the v3 pool").
inline const InputField TICKS{.name = "ticks", .in = In::list, .need = Need::derived, .shape = &V3_TICK};
inline const InputShape V3_POSITION{
    {&TICK_LOW, &TICK_HIGH, &POSITION_LIQUIDITY, &POSITION_FEES_TAO, &POSITION_FEES_ALPHA}};
/// The protocol account's `Positions`, in storage order (the chain adjusts the first). Omitted: an
/// initialised pool's full-range position holding the current liquidity, owed no fees.
inline const InputField PROTOCOL_POSITIONS{
    .name = "protocol_positions", .in = In::list, .need = Need::derived, .shape = &V3_POSITION};
/// The swap pallet's v3 storage of one subnet: a state's `subnets[i].swap_v3` (spec/protocol.md,
/// "The v3 pool in a state"). Its reserves are the subnet's SubnetTAO and SubnetAlphaIn with the
/// `*_provided` fields beside them.
inline const InputShape V3_STORAGE{{&SWAP_V3_INITIALIZED, &ALPHA_SQRT_PRICE, &CURRENT_TICK, &CURRENT_LIQUIDITY,
                                    &V3_FEE_RATE, &FEE_GLOBAL_TAO, &FEE_GLOBAL_ALPHA, &SWAP_MINIMUM_RESERVE, &TICKS,
                                    &PROTOCOL_POSITIONS, &SCRAP_RESERVOIR_TAO, &SCRAP_RESERVOIR_ALPHA}};

}  // namespace in

/// The input of `op` in `form` (a form the op has, capabilities.hpp).
[[nodiscard]] const InputShape& input_shape(Op op, Form form);

/// Whether `shape` lists `field` (the same constant).
[[nodiscard]] bool lists(const InputShape& shape, const InputField& field);

/// Why `input` is not an input `shape` lists under a ruleset with `storage` ("" when it is): a
/// field the list lacks, or a value of another kind. Values are not range-checked; the op's
/// reader does that. `path` names the input in the message.
[[nodiscard]] std::string input_mismatch(const nlohmann::json& input, const InputShape& shape, const std::string& path,
                                         const Storage& storage);

}  // namespace dtao::protocol
