// dtao: the `dtao eval` handlers of the v3 pool's forms (`concentrated`): its price, the
// runtime API's quotes and the swap (VSWAP-*). Spec: spec/protocol.md, "Ops of the v3 pool".
// SPDX-License-Identifier: Apache-2.0
#include "handlers.hpp"

#include "dtao/v3_swap.hpp"
#include "protocol.hpp"

namespace dtao::protocol::detail {

std::string sdec(i128 v)
{
    if (v >= 0)
        return dec(static_cast<u128>(v));
    return "-" + dec(static_cast<u128>(-(v + 1)) + 1);
}

json write_ticks(const v3::Pool& p)
{
    json out = json::array();
    for (const auto& [index, t] : p.ticks)
        out.push_back({{"index", sdec(index)},
                       {"liquidity_net", sdec(t.liquidity_net)},
                       {"liquidity_gross", dec(t.liquidity_gross)},
                       {"fees_out_tao", fx(t.fees_out_tao)},
                       {"fees_out_alpha", fx(t.fees_out_alpha)}});
    return out;
}

namespace {

using fixed::I64F64;
using fixed::U64F64;

i128 to_i128(const Int& v) { return v < 0 ? -static_cast<i128>(to_u128(-v)) : static_cast<i128>(to_u128(v)); }

/// The ticks of an initialised pool whose request leaves them out: the protocol's full-range
/// position alone, +L at MIN_INDEX and −L at MAX_INDEX, L the current liquidity.
void protocol_position_ticks(v3::Pool& p)
{
    if (!p.initialized || p.liquidity == 0)
        return;
    const auto l = static_cast<i128>(p.liquidity);
    p.ticks[tick::MIN_INDEX] = v3::Tick{l, p.liquidity, {}, {}};
    p.ticks[tick::MAX_INDEX] = v3::Tick{-l, p.liquidity, {}, {}};
}

}  // namespace

void read_v3_storage(Reader& r, v3::Pool& p, std::uint16_t default_fee_rate)
{
    p.initialized = r.bool_or(in::SWAP_V3_INITIALIZED);
    p.sqrt_price = r.fixed_or<U64F64>(in::ALPHA_SQRT_PRICE);
    p.current_tick = static_cast<tick::i32>(r.integer_or(in::CURRENT_TICK).convert_to<long long>());
    p.liquidity = r.u64_or(in::CURRENT_LIQUIDITY);
    p.fee_rate = static_cast<std::uint16_t>(r.u64_or(in::V3_FEE_RATE, default_fee_rate));
    p.fee_global_tao = r.fixed_or<U64F64>(in::FEE_GLOBAL_TAO);
    p.fee_global_alpha = r.fixed_or<U64F64>(in::FEE_GLOBAL_ALPHA);
    p.minimum_reserve = r.u64_or(in::SWAP_MINIMUM_RESERVE);
    if (!r.has(in::TICKS)) {
        protocol_position_ticks(p);
        return;
    }
    const json& items = r.array_or_empty(in::TICKS);
    for (std::size_t i = 0; i < items.size(); ++i) {
        Reader t = r.item(in::TICKS, items, i);
        const auto index = static_cast<tick::i32>(t.integer(in::TICK_INDEX).convert_to<long long>());
        v3::Tick tk;
        tk.liquidity_net = to_i128(t.integer(in::LIQUIDITY_NET));
        tk.liquidity_gross = t.u64_or(in::LIQUIDITY_GROSS);
        tk.fees_out_tao = t.fixed_or<I64F64>(in::FEES_OUT_TAO);
        tk.fees_out_alpha = t.fixed_or<I64F64>(in::FEES_OUT_ALPHA);
        t.finish();
        if (!p.ticks.empty() && p.ticks.rbegin()->first >= index)
            fail("invalid_field", t.where(in::TICK_INDEX) + ": ticks must be listed in strictly ascending index order");
        if (index < tick::MIN_INDEX || index > tick::MAX_INDEX)
            fail("invalid_field", t.where(in::TICK_INDEX) + ": a tick lies in [" + std::to_string(tick::MIN_INDEX) +
                                      ", " + std::to_string(tick::MAX_INDEX) + "]");
        p.ticks.emplace(index, tk);
    }
}

v3::Pool read_v3_pool(const Ruleset& rules, Reader& r)
{
    const Subnet s = read_pool(r);
    v3::Pool p;
    p.dynamic = s.mechanism == Mechanism::dynamic;
    p.tao_reserve = sat_add(s.subnet_tao, r.u64_or(in::SUBNET_TAO_PROVIDED));
    p.alpha_reserve = sat_add(s.subnet_alpha_in, r.u64_or(in::SUBNET_ALPHA_IN_PROVIDED));
    read_v3_storage(r, p, rules.v3_default_fee_rate);
    return p;
}

/// The protocol account's positions: the list as given (the chain adjusts the first), or for an
/// initialised pool without one the full-range position holding the current liquidity, its
/// snapshot the growth inside its range now (owed nothing).
std::vector<v3::Position> read_protocol_positions(const v3::Pool& p, Reader& r)
{
    std::vector<v3::Position> out;
    if (!r.has(in::PROTOCOL_POSITIONS)) {
        if (!p.initialized)
            return out;
        out.push_back(v3::new_position(p, tick::MIN_INDEX, tick::MAX_INDEX, p.liquidity));
        return out;
    }
    const json& items = r.array_or_empty(in::PROTOCOL_POSITIONS);
    for (std::size_t i = 0; i < items.size(); ++i) {
        Reader t = r.item(in::PROTOCOL_POSITIONS, items, i);
        v3::Position pos;
        pos.tick_low = static_cast<tick::i32>(t.integer(in::TICK_LOW).convert_to<long long>());
        pos.tick_high = static_cast<tick::i32>(t.integer(in::TICK_HIGH).convert_to<long long>());
        pos.liquidity = t.u64_field(in::POSITION_LIQUIDITY);
        pos.fees_tao = t.fixed_or<I64F64>(in::POSITION_FEES_TAO);
        pos.fees_alpha = t.fixed_or<I64F64>(in::POSITION_FEES_ALPHA);
        t.finish();
        if (pos.tick_low >= pos.tick_high)
            fail("invalid_field", t.where(in::TICK_HIGH) + ": a position's tick_high must lie above its tick_low");
        out.push_back(pos);
    }
    return out;
}

json write_position(const v3::Position& pos)
{
    return {{"tick_low", sdec(pos.tick_low)},
            {"tick_high", sdec(pos.tick_high)},
            {"liquidity", dec(pos.liquidity)},
            {"fees_tao", fx(pos.fees_tao)},
            {"fees_alpha", fx(pos.fees_alpha)}};
}

void read_v3_protocol(Reader& r, v3::Pool& p)
{
    const std::vector<v3::Position> positions = read_protocol_positions(p, r);
    if (positions.size() > 1)
        fail("invalid_field", r.where(in::PROTOCOL_POSITIONS) +
                                  ": a state's pool holds one protocol position (the one the chain adjusts)");
    p.protocol_position = positions.empty() ? std::nullopt : std::optional<v3::Position>(positions.front());
    p.scrap_reservoir_tao = r.u64_or(in::SCRAP_RESERVOIR_TAO);
    p.scrap_reservoir_alpha = r.u64_or(in::SCRAP_RESERVOIR_ALPHA);
}

json write_v3_storage(const v3::Pool& p)
{
    json positions = json::array();
    if (p.protocol_position)
        positions.push_back(write_position(*p.protocol_position));
    return {{"swap_v3_initialized", p.initialized},
            {"alpha_sqrt_price", fx(p.sqrt_price)},
            {"current_tick", sdec(p.current_tick)},
            {"current_liquidity", dec(p.liquidity)},
            {"fee_rate", dec(u64{p.fee_rate})},
            {"fee_global_tao", fx(p.fee_global_tao)},
            {"fee_global_alpha", fx(p.fee_global_alpha)},
            {"swap_minimum_reserve", dec(p.minimum_reserve)},
            {"ticks", write_ticks(p)},
            {"protocol_positions", positions},
            {"scrap_reservoir_tao", dec(p.scrap_reservoir_tao)},
            {"scrap_reservoir_alpha", dec(p.scrap_reservoir_alpha)}};
}

namespace {

json op_alpha_price(const Context& c, Reader& r)
{
    const v3::Pool p = read_v3_pool(c.rules, r);
    r.finish();
    return {{"price", fx(v3::current_price(p))}, {"current_alpha_price", dec(v3::current_alpha_price(p))}};
}

json write_sim_swap(const v3::SimSwapResult& s)
{
    json out{{"tao_amount", dec(s.tao_amount)},
             {"alpha_amount", dec(s.alpha_amount)},
             {"tao_fee", dec(s.tao_fee)},
             {"alpha_fee", dec(s.alpha_fee)}};
    if (s.tao_slippage)
        out["tao_slippage"] = dec(*s.tao_slippage);
    if (s.alpha_slippage)
        out["alpha_slippage"] = dec(*s.alpha_slippage);
    return out;
}

template <SwapSide Side>
json op_sim_swap(const Context& c, Reader& r)
{
    const v3::Pool p = read_v3_pool(c.rules, r);
    const u64 amount_in = r.u64_field(in::AMOUNT);
    r.finish();
    return write_sim_swap(v3::sim_swap(c.rules, Side, p, amount_in));
}

json op_swap(const Context& c, Reader& r)
{
    v3::Pool p = read_v3_pool(c.rules, r);
    const SwapSide side = read_side(r);
    const u64 amount_in = r.u64_field(in::AMOUNT);
    const u64 limit = r.u64_or(in::SWAP_LIMIT_PRICE, side == SwapSide::buy ? v3::max_price() : v3::min_price());
    const Fees fees = r.bool_or(in::DROP_FEES) ? Fees::dropped : Fees::charged;
    r.finish();
    const std::optional<U64F64> limit_sqrt = v3::limit_sqrt_price(limit);
    if (!limit_sqrt)
        return error_output(Error::price_limit_exceeded);
    const auto s = v3::swap(c.rules, side, p, amount_in, *limit_sqrt, fees, SwapRun::commit);
    if (!s)
        return error_output(s.error());
    json out{{"amount_paid_in", dec(s->amount_paid_in)},
             {"amount_paid_out", dec(s->amount_paid_out)},
             {"fee_paid", dec(s->fee_paid)},
             {"fee_to_block_author", dec(s->fee_to_block_author)}};
    // the swap pallet's storage after the swap; the reserves are the caller's to move
    const json pool = v3_pool_to_json(p);
    for (const char* k : {"swap_v3_initialized", "alpha_sqrt_price", "current_tick", "current_liquidity",
                          "fee_global_tao", "fee_global_alpha", "ticks"})
        out[k] = pool.at(k);
    return out;
}

json op_adjust_protocol_liquidity(const Context& c, Reader& r)
{
    v3::Pool p = read_v3_pool(c.rules, r);
    std::vector<v3::Position> positions = read_protocol_positions(p, r);
    p.scrap_reservoir_tao = r.u64_or(in::SCRAP_RESERVOIR_TAO);
    p.scrap_reservoir_alpha = r.u64_or(in::SCRAP_RESERVOIR_ALPHA);
    const u64 tao = r.u64_field(in::TAO);
    const u64 alpha = r.u64_field(in::ALPHA);
    r.finish();
    if (!positions.empty())
        p.protocol_position = positions.front();
    const v3::ProtocolLiquidityResult a = v3::adjust_protocol_liquidity(c.rules, p, tao, alpha);
    if (p.protocol_position)
        positions.front() = *p.protocol_position;
    json written = json::array();
    for (const auto& pos : positions)
        written.push_back(write_position(pos));
    return {{"adjusted", a.adjusted},
            {"fees_tao", dec(a.fees_tao)},
            {"fees_alpha", dec(a.fees_alpha)},
            {"tao_in", dec(a.tao_in)},
            {"alpha_in", dec(a.alpha_in)},
            {"liquidity_delta", dec(a.liquidity_delta)},
            {"current_liquidity", dec(p.liquidity)},
            {"protocol_positions", written},
            {"scrap_reservoir_tao", dec(p.scrap_reservoir_tao)},
            {"scrap_reservoir_alpha", dec(p.scrap_reservoir_alpha)},
            {"ticks", write_ticks(p)}};
}

}  // namespace

const std::vector<OpForm>& concentrated_handlers()
{
    static const std::vector<OpForm> list{
        {Op::alpha_price, Form::concentrated, op_alpha_price, "VSWAP-011"},
        {Op::sim_swap_tao_for_alpha, Form::concentrated, op_sim_swap<SwapSide::buy>, "VSWAP-010"},
        {Op::sim_swap_alpha_for_tao, Form::concentrated, op_sim_swap<SwapSide::sell>, "VSWAP-010"},
        {Op::swap, Form::concentrated, op_swap, "VSWAP-008, VSWAP-009"},
        {Op::adjust_protocol_liquidity, Form::concentrated, op_adjust_protocol_liquidity, "VSWAP-016"},
    };
    return list;
}

}  // namespace dtao::protocol::detail

namespace dtao::protocol {

json v3_pool_to_json(const v3::Pool& p)
{
    using detail::dec;
    using detail::fx;
    return {{"subnet_mechanism", p.dynamic ? "1" : "0"}, {"subnet_tao", dec(p.tao_reserve)},
            {"subnet_alpha_in", dec(p.alpha_reserve)},   {"swap_v3_initialized", p.initialized},
            {"alpha_sqrt_price", fx(p.sqrt_price)},      {"current_tick", detail::sdec(p.current_tick)},
            {"current_liquidity", dec(p.liquidity)},     {"fee_rate", dec(u64{p.fee_rate})},
            {"fee_global_tao", fx(p.fee_global_tao)},    {"fee_global_alpha", fx(p.fee_global_alpha)},
            {"ticks", detail::write_ticks(p)},           {"swap_minimum_reserve", dec(p.minimum_reserve)}};
}

json v3_storage_to_json(const v3::Pool& p) { return detail::write_v3_storage(p); }

}  // namespace dtao::protocol
