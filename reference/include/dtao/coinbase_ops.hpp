// dtao-reference: the launch-era rule hooks the generic coinbase and drain call.
// SPDX-License-Identifier: Apache-2.0
//
// `Ops<Model>` is the model's arithmetic (`dtao/numeric/model.hpp`) plus the
// launch-era rules the coinbase and the drain reach through it (price, moving
// price, block emission, the root sell, the EMA update), so those two are
// written once and instantiated for both models. The pool hooks take the ruleset: its
// `SwapKind` picks the constant-product pool or the v3 pool (chain model only, RSET-024). Spec: spec/arithmetic.md
// (ARITH-002), spec/coinbase.md (COIN-*).
#pragma once

#include "dtao/emission.hpp"
#include "dtao/ema.hpp"
#include "dtao/pool.hpp"
#include "dtao/v3_stake.hpp"

#include <optional>
#include <stdexcept>

namespace dtao {

template <typename Model>
struct Ops;

template <>
struct Ops<ChainModel> : Arithmetic<ChainModel>
{
    using Subnet = dtao::Subnet;
    static Num moving_alpha(const ChainState& st) { return Num::from_bits(st.subnet_moving_alpha_bits); }

    static Num alpha_price(const Ruleset& r, const Subnet& s) { return chain::alpha_price(r, s); }
    static Num moving_alpha_price(const Ruleset& r, const Subnet& s) { return chain::moving_alpha_price(r, s); }
    static Num alpha_block_emission(Amount issuance) { return num(chain::block_emission_amount(issuance)); }
    /// The root sell: the TAO out, or nullopt when the pool refuses (the launch pool never does).
    static std::optional<Amount> swap_alpha_for_tao(const Ruleset& r, Subnet& s, Amount& total_stake, Amount alpha)
    {
        if (r.swap != SwapKind::concentrated)
            return chain::swap_alpha_for_tao(s, total_stake, alpha);
        const auto sold = v3::swap_alpha_for_tao(r, s, total_stake, alpha, v3::min_price(), Fees::dropped);
        return sold ? std::optional<Amount>(sold->amount_paid_out) : std::nullopt;
    }
    /// The subsidy's chain buy (v3 pool only): the alpha out, or nullopt when the pool refuses.
    static std::optional<Amount> swap_tao_for_alpha(const Ruleset& r, Subnet& s, Amount& total_stake, Amount tao)
    {
        const auto bought = v3::swap_tao_for_alpha(r, s, total_stake, tao, v3::max_price(), Fees::dropped);
        return bought ? std::optional<Amount>(bought->amount_paid_out) : std::nullopt;
    }
    /// The injection's share of the protocol position (v3 pool only, VSWAP-016).
    static void adjust_protocol_liquidity(const Ruleset& r, Subnet& s, Amount tao, Amount alpha)
    {
        if (r.swap == SwapKind::concentrated)
            (void)v3::adjust_protocol_liquidity(r, v3::pool_of(s), tao, alpha);
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

    // The exact model has the constant-product pool alone: `exact::run_coinbase` refuses a
    // ruleset on another pool before any hook runs, so the v3 hooks below are never reached.
    static Num alpha_price(const Ruleset& r, const Subnet& s)
    {
        constant_product_only(r);
        return exact::alpha_price(s);
    }
    static Num moving_alpha_price(const Ruleset& r, const Subnet& s)
    {
        constant_product_only(r);
        return exact::moving_alpha_price(s);
    }
    static Num alpha_block_emission(const Amount& issuance) { return exact::block_emission(issuance).emission; }
    static std::optional<Amount> swap_alpha_for_tao(const Ruleset& r, Subnet& s, Amount& total_stake,
                                                    const Amount& alpha)
    {
        constant_product_only(r);
        return exact::swap_alpha_for_tao(s, total_stake, alpha);
    }
    static std::optional<Amount> swap_tao_for_alpha(const Ruleset& r, Subnet&, Amount&, const Amount&)
    {
        constant_product_only(r);
        throw std::logic_error("the subsidy's chain buy runs on the v3 pool only");
    }
    static void adjust_protocol_liquidity(const Ruleset& r, Subnet&, const Amount&, const Amount&)
    {
        constant_product_only(r);
    }
    /// RSET-024: the v3 pool has no exact model.
    static void constant_product_only(const Ruleset& r)
    {
        if (r.swap != SwapKind::constant_product)
            throw std::invalid_argument("ruleset " + std::string(r.id) +
                                        ": the exact model has the constant-product pool alone (RSET-024)");
    }
    static void update_moving_price(const Ruleset& r, Subnet& s, u64 block, const Num& a)
    {
        exact::update_moving_price(r, s, block, a);
    }
};

}  // namespace dtao
