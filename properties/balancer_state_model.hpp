/// The Balancer-era stateful model test (family 9; its overview and rule tags are at the top of
/// balancer_state_props.cpp, its invariants in properties/README.md): what its parts share.
/// The test is split by topic: this header holds the model, the SUT with its ledger and the
/// command declarations; balancer_state_model.cpp the generated state, the invariants and the
/// swap checks; balancer_state_stake.cpp the add_stake / remove_stake commands;
/// balancer_state_chain.cpp the coinbase blocks, registration, start_call, set_tempo and
/// parameter commands; balancer_state_props.cpp the property, its mutants and the findings it
/// pins.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/numeric/fixed.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"
#include "dtao/testing/compare.hpp"

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace dtao::prop::bal_state {

using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;
namespace bal = chain::balancer;
namespace inj = chain::injection_capped;
using test::sum_subnet_tao;
inline constexpr auto& pending_alpha = test::balancer_pending_alpha;  ///< the four Balancer-era accumulators

constexpr u64 HALF_PARTS = Perquintill::ACCURACY / 2;

/// The rulesets of the injection-capped coinbase the model runs: the Balancer era's, then
/// today's mainnet's (the reservoirs, the refund, the gate).
inline constexpr std::array INJECTION_CAPPED_RULESETS{BALANCER_RULESETS[0], BALANCER_RULESETS[1], BALANCER_RULESETS[2],
                                                      MAINNET_RULESETS[0],  MAINNET_RULESETS[1],  MAINNET_RULESETS[2],
                                                      MAINNET_RULESETS[3]};

// ------------------------------------------------------------------ the generated state

struct BalStateCase
{
    std::size_t ruleset = 0;  ///< index into INJECTION_CAPPED_RULESETS
    ChainState state;
    [[nodiscard]] const Ruleset& rules() const { return INJECTION_CAPPED_RULESETS[ruleset]; }
};

void showValue(const BalStateCase& c, std::ostream& os);

/// A Balancer-era chain state: root and {min_subnets … max_subnets} dynamic subnets, under one
/// of the Balancer rulesets (balancer_state_model.cpp).
rc::Gen<BalStateCase> balancer_state(std::size_t min_subnets, std::size_t max_subnets);

// ------------------------------------------------------------------ model and SUT

struct SubnetFacts
{
    u64 registered_at = 0;
    bool feb_set = false;
};

/// What the model predicts: the block, the subnets, which start_calls succeed and the
/// netuid a registration gets.
struct Model
{
    std::size_t ruleset = 0;
    u64 block = 0;
    std::map<u64, SubnetFacts> subnets;  ///< non-root
    [[nodiscard]] const Ruleset& rules() const { return INJECTION_CAPPED_RULESETS[ruleset]; }
    [[nodiscard]] std::vector<u64> netuids(bool with_root) const
    {
        std::vector<u64> v;
        if (with_root)
            v.push_back(ROOT_NETUID);
        for (const auto& [n, f] : subnets)
            v.push_back(n);
        return v;
    }
    [[nodiscard]] u64 next_netuid() const
    {
        u64 n = 1;
        while (subnets.count(n) != 0)
            ++n;
        return n;
    }
};

enum class Mutant
{
    none,
    stake_extra_alpha,    ///< add_stake credits one alpha more than the pool paid out
    coinbase_no_recycle,  ///< the coinbase keeps the unspent credit in TotalIssuance
};

/// Where every TAO and every alpha is, besides the pools (filled from reported outcomes).
struct Ledger
{
    Int users = 0;                    ///< TAO in coldkeys (may go negative: the model's coldkeys hold any amount)
    Int author = 0;                   ///< TAO paid to block authors (fees, alpha-fee sales)
    Int burned = 0;                   ///< TAO fees moved to the burn account (no author): still in TotalIssuance
    Int unswapped = 0;                ///< add_stake input neither swapped nor charged (BAL-011): in the subnet account
    Int stranded = 0;                 ///< chain-buy TAO spent but not swapped (F-026): in the subnet account
    Int stake_offset = 0;             ///< expected TotalStake − Σ SubnetTAO
    std::map<u64, Int> stake;         ///< alpha held by stakers (alpha_available of remove_stake)
    std::map<u64, Int> burned_alpha;  ///< alpha fees burned (no author): stays in SubnetAlphaOut
    std::map<u64, Int> author_alpha;  ///< alpha fees the author's fee-free sale did not sell
    std::map<u64, Int> dust;          ///< alpha-out emission lost to the four floors (≤ 3 per block)
};

struct Sut
{
    ChainState st;
    Ledger l;
    Mutant mutant = Mutant::none;
    std::set<std::string> tags;  ///< coverage tags of this case, each reported once
};

/// RC_TAG once per case (the distribution RapidCheck prints on success).
void tag(Sut& sut, const std::string& t);

/// The invariants every command leaves holding.
void check_invariants(const Model& m, const Sut& sut);

// ------------------------------------------------------------------ swap checks

/// [chain vs exact] One swap of `paid_in` into a pool (x alpha, y TAO, quote parts `parts`)
/// paid `out`: out < exact(paid_in) + R·(4·10^-18 + 2^-64) + 2^-200 (R the paid-out
/// reserve; F-032: at most one rao more than the real output in real supply). The exact
/// output keeps x^w1·y^w2 exactly, so this is "the weighted invariant never decreases (fees
/// counted: a fee only adds to the paid-in side) beyond the F-032 overpay". Outside the
/// fallback's domain (real power below e^-38) the chain's power is meaningless (F-033, F-034)
/// and only out ≤ R holds.
void check_swap_output(Sut& sut, u64 parts, u64 x, u64 y, bool buy, u64 paid_in, u64 out);

/// BAL-007 [chain vs exact]: an accepted reweighting keeps the spot price within
/// p·(1/q1 + 1/q2 + 2.1·10^-16) (spec/balancer.md BAL-007, property
/// bal_007_reweighting_keeps_the_price), measured with the stored weights on the reserves
/// after the injection.
void check_reweight_price(u64 parts0, u64 parts1, u64 y, u64 x, u64 dy, u64 dx);

// ------------------------------------------------------------------ commands

struct AddStakeCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    u64 amount;
    std::optional<u64> limit;
    Fill partial;
    explicit AddStakeCmd(const Model& m);
    void checkPreconditions(const Model& m) const override;
    void apply(Model&) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

struct RemoveStakeCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    u64 fraction;  ///< per 2^16 of the stakers' alpha on the subnet; above 2^16 asks for more than the stake
    std::optional<u64> limit;
    Fill partial;
    explicit RemoveStakeCmd(const Model& m);
    void checkPreconditions(const Model& m) const override;
    void apply(Model&) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

struct BlockCmd : rc::state::Command<Model, Sut>
{
    unsigned blocks;
    explicit BlockCmd(const Model&);
    void apply(Model& m) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

struct RegisterCmd : rc::state::Command<Model, Sut>
{
    u64 extra;  ///< lock = NetworkMinLockCost + extra
    explicit RegisterCmd(const Model& m);
    void checkPreconditions(const Model& m) const override;
    void apply(Model& m) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

struct StartCallCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    explicit StartCallCmd(const Model& m);
    [[nodiscard]] bool succeeds(const Model& m) const { return !m.subnets.at(netuid).feb_set; }
    void checkPreconditions(const Model& m) const override;
    void apply(Model& m) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

struct SetTempoCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    u64 tempo;
    explicit SetTempoCmd(const Model& m);
    void checkPreconditions(const Model& m) const override;
    void apply(Model&) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

/// Root / owner parameters: MinerBurned, SubnetEmissionEnabled, FeeRate, OwnerCutEnabled,
/// and whether the block has an author.
struct SetParamCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    unsigned kind;
    u64 value;
    explicit SetParamCmd(const Model& m);
    void checkPreconditions(const Model& m) const override;
    void apply(Model&) const override;
    void run(const Model& m, Sut& sut) const override;
    void show(std::ostream& os) const override;
};

}  // namespace dtao::prop::bal_state
