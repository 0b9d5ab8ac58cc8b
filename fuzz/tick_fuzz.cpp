// tick_fuzz: the v3 pool's tick math (TICK-001 … TICK-005) on any input.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 mode, then
//   mode 0: i32 tick (4 bytes)           TICK-001 in range ⇔ |tick| ≤ 887 272; prices increase;
//                                         TICK-002 gives the tick back
//   mode 1: u32 high, u128 low           a Q64.96 price x = high·2^128 + low: TICK-002 answers iff
//                                         MIN_SQRT_RATIO ≤ x < MAX_SQRT_RATIO, and then
//                                         price(t) ≤ x < price(t + 1)
//   mode 2: u128 U64F64 bits             TICK-004: an index answers only inside the index range
//                                         and brackets the price (TICK-003 rounds up);
//                                         TICK-005 always answers, inside the range
// Nothing may throw.
//
// Reproduce: ./dtao.sh fuzz tick repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/tick.hpp"

using namespace dtao;
using dtao::fuzz::Input;

namespace {

void run_tick(tick::i32 t)
{
    fuzz::note("tick " + std::to_string(t));
    const auto p = tick::get_sqrt_ratio_at_tick(t);
    const bool in_range = t >= tick::MIN_TICK && t <= tick::MAX_TICK;
    FUZZ_ASSERT(p.has_value() == in_range);
    if (!p)
        return;
    if (t < tick::MAX_TICK)
        FUZZ_ASSERT(*p < *tick::get_sqrt_ratio_at_tick(t + 1));
    if (t < tick::MAX_TICK)  // the price at MAX_TICK is MAX_SQRT_RATIO, outside TICK-002's range
        FUZZ_ASSERT(tick::get_tick_at_sqrt_ratio(*p) == std::optional<tick::i32>(t));
}

void run_price(const Int& x)
{
    fuzz::note("sqrt_price_x96 " + x.str());
    const auto t = tick::get_tick_at_sqrt_ratio(x);
    FUZZ_ASSERT(t.has_value() == (x >= tick::min_sqrt_ratio() && x < tick::max_sqrt_ratio()));
    if (!t)
        return;
    FUZZ_ASSERT(*tick::get_sqrt_ratio_at_tick(*t) <= x);
    FUZZ_ASSERT(*t == tick::MAX_TICK || x < *tick::get_sqrt_ratio_at_tick(*t + 1));
}

void run_u64f64(u128 bits)
{
    const fixed::U64F64 p = fixed::U64F64::from_bits(bits);
    fuzz::note("sqrt_price bits " + to_int(bits).str());
    if (const auto i = tick::try_from_sqrt_price(p)) {
        FUZZ_ASSERT(*i >= tick::MIN_INDEX && *i <= tick::MAX_INDEX);
        FUZZ_ASSERT(*tick::try_to_sqrt_price(*i) <= p);
        if (*i < tick::MAX_INDEX)
            FUZZ_ASSERT(p < *tick::try_to_sqrt_price(*i + 1));
    }
    const tick::i32 b = tick::from_sqrt_price_bounded(p);
    FUZZ_ASSERT(b >= tick::MIN_INDEX && b <= tick::MAX_INDEX);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    switch (in.u8() % 3) {
    case 0: run_tick(static_cast<tick::i32>(static_cast<std::uint32_t>(in.u64be(4)))); break;
    case 1: {
        const Int high(in.u64be(4));
        run_price((high << 128) | to_int(in.u128be()));
        break;
    }
    default: run_u64f64(in.u128be()); break;
    }
    return 0;
}
