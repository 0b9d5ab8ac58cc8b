// A consumer of the installed reference (tests/package/install_test.sh): two
// block emissions whose values follow from the halving rule by hand, so that a
// package that links but computes something else fails.
// SPDX-License-Identifier: Apache-2.0
#include <dtao/emission.hpp>

#include <cstdio>

int main()
{
    // EMIS-001: E = 10^9 / 2^k with k = floor(log2(S / (S − I))), S = 2.1·10^16 rao.
    // I = 0: k = 0, E = 10^9. I = S/2 = 1.05·10^16: S / (S − I) = 2, k = 1, E = 5·10^8.
    const auto none = dtao::chain::block_emission(0);
    const auto half = dtao::chain::block_emission(10'500'000'000'000'000);
    if (!none.ok() || !half.ok()) {
        std::puts("block_emission returned an error");
        return 1;
    }
    if (none->emission != 1'000'000'000u || half->emission != 500'000'000u || half->halvings != 1u) {
        std::printf("unexpected emission: %llu at 0, %llu (k=%llu) at S/2\n",
                    static_cast<unsigned long long>(none->emission), static_cast<unsigned long long>(half->emission),
                    static_cast<unsigned long long>(half->halvings));
        return 1;
    }
    std::puts("dtao::reference from the installed package: block emission 1000000000 at 0, 500000000 at S/2");
    return 0;
}
