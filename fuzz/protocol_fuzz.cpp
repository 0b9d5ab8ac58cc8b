// protocol_fuzz: any bytes as one `dtao eval` request line
// (dtao::protocol::evaluate_line, spec/protocol.md).
// SPDX-License-Identifier: Apache-2.0
//
// Input: the whole input is the line (no decoding).
// Asserts: evaluate_line returns (never throws, never crashes, never hangs
// under libFuzzer's -timeout); the response is a JSON object with an "id"
// member and exactly one of "output" and "error"; it serialises with
// dump() (strict UTF-8, as `dtao eval` writes it) and the serialised text parses
// back to the same value — a clean JSON response line.
//
// Reproduce: ./dtao.sh fuzz protocol repro <crash-file>
#include "fuzz_common.hpp"

#include "protocol.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    nlohmann::json r;
    try {
        r = dtao::protocol::evaluate_line(line);
    } catch (const std::exception& e) {
        FUZZ_ASSERT(false, "evaluate_line threw: " << e.what());
    }
    FUZZ_ASSERT(r.is_object(), "response is not an object");
    FUZZ_ASSERT(r.contains("id"),
                "response has no id: " << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    FUZZ_ASSERT(r.contains("output") != r.contains("error"),
                "response needs exactly one of output/error: " << r.dump(-1, ' ', false,
                                                                         nlohmann::json::error_handler_t::replace));
    std::string text;
    try {
        text = r.dump();
    } catch (const std::exception& e) {
        FUZZ_ASSERT(false, "dump() of the response threw: "
                               << e.what() << " — "
                               << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    FUZZ_ASSERT(text.find('\n') == std::string::npos, "response is not one line");
    const auto back = nlohmann::json::parse(text, nullptr, false);
    FUZZ_ASSERT(!back.is_discarded() && back == r, "response does not round-trip");
    return 0;
}
