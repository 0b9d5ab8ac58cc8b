/// Family 3, emission conservation (@rule COIN-001 COIN-004 COIN-006 COIN-007
/// COIN-008 EPOCH-003 DRAIN-001 DRAIN-005 DRAIN-006), and family 5, the root
/// proportion (@rule COIN-008), on generated multi-subnet chain states: chain
/// model (up to 8 subnets, several blocks) and exact model (up to 3 subnets, 1–2
/// blocks: exact coinbases are slow).
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/coinbase.hpp"
#include "dtao/drain.hpp"

#include <functional>

namespace dtao::prop {
namespace {

using fixed::I96F32;
using CO = Ops<ChainModel>;

using BlockFn = std::function<CoinbaseResult<ChainModel>(const Ruleset&, ChainState&)>;

BlockFn reference_block()
{
    return [](const Ruleset& r, ChainState& s) { return chain::block_step(r, s); };
}

/// Mutant: ⌈tao_in⌉ minted instead of ⌊tao_in⌋.
BlockFn mutant_tao_in_rounded_up()
{
    return [](const Ruleset& r, ChainState& s) {
        auto res = chain::block_step(r, s);
        for (const auto& e : res.emissions)
            if (e.tao_in.floor() != e.tao_in) {
                auto* n = s.find(e.netuid);
                n->subnet_tao += 1;
                s.total_stake += 1;
                s.total_issuance += 1;
            }
        return res;
    };
}

/// Mutant: PendingEmission not reduced by the root alpha (alpha_out' instead of alpha_out' − root_alpha).
BlockFn mutant_pending_keeps_root_alpha()
{
    return [](const Ruleset& r, ChainState& s) {
        auto res = chain::block_step(r, s);
        for (const auto& e : res.emissions) {
            bool drained = false;
            for (auto& d : res.drains)
                if (d.netuid == e.netuid) {
                    d.pending_alpha += e.root_alpha.saturating_to_u64();
                    drained = true;
                }
            if (!drained)
                s.find(e.netuid)->pending_emission += e.root_alpha.saturating_to_u64();
        }
        return res;
    };
}

/// Largest TAO dust E − minted − (zeroed shares) seen, reported at the end.
u64& worst_dust()
{
    static u64 v = 0;
    return v;
}

template <typename D>
const D* drain_of(const std::vector<D>& drains, u64 netuid)
{
    for (const auto& d : drains)
        if (d.netuid == netuid)
            return &d;
    return nullptr;
}

/// @rule COIN-004 COIN-006 COIN-008 EPOCH-003  [chain] Over every block of a
/// generated state: TotalIssuance rises by exactly Σ⌊tao_in_i⌋ (the TAO
/// injected, SubnetTaoInEmission); TotalStake and Σ SubnetTAO rise by that minus
/// the root-sell TAO; the dust D = E − minted − Σ(zeroed shares of
/// registration-disabled subnets) satisfies 0 ≤ D ≤ #emitting (F-001) when the
/// moving prices sum to more than 0, and nothing is minted when they sum to 0
/// (F-021). Alpha (COIN-007/008): owner cut + root alpha + pending = alpha_out
/// exactly in I96F32, and the stored pending increments (drained or not) add up
/// to ⌊alpha_out⌋ minus at most 2 rao; alpha issuance rises by ⌊α_in⌋ + ⌊α_out⌋.
void prop_conservation(const BlockFn& block, StateCase c, unsigned blocks)
{
    auto& st = c.state;
    for (unsigned b = 0; b < blocks; ++b) {
        const ChainState pre = st;
        const auto res = block(c.rules(), st);
        const u64 e_int = res.block_emission.saturating_to_u64();
        const u64 minted = st.total_issuance - pre.total_issuance;
        RC_ASSERT(st.total_issuance >= pre.total_issuance);
        u64 injected = 0, root_tao = 0, zeroed = 0;
        I96F32 total_m = I96F32::zero();
        for (const auto& e : res.emissions)
            total_m = total_m.saturating_add(e.moving_price);
        for (const auto& e : res.emissions) {
            injected += e.tao_in.saturating_to_u64();
            root_tao += e.root_tao;
            const I96F32 share = CO::div(CO::mul(res.block_emission, e.moving_price), total_m).value_or(I96F32::zero());
            if (e.tao_in == I96F32::zero())
                zeroed += share.saturating_to_u64();
        }
        RC_ASSERT(minted == injected);
        u64 sum_tao_pre = 0, sum_tao_post = 0;
        for (const auto& s : pre.subnets)
            if (!s.is_root())
                sum_tao_pre += s.subnet_tao;
        for (const auto& s : st.subnets)
            if (!s.is_root())
                sum_tao_post += s.subnet_tao;
        RC_ASSERT(Int(st.total_stake) - Int(pre.total_stake) == Int(minted) - Int(root_tao));
        // A stable (mechanism-0) subnet's root sell is 1:1 with no liquidity
        // check: SubnetTAO saturates at 0 while TotalStake is debited in full.
        Int debited = 0;
        for (const auto& e : res.emissions) {
            const auto* s0 = pre.find(e.netuid);
            const u64 reserve = sat_add(s0->subnet_tao, e.tao_in.saturating_to_u64());
            debited += s0->is_stable() ? std::min(e.root_tao, reserve) : e.root_tao;
            RC_CLASSIFY(s0->is_stable() && e.root_tao > reserve, "stable root sell beyond reserve");
        }
        RC_ASSERT(Int(sum_tao_post) - Int(sum_tao_pre) == Int(minted) - debited);
        if (total_m == I96F32::zero()) {
            RC_CLASSIFY(!res.emissions.empty(), "moving prices sum to 0 (F-021)");
            RC_ASSERT(minted == 0u);
        } else {
            RC_ASSERT(Int(minted) + Int(zeroed) <= Int(e_int));
            const u64 dust = e_int - minted - zeroed;
            RC_TAG("dust " + std::to_string(dust));
            worst_dust() = std::max(worst_dust(), dust);
            RC_ASSERT(dust <= res.emissions.size());
        }
        for (const auto& e : res.emissions) {
            RC_ASSERT(e.owner_cut.saturating_add(e.root_alpha).saturating_add(e.pending_alpha) == e.alpha_out);
            const auto* s0 = pre.find(e.netuid);
            const auto* s1 = st.find(e.netuid);
            const auto* d = drain_of(res.drains, e.netuid);
            const u64 oc = d ? d->owner_cut : s1->pending_owner_cut;
            const u64 ps = d ? d->pending_swapped : s1->pending_alpha_swapped;
            const u64 pa = d ? d->pending_alpha : s1->pending_emission;
            const Int split =
                Int(oc) - s0->pending_owner_cut + Int(ps) - s0->pending_alpha_swapped + Int(pa) - s0->pending_emission;
            const Int out = Int(e.alpha_out.saturating_to_u64());
            RC_ASSERT(split <= out);
            RC_ASSERT(split >= out - 2);
            const Int issuance =
                Int(s1->subnet_alpha_in) + s1->subnet_alpha_out - s0->subnet_alpha_in - s0->subnet_alpha_out;
            RC_ASSERT(issuance == Int(e.alpha_in.saturating_to_u64()) + out);
            // The pending TAO handed to the drain is what was pending plus this block's root-sell TAO.
            const u64 pt = d ? d->pending_tao : s1->pending_root_divs;
            RC_ASSERT(Int(pt) == Int(s0->pending_root_divs) + Int(e.root_tao));
        }
        ++st.block;
    }
}

RC_GTEST_PROP(coinbase, coin_006_chain_tao_and_alpha_conserved, ())
{
    prop_conservation(reference_block(), *chain_state(1, 8), *rc::gen::inRange<unsigned>(1, 6));
}

/// @rule COIN-001 COIN-004 COIN-006 COIN-007 COIN-008  [exact] One or two exact
/// blocks of a generated state (≤ 3 subnets): TotalIssuance rises by exactly E
/// minus the shares of registration-disabled subnets (0 when the moving prices
/// sum to 0, F-021) — no dust; owner cut + root alpha + pending = alpha_out exactly.
RC_GTEST_PROP(coinbase, coin_006_exact_tao_and_alpha_conserved, ())
{
    const auto c = *chain_state(1, 3);
    ExactChainState st = to_exact(c.state);
    const unsigned blocks = *rc::gen::inRange<unsigned>(1, 3);
    for (unsigned b = 0; b < blocks; ++b) {
        const ExactChainState pre = st;
        const auto res = exact::block_step(c.rules(), st);
        Rational total_m = 0, zeroed = 0;
        for (const auto& e : res.emissions)
            total_m += e.moving_price;
        for (const auto& e : res.emissions)
            if (e.tao_in == 0 && total_m != 0)
                zeroed += res.block_emission * e.moving_price / total_m;
        const Rational minted = st.total_issuance - pre.total_issuance;
        if (total_m == 0)
            RC_ASSERT(minted == 0);
        else
            RC_ASSERT(minted == res.block_emission - zeroed);
        for (const auto& e : res.emissions) {
            RC_ASSERT(e.owner_cut + e.root_alpha + e.pending_alpha == e.alpha_out);
            const auto* s0 = pre.find(e.netuid);
            const auto* s1 = st.find(e.netuid);
            const auto* d = drain_of(res.drains, e.netuid);
            const Rational split = (d ? d->owner_cut : s1->pending_owner_cut) - s0->pending_owner_cut +
                                   (d ? d->pending_swapped : s1->pending_alpha_swapped) - s0->pending_alpha_swapped +
                                   (d ? d->pending_alpha : s1->pending_emission) - s0->pending_emission;
            RC_ASSERT(split == e.alpha_out);
        }
        ++st.block;
    }
}

TEST(coinbase, coin_006_dust_reported)
{
    worst_dust() = 0;
    expect_success("chain conservation over 1–5 blocks",
                   [] { prop_conservation(reference_block(), *chain_state(1, 8), *rc::gen::inRange<unsigned>(1, 6)); });
    std::cout << "[ measured ] largest TAO dust per block (E − minted − zeroed shares): " << worst_dust() << " rao\n";
}

/// F-021: one emitting subnet whose moving price is 0: nothing is minted.
TEST(coinbase, f021_zero_moving_prices_mint_nothing)
{
    ChainState st;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    st.subnets.push_back(root);
    st.subnets.push_back(make_pool(1'000'000'000'000, 1'000'000'000'000));
    st.total_issuance = 1'000'000'000'000'000;
    const auto res = chain::block_step(V2_0_4, st);
    EXPECT_EQ(res.block_emission.saturating_to_u64(), 1'000'000'000u);
    EXPECT_EQ(st.total_issuance, 1'000'000'000'000'000u);
    EXPECT_EQ(st.subnets[1].subnet_tao, 1'000'000'000'000u);
    EXPECT_EQ(st.subnets[1].subnet_alpha_out, 1'000'000'000u);  // alpha is still minted
}

// ------------------------------------------------------------------ drain

/// @rule DRAIN-001 DRAIN-005 DRAIN-006  [chain and exact] A drain credits no
/// more TAO than was pending; exactly the pending TAO in the exact model when
/// the root dividends sum to more than 0 (else none, F-002); the chain loses at
/// most n·(pending_tao/2^32 + 3) rao to rounding (n hotkeys). From v2.0.9 the
/// alpha credited besides the owner cut never exceeds pending_alpha; before
/// it never exceeds the epoch's incentives plus dividends. The owner cut is
/// paid whole or not at all.
void prop_drain(const DrainCase& c, int tao_round_up)
{
    const auto& in = c.in;
    auto r = drain_pending_emission<ChainModel>(c.rules(), in);
    if (tao_round_up)
        for (auto& [hk, p] : r.payouts)
            if (p.tao_dividend > 0)
                r.tao_paid += tao_round_up;
    RC_ASSERT(r.tao_paid <= in.pending_tao);
    if (r.total_root_divs > I96F32::zero()) {
        const Int n = Int(in.epoch.size());
        RC_ASSERT(Int(in.pending_tao) - Int(r.tao_paid) <= n * (Int(in.pending_tao) / (Int(1) << 32) + 3));
    }
    RC_ASSERT(r.owner_cut_paid == 0u || r.owner_cut_paid == in.owner_cut);
    Int inc = 0, div = 0;
    for (const auto& e : in.epoch) {
        inc += e.incentive;
        div += e.dividend;
    }
    const Int alpha = Int(r.alpha_paid) - Int(r.owner_cut_paid);
    if (c.rules().drain_validator_alpha_from_pending)
        RC_ASSERT(alpha <= Int(in.pending_alpha));
    else
        RC_ASSERT(alpha <= inc + div);

    const auto x = drain_pending_emission<ExactModel>(c.rules(), in);
    RC_ASSERT(x.tao_paid <= in.pending_tao);
    if (x.total_root_divs > 0)
        RC_ASSERT(x.tao_paid == in.pending_tao);
    else
        RC_ASSERT(x.tao_paid == 0);
    const Rational xalpha = x.alpha_paid - x.owner_cut_paid;
    if (c.rules().drain_validator_alpha_from_pending)
        RC_ASSERT(xalpha <= in.pending_alpha);
}

RC_GTEST_PROP(drain, drain_001_distributes_at_most_what_was_pending, ()) { prop_drain(*drain_case(), 0); }

// ----------------------------------------------------------- root proportion

/// The root proportion as a replaceable rule: (root TAO, TaoWeight, pre-injection
/// alpha issuance I) → (post-injection issuance J, rp), read off a one-subnet
/// coinbase with E = 0 (so J = I + α_em(I)).
using RootPropFn = std::function<std::pair<u64, I96F32>(u64, u64, u64)>;

std::pair<u64, I96F32> reference_root_prop_impl(u64 root, u64 tw, u64 issuance)
{
    ChainState st;
    Subnet r;
    r.netuid = 0;
    r.mechanism = Mechanism::stable;
    r.subnet_tao = root;
    st.subnets.push_back(r);
    const u64 in = std::max<u64>(issuance / 2, MINIMUM_POOL_LIQUIDITY);
    st.subnets.push_back(make_pool(1'000'000'000, in, sat_sub(issuance, in)));
    st.subnets[1].tempo = 0;
    st.tao_weight = tw;
    const auto res = chain::run_coinbase(V2_0_4, st, I96F32::zero());
    const u64 j = sat_add(sat_add(in, sat_sub(issuance, in)), res.emissions[0].alpha_out.saturating_to_u64());
    return {j, res.emissions[0].root_proportion};
}

RootPropFn reference_root_prop() { return reference_root_prop_impl; }

/// Mutant: tw·R / J (the tw·R term dropped from the denominator).
RootPropFn mutant_root_prop_no_root_in_denominator()
{
    return [](u64 root, u64 tw, u64 issuance) {
        auto [j, rp] = reference_root_prop_impl(root, tw, issuance);
        const I96F32 w = I96F32::saturating_from_u64(root).saturating_mul(CO::ratio(tw, U64_MAX));
        return std::pair{j, w.checked_div(I96F32::saturating_from_u64(j)).value_or(I96F32::zero())};
    };
}

/// Mutant: J / (tw·R + J) (the proportions swapped).
RootPropFn mutant_root_prop_inverted()
{
    return [](u64 root, u64 tw, u64 issuance) {
        auto [j, rp] = reference_root_prop_impl(root, tw, issuance);
        const I96F32 w = I96F32::saturating_from_u64(root).saturating_mul(CO::ratio(tw, U64_MAX));
        const I96F32 jj = I96F32::saturating_from_u64(j);
        return std::pair{j, jj.checked_div(w.saturating_add(jj)).value_or(I96F32::zero())};
    };
}

rc::Gen<u64> tao_weight_gen()
{
    return rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                        {2, rc::gen::just(LAUNCH_TAO_WEIGHT)},
                                        {1, rc::gen::just(U64_MAX)},
                                        {2, rc::gen::arbitrary<u64>()}});
}

/// @rule COIN-008  [chain] The root proportion is in [0, 1], non-increasing in
/// the (post-injection) alpha issuance and non-decreasing in root TAO.
void prop_root_prop(const RootPropFn& f)
{
    const u64 tw = *tao_weight_gen();
    const u64 r1 = *realistic_u64(), r2 = *realistic_u64();
    const u64 i1 = *realistic_u64(), i2 = *realistic_u64();
    const auto [j1, p1] = f(r1, tw, i1);
    const auto [j2, p2] = f(r1, tw, i2);
    RC_ASSERT(p1 >= I96F32::zero());
    RC_ASSERT(p1 <= I96F32::one());
    if (j1 <= j2)
        RC_ASSERT(p1 >= p2);
    const auto [j3, p3] = f(r2, tw, i1);
    RC_ASSERT(j3 == j1);
    if (r1 <= r2)
        RC_ASSERT(p1 <= p3);
}

RC_GTEST_PROP(root, coin_008_root_proportion_bounds_and_monotonicity, ()) { prop_root_prop(reference_root_prop()); }

/// @rule COIN-008  [exact] rp = tw·R / (tw·R + J) exactly, in [0, 1]. [chain vs
/// exact] the chain's value is within 2^−31 + (R + 1)/(2^32·J) of it: the stored
/// tao weight ratio is truncated to 2^−32, an error of up to R·2^−32 in tw·R.
RC_GTEST_PROP(root, coin_008_exact_root_proportion, ())
{
    const u64 tw = *tao_weight_gen(), root = *realistic_u64(), issuance = *realistic_u64();
    ExactChainState st;
    ExactSubnet r;
    r.netuid = 0;
    r.mechanism = Mechanism::stable;
    r.subnet_tao = root;
    st.subnets.push_back(r);
    const u64 in = std::max<u64>(issuance / 2, MINIMUM_POOL_LIQUIDITY);
    st.subnets.push_back(to_exact_subnet(make_pool(1'000'000'000, in, sat_sub(issuance, in))));
    st.subnets[1].tempo = 0;
    st.tao_weight = tw;
    const auto res = exact::run_coinbase(V2_0_4, st, 0);
    const Rational j = Rational(in) + sat_sub(issuance, in) + res.emissions[0].alpha_out;
    const Rational w = Rational(root) * Rational(Int(tw), Int(U64_MAX));
    const Rational rp = w + j == 0 ? Rational(0) : Rational(w / (w + j));
    RC_ASSERT(res.emissions[0].root_proportion == rp);
    RC_ASSERT(rp >= 0 && rp <= 1);
    const auto [cj, crp] = reference_root_prop_impl(root, tw, issuance);
    RC_ASSERT(Int(cj) == floor(j));  // the exact α_em is not floored (below one rao from k = 30, F-016)
    const Rational d = rat(crp) - rp;
    RC_ASSERT((d < 0 ? Rational(-d) : d) <= Rational(1, Int(1) << 31) + Rational(Int(root) + 1) / ((Int(1) << 32) * j));
}

// ---------------------------------------------------------------- mutations

TEST(mutation, coinbase_tao_in_rounded_up_is_caught)
{
    expect_failure("mutant (⌈tao_in⌉ minted): conservation",
                   [] { prop_conservation(mutant_tao_in_rounded_up(), *chain_state(2, 4), 2); });
}

TEST(mutation, coinbase_pending_keeps_root_alpha_is_caught)
{
    expect_failure(
        "mutant (pending not reduced by root alpha): conservation",
        [] { prop_conservation(mutant_pending_keeps_root_alpha(), *chain_state(1, 4), 2); }, 300);
}

TEST(mutation, drain_tao_rounded_up_is_caught)
{
    expect_success("reference: drain", [] { prop_drain(*drain_case(), 0); });
    expect_failure(
        "mutant (TAO dividends rounded up): drain", [] { prop_drain(*drain_case(), 1); }, 500);
}

TEST(mutation, root_proportion_dropped_denominator_term_is_caught)
{
    expect_failure(
        "mutant (tw·R/J): root proportion", [] { prop_root_prop(mutant_root_prop_no_root_in_denominator()); }, 300);
}

TEST(mutation, root_proportion_inverted_is_caught)
{
    expect_failure(
        "mutant (J/(tw·R+J)): root proportion", [] { prop_root_prop(mutant_root_prop_inverted()); }, 300);
}

}  // namespace
}  // namespace dtao::prop
