// dtao-testsupport: state builders (builders.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/testing/builders.hpp"

#include "dtao/testing/random.hpp"

#include <algorithm>
#include <random>

namespace dtao::test {

ChainState random_launch_state(unsigned n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    ChainState st;
    st.block = 5'000'000;
    st.total_issuance = 7'000'000'000'000'000;  // 7 M TAO: no halving yet
    st.total_stake = 0;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    root.subnet_tao = 1'000'000'000'000'000;  // 1e15
    root.subnet_moving_price = fixed::I96F32::one();
    root.first_emission_block_number = 1;
    st.subnets.push_back(root);
    st.total_stake += root.subnet_tao;
    for (unsigned i = 1; i <= n; ++i) {
        Subnet s;
        s.netuid = i;
        s.mechanism = Mechanism::dynamic;
        // TAO reserve log-uniform in [1e12, 1e15]; alpha reserve log-uniform in
        // [max(1e13, tao / 2), 8e15] (spot price in ~[1.25e-4, 2]); alpha out
        // 0.2..1.5 x alpha in, so the alpha issuance stays below 21e15 and the
        // per-subnet alpha block emission goes through the halving code.
        s.subnet_tao = log_uniform(rng, 1e12, 1e15);
        s.subnet_alpha_in = log_uniform(rng, std::max(1e13, static_cast<double>(s.subnet_tao) / 2), 8e15);
        s.subnet_alpha_out = static_cast<u64>(static_cast<double>(s.subnet_alpha_in) *
                                              std::uniform_real_distribution<double>(0.2, 1.5)(rng));
        const double price = static_cast<double>(s.subnet_tao) / static_cast<double>(s.subnet_alpha_in);
        // moving price within +-30 % of the spot price, as I96F32 bits
        const double mp = price * std::uniform_real_distribution<double>(0.7, 1.3)(rng);
        s.subnet_moving_price = fixed::I96F32::from_bits(static_cast<i128>(mp * 4294967296.0));
        s.subnet_volume = s.subnet_tao;
        s.pending_emission = uniform(rng, 0, 100'000'000'000);
        s.pending_root_divs = uniform(rng, 0, 10'000'000'000);
        s.pending_alpha_swapped = uniform(rng, 0, 10'000'000'000);
        s.pending_owner_cut = uniform(rng, 0, 10'000'000'000);
        s.tempo = 360;
        s.network_registered_at = uniform(rng, 1, 4'000'000);
        s.first_emission_block_number = s.network_registered_at + uniform(rng, 1, 100'000);
        s.blocks_since_last_step = uniform(rng, 0, 360);
        s.network_registration_allowed = (i % 17) != 0;
        st.total_stake += s.subnet_tao;
        st.subnets.push_back(s);
    }
    return st;
}

}  // namespace dtao::test
