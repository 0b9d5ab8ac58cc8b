// ema_fuzz: the bounds of the EMA manipulation theorem over fuzzed spot-price
// paths (EMA-001, EMA-002), in both models, and the chain's distance from the
// exact update.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end): u8 ruleset index (mod 8); u64
// SubnetMovingAlpha bits A mod (2^32 + 1) (so 0 ≤ A ≤ 1); u64 initial moving
// price bits (I96F32, < 2^64); u32 NetworkRegisteredAt; u8 has-FEB, u32
// FirstEmissionBlockNumber; u32 EMAPriceHalvingBlocks; u32 first block; then up
// to 32 steps of (u64 SubnetTAO x, u64 SubnetAlphaIn y, u16 blocks to advance).
// The chain path and the exact path evolve side by side from the same state;
// each step calls `update_moving_price` at the step's block.
//
// With p the spot price (clamped at 1 on v2.0.1+: p̂ = min(p, 1); p̂ = p on
// v2.0.0) and ulp = 2^−32, asserts after every step:
//  1. Exact path: the new moving price lies between the old one and p̂:
//     min(m, p̂) ≤ m' ≤ max(m, p̂) (0 ≤ α ≤ 1, m' = α·p̂ + (1 − α)·m).
//  2. Chain path: min(m, p̂) − 2 ulp < m' ≤ max(m, p̂) (two floor
//     multiplications, each losing < 1 ulp; 1 − α is exact).
//  3. One step of the chain, against the exact update of the *same* pre-state:
//     |e| < ulp·(3 + 2·|m − p̂_exact|), where e = m'_chain − m'_exact. Derivation:
//     e = α_c(p̂_c − p̂_e) + (α_e − α_c)(m − p̂_e) − f₁ − f₂ with 0 ≤ p̂_e − p̂_c < ulp
//     (price truncation), 0 ≤ α_e − α_c < 2 ulp (ramp ratio truncated, then a
//     floor product) and f₁, f₂ ∈ [0, ulp). Without a ramp α_c = α_e and e ≤ 0.
//  4. Whole path: |m_chain,n − m_exact,n| ≤ Σ of the step bounds of 3 (the
//     exact update is a contraction by 1 − α ≤ 1).
//
// Reproduce: ./dtao.sh fuzz ema repro <crash-file>   (it prints the decoded input)
#include "fuzz_common.hpp"

#include "dtao/ema.hpp"
#include "dtao/pool.hpp"

#include <algorithm>

using namespace dtao;
using dtao::fuzz::Input;

namespace {

Rational abs_r(const Rational& r) { return r < 0 ? Rational(-r) : r; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    Input in(data, size);
    const Ruleset& rules = LAUNCH_RULESETS[in.u8() % LAUNCH_RULESETS.size()];
    const u64 a_bits = in.u64be() % ((u64{1} << 32) + 1);
    const u64 m0 = in.u64be();
    Subnet s;
    s.netuid = 1;
    s.network_registered_at = in.u64be(4);
    const bool has_feb = in.flag();
    const u64 feb = in.u64be(4);
    if (has_feb)
        s.first_emission_block_number = feb;
    s.ema_price_halving_blocks = in.u64be(4);
    u64 block = in.u64be(4);
    s.subnet_moving_price = fixed::I96F32::from_bits(static_cast<i128>(m0));
    FUZZ_NOTE("ruleset", std::string(rules.id));
    FUZZ_NOTE("moving_alpha_bits", a_bits);
    FUZZ_NOTE("moving_price_bits", m0);
    FUZZ_NOTE("registered_at", s.network_registered_at);
    FUZZ_NOTE("feb", has_feb ? std::to_string(feb) : std::string("unset"));
    FUZZ_NOTE("halving_blocks", s.ema_price_halving_blocks);

    const auto A = fixed::I96F32::from_bits(static_cast<i128>(a_bits));
    const Rational A_exact = A.to_rational();
    const Rational ulp(Int(1), Int(1) << 32);
    ChainState tmp;
    tmp.subnets = {s};
    ExactSubnet e = to_exact(tmp).subnets[0];
    Rational drift_bound = 0;

    for (int step = 0; step < 32 && in.remaining() > 0; ++step) {
        s.subnet_tao = in.u64be();
        s.subnet_alpha_in = in.u64be();
        e.subnet_tao = Rational(s.subnet_tao);
        e.subnet_alpha_in = Rational(s.subnet_alpha_in);
        block = sat_add(block, in.u64be(2));
        FUZZ_NOTE("step", step);
        FUZZ_NOTE("  x", s.subnet_tao);
        FUZZ_NOTE("  y", s.subnet_alpha_in);
        FUZZ_NOTE("  block", block);

        // 3. the chain step against the exact update of the same pre-state
        const Rational m_c = s.subnet_moving_price.to_rational();
        tmp.subnets = {s};
        ExactSubnet same = to_exact(tmp).subnets[0];
        const auto ue_same = exact::update_moving_price(rules, same, block, A_exact);
        const auto uc = chain::update_moving_price(rules, s, block, A);
        const Rational mc_new = uc.moving_price.to_rational();
        const Rational err = mc_new - ue_same.moving_price;
        const Rational step_bound = ulp * (3 + 2 * abs_r(m_c - ue_same.price));
        FUZZ_ASSERT(abs_r(err) < step_bound,
                    "chain step error " << to_string(err) << " bound " << to_string(step_bound));
        if (rules.ema_ramp == EmaRamp::none)
            FUZZ_ASSERT(err <= 0, "without a ramp the chain must not exceed the exact update");

        // 2. chain path bounds
        const Rational pc = uc.price.to_rational();
        FUZZ_ASSERT(mc_new <= std::max(m_c, pc), "chain m' above max(m, p)");
        FUZZ_ASSERT(mc_new > std::min(m_c, pc) - 2 * ulp, "chain m' below min(m, p) - 2 ulp");
        if (rules.ema_clamp_at_one)
            FUZZ_ASSERT(pc <= 1);

        // 1. exact path bounds
        const Rational m_e = e.subnet_moving_price;
        const auto ue = exact::update_moving_price(rules, e, block, A_exact);
        FUZZ_ASSERT(ue.moving_price <= std::max(m_e, ue.price) && ue.moving_price >= std::min(m_e, ue.price),
                    "exact m' outside [min(m, p), max(m, p)]");
        if (rules.ema_clamp_at_one)
            FUZZ_ASSERT(ue.price <= 1);

        // 4. drift of the two paths
        drift_bound += step_bound;
        FUZZ_ASSERT(abs_r(mc_new - e.subnet_moving_price) <= drift_bound,
                    "paths drifted " << to_string(mc_new - e.subnet_moving_price) << " > " << to_string(drift_bound));
    }
    return 0;
}
