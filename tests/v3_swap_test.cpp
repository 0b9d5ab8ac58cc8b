// Unit tests of the v3 pool's swap (VSWAP-*), with the chain's own test values:
// opentensor/subtensor@v3.2.15-348 `pallets/swap/src/pallet/tests.rs` (`test_convert_deltas`,
// `test_swap_basic`, `test_swap_precision_edge_case`) on the pallet's mock (`mock.rs`: netuid 1
// has τ = 10^12 and α = 4·10^12, netuid 123 has 10 000 and 10 000, `MinimumReserve` 1, the
// default FeeRate 33). Where the chain's test compares with a tolerance, so does this one; the
// other values are derived in the comments. Mainnet's own quotes are
// tests/chainstate/v3_quotes_test.cpp.
#include "dtao/v3_swap.hpp"
#include "v3_pools.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <tuple>
#include <vector>

using namespace dtao;
using dtao::test::v3_pools::mock_pool;
using fixed::U64F64;

namespace {

u64 abs_diff(u64 a, u64 b) { return a > b ? a - b : b - a; }

}  // namespace

/// @rule VSWAP-004
TEST(v3_swap, convert_deltas_of_the_chain)
{
    // test_convert_deltas: netuid 1 initialised (L = 2·10^12), then AlphaSqrtPrice overwritten;
    // (√p, δ, buy, sell), each compared within 2 as the chain's test does.
    const U64F64 lo = tick::as_sqrt_price_bounded(tick::MIN_INDEX);
    const U64F64 hi = tick::as_sqrt_price_bounded(tick::MAX_INDEX);
    const U64F64 p15 = U64F64::from_f64(1.5);
    const std::vector<std::tuple<U64F64, u64, u64, u64>> cases{
        {p15, 1, 0, 2},
        {p15, 10'000, 4'444, 22'500},
        {p15, 1'000'000, 444'444, 2'250'000},
        {p15, U64_MAX, 2'000'000'000'000, 3'000'000'000'000},
        {lo, 1, 18'406'523'739'291'577'836ULL, 465},
        {lo, 10'000, U64_MAX, 465},
        {lo, 1'000'000, U64_MAX, 465},
        {lo, U64_MAX, U64_MAX, 464},
        {hi, 1, 0, 18'406'523'745'214'495'085ULL},
        {hi, 10'000, 0, U64_MAX},
        {hi, 1'000'000, 0, U64_MAX},
        {hi, U64_MAX, 2'000'000'000'000, U64_MAX},
    };
    const v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    ASSERT_EQ(p.liquidity, 2'000'000'000'000u);
    const U64F64 l = U64F64::saturating_from_u64(p.liquidity);
    for (const auto& [sp, d, buy, sell] : cases) {
        EXPECT_LE(abs_diff(v3::convert_deltas(SwapSide::sell, l, sp, d), sell), 2u) << d;
        EXPECT_LE(abs_diff(v3::convert_deltas(SwapSide::buy, l, sp, d), buy), 2u) << d;
    }
    EXPECT_EQ(v3::convert_deltas(SwapSide::buy, l, p15, 0), 0u);
}

/// @rule VSWAP-001 VSWAP-007 VSWAP-008 VSWAP-012
TEST(v3_swap, basic_swaps_of_the_chain)
{
    // test_swap_basic: on the mock's pools (price 0.25), a committed swap at the limit
    // √(limit) (an f64), then: the output within 1 % of the chain's figure, the fee within 1 of
    // amount · 33/65 535 in f64, the global fee growth times the liquidity within 1 of that fee,
    // the ticks' and the current liquidity unchanged, the price moved the right way, and the
    // stored tick the new price's.
    const std::vector<std::tuple<SwapSide, u64, double, u64, bool>> cases{
        {SwapSide::buy, 1'000, 1000.0, 3'990, true},
        {SwapSide::sell, 1'000, 0.0001, 250, false},
        {SwapSide::buy, 500'000'000, 1000.0, 2'000'000'000, true},
    };
    for (const auto& [side, amount, limit, output, grows] : cases) {
        v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
        const v3::Pool before = p;
        const auto r =
            v3::swap(V3_2_10_334, side, p, amount, U64F64::from_f64(std::sqrt(limit)), Fees::charged, SwapRun::commit);
        ASSERT_TRUE(r) << amount;
        EXPECT_LE(abs_diff(r->amount_paid_out, output), output / 100) << amount;
        const u64 expected_fee = static_cast<u64>(static_cast<double>(amount) * (33.0 / 65535.0));
        EXPECT_LE(abs_diff(r->fee_paid, expected_fee), 1u);
        const U64F64 global = side == SwapSide::buy ? p.fee_global_tao : p.fee_global_alpha;
        const u64 accrued = static_cast<u64>(global.to_rational().convert_to<double>() * before.liquidity);
        EXPECT_LE(abs_diff(accrued, expected_fee), 1u);
        EXPECT_EQ(p.liquidity, before.liquidity);
        EXPECT_EQ(p.ticks.at(tick::MIN_INDEX).liquidity_net, before.ticks.at(tick::MIN_INDEX).liquidity_net);
        EXPECT_EQ(p.ticks.at(tick::MAX_INDEX).liquidity_net, before.ticks.at(tick::MAX_INDEX).liquidity_net);
        EXPECT_EQ(v3::current_price(p) >= v3::current_price(before), grows);
        EXPECT_EQ(p.current_tick, tick::from_sqrt_price_bounded(p.sqrt_price));
        EXPECT_EQ(r->steps, 1u);
        // derived: the whole input is taken, fee first; the output is VSWAP-004's at the start
        EXPECT_EQ(r->amount_paid_in + r->fee_paid, amount);
        EXPECT_EQ(r->amount_paid_out, v3::convert_deltas(side, U64F64::saturating_from_u64(before.liquidity),
                                                         before.sqrt_price, r->amount_paid_in));
    }
}

/// @rule VSWAP-008 VSWAP-009
TEST(v3_swap, precision_edge_case_of_the_chain)
{
    // test_swap_precision_edge_case: netuid 123 (10 000 / 10 000) sells 10^18 alpha, simulated,
    // to the lowest index's price, and is paid something.
    v3::Pool p = mock_pool(10'000, 10'000);
    const v3::Pool before = p;
    const auto r = v3::swap(V3_2_10_334, SwapSide::sell, p, 1'000'000'000'000'000'000ULL,
                            *tick::try_to_sqrt_price(tick::MIN_INDEX), Fees::charged, SwapRun::simulate);
    ASSERT_TRUE(r);
    EXPECT_GT(r->amount_paid_out, 0u);
    EXPECT_EQ(p.sqrt_price, before.sqrt_price);  // a simulation changes nothing
    EXPECT_EQ(p.fee_global_alpha, before.fee_global_alpha);
}

/// @rule VSWAP-005 VSWAP-006 VSWAP-007 VSWAP-008
TEST(v3_swap, a_buy_crosses_an_active_tick_and_takes_its_liquidity)
{
    // Derived. Price 1 (τ = α = 10^12, L = 10^12), and a second position of liquidity 10^12 on
    // [100, 200]. A buy that moves the price past tick 100 takes two steps: to √1.0001^100 at
    // L, then on at 2L. The first step's input is VSWAP-003's to the edge, its fee the
    // grossed-up one; crossing adds the tick's net to the liquidity and flips its fee growth.
    v3::Pool p = mock_pool(1'000'000'000'000, 1'000'000'000'000);
    ASSERT_EQ(p.current_tick, 0);
    const u64 l = p.liquidity;
    v3::add_position_liquidity(p, 100, 200, l);
    ASSERT_EQ(p.liquidity, l);  // the position is above the price: not in range yet
    ASSERT_EQ(p.ticks.at(100).liquidity_net, static_cast<i128>(l));
    ASSERT_EQ(p.ticks.at(200).liquidity_net, -static_cast<i128>(l));
    const U64F64 edge = tick::as_sqrt_price_bounded(100);
    EXPECT_EQ(v3::tick_edge(SwapSide::buy, p), 100);
    const u64 to_edge = v3::delta_in(SwapSide::buy, U64F64::saturating_from_u64(l), p.sqrt_price, edge);
    const u64 edge_fee = v3::gross_up_fee(p, to_edge, Fees::charged);

    const v3::Pool before = p;
    const u64 amount = 2 * (to_edge + edge_fee);
    const auto r = v3::swap(V3_2_10_334, SwapSide::buy, p, amount, *v3::limit_sqrt_price(v3::max_price()),
                            Fees::charged, SwapRun::commit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->steps, 2u);
    EXPECT_EQ(p.liquidity, 2 * l);
    EXPECT_GT(p.current_tick, 100);
    EXPECT_LT(p.current_tick, 200);
    EXPECT_EQ(
        p.ticks.at(100).fees_out_tao,
        fixed::convert<fixed::I64F64>(before.fee_global_tao.saturating_add(
            U64F64::saturating_from_u64(edge_fee).safe_div(U64F64::saturating_from_u64(l - v3::MINIMUM_LIQUIDITY)))));
    // The second step, replayed by hand from the crossing's state, gives the rest.
    v3::Pool mid = before;
    const auto first =
        v3::swap_step(V3_2_10_334, SwapSide::buy, mid, amount, *v3::limit_sqrt_price(v3::max_price()), Fees::charged);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->crossing);
    EXPECT_EQ(first->delta_in, to_edge);
    EXPECT_EQ(first->fee, edge_fee);
    EXPECT_EQ(mid.sqrt_price, edge);
    EXPECT_EQ(mid.liquidity, 2 * l);
    const auto second = v3::swap_step(V3_2_10_334, SwapSide::buy, mid, amount - to_edge - edge_fee,
                                      *v3::limit_sqrt_price(v3::max_price()), Fees::charged);
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->crossing);
    EXPECT_EQ(r->amount_paid_in, first->delta_in + second->delta_in);
    EXPECT_EQ(r->fee_paid, first->fee + second->fee);
    EXPECT_EQ(r->amount_paid_out, first->delta_out + second->delta_out);
    EXPECT_EQ(mid.sqrt_price, p.sqrt_price);

    // A sell from there crosses back: the tick's net leaves the liquidity.
    v3::Pool back = p;
    const auto s = v3::swap(V3_2_10_334, SwapSide::sell, back, 4 * r->amount_paid_out,
                            *v3::limit_sqrt_price(v3::min_price()), Fees::charged, SwapRun::commit);
    ASSERT_TRUE(s);
    EXPECT_GE(s->steps, 2u);
    EXPECT_LT(back.current_tick, 100);
    EXPECT_EQ(back.liquidity, l);
}

/// @rule VSWAP-008
TEST(v3_swap, refusals)
{
    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    const U64F64 up = *v3::limit_sqrt_price(v3::max_price());
    // the limit at or behind the price
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::buy, p, 1'000, p.sqrt_price, Fees::charged, SwapRun::commit).error(),
              Error::price_limit_exceeded);
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::sell, p, 1'000, p.sqrt_price, Fees::charged, SwapRun::commit).error(),
              Error::price_limit_exceeded);
    // the reserve paid out below the minimum (finney's 10^6)
    v3::Pool thin = p;
    thin.minimum_reserve = v3::MINIMUM_RESERVE;
    thin.alpha_reserve = v3::MINIMUM_RESERVE - 1;
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::buy, thin, 1'000, up, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
    // a crossing at an edge without a `Ticks` entry: the range's end, when no position reaches it
    v3::Pool bare = p;
    bare.ticks.erase(tick::MAX_INDEX);
    bare.liquidity = 1;  // so that the target lies past the range's end, and so does the limit:
    // the default one (√(u64::MAX/10^9) ≈ 135 819) stops far below the top index's √p ≈ 4.3·10^9
    EXPECT_EQ(
        v3::swap(V3_2_10_334, SwapSide::buy, bare, U64_MAX, U64F64::max(), Fees::charged, SwapRun::commit).error(),
        Error::insufficient_liquidity);
    // a committed swap that pays out more than the reserve it read
    v3::Pool small = p;
    small.alpha_reserve = 2'000;
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::buy, small, 1'000'000, up, Fees::charged, SwapRun::commit).error(),
              Error::insufficient_liquidity);
    EXPECT_TRUE(v3::swap(V3_2_10_334, SwapSide::buy, small, 1'000'000, up, Fees::charged, SwapRun::simulate));
    // more than MAX_SWAP_ITERATIONS steps: 1 001 ticks of no liquidity of their own above the price
    v3::Pool many = p;
    for (tick::i32 t = 1; t <= 1'001; ++t)
        many.ticks[p.current_tick + t] = v3::Tick{};
    const v3::Pool unchanged = many;
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::buy, many, U64_MAX / 2, up, Fees::charged, SwapRun::commit).error(),
              Error::too_many_swap_steps);
    EXPECT_EQ(many.sqrt_price, unchanged.sqrt_price);  // an error changes nothing
    EXPECT_EQ(many.ticks.size(), unchanged.ticks.size());
}

/// @rule VSWAP-009 VSWAP-010 VSWAP-011
TEST(v3_swap, runtime_api_and_limits)
{
    // Derived: max √p² · 10^9 ≈ 1.8·10^28 saturates U64F64, so the maximum is u64::MAX; min √p²
    // · 10^9 ≈ 5.4·10^-11 floors to 0.
    EXPECT_EQ(v3::max_price(), U64_MAX);
    EXPECT_EQ(v3::min_price(), 0u);
    // A limit price of 0 is √0 by the bisection with ε = 10^-10: the first midpoint at or below
    // ε, 2^-34 (FIX-013).
    EXPECT_EQ(v3::limit_sqrt_price(0)->bits, u128{1} << 30);
    // 4·10^9 rao per alpha is the price 4: √4 = 2 within the bisection's ε.
    const Rational two = v3::limit_sqrt_price(4'000'000'000)->to_rational();
    EXPECT_LT(boost::multiprecision::abs(two - 2), Rational(1, 10'000'000'000LL));

    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    p.minimum_reserve = v3::MINIMUM_RESERVE;
    const v3::SimSwapResult buy = v3::sim_swap(V3_2_10_334, SwapSide::buy, p, 1'000'000'000);
    EXPECT_EQ(buy.tao_fee, 503'547u);  // ⌊10^9 · ⌊33·2^64/65 535⌋ / 2^64⌋
    EXPECT_EQ(buy.tao_amount + buy.tao_fee, 1'000'000'000u);
    EXPECT_EQ(buy.alpha_fee, 0u);
    const v3::SimSwapResult sell = v3::sim_swap(V3_2_10_334, SwapSide::sell, p, 1'000'000'000);
    EXPECT_EQ(sell.alpha_amount + sell.alpha_fee, 1'000'000'000u);
    EXPECT_EQ(sell.tao_fee, 0u);
    // an error answers four zeros
    v3::Pool thin = p;
    thin.tao_reserve = 999'999;
    const v3::SimSwapResult none = v3::sim_swap(V3_2_10_334, SwapSide::sell, thin, 1'000'000'000);
    EXPECT_EQ(none.tao_amount + none.alpha_amount + none.tao_fee + none.alpha_fee, 0u);
    // a non-dynamic subnet swaps 1:1 without a fee, at price 1
    v3::Pool root = p;
    root.dynamic = false;
    const v3::SimSwapResult flat = v3::sim_swap(V3_2_10_334, SwapSide::buy, root, 7'777);
    EXPECT_EQ(flat.tao_amount, 7'777u);
    EXPECT_EQ(flat.alpha_amount, 7'777u);
    EXPECT_EQ(flat.tao_fee, 0u);
    EXPECT_EQ(v3::current_alpha_price(root), 1'000'000'000u);
    // the mock's pool is priced 0.25 (√p = ½ within the initial bisection's 10^-12)
    EXPECT_LE(abs_diff(v3::current_alpha_price(p), 250'000'000), 1u);
    // before initialisation the price is the reserves' ratio
    v3::Pool fresh;
    fresh.tao_reserve = 3'000'000'000;
    fresh.alpha_reserve = 12'000'000'000;
    EXPECT_EQ(v3::current_alpha_price(fresh), 250'000'000u);
    fresh.alpha_reserve = 0;
    EXPECT_EQ(v3::current_alpha_price(fresh), 0u);
}

/// @rule VSWAP-002 VSWAP-003 VSWAP-004
TEST(v3_swap, the_step_formulas_against_their_exact_values)
{
    // The chain's target and output against the real ones (`exact_*`) on the captured finney
    // pools' scale: within a few units of the last place of a U64F64 for the price, within one
    // rao for the output, on both sides. The measured costs are in spec/v3_swap.md.
    const std::vector<std::pair<u64, u128>> pools{{239'996'554'252'700ULL, 1'781'045'380'923'513'843ULL},
                                                  {625'741'371'581'335ULL, 5'464'942'880'151'820'233ULL},
                                                  {2'000'000'000'000ULL, u128{1} << 63}};
    for (const auto& [l, bits] : pools) {
        const U64F64 lx = U64F64::saturating_from_u64(l), sp = U64F64::from_bits(bits);
        for (const u64 d : {u64{1}, u64{999'496'453}, u64{99'949'645'228}, u64{10'721'874'787'124}}) {
            for (const SwapSide side : {SwapSide::buy, SwapSide::sell}) {
                const Rational t = v3::exact_sqrt_price_target(side, l, sp.to_rational(), d);
                const Rational chain_t = v3::sqrt_price_target(side, lx, sp, d).to_rational();
                EXPECT_LT(boost::multiprecision::abs(chain_t - t), Rational(4, Int(1) << 64)) << d;
                const Rational o = v3::exact_convert_deltas(side, l, sp.to_rational(), d);
                const u64 chain_o = v3::convert_deltas(side, lx, sp, d);
                EXPECT_LT(boost::multiprecision::abs(Rational(chain_o) - o), 1) << d;
            }
        }
    }
}

/// @rule VSWAP-004
TEST(v3_swap, f043_a_step_pays_more_than_the_curve)
{
    // F-043's counterexamples (spec/findings.md). Rounding: a pool of 100 rao of TAO against
    // 19 694 299 522 148 052 rao of alpha (within the supply) buys with δ = 70; its A =
    // (L·√p + δ)·√p is about 10^-5, so truncating it to 2^-64 raises L/A by a few parts in 10^15,
    // and the output is 34.86 rao above the curve, inside VSWAP-004's ceiling.
    v3::Pool dead;
    dead.tao_reserve = 100;
    dead.alpha_reserve = 19'694'299'522'148'052ULL;
    v3::maybe_initialize_v3(dead);
    ASSERT_EQ(dead.liquidity, 1'403'363'798u);
    const U64F64 dl = U64F64::saturating_from_u64(dead.liquidity);
    const u64 paid = v3::convert_deltas(SwapSide::buy, dl, dead.sqrt_price, 70);
    const Rational curve_buy =
        v3::exact_convert_deltas(SwapSide::buy, dead.liquidity, dead.sqrt_price.to_rational(), 70);
    EXPECT_EQ(paid, 8'109'465'243'929'929u);
    EXPECT_GT(Rational(paid) - curve_buy, 34);
    EXPECT_LT(Rational(paid) - curve_buy, 35);
    EXPECT_LE(Rational(paid), v3::convert_deltas_ceiling(SwapSide::buy, dl, dead.sqrt_price, 70));
    // Saturation, derived in spec/findings.md:
    const U64F64 sp_buy = U64F64::saturating_from_u64(u64{1} << 14);
    const u64 l_buy = u64{1} << 40, d_buy = u64{1} << 54;
    EXPECT_EQ(v3::convert_deltas(SwapSide::buy, U64F64::saturating_from_u64(l_buy), sp_buy, d_buy), u64{1} << 30);
    EXPECT_EQ(v3::exact_convert_deltas(SwapSide::buy, l_buy, sp_buy.to_rational(), d_buy), Rational(u64{1} << 25));
    EXPECT_LE(Rational(u64{1} << 30),
              v3::convert_deltas_ceiling(SwapSide::buy, U64F64::saturating_from_u64(l_buy), sp_buy, d_buy));
    const U64F64 sp_sell = U64F64::from_bits(u128{1} << 62);  // 1/4
    const u64 l_sell = u64{1} << 62, d_sell = 1'000'000'000;
    EXPECT_EQ(v3::convert_deltas(SwapSide::sell, U64F64::saturating_from_u64(l_sell), sp_sell, d_sell),
              (u64{1} << 60) - 1);
    const Rational curve = v3::exact_convert_deltas(SwapSide::sell, l_sell, sp_sell.to_rational(), d_sell);
    EXPECT_GT(curve, 62'499'999);  // δ·L·√p²/(L + δ·√p), just below 62 500 000
    EXPECT_LT(curve, 62'500'000);
    EXPECT_LE(Rational((u64{1} << 60) - 1),
              v3::convert_deltas_ceiling(SwapSide::sell, U64F64::saturating_from_u64(l_sell), sp_sell, d_sell));
}

/// @rule RSET-029 RSET-030 VSWAP-001
TEST(v3_swap, the_fee_across_the_v3_rulesets)
{
    // The rate is a U64F64 ⌊r·2^64/65 535⌋ and the fee ⌊amount · rate⌋: 10^9 at r = 196 is
    // ⌊10^9 · 196/65 535 − ε⌋ = 2 990 768 (196·10^9/65 535 = 2 990 768.29); at r = 33, 503 547.
    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    p.fee_rate = V3_2_0.v3_default_fee_rate;
    EXPECT_EQ(v3::calculate_fee_amount(V3_2_0, p, 1'000'000'000, Fees::charged), 2'990'768u);
    p.fee_rate = V3_2_2.v3_default_fee_rate;
    EXPECT_EQ(v3::calculate_fee_amount(V3_2_2, p, 1'000'000'000, Fees::charged), 503'547u);
    // v3.2.0 charges a stable subnet too; v3.2.1 on only charges a dynamic one
    p.dynamic = false;
    EXPECT_EQ(v3::calculate_fee_amount(V3_2_0, p, 1'000'000'000, Fees::charged), 503'547u);
    EXPECT_EQ(v3::calculate_fee_amount(V3_2_1, p, 1'000'000'000, Fees::charged), 0u);
    EXPECT_EQ(v3::calculate_fee_amount(V3_2_0, p, 1'000'000'000, Fees::dropped), 0u);
}

/// @rule RSET-031 VSWAP-008
TEST(v3_swap, the_reserve_check_before_and_after_v3_2_3)
{
    // A buy pays out alpha: from v3.2.3 only the alpha reserve must reach the minimum; before,
    // the TAO reserve too.
    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    p.minimum_reserve = v3::MINIMUM_RESERVE;
    p.tao_reserve = v3::MINIMUM_RESERVE - 1;
    const U64F64 up = *v3::limit_sqrt_price(v3::max_price());
    v3::Pool a = p, b = p;
    EXPECT_EQ(v3::swap(V3_2_2, SwapSide::buy, a, 1'000'000, up, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
    EXPECT_TRUE(v3::swap(V3_2_3, SwapSide::buy, b, 1'000'000, up, Fees::charged, SwapRun::commit));
    // a sell pays out TAO: refused by both
    v3::Pool c = p, d = p;
    const U64F64 down = *v3::limit_sqrt_price(v3::min_price());
    EXPECT_EQ(v3::swap(V3_2_2, SwapSide::sell, c, 1'000'000, down, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
    EXPECT_EQ(v3::swap(V3_2_3, SwapSide::sell, d, 1'000'000, down, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
}

/// @rule RSET-033 VSWAP-007
TEST(v3_swap, fees_to_the_block_author_from_v3_3_11_385)
{
    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    const U64F64 up = *v3::limit_sqrt_price(v3::max_price());
    v3::Pool before = p, after = p;
    const auto b = v3::swap(V3_2_10_334, SwapSide::buy, before, 1'000'000'000, up, Fees::charged, SwapRun::commit);
    const auto a = v3::swap(V3_3_11_385, SwapSide::buy, after, 1'000'000'000, up, Fees::charged, SwapRun::commit);
    ASSERT_TRUE(b && a);
    // the same swap, the fee routed elsewhere: to the fee globals before, to the author after
    EXPECT_EQ(a->amount_paid_in, b->amount_paid_in);
    EXPECT_EQ(a->amount_paid_out, b->amount_paid_out);
    EXPECT_EQ(a->fee_paid, b->fee_paid);
    EXPECT_EQ(b->fee_to_block_author, 0u);
    EXPECT_EQ(a->fee_to_block_author, a->fee_paid);
    EXPECT_GT(before.fee_global_tao, U64F64::zero());
    EXPECT_EQ(after.fee_global_tao, U64F64::zero());
    EXPECT_EQ(after.sqrt_price, before.sqrt_price);
    // A sell of 1 alpha unit at price 0.25: no fee (⌊33/65 535⌋ = 0), δ = 1, and the output
    // ⌊1 · √p · L/(L/√p + 1)⌋ = ⌊0.25 − ε⌋ = 0. v3.2.10-334 takes the unit for nothing;
    // v3.3.11-385 refuses the step, in a simulation too.
    const U64F64 down = *v3::limit_sqrt_price(v3::min_price());
    v3::Pool s1 = p, s2 = p;
    const auto old_sell = v3::swap(V3_2_10_334, SwapSide::sell, s1, 1, down, Fees::charged, SwapRun::commit);
    ASSERT_TRUE(old_sell);
    EXPECT_EQ(old_sell->amount_paid_in, 1u);
    EXPECT_EQ(old_sell->amount_paid_out, 0u);
    EXPECT_EQ(v3::swap(V3_3_11_385, SwapSide::sell, s2, 1, down, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
    EXPECT_EQ(s2.sqrt_price, p.sqrt_price);
    p.minimum_reserve = v3::MINIMUM_RESERVE;
    const v3::SimSwapResult zero = v3::sim_swap(V3_3_12_391, SwapSide::sell, p, 1);
    EXPECT_EQ(zero.tao_amount + zero.alpha_amount + zero.tao_fee + zero.alpha_fee, 0u);
    EXPECT_EQ(zero.tao_slippage, std::optional<u64>(0));  // six zeros
    EXPECT_EQ(zero.alpha_slippage, std::optional<u64>(0));
}

/// @rule RSET-034 VSWAP-010
TEST(v3_swap, slippage_of_the_six_field_answer)
{
    // Derived: with the price p = bits/2^32 (U96F32, VSWAP-011), a buy's no-slippage alpha is
    // ⌊t / p⌋ = ⌊t · 2^32 / bits⌋ (`safe_div` truncates, the conversion floors), a sell's
    // no-slippage TAO ⌊a · bits / 2^32⌋; the slippage is that less the output.
    v3::Pool p = mock_pool(1'000'000'000'000, 4'000'000'000'000);
    p.minimum_reserve = v3::MINIMUM_RESERVE;
    const Int bits = to_int(v3::current_price(p).bits);
    for (const u64 amount : {1'000'000'000ULL, 77'777'777'777ULL}) {
        const v3::SimSwapResult buy = v3::sim_swap(V3_3_12_391, SwapSide::buy, p, amount);
        const Int ideal_alpha = (Int(amount) << 32) / bits;
        ASSERT_TRUE(buy.alpha_slippage && buy.tao_slippage);
        EXPECT_EQ(Int(*buy.alpha_slippage), ideal_alpha - Int(buy.alpha_amount)) << amount;
        EXPECT_EQ(*buy.tao_slippage, 0u);
        const v3::SimSwapResult sell = v3::sim_swap(V3_3_12_391, SwapSide::sell, p, amount);
        const Int ideal_tao = (Int(amount) * bits) >> 32;
        ASSERT_TRUE(sell.alpha_slippage && sell.tao_slippage);
        EXPECT_EQ(Int(*sell.tao_slippage), ideal_tao - Int(sell.tao_amount)) << amount;
        EXPECT_EQ(*sell.alpha_slippage, 0u);
        // the four fields are v3.2.10-334's
        const v3::SimSwapResult old = v3::sim_swap(V3_2_10_334, SwapSide::buy, p, amount);
        EXPECT_EQ(old.alpha_amount, buy.alpha_amount);
        EXPECT_FALSE(old.alpha_slippage || old.tao_slippage);  // four fields before v3.3.12-391
    }
}

/// F-044: before v3.3.11-385 a sell that pays out nothing is taken, and moves the price.
TEST(v3_swap, f044_dust_taken_for_nothing_before_v3_3_11_385)
{
    // initialised from 10 000 TAO and 1 000 000 alpha: price 0.01, L = 10^14
    const v3::Pool p = mock_pool(10'000'000'000'000, 1'000'000'000'000'000);
    ASSERT_EQ(p.sqrt_price.bits, u128{1'844'674'407'369'445'208ULL});
    ASSERT_EQ(p.liquidity, 100'000'000'000'000u);
    const U64F64 down = *v3::limit_sqrt_price(v3::min_price());
    v3::Pool before = p, after = p;
    // 99 alpha units are worth 0.99 rao: no fee (⌊99 · 33/65 535⌋ = 0), and the output floors to 0
    const auto r = v3::swap(V3_2_10_334, SwapSide::sell, before, 99, down, Fees::charged, SwapRun::commit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->amount_paid_in, 99u);
    EXPECT_EQ(r->amount_paid_out, 0u);
    EXPECT_EQ(r->fee_paid, 0u);
    EXPECT_EQ(before.sqrt_price.bits, u128{1'844'674'407'369'262'585ULL});  // the price moved down
    // from v3.3.11-385 the step is refused
    EXPECT_EQ(v3::swap(V3_3_11_385, SwapSide::sell, after, 99, down, Fees::charged, SwapRun::commit).error(),
              Error::reserves_too_low);
    // 101 units pay 1 rao under both
    v3::Pool a = p, b = p;
    EXPECT_EQ(v3::swap(V3_2_10_334, SwapSide::sell, a, 101, down, Fees::charged, SwapRun::commit)->amount_paid_out, 1u);
    EXPECT_EQ(v3::swap(V3_3_11_385, SwapSide::sell, b, 101, down, Fees::charged, SwapRun::commit)->amount_paid_out, 1u);
}
