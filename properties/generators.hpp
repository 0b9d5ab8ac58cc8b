// Shared RapidCheck generators of the property tests: boundary-weighted
// amounts, pools, chain states, EMA paths and drain inputs. Every generator
// produces valid inputs only (no RC_PRE in the properties that use them).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/drain.hpp"
#include "dtao/ruleset.hpp"
#include "dtao/state.hpp"
#include "dtao/testing/builders.hpp"

#include <rapidcheck.h>

#include <optional>

#include <ostream>
#include <string>
#include <vector>

namespace dtao::prop {

// ------------------------------------------------------------------ amounts

/// The boundary values every amount generator is weighted toward: 0, 1, the
/// minimum liquidity ±1, 2^32, 2^53, 2^63, u64::MAX (each with its neighbours),
/// the supply S and the first halving thresholds.
inline const std::vector<u64>& boundary_values()
{
    static const std::vector<u64> v = [] {
        std::vector<u64> b{0,
                           1,
                           2,
                           MINIMUM_POOL_LIQUIDITY - 1,
                           MINIMUM_POOL_LIQUIDITY,
                           MINIMUM_POOL_LIQUIDITY + 1,
                           RAO_PER_TAO,
                           TOTAL_SUPPLY - 1,
                           TOTAL_SUPPLY,
                           TOTAL_SUPPLY + 1,
                           10'500'000'000'000'000,
                           15'750'000'000'000'000};
        for (unsigned k : {32u, 53u, 63u}) {
            const u64 p = u64{1} << k;
            b.insert(b.end(), {p - 1, p, p + 1});
        }
        b.insert(b.end(), {U64_MAX - 1, U64_MAX});
        return b;
    }();
    return v;
}

/// A u64 whose bit length is uniform in [0, 64], so every scale is reached.
inline rc::Gen<u64> any_scale_u64()
{
    return rc::gen::mapcat(rc::gen::inRange<int>(0, 65), [](int len) {
        if (len == 0)
            return rc::gen::just<u64>(0);
        const u64 hi = len == 64 ? U64_MAX : (u64{1} << len);
        return rc::gen::inRange<u64>(u64{1} << (len - 1), hi).as("u64");  // [2^(len−1), 2^len)
    });
}

/// Any u64, weighted toward the boundaries.
inline rc::Gen<u64> boundary_u64()
{
    return rc::gen::weightedOneOf<u64>(
        {{4, rc::gen::elementOf(boundary_values())}, {4, any_scale_u64()}, {2, rc::gen::arbitrary<u64>()}});
}

/// Log-uniform in [lo, hi] (bit length uniform, then uniform within it).
inline rc::Gen<u64> log_uniform(u64 lo, u64 hi)
{
    return rc::gen::map(any_scale_u64(), [lo, hi](u64 v) {
        if (hi <= lo)
            return lo;
        const u64 span = hi - lo;
        return span == U64_MAX ? v : lo + v % (span + 1);
    });
}

/// A realistic amount: at most the supply S, weighted toward the small end and
/// toward the pool boundaries.
inline rc::Gen<u64> realistic_u64(u64 lo = 0, u64 hi = TOTAL_SUPPLY)
{
    std::vector<u64> edges;
    for (u64 b : boundary_values())
        if (b >= lo && b <= hi)
            edges.push_back(b);
    edges.push_back(lo);
    edges.push_back(hi);
    return rc::gen::weightedOneOf<u64>({{2, rc::gen::elementOf(edges)}, {8, log_uniform(lo, hi)}});
}

/// A limit order's price (rao per alpha) a third of the time, else no limit.
inline rc::Gen<std::optional<u64>> limit_price()
{
    return rc::gen::weightedOneOf<std::optional<u64>>(
        {{2, rc::gen::just(std::optional<u64>{})},
         {1, rc::gen::map(realistic_u64(1, 1'000'000'000'000), [](u64 v) { return std::optional<u64>(v); })}});
}

// ------------------------------------------------------- chain-wide parameters

/// Inside `rc::gen::exec`: draws TaoWeight (0, the launch value, u64::MAX or any),
/// SubnetOwnerCut (0, the default, u16::MAX or any u16) and SubnetMovingAlpha (the default,
/// or any value below 1, as I96F32 bits) into `st`, in that order (both eras' state generators).
inline void draw_chain_parameters(ChainState& st)
{
    st.tao_weight = *rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                                  {3, rc::gen::just(LAUNCH_TAO_WEIGHT)},
                                                  {1, rc::gen::just(U64_MAX)},
                                                  {2, rc::gen::arbitrary<u64>()}});
    st.subnet_owner_cut = *rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                                        {3, rc::gen::just(DEFAULT_SUBNET_OWNER_CUT)},
                                                        {1, rc::gen::just<u64>(65535)},
                                                        {2, rc::gen::inRange<u64>(0, 65536)}});
    st.subnet_moving_alpha_bits = static_cast<i128>(*rc::gen::weightedOneOf<u64>(
        {{3, rc::gen::just(DEFAULT_MOVING_ALPHA_BITS)}, {1, rc::gen::inRange<u64>(0, u64{1} << 32)}}));
}

/// The root entry: SubnetTAO = SubnetAlphaOut = 0, or a realistic amount up to S / 4.
inline rc::Gen<Subnet> root_subnet_gen()
{
    return rc::gen::map(
        rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)}, {4, realistic_u64(0, TOTAL_SUPPLY / 4)}}),
        [](u64 tao) {
            Subnet root = test::root_subnet(tao);
            root.subnet_alpha_out = tao;
            return root;
        });
}

// --------------------------------------------------------------------- pools

/// One constant-product swap: pay `a` into a pool whose paid-in reserve is `x`
/// and paid-out reserve is `y`. For a buy x = SubnetTAO, y = SubnetAlphaIn.
struct PoolCase
{
    u64 x = 0;
    u64 y = 0;
    u64 a = 0;
};

inline void showValue(const PoolCase& c, std::ostream& os)
{
    os << "PoolCase{x=" << c.x << ", y=" << c.y << ", a=" << c.a << "}";
}

/// Pools whose exact output y·a/(x+a) is just below an integer n: the region of
/// findings F-015 / F-017 / F-018 (x + a = ⌊y·a/n⌋ + 1 + e).
inline rc::Gen<PoolCase> near_integer_output_pool()
{
    return rc::gen::apply(
        [](u64 y, u64 n, u64 a, u64 e) {
            const u128 target = static_cast<u128>(y) * a / n + 1 + e;  // x + a
            PoolCase c;
            c.y = y;
            c.a = a;
            c.x = target > a ? clamp_to_u64(target - a) : 1;
            return c;
        },
        log_uniform(MINIMUM_POOL_LIQUIDITY, u64{1} << 40), log_uniform(1, u64{1} << 20), log_uniform(1, u64{1} << 40),
        rc::gen::inRange<u64>(0, 4));
}

/// Pools priced above 2^18 whose buy output is just below 1: the region of the
/// round-trip profit F-017 (x = (y − 1)·a + d, a > 2^18, y ≤ d < y·a/2^18).
inline rc::Gen<PoolCase> round_trip_region_pool()
{
    return rc::gen::apply(
        [](u64 y, u64 c, u64 j, u64 t) {
            PoolCase p;
            p.y = y;
            p.a = c * (u64{1} << 17) + j;
            const u128 dmax = static_cast<u128>(y) * p.a >> 18;
            const u128 d = y + (dmax > y ? t % static_cast<u64>(dmax - y) : 0);
            p.x = clamp_to_u64(static_cast<u128>(y - 1) * p.a + d);
            return p;
        },
        log_uniform(MINIMUM_POOL_LIQUIDITY + 1, u64{1} << 30), rc::gen::inRange<u64>(3, 65),
        rc::gen::inRange<u64>(0, 64), rc::gen::arbitrary<u64>());
}

/// Balanced pools near the minimum liquidity with a few rao in: the region of
/// the split-trade finding F-018.
inline rc::Gen<PoolCase> split_region_pool()
{
    return rc::gen::apply(
        [](u64 y, int dx, u64 a) {
            PoolCase p;
            p.y = y;
            p.x = static_cast<u64>(static_cast<long long>(y) + dx);
            p.a = a;
            return p;
        },
        log_uniform(MINIMUM_POOL_LIQUIDITY, u64{1} << 26), rc::gen::inRange<int>(-8, 9), rc::gen::inRange<u64>(2, 17));
}

/// Pools of every kind: arbitrary boundary-weighted u64 triples, realistic
/// pools (reserves ≥ the minimum liquidity, amounts ≤ S) and the near-integer
/// output region.
inline rc::Gen<PoolCase> any_pool()
{
    auto wide =
        rc::gen::build<PoolCase>(rc::gen::set(&PoolCase::x, boundary_u64()), rc::gen::set(&PoolCase::y, boundary_u64()),
                                 rc::gen::set(&PoolCase::a, boundary_u64()));
    auto real = rc::gen::build<PoolCase>(rc::gen::set(&PoolCase::x, realistic_u64(MINIMUM_POOL_LIQUIDITY)),
                                         rc::gen::set(&PoolCase::y, realistic_u64(MINIMUM_POOL_LIQUIDITY)),
                                         rc::gen::set(&PoolCase::a, realistic_u64()));
    return rc::gen::weightedOneOf<PoolCase>({{3, wide},
                                             {4, real},
                                             {3, near_integer_output_pool()},
                                             {1, round_trip_region_pool()},
                                             {1, split_region_pool()}});
}

// --------------------------------------------------------------- chain state

/// A generated multi-subnet chain state and the ruleset to run it under.
struct StateCase
{
    std::size_t ruleset = 0;  ///< index into dtao::LAUNCH_RULESETS
    ChainState state;
    [[nodiscard]] const Ruleset& rules() const { return LAUNCH_RULESETS[ruleset]; }
};

void showValue(const StateCase& c, std::ostream& os);

/// A state of `min_subnets`–`max_subnets` non-root subnets plus root, amounts
/// within the real supply. `clamp_rulesets_only`: only v2.0.1+ (the EMA clamp).
rc::Gen<StateCase> chain_state(std::size_t min_subnets, std::size_t max_subnets, bool clamp_rulesets_only = false);

// ----------------------------------------------------------------------- EMA

/// A spot-price path and the EMA parameters of economics.md §4.1 (P-EMA).
struct EmaCase
{
    u64 m0_bits = 0;  ///< m_0 in I96F32 bits, in [0, 2^32]
    u64 a_bits = 0;   ///< A = SubnetMovingAlpha in I96F32 bits
    u64 h = 0;        ///< H (EMAPriceHalvingBlocks); only with a ramp
    u64 b0 = 1;       ///< b_0, blocks since start at the first step; only with a ramp
    bool ramp = false;
    unsigned n = 1;  ///< N steps
    int kind = 0;    ///< spot path kind, see `spot_reserves`
    u64 seed = 0;    ///< seed of the random path kinds
};

void showValue(const EmaCase& c, std::ostream& os);

/// The (SubnetTAO, SubnetAlphaIn) that set the spot price of step t.
std::pair<u64, u64> spot_reserves(const EmaCase& c, unsigned t);

/// A ∈ {0, 3e-6, 3e-4, 1e-2, 0.5, 1 − 2^−32} (I96F32 bits), H ∈ {0, 1, 201 600, 10^7},
/// b_0 ∈ {1, 2, 7 200, 10^7}, N ≤ max_n (weighted toward small N).
rc::Gen<EmaCase> ema_case(unsigned max_n);

// --------------------------------------------------------------------- drain

struct DrainCase
{
    std::size_t ruleset = 0;
    DrainInput in;
    [[nodiscard]] const Ruleset& rules() const { return LAUNCH_RULESETS[ruleset]; }
};

void showValue(const DrainCase& c, std::ostream& os);

/// 1–4 hotkeys with alpha and root stakes and takes (no child-key links), an
/// epoch whose incentives are ⌊(pa + ps)/2⌋ and whose dividends are the rest.
rc::Gen<DrainCase> drain_case();

}  // namespace dtao::prop

namespace rc {
template <>
struct Arbitrary<dtao::prop::PoolCase>
{
    static Gen<dtao::prop::PoolCase> arbitrary() { return dtao::prop::any_pool(); }
};
}  // namespace rc
