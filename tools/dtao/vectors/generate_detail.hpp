// dtao: what the vector generator's files share (private to vectors/).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "random_inputs.hpp"
#include "vectors.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::vectors::detail {

/// The `dtao eval` request for `input` (chain or exact arithmetic).
json request_for(const std::string& global_id, const std::string& ruleset, const std::string& op, const json& input,
                 const char* arithmetic = "chain");
/// Evaluate through the protocol; a protocol error (a `message`) is a filler bug.
json eval_or_throw(const json& request);
/// A filler's array of strings (null: empty); a filler error otherwise.
std::vector<std::string> strings_of(const json& j, const std::string& where);

/// The drafts of a built-in generator kind (generators.cpp); nullopt for a kind
/// that is not built in.
std::optional<std::vector<Draft>> run_builtin_generator(const json& g, const std::string& op,
                                                        const std::string& ruleset);

/// The JSON Schema of a family's vector files, and of the index (schema.cpp).
json family_schema(const FamilyInfo& fam);
json index_schema();

/// Lower-case hex SHA-256 of `data` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view data);

}  // namespace dtao::vectors::detail
