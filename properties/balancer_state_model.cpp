/// The Balancer-era stateful model test (balancer_state_model.hpp): the generated chain
/// state, the invariants every command leaves holding and the checks of one swap and of
/// one reweighting against the exact model.
/// @rule BAL-005 BAL-007 BCOIN-010
// SPDX-License-Identifier: Apache-2.0
#include "balancer_state_model.hpp"

#include "dtao/capabilities.hpp"
#include "generators.hpp"
#include "prop_support.hpp"

#include "dtao/testing/oracles.hpp"
#include "dtao/testing/print.hpp"

#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"

#include <cmath>

namespace dtao::prop::bal_state {

namespace {

rc::Gen<u64> quote_parts()
{
    return rc::gen::weightedOneOf<u64>(
        {{5, rc::gen::just(HALF_PARTS)},
         {1, rc::gen::just(BALANCER_MIN_WEIGHT_PARTS)},
         {1, rc::gen::just<u64>(Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS)},
         {1, rc::gen::just<u64>(300'000'000'000'000'000)},
         {1, rc::gen::just<u64>(750'000'000'000'000'000)},
         {3, rc::gen::inRange<u64>(BALANCER_MIN_WEIGHT_PARTS, Perquintill::ACCURACY - BALANCER_MIN_WEIGHT_PARTS + 1)}});
}

/// One Balancer-era dynamic subnet. The alpha reserve is the TAO reserve times 2^k,
/// |k| ≤ 12, so spot prices start within about 10^±4 (registration prices a new pool at the
/// median price: a tiny median would saturate the new pool's alpha, outside real supply).
rc::Gen<Subnet> balancer_subnet(u64 netuid, u64 block)
{
    return rc::gen::exec([=] {
        Subnet s;
        s.netuid = netuid;
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = *realistic_u64(1'000, 10'000'000'000'000'000);
        const int k = *rc::gen::inRange<int>(-12, 13);
        const Int x = k >= 0 ? Int(s.subnet_tao) << k : Int(s.subnet_tao) >> -k;
        s.subnet_alpha_in = static_cast<u64>(std::clamp(x, Int(1'000), Int(20'000'000'000'000'000)).convert_to<u64>());
        s.swap_balancer_quote_parts = *quote_parts();
        s.subnet_alpha_out = *realistic_u64(0, 10'000'000'000'000'000);
        const u64 eighth = s.subnet_alpha_out / 8;
        auto part = [eighth] {
            return *rc::gen::weightedOneOf<u64>(
                {{2, rc::gen::just<u64>(0)}, {1, rc::gen::inRange<u64>(0, eighth + 1)}});
        };
        s.pending_server_emission = part();
        s.pending_validator_emission = part();
        s.pending_root_alpha_divs = part();
        s.pending_owner_cut = part();
        s.subnet_protocol_alpha = part();
        s.subnet_moving_price = I96F32::from_bits(
            static_cast<i128>(*rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)},
                                                            {1, rc::gen::just<u64>(u64{1} << 32)},
                                                            {3, rc::gen::inRange<u64>(0, u64{1} << 33)}})));
        s.tempo = *rc::gen::weightedOneOf<u64>(
            {{4, rc::gen::inRange<u64>(1, 21)}, {1, rc::gen::just<u64>(360)}, {1, rc::gen::just<u64>(0)}});
        s.network_registered_at = *rc::gen::inRange<u64>(0, block + 1);
        s.last_epoch_block =
            sat_sub(inj::initial_last_epoch_block(netuid, s.tempo, block), *rc::gen::inRange<u64>(0, 30));
        if (*rc::gen::weightedOneOf<bool>({{5, rc::gen::just(true)}, {1, rc::gen::just(false)}})) {
            s.first_emission_block_number = *rc::gen::inRange<u64>(s.network_registered_at, block + 1);
            s.subtoken_enabled = true;
        } else {
            s.subtoken_enabled = false;
        }
        s.subnet_emission_enabled =
            *rc::gen::weightedOneOf<bool>({{5, rc::gen::just(true)}, {1, rc::gen::just(false)}});
        s.network_registration_allowed =
            *rc::gen::weightedOneOf<bool>({{9, rc::gen::just(true)}, {1, rc::gen::just(false)}});
        s.owner_cut_enabled = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}});
        s.miner_burned = U96F32::from_bits(*rc::gen::weightedOneOf<u128>(
            {{4, rc::gen::just<u128>(0)},
             {1, rc::gen::just<u128>(u128{1} << 32)},
             {1, rc::gen::map(rc::gen::inRange<u64>(0, u64{5} << 30), [](u64 v) { return u128{v}; })}}));
        s.fee_rate = *rc::gen::weightedOneOf<u64>({{4, rc::gen::just(DEFAULT_SWAP_FEE_RATE)},
                                                   {1, rc::gen::just<u64>(0)},
                                                   {1, rc::gen::just<u64>(10'000)},
                                                   {1, rc::gen::inRange<u64>(0, 10'001)}});
        return s;
    });
}

}  // namespace

// ------------------------------------------------------------------ the generated state

void showValue(const BalStateCase& c, std::ostream& os)
{
    const auto& st = c.state;
    os << "BalStateCase{" << c.rules().id << ", block=" << st.block << ", I=" << st.total_issuance
       << ", TotalStake=" << st.total_stake << ", tao_weight=" << st.tao_weight
       << ", min_reserve=" << st.swap_minimum_reserve << ", max_epochs=" << st.max_epochs_per_block
       << ", author=" << st.block_author;
    for (const auto& s : st.subnets)
        os << " | n" << s.netuid << " tao=" << s.subnet_tao << " in=" << s.subnet_alpha_in
           << " out=" << s.subnet_alpha_out << " w2=" << s.swap_balancer_quote_parts
           << " mp_bits=" << test::str(s.subnet_moving_price.bits) << " tempo=" << s.tempo
           << " feb=" << (s.first_emission_block_number ? std::to_string(*s.first_emission_block_number) : "-")
           << " em=" << s.subnet_emission_enabled << " fee=" << s.fee_rate << " res=" << s.balancer_tao_reservoir << "/"
           << s.balancer_alpha_reservoir;
    os << " | bar=" << test::str(st.emission_gate_bar.bits) << " q=" << test::str(st.emission_bar_quantile.bits)
       << " h=" << test::str(st.emission_gate_exponent.bits) << " rank=" << st.emission_bar_rank << "}";
}

rc::Gen<BalStateCase> balancer_state(std::size_t min_subnets, std::size_t max_subnets)
{
    return rc::gen::exec([=] {
        BalStateCase c;
        c.ruleset = *rc::gen::inRange<std::size_t>(0, INJECTION_CAPPED_RULESETS.size());
        auto& st = c.state;
        st.block = *realistic_u64(100, 10'000'000);
        draw_chain_parameters(st);
        st.swap_minimum_reserve = *rc::gen::weightedOneOf<u64>(
            {{4, rc::gen::just(SWAP_MINIMUM_RESERVE)}, {1, rc::gen::just<u64>(100)}, {1, rc::gen::just<u64>(1)}});
        st.max_epochs_per_block = *rc::gen::weightedOneOf<u64>(
            {{3, rc::gen::just(MAX_EPOCHS_PER_BLOCK)}, {1, rc::gen::just<u64>(1)}, {1, rc::gen::just<u64>(32)}});
        st.network_min_lock_cost = BALANCER_ERA_NETWORK_MIN_LOCK_COST;
        st.block_author = *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}});
        st.subnets.push_back(*root_subnet_gen());
        const auto n = *rc::gen::inRange<std::size_t>(min_subnets, max_subnets + 1);
        // The first subnet is netuid 1; later ones now and then jump past 255, whose storage key
        // sorts before lower netuids (BCOIN-014: the order the scheduler and injection follow).
        u64 netuid = 1;
        for (std::size_t i = 1; i <= n; ++i) {
            st.subnets.push_back(*balancer_subnet(netuid, st.block));
            netuid += *rc::gen::weightedOneOf<u64>({{3, rc::gen::just<u64>(1)}, {1, rc::gen::inRange<u64>(2, 400)}});
        }
        // Today's mainnet's storage, drawn where the ruleset holds it (storage_of).
        const Storage storage = storage_of(c.rules());
        if (storage.reservoirs)
            for (auto& s : st.subnets)
                if (!s.is_root()) {
                    s.balancer_tao_reservoir = *rc::gen::weightedOneOf<u64>(
                        {{3, rc::gen::just<u64>(0)}, {1, realistic_u64(0, 1'000'000'000'000)}});
                    s.balancer_alpha_reservoir = *rc::gen::weightedOneOf<u64>(
                        {{3, rc::gen::just<u64>(0)}, {1, realistic_u64(0, 1'000'000'000'000)}});
                }
        if (storage.emission_gate) {
            st.emission_gate_bar = U64F64::from_bits(
                *rc::gen::weightedOneOf<u64>({{1, rc::gen::just<u64>(0)}, {2, rc::gen::inRange<u64>(1, U64_MAX)}}));
            st.emission_bar_quantile = U64F64::from_bits(*rc::gen::inRange<u64>(0, U64_MAX));
            st.emission_gate_exponent = U64F64::from_bits(
                u128{*rc::gen::weightedOneOf<u64>({{3, rc::gen::just<u64>(3)}, {1, rc::gen::inRange<u64>(0, 8)}})}
                << 64);
        }
        if (storage.emission_bar_rank)
            st.emission_bar_rank = *rc::gen::inRange<u64>(0, 40);
        Int staked = 0, waiting = 0;
        for (const auto& s : st.subnets) {
            staked += s.subnet_tao;
            waiting += s.balancer_tao_reservoir;
        }
        const u64 staked64 = static_cast<u64>(staked.convert_to<u64>());  // ≤ 5·10^16 + 5.25·10^15
        st.total_stake = staked64;
        // TotalIssuance holds the pools and the TAO waiting in the reservoirs (spent, in no pool).
        const u64 lo = std::min(static_cast<u64>((staked + waiting).convert_to<u64>()), TOTAL_SUPPLY);
        st.total_issuance = *rc::gen::weightedOneOf<u64>(
            {{4, realistic_u64(lo, TOTAL_SUPPLY)},
             {1, rc::gen::inRange<u64>(std::max(lo, TOTAL_SUPPLY - 3'000'000'000), TOTAL_SUPPLY + 1)},
             {1, rc::gen::inRange<u64>(std::max<u64>(lo, 10'500'000'000'000'000 - 1'000'000'000),
                                       std::max<u64>(lo, 10'500'000'000'000'000 + 1'000'000'000) + 1)}});
        return c;
    });
}

// ------------------------------------------------------------------ model and SUT

/// RC_TAG once per case (the distribution RapidCheck prints on success).
void tag(Sut& sut, const std::string& t)
{
    if (sut.tags.insert(t).second)
        RC_TAG(t);
}

/// The invariants every command leaves holding.
void check_invariants(const Model& m, const Sut& sut)
{
    const ChainState& st = sut.st;
    const Ledger& l = sut.l;
    RC_ASSERT(st.block == m.block);
    RC_ASSERT(st.subnets.size() == m.subnets.size() + 1);
    // BCOIN-010: the mint cap.
    RC_ASSERT(st.total_issuance <= TOTAL_SUPPLY);
    // TAO conservation: every TAO of TotalIssuance is in a pool or in a ledger bucket.
    // The TAO reservoirs (mainnet spec 432+) hold spent TAO that is in no pool yet.
    Int waiting = 0;
    for (const auto& s : st.subnets)
        waiting += s.balancer_tao_reservoir;
    RC_ASSERT(Int(st.total_issuance) ==
              sum_subnet_tao(st) + waiting + l.users + l.author + l.burned + l.unswapped + l.stranded);
    RC_ASSERT(Int(st.total_stake) - sum_subnet_tao(st) == l.stake_offset);
    constexpr u64 LIMIT = u64{1} << 63;
    for (const auto& s : st.subnets) {
        RC_ASSERT(m.subnets.count(s.netuid) == 1 || s.is_root());
        for (const u64 v : {s.subnet_tao, s.subnet_alpha_in, s.subnet_alpha_out, s.pending_server_emission,
                            s.pending_validator_emission, s.pending_root_alpha_divs, s.pending_owner_cut})
            RC_ASSERT(v < LIMIT);  // no saturation or wraparound reached
        RC_ASSERT(!s.subnet_moving_price.negative());
        // Alpha conservation: SubnetAlphaOut = stakers + pending + chain-bought + burned fees + dust.
        const Int expected = l.stake.at(s.netuid) + pending_alpha(s) + Int(s.subnet_protocol_alpha) +
                             l.burned_alpha.at(s.netuid) + l.author_alpha.at(s.netuid) + l.dust.at(s.netuid);
        RC_ASSERT(Int(s.subnet_alpha_out) == expected);
        RC_ASSERT(l.stake.at(s.netuid) >= 0);
        // BAL-007: the weights stay in [0.01, 0.99].
        if (!s.is_stable() && s.pal_swap_initialized)
            RC_ASSERT(bal::check_constraints(bal::quote_weight(s)));
    }
}

// ------------------------------------------------------------------ swap checks

/// [chain vs exact] One swap of `paid_in` into a pool (x alpha, y TAO, quote parts `parts`)
/// paid `out`: out < exact(paid_in) + R·(4·10^-18 + 2^-64) + 2^-200 (R the paid-out
/// reserve; F-032: at most one rao more than the real output in real supply). The exact
/// output keeps x^w1·y^w2 exactly, so this is "the weighted invariant never decreases (fees
/// counted: a fee only adds to the paid-in side) beyond the F-032 overpay". Outside the
/// fallback's domain (real power below e^-38) the chain's power is meaningless (F-033, F-034)
/// and only out ≤ R holds.
void check_swap_output(Sut& sut, u64 parts, u64 x, u64 y, bool buy, u64 paid_in, u64 out)
{
    const u64 reserve_out = buy ? x : y;
    RC_ASSERT(out <= reserve_out);
    if (paid_in == 0) {
        RC_ASSERT(out == 0);
        return;
    }
    const double w2 = static_cast<double>(parts) / 1e18;
    const double expo = buy ? w2 / (1 - w2) : (1 - w2) / w2;
    const double r = static_cast<double>(buy ? y : x);
    const double ln_power = expo * std::log(r / (r + static_cast<double>(paid_in)));
    if (!(ln_power > -38)) {
        tag(sut, "swap outside the fallback domain (F-033)");
        return;
    }
    const Rational w2r{Int(parts), Int(Perquintill::ACCURACY)};
    const Rational e = buy ? exact::balancer::convert_deltas_buy(w2r, x, y, paid_in)
                           : exact::balancer::convert_deltas_sell(w2r, x, y, paid_in);
    const Rational eps = Rational(4, Int(Perquintill::ACCURACY)) + Rational(1, pow2(64));
    RC_ASSERT(Rational(out) < e + Rational(reserve_out) * eps + Rational(1, pow2(200)));
}

/// BAL-007 [chain vs exact]: an accepted reweighting keeps the spot price within
/// p·(1/q1 + 1/q2 + 2.1·10^-16) (spec/balancer.md BAL-007, property
/// bal_007_reweighting_keeps_the_price), measured with the stored weights on the reserves
/// after the injection.
void check_reweight_price(u64 parts0, u64 parts1, u64 y, u64 x, u64 dy, u64 dx)
{
    RC_ASSERT(!test::reweight_price_violation(parts0, parts1, y, x, dy, dx));
}

}  // namespace dtao::prop::bal_state
