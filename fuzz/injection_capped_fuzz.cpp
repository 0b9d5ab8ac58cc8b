// injection_capped_fuzz: the Balancer-era state machine of the chain model — a byte stream
// decoded into a multi-subnet Balancer chain state and a sequence of coinbase blocks
// (`injection_capped::block_step`), stake operations (`balancer::add_stake` / `remove_stake`),
// registrations, start_calls and parameter changes, with the conservation invariants
// checked after each step (BCOIN-*, BEPOCH-002, BREG-002/003, BAL-005/007/010/011).
// The stateful property test properties/balancer_state_props.cpp checks the same
// invariants plus the exact swap output at any weight; this target checks only the
// cheap ones, at fuzzing speed.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end):
//   state: u8 ruleset (mod 3: v3.4.8-423, v3.4.9-424, main-14bc6f9); u32 block (+ 1);
//   u64 TotalIssuance (mod 21e15 + 1, at least Σ SubnetTAO); u64 TaoWeight; u16 SubnetOwnerCut;
//   u32 SubnetMovingAlpha bits; u64 root stake (mod 2^52); u8 flags (bits 0–1 MinimumReserve
//   10^6 / 100 / 1 / 10^6, bits 2–3 MaxEpochsPerBlock 2 / 1 / 32 / 3, bit 4 no block author,
//   bit 5 netuids 256, 511, 766, 1021 instead of 1 … 4); u8 n (1–4 dynamic subnets), each: u64 SubnetTAO (mod 2^55), u64 SubnetAlphaIn
//   (mod 2^55), u64 SubnetAlphaOut (mod 2^55), u64 quote weight (mapped into [0.01, 0.99];
//   0 reads as ½), u40 moving price bits, u8 flags (bit 0 FirstEmissionBlockNumber unset,
//   bit 1 SubnetEmissionEnabled off, bit 2 registration off, bit 3 OwnerCutEnabled off),
//   u8 tempo, u16 FeeRate (mod 10 001), u32 MinerBurned bits (U96F32, < 1.25 · 2^32).
//   operations, until the input ends (at most 24, with at most 8 block_steps in all; a
//   block_step beyond that is skipped), u8 opcode (mod 9) then:
//   0 block_step, then block + 1;  1 add_stake: u8 subnet (root included), u64 TAO (>> 8),
//   u8 flags (bit 0 limit, bit 1 partial), u64 limit price (mod 10^13);  2 remove_stake:
//   u8 subnet, u16 fraction (/32768: up to twice) of the stakers' alpha, u8 flags, u64 limit;
//   3 register_network: u64 lock above NetworkMinLockCost (mod 10^13);  4 start_call: u8
//   subnet;  5 set_tempo: u8 subnet, u8 tempo;  6 parameter: u8 subnet, u8 kind (MinerBurned,
//   SubnetEmissionEnabled, FeeRate, OwnerCutEnabled, block author), u64 value;  7 advance
//   u16 blocks without a coinbase;  8 u8 (mod 4) + 1 block_steps.
//
// Asserted after every step (every check is in exact integers; no amount may reach 2^63, so
// a u64 wraparound or a saturation shows; no exception may escape):
//  1. BCOIN-010/012: TotalIssuance ≤ 21e15; the credit is min(block emission, 21e15 − I);
//     spent + recycled = credit (F-029); ΔTotalIssuance = spent, and spent = Σ(injected TAO
//     + chain-buy TAO spent). Stake operations never change TotalIssuance.
//  2. TAO conservation: TotalIssuance = Σ SubnetTAO + coldkeys + block authors + burned
//     fees + unswapped add_stake input (BAL-011) + stranded chain-buy TAO (F-026), each
//     bucket filled from the reported outcomes; TotalStake − Σ SubnetTAO moves only by
//     add_stake's unswapped input and fee and a cut chain buy's rest (TotalStake is gross).
//  3. Alpha conservation per subnet: SubnetAlphaOut = stakers + the four pending
//     accumulators + SubnetProtocolAlpha + burned alpha fees + unsold author fee alpha +
//     emission dust (≤ 3 per block: four floors of one alpha_out); the reserve deltas of
//     every swap are BAL-010's; non-emitting subnets' reserves do not move in a block.
//  4. BAL-007: weights of initialised pools stay in [0.01, 0.99]; a reweighting is accepted
//     iff update_weights_for_added_liquidity says so, and then both amounts are injected
//     and the spot price moves by at most p·(1/q1 + 1/q2 + 2.1·10^-16).
//  5. BAL-005: a successful swap ran on an output reserve ≥ MinimumReserve (afterwards it
//     may be lower); out ≤ the reserve; at w = ½ the output is ⌊o⌋ … o + X·(10^-18 + 2^-64)
//     with o = X·a/(Y + a) the real output (F-032), when the real power is not tiny.
//  6. BEPOCH-002: at most MaxEpochsPerBlock epochs run in a block, a deferral only when the
//     cap is hit (to the next block); a drained subnet's pending amounts are 0; due subnets
//     are visited in storage-key order (BCOIN-014) and every deferral follows every run.
//     BAL-011: no unstake sells more than the stake; a limit unstake above it is refused.
//  7. Rejected operations change nothing; registration gets the first free netuid, the
//     lock as pool TAO at the median price, weights ½, emission off (BREG-002); start_call
//     succeeds once (BREG-003).
//
// Reproduce: ./dtao.sh fuzz injection_capped repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/testing/compare.hpp"
#include "dtao/testing/oracles.hpp"

#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/emission.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

using namespace dtao;
using dtao::fuzz::Input;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;
namespace bal = dtao::chain::balancer;
namespace inj = dtao::chain::injection_capped;

namespace {

constexpr u64 HALF_PARTS = Perquintill::ACCURACY / 2;
constexpr u64 LIMIT = u64{1} << 63;
constexpr int MAX_OPS = 24;    ///< operations per input
constexpr int MAX_BLOCKS = 8;  ///< block_steps per input (ops 0 and 8 together)

struct Ledger
{
    Int users = 0, author = 0, burned = 0, unswapped = 0, stranded = 0, stake_offset = 0;
    std::map<u64, Int> stake, burned_alpha, author_alpha, dust;
    void add_subnet(u64 n, const Int& staked)
    {
        stake[n] = staked;
        burned_alpha[n] = author_alpha[n] = dust[n] = 0;
    }
};

void check_state(const ChainState& st, const Ledger& l)
{
    FUZZ_ASSERT(st.total_issuance <= TOTAL_SUPPLY, "TotalIssuance " << st.total_issuance << " above the supply");
    FUZZ_ASSERT(st.total_stake < LIMIT, "TotalStake reached 2^63");
    FUZZ_ASSERT_EQ(Int(st.total_issuance),
                   test::sum_subnet_tao(st) + l.users + l.author + l.burned + l.unswapped + l.stranded);
    FUZZ_ASSERT_EQ(Int(st.total_stake) - test::sum_subnet_tao(st), l.stake_offset);
    for (const auto& s : st.subnets) {
        for (const u64 v :
             {s.subnet_tao, s.subnet_alpha_in, s.subnet_alpha_out, s.pending_server_emission,
              s.pending_validator_emission, s.pending_root_alpha_divs, s.pending_owner_cut, s.subnet_protocol_alpha})
            FUZZ_ASSERT(v < LIMIT, "an amount of subnet " << s.netuid << " reached 2^63: " << v);
        FUZZ_ASSERT(!s.subnet_moving_price.negative(), "negative moving price on subnet " << s.netuid);
        const Int expected = l.stake.at(s.netuid) + test::balancer_pending_alpha(s) + Int(s.subnet_protocol_alpha) +
                             l.burned_alpha.at(s.netuid) + l.author_alpha.at(s.netuid) + l.dust.at(s.netuid);
        FUZZ_ASSERT(Int(s.subnet_alpha_out) == expected, "SubnetAlphaOut of "
                                                             << s.netuid << " is " << s.subnet_alpha_out
                                                             << ", the ledger says " << expected.str());
        FUZZ_ASSERT(l.stake.at(s.netuid) >= 0, "negative stake on " << s.netuid);
        if (!s.is_stable() && s.pal_swap_initialized)
            FUZZ_ASSERT(bal::check_constraints(bal::quote_weight(s)),
                        "weight out of [0.01, 0.99] on " << s.netuid << ": " << s.swap_balancer_quote_parts);
    }
}

/// 5. At w = ½ the real output is o = R·a/(r + a) (R paid-out, r paid-in reserve) and the chain
/// pays ⌊o⌋ ≤ out < o + R·(10^-18 + 2^-64) (F-032), checked where the real power r/(r + a)
/// is ≥ e^-38 (F-033's domain). Other weights: out ≤ R only (the exact power is the property
/// test's).
void check_swap(u64 parts, u64 r_in, u64 r_out, u64 paid_in, u64 out)
{
    FUZZ_ASSERT(out <= r_out, "paid out " << out << " of a reserve of " << r_out);
    if (paid_in == 0) {
        FUZZ_ASSERT(out == 0, "paid out " << out << " for nothing");
        return;
    }
    if (parts != HALF_PARTS)
        return;
    if (!(std::log(static_cast<double>(r_in) / (static_cast<double>(r_in) + static_cast<double>(paid_in))) > -38))
        return;
    const Int den = Int(r_in) + paid_in;
    const Int num = Int(r_out) * paid_in;  // o = num / den
    FUZZ_ASSERT(Int(out) * den >= num - den + 1, "out " << out << " below ⌊o⌋, o = " << num.str() << "/" << den.str());
    const Int s = Int(Perquintill::ACCURACY) << 64;
    FUZZ_ASSERT(Int(out) * den * s < num * s + Int(r_out) * den * ((Int(1) << 64) + Int(Perquintill::ACCURACY)),
                "out " << out << " above o + R(1e-18 + 2^-64), o = " << num.str() << "/" << den.str());
}

/// 4. The reweighting bound of BAL-007.
void check_reweight_price(u64 parts0, u64 parts1, u64 y, u64 x, u64 dy, u64 dx)
{
    const auto violation = dtao::test::reweight_price_violation(parts0, parts1, y, x, dy, dx);
    FUZZ_ASSERT(!violation, *violation);
}

void block(const Ruleset& rules, ChainState& st, Ledger& l)
{
    const ChainState pre = st;
    const auto r = inj::block_step(rules, st);
    const auto e = chain::block_emission(pre.total_issuance);
    const u64 credit = (e && e->emission > 0) ? std::min(e->emission, sat_sub(TOTAL_SUPPLY, pre.total_issuance)) : 0;
    FUZZ_ASSERT_EQ(r.credit, credit);
    FUZZ_ASSERT_EQ(Int(r.tao_spent) + r.tao_recycled, Int(r.credit));
    FUZZ_ASSERT_EQ(Int(st.total_issuance) - pre.total_issuance, Int(r.tao_spent));
    const auto emit_to = inj::get_subnets_to_emit_to(pre);
    FUZZ_ASSERT_EQ(r.emissions.size(), emit_to.size());
    Int spent = 0, stake_rise = 0;
    for (std::size_t i = 0; i < r.emissions.size(); ++i) {
        const chain::injection_capped::SubnetEmission& em = r.emissions[i];
        FUZZ_ASSERT_EQ(em.netuid, emit_to[i]);
        const Subnet& b = *pre.find(em.netuid);
        const Subnet& s = *st.find(em.netuid);
        spent += Int(em.injected_tao) + em.excess_spent;
        FUZZ_ASSERT_EQ(Int(em.stranded_tao), Int(em.excess_spent) - em.chain_buy_paid_in);
        FUZZ_ASSERT(em.chain_buy_ok || (em.chain_buy_paid_in == 0 && em.chain_buy_alpha == 0), "failed chain buy paid");
        stake_rise += Int(em.injected_tao) + (em.chain_buy_ok ? em.excess_spent : 0);
        if (em.chain_buy_ok)
            l.stake_offset += Int(em.excess_spent) - em.chain_buy_paid_in;
        l.stranded += em.stranded_tao;
        const u64 tao_in = em.tao_in.saturating_to_u64(), alpha_in = em.alpha_in.saturating_to_u64();
        const auto w = bal::update_weights_for_added_liquidity(bal::quote_weight(b), b.subnet_tao, b.subnet_alpha_in,
                                                               tao_in, alpha_in);
        if (w) {
            FUZZ_ASSERT_EQ(s.swap_balancer_quote_parts, w->parts);
            FUZZ_ASSERT(em.injected_alpha == alpha_in && em.injected_tao == tao_in,
                        "accepted reweighting but injected (" << em.injected_tao << ", " << em.injected_alpha
                                                              << ") of (" << tao_in << ", " << alpha_in << ")");
            check_reweight_price(b.swap_balancer_quote_parts, w->parts, b.subnet_tao, b.subnet_alpha_in, tao_in,
                                 alpha_in);
        } else {
            FUZZ_ASSERT_EQ(s.swap_balancer_quote_parts, b.swap_balancer_quote_parts);
            FUZZ_ASSERT(em.injected_alpha == 0 && em.injected_tao == 0, "refused reweighting but injected");
        }
        if (em.chain_buy_ok) {
            FUZZ_ASSERT(b.subnet_alpha_in >= pre.swap_minimum_reserve, "chain buy from a reserve below the minimum");
            check_swap(s.swap_balancer_quote_parts, b.subnet_tao, b.subnet_alpha_in, em.chain_buy_paid_in,
                       em.chain_buy_alpha);
        }
        FUZZ_ASSERT_EQ(Int(s.subnet_tao) - b.subnet_tao, Int(em.injected_tao) + em.chain_buy_paid_in);
        FUZZ_ASSERT_EQ(Int(s.subnet_alpha_in) - b.subnet_alpha_in, Int(em.injected_alpha) - em.chain_buy_alpha);
        const u64 created = s.subnet_alpha_out_emission;
        FUZZ_ASSERT_EQ(created, em.alpha_out.saturating_to_u64());
        FUZZ_ASSERT_EQ(Int(s.subnet_alpha_out) - b.subnet_alpha_out,
                       Int(created) + em.chain_buy_alpha - em.root_alpha_recycled);
        FUZZ_ASSERT_EQ(Int(s.subnet_protocol_alpha) - b.subnet_protocol_alpha, Int(em.chain_buy_alpha));
        const u64 owner = s.owner_cut_enabled ? em.owner_cut.saturating_to_u64() : 0;
        const Int dust = Int(created) - owner - em.server.saturating_to_u64() - em.validator.saturating_to_u64() -
                         em.root_alpha.saturating_to_u64();
        FUZZ_ASSERT(dust >= 0 && dust <= 3, "alpha-out parts differ from ⌊alpha_out⌋ by " << dust.str());
        l.dust[em.netuid] += dust;
        FUZZ_ASSERT_EQ(em.root_alpha_recycled, r.root_sell_flag ? u64{0} : em.root_alpha.saturating_to_u64());
    }
    FUZZ_ASSERT_EQ(spent, Int(r.tao_spent));
    FUZZ_ASSERT_EQ(Int(st.total_stake) - pre.total_stake, stake_rise);
    for (const auto& s : st.subnets) {
        if (std::find(emit_to.begin(), emit_to.end(), s.netuid) != emit_to.end())
            continue;
        const Subnet& b = *pre.find(s.netuid);
        FUZZ_ASSERT(s.subnet_tao == b.subnet_tao && s.subnet_alpha_in == b.subnet_alpha_in &&
                        s.subnet_alpha_out == b.subnet_alpha_out,
                    "non-emitting subnet " << s.netuid << " moved");
    }
    u64 ran = 0, deferred = 0;
    for (const auto& ep : r.epochs) {
        const Subnet& s = *st.find(ep.netuid);
        if (ep.deferred) {
            ++deferred;
            FUZZ_ASSERT_EQ(s.pending_epoch_at, pre.block + 1);
        } else {
            ++ran;
            FUZZ_ASSERT(test::balancer_pending_alpha(s) == 0, "drained subnet " << s.netuid << " keeps pending alpha");
            l.stake[ep.netuid] +=
                Int(ep.pending_server) + ep.pending_validator + ep.pending_root_alpha + ep.pending_owner_cut;
        }
    }
    FUZZ_ASSERT(ran <= st.max_epochs_per_block, ran << " epochs in one block, cap " << st.max_epochs_per_block);
    FUZZ_ASSERT(deferred == 0 || ran == st.max_epochs_per_block, "deferred below the cap");
    // BCOIN-014: due subnets in storage-key order (low byte, then high byte); deferrals last.
    auto key = [](u64 n) { return std::pair<u64, u64>{n % 256, n / 256}; };
    bool deferring = false;
    for (std::size_t i = 0; i < r.epochs.size(); ++i) {
        FUZZ_ASSERT(i == 0 || key(r.epochs[i - 1].netuid) < key(r.epochs[i].netuid), "epochs out of storage-key order");
        deferring = deferring || r.epochs[i].deferred;
        FUZZ_ASSERT(r.epochs[i].deferred == deferring, "an epoch ran after a deferral");
    }
    st.block = sat_add(st.block, 1);
}

void add_stake(const Ruleset& rules, ChainState& st, Ledger& l, u64 netuid, u64 amount, std::optional<u64> limit,
               Fill allow_partial)
{
    const ChainState pre = st;
    const auto r = bal::add_stake(rules, st, netuid, amount, limit, allow_partial);
    if (!r) {
        FUZZ_ASSERT(st == pre, "a rejected add_stake changed the state");
        return;
    }
    const Subnet& b = *pre.find(netuid);
    const Subnet& s = *st.find(netuid);
    const auto& sw = r->swap;
    FUZZ_ASSERT_EQ(st.total_issuance, pre.total_issuance);
    FUZZ_ASSERT(r->tao_requested <= amount, "requested more than the amount");
    FUZZ_ASSERT_EQ(Int(sw.amount_paid_in) + sw.fee_paid + r->tao_unswapped, Int(r->tao_requested));
    FUZZ_ASSERT_EQ(Int(r->author_tao) + r->burned_tao, Int(sw.fee_paid));
    FUZZ_ASSERT_EQ(Int(s.subnet_tao) - b.subnet_tao, Int(sw.amount_paid_in));
    FUZZ_ASSERT_EQ(Int(s.subnet_alpha_out) - b.subnet_alpha_out, Int(sw.amount_paid_out));
    FUZZ_ASSERT_EQ(s.subnet_alpha_in, sat_sub(b.subnet_alpha_in, sw.amount_paid_out));
    FUZZ_ASSERT_EQ(Int(st.total_stake) - pre.total_stake, Int(r->tao_requested));
    if (!b.is_stable()) {
        FUZZ_ASSERT(b.subnet_alpha_in >= pre.swap_minimum_reserve, "buy from a reserve below the minimum");
        check_swap(b.swap_balancer_quote_parts, b.subnet_tao, b.subnet_alpha_in, sw.amount_paid_in, sw.amount_paid_out);
    }
    l.users -= r->tao_requested;
    l.author += r->author_tao;
    l.burned += r->burned_tao;
    l.unswapped += r->tao_unswapped;
    l.stake_offset += Int(r->tao_requested) - sw.amount_paid_in;
    l.stake[netuid] += r->alpha;
}

void remove_stake(const Ruleset& rules, ChainState& st, Ledger& l, u64 netuid, u64 fraction, std::optional<u64> limit,
                  Fill allow_partial)
{
    const ChainState pre = st;
    const Int held = l.stake.at(netuid);
    const u64 available = static_cast<u64>(held.convert_to<u64>());
    // fraction / 2^15: up to twice the stake, so requests above it are exercised too.
    const Int wanted = held * fraction / 32'768;
    const u64 alpha = static_cast<u64>(std::min(wanted, Int(U64_MAX)).convert_to<u64>());
    FUZZ_NOTE("  alpha", alpha);
    const auto r = bal::remove_stake(rules, st, netuid, alpha, available, limit, allow_partial);
    // BAL-011: a limit order is validated against the stake (NotEnoughStakeToWithdraw); the plain
    // extrinsic caps the request at it. Neither ever sells more than the stake.
    FUZZ_ASSERT(!(r && limit && alpha > available), "a limit unstake above the stake was accepted");
    FUZZ_ASSERT(r || r.error() != Error::not_enough_stake_to_withdraw || (limit && alpha > available),
                "not_enough_stake_to_withdraw without a limit order above the stake");
    if (!r) {
        FUZZ_ASSERT(st == pre, "a rejected remove_stake changed the state");
        return;
    }
    FUZZ_ASSERT(r->alpha_requested <= available, "unstaked more than the stake");
    const Subnet& b = *pre.find(netuid);
    const Subnet& s = *st.find(netuid);
    const auto& sw = r->swap;
    const auto& fs = r->fee_swap;
    FUZZ_ASSERT_EQ(st.total_issuance, pre.total_issuance);
    FUZZ_ASSERT_EQ(Int(sw.amount_paid_in) + sw.fee_paid + r->alpha_refund, Int(r->alpha_requested));
    FUZZ_ASSERT(r->alpha_requested <= alpha, "unstaked more than requested");
    if (st.block_author)
        FUZZ_ASSERT(fs.amount_paid_in <= sw.fee_paid && fs.fee_paid == 0 && r->author_tao == fs.amount_paid_out,
                    "the fee sale is not the fee");
    else
        FUZZ_ASSERT(fs == BalancerSwap{} && r->burned_alpha == sw.fee_paid, "burned alpha is not the fee");
    const Int sold = Int(sw.amount_paid_in) + fs.amount_paid_in;
    const Int tao_out = Int(sw.amount_paid_out) + fs.amount_paid_out;
    FUZZ_ASSERT_EQ(Int(s.subnet_alpha_in) - b.subnet_alpha_in, sold);
    FUZZ_ASSERT_EQ(Int(b.subnet_alpha_out) - s.subnet_alpha_out, sold);
    FUZZ_ASSERT_EQ(Int(b.subnet_tao) - s.subnet_tao, tao_out);
    FUZZ_ASSERT_EQ(Int(pre.total_stake) - st.total_stake, tao_out);
    if (!b.is_stable()) {
        FUZZ_ASSERT(b.subnet_tao >= pre.swap_minimum_reserve, "sell from a reserve below the minimum");
        check_swap(b.swap_balancer_quote_parts, b.subnet_alpha_in, b.subnet_tao, sw.amount_paid_in, sw.amount_paid_out);
        if (fs.amount_paid_in > 0)
            check_swap(s.swap_balancer_quote_parts, b.subnet_alpha_in + sw.amount_paid_in,
                       b.subnet_tao - sw.amount_paid_out, fs.amount_paid_in, fs.amount_paid_out);
    }
    l.users += r->tao;
    l.author += r->author_tao;
    l.stake[netuid] -= Int(sw.amount_paid_in) + sw.fee_paid;
    if (st.block_author)
        l.author_alpha[netuid] += Int(sw.fee_paid) - fs.amount_paid_in;
    else
        l.burned_alpha[netuid] += sw.fee_paid;
}

/// Returns false when the registration left real supply (a median price near 0).
bool register_network(const Ruleset& rules, ChainState& st, Ledger& l, u64 extra)
{
    const ChainState pre = st;
    u64 expected_netuid = 1;
    while (pre.find(expected_netuid) != nullptr)
        ++expected_netuid;
    const u64 lock = st.network_min_lock_cost + extra;
    const auto r = inj::register_network(rules, st, lock);
    FUZZ_ASSERT_EQ(r.netuid, expected_netuid);
    FUZZ_ASSERT(r.pool_tao == lock && r.recycled == 0, "pool TAO is not the lock");
    FUZZ_ASSERT(r.median_price == inj::get_median_subnet_alpha_price(pre), "median price");
    FUZZ_ASSERT_EQ(r.pool_alpha,
                   U64F64::saturating_from_u64(lock).safe_div(r.median_price).floor().saturating_to_u64());
    const Subnet& s = *st.find(r.netuid);
    FUZZ_ASSERT(s.subnet_tao == lock && s.subnet_alpha_in == r.pool_alpha && s.subnet_alpha_out == 0 &&
                    s.swap_balancer_quote_parts == HALF_PARTS && !s.subnet_emission_enabled && !s.subtoken_enabled &&
                    !s.first_emission_block_number && s.tempo == rules.default_tempo,
                "the new subnet is not BREG-002's");
    FUZZ_ASSERT_EQ(st.total_issuance, pre.total_issuance);
    FUZZ_ASSERT_EQ(Int(st.total_stake) - pre.total_stake, Int(lock));
    l.users -= lock;
    l.add_subnet(r.netuid, 0);
    return r.pool_alpha < (u64{1} << 62);
}

u64 pick(const ChainState& st, std::uint8_t i, bool with_root)
{
    if (!with_root && st.subnets.size() > 1)
        return st.subnets[1 + i % (st.subnets.size() - 1)].netuid;
    return st.subnets[i % st.subnets.size()].netuid;
}

int run(const std::uint8_t* data, std::size_t size)
{
    Input in(data, size);
    const Ruleset& rules = BALANCER_RULESETS[in.u8() % BALANCER_RULESETS.size()];
    ChainState st;
    st.block = in.u64be(4) + 1;
    const u64 issuance = in.u64be() % (TOTAL_SUPPLY + 1);
    st.tao_weight = in.u64be();
    st.subnet_owner_cut = in.u64be(2);
    st.subnet_moving_alpha_bits = static_cast<i128>(in.u64be(4));
    st.network_min_lock_cost = BALANCER_ERA_NETWORK_MIN_LOCK_COST;
    Subnet root;
    root.netuid = ROOT_NETUID;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = in.u64be() % (u64{1} << 52);
    root.subnet_alpha_out = root.subnet_tao;
    st.subnets.push_back(root);
    const std::uint8_t gf = in.u8();
    static constexpr u64 RESERVES[] = {SWAP_MINIMUM_RESERVE, 100, 1, SWAP_MINIMUM_RESERVE};
    static constexpr u64 EPOCHS[] = {MAX_EPOCHS_PER_BLOCK, 1, 32, 3};
    st.swap_minimum_reserve = RESERVES[gf & 3];
    st.max_epochs_per_block = EPOCHS[(gf >> 2) & 3];
    st.block_author = (gf & 16) == 0;
    const unsigned n = 1 + in.u8() % 4;
    // gf bit 5: netuids 256, 511, 766, 1021, whose storage keys (low byte first) sort in the
    // reverse of their values (BCOIN-014).
    const bool high_netuids = (gf & 32) != 0;
    for (unsigned i = 0; i < n; ++i) {
        Subnet s;
        s.netuid = high_netuids ? 255 * (i + 1) + 1 : i + 1;
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = in.u64be() % (u64{1} << 55);
        s.subnet_alpha_in = in.u64be() % (u64{1} << 55);
        s.subnet_alpha_out = in.u64be() % (u64{1} << 55);
        const u64 w = in.u64be();
        s.swap_balancer_quote_parts =
            w == 0 ? HALF_PARTS
                   : BALANCER_MIN_WEIGHT_PARTS + w % (Perquintill::ACCURACY - 2 * BALANCER_MIN_WEIGHT_PARTS + 1);
        s.subnet_moving_price = I96F32::from_bits(static_cast<i128>(in.u64be(5)));
        const std::uint8_t f = in.u8();
        if ((f & 1) == 0)
            s.first_emission_block_number = st.block;
        s.subtoken_enabled = (f & 1) == 0;
        s.subnet_emission_enabled = (f & 2) == 0;
        s.network_registration_allowed = (f & 4) == 0;
        s.owner_cut_enabled = (f & 8) == 0;
        s.tempo = in.u8();
        s.last_epoch_block = inj::initial_last_epoch_block(s.netuid, s.tempo, st.block);
        s.fee_rate = in.u64be(2) % 10'001;
        s.miner_burned = U96F32::from_bits(in.u64be(4) % (u64{5} << 30));
        st.subnets.push_back(s);
    }
    const Int staked = test::sum_subnet_tao(st);
    st.total_issuance =
        std::max<u64>(issuance, static_cast<u64>(std::min(staked, Int(TOTAL_SUPPLY)).convert_to<u64>()));
    // TotalStake also counts stake outside these pools: a buffer keeps unstakes off the clamp.
    st.total_stake = static_cast<u64>(staked.convert_to<u64>()) + (u64{1} << 58);
    FUZZ_NOTE("ruleset", std::string(rules.id));
    FUZZ_NOTE("block", st.block);
    FUZZ_NOTE("total_issuance", st.total_issuance);
    for (const auto& s : st.subnets)
        FUZZ_NOTE("subnet " + std::to_string(s.netuid),
                  "tao " + std::to_string(s.subnet_tao) + " in " + std::to_string(s.subnet_alpha_in) + " out " +
                      std::to_string(s.subnet_alpha_out) + " w2 " + std::to_string(s.swap_balancer_quote_parts) +
                      " tempo " + std::to_string(s.tempo) + " fee " + std::to_string(s.fee_rate));
    Ledger l;
    l.users = Int(st.total_issuance) - staked;
    l.stake_offset = Int(st.total_stake) - staked;
    for (const auto& s : st.subnets)
        l.add_subnet(s.netuid, Int(s.subnet_alpha_out));
    check_state(st, l);

    // Budget: every swap off w = ½ evaluates pow_ratio_scaled's series (BIGM-004/005), so the
    // operations and blocks per input are capped to keep the target fast.
    int blocks_left = MAX_BLOCKS;
    for (int step = 0; step < MAX_OPS && in.remaining() > 0; ++step) {
        const unsigned op = in.u8() % 9;
        FUZZ_NOTE("op", op);
        switch (op) {
        case 0:
            if (blocks_left-- > 0)
                block(rules, st, l);
            break;
        case 1:
        case 2: {
            const u64 netuid = pick(st, in.u8(), true);
            const u64 amount = op == 1 ? in.u64be() >> 8 : in.u64be(2);
            const std::uint8_t lf = in.u8();
            const u64 limit = in.u64be() % 10'000'000'000'000;
            const auto limit_price = (lf & 1) != 0 ? std::optional<u64>(limit) : std::nullopt;
            FUZZ_NOTE(op == 1 ? "  add_stake netuid" : "  remove_stake netuid", netuid);
            FUZZ_NOTE(op == 1 ? "  tao" : "  fraction", amount);
            FUZZ_NOTE("  limit", limit_price ? std::to_string(*limit_price) : std::string("none"));
            const Fill allow_partial = (lf & 2) != 0 ? Fill::partial : Fill::whole;
            if (op == 1)
                add_stake(rules, st, l, netuid, amount, limit_price, allow_partial);
            else
                remove_stake(rules, st, l, netuid, amount, limit_price, allow_partial);
            break;
        }
        case 3: {
            const u64 extra = in.u64be() % 10'000'000'000'000;
            if (st.subnets.size() >= 9)
                break;
            FUZZ_NOTE("  register_network extra", extra);
            if (!register_network(rules, st, l, extra))
                return 0;  // the new pool's alpha saturates: outside real supply
            break;
        }
        case 4: {
            const u64 netuid = pick(st, in.u8(), false);
            const ChainState pre = st;
            const bool had = st.find(netuid)->first_emission_block_number.has_value();
            const auto r = inj::start_call(st, netuid);
            FUZZ_NOTE("  start_call", netuid);
            if (netuid == ROOT_NETUID || had) {
                FUZZ_ASSERT(!r && st == pre, "start_call succeeded twice or on root");
            } else {
                FUZZ_ASSERT(r && *r == st.block + 1 && st.find(netuid)->subtoken_enabled, "start_call failed");
            }
            break;
        }
        case 5: {
            Subnet& s = *st.find(pick(st, in.u8(), false));
            const u64 tempo = in.u8();
            inj::set_tempo(s, tempo, st.block);
            FUZZ_ASSERT(s.tempo == tempo && s.last_epoch_block == st.block, "set_tempo");
            break;
        }
        case 6: {
            Subnet& s = *st.find(pick(st, in.u8(), false));
            const unsigned kind = in.u8() % 5;
            const u64 v = in.u64be();
            switch (kind) {
            case 0: s.miner_burned = U96F32::from_bits(v % (u128{5} << 30)); break;
            case 1: s.subnet_emission_enabled = !s.subnet_emission_enabled; break;
            case 2: s.fee_rate = v % 10'001; break;
            case 3: s.owner_cut_enabled = !s.owner_cut_enabled; break;
            default: st.block_author = !st.block_author; break;
            }
            break;
        }
        case 7: st.block = sat_add(st.block, in.u64be(2)); break;
        case 8: {
            const unsigned k = 1 + in.u8() % 4;
            for (unsigned b = 0; b < k && blocks_left-- > 0; ++b) {
                block(rules, st, l);
                check_state(st, l);
            }
            break;
        }
        }
        check_state(st, l);
    }
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    try {
        return run(data, size);
    } catch (const std::exception& e) {
        FUZZ_ASSERT(false, "exception escaped: " << e.what());
    }
    return 0;
}
