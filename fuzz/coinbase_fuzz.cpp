// coinbase_fuzz: the multi-block state machine of the chain model — a byte
// stream decoded into a chain state and a sequence of operations and blocks,
// with every conservation invariant checked after each step (COIN-*, EPOCH-*,
// STAKE-007/008, REG-003/004, POOL-005/006).
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end):
//   state: u8 ruleset (mod 8); u32 block; u64 TotalIssuance (>> 4); u64 TaoWeight;
//   u16 SubnetOwnerCut; u32 SubnetMovingAlpha bits (≤ 1.0); u64 root stake (>> 4);
//   u32 TotalStake slack (plus 16 TAO, see below); u8 n (1–4 dynamic subnets), each: u64 SubnetTAO (>> 4),
//   u64 SubnetAlphaIn (>> 4), u64 SubnetAlphaOut (>> 4), u40 moving price bits,
//   u8 flags (bit 0 burn registration off, bit 1 PoW registration on, bit 2
//   FirstEmissionBlockNumber set), u8 tempo, u32 NetworkRegisteredAt (≤ block).
//   TotalStake starts at Σ SubnetTAO (root included) + slack.
//   operations, until the input ends (at most 64), u8 opcode (mod 7) then:
//   0 block_step, then block + 1;  1 add_stake: u8 subnet, u64 TAO (>> 8), u8 limit
//   flags, u64 limit price;  2 remove_stake: u8 subnet, u64 alpha (mod outstanding
//   + 1), u8 limit flags, u64 limit price;  3 register_network after u16 blocks;
//   4 start_call: u8 subnet;  5 advance u16 blocks;  6 toggle u8 flags of u8 subnet.
//
// Asserted after every step (amounts start below 2^60, so nothing saturates
// legitimately; every amount is also checked to stay below 2^63, so a u64
// wraparound or a clamp shows):
//  1. block_step: TotalIssuance rises by exactly Σ SubnetTaoInEmission of the
//     emitting subnets; each emitting subnet's alpha issuance (in + out) rises by
//     exactly SubnetAlphaInEmission + SubnetAlphaOutEmission (the root sell moves
//     alpha from out to in); non-emitting subnets' alpha is unchanged.
//  2. Pending accumulators: per emitting subnet, PendingEmission +
//     PendingAlphaSwapped + PendingOwnerCut (plus what an epoch drained) rise by
//     the alpha-out emission minus at most 2 (three separately floored parts of
//     one fixed-point amount); PendingRootDivs rises by exactly the TAO of the
//     root sell, which is exactly what left SubnetTAO besides the injection;
//     a drained subnet's accumulators are 0 afterwards.
//  3. TotalStake − Σ SubnetTAO is invariant under every operation (stake, unstake,
//     swaps, coinbase), except registration, which lowers it by the new pool's
//     TAO before v2.0.8 (RSET-013).
//  4. Staking: a rejected operation leaves the whole state unchanged; an accepted
//     one conserves each dynamic subnet's alpha issuance and TotalIssuance.
//  5. Registration burns exactly lock − pool from TotalIssuance (clamped at 0).
//  6. On the clamping rulesets a moving price never rises above max(old, 1).
//
// Reproduce: ./dtao.sh fuzz coinbase repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/registration.hpp"
#include "dtao/stake.hpp"

using namespace dtao;
using dtao::fuzz::Input;
using dtao::fuzz::same;

namespace {

Int stake_gap(const ChainState& st) { return Int(st.total_stake) - test::sum_subnet_tao(st); }

Int alpha_issuance(const Subnet& s) { return Int(s.subnet_alpha_in) + Int(s.subnet_alpha_out); }
Int pending_alpha(const Subnet& s)
{
    return Int(s.pending_emission) + Int(s.pending_alpha_swapped) + Int(s.pending_owner_cut);
}

void no_wraparound(const ChainState& st)
{
    constexpr u64 LIMIT = u64{1} << 63;
    FUZZ_ASSERT(st.total_issuance < LIMIT && st.total_stake < LIMIT, "TotalIssuance/TotalStake reached 2^63");
    for (const auto& s : st.subnets) {
        for (const u64 v : {s.subnet_tao, s.subnet_alpha_in, s.subnet_alpha_out, s.pending_emission,
                            s.pending_root_divs, s.pending_alpha_swapped, s.pending_owner_cut})
            FUZZ_ASSERT(v < LIMIT, "an amount of subnet " << s.netuid << " reached 2^63: " << v);
        FUZZ_ASSERT(!s.subnet_moving_price.negative(), "negative moving price on subnet " << s.netuid);
    }
}

Subnet* pick(ChainState& st, std::uint8_t i) { return &st.subnets[i % st.subnets.size()]; }

std::string describe(const ChainState& st)
{
    std::string d =
        "TotalStake " + std::to_string(st.total_stake) + " TotalIssuance " + std::to_string(st.total_issuance);
    for (const auto& s : st.subnets)
        d += " | netuid " + std::to_string(s.netuid) + " tao " + std::to_string(s.subnet_tao) + " in " +
             std::to_string(s.subnet_alpha_in) + " out " + std::to_string(s.subnet_alpha_out);
    return d;
}

void check_block_step(const Ruleset& rules, const ChainState& before, ChainState& st)
{
    const auto r = chain::block_step(rules, st);
    // 1. TotalIssuance
    Int minted = 0;
    for (const auto& e : r.emissions)
        minted += st.find(e.netuid)->subnet_tao_in_emission;
    FUZZ_ASSERT_EQ(Int(st.total_issuance) - Int(before.total_issuance), minted);
    // 3.
    FUZZ_ASSERT_EQ(stake_gap(st), stake_gap(before));
    for (std::size_t i = 0; i < st.subnets.size(); ++i) {
        const Subnet& s = st.subnets[i];
        const Subnet& b = before.subnets[i];
        if (s.is_root()) {
            FUZZ_ASSERT_EQ(s.subnet_tao, b.subnet_tao);
            continue;
        }
        const SubnetEmission<ChainModel>* e = nullptr;
        for (const auto& x : r.emissions)
            if (x.netuid == s.netuid)
                e = &x;
        const EpochDrain<ChainModel>* d = nullptr;
        for (const auto& x : r.drains)
            if (x.netuid == s.netuid)
                d = &x;
        const Int drained_alpha = d ? Int(d->pending_alpha) + Int(d->pending_swapped) + Int(d->owner_cut) : Int(0);
        const Int drained_tao = d ? Int(d->pending_tao) : Int(0);
        if (d) {
            FUZZ_ASSERT(pending_alpha(s) == 0 && s.pending_root_divs == 0, "drained subnet keeps pending amounts");
        }
        if (e == nullptr) {
            FUZZ_ASSERT_EQ(alpha_issuance(s), alpha_issuance(b));
            FUZZ_ASSERT_EQ(s.subnet_tao, b.subnet_tao);
            FUZZ_ASSERT_EQ(pending_alpha(s) + drained_alpha, pending_alpha(b));
            FUZZ_ASSERT_EQ(Int(s.pending_root_divs) + drained_tao, Int(b.pending_root_divs));
            continue;
        }
        // 1. alpha issuance
        FUZZ_ASSERT_EQ(alpha_issuance(s) - alpha_issuance(b),
                       Int(s.subnet_alpha_in_emission) + Int(s.subnet_alpha_out_emission));
        // 2. pending accumulators
        const Int rise = pending_alpha(s) + drained_alpha - pending_alpha(b);
        FUZZ_ASSERT(rise <= Int(s.subnet_alpha_out_emission) && rise + 2 >= Int(s.subnet_alpha_out_emission),
                    "pending alpha rose by " << rise.str() << " for alpha-out emission "
                                             << s.subnet_alpha_out_emission);
        FUZZ_ASSERT_EQ(Int(s.pending_root_divs) + drained_tao - Int(b.pending_root_divs), Int(e->root_tao));
        FUZZ_ASSERT_EQ(Int(s.subnet_tao) - Int(b.subnet_tao), Int(s.subnet_tao_in_emission) - Int(e->root_tao));
        // 6.
        if (rules.ema_clamp_at_one) {
            const auto cap =
                b.subnet_moving_price.cmp(fixed::I96F32::one()) > 0 ? b.subnet_moving_price : fixed::I96F32::one();
            FUZZ_ASSERT(s.subnet_moving_price <= cap, "moving price rose above max(old, 1) on " << s.netuid);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const Ruleset& rules = LAUNCH_RULESETS[in.u8() % LAUNCH_RULESETS.size()];
    ChainState st;
    st.block = in.u64be(4);
    st.total_issuance = in.u64be() >> 4;
    st.tao_weight = in.u64be();
    st.subnet_owner_cut = in.u64be(2);
    st.subnet_moving_alpha_bits = static_cast<i128>(in.u64be(4));
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = in.u64be() >> 4;
    st.subnets.push_back(root);
    const u64 slack = in.u64be(4);
    const unsigned n = 1 + in.u8() % 4;
    for (unsigned i = 0; i < n; ++i) {
        Subnet s;
        s.netuid = i + 1;
        s.subnet_tao = in.u64be() >> 4;
        s.subnet_alpha_in = in.u64be() >> 4;
        s.subnet_alpha_out = in.u64be() >> 4;
        s.subnet_moving_price = fixed::I96F32::from_bits(static_cast<i128>(in.u64be(5)));
        const std::uint8_t f = in.u8();
        s.network_registration_allowed = (f & 1) == 0;
        s.network_pow_registration_allowed = (f & 2) != 0;
        if ((f & 4) != 0)
            s.first_emission_block_number = st.block;
        s.tempo = in.u8();
        s.network_registered_at = st.block == 0 ? 0 : in.u64be(4) % st.block;
        st.subnets.push_back(s);
    }
    // Slack for the registrations before v2.0.8, which do not add the new pool's
    // TAO to TotalStake (RSET-013): without it an unstake from a new pool could
    // clamp TotalStake at 0, which only a tiny state can reach.
    st.total_stake = slack + 16 * NETWORK_MIN_LOCK_COST;
    for (const auto& s : st.subnets)
        st.total_stake += s.subnet_tao;
    FUZZ_NOTE("ruleset", std::string(rules.id));
    FUZZ_NOTE("block", st.block);
    FUZZ_NOTE("total_issuance", st.total_issuance);
    FUZZ_NOTE("subnets", n);
    no_wraparound(st);

    for (int step = 0; step < 64 && in.remaining() > 0; ++step) {
        const unsigned op = in.u8() % 7;
        const ChainState before = st;
        FUZZ_NOTE("op", op);
        switch (op) {
        case 0:
            check_block_step(rules, before, st);
            st.block = sat_add(st.block, 1);
            break;
        case 1:
        case 2: {
            Subnet* s = pick(st, in.u8());
            u64 amount = in.u64be() >> 8;
            const std::uint8_t lf = in.u8();
            const u64 limit = in.u64be();
            const std::optional<u64> limit_price = (lf & 1) != 0 ? std::optional<u64>(limit) : std::nullopt;
            const Fill partial = (lf & 2) != 0 ? Fill::partial : Fill::whole;
            const Int alpha_before = alpha_issuance(*s);
            bool ok = false;
            if (op == 1) {
                FUZZ_NOTE("  add_stake netuid", s->netuid);
                FUZZ_NOTE("  amount", amount);
                ok = chain::add_stake(*s, st.total_stake, amount, limit_price, partial).ok();
            } else {
                amount = s->subnet_alpha_out == U64_MAX ? amount : amount % (s->subnet_alpha_out + 1);
                FUZZ_NOTE("  remove_stake netuid", s->netuid);
                FUZZ_NOTE("  alpha", amount);
                ok = chain::remove_stake(rules, *s, st.total_stake, amount, limit_price, partial).ok();
            }
            if (!ok) {
                FUZZ_ASSERT(same(st, before), "a rejected stake operation changed the state");
                break;
            }
            FUZZ_ASSERT(stake_gap(st) == stake_gap(before),
                        "before: " << describe(before) << "\n after: " << describe(st));
            FUZZ_ASSERT_EQ(st.total_issuance, before.total_issuance);
            if (!s->is_stable())
                FUZZ_ASSERT_EQ(alpha_issuance(*s), alpha_before);
            break;
        }
        case 3: {
            st.block = sat_add(st.block, in.u64be(2));
            if (st.subnets.size() >= 9)
                break;
            const ChainState pre = st;
            const auto r = chain::register_network(rules, st);
            FUZZ_NOTE("  register_network at", pre.block);
            if (!r) {
                FUZZ_ASSERT(same(st, pre), "a rejected registration changed the state");
                break;
            }
            FUZZ_ASSERT_EQ(st.total_issuance, sat_sub(pre.total_issuance, r->burned));
            FUZZ_ASSERT_EQ(r->burned, sat_sub(r->lock_cost, r->pool_tao));
            const bool added = rules.registration_adds_pool_to_total_stake && r->lock_cost > 0 && r->pool_tao > 0;
            FUZZ_ASSERT_EQ(stake_gap(st), stake_gap(pre) - Int(r->pool_tao) + Int(added ? r->pool_tao : 0));
            break;
        }
        case 4: {
            const u64 netuid = pick(st, in.u8())->netuid;
            FUZZ_NOTE("  start_call", netuid);
            const auto r = start_call<ChainModel>(rules, st, netuid);
            if (!r)
                FUZZ_ASSERT(same(st, before), "a rejected start_call changed the state");
            else
                FUZZ_ASSERT(same(st, before) == false && st.find(netuid)->first_emission_block_number == st.block + 1);
            break;
        }
        case 5: st.block = sat_add(st.block, in.u64be(2)); break;
        case 6: {
            Subnet* s = pick(st, in.u8());
            const std::uint8_t f = in.u8();
            s->network_registration_allowed = (f & 1) == 0;
            s->network_pow_registration_allowed = (f & 2) != 0;
            break;
        }
        }
        no_wraparound(st);
    }
    return 0;
}
