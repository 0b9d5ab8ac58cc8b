// dtao-testsupport: the seed convention (seeds.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/testing/seeds.hpp"

#include <cstdlib>
#include <iostream>

namespace dtao::test {

std::uint64_t test_seed()
{
    static const std::uint64_t seed = [] {
        if (const char* s = std::getenv("DTAO_TEST_SEED"))
            return static_cast<std::uint64_t>(std::strtoull(s, nullptr, 0));
        return (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
    }();
    return seed;
}

unsigned test_iters()
{
    if (const char* s = std::getenv("DTAO_TEST_ITERS"))
        return static_cast<unsigned>(std::strtoul(s, nullptr, 0));
    return 2000;
}

std::uint64_t announce_seed(const char* what)
{
    const auto seed = test_seed();
    std::cout << "[ seed     ] " << what << ": DTAO_TEST_SEED=" << seed << "\n";
    return seed;
}

}  // namespace dtao::test
