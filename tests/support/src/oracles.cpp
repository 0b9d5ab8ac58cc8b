// dtao-testsupport: shared oracles (oracles.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/testing/oracles.hpp"

#include "dtao/numeric/bigmath.hpp"

namespace dtao::test {

std::optional<std::string> reweight_price_violation(u64 parts0, u64 parts1, u64 y, u64 x, u64 dy, u64 dx)
{
    if (x == 0 || y == 0)
        return std::nullopt;
    const Perquintill w{parts0};
    const Int q1 = to_int(bigmath::mul_perquintill_round(bigmath::one_minus(w), u128{y} * (u128{x} + dx)));
    const Int q2 = to_int(bigmath::mul_perquintill_round(w, u128{x} * (u128{y} + dy)));
    if (q1 == 0 || q2 == 0)
        return std::nullopt;
    const Rational acc{Int(Perquintill::ACCURACY)};
    auto price = [&](u64 parts, const Int& xx, const Int& yy) {
        const Rational w2 = Rational(Int(parts)) / acc;
        return (1 - w2) / w2 * Rational(yy, xx);
    };
    const Rational p = price(parts0, x, y);
    const Rational p1 = price(parts1, Int(x) + dx, Int(y) + dy);
    if (abs(p1 - p) <= p * (Rational(1, q1) + Rational(1, q2) + Rational(21, Int("100000000000000000"))))
        return std::nullopt;
    return "reweighting moved the price from " + to_string(p) + " to " + to_string(p1);
}

}  // namespace dtao::test
