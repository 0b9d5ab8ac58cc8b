// mainnet_fuzz: today's mainnet coinbase (spec 432+) on a byte stream decoded into a chain state
// with the Balancer reservoirs and the emission gate's storage, run for several blocks
// (`injection_capped::block_step` under mainnet-432, -440, -441 or -464), with the invariants of
// BCOIN-015, BCOIN-016 and BGATE-* checked after each block. The property test
// properties/mainnet_props.cpp checks the same on generated states, with the exact model.
// SPDX-License-Identifier: Apache-2.0
//
// Input (big-endian, zeros past the end):
//   u8 ruleset (mod 4: mainnet-432, -440, -441, -464); u32 block (+ 1); u64 TotalIssuance (mod 21e15 + 1,
//   at least Σ SubnetTAO + Σ TAO reservoirs); u64 TaoWeight; u64 root stake (mod 2^52);
//   u64 EmissionGateBar bits (U64F64 below 1; 0: never computed); u64 EmissionBarQuantile
//   fraction bits and u8 whole part (mod 2); u8 EmissionGateExponent whole part (mod 9) and u64
//   fraction bits; u16 EmissionBarRank (mod 64); u8 MinimumReserve selector (mod 3: 10^6, 100, 1);
//   u8 n (1–6 dynamic subnets), each: u64 SubnetTAO, u64 SubnetAlphaIn, u64 SubnetAlphaOut (each
//   mod 2^55), u64 quote weight (mapped into [0.01, 0.99]; 0 reads as ½), u40 moving price bits,
//   u32 MinerBurned bits (< 1.25 · 2^32), u64 TAO reservoir and u64 alpha reservoir (mod 2^50),
//   u8 flags (bit 0 SubnetEmissionEnabled off, bit 1 pool uninitialised);
//   u8 blocks (mod 6 + 1).
//
// Asserted after every block (in exact integers; no exception may escape):
//  1. spent + recycled = credit; ΔTotalIssuance = spent = Σ materialised TAO + Σ chain-buy TAO
//     kept (a failed buy is refunded whole: spent, then withdrawn).
//  2. Per subnet, TAO and alpha are active or waiting: reservoir' = reservoir + arrived − active
//     (TAO: the materialised tao_in; alpha: ⌊alpha_in⌋); ΔSubnetTAO = active TAO + chain-buy
//     paid_in; ΔSubnetAlphaIn = active alpha − bought alpha; SubnetTaoInEmission and
//     SubnetAlphaInEmission are the active amounts.
//  3. TAO conservation across blocks: TotalIssuance = Σ SubnetTAO + Σ TAO reservoirs + the
//     stranded rest of cut chain buys + what the state started with outside the pools.
//  4. Every stored quote weight stays within [0.01, 0.99]; the shares the block used sum to at
//     most one; a stored bar is positive after a refresh block with a positive share.
#include "fuzz_common.hpp"

#include "dtao/balancer.hpp"
#include "dtao/emission.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <exception>

namespace {

using namespace dtao;
using namespace dtao::fuzz;
namespace inj = dtao::injection_capped;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

constexpr u64 HALF_PARTS = Perquintill::ACCURACY / 2;

Int outside_pools(const ChainState& st)
{
    Int in_pools = 0;
    for (const auto& s : st.subnets)
        in_pools += Int(s.subnet_tao) + s.balancer_tao_reservoir;
    return Int(st.total_issuance) - in_pools;
}

int run(const std::uint8_t* data, std::size_t size)
{
    Input in(data, size);
    const Ruleset& rules = MAINNET_RULESETS[in.u8() % MAINNET_RULESETS.size()];
    ChainState st;
    st.block = in.u64be(4) + 1;
    const u64 issuance = in.u64be() % (TOTAL_SUPPLY + 1);
    st.tao_weight = in.u64be();
    Subnet root;
    root.netuid = ROOT_NETUID;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = in.u64be() % (u64{1} << 52);
    st.subnets.push_back(root);
    st.emission_gate_bar = U64F64::from_bits(in.u64be());
    st.emission_bar_quantile = U64F64::from_bits(u128{in.u64be()} | (u128{in.u8() % 2u} << 64));
    const u64 h_whole = in.u8() % 9;
    st.emission_gate_exponent = U64F64::from_bits((u128{h_whole} << 64) | in.u64be());
    st.emission_bar_rank = in.u64be(2) % 64;
    static constexpr u64 RESERVES[] = {SWAP_MINIMUM_RESERVE, 100, 1};
    st.swap_minimum_reserve = RESERVES[in.u8() % 3];
    const unsigned n = 1 + in.u8() % 6;
    for (unsigned i = 0; i < n; ++i) {
        Subnet s;
        s.netuid = i + 1;
        s.subnet_tao = in.u64be() % (u64{1} << 55);
        s.subnet_alpha_in = in.u64be() % (u64{1} << 55);
        s.subnet_alpha_out = in.u64be() % (u64{1} << 55);
        const u64 w = in.u64be();
        s.swap_balancer_quote_parts =
            w == 0 ? HALF_PARTS
                   : BALANCER_MIN_WEIGHT_PARTS + w % (Perquintill::ACCURACY - 2 * BALANCER_MIN_WEIGHT_PARTS + 1);
        s.subnet_moving_price = I96F32::from_bits(static_cast<i128>(in.u64be(5)));
        s.miner_burned = U96F32::from_bits(in.u64be(4) % (u64{5} << 30));
        s.balancer_tao_reservoir = in.u64be() % (u64{1} << 50);
        s.balancer_alpha_reservoir = in.u64be() % (u64{1} << 50);
        const std::uint8_t f = in.u8();
        s.subnet_emission_enabled = (f & 1) == 0;
        s.pal_swap_initialized = (f & 2) == 0;
        s.first_emission_block_number = 1;
        st.subnets.push_back(s);
    }
    Int pooled = 0;
    for (const auto& s : st.subnets)
        pooled += Int(s.subnet_tao) + s.balancer_tao_reservoir;
    st.total_issuance = std::max<u64>(issuance, static_cast<u64>(std::min<Int>(pooled, TOTAL_SUPPLY)));
    if (pooled > TOTAL_SUPPLY)
        return 0;  // a state the chain cannot hold
    const unsigned blocks = 1 + in.u8() % 6;
    {
        std::ostringstream c;
        c << rules.id << " block " << st.block << " TI " << st.total_issuance << " bar "
          << str(st.emission_gate_bar.bits) << " q " << str(st.emission_bar_quantile.bits) << " h "
          << str(st.emission_gate_exponent.bits) << " rank " << st.emission_bar_rank << " blocks " << blocks;
        for (const auto& s : st.subnets)
            c << "\n  subnet " << s.netuid << " tao " << s.subnet_tao << " alpha " << s.subnet_alpha_in << " out "
              << s.subnet_alpha_out << " w2 " << s.swap_balancer_quote_parts << " res " << s.balancer_tao_reservoir
              << "/" << s.balancer_alpha_reservoir;
        note(c.str());
    }

    Int stranded = 0;
    const Int outside0 = outside_pools(st);
    for (unsigned b = 0; b < blocks; ++b) {
        const ChainState pre = st;
        const auto emit_to = inj::get_subnets_to_emit_to(pre);
        const auto shares = inj::get_shares(rules, pre, emit_to);
        Int share_sum = 0;
        for (const auto& [netuid, s] : shares)
            share_sum += Int(s.bits);
        FUZZ_ASSERT(share_sum <= (Int(1) << 64), "shares sum above one: " << share_sum);
        const auto r = inj::block_step(rules, st);
        const Int spent_and_recycled = Int(r.tao_spent) + r.tao_recycled;
        const Int issued = Int(st.total_issuance) - pre.total_issuance;
        FUZZ_ASSERT_EQ(spent_and_recycled, Int(r.credit));
        FUZZ_ASSERT_EQ(issued, Int(r.tao_spent));
        Int spent = 0;
        for (const auto& e : r.emissions) {
            const Subnet& bs = *pre.find(e.netuid);
            const Subnet& s = *st.find(e.netuid);
            spent += Int(e.materialized_tao) + e.excess_spent - e.chain_buy_refunded;
            if (e.chain_buy_refunded > 0)
                FUZZ_ASSERT(!e.chain_buy_ok && e.chain_buy_refunded == e.excess_spent && e.chain_buy_paid_in == 0,
                            "a refund of a buy that executed");
            stranded += e.stranded_tao;
            const Int tao_waits = Int(bs.balancer_tao_reservoir) + e.materialized_tao - e.injected_tao;
            const Int alpha_waits =
                Int(bs.balancer_alpha_reservoir) + e.alpha_in.saturating_to_u64() - e.injected_alpha;
            const Int tao_rise = Int(e.injected_tao) + e.chain_buy_paid_in;
            const Int alpha_rise = Int(e.injected_alpha) - e.chain_buy_alpha;
            FUZZ_ASSERT_EQ(Int(s.balancer_tao_reservoir), tao_waits);
            FUZZ_ASSERT_EQ(Int(s.balancer_alpha_reservoir), alpha_waits);
            FUZZ_ASSERT_EQ(Int(s.subnet_tao) - bs.subnet_tao, tao_rise);
            FUZZ_ASSERT_EQ(Int(s.subnet_alpha_in) - bs.subnet_alpha_in, alpha_rise);
            FUZZ_ASSERT_EQ(s.subnet_tao_in_emission, e.injected_tao);
            FUZZ_ASSERT_EQ(s.subnet_alpha_in_emission, e.injected_alpha);
        }
        FUZZ_ASSERT_EQ(spent, Int(r.tao_spent));
        const Int outside_expected = outside0 + stranded;
        FUZZ_ASSERT_EQ(outside_pools(st), outside_expected);
        for (const auto& s : st.subnets)
            if (!s.is_root())
                FUZZ_ASSERT(s.swap_balancer_quote_parts >= BALANCER_MIN_WEIGHT_PARTS &&
                                s.swap_balancer_quote_parts <= Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS,
                            "weight out of bounds: " << s.swap_balancer_quote_parts);
        if (rules.emission_gate != EmissionGate::none && r.emission_gate_bar_stored)
            FUZZ_ASSERT(st.emission_gate_bar.bits > 0, "a stored bar of 0");
        ++st.block;
    }
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    try {
        return run(data, size);
    } catch (const std::exception& e) {
        FUZZ_ASSERT(false, "exception escaped: " << e.what());
    }
    return 0;
}
