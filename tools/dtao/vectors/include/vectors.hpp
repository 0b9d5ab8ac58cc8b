// dtao: published test vectors — format, loader, generator, index.
// SPDX-License-Identifier: Apache-2.0
//
// The format is a public contract (schema version 1), documented in
// vectors/README.md and checked by the JSON Schemas in vectors/schema/.
// Expected values always come from the reference through
// dtao::protocol::evaluate, the code path of `dtao eval`.
#pragma once

#include "dtao/ruleset.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::vectors {

using json = nlohmann::json;

/// Version of the vector file format and of its schemas.
inline constexpr int SCHEMA_VERSION = 1;

/// One entry of the closed flag list (vectors/README.md).
struct FlagInfo
{
    std::string_view name;
    std::string_view description;
};
[[nodiscard]] const std::vector<FlagInfo>& flag_list();
[[nodiscard]] bool is_known_flag(std::string_view flag);

/// A vector family: one JSON Schema, one directory per ruleset.
struct FamilyInfo
{
    std::string_view name;
    std::vector<std::string_view> ops;
    std::string_view description;
};
[[nodiscard]] const std::vector<FamilyInfo>& family_list();
[[nodiscard]] const FamilyInfo* find_family(std::string_view name);
/// The family an op belongs to ("" if none).
[[nodiscard]] std::string family_of_op(std::string_view op);

/// One case of a vector file, flattened with its file and group context.
struct Case
{
    std::string file;     ///< path relative to the vectors directory
    std::string ruleset;  ///< ruleset id
    std::string family;
    std::string name;  ///< file name without .json
    std::string group;
    std::string id;         ///< the case id, stable, unique in its file
    std::string global_id;  ///< "<ruleset>/<family>/<name>/<id>", also the request id
    std::string comment;
    std::string op;
    std::vector<std::string> rules;
    std::vector<std::string> flags;                ///< group flags plus case flags
    std::vector<std::string> intermediate_fields;  ///< output paths (globs) that are intermediates
    json request;                                  ///< the `dtao eval` request line, as an object
    std::string request_line;                      ///< request.dump() (filled by the loader; empty: dumped on use)
    std::string expected_line;  ///< the canonical passing response line (sorted keys, compact), if known
    json expected;              ///< {"output": ...} or {"error": ..., "unchanged": ...}
    json exact;                 ///< exact-model values where they differ, or null
    json intermediates;         ///< key intermediate values (object)
};

struct VectorFile
{
    std::string path;  ///< relative to the vectors directory
    json header;       ///< every top-level field except `groups`
    std::vector<Case> cases;
};

/// Parse one vector file. Never throws: returns an error message or nullopt.
/// Checks the structure the runner relies on (not the full JSON Schema).
[[nodiscard]] std::optional<std::string> parse_vector_file(std::string_view bytes, const std::string& path,
                                                           VectorFile& out) noexcept;

struct LoadedVectors
{
    std::vector<VectorFile> files;
    std::vector<std::string> errors;  ///< one per unreadable or invalid file
    std::size_t case_count() const;
};

/// Load every vector file listed in `dir/index.json` (or, without an index,
/// every `<ruleset>/<family>/<name>.json` below `dir`). `dir` may also be a
/// release archive (a regular file, `dtao vectors pack`, archive.hpp): its
/// index is then required, and an entry the index neither lists nor is a
/// schema is an error. Each listed file's size and SHA-256 must match the
/// index. Never throws.
[[nodiscard]] LoadedVectors load_vectors(const std::filesystem::path& dir) noexcept;

// ------------------------------------------------------------------ generation

struct GenerateResult
{
    std::map<std::string, std::string> files;  ///< relative path -> exact bytes (vectors, schemas, index)
    std::size_t cases = 0;
    std::map<std::string, std::size_t> cases_per_family;
};

/// One case before evaluation: a filler's hand-written case, or what a generator
/// kind (a filler group's `generate` object) produced. The generator evaluates it
/// (chain and exact) into the case's expected values.
struct Draft
{
    std::string id;       ///< unique in its group
    std::string comment;  ///< what the case probes (one line)
    std::vector<std::string> flags;
    json input;  ///< the op's input
    json extra_intermediates = json::object();
};

/// What a generator kind is called with: the filler group's `generate` object
/// (with its `kind`), the group's op, the ruleset being generated, and the
/// fillers directory (vectors/fillers; scenario files are in ../scenarios).
struct GeneratorCall
{
    const json& params;
    const std::string& op;
    const std::string& ruleset;
    const std::filesystem::path& fillers_dir;
};

/// A generator kind that another part supplies, so that this library does not
/// depend on it: e.g. `scenario_blocks`, which runs the scenario engine
/// (dtao::scenario::vector_generators(), scenario_vectors.hpp). Returns the drafts
/// for the ruleset (none: the group is skipped for it); throws std::runtime_error
/// on a filler error (filler_error).
using Generator = std::function<std::vector<Draft>(const GeneratorCall&)>;
/// Generator kinds by the `kind` a filler names.
using Generators = std::map<std::string, Generator, std::less<>>;

/// Generate every vector file, schema and the index from the fillers in
/// `fillers_dir` (vectors/fillers). The built-in generator kinds are always
/// there; `generators` adds the kinds of other parts (a filler naming a kind
/// that is neither is a filler error). Deterministic: the same fillers give the
/// same bytes. Throws std::runtime_error on a filler error.
[[nodiscard]] GenerateResult generate(const std::filesystem::path& fillers_dir, const std::string& generator_version,
                                      const Generators& generators = {});

/// What the reference expects of one request, derived as the generator derives it for
/// every vector case: the expected response, the exact model's values where they differ,
/// the flags that follow from the answers (RULE_ERROR, EXACT_DIFFERS, HALVING_BOUNDARY,
/// OVERFLOW_SATURATION) and the spot price of a stake or limit op. The runner's random
/// mode uses it too, so that a profile's `flags_any` and `"reference": "exact"` mean the
/// same on a random request as on a vector.
struct Expectation
{
    json expected;                        ///< {"output": …} or {"error": …, "unchanged": …}
    json exact;                           ///< exact-model values where they differ, or null
    std::vector<std::string> flags;       ///< in the order derived (not sorted)
    json intermediates = json::object();  ///< derived intermediates (spot_price)
    std::optional<std::string> invalid;   ///< the protocol's error and message: not a valid request
};
/// `request` is a chain-arithmetic `dtao eval` request. Throws std::runtime_error
/// when the chain accepts the request and the exact model does not (a reference bug).
[[nodiscard]] Expectation expectation(const json& request);
/// STABLE_POOL for an input whose pool is the root subnet or a stable-mechanism pool
/// (`netuid` or `subnet_mechanism` "0" next to the pool's reserves). The fillers declare
/// it by hand; the runner's random mode derives it with this.
[[nodiscard]] std::vector<std::string> input_flags(const json& input);

/// For generator kinds: a filler error (throws std::runtime_error("filler: " + message)).
[[noreturn]] void filler_error(const std::string& message);
/// For generator kinds: the reference's response (chain arithmetic) to `op` on
/// `input` under `ruleset`, through dtao::protocol::evaluate; a protocol error
/// (an invalid request) is a filler error.
[[nodiscard]] json filler_eval(const std::string& ruleset, const std::string& op, const json& input);
/// For generator kinds: a u64 parameter, a decimal string (or a JSON number); a
/// filler error naming `where` otherwise.
[[nodiscard]] std::uint64_t filler_u64(const json& j, const std::string& where);

/// Compare a generation with what is on disk under `vectors_dir`: returns one
/// line per differing, missing or unexpected file (empty: byte-identical).
[[nodiscard]] std::vector<std::string> diff_against_disk(const GenerateResult& g,
                                                         const std::filesystem::path& vectors_dir);

/// Write a generation under `vectors_dir` (each file atomically), removing
/// generated files that are no longer produced. Returns files written.
std::size_t write_generation(const GenerateResult& g, const std::filesystem::path& vectors_dir);

// ------------------------------------------------------------------ shared helpers

/// Deterministic, platform-independent random source (std::mt19937_64 is
/// specified bit for bit; the std distributions are not, so none is used).
class Rng
{
public:
    explicit Rng(std::uint64_t seed) : m_gen(seed) {}
    std::uint64_t next() { return m_gen(); }
    /// Uniform in [0, n) (n > 0), by rejection, portable.
    std::uint64_t below(std::uint64_t n);
    /// Uniform in [lo, hi].
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi);
    bool chance(unsigned percent) { return below(100) < percent; }
    /// An amount: edge values, log-uniform, or uniform over u64.
    std::uint64_t amount();
    /// Log-uniform-ish in [lo, hi].
    std::uint64_t log_range(std::uint64_t lo, std::uint64_t hi);

private:
    std::mt19937_64 m_gen;
};

/// Output fields (globs over output paths) that are the op's key
/// intermediate values: a runner shows them when a case fails.
/// The fields depend on the op's form in `rules` (`dtao::form_of`).
[[nodiscard]] std::vector<std::string> intermediate_fields(const std::string& op, const Ruleset& rules);

/// A random, valid `input` for `op` (the generator of `--random` and of the
/// seeded vector groups).
[[nodiscard]] json random_input(const std::string& op, Rng& rng);
/// As above for `rules`: the input of the op's form there (`dtao::form_of`), with a state and
/// pool that hold exactly the ruleset's storage (`dtao::storage_of`).
[[nodiscard]] json random_input(const std::string& op, Rng& rng, const Ruleset& rules);
/// The ops random_input knows (every form; `protocol::op_in_ruleset` tells which ruleset has which).
[[nodiscard]] std::vector<std::string> random_ops();

/// Canonical JSON for vector files: top-level and groups indented, each case
/// on one line; keys sorted. Same input, same bytes.
[[nodiscard]] std::string dump_vector_file(const json& file);

/// Leaf-by-leaf walk: "a.b[2].c" -> value, for outputs.
void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, const json*>>& out);

}  // namespace dtao::vectors
