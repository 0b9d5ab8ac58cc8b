// Unit tests of the Balancer-era pool and swap (v3.4.8-423+); stake, unstake and the
// limit maxima are in balancer_stake_test.cpp.
// Rules: BAL-001 BAL-002 BAL-003 BAL-004 BAL-005 BAL-006
//        BAL-010 (reweighting, initialisation and migration, BAL-007 … BAL-009, are in
//        balancer_liquidity_test.cpp)
//
// Chain source: subtensor 14bc6f9 pallets/swap/src/pallet/{balancer.rs,impls.rs,
// swap_step.rs,tests.rs}, pallets/subtensor/src/staking/{stake_utils.rs,
// add_stake.rs,remove_stake.rs} and pallets/subtensor/src/tests/staking.rs.
// H3–H13 are the chain's own assertions (chain-rules.md §7.2), row by row, with the
// chain's tolerance where it asserts one; our exact chain-model value is pinned next
// to each.
//
// The w = ½ closed form used below (derivation). With w1 = w2 the exponent reduces to
// 1/1, so `pow_ratio_scaled` takes the exact path and returns e_int = ⌊10^18·r/(r+d)⌋.
// `exp_scaled` then forms bits(e) = ⌊e_int·2^64 / 10^18⌋ (U64F64 `checked_div` of two
// integers truncates), and `convert_deltas` pays ⌊x·(2^64 − bits(e)) / 2^64⌋
// (`saturating_mul` floors, `saturating_to_num` truncates). Since bits(e) ≤ e·2^64 with
// e = r/(r+d), the chain pays at least ⌊x·d/(r+d)⌋; since bits(e) > (e − 10^-18 − 2^-64)·2^64,
// it pays less than x·d/(r+d) + x·(10^-18 + 2^-64) — i.e. sometimes one rao MORE than the
// real formula (BAL-003 finding, pinned below).
#include "balancer_pools.hpp"
#include "dtao/balancer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace dtao;
using namespace dtao::chain::balancer;
using dtao::test::dyn;
using namespace dtao::test::balancer_pools;

namespace {

/// The w = ½ closed form of the chain's output (see the file comment).
Int half_out(u64 out_reserve, u64 in_reserve, u64 d)
{
    const Int acc(ACCURACY), two64 = Int(1) << 64;
    const Int den = Int(in_reserve) + Int(d);
    if (den == 0 || den > Int(U64_MAX))
        return -1;  // not covered by the closed form (saturation); callers skip
    const Int e_int = acc * Int(in_reserve) / den;
    const Int e_bits = e_int * two64 / acc;
    return Int(out_reserve) * (two64 - e_bits) / two64;
}

}  // namespace

// ---------------------------------------------------------------- BAL-001 price

/// @rule BAL-001
TEST(balancer, price_formula_and_special_cases)
{
    // (w1/w2)·(y/x): with w2 = ½ the ratio is 1 exactly and the price is y/x truncated.
    EXPECT_EQ(calculate_price(half(), 2, 5),
              U64F64::saturating_from_u64(5).checked_div(U64F64::saturating_from_u64(2)).value());
    // w2 = 1/3 → w1/w2 = ⌊(2/3·10^18 + 1)·2^64 / (10^18/3 floor)⌋ … the chain test only says ≈ 2·y/x.
    const Perquintill third = bigmath::perquintill_from_rational(1, 3);
    EXPECT_NEAR(to_f64(calculate_price(third, 5, 10)), 4.0, 1e-12);
    EXPECT_EQ(calculate_price(half(), 0, 5), U64F64::zero());  // y safe_div 0 → 0
    Subnet s = pool(5, 0);
    EXPECT_EQ(current_price(s), U64F64::zero());
    s.mechanism = Mechanism::stable;
    EXPECT_EQ(current_price(s), U64F64::one());
    // Saturation: w1/w2 = 99 and y/x = 2^63 overflow U64F64 → U64F64::MAX.
    const Perquintill w_min = Perquintill::from_parts(BALANCER_MIN_WEIGHT_PARTS);
    EXPECT_EQ(calculate_price(w_min, 1, u64{1} << 63), U64F64::max());
    // The exact model.
    EXPECT_EQ(exact::balancer::current_price(ex(pool(3, 7))), Rational(3, 7));
    EXPECT_EQ(exact::balancer::calculate_price(Rational(1, 4), 1, 1), 3);
}

/// @rule BAL-001
/// H13's side assertion: with w = ½, current_alpha_price == U64F64(y) / U64F64(x) exactly.
TEST(balancer, h13_price_is_y_over_x_exactly_at_half)
{
    const std::pair<u64, u64> rows[] = {{1'000'000'000, 1},
                                        {10'000'000'000, 10'000'000'000},
                                        {1'001, 1'001},
                                        {200'000'000'000, 100'000'000'000},
                                        {21'000'000'000'000'000, 1'000'000},
                                        {21'000'000'000'000'000, 1'000'000'000'000'000'000},
                                        {0, 1'000'000'000}};
    for (auto [y, x] : rows) {
        const auto want = U64F64::saturating_from_u64(y).checked_div(U64F64::saturating_from_u64(x));
        ASSERT_TRUE(want);
        EXPECT_EQ(current_price(pool(y, x)), *want) << y << "/" << x;
    }
}

// ---------------------------------------------------------------- BAL-002 exp_scaled

/// @rule BAL-002
/// H8: balancer.rs::test_exp_scaled, tolerance 1e-9 as asserted; plus our bits.
TEST(balancer, h8_exp_scaled)
{
    struct Row
    {
        u64 num, den, reserve, d;
        bool base_quote;
        double expected;
        u64 bits;  // our value (pinned)
    };
    const Row rows[] = {
        {5, 10, 100'000, 100, true, 0.999000999000999, 18'428'315'757'951'599'997ULL},
        {1, 4, 500'000, 5'000, true, 0.970590147927644, 17'904'228'059'285'152'206ULL},
        {3, 4, 200'000, 2'000, false, 0.970590147927644, 17'904'228'059'285'152'206ULL},
        {9, 10, 13'513'642, 1'673, false, 0.998886481979889, 18'426'203'291'771'111'799ULL},
        {773, 1000, 7'000'000'000, 10'000, true, 0.999999580484586, 18'446'736'335'016'083'878ULL},
    };
    for (const Row& r : rows) {
        const Perquintill w2 = bigmath::perquintill_from_rational(r.num, r.den);  // fed as the QUOTE weight
        for (const Ruleset* rs : {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9}) {
            const U64F64 e =
                exp_scaled(*rs, w2, r.reserve, r.d, (r.base_quote ? Exponent::base_quote : Exponent::quote_base));
            EXPECT_NEAR(to_f64(e), r.expected, 1e-9) << r.num << "/" << r.den;
            EXPECT_EQ(e.bits, u128{r.bits}) << rs->id << " " << r.num << "/" << r.den;
        }
    }
    // w = ½: the closed form bits = ⌊⌊10^18·r/(r+d)⌋·2^64 / 10^18⌋.
    EXPECT_EQ(to_int(exp_scaled(HEAD, half(), 100'000, 100, Exponent::base_quote).bits),
              Int(ACCURACY) * 100'000 / 100'100 * (Int(1) << 64) / Int(ACCURACY));
}

/// @rule BAL-002
TEST(balancer, exp_scaled_edges)
{
    EXPECT_EQ(exp_scaled(HEAD, half(), 0, 0, Exponent::base_quote), U64F64::zero());  // r + d = 0
    EXPECT_EQ(exp_scaled(HEAD, half(), 5, -5, Exponent::quote_base), U64F64::zero());
    EXPECT_EQ(exp_scaled(HEAD, half(), 0, 7, Exponent::quote_base), U64F64::zero());  // bn = 0 → 0
    EXPECT_EQ(exp_scaled(HEAD, half(), 7, 0, Exponent::quote_base), U64F64::one());   // r/r
    // d < 0 (get_base_needed_for_quote): the power exceeds 1 and is not clamped.
    EXPECT_GT(exp_scaled(HEAD, half(), 1'000, -500, Exponent::quote_base), U64F64::one());
    // The power above u64::MAX (> 18.4·10^18/10^18): 0 (`to_u64` fails).
    EXPECT_EQ(exp_scaled(HEAD, half(), 1'000, -999, Exponent::quote_base), U64F64::zero());  // 1000/1 = 1000 ≫ 18.4
    EXPECT_EQ(to_int(exp_scaled(HEAD, half(), 18, -1, Exponent::quote_base).bits),
              Int(ACCURACY) * 18 / 17 * (Int(1) << 64) / Int(ACCURACY));  // 18/17 fits
}

// ---------------------------------------------------------------- BAL-003 outputs

/// @rule BAL-003
/// The w = ½ closed form, randomized; and the bound floor(exact) ≤ chain < exact + x·(10^-18 + 2^-64).
TEST(balancer, convert_deltas_half_closed_form_randomized)
{
    auto rng = dtao::test::seeded_rng("balancer.convert_deltas_half_closed_form_randomized");
    const Rational eps = Rational(1, Int(ACCURACY)) + Rational(1, Int(1) << 64);
    for (unsigned i = 0; i < dtao::test::test_iters(); ++i) {
        const u64 x = rng() >> (rng() % 64), y = rng() >> (rng() % 64), d = rng() >> (rng() % 64);
        const Int want = half_out(x, y, d);
        if (want < 0)
            continue;
        const u64 buy = convert_deltas_buy(HEAD, half(), x, y, d);
        const u64 sell = convert_deltas_sell(HEAD, half(), y, x, d);
        ASSERT_EQ(Int(buy), want) << "x=" << x << " y=" << y << " d=" << d;
        ASSERT_EQ(Int(sell), want) << "x=" << x << " y=" << y << " d=" << d;
        if (Int(y) + Int(d) == 0)
            continue;
        const Rational exact = Rational(Int(x) * Int(d), Int(y) + Int(d));
        ASSERT_LE(Rational(floor(exact)), Rational(buy));
        if (x == 0)
            ASSERT_EQ(buy, 0u);
        else
            ASSERT_LT(Rational(buy), exact + Rational(x) * eps);
    }
}

/// @rule BAL-003
/// FINDING: the chain pays one rao more than the real formula x·dy/(y+dy) (w = ½, real
/// supply). ⌊10^18·y/(y+dy)⌋ rounds the power down, so 1 − e is rounded up.
/// Counterexample found by solving x·dy ≡ −1 (mod y + dy) (frac(exact) = 1 − 1/(y+dy)).
TEST(balancer, finding_chain_pays_more_than_exact)
{
    const u64 x = 4'000'000'007, y = 292'906'211, dy = 707'093'900;
    const Rational exact(Int(x) * Int(dy), Int(y) + Int(dy));
    EXPECT_EQ(exact, Rational(Int("2828375604949657300"), Int(1'000'000'111)));
    EXPECT_EQ(floor(exact), Int(2'828'375'290));
    EXPECT_EQ(convert_deltas_buy(HEAD, half(), x, y, dy), 2'828'375'291u);   // one more
    EXPECT_EQ(convert_deltas_sell(HEAD, half(), y, x, dy), 2'828'375'291u);  // symmetric (sell: y ↔ x)
    // Through a whole fee-free swap (as the author's fee sale and chain buys run).
    Subnet s = pool(y, x);
    const auto r = do_swap(HEAD, s, SWAP_MINIMUM_RESERVE, SwapSide::buy, dy, limit_price_from_rao(SWAP_MAX_PRICE),
                           Fees::dropped, SwapRun::simulate);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->amount_paid_out, 2'828'375'291u);
    // The exact model pays the real formula.
    const auto e = exact::balancer::sim_swap_tao_for_alpha(HEAD, ex(s), SWAP_MINIMUM_RESERVE, Rational(dy),
                                                           SWAP_MAX_PRICE, Fees::dropped);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->amount_paid_out, exact);
}

/// @rule BAL-003
/// FINDING (fuzz, balancer corpus 215d018c…): outside pow_ratio_scaled's domain (a power below
/// e^-41 on the ln/exp fallback, spec/bigmath.md) the swap pays an arbitrary part of the
/// reserve. w2 = 0.01026 (w1/w2 ≈ 96.5, reached only by reweighting), a sell of 14 827 520
/// alpha into x = 3 894 058: the real power is (x/(x+dx))^96.5 ≈ 10^-66, so the real output is
/// the whole TAO reserve less 10^-52 rao; the chain (as emulated; not confirmed against the
/// Rust crate) gets e = 0.2231… and pays 77.7 %.
TEST(balancer, finding_fallback_power_outside_domain)
{
    const Perquintill w2 = Perquintill::from_parts(10'259'922'716'590'848);
    const u64 x = 3'894'058, y = 51'677'050'411'722, dx = 14'827'520;
    const auto e_int = bigmath::pow_ratio_scaled(Int(x), Int(x + dx), Int(bigmath::one_minus(w2).parts), Int(w2.parts),
                                                 256, Int(ACCURACY));
    ASSERT_TRUE(e_int);
    EXPECT_EQ(*e_int, Int(223'138'717'346'013'639));
    EXPECT_EQ(convert_deltas_sell(HEAD, w2, x, y, dx), 40'145'899'666'625u);
    const Rational o = exact::balancer::convert_deltas_sell(Rational(Int(w2.parts), Int(ACCURACY)), x, y, dx);
    EXPECT_EQ(floor(o), Int(y) - 1);
    // At v3.4.8-423 (precision 1024) the same power comes out 0: the whole reserve.
    EXPECT_EQ(convert_deltas_sell(V3_4_8_423, w2, x, y, dx), y);
}

/// @rule BAL-005
/// A limit does not hold when the power underflows 10^-18 (balancer corpus a8a5b03f…):
/// w2 = 0.0101 (w1/w2 ≈ 97.9), x = 128, a sell of 76 alpha: (128/204)^97.9 ≈ 10^-20 rounds to
/// e = 0, the chain pays the whole TAO reserve and the price falls to 0, below the 10^-6 limit.
TEST(balancer, limit_not_enforced_when_power_underflows)
{
    Subnet s = pool(218'802'817'833'674, 128, Perquintill::from_parts(10'109'951'162'777'600));
    s.fee_rate = 0;
    u64 ts = U64_MAX / 2;
    const auto r = swap_alpha_for_tao(HEAD, s, ts, 0, 15'104, SWAP_MIN_PRICE, Fees::charged);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->amount_paid_in, 76u);                    // the limit path cut the order …
    EXPECT_EQ(r->amount_paid_out, 218'802'817'833'674u);  // … but the whole reserve went
    EXPECT_EQ(current_price(s), U64F64::zero());
    EXPECT_LT(current_price(s), limit_price_from_rao(SWAP_MIN_PRICE));
}

/// @rule BAL-003
/// swap tests.rs::test_convert_deltas: every row within 2 rao of the f64 formula (asserted);
/// checked here against the exact model (tighter than f64) for buy and sell.
TEST(balancer, convert_deltas_chain_rows_within_two)
{
    const u64 deltas[] = {1, 10'000, 1'000'000, U64_MAX};
    const std::pair<u64, u64> reserves[] = {{1500, 1000}, {1, 1'000'000}, {1'000'000, 1}};
    const double weights[] = {0.5, 0.50000001, 0.49999999, 0.1, 0.9};
    for (double wq : weights)
        for (auto [tao, alpha] : reserves)
            for (u64 d : deltas) {
                const Perquintill w2 = bigmath::perquintill_from_rational(static_cast<u128>(wq * 1e9), 1'000'000'000);
                const Rational w2r(Int(w2.parts), Int(ACCURACY));
                const u64 sell = convert_deltas_sell(HEAD, w2, alpha, tao, d);
                const u64 buy = convert_deltas_buy(HEAD, w2, alpha, tao, d);
                const Rational esell = exact::balancer::convert_deltas_sell(w2r, alpha, tao, d);
                const Rational ebuy = exact::balancer::convert_deltas_buy(w2r, alpha, tao, d);
                EXPECT_LE(abs(Rational(sell) - esell), 2) << wq << " " << tao << " " << alpha << " " << d;
                EXPECT_LE(abs(Rational(buy) - ebuy), 2) << wq << " " << tao << " " << alpha << " " << d;
            }
}

// ---------------------------------------------------------------- BAL-004 fees

/// @rule BAL-004
TEST(balancer, fee_amount)
{
    Subnet s = pool(1, 1);
    // rate = ⌊33·2^64/65535⌋ / 2^64; fee = ⌊amount·rate⌋ (the rate is truncated first).
    EXPECT_EQ(calculate_fee_amount(s, 1'000'000'000, Fees::charged), 503'547u);  // 1e9·33/65535 = 503 547.7
    EXPECT_EQ(calculate_fee_amount(s, 2'000'000, Fees::charged), 1'007u);        // 1007.09
    EXPECT_EQ(calculate_fee_amount(s, 1'985, Fees::charged), 0u);                // 0.9995 (< 1)
    EXPECT_EQ(calculate_fee_amount(s, 1'986, Fees::charged), 1u);                // 1.00003
    EXPECT_EQ(calculate_fee_amount(s, 1'000'000'000, Fees::dropped), 0u);
    s.mechanism = Mechanism::stable;
    EXPECT_EQ(calculate_fee_amount(s, 1'000'000'000, Fees::charged), 0u);
    // Truncating the rate first can lose a rao against ⌊amount·33/65535⌋:
    // 65535·k·33/65535 = 33k exactly, but rate < 33/65535, so the chain gives 33k − 1.
    s.mechanism = Mechanism::dynamic;
    EXPECT_EQ(calculate_fee_amount(s, 65'535, Fees::charged), 32u);
    // The gross-up of a limit-cut order: ⌊delta·33/65502⌋ with the rate truncated first.
    EXPECT_EQ(limit_fee(33, 999'496'453, Fees::charged), 503'547u);
    EXPECT_EQ(limit_fee(33, 1'000'000, Fees::charged), 503u);
    EXPECT_EQ(limit_fee(33, 1'000'000, Fees::dropped), 0u);
    // The exact model.
    const ExactSubnet e = ex(pool(1, 1));
    EXPECT_EQ(exact::balancer::calculate_fee_amount(e, 65'535, Fees::charged), 33);
    EXPECT_EQ(exact::balancer::limit_fee(33, 65'502, Fees::charged), 33);
}

/// @rule BAL-004
/// A limit-cut order recomputes the fee on the executed input (gross-up), so
/// fee/(paid_in + fee) = rate/65535 up to rounding, and the rest is refunded.
TEST(balancer, limit_cut_fee_gross_up)
{
    Subnet s = pool(1'000'000'000, 1'000'000'000);  // price 1
    // Buy 10 TAO with a limit of 1.21: w = ½ reaches 1.21 after Δy = y·(√1.21 − 1) = 0.1 TAO.
    const auto r = do_swap(HEAD, s, SWAP_MINIMUM_RESERVE, SwapSide::buy, 10'000'000'000,
                           limit_price_from_rao(1'210'000'000), Fees::charged, SwapRun::simulate);
    ASSERT_TRUE(r);
    EXPECT_NEAR(static_cast<double>(r->amount_paid_in), 1e8, 2.0);
    EXPECT_EQ(r->fee_paid, limit_fee(33, r->amount_paid_in, Fees::charged));
    EXPECT_EQ(r->fee_to_block_author, r->fee_paid);
    EXPECT_LT(r->fee_paid, calculate_fee_amount(s, 10'000'000'000, Fees::charged));
    // fee ≈ rate·(paid_in + fee): within one rao of ⌊(paid_in + fee)·33/65535⌋.
    const Int gross = Int(r->amount_paid_in) + Int(r->fee_paid);
    EXPECT_LE(abs(Int(r->fee_paid) - gross * 33 / 65'535), 1);
    // Refund = amount − paid_in − fee (the caller's job), positive here.
    EXPECT_GT(10'000'000'000 - r->amount_paid_in - r->fee_paid, 9'000'000'000u);
}

// ---------------------------------------------------------------- BAL-005 one swap

/// @rule BAL-005
/// H11: tests.rs::test_swap_basic (±1 rao as asserted) with our exact chain values pinned.
TEST(balancer, h11_swap_basic)
{
    const u64 y = 1'000'000'000, x = 4'000'000'000;
    struct Row
    {
        SwapSide side;
        u64 amount, out, fee;
    };
    const Row rows[] = {
        {SwapSide::buy, 1'000, 3'999, 0},
        {SwapSide::buy, 2'000, 7'995, 1},
        {SwapSide::buy, 123'456, 493'515, 62},
        {SwapSide::buy, 1'000'000'000, 1'999'496'326, 503'547},
        {SwapSide::buy, 10'000'000'000, 3'636'197'098, 5'035'477},
        {SwapSide::sell, 1'000, 249, 0},
        {SwapSide::sell, 2'000, 499, 1},
        {SwapSide::sell, 123'456, 30'847, 62},
    };
    for (const Row& r : rows) {
        Subnet s = pool(y, x);
        s.pal_swap_initialized = false;  // the test calls maybe_initialize_palswap(None) first
        const bool buy = r.side == SwapSide::buy;
        const U64F64 limit = U64F64::from_f64(buy ? 1000.0 : 0.0001);
        const U64F64 before = current_price(s);
        const auto res = do_swap(HEAD, s, 1, r.side, r.amount, limit, Fees::charged, SwapRun::commit);
        ASSERT_TRUE(res) << r.amount;
        // The chain's expectation in f64: fee = ⌊amount·33/65535⌋, out = x(1 − y/(y + amount − fee)).
        const double fee = std::floor(static_cast<double>(r.amount) * 33.0 / 65535.0);
        const double net = static_cast<double>(r.amount) - fee;
        const double expected = buy ? x * (1.0 - y / (y + net)) : y * (1.0 - x / (x + net));
        EXPECT_NEAR(static_cast<double>(res->amount_paid_out), std::floor(expected), 1.0) << r.amount;
        EXPECT_NEAR(static_cast<double>(res->amount_paid_in), net, 1.0) << r.amount;
        EXPECT_EQ(res->amount_paid_out, r.out) << r.amount;
        EXPECT_EQ(res->fee_paid, r.fee) << r.amount;
        EXPECT_EQ(res->amount_paid_in, r.amount - r.fee);
        EXPECT_TRUE(s.pal_swap_initialized);
        EXPECT_EQ(s.subnet_tao, y);  // the pallet does not move reserves
        // Apply the deltas as stake_utils does and check the price direction.
        Subnet t = pool(y, x);
        u64 ts = 0;
        const auto applied = buy ? swap_tao_for_alpha(HEAD, t, ts, 1, r.amount, 1'000'000'000'000, Fees::charged)
                                 : swap_alpha_for_tao(HEAD, t, ts, 1, r.amount, 100'000, Fees::charged);
        ASSERT_TRUE(applied);
        EXPECT_EQ(current_price(t) >= before, buy);
    }
}

/// @rule BAL-005
/// Every error of the swap, and the order in which they are checked.
TEST(balancer, swap_errors)
{
    const U64F64 no_max = limit_price_from_rao(SWAP_MAX_PRICE), no_min = limit_price_from_rao(SWAP_MIN_PRICE);
    // tests.rs::test_swap_rejects_input_over_1000x_input_reserve (drop_fees): 1 000 001 > 1000·1000.
    Subnet s = pool(1'000, 1'000);
    EXPECT_EQ(do_swap(HEAD, s, 1, SwapSide::sell, 1'000'001, no_min, Fees::dropped, SwapRun::commit).error(),
              Error::swap_input_too_large);
    EXPECT_EQ(do_swap(HEAD, s, 1, SwapSide::buy, 1'000'001, no_max, Fees::dropped, SwapRun::commit).error(),
              Error::swap_input_too_large);
    // ...at exactly 1000×: allowed (test_swap_allows_input_at_1000x_input_reserve).
    EXPECT_TRUE(do_swap(HEAD, s, 1, SwapSide::sell, 1'000'000, no_min, Fees::dropped, SwapRun::simulate));
    EXPECT_TRUE(do_swap(HEAD, s, 1, SwapSide::buy, 1'000'000, no_max, Fees::dropped, SwapRun::simulate));
    // With fees the cap is on amount − fee: 1 001 000 − ⌊1 001 000·rate⌋ = 1 000 496 > 10^6 still.
    EXPECT_EQ(do_swap(HEAD, s, 1, SwapSide::buy, 1'001'000, no_max, Fees::charged, SwapRun::simulate).error(),
              Error::swap_input_too_large);
    EXPECT_TRUE(do_swap(HEAD, s, 1, SwapSide::buy, 1'000'503, no_max, Fees::charged,
                        SwapRun::simulate));  // 1 000 503 − 503 = 10^6
    // v3.4.8-423 has no cap (RSET-021).
    EXPECT_TRUE(do_swap(V3_4_8_423, s, 1, SwapSide::buy, 1'000'001, no_max, Fees::dropped, SwapRun::simulate));
    // MinimumReserve on the paid-out side, before the price check.
    EXPECT_EQ(do_swap(HEAD, s, 1'001, SwapSide::buy, 10, U64F64::zero(), Fees::charged, SwapRun::simulate).error(),
              Error::reserves_too_low);
    EXPECT_TRUE(do_swap(HEAD, s, 1'000, SwapSide::buy, 10, no_max, Fees::charged, SwapRun::simulate));
    // Price limit: buy needs current < limit, sell current > limit (price 1 here).
    EXPECT_EQ(do_swap(HEAD, s, 1, SwapSide::buy, 10, U64F64::one(), Fees::charged, SwapRun::simulate).error(),
              Error::price_limit_exceeded);
    EXPECT_EQ(do_swap(HEAD, s, 1, SwapSide::sell, 10, U64F64::one(), Fees::charged, SwapRun::simulate).error(),
              Error::price_limit_exceeded);
    // Zero output for a non-zero input: 1 rao into y = 10^9 against x = 10^6 pays ⌊10^6/(10^9+1)⌋ = 0.
    Subnet thin = pool(1'000'000'000, 1'000'000);
    EXPECT_EQ(do_swap(HEAD, thin, 1, SwapSide::buy, 1, no_max, Fees::charged, SwapRun::simulate).error(),
              Error::reserves_too_low);
    // amount 0: delta_in = 0 → no zero-output error, nothing paid, no author fee.
    const auto zero = do_swap(HEAD, thin, 1, SwapSide::buy, 0, no_max, Fees::charged, SwapRun::simulate);
    ASSERT_TRUE(zero);
    EXPECT_EQ(*zero, (BalancerSwap{0, 0, 0, 0}));
    // Initialisation failures propagate: none is possible without a price (½ is valid).
    // `insufficient_liquidity` (the commit check) is unreachable: convert_deltas pays at most
    // reserve·1. It is reachable through add_stake's input limit (BAL-011).
}

/// @rule BAL-005
/// Simulation rolls back the initialisation; a real swap keeps it; errors change nothing.
TEST(balancer, simulate_and_initialisation)
{
    Subnet s = pool(1'000'000'000, 4'000'000'000, quarter());
    s.pal_swap_initialized = false;
    const Subnet before = s;
    const auto sim = do_swap(HEAD, s, 1, SwapSide::buy, 1'000'000, limit_price_from_rao(SWAP_MAX_PRICE), Fees::charged,
                             SwapRun::simulate);
    ASSERT_TRUE(sim);
    EXPECT_EQ(s.swap_balancer_quote_parts, before.swap_balancer_quote_parts);
    EXPECT_FALSE(s.pal_swap_initialized);
    // The uninitialised subnet swaps at w = ½ (maybe_initialize_palswap(None) first).
    EXPECT_EQ(sim->amount_paid_out, convert_deltas_buy(HEAD, half(), 4'000'000'000, 1'000'000'000, 1'000'000 - 503));
    const auto real = do_swap(HEAD, s, 1, SwapSide::buy, 1'000'000, limit_price_from_rao(SWAP_MAX_PRICE), Fees::charged,
                              SwapRun::commit);
    ASSERT_TRUE(real);
    EXPECT_EQ(*real, *sim);  // test_rollback_works
    EXPECT_TRUE(s.pal_swap_initialized);
    EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    // tests.rs::test_swap_precision_edge_case: tiny reserves, sell 999 500 at the min price.
    for (auto [r, a] : {std::pair<u64, u64>{1'000, 999'500}, {1'000'000, 999'500'000}}) {
        Subnet t = pool(r, r);
        const auto q = do_swap(HEAD, t, 1, SwapSide::sell, a, limit_price_from_rao(SWAP_MIN_PRICE), Fees::charged,
                               SwapRun::simulate);
        ASSERT_TRUE(q);
        EXPECT_GT(q->amount_paid_out, 0u);
    }
}

/// @rule BAL-005
/// Observation pinned: a reweighting (BAL-007) of a subnet that is not yet initialised is
/// overwritten by the first swap's `maybe_initialize_palswap(None)`, which resets w2 to ½
/// and so moves the price (the chain never sets PalSwapInitialized at registration).
TEST(balancer, first_swap_resets_uninitialised_reweighting)
{
    Subnet s = pool(1'000'000'000'000, 1'000'000'000'000);
    s.pal_swap_initialized = false;
    const auto added = adjust_protocol_liquidity(s, 0, 500'000'000'000);
    EXPECT_EQ(added, (std::pair<u64, u64>{0, 500'000'000'000}));
    EXPECT_NE(s.swap_balancer_quote_parts, half().parts);
    s.subnet_alpha_in += 500'000'000'000;
    const U64F64 kept = current_price(s);
    EXPECT_NEAR(to_f64(kept), 1.0, 1e-12);
    (void)do_swap(HEAD, s, 1, SwapSide::buy, 1'000, limit_price_from_rao(SWAP_MAX_PRICE), Fees::charged,
                  SwapRun::commit);
    EXPECT_EQ(s.swap_balancer_quote_parts, half().parts);
    EXPECT_NEAR(to_f64(current_price(s)), 1.0 / 1.5, 1e-9);  // y/x with w = ½
}

// ---------------------------------------------------------------- BAL-006 limit helpers

/// @rule BAL-006
/// H3, H4, H5, H6 (balancer.rs tests; exact equality with ⌊f64⌋ as asserted).
TEST(balancer, h3_h6_limit_helpers)
{
    const U64F64 p01 = U64F64::from_f64(0.1), p02 = U64F64::from_f64(0.2), p005 = U64F64::from_f64(0.05);
    EXPECT_EQ(calculate_quote_delta_in(quarter(), p01, p02, 1'000'000'000), 681'792'830u);                     // H3
    EXPECT_EQ(calculate_base_delta_in(quarter(), p02, p01, 1'000'000'000), 189'207'115u);                      // H4
    EXPECT_EQ(calculate_quote_delta_in(quarter(), p01, p005, 1'000'000'000), 0u);                              // H5
    EXPECT_EQ(calculate_base_delta_in(quarter(), p01, p02, 1'000'000'000), 0u);                                // H5
    EXPECT_EQ(get_base_needed_for_quote(HEAD, quarter(), 1'000'000'000, 1'000'000'000, 1'123'432), 374'758u);  // H6
    // The same values from the formulas in f64, as the chain test computes them.
    EXPECT_EQ(static_cast<u64>(1e9 * (std::pow(to_f64(p02) / to_f64(p01), 0.75) - 1.0)), 681'792'830u);
    EXPECT_EQ(static_cast<u64>(1e9 * (std::pow(to_f64(p02) / to_f64(p01), 0.25) - 1.0)), 189'207'115u);
    // Zero current price: pow_ratio_scaled(·, 0, …) is None → 0.
    EXPECT_EQ(calculate_quote_delta_in(quarter(), U64F64::zero(), p02, 1'000'000'000), 0u);
    // The exact model: y·((p'/p)^w1 − 1) with the same U64F64 prices.
    const Rational w2(1, 4);
    const Rational dq =
        exact::balancer::calculate_quote_delta_in(w2, p01.to_rational(), p02.to_rational(), 1'000'000'000);
    EXPECT_EQ(floor(dq), 681'792'830);
    const Rational db =
        exact::balancer::calculate_base_delta_in(w2, p02.to_rational(), p01.to_rational(), 1'000'000'000);
    EXPECT_EQ(floor(db), 189'207'115);
    EXPECT_EQ(floor(exact::balancer::get_base_needed_for_quote(w2, 1'000'000'000, 1'000'000'000, 1'123'432)), 374'758);
}

/// @rule BAL-006
/// balancer.rs::test_calculate_delta_in_reverse_swap: buying calculate_quote_delta_in TAO
/// moves the price to the target (relative 1e-9).
TEST(balancer, quote_delta_in_reaches_the_target)
{
    const U64F64 p = U64F64::from_f64(0.1), target = U64F64::from_f64(0.2);
    const u64 y = 1'000'000'000, x = static_cast<u64>(1e9 / to_f64(p));
    const u64 dy = calculate_quote_delta_in(half(), p, target, y);
    const u64 dx = convert_deltas_buy(HEAD, half(), x, y, dy);
    EXPECT_NEAR(to_f64(calculate_price(half(), x - dx, y + dy)), 0.2, 0.2 / 1e9);
}

// ---------------------------------------------------------------- BAL-010 reserve updates

/// @rule BAL-010
TEST(balancer, swap_tao_for_alpha_applies_deltas)
{
    Subnet s = pool(1'000'000'000, 4'000'000'000);
    s.subnet_alpha_out = 7;
    u64 ts = 100;
    const auto r = swap_tao_for_alpha(MAIN_14BC6F9, s, ts, 1, 1'000'000'000, SWAP_MAX_PRICE, Fees::charged);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->amount_paid_in, 999'496'453u);
    EXPECT_EQ(s.subnet_tao, 1'000'000'000u + 999'496'453u);  // net of the fee
    EXPECT_EQ(s.subnet_alpha_in, 4'000'000'000u - r->amount_paid_out);
    EXPECT_EQ(s.subnet_alpha_out, 7u + r->amount_paid_out);
    EXPECT_EQ(ts, 100u + 1'000'000'000u);  // gross
    EXPECT_EQ(s.subnet_volume, u128{1'000'000'000});
    // Sell: TotalStake −= out, volume += out.
    const u64 ts_before = ts;
    const auto q = swap_alpha_for_tao(HEAD, s, ts, 1, 1'000'000, SWAP_MIN_PRICE, Fees::charged);
    ASSERT_TRUE(q);
    EXPECT_EQ(ts, ts_before - q->amount_paid_out);
    EXPECT_EQ(s.subnet_volume, u128{1'000'000'000} + q->amount_paid_out);
    // Errors change nothing.
    const Subnet before = s;
    const u64 ts2 = ts;
    EXPECT_FALSE(swap_tao_for_alpha(HEAD, s, ts, 1, 10, 1, Fees::charged));
    EXPECT_EQ(s.subnet_tao, before.subnet_tao);
    EXPECT_EQ(ts, ts2);
    // Stable: 1:1, no fee.
    Subnet st = pool(5, 5);
    st.mechanism = Mechanism::stable;
    const auto one = swap_tao_for_alpha(HEAD, st, ts, 1, 1'000, 0, Fees::charged);
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, (BalancerSwap{1'000, 1'000, 0, 0}));
    EXPECT_EQ(st.subnet_tao, 1'005u);
    EXPECT_EQ(st.subnet_alpha_in, 0u);  // saturating
    // The exact model books the same deltas without rounding.
    ExactSubnet e = ex(pool(1'000'000'000, 4'000'000'000));
    Rational ets = 0;
    const auto er = exact::balancer::swap_tao_for_alpha(HEAD, e, ets, 1, 1'000'000'000, SWAP_MAX_PRICE, Fees::charged);
    ASSERT_TRUE(er);
    EXPECT_EQ(ets, 1'000'000'000);
    EXPECT_EQ(e.subnet_tao, Rational(1'000'000'000) + er->amount_paid_in);
}

// ---------------------------------------------------------------- BAL-011 add/remove stake

/// F-042: the limit path's input is not clamped to the request. The full sell of 15 258 alpha
/// at w2 = 0.01 would leave e^-… of the TAO reserve: the target price comes from a power
/// rounded to about 0, so the step takes the limit path, whose input to reach 1 000 rao per
/// alpha is 15 969 > 15 258, and the whole TAO reserve is paid (found by the balancer fuzz
/// target, crash-7f0c4a12… in its corpus; swap_step.rs `determine_action` at 14bc6f9 sets
/// delta_in from the limit without a clamp).
/// @rule BAL-005
TEST(balancer, f042_limit_path_takes_more_than_asked_in_the_deep_region)
{
    Subnet s = pool(18'014'398'576'590'907, 27'630, Perquintill{10'000'000'000'000'000});
    s.fee_rate = 0;
    const auto r =
        do_swap(HEAD, s, 0, SwapSide::sell, 15'258, limit_price_from_rao(1'000), Fees::charged, SwapRun::simulate);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->amount_paid_in, 15'969u);  // more than the 15 258 asked
    EXPECT_EQ(r->fee_paid, 0u);
    EXPECT_EQ(r->amount_paid_out, 18'014'398'576'590'907u);  // the whole TAO reserve
}
