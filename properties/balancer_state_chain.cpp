/// The Balancer-era stateful model test (balancer_state_model.hpp): the chain commands,
/// coinbase blocks (`injection_capped::block_step` with every per-block check), register_network,
/// start_call, set_tempo and the root / owner parameter changes.
/// @rule BAL-007 BCOIN-007 BCOIN-008 BCOIN-010 BCOIN-011 BCOIN-012 BEPOCH-002 BEPOCH-004
/// @rule BREG-002 BREG-003 BCOIN-015 BCOIN-016
// SPDX-License-Identifier: Apache-2.0
#include "balancer_state_model.hpp"
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/injection_capped.hpp"

#include <algorithm>

namespace dtao::prop::bal_state {

namespace {

/// BCOIN-007 (v3.4.8-423 … main 14bc6f9): reweight from the pre-injection reserves, then the
/// chain buy on the reweighted pool; a failed buy strands its TAO (F-026).
void check_reweight_then_buy(Sut& sut, const Subnet& b, const Subnet& s, const inj::SubnetEmission& em)
{
    // BCOIN-007 / F-026: the chain buy's TAO is spent before the swap; what the swap does
    // not execute (it fails, or the SWAP_MAX_PRICE limit cuts it) stays in the subnet account.
    RC_ASSERT(Int(em.stranded_tao) == Int(em.excess_spent) - em.chain_buy_paid_in);
    RC_ASSERT(em.chain_buy_refunded == 0 && em.materialized_tao == 0);
    if (em.chain_buy_ok) {
        RC_ASSERT(em.chain_buy_paid_in <= em.excess_spent);
        if (em.chain_buy_paid_in < em.excess_spent)
            tag(sut, "F-026: chain buy cut at SWAP_MAX_PRICE, rest stranded");
    } else {
        RC_ASSERT(em.chain_buy_paid_in == 0 && em.chain_buy_alpha == 0);
        if (em.excess_spent > 0)
            tag(sut, "F-026: failed chain buy stranded TAO");
    }
    // BAL-007: reweight from the pre-injection reserves; accepted ⇒ both amounts injected.
    const u64 tao_in = em.tao_in.saturating_to_u64(), alpha_in = em.alpha_in.saturating_to_u64();
    const auto w = bal::update_weights_for_added_liquidity(bal::quote_weight(b), b.subnet_tao, b.subnet_alpha_in,
                                                           tao_in, alpha_in);
    if (w) {
        RC_ASSERT(s.swap_balancer_quote_parts == w->parts);
        RC_ASSERT(em.injected_alpha == alpha_in && em.injected_tao == tao_in);
        check_reweight_price(b.swap_balancer_quote_parts, w->parts, b.subnet_tao, b.subnet_alpha_in, tao_in, alpha_in);
    } else {
        tag(sut, "reweighting refused (weight out of range)");
        RC_ASSERT(s.swap_balancer_quote_parts == b.swap_balancer_quote_parts);
        RC_ASSERT(em.injected_alpha == 0 && em.injected_tao == 0);
    }
    // The chain buy ran on the reweighted pool before the injection.
    if (em.injected_tao > 0)
        tag(sut, "injection");
    if (em.chain_buy_ok) {
        tag(sut, "chain buy");
        RC_ASSERT(b.subnet_alpha_in >= sut.st.swap_minimum_reserve);
        check_swap_output(sut, s.swap_balancer_quote_parts, b.subnet_alpha_in, b.subnet_tao, true, em.chain_buy_paid_in,
                          em.chain_buy_alpha);
    }
}

/// BCOIN-015/016 (mainnet spec 432+): the chain buy first, on the pool as it is (a failed one is
/// refunded whole); then the reweight on the post-buy reserves for the reservoirs plus this
/// block's TAO and alpha, tried for both, alpha alone, TAO alone; the rest waits.
void check_reservoir_injection(Sut& sut, const Subnet& b, const Subnet& s, const inj::SubnetEmission& em)
{
    const u64 tao_in = em.tao_in.saturating_to_u64(), alpha_in = em.alpha_in.saturating_to_u64();
    RC_ASSERT(em.materialized_tao == 0 || em.materialized_tao == tao_in);
    if (em.chain_buy_ok) {
        RC_ASSERT(em.chain_buy_refunded == 0);
        RC_ASSERT(Int(em.stranded_tao) == Int(em.excess_spent) - em.chain_buy_paid_in);
        tag(sut, "chain buy");
        // On the pool as the block found it (½ if the buy initialised it, BAL-008).
        RC_ASSERT(b.subnet_alpha_in >= sut.st.swap_minimum_reserve);
        check_swap_output(sut, b.pal_swap_initialized ? b.swap_balancer_quote_parts : HALF_PARTS, b.subnet_alpha_in,
                          b.subnet_tao, true, em.chain_buy_paid_in, em.chain_buy_alpha);
    } else {
        RC_ASSERT(em.chain_buy_paid_in == 0 && em.chain_buy_alpha == 0 && em.stranded_tao == 0);
        RC_ASSERT(em.chain_buy_refunded == em.excess_spent);
        if (em.chain_buy_refunded > 0)
            tag(sut, "failed chain buy refunded");
    }
    // The reweight's starting point: the weight after the buy (an uninitialised pool's first
    // swap stores ½, BAL-008), on the post-buy reserves.
    const Perquintill w0 = Perquintill::from_parts(
        !b.pal_swap_initialized && s.pal_swap_initialized ? HALF_PARTS : b.swap_balancer_quote_parts);
    const u64 tao = b.subnet_tao + em.chain_buy_paid_in;
    const u64 alpha = b.subnet_alpha_in - em.chain_buy_alpha;
    const u64 pending_tao = b.balancer_tao_reservoir + em.materialized_tao;
    const u64 pending_alpha = b.balancer_alpha_reservoir + alpha_in;
    struct Try
    {
        u64 tao, alpha;
    };
    std::optional<Perquintill> w;
    Try took{0, 0};
    for (const Try t : {Try{pending_tao, pending_alpha}, Try{0, pending_alpha}, Try{pending_tao, 0}}) {
        w = bal::update_weights_for_added_liquidity(w0, tao, alpha, t.tao, t.alpha);
        if (w) {
            took = t;
            break;
        }
    }
    if (w) {
        RC_ASSERT(s.swap_balancer_quote_parts == w->parts);
        check_reweight_price(w0.parts, w->parts, tao, alpha, took.tao, took.alpha);
    } else {
        RC_ASSERT(s.swap_balancer_quote_parts == w0.parts);
    }
    RC_ASSERT(em.injected_tao == took.tao && em.injected_alpha == took.alpha);
    RC_ASSERT(s.balancer_tao_reservoir == pending_tao - took.tao);
    RC_ASSERT(s.balancer_alpha_reservoir == pending_alpha - took.alpha);
    if (s.balancer_tao_reservoir > 0 || s.balancer_alpha_reservoir > 0)
        tag(sut, "injection waits in a reservoir");
    if (em.injected_tao > 0)
        tag(sut, "injection");
}

/// One block_step with every per-block check.
void run_block(const Model& m, Sut& sut)
{
    ChainState& st = sut.st;
    Ledger& l = sut.l;
    const ChainState pre = st;
    const auto r = inj::block_step(m.rules(), st);
    if (sut.mutant == Mutant::coinbase_no_recycle)
        st.total_issuance += r.tao_recycled;

    // BCOIN-010/012: the credit is the block emission, capped at the supply.
    const auto e = chain::block_emission(pre.total_issuance);
    const u64 expected_credit =
        (e && e->emission > 0) ? std::min(e->emission, sat_sub(TOTAL_SUPPLY, pre.total_issuance)) : 0;
    RC_ASSERT(r.credit == expected_credit);
    // F-029: the whole credit is minted, the unspent part recycled in the same block.
    RC_ASSERT(Int(r.tao_spent) + r.tao_recycled == Int(r.credit));
    RC_ASSERT(Int(st.total_issuance) - pre.total_issuance == Int(r.tao_spent));
    RC_ASSERT(st.total_issuance <= TOTAL_SUPPLY);

    // BCOIN-002: exactly the emitting subnets got terms.
    const auto emit_to = inj::get_subnets_to_emit_to(pre);
    RC_ASSERT(r.emissions.size() == emit_to.size());
    Int spent = 0, stake_rise = 0, stake_gap_rise = 0;
    for (std::size_t i = 0; i < r.emissions.size(); ++i) {
        const chain::injection_capped::SubnetEmission& em = r.emissions[i];
        RC_ASSERT(em.netuid == emit_to[i]);
        const Subnet& b = *pre.find(em.netuid);
        const Subnet& s = *st.find(em.netuid);
        if (m.rules().injection == Injection::buy_then_reservoir)
            check_reservoir_injection(sut, b, s, em);
        else
            check_reweight_then_buy(sut, b, s, em);
        spent += Int(em.injected_tao) + em.excess_spent;
        if (m.rules().injection == Injection::buy_then_reservoir)
            spent += Int(em.materialized_tao) - em.injected_tao - em.chain_buy_refunded;
        stake_rise += Int(em.injected_tao) + (em.chain_buy_ok ? em.excess_spent : 0);
        if (em.chain_buy_ok)  // TotalStake counts the gross chain buy (BAL-010)
            stake_gap_rise += Int(em.excess_spent) - em.chain_buy_paid_in;
        l.stranded += em.stranded_tao;
        // Reserve and outstanding-alpha deltas (BCOIN-007, BCOIN-008).
        RC_ASSERT(Int(s.subnet_tao) - b.subnet_tao == Int(em.injected_tao) + em.chain_buy_paid_in);
        RC_ASSERT(Int(s.subnet_alpha_in) - b.subnet_alpha_in == Int(em.injected_alpha) - em.chain_buy_alpha);
        const u64 created = s.subnet_alpha_out_emission;
        RC_ASSERT(created == em.alpha_out.saturating_to_u64());
        RC_ASSERT(Int(s.subnet_alpha_out) - b.subnet_alpha_out ==
                  Int(created) + em.chain_buy_alpha - em.root_alpha_recycled);
        RC_ASSERT(Int(s.subnet_protocol_alpha) - b.subnet_protocol_alpha == Int(em.chain_buy_alpha));
        // The four floored parts of one alpha_out: their sum is ⌊alpha_out⌋ less at most 3 (dust).
        const u64 owner = s.owner_cut_enabled ? em.owner_cut.saturating_to_u64() : 0;
        const Int parts = Int(owner) + em.server.saturating_to_u64() + em.validator.saturating_to_u64() +
                          em.root_alpha.saturating_to_u64();
        const Int dust = Int(created) - parts;
        RC_ASSERT(dust >= 0 && dust <= 3);
        l.dust[em.netuid] += dust;
        if (r.root_sell_flag)
            RC_ASSERT(em.root_alpha_recycled == 0);
        else
            RC_ASSERT(em.root_alpha_recycled == em.root_alpha.saturating_to_u64());
    }
    RC_ASSERT(spent == Int(r.tao_spent));
    RC_ASSERT(Int(st.total_stake) - pre.total_stake == stake_rise);
    l.stake_offset += stake_gap_rise;

    // Non-emitting subnets: reserves and outstanding alpha untouched.
    for (const auto& s : st.subnets) {
        if (std::find(emit_to.begin(), emit_to.end(), s.netuid) != emit_to.end())
            continue;
        const Subnet& b = *pre.find(s.netuid);
        RC_ASSERT(s.subnet_tao == b.subnet_tao && s.subnet_alpha_in == b.subnet_alpha_in &&
                  s.subnet_alpha_out == b.subnet_alpha_out);
    }

    // BEPOCH-002: at most MaxEpochsPerBlock epochs ran; a deferral only when the cap was hit;
    // a drained subnet's accumulators are 0, a deferred one is due next block.
    u64 ran = 0, deferred = 0;
    for (const auto& ep : r.epochs) {
        const Subnet& s = *st.find(ep.netuid);
        if (ep.deferred) {
            ++deferred;
            RC_ASSERT(s.pending_epoch_at == pre.block + 1);
        } else {
            ++ran;
            tag(sut, "epoch ran");
            RC_ASSERT(pending_alpha(s) == 0);
            RC_ASSERT(s.last_epoch_block == pre.block && s.pending_epoch_at == 0);
            // The drained alpha goes to stakers (the Yuma distribution is outside the model).
            l.stake[ep.netuid] +=
                Int(ep.pending_server) + ep.pending_validator + ep.pending_root_alpha + ep.pending_owner_cut;
        }
    }
    RC_ASSERT(ran <= st.max_epochs_per_block);
    if (deferred > 0) {
        RC_ASSERT(ran == st.max_epochs_per_block);
        tag(sut, "epoch deferred (F-028)");
    }
    // BCOIN-014: the scheduler visits subnets by their storage key, the little-endian u16 (low
    // byte first), so the due subnets are listed in that order and every deferral follows
    // every run: the subnets that defer are the last due ones in key order, not in netuid order.
    auto key = [](u64 n) { return std::pair<u64, u64>{n % 256, n / 256}; };
    bool deferring = false;
    for (std::size_t i = 0; i < r.epochs.size(); ++i) {
        if (i > 0)
            RC_ASSERT(key(r.epochs[i - 1].netuid) < key(r.epochs[i].netuid));
        if (r.epochs[i].deferred)
            deferring = true;
        else
            RC_ASSERT(!deferring);
        if (i > 0 && r.epochs[i].netuid < r.epochs[i - 1].netuid)
            tag(sut, deferring ? "deferral by storage key, not netuid" : "epochs by storage key, not netuid");
    }
    ++st.block;
}

}  // namespace

BlockCmd::BlockCmd(const Model&) : blocks(*rc::gen::inRange<unsigned>(1, 4)) {}

void BlockCmd::apply(Model& m) const { m.block += blocks; }

void BlockCmd::run(const Model& m, Sut& sut) const
{
    Model cur = m;
    for (unsigned b = 0; b < blocks; ++b) {
        run_block(cur, sut);
        ++cur.block;
        check_invariants(cur, sut);
    }
}

void BlockCmd::show(std::ostream& os) const { os << "Blocks(" << blocks << ")"; }

RegisterCmd::RegisterCmd(const Model& m) : extra(*realistic_u64(0, 10'000'000'000'000))
{
    RC_PRE(m.subnets.size() < 8);
}

void RegisterCmd::checkPreconditions(const Model& m) const { RC_PRE(m.subnets.size() < 8); }

void RegisterCmd::apply(Model& m) const { m.subnets[m.next_netuid()] = SubnetFacts{m.block, false}; }

void RegisterCmd::run(const Model& m, Sut& sut) const
{
    ChainState& st = sut.st;
    const ChainState pre = st;
    const u64 lock = st.network_min_lock_cost + extra;
    const auto r = inj::register_network(m.rules(), st, lock);
    // BREG-002: the predicted netuid; the pool is the lock at the median price.
    RC_ASSERT(r.netuid == m.next_netuid());
    RC_ASSERT(r.pool_tao == lock && r.recycled == 0);
    RC_ASSERT(r.median_price == inj::get_median_subnet_alpha_price(pre));
    const u64 pool_alpha = U64F64::saturating_from_u64(lock).safe_div(r.median_price).floor().saturating_to_u64();
    RC_ASSERT(r.pool_alpha == pool_alpha);
    RC_PRE(pool_alpha < (u64{1} << 62));  // a median price near 0: outside real supply
    const Subnet& s = *st.find(r.netuid);
    RC_ASSERT(s.subnet_tao == lock && s.subnet_alpha_in == pool_alpha && s.subnet_alpha_out == 0);
    RC_ASSERT(s.swap_balancer_quote_parts == HALF_PARTS && !s.subnet_emission_enabled && !s.subtoken_enabled &&
              !s.first_emission_block_number);
    RC_ASSERT(s.tempo == m.rules().default_tempo &&
              s.last_epoch_block == inj::initial_last_epoch_block(r.netuid, s.tempo, pre.block));  // BEPOCH-004
    RC_ASSERT(st.total_issuance == pre.total_issuance);
    RC_ASSERT(Int(st.total_stake) - pre.total_stake == Int(lock));
    Ledger& l = sut.l;
    tag(sut, "register_network");
    l.users -= lock;  // the lock leaves the owner's coldkey into the pool
    for (auto* mp : {&l.stake, &l.burned_alpha, &l.author_alpha, &l.dust})
        (*mp)[r.netuid] = 0;
    Model after = m;
    apply(after);
    check_invariants(after, sut);
}

void RegisterCmd::show(std::ostream& os) const { os << "RegisterNetwork(lock=min+" << extra << ")"; }

StartCallCmd::StartCallCmd(const Model& m)
{
    RC_PRE(!m.subnets.empty());
    netuid = *rc::gen::elementOf(m.netuids(false));
}

void StartCallCmd::checkPreconditions(const Model& m) const { RC_PRE(m.subnets.count(netuid) == 1); }

void StartCallCmd::apply(Model& m) const { m.subnets[netuid].feb_set = true; }

void StartCallCmd::run(const Model& m, Sut& sut) const
{
    const ChainState pre = sut.st;
    const auto r = inj::start_call(sut.st, netuid);
    RC_ASSERT(static_cast<bool>(r) == succeeds(m));  // BREG-003: once; StartCallDelay 0
    if (r) {
        RC_ASSERT(*r == m.block + 1 && sut.st.find(netuid)->subtoken_enabled);
    } else {
        RC_ASSERT(pre == sut.st);
    }
    Model after = m;
    apply(after);
    check_invariants(after, sut);
}

void StartCallCmd::show(std::ostream& os) const { os << "StartCall(" << netuid << ")"; }

SetTempoCmd::SetTempoCmd(const Model& m)
{
    RC_PRE(!m.subnets.empty());
    netuid = *rc::gen::elementOf(m.netuids(false));
    tempo = *rc::gen::weightedOneOf<u64>(
        {{4, rc::gen::inRange<u64>(1, 13)}, {1, rc::gen::just<u64>(0)}, {1, rc::gen::just<u64>(360)}});
}

void SetTempoCmd::checkPreconditions(const Model& m) const { RC_PRE(m.subnets.count(netuid) == 1); }

void SetTempoCmd::apply(Model&) const {}

void SetTempoCmd::run(const Model& m, Sut& sut) const
{
    Subnet& s = *sut.st.find(netuid);
    inj::set_tempo(s, tempo, sut.st.block);  // BEPOCH-004: the cycle restarts now
    RC_ASSERT(s.tempo == tempo && s.last_epoch_block == sut.st.block);
    check_invariants(m, sut);
}

void SetTempoCmd::show(std::ostream& os) const { os << "SetTempo(" << netuid << ", " << tempo << ")"; }

SetParamCmd::SetParamCmd(const Model& m)
{
    RC_PRE(!m.subnets.empty());
    netuid = *rc::gen::elementOf(m.netuids(false));
    kind = *rc::gen::inRange<unsigned>(0, 5);
    value = *rc::gen::arbitrary<u64>();
}

void SetParamCmd::checkPreconditions(const Model& m) const { RC_PRE(m.subnets.count(netuid) == 1); }

void SetParamCmd::apply(Model&) const {}

void SetParamCmd::run(const Model& m, Sut& sut) const
{
    Subnet& s = *sut.st.find(netuid);
    switch (kind) {
    case 0: s.miner_burned = U96F32::from_bits(value % (u128{5} << 30)); break;  // [0, 1.25)
    case 1: s.subnet_emission_enabled = !s.subnet_emission_enabled; break;
    case 2: s.fee_rate = value % 10'001; break;  // MaxFeeRate
    case 3: s.owner_cut_enabled = !s.owner_cut_enabled; break;
    default: sut.st.block_author = !sut.st.block_author; break;
    }
    check_invariants(m, sut);
}

void SetParamCmd::show(std::ostream& os) const
{
    static const char* names[] = {"MinerBurned", "SubnetEmissionEnabled", "FeeRate", "OwnerCutEnabled", "BlockAuthor"};
    os << "Set" << names[kind] << "(" << netuid << ", " << value << ")";
}

}  // namespace dtao::prop::bal_state
