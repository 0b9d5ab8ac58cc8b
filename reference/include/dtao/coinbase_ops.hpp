// dtao-reference: the launch-era rule hooks the generic coinbase and drain call.
// SPDX-License-Identifier: Apache-2.0
//
// `Ops<Model>` is the model's arithmetic (`dtao/numeric/model.hpp`) plus the
// launch-era rules the coinbase and the drain reach through it (price, moving
// price, block emission, the root sell, the EMA update), so those two are
// written once and instantiated for both models. Spec: spec/arithmetic.md
// (ARITH-002), spec/coinbase.md (COIN-*).
#pragma once

#include "dtao/emission.hpp"
#include "dtao/ema.hpp"
#include "dtao/pool.hpp"

namespace dtao {

template <typename Model>
struct Ops;

template <>
struct Ops<ChainModel> : Arithmetic<ChainModel>
{
    using Subnet = dtao::Subnet;
    static Num moving_alpha(const ChainState& st) { return Num::from_bits(st.subnet_moving_alpha_bits); }

    static Num alpha_price(const Subnet& s) { return chain::alpha_price(s); }
    static Num moving_alpha_price(const Subnet& s) { return chain::moving_alpha_price(s); }
    static Num alpha_block_emission(Amount issuance) { return num(chain::block_emission_amount(issuance)); }
    static Amount swap_alpha_for_tao(Subnet& s, Amount& total_stake, Amount alpha)
    {
        return chain::swap_alpha_for_tao(s, total_stake, alpha);
    }
    static void update_moving_price(const Ruleset& r, Subnet& s, u64 block, Num a)
    {
        chain::update_moving_price(r, s, block, a);
    }
};

template <>
struct Ops<ExactModel> : Arithmetic<ExactModel>
{
    using Subnet = ExactSubnet;
    static Num moving_alpha(const ExactChainState& st)
    {
        return Rational(to_int(static_cast<u128>(st.subnet_moving_alpha_bits)), Int(1) << 32);
    }

    static Num alpha_price(const Subnet& s) { return exact::alpha_price(s); }
    static Num moving_alpha_price(const Subnet& s) { return exact::moving_alpha_price(s); }
    static Num alpha_block_emission(const Amount& issuance) { return exact::block_emission(issuance).emission; }
    static Amount swap_alpha_for_tao(Subnet& s, Amount& total_stake, const Amount& alpha)
    {
        return exact::swap_alpha_for_tao(s, total_stake, alpha);
    }
    static void update_moving_price(const Ruleset& r, Subnet& s, u64 block, const Num& a)
    {
        exact::update_moving_price(r, s, block, a);
    }
};

}  // namespace dtao
