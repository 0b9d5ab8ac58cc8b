// dtao-reference: the exact image of a chain state.
// SPDX-License-Identifier: Apache-2.0
#include "dtao/state.hpp"

namespace dtao {

ExactSubnet to_exact(const Subnet& s)
{
    ExactSubnet x;
    x.netuid = s.netuid;
    x.mechanism = s.mechanism;
    x.subnet_tao = s.subnet_tao;
    x.subnet_alpha_in = s.subnet_alpha_in;
    x.subnet_alpha_out = s.subnet_alpha_out;
    x.subnet_moving_price = s.subnet_moving_price.to_rational();
    x.subnet_volume = Rational(to_int(s.subnet_volume));
    x.pending_emission = s.pending_emission;
    x.pending_root_divs = s.pending_root_divs;
    x.pending_alpha_swapped = s.pending_alpha_swapped;
    x.pending_owner_cut = s.pending_owner_cut;
    x.subnet_tao_in_emission = s.subnet_tao_in_emission;
    x.subnet_alpha_in_emission = s.subnet_alpha_in_emission;
    x.subnet_alpha_out_emission = s.subnet_alpha_out_emission;
    x.tempo = s.tempo;
    x.network_registration_allowed = s.network_registration_allowed;
    x.network_pow_registration_allowed = s.network_pow_registration_allowed;
    x.network_registered_at = s.network_registered_at;
    x.first_emission_block_number = s.first_emission_block_number;
    x.ema_price_halving_blocks = s.ema_price_halving_blocks;
    x.blocks_since_last_step = s.blocks_since_last_step;
    x.last_mechanism_step_block = s.last_mechanism_step_block;
    x.swap_balancer_quote_parts = s.swap_balancer_quote_parts;
    x.pal_swap_initialized = s.pal_swap_initialized;
    x.fee_rate = s.fee_rate;
    x.balancer_tao_reservoir = s.balancer_tao_reservoir;
    x.balancer_alpha_reservoir = s.balancer_alpha_reservoir;
    x.subnet_fast_moving_price = s.subnet_fast_moving_price;
    x.subnet_protocol_alpha = s.subnet_protocol_alpha;
    x.subnet_excess_tao = s.subnet_excess_tao;
    x.pending_server_emission = s.pending_server_emission;
    x.pending_validator_emission = s.pending_validator_emission;
    x.pending_root_alpha_divs = s.pending_root_alpha_divs;
    x.miner_burned = s.miner_burned.to_rational();
    x.subtoken_enabled = s.subtoken_enabled;
    x.subnet_emission_enabled = s.subnet_emission_enabled;
    x.owner_cut_enabled = s.owner_cut_enabled;
    x.last_epoch_block = s.last_epoch_block;
    x.pending_epoch_at = s.pending_epoch_at;
    x.subnet_epoch_index = s.subnet_epoch_index;
    x.subnet_tao_provided = s.subnet_tao_provided;
    x.subnet_alpha_in_provided = s.subnet_alpha_in_provided;
    x.swap_v3 = s.swap_v3;
    return x;
}

ExactChainState to_exact(const ChainState& c)
{
    ExactChainState e;
    e.block = c.block;
    e.total_issuance = c.total_issuance;
    e.total_stake = c.total_stake;
    e.tao_weight = c.tao_weight;
    e.subnet_owner_cut = c.subnet_owner_cut;
    e.subnet_moving_alpha_bits = c.subnet_moving_alpha_bits;
    e.network_last_registered = c.network_last_registered;
    e.network_last_lock_cost = c.network_last_lock_cost;
    e.network_min_lock_cost = c.network_min_lock_cost;
    e.network_lock_reduction_interval = c.network_lock_reduction_interval;
    e.network_rate_limit = c.network_rate_limit;
    e.swap_minimum_reserve = c.swap_minimum_reserve;
    e.max_epochs_per_block = c.max_epochs_per_block;
    e.block_author = c.block_author;
    e.emission_gate_bar = c.emission_gate_bar;
    e.emission_bar_quantile = c.emission_bar_quantile;
    e.emission_gate_exponent = c.emission_gate_exponent;
    e.emission_bar_rank = c.emission_bar_rank;
    for (const auto& s : c.subnets)
        e.subnets.push_back(to_exact(s));
    return e;
}

}  // namespace dtao
