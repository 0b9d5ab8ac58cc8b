// dtao-reference: the chain state the launch-era rules read and write.
// SPDX-License-Identifier: Apache-2.0
//
// One struct per storage scope, named after the chain's storage items in
// snake_case. The same struct serves both models through `Model`: the chain
// model stores u64 amounts and an I96F32 moving price, the exact model stores
// rationals (no rounding, no saturation). Spec: spec/coinbase.md (COIN-*).
#pragma once

#include "dtao/constants.hpp"
#include "dtao/numeric/arith.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/numeric/model.hpp"
#include "dtao/v3_pool.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

namespace dtao {

/// `SubnetMechanism`: 0 = stable (1:1, price 1), 1 = dynamic (constant-product pool).
enum class Mechanism : unsigned
{
    stable = 0,
    dynamic = 1,
};

/// A limit order that cannot fill whole: refused, or filled up to the limit (`allow_partial` on
/// chain). The stake extrinsics of both eras take it (STAKE-007/008, BAL-011).
enum class Fill
{
    whole,
    partial,
};

template <typename Model>
struct SubnetT
{
    using Amount = typename Model::Amount;
    u64 netuid = 0;
    Mechanism mechanism = Mechanism::dynamic;
    Amount subnet_tao{};                                              ///< SubnetTAO: TAO reserve
    Amount subnet_alpha_in{};                                         ///< SubnetAlphaIn: alpha reserve in the pool
    Amount subnet_alpha_out{};                                        ///< SubnetAlphaOut: alpha outstanding (staked)
    typename Model::Price subnet_moving_price{};                      ///< SubnetMovingPrice
    typename Model::Volume subnet_volume{};                           ///< SubnetVolume (u128 on chain)
    Amount pending_emission{};                                        ///< PendingEmission (alpha)
    Amount pending_root_divs{};                                       ///< PendingRootDivs (TAO)
    Amount pending_alpha_swapped{};                                   ///< PendingAlphaSwapped (alpha)
    Amount pending_owner_cut{};                                       ///< PendingOwnerCut (alpha)
    Amount subnet_tao_in_emission{};                                  ///< SubnetTaoInEmission (last block)
    Amount subnet_alpha_in_emission{};                                ///< SubnetAlphaInEmission (last block)
    Amount subnet_alpha_out_emission{};                               ///< SubnetAlphaOutEmission (last block)
    u64 tempo = 360;                                                  ///< Tempo (u16 on chain)
    bool network_registration_allowed = true;                         ///< NetworkRegistrationAllowed
    bool network_pow_registration_allowed = false;                    ///< NetworkPowRegistrationAllowed
    u64 network_registered_at = 0;                                    ///< NetworkRegisteredAt
    std::optional<u64> first_emission_block_number;                   ///< FirstEmissionBlockNumber (v2.0.9+)
    u64 ema_price_halving_blocks = DEFAULT_EMA_PRICE_HALVING_BLOCKS;  ///< EMAPriceHalvingBlocks (v2.0.8+)
    u64 blocks_since_last_step = 0;                                   ///< BlocksSinceLastStep
    u64 last_mechanism_step_block = 0;                                ///< LastMechansimStepBlock (sic)

    // ---- Balancer era (v3.4.8-423+); ignored by the launch-era rules.
    // Swap pallet (BAL-*)
    u64 swap_balancer_quote_parts =
        500'000'000'000'000'000;           ///< SwapBalancer[n].quote (Perquintill parts): the TAO weight w2
    bool pal_swap_initialized = true;      ///< PalSwapInitialized (false: the first swap sets w2 = ½)
    u64 fee_rate = DEFAULT_SWAP_FEE_RATE;  ///< FeeRate[n] (u16, / 65535)
    // Swap pallet, mainnet spec 432+ (BCOIN-016): injection the reweight refused, waiting. Its TAO
    // is already in the subnet account (in TotalIssuance, not in SubnetTAO or TotalStake), its
    // alpha already minted (in the alpha issuance, not in SubnetAlphaIn).
    Amount balancer_tao_reservoir{};    ///< BalancerTaoReservoir[n]
    Amount balancer_alpha_reservoir{};  ///< BalancerAlphaReservoir[n]
    // Mainnet spec 464+ (BEMA-003): the fast spot-price EMA, U64F64 storage in both models.
    std::optional<fixed::U64F64> subnet_fast_moving_price;  ///< SubnetFastMovingPrice[n] (OptionQuery)
    // Coinbase (BCOIN-*)
    Amount subnet_protocol_alpha{};           ///< SubnetProtocolAlpha: alpha bought by chain buys (inside AlphaOut)
    Amount subnet_excess_tao{};               ///< SubnetExcessTao (last block): TAO spent on the chain buy
    Amount pending_server_emission{};         ///< PendingServerEmission
    Amount pending_validator_emission{};      ///< PendingValidatorEmission
    Amount pending_root_alpha_divs{};         ///< PendingRootAlphaDivs
    typename Model::Fraction miner_burned{};  ///< MinerBurned (U96F32)
    bool subtoken_enabled = true;             ///< SubtokenEnabled
    bool subnet_emission_enabled = true;      ///< SubnetEmissionEnabled
    bool owner_cut_enabled = true;            ///< OwnerCutEnabled
    // Epoch scheduler (BEPOCH-*, v3.4.8-423+)
    u64 last_epoch_block = 0;    ///< LastEpochBlock
    u64 pending_epoch_at = 0;    ///< PendingEpochAt (0: none)
    u64 subnet_epoch_index = 0;  ///< SubnetEpochIndex

    // ---- The year of the v3 pool (v3.2.0 … v3.4.7); ignored by the other eras' rules.
    Amount subnet_tao_provided{};       ///< SubnetTaoProvided: TAO of user positions (in the pool's reserve)
    Amount subnet_alpha_in_provided{};  ///< SubnetAlphaInProvided
    /// The swap pallet's v3 storage for the subnet (chain types in both models: the v3 pool has no
    /// exact model, RSET-024). Its `tao_reserve` and `alpha_reserve` are not storage: they are
    /// SubnetTAO + SubnetTaoProvided and SubnetAlphaIn + SubnetAlphaInProvided, which
    /// `v3::pool_of` fills in before each use (VSTAKE-001).
    v3::Pool swap_v3;

    [[nodiscard]] bool is_root() const noexcept { return netuid == ROOT_NETUID; }
    /// Root and mechanism-0 subnets price at 1 and swap 1:1.
    [[nodiscard]] bool is_stable() const noexcept { return is_root() || mechanism == Mechanism::stable; }
    /// Every stored field equal (what "a rejected extrinsic changes nothing" compares).
    friend bool operator==(const SubnetT&, const SubnetT&) = default;
};

template <typename Model>
struct ChainStateT
{
    using Amount = typename Model::Amount;
    u64 block = 0;                                                          ///< the block being produced
    Amount total_issuance{};                                                ///< TotalIssuance
    Amount total_stake{};                                                   ///< TotalStake
    u64 tao_weight = LAUNCH_TAO_WEIGHT;                                     ///< TaoWeight (u64, / u64::MAX)
    u64 subnet_owner_cut = DEFAULT_SUBNET_OWNER_CUT;                        ///< SubnetOwnerCut (u16, / 65535)
    i128 subnet_moving_alpha_bits = DEFAULT_MOVING_ALPHA_BITS;              ///< SubnetMovingAlpha (I96F32 bits)
    u64 network_last_registered = 0;                                        ///< NetworkLastRegistered
    u64 network_last_lock_cost = 0;                                         ///< NetworkLastLockCost
    u64 network_min_lock_cost = NETWORK_MIN_LOCK_COST;                      ///< NetworkMinLockCost
    u64 network_lock_reduction_interval = NETWORK_LOCK_REDUCTION_INTERVAL;  ///< NetworkLockReductionInterval
    u64 network_rate_limit = NETWORK_RATE_LIMIT;                            ///< NetworkRateLimit
    // ---- Balancer era (v3.4.8-423+)
    u64 swap_minimum_reserve = SWAP_MINIMUM_RESERVE;  ///< swap pallet `MinimumReserve`
    u64 max_epochs_per_block = MAX_EPOCHS_PER_BLOCK;  ///< MaxEpochsPerBlock (v3.4.8-423+)
    bool block_author = true;  ///< a block author exists (swap fees go to it; else they are burned)
    // ---- the emission gate (mainnet spec 440+, BGATE-*): U64F64 storage in both models
    fixed::U64F64 emission_gate_bar{};  ///< EmissionGateBar θ (0: never computed)
    fixed::U64F64 emission_bar_quantile =
        fixed::U64F64::from_bits(DEFAULT_EMISSION_BAR_QUANTILE_BITS);  ///< EmissionBarQuantile q
    fixed::U64F64 emission_gate_exponent =
        fixed::U64F64::from_bits(u128{DEFAULT_EMISSION_GATE_EXPONENT} << 64);  ///< EmissionGateExponent h
    u64 emission_bar_rank = DEFAULT_EMISSION_BAR_RANK;                         ///< EmissionBarRank N (u16)
    std::vector<SubnetT<Model>> subnets;                                       ///< ascending netuid; netuid 0 is root

    [[nodiscard]] SubnetT<Model>* find(u64 netuid) noexcept
    {
        for (auto& s : subnets)
            if (s.netuid == netuid)
                return &s;
        return nullptr;
    }
    [[nodiscard]] const SubnetT<Model>* find(u64 netuid) const noexcept
    {
        return const_cast<ChainStateT*>(this)->find(netuid);
    }
    /// Every stored field equal, every subnet included.
    friend bool operator==(const ChainStateT&, const ChainStateT&) = default;
    /// SubnetTAO[0], the root stake in TAO (0 when the state has no root entry).
    [[nodiscard]] Amount root_tao() const
    {
        const auto* r = find(ROOT_NETUID);
        return r ? r->subnet_tao : Amount{};
    }
};

/// @rule BCOIN-014  The storage key of `NetworksAdded[netuid]` as a number that sorts as the
/// key does. The map's hasher is Identity over the SCALE encoding of the netuid, a
/// little-endian u16, and storage iterates in key-byte order: the low byte first, so 256
/// (bytes 00 01) comes before 1 (bytes 01 00). A netuid above u16::MAX cannot be stored on
/// chain; it throws rather than alias another netuid's key.
[[nodiscard]] constexpr u64 netuid_storage_key(u64 netuid)
{
    if (netuid > 0xFFFF)
        throw std::out_of_range("netuid_storage_key: a netuid is a u16");
    return ((netuid & 0xFF) << 8) | (netuid >> 8);
}

/// Whether the chain visits subnet `a` before subnet `b` (BCOIN-014).
[[nodiscard]] constexpr bool storage_key_less(u64 a, u64 b) { return netuid_storage_key(a) < netuid_storage_key(b); }

/// @rule BCOIN-014  `get_all_subnet_netuids`: every netuid of the state in the order the chain
/// iterates `NetworksAdded` (storage-key order, `netuid_storage_key`). The state keeps its
/// subnets in ascending netuid; every Balancer-era loop over subnets goes through this order.
template <typename Model>
[[nodiscard]] std::vector<u64> get_all_subnet_netuids(const ChainStateT<Model>& st)
{
    std::vector<u64> out;
    out.reserve(st.subnets.size());
    for (const auto& s : st.subnets)
        out.push_back(s.netuid);
    std::sort(out.begin(), out.end(), storage_key_less);
    return out;
}

using Subnet = SubnetT<ChainModel>;
using ChainState = ChainStateT<ChainModel>;
using ExactSubnet = SubnetT<ExactModel>;
using ExactChainState = ChainStateT<ExactModel>;

/// The exact image of a chain state: every stored amount as a rational, the
/// moving price as bits / 2^32. This is how both models start from the same
/// state.
[[nodiscard]] ExactChainState to_exact(const ChainState& s);
/// One subnet's exact image.
[[nodiscard]] ExactSubnet to_exact(const Subnet& s);

}  // namespace dtao
