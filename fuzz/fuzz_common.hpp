// dtao fuzz targets: shared input decoding and assertion helpers (the libFuzzer
// side; printing, builders and state comparison are the support library's,
// tests/support/).
// SPDX-License-Identifier: Apache-2.0
//
// Every target decodes its input with `Input` (fixed-layout big-endian fields;
// an exhausted input reads as zeros, so every byte string is a valid case) and
// fails through FUZZ_ASSERT*, which prints the expression, the values and the
// decoded input, then traps (libFuzzer writes the crash file). In the replay
// build (`DTAO_FUZZ_REPLAY`, plain g++ programs run by ctest) a failure exits
// with status 1 instead, so a failing corpus file is a normal test failure.
// `PRINT=1` in the environment makes each target print its decoded input.
#pragma once

#include "dtao/numeric/arith.hpp"
#include "dtao/state.hpp"
#include "dtao/testing/compare.hpp"
#include "dtao/testing/print.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace dtao::fuzz {

/// Reads fixed-width big-endian fields; past the end every byte is 0.
class Input
{
public:
    Input(const std::uint8_t* data, std::size_t size) noexcept : m_data(data), m_size(size) {}

    [[nodiscard]] std::uint8_t u8() noexcept { return m_pos < m_size ? m_data[m_pos++] : 0; }
    [[nodiscard]] bool flag() noexcept { return (u8() & 1) != 0; }
    [[nodiscard]] u64 u64be(unsigned bytes = 8) noexcept
    {
        u64 v = 0;
        for (unsigned i = 0; i < bytes; ++i)
            v = (v << 8) | u8();
        return v;
    }
    [[nodiscard]] u128 u128be() noexcept
    {
        const u128 hi = u64be();
        return (hi << 64) | u64be();
    }
    /// A value in [0, n) (n > 0).
    [[nodiscard]] u64 below(u64 n, unsigned bytes = 8) noexcept { return u64be(bytes) % n; }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_pos < m_size ? m_size - m_pos : 0; }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// The value printers of the assertion messages (tests/support: print.hpp).
using test::str;

/// Whether PRINT=1 is set (decoded inputs are printed).
inline bool print_enabled()
{
    static const bool on = [] {
        const char* p = std::getenv("PRINT");
        return p != nullptr && p[0] == '1';
    }();
    return on;
}

/// The decoded input of the current case, printed on failure (and with PRINT=1).
inline std::string& context()
{
    static std::string c;
    return c;
}

inline void note(const std::string& line)
{
    if (print_enabled())
        std::fprintf(stderr, "  %s\n", line.c_str());
    context() += "  " + line + "\n";
}

/// Every stored field equal (the reference's operator==); when not, the fields that
/// differ go into the failure context, so "a rejected operation changed the state"
/// names them.
inline bool same(const Subnet& a, const Subnet& b)
{
    if (a == b)
        return true;
    context() += "  differing fields:\n" + test::diff(a, b);
    return false;
}
inline bool same(const ChainState& a, const ChainState& b)
{
    if (a == b)
        return true;
    context() += "  differing fields:\n" + test::diff(a, b);
    return false;
}

[[noreturn]] inline void fail(const char* file, int line, const std::string& what)
{
    std::fprintf(stderr, "%s:%d: FUZZ ASSERTION FAILED: %s\ndecoded input:\n%s", file, line, what.c_str(),
                 context().c_str());
    std::fflush(stderr);
#ifdef DTAO_FUZZ_REPLAY
    std::_Exit(1);
#else
    __builtin_trap();
#endif
}

}  // namespace dtao::fuzz

#define FUZZ_ASSERT(cond, ...)                                                                                         \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::ostringstream fuzz_msg_;                                                                              \
            fuzz_msg_ << #cond;                                                                                        \
            __VA_OPT__(fuzz_msg_ << " — " << __VA_ARGS__;)                                                             \
            ::dtao::fuzz::fail(__FILE__, __LINE__, fuzz_msg_.str());                                                   \
        }                                                                                                              \
    } while (0)

#define FUZZ_ASSERT_EQ(a, b)                                                                                           \
    do {                                                                                                               \
        const auto& fuzz_a_ = (a);                                                                                     \
        const auto& fuzz_b_ = (b);                                                                                     \
        if (!(fuzz_a_ == fuzz_b_))                                                                                     \
            ::dtao::fuzz::fail(__FILE__, __LINE__,                                                                     \
                               std::string(#a " == " #b) + " — " + ::dtao::fuzz::str(fuzz_a_) +                        \
                                   " != " + ::dtao::fuzz::str(fuzz_b_));                                               \
    } while (0)

/// Start a new case: clear the failure context.
#define FUZZ_BEGIN() ::dtao::fuzz::context().clear()
/// Record a decoded field for the failure message (and PRINT=1).
#define FUZZ_NOTE(name, value) ::dtao::fuzz::note(std::string(name) + " = " + ::dtao::fuzz::str(value))
