// dtao-reference: distribution of a subnet's pending emission at its epoch.
// SPDX-License-Identifier: Apache-2.0
//
// Yuma consensus is out of scope: the epoch's output, one (hotkey, incentive,
// dividend) triple per hotkey, is an input here. Spec: spec/drain.md
// (DRAIN-*). Chain source: subtensor run_coinbase.rs::drain_pending_emission
// and get_dividends_distribution at f95810a (v2.0.1), 5073ade (v2.0.4),
// b61dd30 (v2.0.8), 8de0d23 (v2.0.9).
#pragma once

#include "dtao/coinbase_ops.hpp"
#include "dtao/ruleset.hpp"

#include <map>
#include <string>
#include <vector>

namespace dtao {

/// A (proportion, hotkey) edge of the child-key graph; proportion / u64::MAX.
struct KeyLink
{
    u64 proportion = 0;
    std::string hotkey;
};

/// What the drain reads about one hotkey.
struct HotkeyInfo
{
    std::string owner;              ///< Owner[hotkey], the owning coldkey
    u64 alpha_stake = 0;            ///< TotalHotkeyAlpha[hotkey][netuid]
    u64 root_stake = 0;             ///< TotalHotkeyAlpha[hotkey][0]
    u64 take = 0;                   ///< Delegates[hotkey] (u16, / 65535)
    u64 childkey_take = 0;          ///< ChildkeyTake[hotkey][netuid] (u16, / 65535)
    std::vector<KeyLink> parents;   ///< ParentKeys[hotkey][netuid]
    std::vector<KeyLink> children;  ///< ChildKeys[hotkey][netuid]
};

struct EpochOutput
{
    std::string hotkey;
    u64 incentive = 0;
    u64 dividend = 0;
};

struct DrainInput
{
    u64 netuid = 1;
    u64 tao_weight = LAUNCH_TAO_WEIGHT;  ///< TaoWeight (u64, / u64::MAX)
    u64 pending_alpha = 0;
    u64 pending_tao = 0;
    u64 pending_swapped = 0;
    u64 owner_cut = 0;
    std::vector<EpochOutput> epoch;                  ///< the epoch's (hotkey, incentive, dividend)
    std::map<std::string, HotkeyInfo> hotkeys;       ///< stakes, takes and links; absent = all zero
    std::optional<std::string> subnet_owner;         ///< SubnetOwner[netuid] (coldkey)
    std::optional<std::string> subnet_owner_hotkey;  ///< SubnetOwnerHotkey[netuid]
};

/// What one hotkey is credited. Alpha amounts are on the subnet, TAO amounts
/// are root stake (netuid 0).
template <typename Model>
struct HotkeyPayout
{
    using Amount = typename Ops<Model>::Amount;
    Amount incentive{};             ///< staked to (hotkey, owner) on the subnet
    bool incentive_burned = false;  ///< v2.0.8+: the subnet owner's hotkey's incentive
    Amount alpha_take{};            ///< hotkey take of the alpha dividend, to (hotkey, owner)
    Amount alpha_dividend{};        ///< to all the hotkey's nominators (AlphaDividendsPerSubnet)
    Amount tao_take{};              ///< hotkey take of the root TAO dividend, to (hotkey, owner) on root
    Amount tao_dividend{};          ///< to all nominators on root (TaoDividendsPerSubnet)
};

template <typename Model>
struct DrainResult
{
    using Num = typename Ops<Model>::Num;
    using Amount = typename Ops<Model>::Amount;
    std::map<std::string, HotkeyPayout<Model>> payouts;
    Amount owner_cut_paid{};               ///< 0 when the subnet has no owner and owner hotkey
    std::map<std::string, Num> dividends;  ///< after the parent/child split (DRAIN-003)
    Num total_root_divs{};
    Amount pending_validator_alpha{};  ///< v2.0.9+ (DRAIN-006)
    Amount alpha_paid{};               ///< every alpha amount credited, owner cut included
    Amount tao_paid{};                 ///< every root TAO amount credited
};

/// @rule DRAIN-003  `get_dividends_distribution`: split one hotkey's dividend
/// among its parents (by contribution) and itself, with the childkey take.
template <typename Model>
[[nodiscard]] std::vector<std::pair<std::string, typename Ops<Model>::Amount>>
dividends_distribution(const Ruleset& rules, const DrainInput& in, const std::string& hotkey, u64 dividend);

/// @rule DRAIN-001  `drain_pending_emission(netuid, pending_alpha, pending_tao,
/// pending_swapped, owner_cut)` given the epoch's output.
template <typename Model>
[[nodiscard]] DrainResult<Model> drain_pending_emission(const Ruleset& rules, const DrainInput& in);

namespace chain {
using dtao::drain_pending_emission;
}

}  // namespace dtao
