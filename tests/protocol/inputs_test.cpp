/// Tests of the inputs table (inputs.hpp): every form of every op has a list, a request that
/// gives every listed field is read without an unknown field, and a reader holding a list
/// refuses a field the list lacks or a field read as another kind than the table says.
#include "inputs.hpp"
#include "protocol.hpp"
#include "protocol_io.hpp"

#include "dtao/capabilities.hpp"
#include "dtao/ruleset.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using json = nlohmann::json;
using dtao::Form;
using dtao::Op;
using dtao::protocol::In;
using dtao::protocol::input_shape;
using dtao::protocol::InputField;
using dtao::protocol::InputShape;
namespace in = dtao::protocol::in;

namespace {

/// A value of `f`'s kind the protocol accepts (not necessarily one the op accepts).
json some_value(const InputField& f)
{
    switch (f.in) {
    case In::dec:
    case In::wide_dec:
    case In::signed_dec: return "1";
    case In::nullable_dec: return nullptr;
    case In::fixed: return {{"type", std::string(f.fixed_type)}, {"bits", "0"}};
    case In::flag: return false;
    case In::text: return "a";
    case In::choice: return std::string(f.choices[0]);
    case In::state: return json::object();
    case In::list: return json::array();
    case In::map: return json::object();
    }
    return nullptr;
}

/// An input that gives every field `shape` lists, and the pool fields it carries.
json every_field(const InputShape& shape)
{
    json o = json::object();
    for (const InputField* f : shape.fields)
        o[std::string(f->name)] = some_value(*f);
    if (shape.pool_fields)
        for (const auto& f : dtao::protocol::subnet_fields())
            if (f.group == *shape.pool_fields)
                o[std::string(f.name)] =
                    f.wire == dtao::protocol::Wire::flag ? json(f.fallback != 0) : json(dtao::to_int(f.fallback).str());
    return o;
}

}  // namespace

TEST(inputs, every_form_of_every_op_has_a_list)
{
    for (const auto& rs : dtao::RULESETS)
        for (const Op op : dtao::ALL_OPS) {
            const Form form = dtao::form_of(rs, op);
            if (!dtao::modelled(form))
                EXPECT_THROW((void)input_shape(op, form), std::logic_error) << to_string(op);
            else
                EXPECT_NO_THROW((void)input_shape(op, form)) << rs.id << " " << to_string(op);
        }
}

/// The reverse of the reader's check: each listed field is one the handler reads, so a
/// request may give it. Every op of every ruleset, in both arithmetics.
TEST(inputs, a_request_may_give_every_listed_field)
{
    for (const auto& rs : dtao::RULESETS)
        for (const Op op : dtao::ALL_OPS) {
            const Form form = dtao::form_of(rs, op);
            if (!dtao::modelled(form))
                continue;
            for (const char* arithmetic : {"chain", "exact"}) {
                const json req{{"id", "t"},
                               {"ruleset", std::string(rs.id)},
                               {"op", std::string(to_string(op))},
                               {"arithmetic", arithmetic},
                               {"input", every_field(input_shape(op, form))}};
                const json r = dtao::protocol::evaluate(req);
                const std::string message = r.value("message", "");
                EXPECT_EQ(message.find("unknown field"), std::string::npos) << rs.id << " " << req.dump() << r.dump();
                EXPECT_NE(r.value("error", ""), "internal_error") << rs.id << " " << req.dump() << r.dump();
            }
        }
}

TEST(inputs, a_reader_refuses_a_field_its_list_lacks)
{
    using dtao::protocol::detail::Reader;
    const InputShape shape{{&in::AMOUNT}};
    const json input{{"amount", "5"}, {"tao", "7"}};
    Reader r(input, "request.input", shape);
    EXPECT_EQ(r.u64_field(in::AMOUNT), 5u);
    // the same name through another constant is not the listed field
    EXPECT_THROW((void)r.u64_field(in::TAO), std::logic_error);
}

TEST(inputs, a_reader_refuses_a_field_read_otherwise_than_the_table_says)
{
    using dtao::protocol::detail::Reader;
    const InputShape shape{{&in::AMOUNT, &in::LIMIT_PRICE, &in::SUBNET_MOVING_PRICE}};
    const json input{{"amount", "5"}, {"limit_price", "7"}};
    Reader r(input, "request.input", shape);
    // `amount` is required: reading it as optional contradicts the table
    EXPECT_THROW((void)r.opt_u64(in::AMOUNT), std::logic_error);
    // `limit_price` is optional, without a default
    EXPECT_THROW((void)r.u64_or(in::LIMIT_PRICE), std::logic_error);
    EXPECT_EQ(r.opt_u64(in::LIMIT_PRICE), std::optional<dtao::u64>(7));
    // the moving price is an I96F32, not a U96F32
    EXPECT_THROW((void)r.fixed_or<dtao::fixed::U96F32>(in::SUBNET_MOVING_PRICE), std::logic_error);
    EXPECT_EQ(r.fixed_or<dtao::fixed::I96F32>(in::SUBNET_MOVING_PRICE).bits, 0);
}

/// A table default is what an omitted field reads as.
TEST(inputs, an_omitted_field_reads_as_its_table_default)
{
    using dtao::protocol::detail::Reader;
    const InputShape shape{{&in::SUBNET_MOVING_ALPHA, &in::TAO_WEIGHT, &in::BLOCK_AUTHOR}};
    Reader r(json::object(), "request.input", shape);
    EXPECT_EQ(r.fixed_or<dtao::fixed::I96F32>(in::SUBNET_MOVING_ALPHA).bits, in::SUBNET_MOVING_ALPHA.fallback);
    EXPECT_EQ(r.u64_or(in::TAO_WEIGHT), dtao::LAUNCH_TAO_WEIGHT);
    EXPECT_TRUE(r.bool_or(in::BLOCK_AUTHOR));
}
