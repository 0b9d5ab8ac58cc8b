// dtao-testsupport: state comparison with a readable diff (compare.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/testing/compare.hpp"

#include "dtao/testing/print.hpp"

#include <optional>
#include <type_traits>

namespace dtao::test {

namespace {

template <typename T>
std::string text(const T& v)
{
    if constexpr (std::is_same_v<T, Mechanism>)
        return v == Mechanism::stable ? "stable" : "dynamic";
    else if constexpr (requires { v.bits; })
        return str(v.bits) + " (bits)";
    else
        return str(v);
}

template <typename T>
std::string text(const std::optional<T>& v)
{
    return v ? text(*v) : std::string("none");
}

template <typename T>
void field(std::string& out, const std::string& prefix, const char* name, const T& a, const T& b)
{
    if (!(a == b))
        out += prefix + name + ": " + text(a) + " != " + text(b) + "\n";
}

void subnet_fields(std::string& out, const std::string& p, const Subnet& a, const Subnet& b)
{
#define DTAO_DIFF_FIELD(f) field(out, p, #f, a.f, b.f)
    DTAO_DIFF_FIELD(netuid);
    DTAO_DIFF_FIELD(mechanism);
    DTAO_DIFF_FIELD(subnet_tao);
    DTAO_DIFF_FIELD(subnet_alpha_in);
    DTAO_DIFF_FIELD(subnet_alpha_out);
    DTAO_DIFF_FIELD(subnet_moving_price);
    DTAO_DIFF_FIELD(subnet_volume);
    DTAO_DIFF_FIELD(pending_emission);
    DTAO_DIFF_FIELD(pending_root_divs);
    DTAO_DIFF_FIELD(pending_alpha_swapped);
    DTAO_DIFF_FIELD(pending_owner_cut);
    DTAO_DIFF_FIELD(subnet_tao_in_emission);
    DTAO_DIFF_FIELD(subnet_alpha_in_emission);
    DTAO_DIFF_FIELD(subnet_alpha_out_emission);
    DTAO_DIFF_FIELD(tempo);
    DTAO_DIFF_FIELD(network_registration_allowed);
    DTAO_DIFF_FIELD(network_pow_registration_allowed);
    DTAO_DIFF_FIELD(network_registered_at);
    DTAO_DIFF_FIELD(first_emission_block_number);
    DTAO_DIFF_FIELD(ema_price_halving_blocks);
    DTAO_DIFF_FIELD(blocks_since_last_step);
    DTAO_DIFF_FIELD(last_mechanism_step_block);
    DTAO_DIFF_FIELD(swap_balancer_quote_parts);
    DTAO_DIFF_FIELD(pal_swap_initialized);
    DTAO_DIFF_FIELD(fee_rate);
    DTAO_DIFF_FIELD(subnet_protocol_alpha);
    DTAO_DIFF_FIELD(subnet_excess_tao);
    DTAO_DIFF_FIELD(pending_server_emission);
    DTAO_DIFF_FIELD(pending_validator_emission);
    DTAO_DIFF_FIELD(pending_root_alpha_divs);
    DTAO_DIFF_FIELD(miner_burned);
    DTAO_DIFF_FIELD(subtoken_enabled);
    DTAO_DIFF_FIELD(subnet_emission_enabled);
    DTAO_DIFF_FIELD(owner_cut_enabled);
    DTAO_DIFF_FIELD(last_epoch_block);
    DTAO_DIFF_FIELD(pending_epoch_at);
    DTAO_DIFF_FIELD(subnet_epoch_index);
#undef DTAO_DIFF_FIELD
}

}  // namespace

std::string diff(const Subnet& a, const Subnet& b)
{
    std::string out;
    subnet_fields(out, "", a, b);
    if (out.empty() && !(a == b))
        out = "a field that test::diff does not list differs (tests/support/src/compare.cpp)\n";
    return out;
}

std::string diff(const ChainState& a, const ChainState& b)
{
    std::string out;
#define DTAO_DIFF_FIELD(f) field(out, "", #f, a.f, b.f)
    DTAO_DIFF_FIELD(block);
    DTAO_DIFF_FIELD(total_issuance);
    DTAO_DIFF_FIELD(total_stake);
    DTAO_DIFF_FIELD(tao_weight);
    DTAO_DIFF_FIELD(subnet_owner_cut);
    DTAO_DIFF_FIELD(subnet_moving_alpha_bits);
    DTAO_DIFF_FIELD(network_last_registered);
    DTAO_DIFF_FIELD(network_last_lock_cost);
    DTAO_DIFF_FIELD(network_min_lock_cost);
    DTAO_DIFF_FIELD(network_lock_reduction_interval);
    DTAO_DIFF_FIELD(network_rate_limit);
    DTAO_DIFF_FIELD(swap_minimum_reserve);
    DTAO_DIFF_FIELD(max_epochs_per_block);
    DTAO_DIFF_FIELD(block_author);
#undef DTAO_DIFF_FIELD
    if (a.subnets.size() != b.subnets.size())
        out += "subnets.size(): " + str(static_cast<u64>(a.subnets.size())) +
               " != " + str(static_cast<u64>(b.subnets.size())) + "\n";
    for (std::size_t i = 0; i < a.subnets.size() && i < b.subnets.size(); ++i)
        subnet_fields(out, "subnets[" + std::to_string(i) + "].", a.subnets[i], b.subnets[i]);
    if (out.empty() && !(a == b))
        out = "a field that test::diff does not list differs (tests/support/src/compare.cpp)\n";
    return out;
}

Int sum_subnet_tao(const ChainState& st)
{
    Int s = 0;
    for (const auto& n : st.subnets)
        s += n.subnet_tao;
    return s;
}

Int balancer_pending_alpha(const Subnet& s)
{
    return Int(s.pending_server_emission) + s.pending_validator_emission + s.pending_root_alpha_divs +
           s.pending_owner_cut;
}

}  // namespace dtao::test
