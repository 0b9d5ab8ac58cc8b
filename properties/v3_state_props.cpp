/// Family 12, the v3 pool's stateful model test (rapidcheck/state.h): random sequences of
/// committed swaps (the staking path's reserve moves after each), simulated swaps and user
/// positions placed as the pallet places them, on one pool under any ruleset of the year of the
/// v3 pool [chain]. The model is the ruleset; the system under test keeps a ledger of the
/// positions it placed, since where a position lies depends on the price the swaps left. After
/// every command:
///  - the current liquidity is the sum of the positions whose range holds the current tick, the
///    protocol's full-range one included: every crossing moved it by exactly the right amount;
///  - the active ticks are exactly the positions' ends, and each tick's net liquidity is +L for
///    each position starting there and −L for each ending there;
///  - the stored tick is the stored price's (TICK-005), and a swap moves the price its way;
///  - the fee growth never falls, and from v3.3.11-385 never moves (RSET-033);
///  - a simulation changes nothing and answers the commit's numbers.
/// Injections (the coinbase's TAO and alpha into the reserves, then `adjust_protocol_liquidity`)
/// add to the ledger's protocol position what they add to the ticks; the position's own stored
/// liquidity may fall below that (F-046), and the gap between the two never shrinks.
/// The mutant keeps the liquidity a swap started with, as a port that moves the price across
/// ticks but not the liquidity would.
/// @rule VSWAP-006 VSWAP-007 VSWAP-008 VSWAP-012 VSWAP-016 RSET-033
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/v3_swap.hpp"

#include <rapidcheck/state.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace dtao::prop {
namespace {

using fixed::U64F64;

struct Position
{
    tick::i32 lo = 0;
    tick::i32 hi = 0;
    u64 liquidity = 0;
};

struct Model
{
    std::size_t ruleset = 0;
    [[nodiscard]] const Ruleset& rules() const { return V3_RULESETS[ruleset]; }
};

struct Sut
{
    v3::Pool pool;
    std::vector<Position> positions;  ///< the ledger: the protocol's full-range position first
    /// Mutation hook: a swap leaves the current liquidity as it was, whatever ticks it crossed.
    bool mutant_keeps_liquidity = false;
};

void check_invariants(const Sut& sut)
{
    const v3::Pool& p = sut.pool;
    const tick::i32 t = std::clamp(p.current_tick, tick::MIN_INDEX, tick::MAX_INDEX);
    u64 in_range = 0;
    std::map<tick::i32, i128> net;
    for (const auto& pos : sut.positions) {
        if (pos.lo <= t && t < pos.hi)
            in_range += pos.liquidity;
        net[pos.lo] += static_cast<i128>(pos.liquidity);
        net[pos.hi] -= static_cast<i128>(pos.liquidity);
    }
    RC_ASSERT(p.liquidity == in_range);
    RC_ASSERT(p.ticks.size() == net.size());
    for (const auto& [index, n] : net) {
        const auto it = p.ticks.find(index);
        RC_ASSERT(it != p.ticks.end());
        RC_ASSERT(it->second.liquidity_net == n);
    }
    RC_ASSERT(p.current_tick == tick::from_sqrt_price_bounded(p.sqrt_price));
}

struct SwapCmd : rc::state::Command<Model, Sut>
{
    SwapSide side;
    int magnitude;  ///< the input is the paid-in reserve × 10^(magnitude / 10)
    bool limited;
    explicit SwapCmd(const Model&)
        : side(*rc::gen::element(SwapSide::buy, SwapSide::sell)), magnitude(*rc::gen::inRange(-60, 5)),
          limited(*rc::gen::arbitrary<bool>())
    {}
    void apply(Model&) const override {}
    void run(const Model& m, Sut& sut) const override
    {
        v3::Pool& p = sut.pool;
        const v3::Pool before = p;
        const bool buy = side == SwapSide::buy;
        const u64 in_reserve = buy ? p.tao_reserve : p.alpha_reserve;
        const u64 amount = static_cast<u64>(static_cast<double>(in_reserve) * std::pow(10.0, magnitude / 10.0));
        // a limit 1 % past the price, or the default
        const double sqrt_price = static_cast<double>(before.sqrt_price.bits) / 18446744073709551616.0;
        const double price = sqrt_price * sqrt_price * 1e9;
        const std::optional<U64F64> limit =
            v3::limit_sqrt_price(limited ? static_cast<u64>(std::min(price * (buy ? 1.01 : 0.99), 1.8e19))
                                 : buy   ? v3::max_price()
                                         : 0);
        RC_PRE(limit.has_value());
        const auto r = v3::swap(m.rules(), side, p, amount, *limit, Fees::charged, SwapRun::commit);
        if (r && sut.mutant_keeps_liquidity)
            p.liquidity = before.liquidity;  // the bug: the price crosses ticks, the liquidity stays
        if (!r) {
            RC_ASSERT(p.sqrt_price == before.sqrt_price && p.liquidity == before.liquidity);
            return;
        }
        const bool right_way = buy ? p.sqrt_price >= before.sqrt_price : p.sqrt_price <= before.sqrt_price;
        RC_ASSERT(right_way);
        RC_ASSERT(p.fee_global_tao >= before.fee_global_tao && p.fee_global_alpha >= before.fee_global_alpha);
        if (m.rules().v3_fee_to_block_author)
            RC_ASSERT(p.fee_global_tao == before.fee_global_tao && p.fee_global_alpha == before.fee_global_alpha);
        // the staking path's reserve moves: the net input in, the output out
        if (buy) {
            p.tao_reserve = sat_add(p.tao_reserve, r->amount_paid_in);
            p.alpha_reserve = sat_sub(p.alpha_reserve, r->amount_paid_out);
        } else {
            p.alpha_reserve = sat_add(p.alpha_reserve, r->amount_paid_in);
            p.tao_reserve = sat_sub(p.tao_reserve, r->amount_paid_out);
        }
        check_invariants(sut);
    }
};

struct SimulateCmd : rc::state::Command<Model, Sut>
{
    SwapSide side;
    u64 amount;
    explicit SimulateCmd(const Model&)
        : side(*rc::gen::element(SwapSide::buy, SwapSide::sell)), amount(*rc::gen::inRange<u64>(0, 100'000'000'000'000))
    {}
    void apply(Model&) const override {}
    void run(const Model& m, Sut& sut) const override
    {
        const v3::Pool before = sut.pool;
        const v3::SimSwapResult sim = v3::sim_swap(m.rules(), side, sut.pool, amount);
        RC_ASSERT(sut.pool.sqrt_price == before.sqrt_price && sut.pool.liquidity == before.liquidity);
        v3::Pool copy = sut.pool;
        const U64F64 limit = *v3::limit_sqrt_price(side == SwapSide::buy ? v3::max_price() : v3::min_price());
        const auto r = v3::swap(m.rules(), side, copy, amount, limit, Fees::charged, SwapRun::commit);
        if (r)
            RC_ASSERT((side == SwapSide::buy ? sim.alpha_amount : sim.tao_amount) == r->amount_paid_out);
    }
};

struct InjectCmd : rc::state::Command<Model, Sut>
{
    int tao_magnitude;    ///< the TAO injected is the TAO reserve × 10^(magnitude / 10), or nothing
    int alpha_magnitude;  ///< the same for alpha
    explicit InjectCmd(const Model&)
        : tao_magnitude(*rc::gen::inRange(-90, 1)), alpha_magnitude(*rc::gen::inRange(-90, 1))
    {}
    void apply(Model&) const override {}
    void run(const Model& m, Sut& sut) const override
    {
        v3::Pool& p = sut.pool;
        RC_PRE(p.protocol_position.has_value());
        const auto part = [](u64 reserve, int magnitude) {
            return magnitude <= -90 ? u64{0}
                                    : static_cast<u64>(static_cast<double>(reserve) * std::pow(10.0, magnitude / 10.0));
        };
        const u64 tao = part(p.tao_reserve, tao_magnitude), alpha = part(p.alpha_reserve, alpha_magnitude);
        u64& ledger = sut.positions.front().liquidity;
        RC_ASSERT(ledger >= p.protocol_position->liquidity);
        const u64 gap_before = ledger - p.protocol_position->liquidity;
        // the coinbase injects into the reserves, then the protocol position takes it
        p.tao_reserve = sat_add(p.tao_reserve, tao);
        p.alpha_reserve = sat_add(p.alpha_reserve, alpha);
        const v3::ProtocolLiquidityResult r = v3::adjust_protocol_liquidity(m.rules(), p, tao, alpha);
        RC_ASSERT(r.adjusted);
        ledger = sat_add(ledger, r.liquidity_delta);
        RC_ASSERT(ledger >= p.protocol_position->liquidity);
        RC_ASSERT(ledger - p.protocol_position->liquidity >= gap_before);
        RC_TAG(r.liquidity_delta == 0 ? "injection: no new liquidity" : "injection: new liquidity");
        check_invariants(sut);
    }
};

struct PositionCmd : rc::state::Command<Model, Sut>
{
    int lo_offset;
    int width;
    unsigned divisor;
    explicit PositionCmd(const Model&)
        : lo_offset(*rc::gen::inRange(-2000, 2000)), width(*rc::gen::inRange(1, 2000)),
          divisor(*rc::gen::inRange(1U, 20U))
    {}
    void apply(Model&) const override {}
    void run(const Model&, Sut& sut) const override
    {
        const tick::i32 lo = sut.pool.current_tick + lo_offset;
        const Position pos{lo, lo + width, sut.positions.front().liquidity / divisor};
        RC_PRE(pos.lo >= tick::MIN_INDEX && pos.hi <= tick::MAX_INDEX && pos.liquidity > 0);
        v3::add_position_liquidity(sut.pool, pos.lo, pos.hi, pos.liquidity);
        sut.positions.push_back(pos);
        check_invariants(sut);
    }
};

void stateful(bool mutant)
{
    Model m;
    m.ruleset = *rc::gen::inRange<std::size_t>(0, V3_RULESETS.size());
    Sut sut;
    sut.mutant_keeps_liquidity = mutant;
    const double price = std::pow(10.0, *rc::gen::inRange(-40, 21) / 10.0);
    sut.pool.alpha_reserve = static_cast<u64>(std::pow(10.0, *rc::gen::inRange(100, 160) / 10.0));
    sut.pool.tao_reserve =
        std::max<u64>(static_cast<u64>(static_cast<double>(sut.pool.alpha_reserve) * price), 1'000'000);
    sut.pool.fee_rate = m.rules().v3_default_fee_rate;
    v3::maybe_initialize_v3(sut.pool);
    sut.positions.push_back({tick::MIN_INDEX, tick::MAX_INDEX, sut.pool.liquidity});
    check_invariants(sut);
    rc::state::check(
        m, sut, rc::state::gen::execOneOfWithArgs<SwapCmd, SwapCmd, SwapCmd, SimulateCmd, PositionCmd, InjectCmd>());
}

RC_GTEST_PROP(v3_state, stateful_v3_pool_invariants_hold_over_command_sequences, ()) { stateful(false); }

TEST(mutation, v3_state_crossing_without_liquidity_is_caught)
{
    expect_failure(
        "mutant (a crossing keeps the liquidity): v3 stateful", [] { stateful(true); }, 300);
}

}  // namespace
}  // namespace dtao::prop
