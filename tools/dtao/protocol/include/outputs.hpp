// dtao: the outputs of the `dtao eval` ops (spec/protocol.md), each form's listed once: the
// fields, how each is written, and which are always there.
// SPDX-License-Identifier: Apache-2.0
//
// `evaluate` checks every handler's output against its entry here, so a handler that writes a
// field this table lacks, drops one it promises or writes it in another kind is an
// `internal_error`, never a silent change of the wire format. The JSON Schema generator
// (vectors/schema.cpp) publishes the same entries. With the state table (state_fields.hpp)
// this is where the outputs' wire format is written (issue #12).
#pragma once

#include "state_fields.hpp"

#include "dtao/capabilities.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace dtao::protocol {

/// How an output value is written (spec/protocol.md, Values). In exact arithmetic an amount or
/// a fixed-point value may be a rational instead.
enum class Out
{
    dec,          ///< a decimal string
    signed_dec,   ///< a decimal string with an optional leading `-` (a tick, a liquidity delta)
    fixed,        ///< {"type", "bits"}
    number,       ///< a decimal, a rational or a fixed-point value
    flag,         ///< true or false
    dec_or_null,  ///< a decimal string, or null for "no value"
    rule_error,   ///< an error token (errors.hpp)
    state,        ///< the `state` object of the ruleset (state_fields.hpp)
    object,       ///< an object of the field's `shape`
    list,         ///< an array of `shape`
    map,          ///< an object whose values are each a `shape` (its keys are netuids or hotkeys)
};

struct Shape;

/// The arithmetic models that write a field.
enum class Written
{
    in_both,
    chain_only,  ///< a chain intermediate the exact model has no counterpart of (the halving's q)
    exact_only,  ///< a value only the exact model has (the weight in force as a rational)
};

struct OutputField
{
    std::string_view name;
    Out out = Out::dec;
    /// The shape of an `object`'s value, a `list`'s items or a `map`'s values.
    const Shape* shape = nullptr;
    /// false: only some answers write it (a constant-product quote's `k` on a dynamic subnet).
    bool always = true;
    /// The storage the field reports on (state_fields.hpp): a ruleset without it has no such field
    /// (today's mainnet's gate and reservoirs).
    Group group = Group::every;
    Written written = Written::in_both;
    /// In exact arithmetic the value is of this shape instead (`pow_ratio_scaled`'s enclosure
    /// of the true value).
    const Shape* exact = nullptr;
};

/// An object with `fields`, one of `choices` (the results of a block's actions) or, when both
/// are empty, a single value of kind `leaf` (the values of a map of fixed-point dividends).
struct Shape
{
    /// Published under this name in a schema's `$defs`, or written inline when empty.
    std::string_view def;
    std::vector<OutputField> fields;
    std::vector<const Shape*> choices;
    Out leaf = Out::dec;
};

/// The output of `op` in `form` (a form the op has, capabilities.hpp).
[[nodiscard]] const Shape& output_shape(Op op, Form form);

/// The named shapes the outputs use, each once.
[[nodiscard]] const std::vector<const Shape*>& named_output_shapes();

/// Why `value` is not an output of `shape` under a ruleset with `storage` ("" when it is);
/// `path` names it in the message. `exact`: the request's arithmetic is exact, so an amount or a
/// fixed-point value may be a rational. The vectors and their schemas hold the chain arithmetic.
[[nodiscard]] std::string output_mismatch(const nlohmann::json& value, const Shape& shape, const std::string& path,
                                          const Storage& storage, bool exact);

}  // namespace dtao::protocol
