/// Today's mainnet (spec 432+) on generated states: the block's TAO is conserved with the
/// reservoirs and refunds, the pool weights stay within bounds, the gated shares sum to one,
/// and the exact gate is monotone in the share (the chain's is not: F-041).
/// @rule BCOIN-015 BCOIN-016 BGATE-001 BGATE-002 BGATE-003 BGATE-004
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/emission_gate.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/testing/print.hpp"

#include <map>

namespace dtao::prop {
namespace {

using fixed::I96F32;
using fixed::U64F64;

/// A state of 1 … 8 emitting subnets with every mainnet item drawn: pools and weights, moving
/// prices, MinerBurned, waiting reservoirs, root stake, the gate's bar, mass, exponent and rank,
/// and a block that is or is not a refresh block.
struct MainnetCase
{
    Ruleset rules;
    ChainState st;
};

void showValue(const MainnetCase& c, std::ostream& os)
{
    const auto& st = c.st;
    os << "MainnetCase{ruleset=" << c.rules.id << ", block=" << st.block << ", TI=" << st.total_issuance
       << ", TS=" << st.total_stake << ", tao_weight=" << st.tao_weight
       << ", bar=" << test::str(st.emission_gate_bar.bits) << ", q=" << test::str(st.emission_bar_quantile.bits)
       << ", h=" << test::str(st.emission_gate_exponent.bits) << ", rank=" << st.emission_bar_rank << ",\n";
    for (const auto& s : st.subnets)
        os << "  subnet " << s.netuid << " x=" << s.subnet_tao << " y=" << s.subnet_alpha_in
           << " out=" << s.subnet_alpha_out << " m_bits=" << test::str(s.subnet_moving_price.bits)
           << " w2=" << s.swap_balancer_quote_parts << " mb=" << test::str(s.miner_burned.bits) << " res=("
           << s.balancer_tao_reservoir << ", " << s.balancer_alpha_reservoir << ")"
           << " enabled=" << s.subnet_emission_enabled << "\n";
    os << "}";
}

rc::Gen<MainnetCase> mainnet_case()
{
    return rc::gen::exec([] {
        MainnetCase c;
        c.rules = MAINNET_RULESETS[*rc::gen::inRange<std::size_t>(0, MAINNET_RULESETS.size())];
        ChainState& st = c.st;
        st.block = *rc::gen::oneOf(rc::gen::just<u64>(720), rc::gen::inRange<u64>(1, 20'000'000));
        st.total_issuance = *rc::gen::inRange<u64>(0, TOTAL_SUPPLY);
        st.tao_weight = *rc::gen::oneOf(rc::gen::just(LAUNCH_TAO_WEIGHT), rc::gen::arbitrary<u64>());
        Subnet root;
        root.netuid = 0;
        root.mechanism = Mechanism::stable;
        root.subnet_tao = *log_uniform(0, 10'000'000'000'000'000);
        st.subnets.push_back(root);
        const auto n = *rc::gen::inRange<std::size_t>(1, 9);
        for (std::size_t i = 1; i <= n; ++i) {
            Subnet s;
            s.netuid = i;
            s.subnet_tao = *log_uniform(1'000, 10'000'000'000'000'000);
            s.subnet_alpha_in = *log_uniform(1'000, 10'000'000'000'000'000);
            s.subnet_alpha_out = *log_uniform(0, 10'000'000'000'000'000);
            s.first_emission_block_number = 1;
            s.subnet_moving_price = I96F32::from_bits(static_cast<i128>(*log_uniform(1, u64{1} << 40)));
            s.swap_balancer_quote_parts = *rc::gen::inRange<u64>(BALANCER_MIN_WEIGHT_PARTS,
                                                                 Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS + 1);
            s.miner_burned = fixed::U96F32::from_bits(
                *rc::gen::oneOf(rc::gen::just<u64>(0), rc::gen::inRange<u64>(0, u64{1} << 33)));
            s.balancer_tao_reservoir = *rc::gen::oneOf(rc::gen::just<u64>(0), log_uniform(0, 1'000'000'000'000));
            s.balancer_alpha_reservoir = *rc::gen::oneOf(rc::gen::just<u64>(0), log_uniform(0, 1'000'000'000'000));
            s.subnet_emission_enabled = *rc::gen::weightedElement<bool>({{9, true}, {1, false}});
            st.subnets.push_back(s);
        }
        st.total_stake = *rc::gen::inRange<u64>(0, TOTAL_SUPPLY);
        // U64F64 bits as whole and fractional halves (RapidCheck draws at most 64 bits).
        const auto fixed_bits = [](u64 max_whole) {
            return (u128{*rc::gen::inRange<u64>(0, max_whole + 1)} << 64) | *rc::gen::arbitrary<u64>();
        };
        st.emission_gate_bar =
            U64F64::from_bits(*rc::gen::oneOf(rc::gen::just<u64>(0), rc::gen::inRange<u64>(1, U64_MAX)));
        st.emission_bar_quantile = U64F64::from_bits(fixed_bits(1));
        st.emission_gate_exponent =
            U64F64::from_bits(*rc::gen::weightedElement<bool>({{1, true}, {1, false}}) ? u128{3} << 64 : fixed_bits(7));
        st.emission_bar_rank = *rc::gen::inRange<u64>(0, 40);
        return c;
    });
}

bool weight_in_bounds(u64 parts)
{
    return parts >= BALANCER_MIN_WEIGHT_PARTS && parts <= Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS;
}

}  // namespace

/// BCOIN-015/016: every rao of the credit is spent or recycled; what is spent is the materialised
/// TAO plus the chain buys that executed (a failed buy is refunded whole); each subnet's TAO and
/// alpha are either active in the pool or waiting in its reservoir.
RC_GTEST_PROP(mainnet, block_conserves_tao_with_reservoirs_and_refunds, ())
{
    MainnetCase c = *mainnet_case();
    const ChainState pre = c.st;
    const auto r = injection_capped::block_step(c.rules, c.st);
    RC_ASSERT(Int(r.tao_spent) + r.tao_recycled == Int(r.credit));
    RC_ASSERT(Int(c.st.total_issuance) - pre.total_issuance == Int(r.tao_spent));
    Int spent = 0, stake_rise = 0;
    bool refund = false, waits = false;
    for (const auto& e : r.emissions) {
        const Subnet& b = *pre.find(e.netuid);
        const Subnet& s = *c.st.find(e.netuid);
        if (e.chain_buy_refunded > 0) {
            RC_ASSERT(!e.chain_buy_ok);
            RC_ASSERT(e.chain_buy_refunded == e.excess_spent);
            RC_ASSERT(e.chain_buy_paid_in == 0 && e.stranded_tao == 0);
            refund = true;
        }
        waits = waits || e.tao_reservoir > 0 || e.alpha_reservoir > 0;
        spent += Int(e.materialized_tao) + e.excess_spent - e.chain_buy_refunded;
        stake_rise += Int(e.injected_tao) + (e.chain_buy_ok ? e.excess_spent : 0);
        // Active or waiting: the reservoir before, plus what arrived, less what became active.
        RC_ASSERT(Int(s.balancer_tao_reservoir) == Int(b.balancer_tao_reservoir) + e.materialized_tao - e.injected_tao);
        RC_ASSERT(Int(s.balancer_alpha_reservoir) ==
                  Int(b.balancer_alpha_reservoir) + e.alpha_in.saturating_to_u64() - e.injected_alpha);
        RC_ASSERT(Int(s.subnet_tao) - b.subnet_tao == Int(e.injected_tao) + e.chain_buy_paid_in);
        RC_ASSERT(Int(s.subnet_alpha_in) - b.subnet_alpha_in == Int(e.injected_alpha) - e.chain_buy_alpha);
        RC_ASSERT(s.subnet_tao_in_emission == e.injected_tao);
        RC_ASSERT(s.subnet_alpha_in_emission == e.injected_alpha);
    }
    RC_ASSERT(spent == Int(r.tao_spent));
    RC_ASSERT(Int(c.st.total_stake) - pre.total_stake == stake_rise);
    RC_CLASSIFY(refund, "a failed chain buy refunded");
    RC_CLASSIFY(waits, "a reservoir left waiting");
}

/// BCOIN-016, BAL-007: the coinbase never stores a weight outside [0.01, 0.99].
RC_GTEST_PROP(mainnet, weights_stay_within_bounds, ())
{
    MainnetCase c = *mainnet_case();
    (void)injection_capped::block_step(c.rules, c.st);
    for (const auto& s : c.st.subnets)
        if (!s.is_root())
            RC_ASSERT(weight_in_bounds(s.swap_balancer_quote_parts));
}

/// BGATE-003, BCOIN-005: the shares the emission uses sum to one (chain: within one U64F64 unit
/// per share of the floors), so the subnets' TAO sums to the block emission less the floors.
RC_GTEST_PROP(mainnet, gated_shares_sum_to_one, ())
{
    MainnetCase c = *mainnet_case();
    const auto emit_to = injection_capped::get_subnets_to_emit_to(c.st);
    const auto shares = injection_capped::get_shares(c.rules, c.st, emit_to);
    Int sum = 0;
    bool any = false;
    for (const auto& [n, s] : shares) {
        sum += Int(s.bits);
        any = any || s.bits > 0;
    }
    RC_PRE(any);
    const Int one = Int(1) << 64;
    const auto k = static_cast<long>(shares.size());
    RC_ASSERT(sum <= one);
    // Two divisions per share (the weighting's and the gate's renormalisation), each floored,
    // and the gate's own floors: at most 4 units per share below one.
    RC_ASSERT(sum >= one - 4 * k);

    const ExactChainState est = to_exact(c.st);
    const auto exact = injection_capped::get_shares(c.rules, est, emit_to);
    Rational esum = 0;
    for (const auto& [n, s] : exact)
        esum += s;
    RC_ASSERT(esum == 1);
}

/// BGATE-003: the exact gate keeps the order of the shares (s·g(s) = s^(h+1)/(s^h + θ^h) grows
/// with s); so does the chain's wherever its power does not fail (θ/s ≥ 1/8 and ≤ 2^10, h ≤ 3), up to the
/// floors. F-041 is where it does not.
RC_GTEST_PROP(mainnet, gate_is_monotone_in_the_share, ())
{
    ChainState st;
    st.block = 721;
    const u64 theta = *rc::gen::inRange<u64>(u64{1} << 40, u64{1} << 60);
    st.emission_gate_bar = U64F64::from_bits(theta);
    const u64 h = *rc::gen::inRange<u64>(1, 4);
    st.emission_gate_exponent = U64F64::from_bits(u128{h} << 64);
    const u64 a = *rc::gen::inRange<u64>(theta >> 10, theta << 3);
    const u64 b = *rc::gen::inRange<u64>(a + 1, (theta << 3) + 2);
    const std::map<u64, U64F64> shares{{1, U64F64::from_bits(a)}, {2, U64F64::from_bits(b)}};
    const auto g = injection_capped::emission_gate(MAINNET_441, st, shares);
    RC_ASSERT(!g.bar_recomputed);
    const Int ga = Int(shares.at(1).saturating_mul(g.gate.at(1)).bits);
    const Int gb = Int(shares.at(2).saturating_mul(g.gate.at(2)).bits);
    RC_ASSERT(ga <= gb + 2);

    ExactChainState est;
    est.block = 721;
    est.emission_gate_bar = st.emission_gate_bar;
    est.emission_gate_exponent = st.emission_gate_exponent;
    const std::map<u64, Rational> eshares{{1, shares.at(1).to_rational()}, {2, shares.at(2).to_rational()}};
    const auto eg = injection_capped::emission_gate(MAINNET_441, est, eshares);
    RC_ASSERT(eshares.at(1) * eg.gate.at(1) < eshares.at(2) * eg.gate.at(2));
}

}  // namespace dtao::prop
