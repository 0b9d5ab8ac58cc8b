/// Family 1, constant product: properties of the launch-era pool
/// (@rule POOL-003 POOL-004 POOL-005 POOL-006), of the exact model, of the chain
/// model and of their distance, plus the stake entry points' rejection
/// (@rule STAKE-007 STAKE-008). The chain breaks three naive promises — k never
/// decreases (F-015), no free round trip (F-017), splitting never pays more
/// (F-018) — and outside the real supply two more (F-008, F-019); each naive
/// version is kept as an expected-failure check and the property that does
/// hold is stated next to it.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/pool.hpp"
#include "dtao/stake.hpp"

#include <functional>

namespace dtao::prop {
namespace {

using fixed::I110F18;

// ------------------------------------------------------------ the rule, as data

/// The pool rules under test, so each property runs against the reference and
/// against mutated copies. `sim(in, out, a)`: pay `a` into a pool with paid-in
/// reserve `in` and paid-out reserve `out`. `buy` / `sell`: apply to a subnet.
struct PoolRules
{
    std::function<Result<chain::SwapQuote>(u64, u64, u64)> sim;
    std::function<u64(Subnet&, u64&, u64)> buy;
    std::function<u64(Subnet&, u64&, u64)> sell;
};

PoolRules reference_pool()
{
    return {[](u64 in, u64 out, u64 a) { return chain::sim_swap_tao_for_alpha(make_pool(in, out), a); },
            [](Subnet& s, u64& ts, u64 a) { return chain::swap_tao_for_alpha(s, ts, a); },
            [](Subnet& s, u64& ts, u64 a) { return chain::swap_alpha_for_tao(s, ts, a); }};
}

/// Apply a quote the POOL-005/006 way (used by the mutants, which change the quote).
PoolRules with_sim(std::function<Result<chain::SwapQuote>(u64, u64, u64)> sim)
{
    PoolRules r;
    r.sim = sim;
    r.buy = [sim](Subnet& s, u64& ts, u64 a) -> u64 {
        const auto q = sim(s.subnet_tao, s.subnet_alpha_in, a);
        if (!q)
            return 0;
        s.subnet_alpha_in = sat_sub(s.subnet_alpha_in, q->amount_out);
        s.subnet_alpha_out = sat_add(s.subnet_alpha_out, q->amount_out);
        s.subnet_tao = sat_add(s.subnet_tao, a);
        ts = sat_add(ts, a);
        s.subnet_volume += a;
        return q->amount_out;
    };
    r.sell = [sim](Subnet& s, u64& ts, u64 a) -> u64 {
        const auto q = sim(s.subnet_alpha_in, s.subnet_tao, a);
        if (!q)
            return 0;
        s.subnet_alpha_in = sat_add(s.subnet_alpha_in, a);
        s.subnet_alpha_out = sat_sub(s.subnet_alpha_out, a);
        s.subnet_tao = sat_sub(s.subnet_tao, q->amount_out);
        ts = sat_sub(ts, q->amount_out);
        s.subnet_volume += q->amount_out;
        return q->amount_out;
    };
    return r;
}

/// Mutant: the last truncation switched to rounding up (ceil of y − y').
PoolRules mutant_output_rounded_up()
{
    return with_sim([](u64 in, u64 out, u64 a) -> Result<chain::SwapQuote> {
        auto q = chain::sim_swap_tao_for_alpha(make_pool(in, out), a);
        if (q) {
            auto v = q.value();
            const auto diff = I110F18::saturating_from_u64(out).saturating_sub(v.new_reserve);
            if (diff.floor() != diff)
                v.amount_out += 1;
            return v;
        }
        return q;
    });
}

/// Mutant: the minimum-liquidity check dropped.
PoolRules mutant_no_min_liquidity()
{
    return with_sim([](u64 in, u64 out, u64 a) -> Result<chain::SwapQuote> {
        const I110F18 x = I110F18::saturating_from_u64(in), y = I110F18::saturating_from_u64(out);
        chain::SwapQuote q;
        q.k = y.saturating_mul(x);
        q.new_reserve = q.k.safe_div(x.saturating_add(I110F18::saturating_from_u64(a)));
        q.amount_out = y.saturating_sub(q.new_reserve).saturating_to_u64();
        return q;
    });
}

/// Mutant: a rejected buy still books the TAO into TotalStake.
PoolRules mutant_dirty_reject()
{
    PoolRules r = reference_pool();
    r.buy = [](Subnet& s, u64& ts, u64 a) {
        const u64 out = chain::swap_tao_for_alpha(s, ts, a);
        if (!chain::sim_swap_tao_for_alpha(s, a))
            ts = sat_add(ts, a);
        return out;
    };
    return r;
}

// ----------------------------------------------------------------- arithmetic

const Int TWO18 = Int(1) << 18;
const Int K_LIMIT = (Int(1) << 127) - 1;  // I110F18::MAX bits

/// The exact output y·a/(x + a) as floor and remainder over x + a.
struct ExactOut
{
    Int floor, rem, den;
    /// F-015's condition: frac(o) > 1 − 2^−18.
    [[nodiscard]] bool rounds_up() const { return den != 0 && rem * TWO18 > den * (TWO18 - 1); }
};

ExactOut exact_out(u64 x, u64 y, u64 a)
{
    ExactOut e;
    e.den = Int(x) + Int(a);
    if (e.den == 0)
        return {0, 0, 0};
    const Int num = Int(y) * Int(a);
    e.floor = num / e.den;
    e.rem = num % e.den;
    return e;
}

/// The pool the swap leaves is inside the non-saturating domain: k = x·y does
/// not saturate in I110F18 (F-008) and x + a fits the u64 reserve (F-019).
bool in_domain(u64 x, u64 y, u64 a) { return Int(x) * Int(y) * TWO18 <= K_LIMIT && Int(x) + Int(a) <= Int(U64_MAX); }

/// The spec's acceptance condition (POOL-003/004): the new paid-out reserve
/// ⌊min(x·y·2^18, 2^127 − 1) / (x + a)⌋ (I110F18 bits) is at least 10^7.
bool accepted_by_spec(u64 x, u64 y, u64 a)
{
    Int k = Int(x) * Int(y) * TWO18;
    if (k > K_LIMIT)
        k = K_LIMIT;
    const Int den = (Int(x) + Int(a)) * TWO18;
    const Int new_bits = den == 0 ? Int(0) : Int(k * TWO18 / den);
    return new_bits >= Int(MINIMUM_POOL_LIQUIDITY) * TWO18;
}

enum class Side
{
    buy,
    sell
};

/// Run one swap on a fresh subnet; x is the paid-in reserve, y the paid-out one.
struct SwapRun
{
    Subnet before, after;
    u64 ts_before = 0, ts_after = 0;
    u64 out = 0;
    bool accepted = false;
};

SwapRun run_swap(const PoolRules& r, Side side, const PoolCase& c, u64 total_stake = 0)
{
    SwapRun s;
    s.before = side == Side::buy ? make_pool(c.x, c.y, 0) : make_pool(c.y, c.x, U64_MAX);
    s.after = s.before;
    s.ts_before = s.ts_after = total_stake;
    s.accepted = static_cast<bool>(r.sim(c.x, c.y, c.a));
    s.out = side == Side::buy ? r.buy(s.after, s.ts_after, c.a) : r.sell(s.after, s.ts_after, c.a);
    return s;
}

/// (paid-in reserve, paid-out reserve) of a subnet for a side.
std::pair<u64, u64> reserves(const Subnet& s, Side side)
{
    return side == Side::buy ? std::pair{s.subnet_tao, s.subnet_alpha_in} : std::pair{s.subnet_alpha_in, s.subnet_tao};
}

// ------------------------------------------------------------------ properties

/// @rule POOL-003 POOL-004 POOL-005 POOL-006  [chain] Outside saturation the
/// chain pays ⌊o⌋ or ⌊o⌋ + 1 (o = y·a/(x + a) exact), + 1 only under F-015's
/// condition frac(o) > 1 − 2^−18; k = x·y never decreases except then, and then
/// by less than (x + a)/2^18 (less than 2^−18 of one output unit's worth).
void prop_chain_k_bound(const PoolRules& r, const PoolCase& c)
{
    RC_CLASSIFY(!in_domain(c.x, c.y, c.a), "saturating (excluded)");
    if (!in_domain(c.x, c.y, c.a))
        return;
    for (Side side : {Side::buy, Side::sell}) {
        const auto run = run_swap(r, side, c);
        if (!run.accepted)
            continue;
        const auto e = exact_out(c.x, c.y, c.a);
        RC_ASSERT(Int(run.out) >= e.floor);
        RC_ASSERT(Int(run.out) <= e.floor + 1);
        if (Int(run.out) == e.floor + 1)
            RC_ASSERT(e.rounds_up());
        const auto [x0, y0] = reserves(run.before, side);
        const auto [x1, y1] = reserves(run.after, side);
        const Int k0 = Int(x0) * Int(y0), k1 = Int(x1) * Int(y1);
        RC_CLASSIFY(k1 < k0, "k decreased (F-015)");
        if (k1 < k0) {
            RC_ASSERT(e.rounds_up());
            RC_ASSERT((k0 - k1) * TWO18 < Int(c.x) + Int(c.a));
        }
    }
}

RC_GTEST_PROP(pool, pool_003_chain_k_decreases_only_by_f015_rounding, (const PoolCase& c))
{
    prop_chain_k_bound(reference_pool(), c);
}

/// @rule POOL-003 POOL-005  [chain] The naive promise "a chain swap never
/// decreases k" — expected to FAIL with an F-015 counterexample (checked below).
void prop_naive_k_never_decreases(const PoolRules& r, const PoolCase& c)
{
    if (!in_domain(c.x, c.y, c.a))
        return;
    const auto run = run_swap(r, Side::buy, c);
    const Int k0 = Int(c.x) * Int(c.y);
    const Int k1 = Int(run.after.subnet_tao) * Int(run.after.subnet_alpha_in);
    if (k1 < k0)
        LastFailure<PoolCase>::get() = c;
    RC_ASSERT(k1 >= k0);
}

TEST(pool, pool_003_naive_k_never_decreases_fails_with_f015)
{
    LastFailure<PoolCase>::get().reset();
    expect_failure(
        "naive: chain buy never decreases k",
        [](const PoolCase& c) { prop_naive_k_never_decreases(reference_pool(), c); }, 100);
    const auto c = LastFailure<PoolCase>::get();
    ASSERT_TRUE(c.has_value());
    // The counterexample is F-015's: the chain paid ⌊o⌋ + 1 because frac(o) > 1 − 2^−18.
    const auto e = exact_out(c->x, c->y, c->a);
    EXPECT_TRUE(e.rounds_up()) << "x=" << c->x << " y=" << c->y << " a=" << c->a;
    const auto q = chain::sim_swap_tao_for_alpha(make_pool(c->x, c->y), c->a);
    ASSERT_TRUE(q);
    EXPECT_EQ(Int(q->amount_out), e.floor + 1);
}

/// @rule POOL-003 POOL-004 POOL-005 POOL-006  [exact] An accepted exact swap
/// keeps x·y = k exactly; the exact acceptance is y' ≥ 10^7.
RC_GTEST_PROP(pool, pool_003_exact_keeps_k, (const PoolCase& c))
{
    for (Side side : {Side::buy, Side::sell}) {
        ExactSubnet s = to_exact_subnet(side == Side::buy ? make_pool(c.x, c.y) : make_pool(c.y, c.x, U64_MAX));
        Rational ts = 0;
        const ExactSubnet before = s;
        const Rational out =
            side == Side::buy ? exact::swap_tao_for_alpha(s, ts, c.a) : exact::swap_alpha_for_tao(s, ts, c.a);
        const Rational k0 = before.subnet_tao * before.subnet_alpha_in;
        const Int den = Int(c.x) + Int(c.a);
        const bool spec_ok = den != 0 && Rational(Int(c.x) * Int(c.y), den) >= MINIMUM_POOL_LIQUIDITY;
        const bool accepted = side == Side::buy ? static_cast<bool>(exact::sim_swap_tao_for_alpha(before, c.a))
                                                : static_cast<bool>(exact::sim_swap_alpha_for_tao(before, c.a));
        RC_ASSERT(accepted == spec_ok);
        if (accepted) {
            RC_ASSERT(s.subnet_tao * s.subnet_alpha_in == k0);
            RC_ASSERT(out == Rational(Int(c.y) * Int(c.a), den));
        } else {
            RC_ASSERT(out == 0);
            RC_ASSERT(s.subnet_tao == before.subnet_tao && s.subnet_alpha_in == before.subnet_alpha_in);
        }
    }
}

/// @rule POOL-003 POOL-004  [chain and exact] The output is non-decreasing in
/// the input, and a rejected amount stays rejected for every larger amount.
RC_GTEST_PROP(pool, pool_003_output_monotone_in_input, (const PoolCase& c, u64 more))
{
    const u64 a2 = sat_add(c.a, more % 2 == 0 ? more : more % 1'000'000);
    const auto q1 = chain::sim_swap_tao_for_alpha(make_pool(c.x, c.y), c.a);
    const auto q2 = chain::sim_swap_tao_for_alpha(make_pool(c.x, c.y), a2);
    if (!q1)
        RC_ASSERT(!q2);
    if (q1 && q2)
        RC_ASSERT(q1->amount_out <= q2->amount_out);
    const auto s = to_exact_subnet(make_pool(c.x, c.y));
    const auto e1 = exact::sim_swap_tao_for_alpha(s, c.a), e2 = exact::sim_swap_tao_for_alpha(s, a2);
    if (!e1)
        RC_ASSERT(!e2);
    if (e1 && e2)
        RC_ASSERT(e1->amount_out <= e2->amount_out);
}

/// @rule POOL-005 POOL-006  [exact] A buy followed by the sell of what it bought
/// returns exactly the TAO put in. [chain] It returns at most a + ((x + a)/y + 1)·2^−18
/// (strictly less), i.e. never a whole rao more unless the price x/y exceeds
/// about 2^18 − 1; the naive "never more than a" fails (F-017, checked below).
void prop_round_trip(const PoolRules& r, const PoolCase& c, bool naive)
{
    if (!in_domain(c.x, c.y, c.a))
        return;
    Subnet s = make_pool(c.x, c.y, 0);
    u64 ts = 0;
    if (!r.sim(c.x, c.y, c.a))
        return;
    const u64 bought = r.buy(s, ts, c.a);
    if (!in_domain(s.subnet_alpha_in, s.subnet_tao, bought))
        return;
    const u64 back = r.sell(s, ts, bought);
    if (naive) {
        if (back > c.a)
            LastFailure<PoolCase>::get() = c;
        RC_ASSERT(back <= c.a);
        return;
    }
    RC_CLASSIFY(back > c.a, "round trip profit (F-017)");
    if (back > c.a) {
        RC_ASSERT(exact_out(c.x, c.y, c.a).rounds_up());
        RC_ASSERT((Int(back) - Int(c.a)) * Int(c.y) * TWO18 < Int(c.x) + Int(c.a) + Int(c.y));
    }
}

RC_GTEST_PROP(pool, pool_005_chain_round_trip_profit_bounded, (const PoolCase& c))
{
    prop_round_trip(reference_pool(), c, false);
}

RC_GTEST_PROP(pool, pool_005_exact_round_trip_returns_input, (const PoolCase& c))
{
    ExactSubnet s = to_exact_subnet(make_pool(c.x, c.y));
    Rational ts = 0;
    if (!exact::sim_swap_tao_for_alpha(s, c.a))
        return;
    const Rational bought = exact::swap_tao_for_alpha(s, ts, c.a);
    if (!exact::sim_swap_alpha_for_tao(s, bought))
        return;
    RC_ASSERT(exact::swap_alpha_for_tao(s, ts, bought) == Rational(c.a));
}

TEST(pool, pool_005_naive_no_round_trip_profit_fails_with_f017)
{
    LastFailure<PoolCase>::get().reset();
    expect_failure(
        "naive: chain buy then sell never returns more than the input",
        [] { prop_round_trip(reference_pool(), *round_trip_region_pool(), true); }, 100);
    ASSERT_TRUE(LastFailure<PoolCase>::get().has_value());
    const auto c = *LastFailure<PoolCase>::get();
    EXPECT_TRUE(exact_out(c.x, c.y, c.a).rounds_up()) << "x=" << c.x << " y=" << c.y << " a=" << c.a;
}

/// @rule POOL-005  [exact] Two trades a1 + a2 pay exactly what one trade of a
/// pays. [chain] They pay at most one unit more than the single trade, and at
/// most ⌊o⌋ + 1; the naive "never more" fails (F-018, checked below).
void prop_split(const PoolRules& r, const PoolCase& c, u64 cut, bool naive)
{
    if (!in_domain(c.x, c.y, c.a) || c.a < 2)
        return;
    const u64 a1 = 1 + cut % (c.a - 1), a2 = c.a - a1;
    Subnet one = make_pool(c.x, c.y), two = one;
    u64 ts = 0;
    if (!r.sim(c.x, c.y, c.a) || !r.sim(c.x, c.y, a1))
        return;
    const u64 single = r.buy(one, ts, c.a);
    const u64 o1 = r.buy(two, ts, a1);
    if (!r.sim(two.subnet_tao, two.subnet_alpha_in, a2))
        return;
    const u64 o2 = r.buy(two, ts, a2);
    const Int split = Int(o1) + Int(o2);
    if (naive) {
        if (split > Int(single))
            LastFailure<std::pair<PoolCase, u64>>::get() = std::pair{c, a1};
        RC_ASSERT(split <= Int(single));
        return;
    }
    RC_CLASSIFY(split > Int(single), "split pays more (F-018)");
    RC_ASSERT(split <= Int(single) + 1);
    RC_ASSERT(split <= exact_out(c.x, c.y, c.a).floor + 1);
}

RC_GTEST_PROP(pool, pool_005_chain_split_pays_at_most_one_more, (const PoolCase& c, u64 cut))
{
    prop_split(reference_pool(), c, cut, false);
}

RC_GTEST_PROP(pool, pool_005_exact_split_equals_single, (const PoolCase& c, u64 cut))
{
    if (c.a < 2)
        return;
    const Rational a1 = 1 + cut % (c.a - 1), a2 = Rational(c.a) - a1;
    ExactSubnet one = to_exact_subnet(make_pool(c.x, c.y)), two = one;
    Rational ts = 0;
    if (!exact::sim_swap_tao_for_alpha(one, c.a))
        return;
    const Rational single = exact::swap_tao_for_alpha(one, ts, c.a);
    const Rational o1 = exact::swap_tao_for_alpha(two, ts, a1);
    const Rational o2 = exact::swap_tao_for_alpha(two, ts, a2);
    RC_ASSERT(o1 + o2 == single);
    RC_ASSERT(two.subnet_tao == one.subnet_tao && two.subnet_alpha_in == one.subnet_alpha_in);
}

TEST(pool, pool_005_naive_split_never_pays_more_fails_with_f018)
{
    LastFailure<std::pair<PoolCase, u64>>::get() = std::nullopt;
    expect_failure(
        "naive: two chain buys never pay more than one",
        [](u64 cut) { prop_split(reference_pool(), *split_region_pool(), cut, true); }, 1000);
    using Split = std::pair<PoolCase, u64>;
    ASSERT_TRUE(LastFailure<Split>::get().has_value());
}

/// @rule POOL-003 POOL-004 POOL-005 POOL-006  [chain] A swap is rejected exactly
/// when the spec's new reserve is below 10^7, and a rejected swap changes no
/// state (subnet and TotalStake); an accepted one changes exactly the POOL-005/006
/// fields (u64 saturating).
void prop_rejection(const PoolRules& r, const PoolCase& c)
{
    for (Side side : {Side::buy, Side::sell}) {
        const auto run = run_swap(r, side, c, 1'000'000'000);
        const bool spec_ok = accepted_by_spec(c.x, c.y, c.a);
        RC_CLASSIFY(!spec_ok, "rejected");
        RC_ASSERT(run.accepted == spec_ok);
        if (!spec_ok) {
            RC_ASSERT(run.out == 0u);
            RC_ASSERT(same_subnet(run.before, run.after));
            RC_ASSERT(run.ts_before == run.ts_after);
            continue;
        }
        Subnet expect = run.before;
        u64 ts = run.ts_before;
        if (side == Side::buy) {
            expect.subnet_alpha_in = sat_sub(expect.subnet_alpha_in, run.out);
            expect.subnet_alpha_out = sat_add(expect.subnet_alpha_out, run.out);
            expect.subnet_tao = sat_add(expect.subnet_tao, c.a);
            ts = sat_add(ts, c.a);
            expect.subnet_volume += c.a;
        } else {
            expect.subnet_alpha_in = sat_add(expect.subnet_alpha_in, c.a);
            expect.subnet_alpha_out = sat_sub(expect.subnet_alpha_out, c.a);
            expect.subnet_tao = sat_sub(expect.subnet_tao, run.out);
            ts = sat_sub(ts, run.out);
            expect.subnet_volume += run.out;
        }
        RC_ASSERT(same_subnet(expect, run.after));
        RC_ASSERT(ts == run.ts_after);
    }
}

RC_GTEST_PROP(pool, pool_005_rejected_swap_changes_nothing, (const PoolCase& c))
{
    prop_rejection(reference_pool(), c);
}

/// @rule STAKE-007 STAKE-008  [chain] A rejected add_stake / remove_stake (with
/// or without a limit price) changes neither the subnet nor TotalStake.
RC_GTEST_PROP(pool, stake_007_rejected_stake_changes_nothing,
              (const PoolCase& c, u64 limit, bool partial, bool use_limit))
{
    const auto& rules = LAUNCH_RULESETS[c.a % LAUNCH_RULESETS.size()];
    const std::optional<u64> lim = use_limit ? std::optional<u64>(limit) : std::nullopt;
    const Fill fill = partial ? Fill::partial : Fill::whole;
    Subnet s = make_pool(c.x, c.y, c.y);
    u64 ts = c.x;
    const Subnet before = s;
    const u64 ts0 = ts;
    const auto r1 = chain::add_stake(s, ts, c.a, lim, fill);
    RC_CLASSIFY(!r1, "add rejected");
    if (!r1) {
        RC_ASSERT(same_subnet(before, s));
        RC_ASSERT(ts == ts0);
    }
    Subnet s2 = before;
    u64 ts2 = ts0;
    const auto r2 = chain::remove_stake(rules, s2, ts2, c.a, lim, fill);
    RC_CLASSIFY(!r2, "remove rejected");
    if (!r2) {
        RC_ASSERT(same_subnet(before, s2));
        RC_ASSERT(ts2 == ts0);
    }
}

/// @rule POOL-003 POOL-004  [chain vs exact] When k saturates (F-008) the chain
/// pays at least ⌊o⌋: saturation only ever favours the trader, never the pool.
RC_GTEST_PROP(pool, pool_003_saturated_k_favours_trader, (const PoolCase& c))
{
    RC_CLASSIFY(Int(c.x) * Int(c.y) * TWO18 > K_LIMIT, "k saturated (F-008)");
    const auto q = chain::sim_swap_tao_for_alpha(make_pool(c.x, c.y), c.a);
    if (q)
        RC_ASSERT(Int(q->amount_out) >= exact_out(c.x, c.y, c.a).floor);
}

/// @rule POOL-005  [chain] u64 reserve saturation (F-019): when x + a exceeds
/// u64::MAX an accepted buy stores SubnetTAO = u64::MAX and pays the full
/// constant-product output for TAO the reserve does not hold.
RC_GTEST_PROP(pool, pool_005_reserve_saturates_at_u64_max, (u64 y_bits, u64 a))
{
    const u64 x = U64_MAX;
    const u64 y = u64{1} << (26 + y_bits % 20);  // k = x·y below the I110F18 limit
    Subnet s = make_pool(x, y);
    u64 ts = 0;
    const u64 out = chain::swap_tao_for_alpha(s, ts, a);
    if (a == 0 || !chain::sim_swap_tao_for_alpha(make_pool(x, y), a))
        return;
    RC_ASSERT(s.subnet_tao == U64_MAX);
    RC_ASSERT(Int(out) >= exact_out(x, y, a).floor);
}

TEST(pool, f019_reserve_saturation_counterexample)
{
    // F-019: x = u64::MAX, y = 2^45, buy a = u64::MAX. Exact output y/2 = 2^44;
    // the reserve stays u64::MAX, so k halves.
    Subnet s = make_pool(U64_MAX, u64{1} << 45);
    u64 ts = 0;
    EXPECT_EQ(chain::swap_tao_for_alpha(s, ts, U64_MAX), u64{1} << 44);
    EXPECT_EQ(s.subnet_tao, U64_MAX);
    EXPECT_EQ(s.subnet_alpha_in, u64{1} << 44);
    EXPECT_EQ(Int(s.subnet_tao) * Int(s.subnet_alpha_in) * 2, Int(U64_MAX) * (Int(1) << 45));
}

TEST(pool, f017_f018_counterexamples)
{
    // F-017: x = 3 932 170 000 001, y = 10 000 001, a = 393 216: the buy pays 1
    // alpha (exact 0.99999746…), selling it back pays 393 217.
    {
        Subnet s = make_pool(3'932'170'000'001, 10'000'001);
        u64 ts = 0;
        const u64 bought = chain::swap_tao_for_alpha(s, ts, 393'216);
        EXPECT_EQ(bought, 1u);
        EXPECT_EQ(chain::swap_alpha_for_tao(s, ts, bought), 393'217u);
        EXPECT_EQ(s.subnet_tao, 3'932'170'000'000u);
    }
    // F-018: x = 10 073 344, y = 10 073 340, a = 5 in one trade pays 4; 2 then 3 pay 2 + 3.
    {
        Subnet one = make_pool(10'073'344, 10'073'340), two = one;
        u64 ts = 0;
        EXPECT_EQ(chain::swap_tao_for_alpha(one, ts, 5), 4u);
        EXPECT_EQ(chain::swap_tao_for_alpha(two, ts, 2), 2u);
        EXPECT_EQ(chain::swap_tao_for_alpha(two, ts, 3), 3u);
    }
}

// ---------------------------------------------------------------- mutations

TEST(mutation, pool_rounding_up_is_caught)
{
    expect_success("reference: chain k bound", [](const PoolCase& c) { prop_chain_k_bound(reference_pool(), c); });
    expect_failure("mutant (output rounded up): chain k bound",
                   [](const PoolCase& c) { prop_chain_k_bound(mutant_output_rounded_up(), c); });
}

TEST(mutation, pool_missing_min_liquidity_is_caught)
{
    expect_success("reference: rejection", [](const PoolCase& c) { prop_rejection(reference_pool(), c); });
    expect_failure("mutant (no minimum liquidity): rejection",
                   [](const PoolCase& c) { prop_rejection(mutant_no_min_liquidity(), c); });
}

TEST(mutation, pool_dirty_reject_is_caught)
{
    expect_failure("mutant (rejected buy books TotalStake): rejection",
                   [](const PoolCase& c) { prop_rejection(mutant_dirty_reject(), c); });
}

}  // namespace
}  // namespace dtao::prop
