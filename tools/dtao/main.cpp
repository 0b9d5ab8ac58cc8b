// dtao: the command-line tool of the dTAO conformance harness.
// SPDX-License-Identifier: Apache-2.0
#include "protocol.hpp"

#include "dtao/ruleset.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

namespace {

/// Requests `dtao demo` evaluates: one per op family, on the launch ruleset.
const char* const DEMO_REQUESTS[] = {
    R"({"id":"emission-genesis","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"0"}})",
    R"({"id":"emission-first-halving","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"10500000000000000"}})",
    R"({"id":"emission-first-halving-exact","ruleset":"v2.0.1","op":"block_emission","arithmetic":"exact","input":{"issuance":"10500000000000000"}})",
    R"({"id":"price","ruleset":"v2.0.1","op":"alpha_price","input":{"subnet_tao":"150000000000","subnet_alpha_in":"100000000000"}})",
    R"({"id":"buy","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","input":{"subnet_tao":"10000000000","subnet_alpha_in":"5000000000","amount":"1000000000"}})",
    R"({"id":"buy-exact","ruleset":"v2.0.1","op":"sim_swap_tao_for_alpha","arithmetic":"exact","input":{"subnet_tao":"10000000000","subnet_alpha_in":"5000000000","amount":"1000000000"}})",
    R"({"id":"sell-too-deep","ruleset":"v2.0.1","op":"sim_swap_alpha_for_tao","input":{"subnet_tao":"20000000","subnet_alpha_in":"20000000","amount":"30000000"}})",
    R"({"id":"limit-add","ruleset":"v2.0.1","op":"max_amount_add","input":{"subnet_tao":"150000000000","subnet_alpha_in":"100000000000","limit_price":"3000000000"}})",
    R"({"id":"ema","ruleset":"v2.0.10","op":"update_moving_price","input":{"subnet_tao":"1000000","subnet_alpha_in":"1000000","subnet_moving_price":{"type":"I96F32","bits":"0"},"block":"201600","first_emission_block_number":"1"}})",
    R"({"id":"coinbase","ruleset":"v2.0.1","op":"coinbase","input":{"block_emission":"100000000","state":{"block":"1","subnet_owner_cut":"0","tao_weight":"0","subnets":[{"netuid":"1","subnet_moving_price":{"type":"I96F32","bits":"4294967296"},"tempo":"0"},{"netuid":"2","subnet_moving_price":{"type":"I96F32","bits":"8589934592"},"tempo":"0"}]}}})",
    R"({"id":"malformed","ruleset":"v2.0.1","op":"block_emission","input":{"issuance":"010"}})",
};

int run_eval(std::istream& in, std::ostream& out)
{
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;  // blank lines carry no request
        out << dtao::protocol::evaluate_line(line).dump() << '\n' << std::flush;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"dtao: conformance and fuzzing harness for Bittensor's dynamic TAO (dTAO) rules.\n"
                 "The reference answers the JSON Lines protocol of spec/protocol.md."};
    app.require_subcommand(1);

    std::string input_file;
    auto* eval = app.add_subcommand("eval", "Answer JSON Lines requests (stdin or --input) with one response line each, "
                                            "in order; a bad line gets an error response and the stream goes on");
    eval->add_option("-i,--input", input_file, "Read requests from this file instead of stdin")->check(CLI::ExistingFile);

    app.add_subcommand("demo", "Evaluate a handful of example requests and print each request and its response");
    app.add_subcommand("rulesets", "List the rulesets (subtensor release tags) this reference implements");
    app.add_subcommand("ops", "List the ops of the eval protocol with the rule each implements");
    app.add_subcommand("version", "Print the tool, protocol and C++ versions");

    CLI11_PARSE(app, argc, argv);

    try {
        if (app.got_subcommand("eval")) {
            if (input_file.empty())
                return run_eval(std::cin, std::cout);
            std::ifstream f(input_file);
            if (!f) {
                std::cerr << "dtao eval: cannot read " << input_file << '\n';
                return 2;
            }
            return run_eval(f, std::cout);
        }
        if (app.got_subcommand("demo")) {
            for (const char* request : DEMO_REQUESTS) {
                std::cout << "> " << request << '\n';
                std::cout << "< " << dtao::protocol::evaluate_line(request).dump() << "\n\n";
            }
            return 0;
        }
        if (app.got_subcommand("rulesets")) {
            for (const auto& r : dtao::RULESETS)
                std::cout << r.id << "\t" << r.date << "\t" << r.commit << "\tspec_version " << r.spec_version
                          << (r.parent.empty() ? "" : "\tparent ") << r.parent << '\n';
            return 0;
        }
        if (app.got_subcommand("ops")) {
            for (const auto& [name, doc] : dtao::protocol::ops())
                std::cout << name << "\t" << doc << '\n';
            return 0;
        }
        if (app.got_subcommand("version")) {
            std::cout << "dtao " << DTAO_VERSION << " (eval protocol " << dtao::protocol::PROTOCOL_VERSION << ")\n";
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "dtao: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
