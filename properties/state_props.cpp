/// Family 6, the stateful model test (rapidcheck/state.h): random sequences of
/// stake, unstake, add-with-limit, remove-with-limit, coinbase blocks, epochs
/// (blocks until a drain, then the drain), start_call and subnet registrations
/// on a generated multi-subnet chain state (chain model), with the invariants of
/// families 1–5 checked after every command; RapidCheck shrinks a failure to
/// the shortest failing sequence. The model predicts what the reference must do
/// (which registrations and start_calls succeed, the TotalStake offset).
/// @rule STAKE-007 STAKE-008 COIN-010 REG-003 REG-004 EPOCH-003 DRAIN-001
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/drain.hpp"
#include "dtao/pool.hpp"
#include "dtao/registration.hpp"
#include "dtao/stake.hpp"

#include <rapidcheck/state.h>

#include <map>

namespace dtao::prop {
namespace {

using fixed::I96F32;

struct SubnetFacts
{
    u64 registered_at = 0;
    bool feb_set = false;
};

/// What the model knows: enough to predict registrations and start_calls and
/// the TotalStake − Σ_{n≠0} SubnetTAO offset.
struct Model
{
    std::size_t ruleset = 0;
    u64 block = 0;
    u64 last_registered = 0;
    Int stake_offset = 0;  ///< TotalStake − Σ_{n≠0} SubnetTAO
    std::map<u64, SubnetFacts> subnets;
    [[nodiscard]] const Ruleset& rules() const { return LAUNCH_RULESETS[ruleset]; }
    [[nodiscard]] std::vector<u64> netuids() const
    {
        std::vector<u64> v;
        for (const auto& [n, f] : subnets)
            v.push_back(n);
        return v;
    }
};

struct Sut
{
    ChainState st;
    /// Mutation hook: the stake command's swap pays one alpha more than the reference.
    bool mutant_extra_alpha = false;
};

Int sum_subnet_tao(const ChainState& st)
{
    Int s = 0;
    for (const auto& n : st.subnets)
        if (!n.is_root())
            s += n.subnet_tao;
    return s;
}

/// The invariants every command must leave holding.
void check_invariants(const Model& m, const ChainState& st)
{
    RC_ASSERT(st.total_issuance <= TOTAL_SUPPLY);
    RC_ASSERT(Int(st.total_stake) - sum_subnet_tao(st) == m.stake_offset);
    for (const auto& s : st.subnets) {
        if (s.is_root())
            continue;
        RC_ASSERT(Int(s.subnet_alpha_in) + s.subnet_alpha_out <= Int(TOTAL_SUPPLY));
        if (!s.is_stable()) {
            RC_ASSERT(s.subnet_tao >= MINIMUM_POOL_LIQUIDITY);
            RC_ASSERT(s.subnet_alpha_in >= MINIMUM_POOL_LIQUIDITY);
        }
        if (m.rules().ema_clamp_at_one)
            RC_ASSERT(s.subnet_moving_price <= I96F32::one());
    }
}

Subnet* pick(Sut& sut, u64 netuid) { return sut.st.find(netuid); }

/// The pool invariant of family 1 across one swap on the paid-in side:
/// k may fall only by less than (x + a)/2^18 (F-015) and the rest of the state
/// is unchanged when the command was rejected.
void check_swap(const Subnet& before, const Subnet& after, bool buy, u64 amount)
{
    const Int k0 = Int(before.subnet_tao) * before.subnet_alpha_in;
    const Int k1 = Int(after.subnet_tao) * after.subnet_alpha_in;
    const Int in_side = buy ? Int(before.subnet_tao) : Int(before.subnet_alpha_in);
    RC_ASSERT(k1 * (Int(1) << 18) + in_side + amount > k0 * (Int(1) << 18));
}

struct StakeCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    u64 amount;
    std::optional<u64> limit;
    Fill partial;
    explicit StakeCmd(const Model& m)
        : netuid(*rc::gen::elementOf(m.netuids())), amount(*realistic_u64(0, 1'000'000'000'000'000)),
          limit(*limit_price()), partial(*rc::gen::arbitrary<bool>() ? Fill::partial : Fill::whole)
    {}
    /// Shrinking can drop the registration that created the subnet: then the command no longer applies.
    void checkPreconditions(const Model& m) const override { RC_PRE(m.subnets.count(netuid) == 1); }
    void apply(Model&) const override {}
    void run(const Model& m, Sut& sut) const override
    {
        Subnet* s = pick(sut, netuid);
        const Subnet before = *s;
        const u64 ts0 = sut.st.total_stake, ti0 = sut.st.total_issuance;
        const auto r = chain::add_stake(*s, sut.st.total_stake, amount, limit, partial);
        if (r && sut.mutant_extra_alpha && r->alpha > 0) {
            s->subnet_alpha_in -= 1;
            s->subnet_alpha_out += 1;
        }
        RC_ASSERT(sut.st.total_issuance == ti0);
        if (!r) {
            RC_ASSERT(same_subnet(before, *s));
            RC_ASSERT(sut.st.total_stake == ts0);
        } else if (!s->is_stable()) {
            check_swap(before, *s, true, r->tao_staked);
        }
        check_invariants(m, sut.st);
    }
    void show(std::ostream& os) const override
    {
        os << "Stake(netuid=" << netuid << ", tao=" << amount << ", limit=" << (limit ? std::to_string(*limit) : "none")
           << ", partial=" << (partial == Fill::partial) << ")";
    }
};

struct UnstakeCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    u64 fraction;  ///< per 2^16 of SubnetAlphaOut
    std::optional<u64> limit;
    Fill partial;
    explicit UnstakeCmd(const Model& m)
        : netuid(*rc::gen::elementOf(m.netuids())), fraction(*rc::gen::inRange<u64>(0, 65537)), limit(*limit_price()),
          partial(*rc::gen::arbitrary<bool>() ? Fill::partial : Fill::whole)
    {}
    /// Shrinking can drop the registration that created the subnet: then the command no longer applies.
    void checkPreconditions(const Model& m) const override { RC_PRE(m.subnets.count(netuid) == 1); }
    void apply(Model&) const override {}
    void run(const Model& m, Sut& sut) const override
    {
        Subnet* s = pick(sut, netuid);
        const u64 alpha = static_cast<u64>(Int(Int(s->subnet_alpha_out) * fraction / 65536).convert_to<u64>());
        const Subnet before = *s;
        const u64 ts0 = sut.st.total_stake, ti0 = sut.st.total_issuance;
        const auto r = chain::remove_stake(m.rules(), *s, sut.st.total_stake, alpha, limit, partial);
        RC_ASSERT(sut.st.total_issuance == ti0);
        if (!r) {
            RC_ASSERT(same_subnet(before, *s));
            RC_ASSERT(sut.st.total_stake == ts0);
        } else if (!s->is_stable()) {
            check_swap(before, *s, false, std::min(alpha, before.subnet_alpha_out));
            RC_ASSERT(r->tao_unstaked + r->fee == r->tao);
        }
        check_invariants(m, sut.st);
    }
    void show(std::ostream& os) const override
    {
        os << "Unstake(netuid=" << netuid << ", fraction=" << fraction
           << "/65536, limit=" << (limit ? std::to_string(*limit) : "none")
           << ", partial=" << (partial == Fill::partial) << ")";
    }
};

/// One block's conservation (family 3), chain model.
void check_block(const ChainState& pre, const ChainState& post, const CoinbaseResult<ChainModel>& res)
{
    u64 injected = 0, root_tao = 0;
    for (const auto& e : res.emissions) {
        injected += e.tao_in.saturating_to_u64();
        root_tao += e.root_tao;
        RC_ASSERT(e.owner_cut.saturating_add(e.root_alpha).saturating_add(e.pending_alpha) == e.alpha_out);
    }
    RC_ASSERT(post.total_issuance - pre.total_issuance == injected);
    RC_ASSERT(Int(injected) <= Int(res.block_emission.saturating_to_u64()));
    RC_ASSERT(Int(post.total_stake) - pre.total_stake == Int(injected) - root_tao);
}

struct BlockCmd : rc::state::Command<Model, Sut>
{
    unsigned blocks;
    explicit BlockCmd(const Model&) : blocks(*rc::gen::inRange<unsigned>(1, 4)) {}
    void apply(Model& m) const override { m.block += blocks; }
    void run(const Model& m, Sut& sut) const override
    {
        Model cur = m;
        for (unsigned b = 0; b < blocks; ++b) {
            const ChainState pre = sut.st;
            const auto res = chain::block_step(m.rules(), sut.st);
            check_block(pre, sut.st, res);
            ++sut.st.block;
            check_invariants(cur, sut.st);
        }
    }
    void show(std::ostream& os) const override { os << "Blocks(" << blocks << ")"; }
};

/// Run blocks until some subnet's epoch drains (at most 13 blocks), then
/// distribute each drain to one validator and one miner and check DRAIN-001.
struct EpochCmd : rc::state::Command<Model, Sut>
{
    u64 root_stake;
    explicit EpochCmd(const Model&) : root_stake(*realistic_u64(0, 1'000'000'000'000'000)) {}
    void apply(Model& m) const override { m.block += 13; }
    void run(const Model& m, Sut& sut) const override
    {
        for (unsigned b = 0; b < 13; ++b) {
            const ChainState pre = sut.st;
            const auto res = chain::block_step(m.rules(), sut.st);
            check_block(pre, sut.st, res);
            ++sut.st.block;
            for (const auto& d : res.drains) {
                DrainInput in;
                in.netuid = d.netuid;
                in.tao_weight = sut.st.tao_weight;
                in.pending_alpha = d.pending_alpha;
                in.pending_tao = d.pending_tao;
                in.pending_swapped = d.pending_swapped;
                in.owner_cut = d.owner_cut;
                const u64 total = sat_add(d.pending_alpha, d.pending_swapped);
                in.epoch = {{"miner", total / 2, 0}, {"validator", 0, total - total / 2}};
                in.hotkeys["validator"] = HotkeyInfo{"v", 1'000'000'000, root_stake, 0, 0, {}, {}};
                in.hotkeys["miner"] = HotkeyInfo{"mi", 0, 0, 0, 0, {}, {}};
                const auto r = drain_pending_emission<ChainModel>(m.rules(), in);
                RC_ASSERT(r.tao_paid <= d.pending_tao);
                if (m.rules().drain_validator_alpha_from_pending && d.pending_swapped <= d.pending_alpha)
                    RC_ASSERT(r.alpha_paid - r.owner_cut_paid <= d.pending_alpha);
            }
        }
        Model after = m;
        after.block += 13;
        check_invariants(after, sut.st);
    }
    void show(std::ostream& os) const override { os << "Epoch(root_stake=" << root_stake << ")"; }
};

struct RegisterCmd : rc::state::Command<Model, Sut>
{
    explicit RegisterCmd(const Model& m) { RC_PRE(m.subnets.size() < 12); }
    [[nodiscard]] bool succeeds(const Model& m) const
    {
        return sat_sub(m.block, m.last_registered) >= NETWORK_RATE_LIMIT;
    }
    void apply(Model& m) const override
    {
        if (!succeeds(m))
            return;
        u64 n = 1;
        while (m.subnets.count(n))
            ++n;
        m.subnets[n] = SubnetFacts{m.block, false};
        m.last_registered = m.block;
        if (!m.rules().registration_adds_pool_to_total_stake)
            m.stake_offset -= NETWORK_MIN_LOCK_COST;
    }
    void run(const Model& m, Sut& sut) const override
    {
        const u64 ti0 = sut.st.total_issuance;
        const auto r = chain::register_network(m.rules(), sut.st);
        RC_ASSERT(static_cast<bool>(r) == succeeds(m));
        if (r)
            RC_ASSERT(sut.st.total_issuance == sat_sub(ti0, r->burned));
        Model after = m;
        apply(after);
        check_invariants(after, sut.st);
    }
    void show(std::ostream& os) const override { os << "RegisterNetwork"; }
};

struct StartCallCmd : rc::state::Command<Model, Sut>
{
    u64 netuid;
    explicit StartCallCmd(const Model& m) : netuid(*rc::gen::elementOf(m.netuids())) {}
    /// Shrinking can drop the registration that created the subnet: then the command no longer applies.
    void checkPreconditions(const Model& m) const override { RC_PRE(m.subnets.count(netuid) == 1); }
    [[nodiscard]] bool succeeds(const Model& m) const
    {
        const auto& f = m.subnets.at(netuid);
        return m.rules().start_call && !f.feb_set && m.block >= sat_add(f.registered_at, DURATION_OF_START_CALL);
    }
    void apply(Model& m) const override
    {
        if (succeeds(m))
            m.subnets[netuid].feb_set = true;
    }
    void run(const Model& m, Sut& sut) const override
    {
        const auto r = start_call<ChainModel>(m.rules(), sut.st, netuid);
        RC_ASSERT(static_cast<bool>(r) == succeeds(m));
        check_invariants(m, sut.st);
    }
    void show(std::ostream& os) const override { os << "StartCall(" << netuid << ")"; }
};

/// The stateful property, against the reference or a mutated SUT.
void stateful(bool mutant)
{
    auto c = *chain_state(1, 4);
    Model m;
    m.ruleset = c.ruleset;
    m.block = c.state.block;
    m.last_registered = c.state.network_last_registered;
    for (const auto& s : c.state.subnets)
        if (!s.is_root())
            m.subnets[s.netuid] = SubnetFacts{s.network_registered_at, s.first_emission_block_number.has_value()};
    for (auto& s : c.state.subnets) {
        if (!s.is_root())
            s.mechanism = Mechanism::dynamic;  // stable non-root subnets swap 1:1 against an unbacked reserve
        if (c.rules().ema_clamp_at_one)
            s.subnet_moving_price = s.subnet_moving_price.min(I96F32::one());
    }
    // TotalStake also counts stake outside these pools (root and older
    // registrations, which before v2.0.8 did not add their pool, RSET-013): a
    // buffer keeps its saturating subtractions away from 0 in a short sequence.
    c.state.total_stake = sat_add(c.state.total_stake, 10'000'000'000'000'000);
    m.stake_offset = Int(c.state.total_stake) - sum_subnet_tao(c.state);
    Sut sut{c.state, mutant};
    check_invariants(m, sut.st);
    rc::state::check(m, sut,
                     rc::state::gen::execOneOfWithArgs<StakeCmd, StakeCmd, UnstakeCmd, UnstakeCmd, BlockCmd, BlockCmd,
                                                       EpochCmd, RegisterCmd, StartCallCmd>());
}

RC_GTEST_PROP(state, stateful_chain_invariants_hold_over_command_sequences, ()) { stateful(false); }

TEST(mutation, state_extra_alpha_on_stake_is_caught)
{
    expect_failure(
        "mutant (stake pays one alpha more): stateful", [] { stateful(true); }, 300);
}

}  // namespace
}  // namespace dtao::prop
