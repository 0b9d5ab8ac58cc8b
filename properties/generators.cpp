// Out-of-line generators (properties/generators.hpp), compiled once.
// SPDX-License-Identifier: Apache-2.0
#include "generators.hpp"

namespace dtao::prop {

namespace {

/// splitmix64: the deterministic stream of the random spot-path kinds.
u64 mix(u64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

rc::Gen<Subnet> subnet_gen(u64 netuid, u64 block, bool clamp)
{
    return rc::gen::exec([netuid, block, clamp] {
        Subnet s;
        s.netuid = netuid;
        s.mechanism = *rc::gen::weightedOneOf<Mechanism>(
            {{9, rc::gen::just(Mechanism::dynamic)}, {1, rc::gen::just(Mechanism::stable)}});
        s.subnet_tao = *realistic_u64(MINIMUM_POOL_LIQUIDITY, TOTAL_SUPPLY / 4);
        s.subnet_alpha_in = *realistic_u64(MINIMUM_POOL_LIQUIDITY, TOTAL_SUPPLY / 4);
        s.subnet_alpha_out = *realistic_u64(0, TOTAL_SUPPLY / 4);
        // Moving price in [0, 1] (bits ≤ 2^32); above 1 only without the clamp.
        const u64 max_bits = clamp ? (u64{1} << 32) : (u64{1} << 36);
        s.subnet_moving_price = fixed::I96F32::from_bits(
            static_cast<i128>(*rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                                            {1, rc::gen::just<u64>(u64{1} << 32)},
                                                            {6, rc::gen::inRange<u64>(0, max_bits + 1)}})));
        s.pending_emission = *realistic_u64(0, 1'000'000'000'000);
        s.pending_root_divs = *realistic_u64(0, 1'000'000'000'000);
        s.pending_alpha_swapped = *realistic_u64(0, 1'000'000'000'000);
        s.pending_owner_cut = *realistic_u64(0, 1'000'000'000'000);
        s.tempo = *rc::gen::weightedOneOf<u64>(
            {{1, rc::gen::just<u64>(0)}, {6, rc::gen::inRange<u64>(1, 12)}, {1, rc::gen::just<u64>(360)}});
        s.network_registration_allowed =
            *rc::gen::weightedOneOf<bool>({{6, rc::gen::just(true)}, {1, rc::gen::just(false)}});
        s.network_pow_registration_allowed = *rc::gen::arbitrary<bool>();
        s.network_registered_at = *rc::gen::inRange<u64>(0, block + 1);
        if (*rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}}))
            s.first_emission_block_number = *rc::gen::inRange<u64>(s.network_registered_at, block + 2);
        s.ema_price_halving_blocks =
            *rc::gen::elementOf(std::vector<u64>{0, 1, 7'200, DEFAULT_EMA_PRICE_HALVING_BLOCKS, 10'000'000});
        return s;
    });
}

}  // namespace

void showValue(const StateCase& c, std::ostream& os)
{
    const auto& st = c.state;
    os << "StateCase{ruleset=" << c.rules().id << ", block=" << st.block << ", TI=" << st.total_issuance
       << ", TS=" << st.total_stake << ", tao_weight=" << st.tao_weight << ", owner_cut=" << st.subnet_owner_cut
       << ", moving_alpha_bits=" << static_cast<u64>(st.subnet_moving_alpha_bits) << ",\n";
    for (const auto& s : st.subnets)
        os << "  subnet " << s.netuid << (s.is_stable() ? " stable" : " dynamic") << " x=" << s.subnet_tao
           << " y=" << s.subnet_alpha_in << " out=" << s.subnet_alpha_out
           << " m_bits=" << static_cast<u64>(s.subnet_moving_price.bits) << " tempo=" << s.tempo
           << " reg=" << s.network_registration_allowed << " pow=" << s.network_pow_registration_allowed
           << " registered_at=" << s.network_registered_at
           << " feb=" << (s.first_emission_block_number ? std::to_string(*s.first_emission_block_number) : "none")
           << " h=" << s.ema_price_halving_blocks << " pending=(" << s.pending_emission << ", " << s.pending_root_divs
           << ", " << s.pending_alpha_swapped << ", " << s.pending_owner_cut << ")\n";
    os << "}";
}

rc::Gen<StateCase> chain_state(std::size_t min_subnets, std::size_t max_subnets, bool clamp_rulesets_only)
{
    return rc::gen::exec([=] {
        StateCase c;
        c.ruleset = *rc::gen::inRange<std::size_t>(clamp_rulesets_only ? 1 : 0, LAUNCH_RULESETS.size());
        auto& st = c.state;
        st.block = *realistic_u64(1, 10'000'000);
        draw_chain_parameters(st);
        st.subnets.push_back(*root_subnet_gen());
        const auto n = *rc::gen::inRange<std::size_t>(min_subnets, max_subnets + 1);
        for (std::size_t i = 1; i <= n; ++i)
            st.subnets.push_back(*subnet_gen(i, st.block, c.rules().ema_clamp_at_one));
        u64 staked = 0;
        for (const auto& s : st.subnets)
            staked = sat_add(staked, s.subnet_tao);
        st.total_stake = staked;
        // Issuance: realistic, near a halving threshold, or near the supply cap.
        st.total_issuance = *rc::gen::weightedOneOf<u64>(
            {{4, realistic_u64(staked, TOTAL_SUPPLY)},
             {2, rc::gen::map(rc::gen::pair(rc::gen::inRange<unsigned>(1, 33), rc::gen::inRange<int>(-3, 4)),
                              [](std::pair<unsigned, int> p) {
                                  // ⌈S(1 − 2^−k)⌉ + d
                                  const Int s = TOTAL_SUPPLY;
                                  const Int t = (s * ((Int(1) << p.first) - 1) + (Int(1) << p.first) - 1) >> p.first;
                                  return static_cast<u64>(static_cast<long long>(t.convert_to<u64>()) + p.second);
                              })},
             {1, rc::gen::inRange<u64>(TOTAL_SUPPLY - 3'000'000'000, TOTAL_SUPPLY + 1)}});
        return c;
    });
}

void showValue(const EmaCase& c, std::ostream& os)
{
    os << "EmaCase{m0_bits=" << c.m0_bits << ", A_bits=" << c.a_bits << ", ramp=" << c.ramp << ", H=" << c.h
       << ", b0=" << c.b0 << ", N=" << c.n << ", kind=" << c.kind << ", seed=" << c.seed << "}";
}

std::pair<u64, u64> spot_reserves(const EmaCase& c, unsigned t)
{
    constexpr u64 ONE = RAO_PER_TAO;
    switch (c.kind) {
    case 0: return {0, ONE};                // price 0
    case 1: return {1, u64{1} << 40};       // 2^−40: below the chain's resolution
    case 2: return {ONE, ONE};              // exactly 1
    case 3: return {ONE + 1, ONE};          // 1 + 10^−9
    case 4: return {ONE * 1'000'000, ONE};  // 10^6
    case 5: {                               // random walk in log price, 2^−20 … 2^20
        u64 state = c.seed;
        int e = 0;
        for (unsigned i = 0; i <= t % 4096; ++i) {
            state = mix(state);
            e = std::clamp(e + static_cast<int>(state % 3) - 1, -20, 20);
        }
        const u64 frac = mix(state) % ONE;
        return e >= 0 ? std::pair<u64, u64>{(ONE + frac) << e, ONE} : std::pair<u64, u64>{ONE + frac, ONE << -e};
    }
    case 6: return t % 2 == 0 ? std::pair<u64, u64>{0, ONE} : std::pair<u64, u64>{ONE * 1'000'000, ONE};  // alternation
    default: {  // independent random reserves each step
        const u64 r = mix(c.seed ^ (u64{t} * 0x632be59bd9b4e019ULL));
        return {MINIMUM_POOL_LIQUIDITY + r % (u64{1} << 44), MINIMUM_POOL_LIQUIDITY + mix(r) % (u64{1} << 44)};
    }
    }
}

rc::Gen<EmaCase> ema_case(unsigned max_n)
{
    return rc::gen::exec([max_n] {
        EmaCase c;
        c.m0_bits = *rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                                  {1, rc::gen::just<u64>(u64{1} << 32)},
                                                  {6, rc::gen::inRange<u64>(0, (u64{1} << 32) + 1)}});
        // 0, 3e-6 (bits 12885), 3e-4, 1e-2, 0.5, 1 − 2^−32
        c.a_bits =
            *rc::gen::elementOf(std::vector<u64>{0, 12'885, 1'288'490, 42'949'673, u64{1} << 31, (u64{1} << 32) - 1});
        c.ramp = *rc::gen::arbitrary<bool>();
        c.h = *rc::gen::elementOf(std::vector<u64>{0, 1, 201'600, 10'000'000});
        c.b0 = *rc::gen::elementOf(std::vector<u64>{1, 2, 7'200, 10'000'000});
        c.n = *rc::gen::weightedOneOf<unsigned>({{6, rc::gen::inRange<unsigned>(1, std::min(max_n, 64u) + 1)},
                                                 {1, rc::gen::inRange<unsigned>(1, max_n + 1)}});
        c.kind = *rc::gen::inRange<int>(0, 8);
        c.seed = *rc::gen::arbitrary<u64>();
        return c;
    });
}

void showValue(const DrainCase& c, std::ostream& os)
{
    const auto& in = c.in;
    os << "DrainCase{ruleset=" << c.rules().id << ", tao_weight=" << in.tao_weight << ", pa=" << in.pending_alpha
       << ", pt=" << in.pending_tao << ", ps=" << in.pending_swapped << ", oc=" << in.owner_cut
       << ", owner=" << in.subnet_owner.value_or("-") << "/" << in.subnet_owner_hotkey.value_or("-") << ",\n";
    for (const auto& e : in.epoch) {
        const auto it = in.hotkeys.find(e.hotkey);
        os << "  " << e.hotkey << " inc=" << e.incentive << " div=" << e.dividend;
        if (it != in.hotkeys.end())
            os << " alpha=" << it->second.alpha_stake << " root=" << it->second.root_stake
               << " take=" << it->second.take;
        os << "\n";
    }
    os << "}";
}

rc::Gen<DrainCase> drain_case()
{
    return rc::gen::exec([] {
        DrainCase c;
        c.ruleset = *rc::gen::inRange<std::size_t>(0, LAUNCH_RULESETS.size());
        auto& in = c.in;
        in.tao_weight = *rc::gen::weightedOneOf<u64>(
            {{1, rc::gen::just<u64>(0)}, {3, rc::gen::just(LAUNCH_TAO_WEIGHT)}, {1, rc::gen::just(U64_MAX)}});
        in.pending_alpha = *realistic_u64(0, 1'000'000'000'000'000);
        in.pending_swapped = *realistic_u64(0, in.pending_alpha);
        in.pending_tao = *realistic_u64(0, 1'000'000'000'000'000);
        in.owner_cut = *realistic_u64(0, 1'000'000'000'000);
        const auto n = *rc::gen::inRange<int>(1, 5);
        const u64 total = in.pending_alpha + in.pending_swapped;
        u64 inc_left = total / 2, div_left = total - total / 2;
        for (int i = 0; i < n; ++i) {
            const std::string hk = "hk" + std::to_string(i);
            const bool last = i + 1 == n;
            EpochOutput e;
            e.hotkey = hk;
            e.incentive = last ? inc_left : *rc::gen::inRange<u64>(0, inc_left + 1);
            e.dividend = last ? div_left : *rc::gen::inRange<u64>(0, div_left + 1);
            inc_left -= e.incentive;
            div_left -= e.dividend;
            in.epoch.push_back(e);
            HotkeyInfo h;
            h.owner = "ck" + std::to_string(i);
            h.alpha_stake = *realistic_u64(0, TOTAL_SUPPLY / 4);
            h.root_stake = *realistic_u64(0, TOTAL_SUPPLY / 4);
            h.take = *rc::gen::inRange<u64>(0, 65536);
            in.hotkeys[hk] = h;
        }
        if (*rc::gen::arbitrary<bool>()) {
            in.subnet_owner = "ck0";
            in.subnet_owner_hotkey = "hk0";
        }
        return c;
    });
}

}  // namespace dtao::prop
