// Unit tests of the capability table: which ops and storage a ruleset has.
// @rule RSET-024
//
// Expected values are spec/protocol.md's op tables (the launch table and the Balancer-era
// table, "an op of the other era is op_not_in_ruleset") and its `state` section; the table
// must reproduce them from the rulesets' family fields alone.
#include "dtao/capabilities.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace dtao;

namespace {

std::set<std::string> ops_of(const Ruleset& r)
{
    std::set<std::string> s;
    for (const Op op : ALL_OPS)
        if (has_op(r, op))
            s.insert(std::string(to_string(op)));
    return s;
}

const std::set<std::string> LAUNCH_OPS{"block_emission",
                                       "alpha_price",
                                       "sim_swap_tao_for_alpha",
                                       "sim_swap_alpha_for_tao",
                                       "max_amount_add",
                                       "max_amount_remove",
                                       "add_stake",
                                       "remove_stake",
                                       "update_moving_price",
                                       "coinbase",
                                       "block",
                                       "drain_pending_emission",
                                       "network_lock_cost",
                                       "register_network",
                                       "start_call",
                                       "blocks_until_next_epoch"};
const std::set<std::string> BALANCER_OPS{"block_emission",
                                         "alpha_price",
                                         "swap",
                                         "max_amount_add",
                                         "max_amount_remove",
                                         "adjust_protocol_liquidity",
                                         "pow_ratio_scaled",
                                         "migrate_swapv3_to_balancer",
                                         "add_stake",
                                         "remove_stake",
                                         "update_moving_price",
                                         "coinbase",
                                         "block",
                                         "dividend_distribution",
                                         "network_lock_cost",
                                         "register_network",
                                         "start_call"};

}  // namespace

TEST(capabilities, ops_of_each_ruleset_are_the_protocol_tables)
{
    for (const auto& r : LAUNCH_RULESETS)
        EXPECT_EQ(ops_of(r), LAUNCH_OPS) << r.id;
    for (const auto& r : BALANCER_RULESETS)
        EXPECT_EQ(ops_of(r), BALANCER_OPS) << r.id;
}

TEST(capabilities, forms_follow_the_family_fields)
{
    EXPECT_EQ(form_of(V2_0_10, Op::add_stake), Form::constant_product);
    EXPECT_EQ(form_of(V3_4_8_423, Op::add_stake), Form::balancer);
    EXPECT_EQ(form_of(V2_0_0, Op::coinbase), Form::launch);
    EXPECT_EQ(form_of(MAIN_14BC6F9, Op::coinbase), Form::injection_capped);
    EXPECT_EQ(form_of(V2_0_0, Op::block_emission), Form::common);
    EXPECT_EQ(form_of(MAIN_14BC6F9, Op::block_emission), Form::common);
    EXPECT_EQ(form_of(V2_0_0, Op::blocks_until_next_epoch), Form::modulo);
    EXPECT_EQ(form_of(V3_4_9_424, Op::blocks_until_next_epoch), Form::absent);

    // A ruleset that changes one family changes only that family's forms: the Balancer pool
    // on the launch coinbase keeps the launch coinbase, EMA and registration.
    Ruleset mixed = V2_0_10;
    mixed.swap = SwapKind::balancer;
    EXPECT_EQ(form_of(mixed, Op::alpha_price), Form::balancer);
    EXPECT_EQ(form_of(mixed, Op::sim_swap_tao_for_alpha), Form::absent);
    EXPECT_EQ(form_of(mixed, Op::coinbase), Form::launch);
    EXPECT_EQ(form_of(mixed, Op::drain_pending_emission), Form::launch);
    EXPECT_EQ(form_of(mixed, Op::dividend_distribution), Form::absent);
}

/// @rule RSET-024 RSET-032
TEST(capabilities, the_v3_year_answers_its_pool_and_names_the_rest)
{
    for (const auto& r : V3_RULESETS) {
        EXPECT_EQ(form_of(r, Op::alpha_price), Form::concentrated) << r.id;
        EXPECT_EQ(form_of(r, Op::swap), Form::concentrated) << r.id;
        EXPECT_EQ(form_of(r, Op::adjust_protocol_liquidity), Form::concentrated) << r.id;
        // the runtime API from v3.2.5
        EXPECT_EQ(form_of(r, Op::sim_swap_tao_for_alpha), r.sim_swap_runtime_api ? Form::concentrated : Form::absent)
            << r.id;
        // unchanged through the year
        EXPECT_EQ(form_of(r, Op::block_emission), Form::common) << r.id;
        EXPECT_EQ(form_of(r, Op::network_lock_cost), Form::common) << r.id;
        EXPECT_EQ(form_of(r, Op::blocks_until_next_epoch), Form::modulo) << r.id;
        // the coinbase of v3.2.0 … v3.2.9 is modelled on the v3 pool, chain model only; the later
        // coinbases are not
        const bool price_share = r.coinbase == CoinbaseKind::v3_price_share || r.coinbase == CoinbaseKind::v3_subsidy;
        EXPECT_EQ(form_of(r, Op::coinbase), price_share ? Form::v3_price_share : Form::not_modelled) << r.id;
        EXPECT_FALSE(has_exact_model(form_of(r, Op::coinbase))) << r.id;
        EXPECT_EQ(storage_of(r).launch_pending, price_share) << r.id;
        EXPECT_TRUE(storage_of(r).v3_pool) << r.id;
        EXPECT_EQ(storage_of(r).v3_default_fee_rate, r.v3_default_fee_rate) << r.id;
        // had on chain, not modelled: never another era's form
        for (const Op op :
             {Op::block, Op::update_moving_price, Op::register_network, Op::start_call, Op::add_stake, Op::remove_stake,
              Op::max_amount_add, Op::max_amount_remove, Op::drain_pending_emission, Op::dividend_distribution}) {
            EXPECT_EQ(form_of(r, op), Form::not_modelled) << r.id << " " << to_string(op);
            EXPECT_TRUE(has_op(r, op));
            EXPECT_FALSE(answers(r, op));
        }
        EXPECT_EQ(form_of(r, Op::pow_ratio_scaled), Form::absent) << r.id;
        EXPECT_FALSE(has_exact_model(form_of(r, Op::swap)));
        EXPECT_EQ(storage_of(r).swap_pallet, false) << r.id;  // the v3 pool is its ops' input, not state
    }
    EXPECT_FALSE(V3_2_3.sim_swap_runtime_api);
    EXPECT_TRUE(V3_2_5.sim_swap_runtime_api);
    EXPECT_TRUE(has_exact_model(Form::balancer));
}

TEST(capabilities, storage_of_each_ruleset)
{
    for (const auto& r : LAUNCH_RULESETS) {
        const Storage s = storage_of(r);
        EXPECT_TRUE(s.launch_pending) << r.id;
        EXPECT_FALSE(s.swap_pallet || s.injection_capped || s.epoch_state) << r.id;
    }
    for (const auto& r : BALANCER_RULESETS) {
        const Storage s = storage_of(r);
        EXPECT_FALSE(s.launch_pending) << r.id;
        EXPECT_TRUE(s.swap_pallet && s.injection_capped && s.epoch_state) << r.id;
    }
}

TEST(capabilities, op_names_round_trip)
{
    std::set<std::string> names;
    for (const Op op : ALL_OPS) {
        const std::string name(to_string(op));
        EXPECT_FALSE(name.empty());
        EXPECT_TRUE(names.insert(name).second) << name;
        ASSERT_TRUE(find_op(name).has_value()) << name;
        EXPECT_EQ(*find_op(name), op);
    }
    EXPECT_FALSE(find_op("sim_swap").has_value());
    EXPECT_FALSE(find_op("").has_value());
}
