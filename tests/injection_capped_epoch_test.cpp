// Unit tests of the Balancer era's moving price, epoch scheduler, subnet order and
// registration (v3.4.8-423, v3.4.9-424, main 14bc6f9); the coinbase is in injection_capped_test.cpp.
// Rules: BEMA-001, BEMA-002, BEPOCH-001 … BEPOCH-004, BCOIN-014, BREG-001 … BREG-003
//
// Chain source and the mock: as injection_capped_test.cpp (coinbase_mock.hpp).
#include "coinbase_mock.hpp"
#include "dtao/balancer.hpp"
#include "dtao/injection_capped.hpp"
#include "dtao/ruleset.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <tuple>

using namespace dtao;
using namespace dtao::chain::injection_capped;
using fixed::I96F32;
using fixed::U64F64;
using fixed::U96F32;
using namespace dtao::test::coinbase_mock;

// ---------------------------------------------------------------- BEMA (H14, H15)

/// @rule BEMA-001 BEMA-002
TEST(injection_capped, moving_prices_H14)
{
    // H14 test_coinbase_moving_prices: add_network, pool 1e6/1e6, mechanism 1, FEB 1.
    ChainState st = mock_state();
    Subnet s0 = add_network(st, 1, 1);
    s0.mechanism = Mechanism::dynamic;
    s0.subnet_tao = s0.subnet_alpha_in = 1'000'000;
    s0.subnet_moving_price = I96F32::one();
    s0.first_emission_block_number = 1;
    st.subnets.push_back(s0);
    Subnet& s = *st.find(1);
    EXPECT_EQ(get_moving_alpha_price(s), U64F64::one());
    // (a) block 7 200 000, default alpha: 1 stays exactly 1.
    update_moving_price(st, s, 7'200'000);
    EXPECT_EQ(s.subnet_moving_price, I96F32::one());
    // (b) MP 0, alpha 1.0: one update → within 0.05 of 1 (b/(b+h) = 7.2e6/7.4016e6).
    s.subnet_moving_price = I96F32::zero();
    st.subnet_moving_alpha_bits = I96F32::one().bits;
    update_moving_price(st, s, 7'200'000);
    EXPECT_LT(1.0 - to_f64(get_moving_alpha_price(s)), 0.05);
    // (c) MP 0, alpha 0.1, block 201 600 (b = h: ramp ½), 14 updates → 0.512325 ± 0.001
    // (1 − (1 − 0.05)^14 = 0.512325…).
    s.subnet_moving_price = I96F32::zero();
    st.subnet_moving_alpha_bits = I96F32::from_f64(0.1).bits;
    for (int i = 0; i < 14; ++i)
        update_moving_price(st, s, 7'200 * 28);
    EXPECT_NEAR(to_f64(get_moving_alpha_price(s)), 0.512325, 0.001);
    // Stable and root read 1 regardless of storage.
    Subnet stable = add_network(st, 2, 1);
    stable.subnet_moving_price = I96F32::zero();
    EXPECT_EQ(get_moving_alpha_price(stable), U64F64::one());
    // A negative stored value reads as 0.
    s.subnet_moving_price = I96F32::from_bits(-1);
    EXPECT_EQ(get_moving_alpha_price(s), U64F64::zero());
}

/// @rule BEMA-001
TEST(injection_capped, moving_price_initial_and_after_time_H15)
{
    // H15 test_update_moving_price_initial / _after_time: alpha 0.5, price 1, MP 0, FEB 500.
    for (const auto& [block, lo, hi] : {std::tuple{u64{510}, 0.0, 0.001}, std::tuple{u64{144'000'500}, 0.499, 0.501}}) {
        ChainState st = mock_state();
        Subnet s = add_network(st, 1, 1);
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = s.subnet_alpha_in = 1'000'000;
        s.first_emission_block_number = 500;
        st.subnets.push_back(s);
        st.subnet_moving_alpha_bits = I96F32::from_f64(0.5).bits;
        const auto u = update_moving_price(st, *st.find(1), block);
        EXPECT_EQ(u.blocks_since, U64F64::saturating_from_u64(block - 499));
        const double mp = to_f64(st.find(1)->subnet_moving_price);
        EXPECT_GE(mp, lo);
        EXPECT_LT(mp, hi);
    }
}

/// @rule BEMA-001
TEST(injection_capped, moving_price_computed_in_u64f64_stored_truncated)
{
    // One update, derived in integers: alpha = ⌊A·r⌋ with r = ⌊b·2^64/(b+h)⌋ (U64F64),
    // new = ⌊alpha·p⌋ + ⌊(2^64 − alpha)·m⌋ (bits of U64F64), stored as ⌊new / 2^32⌋.
    ChainState st = mock_state();
    Subnet s = add_network(st, 1, 1);
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = 3'000'000;
    s.subnet_alpha_in = 7'000'000;  // price 3/7
    s.first_emission_block_number = 10;
    s.subnet_moving_price = I96F32::from_f64(0.3);
    st.subnets.push_back(s);
    const u64 now = 1'000;
    const Int b = now - 9, h = DEFAULT_EMA_PRICE_HALVING_BLOCKS;
    const Int A = Int(DEFAULT_MOVING_ALPHA_BITS) << 32;  // I96F32 → U64F64 bits
    const Int r = (b << 64) / (b + h);
    const Int alpha = (A * r) >> 64;
    const Int p = test::big(chain::balancer::current_price(*st.find(1)).bits);
    const Int m = test::big(I96F32::from_f64(0.3).bits) << 32;
    const Int nb = ((alpha * p) >> 64) + ((((Int(1) << 64) - alpha) * m) >> 64);
    update_moving_price(st, *st.find(1), now);
    EXPECT_EQ(test::big(st.find(1)->subnet_moving_price.bits), nb >> 32);
}

// ---------------------------------------------------------------- BEPOCH

/// @rule BEPOCH-001 BEPOCH-002 BEPOCH-004
TEST(injection_capped, epochs_every_tempo_blocks_staggered_by_netuid)
{
    // init_new_network: LastEpochBlock = now − (netuid mod tempo). netuid 3, tempo 10,
    // registered at block 100 → anchor 97 → epochs at 107, 117, 127 (period tempo, not tempo + 1).
    ChainState st = mock_state(100);
    st.subnets.push_back(add_network(st, 3, 10));
    EXPECT_EQ(st.find(3)->last_epoch_block, 97u);
    std::vector<u64> ran;
    for (u64 b = 101; b <= 130; ++b)
        for (const auto& r : drain_pending(st, b))
            if (!r.deferred)
                ran.push_back(b);
    EXPECT_EQ(ran, (std::vector<u64>{107, 117, 127}));
    EXPECT_EQ(st.find(3)->subnet_epoch_index, 3u);
    EXPECT_EQ(st.find(3)->blocks_since_last_step, 3u);  // 128, 129, 130
    // set_tempo resets the anchor to now.
    set_tempo(*st.find(3), 5, 131);
    EXPECT_FALSE(should_run_epoch(*st.find(3), 135));
    EXPECT_TRUE(should_run_epoch(*st.find(3), 136));
    // tempo 0: never, whatever else holds.
    Subnet z = add_network(st, 4, 0);
    z.pending_epoch_at = 1;
    z.blocks_since_last_step = 1'000'000;
    EXPECT_FALSE(should_run_epoch(z, 1'000'000));
}

/// @rule BEPOCH-001 BEPOCH-002
TEST(injection_capped, drain_pending_counters_and_forcing)
{
    // test_coinbase_drain_pending_gets_counters_and_resets_them / _resets_blockssincelaststep.
    ChainState st = mock_state();
    Subnet s = add_dynamic_network(st, 1);
    s.tempo = 100;
    s.last_epoch_block = 0;
    s.blocks_since_last_step = 12'345'678;
    s.last_mechanism_step_block = 12'345;
    s.pending_server_emission = 123'434'534;
    s.pending_validator_emission = 111'111;
    s.pending_root_alpha_divs = 12'222'222;
    s.pending_owner_cut = 12'345'678;
    st.subnets.push_back(s);
    ASSERT_TRUE(should_run_epoch(*st.find(1), 102));
    const auto r = drain_pending(st, 102);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].pending_server, 123'434'534u);
    EXPECT_EQ(r[0].pending_validator, 111'111u);
    EXPECT_EQ(r[0].pending_root_alpha, 12'222'222u);
    EXPECT_EQ(r[0].pending_owner_cut, 12'345'678u);
    const Subnet& a = *st.find(1);
    EXPECT_EQ(
        a.pending_server_emission + a.pending_validator_emission + a.pending_root_alpha_divs + a.pending_owner_cut, 0u);
    EXPECT_EQ(a.blocks_since_last_step, 0u);
    EXPECT_EQ(a.last_epoch_block, 102u);

    // MAX_TEMPO forcing: tempo 60 000 (> MAX_TEMPO) with the anchor at now; the epoch is
    // forced once BlocksSinceLastStep (after this block's increment) exceeds 50 400.
    Subnet& m = *st.find(1);
    m.tempo = 60'000;
    m.last_epoch_block = 200;
    m.blocks_since_last_step = MAX_TEMPO - 1;
    EXPECT_TRUE(drain_pending(st, 201).empty());   // 50 400: not > MAX_TEMPO
    EXPECT_EQ(drain_pending(st, 202).size(), 1u);  // 50 401
    // PendingEpochAt (trigger_epoch) fires at or after its block.
    m.pending_epoch_at = 300;
    EXPECT_FALSE(should_run_epoch(m, 299));
    EXPECT_TRUE(should_run_epoch(m, 300));
    EXPECT_EQ(drain_pending(st, 305).size(), 1u);
    EXPECT_EQ(m.pending_epoch_at, 0u);
}

/// @rule BEPOCH-002 BEPOCH-003
TEST(injection_capped, epochs_per_block_cap_defers_by_one_block)
{
    // test_epochs_deferred_this_block_respects_cap: MaxEpochsPerBlock (32 in the mock) + 2
    // subnets due ⇒ 2 deferred. Then with the runtime cap 2 and four due subnets.
    {
        ChainState st = mock_state();
        for (u64 n = 1; n <= 34; ++n) {
            Subnet s = add_network(st, n, 100);
            s.pending_epoch_at = 1;
            st.subnets.push_back(s);
        }
        EXPECT_EQ(epochs_deferred_this_block(st, 1), (std::vector<u64>{33, 34}));
    }
    ChainState st = mock_state(1000);
    st.max_epochs_per_block = MAX_EPOCHS_PER_BLOCK;
    for (u64 n = 1; n <= 4; ++n) {
        Subnet s = add_network(st, n, 10);
        s.last_epoch_block = 990;  // all due at 1000
        s.pending_server_emission = 100 * n;
        st.subnets.push_back(s);
    }
    EXPECT_EQ(epochs_deferred_this_block(st, 1000), (std::vector<u64>{3, 4}));
    const auto r = drain_pending(st, 1000);
    ASSERT_EQ(r.size(), 4u);
    EXPECT_FALSE(r[0].deferred);
    EXPECT_FALSE(r[1].deferred);
    EXPECT_TRUE(r[2].deferred);
    EXPECT_TRUE(r[3].deferred);
    EXPECT_EQ(st.find(3)->pending_epoch_at, 1001u);
    EXPECT_EQ(st.find(3)->pending_server_emission, 300u);  // kept
    EXPECT_EQ(st.find(3)->last_epoch_block, 990u);         // not advanced
    EXPECT_EQ(st.find(3)->subnet_epoch_index, 0u);
    // Next block: the deferred two run, the others are not due.
    const auto r2 = drain_pending(st, 1001);
    ASSERT_EQ(r2.size(), 2u);
    EXPECT_EQ(r2[0].netuid, 3u);
    EXPECT_EQ(r2[1].netuid, 4u);
    EXPECT_EQ(r2[0].pending_server, 300u);
    EXPECT_EQ(st.find(4)->last_epoch_block, 1001u);  // the schedule shifts by the deferral
}

// ---------------------------------------------------------------- BCOIN-014 subnet order

/// @rule BCOIN-014
/// `NetworksAdded` is `StorageMap<_, Identity, NetUid, bool>` (lib.rs @ 14bc6f9, and the same
/// Identity map at v2.0.0 … v3.4.9-424): its keys are the little-endian u16 bytes, iterated in
/// byte order. Keys: 0 → 00 00, 256 → 00 01, 512 → 00 02, 1 → 01 00, 257 → 01 01, 2 → 02 00,
/// 255 → ff 00, 65535 → ff ff.
TEST(injection_capped, subnets_iterate_in_storage_key_order)
{
    EXPECT_EQ(netuid_storage_key(0), 0x0000u);
    EXPECT_EQ(netuid_storage_key(256), 0x0001u);
    EXPECT_EQ(netuid_storage_key(1), 0x0100u);
    EXPECT_EQ(netuid_storage_key(65535), 0xFFFFu);
    EXPECT_TRUE(storage_key_less(256, 1));
    EXPECT_FALSE(storage_key_less(1, 256));
    EXPECT_THROW(static_cast<void>(netuid_storage_key(65536)), std::out_of_range);
    ChainState st = mock_state();
    for (u64 n : {1, 2, 255, 256, 257, 512, 65535})
        st.subnets.push_back(add_network(st, n, 360));
    EXPECT_EQ(get_all_subnet_netuids(st), (std::vector<u64>{0, 256, 512, 1, 257, 2, 255, 65535}));
    // The emitting set keeps that order (the chain filters the iteration).
    EXPECT_EQ(get_subnets_to_emit_to(st), (std::vector<u64>{256, 512, 1, 257, 2, 255, 65535}));
    ExactChainState est = to_exact(st);
    EXPECT_EQ(exact::injection_capped::get_subnets_to_emit_to(est),
              (std::vector<u64>{256, 512, 1, 257, 2, 255, 65535}));
}

/// @rule BCOIN-014 BEPOCH-002
/// The minimal request: block 360, MaxEpochsPerBlock 1, subnets 1 and 256 with the
/// protocol's defaults (tempo 360, LastEpochBlock 0): both due (360 − 0 ≥ 360). The chain
/// visits 256 first, so 256 drains and 1 is deferred to block 361.
TEST(injection_capped, epoch_cap_defers_in_storage_key_order)
{
    for (const Ruleset* rules : {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9}) {
        SCOPED_TRACE(rules->id);
        ChainState st;
        st.block = 360;
        st.max_epochs_per_block = 1;
        for (u64 n : {1, 256}) {
            Subnet s;
            s.netuid = n;
            st.subnets.push_back(s);
        }
        EXPECT_EQ(epochs_deferred_this_block(st, 360), (std::vector<u64>{1}));
        ExactChainState est = to_exact(st);
        const auto r = block_step_with_credit(*rules, st, 0);
        ASSERT_EQ(r.epochs.size(), 2u);
        EXPECT_EQ(r.epochs[0].netuid, 256u);
        EXPECT_FALSE(r.epochs[0].deferred);
        EXPECT_EQ(r.epochs[1].netuid, 1u);
        EXPECT_TRUE(r.epochs[1].deferred);
        EXPECT_EQ(st.find(256)->last_epoch_block, 360u);
        EXPECT_EQ(st.find(1)->pending_epoch_at, 361u);
        EXPECT_EQ(st.find(1)->last_epoch_block, 0u);
        const auto e = exact::injection_capped::block_step_with_credit(*rules, est, 0);
        ASSERT_EQ(e.epochs.size(), 2u);
        EXPECT_EQ(e.epochs[0].netuid, 256u);
        EXPECT_TRUE(e.epochs[1].deferred);
        EXPECT_EQ(est.find(1)->pending_epoch_at, 361u);
    }
}

/// @rule BCOIN-014 BCOIN-007
/// The injection walks the emitting set in storage-key order: when the credit cannot cover
/// every spend, the subnet visited first gets it. Two equal subnets 1 and 256 with full root
/// stake at price 1 (H19's setting), each due E/2 of TAO; a credit one rao short of the two
/// spends: 256's injection is spent, 1's is refused (`spend_tao`), and what is left recycled.
TEST(injection_capped, injection_spends_the_credit_in_storage_key_order)
{
    ChainState st = mock_state(1000);
    set_full_injection_root_stake(st);
    for (u64 n : {1, 256}) {
        Subnet s = add_network(st, n, 360);
        s.mechanism = Mechanism::dynamic;
        s.subnet_tao = 1'000'000'000'000;
        s.subnet_alpha_in = 1'000'000'000'000;
        s.subnet_moving_price = I96F32::one();
        st.subnets.push_back(s);
    }
    const auto emit_to = get_subnets_to_emit_to(st);
    ASSERT_EQ(emit_to, (std::vector<u64>{256, 1}));
    // E = 2·10^8: shares ½ each ⇒ 10^8 TAO per subnet, α_in = 10^8 at price 1, within the cap
    // (root proportion ≈ 1, α emission 10^9).
    const auto emissions =
        get_subnet_block_emissions(MAIN_14BC6F9, st, emit_to, U96F32::saturating_from_u64(200'000'000));
    chain::injection_capped::CoinbaseResult out;
    emit_to_subnets(MAIN_14BC6F9, st, emissions, 199'999'999, true, out);
    ASSERT_EQ(out.emissions.size(), 2u);
    EXPECT_EQ(out.emissions[0].netuid, 256u);
    EXPECT_EQ(out.emissions[0].injected_tao, 100'000'000u);
    EXPECT_EQ(out.emissions[1].netuid, 1u);
    EXPECT_EQ(out.emissions[1].injected_tao, 0u);  // refused: 99 999 999 left < 10^8
    EXPECT_EQ(st.find(256)->subnet_tao, 1'000'100'000'000u);
    EXPECT_EQ(st.find(1)->subnet_tao, 1'000'000'000'000u);
    EXPECT_EQ(out.tao_recycled, 99'999'999u);
}

/// @rule BCOIN-009 F-040
/// `get_network_root_sell_flag` sums with `.sum()`, a fold of U64F64 `Add` that wraps in the
/// release runtime. The request `wrap`: moving prices I96F32 bits 2^96 (2^64, which
/// U64F64 saturates to bits 2^128 − 1) and 1 (2^-32: U64F64 bits 2^32) sum to bits
/// 2^32 − 1 mod 2^128, below 1: the flag is off and the root alpha is recycled. The chain's
/// own run of this request recycles 62 489 764 root alpha per subnet (issue #17).
TEST(injection_capped, root_sell_flag_sum_wraps)
{
    auto wrap_state = [](i128 second_bits) {
        ChainState st;
        st.block = 100;
        Subnet root;
        root.netuid = 0;
        root.mechanism = Mechanism::stable;
        root.subnet_tao = 1'000'000'000'000;
        st.subnets.push_back(root);
        const std::pair<u64, i128> prices[] = {{1, i128{1} << 96}, {2, second_bits}};
        for (const auto& [n, bits] : prices) {
            Subnet s;
            s.netuid = n;
            s.subnet_tao = 1'000'000'000'000;
            s.subnet_alpha_in = 1'000'000'000'000;
            s.first_emission_block_number = 1;
            s.tempo = 0;
            s.subnet_moving_price = I96F32::from_bits(bits);
            st.subnets.push_back(s);
        }
        return st;
    };
    for (const Ruleset* rules : {&V3_4_8_423, &V3_4_9_424, &MAIN_14BC6F9}) {
        SCOPED_TRACE(rules->id);
        ChainState st = wrap_state(1);
        EXPECT_EQ(get_moving_alpha_price(*st.find(1)), U64F64::max());
        EXPECT_FALSE(get_network_root_sell_flag(st, {1, 2}));
        EXPECT_TRUE(get_network_root_sell_flag(st, {1}));  // alone it is the maximum, > 1
        const auto r = block_step_with_credit(*rules, st, 0);
        EXPECT_FALSE(r.root_sell_flag);
        ASSERT_EQ(r.emissions.size(), 2u);
        for (const auto& e : r.emissions) {
            EXPECT_EQ(e.root_alpha_recycled, 62'489'764u);
            EXPECT_EQ(st.find(e.netuid)->pending_root_alpha_divs, 0u);
        }
        // The exact model keeps the rule's sum, 2^64 + 2^-32 > 1: root alpha accrues.
        ExactChainState est = to_exact(wrap_state(1));
        EXPECT_TRUE(exact::injection_capped::block_step_with_credit(*rules, est, 0).root_sell_flag);
        // Without the wrap (second moving price 0: the sum is U64F64::MAX) the chain keeps it too.
        ChainState kept = wrap_state(0);
        const auto k = block_step_with_credit(*rules, kept, 0);
        EXPECT_TRUE(k.root_sell_flag);
        for (const auto& e : k.emissions) {
            EXPECT_EQ(e.root_alpha_recycled, 0u);
            EXPECT_EQ(kept.find(e.netuid)->pending_root_alpha_divs, 62'489'764u);
        }
    }
}

// ---------------------------------------------------------------- BREG (H20)

/// @rule BREG-001
TEST(injection_capped, median_subnet_alpha_price_H20)
{
    auto with_prices = [](std::initializer_list<std::pair<u64, u64>> reserves) {
        ChainState st = mock_state(0);
        u64 n = 1;
        for (auto [tao, alpha] : reserves) {
            Subnet s = add_dynamic_network(st, n++);
            s.subnet_tao = tao;
            s.subnet_alpha_in = alpha;
            st.subnets.push_back(s);
        }
        return st;
    };
    // none (root ignored) → 1; a zero-price subnet is ignored.
    EXPECT_EQ(get_median_subnet_alpha_price(mock_state(0)), U64F64::one());
    EXPECT_EQ(get_median_subnet_alpha_price(with_prices({{0, 100}})), U64F64::one());
    // 7, 2, 5 → 5.
    EXPECT_EQ(get_median_subnet_alpha_price(with_prices({{700, 100}, {200, 100}, {500, 100}})),
              U64F64::saturating_from_u64(5));
    // {2, 8} and a zero price → (2 + 8) / 2 = 5 (the hidden subnet is simply absent here).
    EXPECT_EQ(get_median_subnet_alpha_price(with_prices({{200, 100}, {800, 100}, {0, 100}})),
              U64F64::saturating_from_u64(5));
}

/// @rule BREG-002 BREG-003
TEST(injection_capped, register_at_median_price_and_start_call)
{
    ChainState st = mock_state(50);
    Subnet a = add_dynamic_network(st, 1);
    a.subnet_tao = 300;
    a.subnet_alpha_in = 100;  // price 3
    st.subnets.push_back(a);
    const u64 ts = st.total_stake;
    const auto r = register_network(V3_4_9_424, st, 150'000'000'000);
    EXPECT_EQ(r.netuid, 2u);
    EXPECT_EQ(r.median_price, U64F64::saturating_from_u64(3));
    EXPECT_EQ(r.pool_tao, 150'000'000'000u);
    EXPECT_EQ(r.pool_alpha, 50'000'000'000u);
    const Subnet& s = *st.find(2);
    EXPECT_EQ(s.subnet_tao, 150'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_in, 50'000'000'000u);
    EXPECT_EQ(s.subnet_alpha_out, 0u);
    EXPECT_FALSE(s.subnet_emission_enabled);
    EXPECT_FALSE(s.first_emission_block_number.has_value());
    EXPECT_EQ(s.last_epoch_block, 50u - 2u);
    EXPECT_EQ(st.total_stake, ts + 150'000'000'000u);
    EXPECT_EQ(chain::balancer::current_price(s), U64F64::saturating_from_u64(3));
    // A lock below the minimum: the pool still gets NetworkMinLockCost.
    const auto r2 = register_network(V3_4_9_424, st, 1);
    EXPECT_EQ(r2.pool_tao, 100'000'000'000u);
    EXPECT_EQ(r2.recycled, 0u);

    // start_call: FEB = now + 1, SubtokenEnabled; once only. The subnet then emits alpha but
    // (SubnetEmissionEnabled false) no TAO.
    ASSERT_TRUE(start_call(st, 2, 0).ok());
    EXPECT_EQ(st.find(2)->first_emission_block_number, 51u);
    EXPECT_TRUE(st.find(2)->subtoken_enabled);
    EXPECT_EQ(start_call(st, 2, 0).error(), Error::first_emission_block_number_already_set);
    EXPECT_EQ(start_call(st, 9, 0).error(), Error::subnet_not_exists);
    EXPECT_EQ(start_call(st, 3, 100).error(), Error::need_wait_for_start_call);
    st.find(1)->first_emission_block_number.reset();
    const auto res = mint_and_run(MAIN_14BC6F9, st, 1'000'000'000);
    ASSERT_EQ(res.emissions.size(), 1u);
    EXPECT_EQ(res.emissions[0].tao_emission, U96F32::zero());
    EXPECT_EQ(st.find(2)->subnet_tao, 150'000'000'000u);
    EXPECT_EQ(st.find(2)->subnet_alpha_out_emission, 1'000'000'000u);
    EXPECT_EQ(res.tao_recycled, 1'000'000'000u);  // no enabled subnet: the whole credit is recycled
}

// ---------------------------------------------------------------- findings

/// @rule BCOIN-007
TEST(injection_capped, failed_chain_buy_strands_minted_tao)
{
    // Finding candidate: the chain buy's TAO is spent from the credit (so TotalIssuance keeps
    // it) before the swap runs; when the swap fails (here ReservesTooLow: AlphaIn 50 < the
    // mock's MinimumReserve 100) SubnetTAO and TotalStake do not move and the TAO is not
    // recycled either: it sits in the subnet account outside every pool counter.
    // Minimal case: no root stake ⇒ root_proportion 0 ⇒ cap 0 ⇒ the whole emission is excess.
    ChainState st = mock_state();
    Subnet s = add_network(st, 1, 360);
    s.mechanism = Mechanism::dynamic;
    s.subnet_tao = 1'000'000;
    s.subnet_alpha_in = 50;
    s.subnet_moving_price = I96F32::one();
    st.subnets.push_back(s);
    const auto res = mint_and_run(MAIN_14BC6F9, st, 1'000'000'000);
    ASSERT_EQ(res.emissions.size(), 1u);
    const auto& e = res.emissions[0];
    EXPECT_EQ(e.cap, U96F32::zero());
    EXPECT_EQ(e.excess_spent, 1'000'000'000u);
    EXPECT_FALSE(e.chain_buy_ok);
    EXPECT_EQ(e.stranded_tao, 1'000'000'000u);
    EXPECT_EQ(res.tao_recycled, 0u);
    EXPECT_EQ(st.total_issuance, 1'000'000'000u);   // minted and kept
    EXPECT_EQ(st.find(1)->subnet_tao, 1'000'000u);  // but not in the pool
    EXPECT_EQ(st.total_stake, 0u);                  // nor in TotalStake
    EXPECT_EQ(st.find(1)->subnet_excess_tao, 0u);
}

// ---------------------------------------------------------------- BEMA-003 (mainnet spec 464+)

/// @rule BEMA-003 RSET-028 UNIT-031
TEST(injection_capped, fast_moving_price_seeds_then_moves_by_ln2_over_600)
{
    // Derivation: α = U64F64(ln 2) `safe_div` U64F64(600). ln 2 as f64 is 0x1.62e42fefa39efp-1,
    // whose U64F64 bits are 12 786 308 645 202 655 232 (exact: 53 significant bits); dividing by
    // the integer 600 floors the bits: α bits = 21 310 514 408 671 092.
    const u128 alpha = 21'310'514'408'671'092;
    const u128 one = u128{1} << 64;
    Subnet s;
    s.netuid = 1;
    s.subnet_tao = 1'000'000'000;
    s.subnet_alpha_in = 1'000'000'000;  // w = ½: spot 1
    const Perquintill w = chain::balancer::quote_weight(s);
    ASSERT_FALSE(s.subnet_fast_moving_price.has_value());
    update_fast_moving_price(s, w);
    EXPECT_EQ(s.subnet_fast_moving_price->bits, one);  // unset: seeded at spot
    s.subnet_tao = 2'000'000'000;                      // spot 2, fast 1: fast + (2 − 1)·α
    update_fast_moving_price(s, w);
    EXPECT_EQ(s.subnet_fast_moving_price->bits, one + alpha);
    s.subnet_fast_moving_price = U64F64::from_bits(2 * one);  // spot 1 below fast 2: fast − (2 − 1)·α
    s.subnet_tao = 1'000'000'000;
    update_fast_moving_price(s, w);
    EXPECT_EQ(s.subnet_fast_moving_price->bits, 2 * one - alpha);
    // The spot is not clamped at 1 (the slow EMA's input is): from 2 at spot 4, 2 + 2α.
    s.subnet_fast_moving_price = U64F64::from_bits(2 * one);
    s.subnet_tao = 4'000'000'000;
    update_fast_moving_price(s, w);
    EXPECT_EQ(s.subnet_fast_moving_price->bits, 2 * one + 2 * alpha);

    // The exact model takes the same α and rounds only when it stores.
    ExactSubnet x = to_exact(s);
    x.subnet_fast_moving_price = U64F64::from_bits(one);
    dtao::exact::injection_capped::update_fast_moving_price(x, Rational(1, 2));
    EXPECT_EQ(x.subnet_fast_moving_price->bits, one + 3 * alpha);  // from 1 towards spot 4

    // Only the rulesets that have it (RSET-028) run it in the block step.
    for (const Ruleset& r : {MAINNET_441, MAINNET_464}) {
        ChainState st = mock_state(1'000);
        Subnet e = add_dynamic_network(st, 1);
        e.subnet_emission_enabled = true;
        e.first_emission_block_number = 1;
        st.subnets.push_back(e);
        (void)block_step_with_credit(r, st, 0);
        EXPECT_EQ(st.find(1)->subnet_fast_moving_price.has_value(), r.fast_moving_price) << r.id;
    }
}

/// @rule BEPOCH-002
TEST(injection_capped, root_dividend_moves_no_pool_at_the_epoch)
{
    // Root Reborn (spec 441 on, spec/injection_capped.md BEPOCH-002): the epoch queues each
    // validator's root dividend for its basket, and an uncurated basket takes it in place. The
    // alpha was counted in SubnetAlphaOut when it was emitted, so the block that drains it moves
    // no pool: the same block with and without a pending root dividend leaves every reserve,
    // TotalStake and TotalIssuance equal, and the epoch hands the whole dividend on.
    constexpr u64 ROOT_DIVIDEND = 987'654'321;
    for (const Ruleset& r : MAINNET_RULESETS) {
        ChainState with = mock_state(1'000);
        Subnet e = add_dynamic_network(with, 1);
        e.subnet_emission_enabled = true;
        e.first_emission_block_number = 1;
        e.tempo = 360;
        e.last_epoch_block = 0;  // due at block 1 000
        e.subnet_alpha_out = 50'000'000'000;
        with.subnets.push_back(e);
        ChainState without = with;
        with.find(1)->pending_root_alpha_divs = ROOT_DIVIDEND;

        const auto a = block_step_with_credit(r, with, 1'000'000'000);
        const auto b = block_step_with_credit(r, without, 1'000'000'000);
        ASSERT_EQ(a.epochs.size(), 1u) << r.id;
        ASSERT_EQ(b.epochs.size(), 1u) << r.id;
        EXPECT_EQ(a.epochs[0].pending_root_alpha, b.epochs[0].pending_root_alpha + ROOT_DIVIDEND) << r.id;
        EXPECT_EQ(with.find(1)->pending_root_alpha_divs, 0u) << r.id;
        for (const u64 n : {u64{0}, u64{1}}) {
            const Subnet& x = *with.find(n);
            const Subnet& y = *without.find(n);
            EXPECT_EQ(x.subnet_tao, y.subnet_tao) << r.id << " netuid " << n;
            EXPECT_EQ(x.subnet_alpha_in, y.subnet_alpha_in) << r.id << " netuid " << n;
            EXPECT_EQ(x.subnet_alpha_out, y.subnet_alpha_out) << r.id << " netuid " << n;
        }
        EXPECT_EQ(with.total_stake, without.total_stake) << r.id;
        EXPECT_EQ(with.total_issuance, without.total_issuance) << r.id;
    }
}
