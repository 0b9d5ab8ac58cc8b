// dtao: the fields of the protocol's `state` object (spec/protocol.md), each listed once: its
// name, how it is written, its default and the storage it belongs to (capabilities.hpp).
// SPDX-License-Identifier: Apache-2.0
//
// The codec's readers and writers, the JSON Schema generator and the random-input generator
// all walk these two visitors, so the wire format of the state is written here and nowhere
// else (issue #12). The visitors are generic over the subnet and state types, so the chain
// model (u64, fixed point) and the exact model (rationals) share one list.
#pragma once

#include "dtao/capabilities.hpp"
#include "dtao/constants.hpp"
#include "dtao/state.hpp"

#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dtao::protocol {

inline constexpr u64 U8_MAX = 255;
inline constexpr u64 U16_MAX = 65535;

/// How a field is written (spec/protocol.md, Values). The codec converts by the member's
/// type, which says the same; the schema generator and the tests read this.
enum class Wire
{
    u64,                 ///< a decimal string in [0, `max`]
    amount,              ///< TAO or alpha: a decimal string (chain model), a rational (exact model)
    volume,              ///< SubnetVolume: a decimal string below 2^128 (chain), a rational (exact)
    i96f32,              ///< {"type": "I96F32", "bits"} (chain), a rational (exact)
    i96f32_nonnegative,  ///< an I96F32 the protocol refuses below zero: a negative EMA weight has no meaning
    u96f32,              ///< {"type": "U96F32", "bits"} (chain), a rational (exact)
    u64f64,              ///< {"type": "U64F64", "bits"} in both models: storage the exact model keeps as the chain does
    nullable_u64f64,     ///< as u64f64, or null for "not set" (an OptionQuery item)
    flag,                ///< true or false
    nullable_u64,        ///< a decimal string, or null for "not set"
};

/// Which storage a field belongs to: every ruleset's, or one of the groups of `Storage`.
enum class Group
{
    every,
    launch_pending,
    swap_pallet,
    injection_capped,
    epoch_state,
    reservoirs,
    emission_gate,
    emission_bar_rank,
    fast_moving_price,
    v3_pool,
};

/// Whether a ruleset with `storage` has the fields of `group`. A field it lacks is an
/// unknown field of a request, so a value the ruleset would ignore is refused.
[[nodiscard]] constexpr bool holds(const Storage& storage, Group group) noexcept
{
    switch (group) {
    case Group::every: return true;
    case Group::launch_pending: return storage.launch_pending;
    case Group::swap_pallet: return storage.swap_pallet;
    case Group::injection_capped: return storage.injection_capped;
    case Group::epoch_state: return storage.epoch_state;
    case Group::reservoirs: return storage.reservoirs;
    case Group::emission_gate: return storage.emission_gate;
    case Group::emission_bar_rank: return storage.emission_bar_rank;
    case Group::fast_moving_price: return storage.fast_moving_price;
    case Group::v3_pool: return storage.v3_pool;
    }
    return false;
}

struct FieldInfo
{
    std::string_view name;
    Wire wire = Wire::u64;
    Group group = Group::every;
    /// The value an omitted field takes: the integer, 1 or 0 for a flag, the bits of a fixed-point
    /// value. A nullable field omitted is null.
    i128 fallback = 0;
    /// The largest value of a `Wire::u64` field: the chain stores some as u16 or u8.
    u64 max = U64_MAX;
};

/// Calls `f(info, member)` once per field of a `subnets[]` entry, in the order a reader reads
/// them (the first bad field names the error).
template <class SubnetLike, class F>
void visit_subnet_fields(SubnetLike& s, F&& f)
{
    f(FieldInfo{.name = "netuid", .fallback = 1, .max = U16_MAX}, s.netuid);
    // Visited after netuid, so a reader has read it: the root is stable without saying so.
    f(FieldInfo{.name = "subnet_mechanism", .fallback = s.is_root() ? 0 : 1, .max = 1}, s.mechanism);
    f(FieldInfo{.name = "subnet_tao", .wire = Wire::amount}, s.subnet_tao);
    f(FieldInfo{.name = "subnet_alpha_in", .wire = Wire::amount}, s.subnet_alpha_in);
    f(FieldInfo{.name = "subnet_alpha_out", .wire = Wire::amount}, s.subnet_alpha_out);
    f(FieldInfo{.name = "subnet_moving_price", .wire = Wire::i96f32}, s.subnet_moving_price);
    f(FieldInfo{.name = "subnet_volume", .wire = Wire::volume}, s.subnet_volume);
    f(FieldInfo{.name = "pending_owner_cut", .wire = Wire::amount}, s.pending_owner_cut);
    f(FieldInfo{.name = "subnet_tao_in_emission", .wire = Wire::amount}, s.subnet_tao_in_emission);
    f(FieldInfo{.name = "subnet_alpha_in_emission", .wire = Wire::amount}, s.subnet_alpha_in_emission);
    f(FieldInfo{.name = "subnet_alpha_out_emission", .wire = Wire::amount}, s.subnet_alpha_out_emission);
    f(FieldInfo{.name = "tempo", .fallback = 360, .max = U16_MAX}, s.tempo);
    f(FieldInfo{.name = "network_registration_allowed", .wire = Wire::flag, .fallback = 1},
      s.network_registration_allowed);
    f(FieldInfo{.name = "network_registered_at"}, s.network_registered_at);
    f(FieldInfo{.name = "first_emission_block_number", .wire = Wire::nullable_u64}, s.first_emission_block_number);
    f(FieldInfo{.name = "ema_price_halving_blocks", .fallback = DEFAULT_EMA_PRICE_HALVING_BLOCKS},
      s.ema_price_halving_blocks);
    f(FieldInfo{.name = "blocks_since_last_step"}, s.blocks_since_last_step);
    // the chain's storage name, misspelt as upstream spells it
    f(FieldInfo{.name = "last_mechansim_step_block"}, s.last_mechanism_step_block);

    constexpr Group launch = Group::launch_pending;
    f(FieldInfo{.name = "pending_emission", .wire = Wire::amount, .group = launch}, s.pending_emission);
    f(FieldInfo{.name = "pending_root_divs", .wire = Wire::amount, .group = launch}, s.pending_root_divs);
    f(FieldInfo{.name = "pending_alpha_swapped", .wire = Wire::amount, .group = launch}, s.pending_alpha_swapped);
    f(FieldInfo{.name = "network_pow_registration_allowed", .wire = Wire::flag, .group = launch},
      s.network_pow_registration_allowed);

    constexpr Group pool = Group::swap_pallet;
    // a Perquintill: parts of 10^18
    f(FieldInfo{.name = "swap_balancer_quote_parts",
                .group = pool,
                .fallback = 500'000'000'000'000'000,
                .max = 1'000'000'000'000'000'000ULL},
      s.swap_balancer_quote_parts);
    f(FieldInfo{.name = "pal_swap_initialized", .wire = Wire::flag, .group = pool, .fallback = 1},
      s.pal_swap_initialized);
    f(FieldInfo{.name = "fee_rate", .group = pool, .fallback = DEFAULT_SWAP_FEE_RATE, .max = U16_MAX}, s.fee_rate);
    f(FieldInfo{.name = "balancer_tao_reservoir", .wire = Wire::amount, .group = Group::reservoirs},
      s.balancer_tao_reservoir);
    f(FieldInfo{.name = "balancer_alpha_reservoir", .wire = Wire::amount, .group = Group::reservoirs},
      s.balancer_alpha_reservoir);
    f(FieldInfo{.name = "subnet_fast_moving_price", .wire = Wire::nullable_u64f64, .group = Group::fast_moving_price},
      s.subnet_fast_moving_price);

    constexpr Group capped = Group::injection_capped;
    f(FieldInfo{.name = "subnet_protocol_alpha", .wire = Wire::amount, .group = capped}, s.subnet_protocol_alpha);
    f(FieldInfo{.name = "subnet_excess_tao", .wire = Wire::amount, .group = capped}, s.subnet_excess_tao);
    f(FieldInfo{.name = "pending_server_emission", .wire = Wire::amount, .group = capped}, s.pending_server_emission);
    f(FieldInfo{.name = "pending_validator_emission", .wire = Wire::amount, .group = capped},
      s.pending_validator_emission);
    f(FieldInfo{.name = "pending_root_alpha_divs", .wire = Wire::amount, .group = capped}, s.pending_root_alpha_divs);
    f(FieldInfo{.name = "miner_burned", .wire = Wire::u96f32, .group = capped}, s.miner_burned);
    f(FieldInfo{.name = "subtoken_enabled", .wire = Wire::flag, .group = capped, .fallback = 1}, s.subtoken_enabled);
    f(FieldInfo{.name = "subnet_emission_enabled", .wire = Wire::flag, .group = capped, .fallback = 1},
      s.subnet_emission_enabled);
    f(FieldInfo{.name = "owner_cut_enabled", .wire = Wire::flag, .group = capped, .fallback = 1}, s.owner_cut_enabled);

    // the v3 pool's user liquidity, part of the pool's reserves (the pool's own storage is the
    // subnet's `swap_v3` object, which the codec reads beside this table)
    f(FieldInfo{.name = "subnet_tao_provided", .wire = Wire::amount, .group = Group::v3_pool}, s.subnet_tao_provided);
    f(FieldInfo{.name = "subnet_alpha_in_provided", .wire = Wire::amount, .group = Group::v3_pool},
      s.subnet_alpha_in_provided);

    constexpr Group epoch = Group::epoch_state;
    f(FieldInfo{.name = "last_epoch_block", .group = epoch}, s.last_epoch_block);
    f(FieldInfo{.name = "pending_epoch_at", .group = epoch}, s.pending_epoch_at);
    f(FieldInfo{.name = "subnet_epoch_index", .group = epoch}, s.subnet_epoch_index);
}

/// Calls `f(info, member)` once per chain-wide field of the `state` object, in reading order.
/// `subnets` is not among them: it is the list of `visit_subnet_fields` objects.
template <class StateLike, class F>
void visit_state_fields(StateLike& st, F&& f)
{
    f(FieldInfo{.name = "block"}, st.block);
    f(FieldInfo{.name = "total_issuance", .wire = Wire::amount}, st.total_issuance);
    f(FieldInfo{.name = "total_stake", .wire = Wire::amount}, st.total_stake);
    f(FieldInfo{.name = "tao_weight", .fallback = LAUNCH_TAO_WEIGHT}, st.tao_weight);
    f(FieldInfo{.name = "subnet_owner_cut", .fallback = DEFAULT_SUBNET_OWNER_CUT, .max = U16_MAX}, st.subnet_owner_cut);
    f(FieldInfo{.name = "subnet_moving_alpha", .wire = Wire::i96f32_nonnegative, .fallback = DEFAULT_MOVING_ALPHA_BITS},
      st.subnet_moving_alpha_bits);
    f(FieldInfo{.name = "network_last_registered"}, st.network_last_registered);
    f(FieldInfo{.name = "network_last_lock_cost"}, st.network_last_lock_cost);
    f(FieldInfo{.name = "network_min_lock_cost", .fallback = NETWORK_MIN_LOCK_COST}, st.network_min_lock_cost);
    f(FieldInfo{.name = "network_lock_reduction_interval", .fallback = NETWORK_LOCK_REDUCTION_INTERVAL},
      st.network_lock_reduction_interval);
    f(FieldInfo{.name = "network_rate_limit", .fallback = NETWORK_RATE_LIMIT}, st.network_rate_limit);
    f(FieldInfo{.name = "swap_minimum_reserve", .group = Group::swap_pallet, .fallback = SWAP_MINIMUM_RESERVE},
      st.swap_minimum_reserve);
    // a u8 on chain
    f(FieldInfo{.name = "max_epochs_per_block",
                .group = Group::epoch_state,
                .fallback = MAX_EPOCHS_PER_BLOCK,
                .max = U8_MAX},
      st.max_epochs_per_block);
    // whether a block author exists: swap fees go to it, else they are burned
    f(FieldInfo{.name = "block_author", .wire = Wire::flag, .group = Group::swap_pallet, .fallback = 1},
      st.block_author);
    f(FieldInfo{.name = "emission_gate_bar", .wire = Wire::u64f64, .group = Group::emission_gate},
      st.emission_gate_bar);
    f(FieldInfo{.name = "emission_bar_quantile",
                .wire = Wire::u64f64,
                .group = Group::emission_gate,
                .fallback = DEFAULT_EMISSION_BAR_QUANTILE_BITS},
      st.emission_bar_quantile);
    f(FieldInfo{.name = "emission_gate_exponent",
                .wire = Wire::u64f64,
                .group = Group::emission_gate,
                .fallback = i128{DEFAULT_EMISSION_GATE_EXPONENT} << 64},
      st.emission_gate_exponent);
    // a u16 on chain
    f(FieldInfo{.name = "emission_bar_rank",
                .group = Group::emission_bar_rank,
                .fallback = DEFAULT_EMISSION_BAR_RANK,
                .max = U16_MAX},
      st.emission_bar_rank);
}

/// Every field of a `subnets[]` entry, for those that need the list without a subnet.
[[nodiscard]] inline std::vector<FieldInfo> subnet_fields()
{
    std::vector<FieldInfo> out;
    const Subnet probe{};
    visit_subnet_fields(probe, [&](const FieldInfo& f, const auto&) { out.push_back(f); });
    return out;
}

/// Every chain-wide field of the `state` object.
[[nodiscard]] inline std::vector<FieldInfo> state_fields()
{
    std::vector<FieldInfo> out;
    const ChainState probe{};
    visit_state_fields(probe, [&](const FieldInfo& f, const auto&) { out.push_back(f); });
    return out;
}

namespace fields_detail {

/// The field that maps to `member` of `probe`, found by address.
template <class Probe, class M, class Visit>
FieldInfo find_field(M Probe::*member, Visit visit)
{
    const Probe probe{};
    std::optional<FieldInfo> found;
    visit(probe, [&](const FieldInfo& f, const auto& m) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(m)>, M>)
            if (&m == &(probe.*member))
                found = f;
    });
    if (!found)
        throw std::logic_error("field_of: the member has no field in state_fields.hpp");
    return *found;
}

}  // namespace fields_detail

/// The field of a `subnets[]` entry that holds `member`, so that code drawing or checking one
/// field by hand still takes its name and group from the table.
template <class M>
[[nodiscard]] FieldInfo field_of(M Subnet::*member)
{
    return fields_detail::find_field(member, [](const Subnet& s, auto&& f) { visit_subnet_fields(s, f); });
}

/// The chain-wide field of the `state` object that holds `member`.
template <class M>
[[nodiscard]] FieldInfo field_of(M ChainState::*member)
{
    return fields_detail::find_field(member, [](const ChainState& st, auto&& f) { visit_state_fields(st, f); });
}

}  // namespace dtao::protocol
