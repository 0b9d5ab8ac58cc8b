// The mock chain of subtensor's coinbase tests (tests/mock.rs @ 14bc6f9) that the
// injection-capped unit tests share (injection_capped_test.cpp, injection_capped_epoch_test.cpp).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"

namespace dtao::test::coinbase_mock {

using namespace dtao::chain::injection_capped;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;

/// The mock's chain state at `block`: TaoWeight 0, SubnetOwnerCut 0,
/// MinimumReserve 100, MaxEpochsPerBlock 32, min lock 100e9, a root entry.
inline ChainState mock_state(u64 block = 1)
{
    ChainState st;
    st.block = block;
    st.tao_weight = 0;
    st.subnet_owner_cut = 0;
    st.swap_minimum_reserve = 100;
    st.max_epochs_per_block = 32;
    st.network_min_lock_cost = 100'000'000'000;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    st.subnets.push_back(root);
    return st;
}

/// `add_network(netuid, tempo, 0)`: stable, FEB 1, SubtokenEnabled, registration allowed,
/// SubnetEmissionEnabled true (init_new_network), LastEpochBlock staggered.
inline Subnet add_network(const ChainState& st, u64 netuid, u64 tempo)
{
    Subnet s;
    s.netuid = netuid;
    s.mechanism = Mechanism::stable;
    s.tempo = tempo;
    s.last_epoch_block = initial_last_epoch_block(netuid, tempo, st.block);
    s.first_emission_block_number = 1;
    s.subtoken_enabled = true;
    s.network_registration_allowed = true;
    s.subnet_emission_enabled = true;
    return s;
}

/// `add_dynamic_network`: pool 100e9 / 100e9 at w = ½, emission disabled, FEB 0.
inline Subnet add_dynamic_network(const ChainState& st, u64 netuid)
{
    Subnet s = add_network(st, netuid, 360);
    s.mechanism = Mechanism::dynamic;
    s.first_emission_block_number = 0;
    s.subnet_emission_enabled = false;
    s.subnet_tao = 100'000'000'000;
    s.subnet_alpha_in = 100'000'000'000;
    return s;
}

inline void set_full_injection_root_stake(ChainState& st)
{
    st.find(0)->subnet_tao = 1'000'000'000'000'000'000;
    st.tao_weight = U64_MAX;
}

inline U96F32 u96(u64 v) { return U96F32::saturating_from_u64(v); }
inline double to_f64(U96F32 v) { return static_cast<double>(v.bits) / 4294967296.0; }
inline double to_f64(U64F64 v) { return static_cast<double>(v.bits) / 18446744073709551616.0; }
inline double to_f64(I96F32 v) { return static_cast<double>(v.bits) / 4294967296.0; }

/// mint_tao then run_coinbase, as the Rust tests do.
inline chain::injection_capped::CoinbaseResult mint_and_run(const Ruleset& r, ChainState& st, u64 amount)
{
    return run_coinbase(r, st, mint_tao(st, amount));
}

}  // namespace dtao::test::coinbase_mock
