// Unit tests of subnet registration and start_call.
// Rules: REG-001 REG-002 REG-003 REG-004 (and RSET-005 RSET-008 RSET-013 behaviourally)
//
// Chain sources: subnets/subnet.rs::{do_register_network,do_start_call} and
// coinbase/root.rs::{get_network_lock_cost,get_lock_reduction_interval}
// (subtensor_v2.md §Q5, §Q2 "start_call"; chain-rules.md §A.6). Expected
// values are derived by hand in the comments; the start_call cases mirror
// tests/subnet.rs @ 8de0d23 (test_do_start_call_ok, _fail_with_cannot_start_call_now,
// _fail_for_set_again, _fail_with_not_existed_subnet).
#include "dtao/registration.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

using namespace dtao;

namespace {

ChainState registry(u64 block, u64 last_registered, u64 last_lock)
{
    ChainState st;
    st.block = block;
    st.network_last_registered = last_registered;
    st.network_last_lock_cost = last_lock;
    st.total_issuance = 1'000'000'000'000'000;  // k = 0: E = 1e9
    return st;
}

}  // namespace

/// @rule REG-002
TEST(registration, lock_reduction_interval_scales_with_emission)
{
    // interval · (E / 1e9) in I64F64: E = 1e9 → 100 800; after the first
    // halving (TI = 1.05e16, E = 5e8) → 50 400; at the cap (E = 0) → 0.
    ChainState st = registry(0, 0, 0);
    EXPECT_EQ(chain::lock_reduction_interval(st), 100'800u);
    st.total_issuance = 10'500'000'000'000'000;
    EXPECT_EQ(chain::lock_reduction_interval(st), 50'400u);
    st.total_issuance = TOTAL_SUPPLY;
    EXPECT_EQ(chain::lock_reduction_interval(st), 0u);
    ExactChainState e = to_exact(registry(0, 0, 0));
    e.total_issuance = Rational(10'500'000'000'000'000);
    EXPECT_EQ(exact::lock_reduction_interval(e), 50'400);
}

/// @rule REG-001
TEST(registration, lock_cost_formula)
{
    // First registration ever (NetworkLastRegistered = 0): mult 1.
    // last 5e9, block 100: per block ⌊5e9/100 800⌋ = 49 603 (integer division
    // first), lock = 5e9 − 49 603·100 = 4 995 039 700.
    EXPECT_EQ(chain::network_lock_cost(registry(100, 0, 5'000'000'000)), 4'995'039'700u);
    // Later: mult 2. last 2e12 at block 1000, now 8200: ⌊2e12/100 800⌋ =
    // 19 841 269; lock = 4e12 − 19 841 269·7200 = 3 857 142 863 200.
    EXPECT_EQ(chain::network_lock_cost(registry(8'200, 1'000, 2'000'000'000'000)), 3'857'142'863'200u);
    // exact: 4e12 − 2e12·7200/100 800 = 27e12/7 (no flooring)
    EXPECT_EQ(exact::network_lock_cost(to_exact(registry(8'200, 1'000, 2'000'000'000'000))),
              Rational(Int("27000000000000"), 7));
    // long after: the reduction exceeds 2·last → saturates at 0 → NetworkMinLockCost (1e9)
    EXPECT_EQ(chain::network_lock_cost(registry(1'000'000, 1'000, 2'000'000'000'000)), NETWORK_MIN_LOCK_COST);
    // never below the minimum; and with interval 0 (E = 0) nothing is reduced
    ChainState z = registry(8'200, 1'000, 2'000'000'000'000);
    z.total_issuance = TOTAL_SUPPLY;
    EXPECT_EQ(chain::network_lock_cost(z), 4'000'000'000'000u);
    EXPECT_EQ(chain::network_lock_cost(registry(5, 0, 0)), NETWORK_MIN_LOCK_COST);
}

/// @rule REG-003 RSET-005 RSET-013
TEST(registration, register_network_pool_burn_and_rate_limit)
{
    ChainState st = registry(10'000, 1'000, 2'000'000'000'000);
    st.total_stake = 777;
    Subnet root;
    root.netuid = 0;
    root.mechanism = Mechanism::stable;
    Subnet one;
    one.netuid = 1;
    st.subnets = {root, one};
    // rate limit: now − last < 7200 → error, nothing changes
    ChainState early = st;
    early.block = 8'199;
    EXPECT_EQ(chain::register_network(V2_0_1, early).error(), Error::network_tx_rate_limit_exceeded);
    EXPECT_EQ(early.subnets.size(), 2u);
    // lock at block 10 000: 4e12 − 19 841 269·9 000 = 3 821 428 579 000
    ChainState s1 = st;
    const auto r = chain::register_network(V2_0_1, s1);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->lock_cost, 3'821'428'579'000u);
    EXPECT_EQ(r->netuid, 2u);  // smallest unused netuid ≥ 1
    EXPECT_EQ(r->pool_tao, NETWORK_MIN_LOCK_COST);
    EXPECT_EQ(r->burned, 3'821'428'579'000u - NETWORK_MIN_LOCK_COST);
    const Subnet& n = *s1.find(2);
    EXPECT_EQ(n.subnet_tao, NETWORK_MIN_LOCK_COST);
    EXPECT_EQ(n.subnet_alpha_in, NETWORK_MIN_LOCK_COST);  // price 1
    EXPECT_EQ(n.subnet_alpha_out, 0u);
    EXPECT_EQ(n.mechanism, Mechanism::dynamic);
    EXPECT_EQ(n.network_registered_at, 10'000u);
    EXPECT_EQ(n.tempo, 99u);  // RSET-005: 99 before v2.0.4
    EXPECT_FALSE(n.first_emission_block_number.has_value());
    EXPECT_EQ(s1.total_issuance, 1'000'000'000'000'000u - r->burned);
    EXPECT_EQ(s1.total_stake, 777u);  // RSET-013: not before v2.0.8
    EXPECT_EQ(s1.network_last_lock_cost, r->lock_cost);
    EXPECT_EQ(s1.network_last_registered, 10'000u);
    // the next registration within the rate limit fails
    EXPECT_EQ(chain::register_network(V2_0_1, s1).error(), Error::network_tx_rate_limit_exceeded);
    // v2.0.4: tempo 360; v2.0.8: the pool TAO is added to TotalStake
    ChainState s4 = st, s8 = st;
    (void)chain::register_network(V2_0_4, s4);
    EXPECT_EQ(s4.find(2)->tempo, 360u);
    EXPECT_EQ(s4.total_stake, 777u);
    (void)chain::register_network(V2_0_8, s8);
    EXPECT_EQ(s8.total_stake, 777u + NETWORK_MIN_LOCK_COST);
    // exact model: the lock is 4e12 − 2e12·9000/100 800 = 3 821 428 571 428.57…;
    // the wallet pays whole rao, the burn is the exact lock minus the pool.
    ExactChainState e = to_exact(st);
    const auto er = exact::register_network(V2_0_8, e);
    ASSERT_TRUE(er.ok());
    const Rational lock = Rational(4'000'000'000'000) - Rational(Int(2'000'000'000'000) * 9'000, Int(100'800));
    EXPECT_EQ(er->lock_cost, to_u64_checked(floor(lock)));
    EXPECT_EQ(er->burned, lock - NETWORK_MIN_LOCK_COST);
    EXPECT_EQ(e.total_stake, 777 + NETWORK_MIN_LOCK_COST);
}

/// @rule REG-004 RSET-008
TEST(registration, start_call)
{
    ChainState st;
    st.block = 1'000;
    Subnet s;
    s.netuid = 1;
    s.network_registered_at = 1'000;
    st.subnets = {s};
    // before v2.0.9 there is no start_call
    EXPECT_EQ(start_call(V2_0_8, st, 1).error(), Error::subnet_not_exists);
    // unknown subnet (test_do_start_call_fail_with_not_existed_subnet)
    EXPECT_EQ(start_call(V2_0_9, st, 7).error(), Error::subnet_not_exists);
    // no block advance (…_fail_with_cannot_start_call_now), and one block short
    EXPECT_EQ(start_call(V2_0_9, st, 1).error(), Error::need_wait_for_start_call);
    st.block = 1'000 + DURATION_OF_START_CALL - 1;
    EXPECT_EQ(start_call(V2_0_9, st, 1).error(), Error::need_wait_for_start_call);
    // test_do_start_call_ok: block = registration + DurationOfStartCall → FEB = block + 1
    st.block = 1'000 + DURATION_OF_START_CALL;
    const auto r = start_call(V2_0_9, st, 1);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, st.block + 1);
    EXPECT_EQ(st.find(1)->first_emission_block_number, st.block + 1);
    // …_fail_for_set_again
    EXPECT_EQ(start_call(V2_0_10, st, 1).error(), Error::first_emission_block_number_already_set);
    // exact state works the same way
    ExactChainState e;
    e.block = 60'000;
    ExactSubnet x;
    x.netuid = 3;
    e.subnets = {x};
    EXPECT_EQ(*start_call(V2_0_10, e, 3), 60'001u);
}
