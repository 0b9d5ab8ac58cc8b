// Unit tests of the integer vocabulary, the model policies and the constants.
// Rules: ARITH-001 ARITH-002 UNIT-001 UNIT-002 UNIT-003 UNIT-004 UNIT-005
//        UNIT-006 UNIT-007 UNIT-008 UNIT-009 UNIT-010 UNIT-011 UNIT-012
//        UNIT-013 UNIT-014 UNIT-015 UNIT-016
//
// Constants are compared with the source values they document, read from
// opentensor/subtensor at the cited commit (paths under pallets/subtensor/src
// unless noted); see chain-rules.md §A.1.1 and subtensor_v2.md §Q9.
#include "dtao/numeric/arith.hpp"
#include "dtao/constants.hpp"
#include "dtao/coinbase_ops.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace dtao;
using dtao::test::big;
using fixed::I96F32;

// ---------------------------------------------------------------- ARITH-001

/// @rule ARITH-001
TEST(arith, u64_saturating_helpers)
{
    EXPECT_EQ(sat_add(U64_MAX, 1), U64_MAX);
    EXPECT_EQ(sat_add(U64_MAX - 1, 1), U64_MAX);
    EXPECT_EQ(sat_add(2, 3), 5u);
    EXPECT_EQ(sat_sub(3, 5), 0u);
    EXPECT_EQ(sat_sub(5, 3), 2u);
    EXPECT_EQ(sat_mul(u64{1} << 32, u64{1} << 32), U64_MAX);
    EXPECT_EQ(sat_mul(u64{1} << 31, u64{1} << 32), u64{1} << 63);
    EXPECT_EQ(sat_mul(0, U64_MAX), 0u);
    const u128 m128 = ~u128{0};
    EXPECT_EQ(sat_mul_u128(m128, 2), m128);
    EXPECT_EQ(sat_mul_u128(u128{1} << 64, u128{1} << 63), u128{1} << 127);
    EXPECT_EQ(sat_mul_u128(0, m128), u128{0});
    EXPECT_EQ(sat_sub_u128(1, 2), u128{0});
    EXPECT_EQ(clamp_to_u64(u128{U64_MAX} + 1), U64_MAX);
    EXPECT_EQ(clamp_to_u64(12345), 12345u);
    EXPECT_EQ(safe_div_int(7, 0), u128{0});
    EXPECT_EQ(safe_div_int(7, 2), u128{3});
    EXPECT_EQ(floor_div(u128{7}, u128{2}), u128{3});

    // Differential: each helper is the clamp of the exact result.
    auto rng = dtao::test::seeded_rng("arith.u64_saturating_helpers");
    for (unsigned i = 0; i < dtao::test::test_iters(); ++i) {
        const u64 a = static_cast<u64>(dtao::test::random_magnitude(rng)),
                  b = static_cast<u64>(dtao::test::random_magnitude(rng));
        EXPECT_EQ(Int(sat_add(a, b)), std::min(Int(a) + b, Int(U64_MAX)));
        EXPECT_EQ(Int(sat_sub(a, b)), std::max(Int(a) - b, Int(0)));
        EXPECT_EQ(Int(sat_mul(a, b)), std::min(Int(Int(a) * b), Int(U64_MAX)));
        const u128 x = dtao::test::random_magnitude(rng), y = dtao::test::random_magnitude(rng);
        EXPECT_EQ(big(sat_mul_u128(x, y)), std::min(Int(big(x) * big(y)), Int(big(~u128{0}))));
        EXPECT_EQ(big(sat_sub_u128(x, y)), std::max(Int(big(x) - big(y)), Int(0)));
        if (y != 0) {
            EXPECT_EQ(big(safe_div_int(x, y)), big(x) / big(y));
        }
        EXPECT_EQ(to_int(x), big(x));
        EXPECT_EQ(to_u128(big(x)), x);
    }
}

/// @rule ARITH-001
TEST(arith, exact_rounding_helpers)
{
    // floor and ceil for all sign combinations: 7/2 = 3.5, −7/2 = −3.5.
    EXPECT_EQ(floor_div(Int(7), Int(2)), 3);
    EXPECT_EQ(floor_div(Int(-7), Int(2)), -4);
    EXPECT_EQ(floor_div(Int(7), Int(-2)), -4);
    EXPECT_EQ(floor_div(Int(-7), Int(-2)), 3);
    EXPECT_EQ(floor_div(Int(-8), Int(2)), -4);
    EXPECT_EQ(ceil_div(Int(7), Int(2)), 4);
    EXPECT_EQ(ceil_div(Int(-7), Int(2)), -3);
    EXPECT_EQ(ceil_div(Int(8), Int(2)), 4);
    EXPECT_EQ(floor(Rational(7, 2)), 3);
    EXPECT_EQ(floor(Rational(-7, 2)), -4);
    EXPECT_EQ(floor(Rational(4)), 4);
    EXPECT_EQ(to_u64_checked(Int(U64_MAX)), U64_MAX);
    EXPECT_THROW((void)to_u64_checked(Int(U64_MAX) + 1), std::overflow_error);
    EXPECT_THROW((void)to_u64_checked(Int(-1)), std::overflow_error);
    EXPECT_EQ(to_u64_saturating(Int(-5)), 0u);
    EXPECT_EQ(to_u64_saturating(Int(U64_MAX) * 3), U64_MAX);
    EXPECT_EQ(to_u64_saturating(Int(42)), 42u);
    EXPECT_EQ(to_string(Rational(6, 4)), "3/2");
    EXPECT_EQ(to_string(Rational(-6, 3)), "-2");
}

// ---------------------------------------------------------------- ARITH-002

/// @rule ARITH-002
TEST(arith, chain_policy_is_I96F32_saturating)
{
    using O = Ops<ChainModel>;
    // asfloat!/tou64!: u64 → I96F32 exact; back with truncation.
    EXPECT_EQ(O::num(5).bits, i128{5} << 32);
    EXPECT_EQ(O::amount(I96F32::from_bits((i128{7} << 32) + 4294967295)), 7u);
    EXPECT_EQ(O::amount(I96F32::from_bits(-1)), 0u);
    EXPECT_EQ(O::half().bits, i128{1} << 31);
    EXPECT_EQ(O::one(), I96F32::one());
    EXPECT_EQ(O::zero(), I96F32::zero());
    // ratio = I96F32(p).safe_div(I96F32(q)): 0 for q = 0; 11796/65535 → bits
    // floor(11796·2^32/65535) = 773 074 452 (chain-rules.md §A.1.1).
    EXPECT_EQ(O::ratio(1, 0), I96F32::zero());
    EXPECT_EQ(O::ratio(11'796, 65'535).bits, 773074452);
    EXPECT_EQ(O::ratio(U64_MAX, U64_MAX), I96F32::one());
    EXPECT_FALSE(O::div(O::one(), O::zero()).has_value());
    EXPECT_EQ(O::div(O::num(1), O::num(3))->bits, 1431655765);  // trunc(2^32/3)
    // saturating arithmetic
    EXPECT_EQ(O::sub(O::zero(), O::one()).bits, -(i128{1} << 32));  // signed: no clamp at 0
    EXPECT_EQ(O::add(I96F32::max(), O::one()), I96F32::max());
    EXPECT_EQ(O::mul(I96F32::from_bits(3), O::half()).bits, 1);  // floor(1.5 ulp)
    EXPECT_EQ(O::amount_add(U64_MAX, 1), U64_MAX);
    EXPECT_EQ(O::amount_sub(1, 2), 0u);
    ChainState st;
    st.subnet_moving_alpha_bits = 12885;
    EXPECT_EQ(O::moving_alpha(st).bits, 12885);
    // `get_block_emission_for_issuance(..).unwrap_or(0)` as a number: 1 TAO at issuance 0.
    EXPECT_EQ(O::alpha_block_emission(0), O::num(1'000'000'000));
    EXPECT_EQ(O::alpha_block_emission(TOTAL_SUPPLY), O::zero());
}

/// @rule ARITH-002
TEST(arith, exact_policy_is_rational)
{
    using O = Ops<ExactModel>;
    EXPECT_EQ(O::ratio(11'796, 65'535), Rational(11'796, 65'535));
    EXPECT_EQ(O::ratio(1, 0), 0);
    EXPECT_EQ(O::half(), Rational(1, 2));
    EXPECT_FALSE(O::div(1, 0).has_value());
    EXPECT_EQ(*O::div(1, 3), Rational(1, 3));
    EXPECT_EQ(O::sub(0, 1), -1);
    EXPECT_EQ(O::amount(Rational(7, 2)), Rational(7, 2));  // no truncation
    EXPECT_EQ(O::min(Rational(1, 3), Rational(1, 2)), Rational(1, 3));
    ExactChainState st;
    st.subnet_moving_alpha_bits = 12885;
    EXPECT_EQ(O::moving_alpha(st), Rational(12885, Int(1) << 32));
    // 10^9 / 2^k exactly: k = 1 at I = 1.05e16 (chain-rules.md §A.1.3).
    EXPECT_EQ(O::alpha_block_emission(Rational(10'500'000'000'000'000)), Rational(500'000'000));
}

// ---------------------------------------------------------------- UNIT-*

/// @rule UNIT-001 UNIT-002 UNIT-003
TEST(units, supply_and_block_emission)
{
    // lib.rs@f95810a: DefaultBlockEmission = 1_000_000_000 ("1 TAO"),
    // TotalSupply = 21_000_000_000_000_000.
    EXPECT_EQ(RAO_PER_TAO, 1'000'000'000u);
    EXPECT_EQ(TOTAL_SUPPLY, 21'000'000u * RAO_PER_TAO);
    EXPECT_EQ(DEFAULT_BLOCK_EMISSION, 1u * RAO_PER_TAO);
}

/// @rule UNIT-004 UNIT-005 UNIT-006
TEST(units, pool_and_staking_defaults)
{
    // lib.rs@f95810a: DefaultMinimumPoolLiquidity = I96F32 10_000_000;
    // DefaultMinStake = 500_000; DefaultStakingFee = 50_000.
    EXPECT_EQ(MINIMUM_POOL_LIQUIDITY, 10'000'000u);
    EXPECT_EQ(DEFAULT_MIN_STAKE, 500'000u);
    EXPECT_EQ(DEFAULT_STAKING_FEE, 50'000u);
}

/// @rule UNIT-007 UNIT-008 UNIT-009
TEST(units, owner_cut_tao_weight_moving_alpha)
{
    // runtime/src/lib.rs@f95810a: SubtensorInitialSubnetOwnerCut: u16 = 11_796.
    EXPECT_EQ(DEFAULT_SUBNET_OWNER_CUT, 11'796u);
    // migrations/migrate_rao.rs@f95810a: TaoWeight = 3_320_413_933_267_719_290,
    // which is ⌊0.18 · u64::MAX⌋ = ⌊18 · (2^64 − 1) / 100⌋.
    EXPECT_EQ(LAUNCH_TAO_WEIGHT, 3'320'413'933'267'719'290u);
    EXPECT_EQ(Int(LAUNCH_TAO_WEIGHT), floor_div(Int(18) * Int(U64_MAX), Int(100)));
    // get_tao_weight() = I96F32(TaoWeight).safe_div(I96F32(u64::MAX)): bits
    // 773 094 113 (chain-rules.md §A.1.1).
    EXPECT_EQ(Ops<ChainModel>::ratio(LAUNCH_TAO_WEIGHT, U64_MAX).bits, 773094113);
    // lib.rs@f95810a: DefaultMovingAlpha = I96F32::saturating_from_num(0.000003).
    EXPECT_EQ(DEFAULT_MOVING_ALPHA_BITS, 12'885u);
    EXPECT_EQ(I96F32::from_f64(0.000003).bits, static_cast<i128>(DEFAULT_MOVING_ALPHA_BITS));
}

/// @rule UNIT-010 UNIT-011 UNIT-012
TEST(units, registration_constants)
{
    // migrate_rao.rs@f95810a: NetworkMinLockCost::set(1_000_000_000).
    EXPECT_EQ(NETWORK_MIN_LOCK_COST, 1'000'000'000u);
    // runtime/src/lib.rs@f95810a: SubtensorInitialNetworkLockReductionInterval = 14 * 7200,
    // SubtensorInitialNetworkRateLimit = 7200.
    EXPECT_EQ(NETWORK_LOCK_REDUCTION_INTERVAL, 14u * 7200u);
    EXPECT_EQ(NETWORK_RATE_LIMIT, 7200u);
}

/// @rule UNIT-013 UNIT-014 UNIT-015 UNIT-016
TEST(units, ema_start_call_root)
{
    // stake_utils.rs@a27fff2: "7200 * 14 = 100_800 is the halving time".
    EXPECT_EQ(EMA_RAMP_CONSTANT_BLOCKS, 7200u * 14u);
    // runtime InitialEmaPriceHalvingPeriod@b61dd30 = 201_600 ("4 weeks").
    EXPECT_EQ(DEFAULT_EMA_PRICE_HALVING_BLOCKS, 7200u * 28u);
    // runtime DurationOfStartCall@8de0d23 = 7 * 24 * 60 * 60 / 12.
    EXPECT_EQ(DURATION_OF_START_CALL, 7u * 24u * 60u * 60u / 12u);
    EXPECT_EQ(ROOT_NETUID, 0u);
}

/// @rule UNIT-017 UNIT-018 UNIT-019 UNIT-020 UNIT-021 UNIT-022 UNIT-023 UNIT-024 UNIT-025 UNIT-026
TEST(units, balancer_era)
{
    // runtime/src/lib.rs@14bc6f9: SubtensorInitialMinStake = 2_000_000 ("0.002 tao").
    EXPECT_EQ(BALANCER_ERA_MIN_STAKE, 2u * RAO_PER_TAO / 1000u);
    // pallets/swap/src/pallet/mod.rs@14bc6f9: DefaultFeeRate = 33 ("0.05 %"): 33/65535 ≈ 0.000504.
    EXPECT_EQ(DEFAULT_SWAP_FEE_RATE, 33u);
    EXPECT_NEAR(static_cast<double>(DEFAULT_SWAP_FEE_RATE) / 65535.0, 0.0005035, 1e-6);
    // runtime SwapMinimumReserve = 1_000_000; swap_step.rs MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1_000.
    EXPECT_EQ(SWAP_MINIMUM_RESERVE, RAO_PER_TAO / 1000u);
    EXPECT_EQ(MAX_SWAP_INPUT_RESERVE_MULTIPLIER, 1000u);
    // impls.rs min/max_price_inner: 1e-6 and 1e6 TAO per alpha in rao.
    EXPECT_EQ(SWAP_MIN_PRICE * 1'000'000u, RAO_PER_TAO);
    EXPECT_EQ(SWAP_MAX_PRICE, 1'000'000u * RAO_PER_TAO);
    // balancer.rs MIN_WEIGHT = Perquintill::from_parts(ACCURACY / 100).
    EXPECT_EQ(BALANCER_MIN_WEIGHT_PARTS, 1'000'000'000'000'000'000u / 100u);
    // runtime SubtensorMaxEpochsPerBlock = prod_or_fast!(2, 32); MAX_TEMPO = 50 400 = 7 days.
    EXPECT_EQ(MAX_EPOCHS_PER_BLOCK, 2u);
    EXPECT_EQ(MAX_TEMPO, DURATION_OF_START_CALL);
    // runtime SubtensorInitialMinLockCost = 1_000_000_000_000 ("1000 TAO").
    EXPECT_EQ(BALANCER_ERA_NETWORK_MIN_LOCK_COST, 1000u * RAO_PER_TAO);
}
