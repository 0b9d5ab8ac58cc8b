// vector_loader_fuzz: any bytes as one published vector file
// (dtao::vectors::parse_vector_file, vectors/README.md), then the runner's
// judge on every case it accepts.
// SPDX-License-Identifier: Apache-2.0
//
// Input: the whole input is the file's bytes (no decoding); inputs over 1 MiB
// are skipped.
// Asserts: parse_vector_file returns (it is noexcept: an escaping exception
// would terminate) with either an error message or a file; a rejected input
// has a non-empty message; an accepted file has case_count cases, each with
// a non-empty id and request id, a request object with an `input` object, and
// exactly one of output/error expected; and judging each case against a
// response that repeats its expected outcome never throws and gives `pass`.
//
// Reproduce: ./dtao.sh fuzz vector_loader repro <crash-file>
#include "fuzz_common.hpp"

#include "conform.hpp"
#include "vectors.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FUZZ_BEGIN();
    if (size > (1u << 20))
        return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    dtao::vectors::VectorFile file;
    const auto error = dtao::vectors::parse_vector_file(bytes, "fuzz.json", file);
    if (error) {
        FUZZ_ASSERT(!error->empty(), "rejected without a message");
        return 0;
    }
    FUZZ_ASSERT(file.header.contains("case_count") && file.header["case_count"].is_number_unsigned() &&
                    file.header["case_count"].get<std::size_t>() == file.cases.size(),
                "case_count does not match the cases loaded");
    for (const auto& c : file.cases) {
        FUZZ_ASSERT(!c.id.empty() && !c.global_id.empty(), "a case without an id was accepted");
        FUZZ_ASSERT(c.request.is_object() && c.request.contains("input") && c.request["input"].is_object(),
                    "a case without a request input object was accepted");
        FUZZ_ASSERT(c.expected.contains("output") != c.expected.contains("error"),
                    "a case without exactly one of output/error was accepted");
        nlohmann::json response = {{"id", c.global_id}};
        if (c.expected.contains("output"))
            response["output"] = c.expected["output"];
        else
            response["error"] = c.expected["error"];
        dtao::conform::Verdict v;
        try {
            v = dtao::conform::judge(c, response, nullptr);
        } catch (const std::exception& e) {
            FUZZ_ASSERT(false, "judge threw: " << e.what());
        }
        FUZZ_ASSERT(v.status == dtao::conform::Status::pass,
                    "a response equal to the expected outcome did not pass: " << v.detail);
    }
    return 0;
}
