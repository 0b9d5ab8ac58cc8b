// dtao-reference: the moving price (EMA).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/ema.hpp"

#include "dtao/pool.hpp"
#include "dtao/v3_stake.hpp"

namespace dtao {

u64 ema_blocks_since(const Ruleset& rules, u64 network_registered_at, std::optional<u64> first_emission_block_number,
                     u64 block) noexcept
{
    switch (rules.ema_ramp) {
    case EmaRamp::none: return 0;
    case EmaRamp::since_registration: return sat_sub(block, network_registered_at);
    case EmaRamp::since_start_call:
        // `FirstEmissionBlockNumber.unwrap_or_default().saturating_sub(1)`:
        // an unset FEB makes b the block number itself (findings F-006).
        return sat_sub(block, sat_sub(first_emission_block_number.value_or(0), 1));
    }
    return 0;
}

u64 ema_halving_blocks(const Ruleset& rules, u64 ema_price_halving_blocks) noexcept
{
    return rules.ema_halving_per_subnet ? ema_price_halving_blocks : EMA_RAMP_CONSTANT_BLOCKS;
}

namespace chain {

using fixed::I96F32;

EmaUpdate moving_alpha(const Ruleset& rules, const Subnet& s, u64 block, I96F32 moving_alpha)
{
    EmaUpdate u;
    u.alpha = moving_alpha;
    if (rules.ema_ramp != EmaRamp::none) {
        u.blocks_since = ema_blocks_since(rules, s.network_registered_at, s.first_emission_block_number, block);
        const I96F32 b = I96F32::saturating_from_u64(u.blocks_since);
        const I96F32 h = I96F32::saturating_from_u64(ema_halving_blocks(rules, s.ema_price_halving_blocks));
        u.alpha = moving_alpha.saturating_mul(b.safe_div(b.saturating_add(h)));
    }
    return u;
}

EmaUpdate update_moving_price(const Ruleset& rules, Subnet& s, u64 block, I96F32 moving_alpha_param)
{
    EmaUpdate u = moving_alpha(rules, s, block, moving_alpha_param);
    const I96F32 minus_alpha = I96F32::one().saturating_sub(u.alpha);
    u.price = alpha_price(rules, s);  // on the v3 pool its sqrt² (VCOIN-001)
    if (rules.ema_clamp_at_one)
        u.price = u.price.min(I96F32::one());
    const I96F32 current_price = u.alpha.saturating_mul(u.price);
    const I96F32 current_moving = minus_alpha.saturating_mul(moving_alpha_price(rules, s));
    u.moving_price = current_price.saturating_add(current_moving);
    s.subnet_moving_price = u.moving_price;
    return u;
}

}  // namespace chain

namespace exact {

EmaUpdate moving_alpha(const Ruleset& rules, const ExactSubnet& s, u64 block, const Rational& moving_alpha)
{
    EmaUpdate u;
    u.alpha = moving_alpha;
    if (rules.ema_ramp != EmaRamp::none) {
        u.blocks_since = ema_blocks_since(rules, s.network_registered_at, s.first_emission_block_number, block);
        const Int b = u.blocks_since;
        const Int bh = b + Int(ema_halving_blocks(rules, s.ema_price_halving_blocks));
        u.alpha = bh == 0 ? Rational(0) : Rational(moving_alpha * Rational(b, bh));
    }
    return u;
}

EmaUpdate update_moving_price(const Ruleset& rules, ExactSubnet& s, u64 block, const Rational& moving_alpha_param)
{
    EmaUpdate u = moving_alpha(rules, s, block, moving_alpha_param);
    u.price = alpha_price(s);
    if (rules.ema_clamp_at_one && u.price > 1)
        u.price = 1;
    u.moving_price = u.alpha * u.price + (1 - u.alpha) * moving_alpha_price(s);
    s.subnet_moving_price = u.moving_price;
    return u;
}

}  // namespace exact

}  // namespace dtao
