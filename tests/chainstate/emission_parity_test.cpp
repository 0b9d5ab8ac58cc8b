/// Mainnet's coinbase, replayed block by block: every pair of tests/data/mainnet/emission/
/// (re-encoded captures of finney, specs 441 … 475; tests/data/mainnet/README.md) gives the
/// storage at block n − 1 (`b<n>_in.json`) and what block n's coinbase wrote (`b<n>_out.json`).
/// The state at n − 1 is decoded under the ruleset in force for its spec version (RSET-027),
/// `block_step` runs at block n, and each coinbase output the capture holds is compared to the
/// rao (to the bit for the fixed-point ones).
///
/// Nothing but the coinbase writes the compared items between the two snapshots: the
/// subtensor pallet's `on_initialize` runs `block_step` before any extrinsic of block n, and
/// no extrinsic writes `SubnetTaoInEmission`, `SubnetExcessTao`, `SubnetAlpha{In,Out}Emission`,
/// the Balancer reservoirs, `SwapBalancer` (swaps do not move the weights) or
/// `EmissionGateBar`; `SubnetProtocolAlpha` moves only with chain buys (and it matches at every
/// captured block, so no extrinsic moved it there).
/// @rule BCOIN-004 BCOIN-015 BCOIN-016 BGATE-001 BGATE-002 BGATE-003 RSET-027
#include "chainstate.hpp"
#include "chainstate_vectors.hpp"
#include "protocol.hpp"

#include "dtao/emission.hpp"
#include "dtao/injection_capped.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using dtao::u64;
using nlohmann::json;

const fs::path EMISSION = fs::path(DTAO_SOURCE_DIR) / "tests/data/mainnet/emission";

json load(const fs::path& p)
{
    std::ifstream in(p);
    return json::parse(in);
}

std::vector<dtao::chainstate::CapturedPair> pairs() { return dtao::chainstate::captured_pairs(EMISSION); }

/// One compared per-subnet item: the capture's storage name and the state's member.
TEST(mainnet_emission, every_captured_pair_is_present)
{
    const auto all = pairs();
    ASSERT_FALSE(all.empty()) << "no emission pairs in " << EMISSION;
    for (const auto& p : all)
        EXPECT_TRUE(fs::exists(p.out)) << p.in << " has no _out.json";
}

TEST(mainnet_emission, coinbase_reproduces_every_captured_block)
{
    std::size_t blocks = 0, subnets = 0, values = 0;
    for (const auto& pair : pairs()) {
        SCOPED_TRACE(pair.in.filename().string());
        const json in = load(pair.in);
        const json out = load(pair.out);
        const unsigned spec = in.at("provenance").at("spec_version").get<unsigned>();
        const auto rules = dtao::find_ruleset_for_spec(spec);
        ASSERT_TRUE(rules.has_value()) << "spec " << spec << " has no ruleset";
        ASSERT_EQ(out.at("provenance").at("spec_version").get<unsigned>(), spec);

        dtao::ChainState st = dtao::chainstate::decode(in, *rules).state;
        const auto observed = dtao::chainstate::decode(out, *rules).state;
        const u64 n = out.at("provenance").at("block").get<u64>();
        ASSERT_EQ(in.at("provenance").at("block").get<u64>() + 1, n);

        // The runtime API's block emission at n − 1 is what block n mints.
        for (const auto& call : in.value("runtime_api", json::array()))
            if (call.at("method") == "SubnetInfoRuntimeApi_get_block_emission") {
                const auto e = dtao::chain::block_emission(st.total_issuance);
                ASSERT_TRUE(e.ok());
                EXPECT_EQ(std::to_string(e->emission), call.at("result").get<std::string>());
            }

        st.block = n;  // the coinbase of block n runs on the state block n − 1 left
        (void)dtao::injection_capped::block_step(*rules, st);

        EXPECT_EQ(st.emission_gate_bar.bits, observed.emission_gate_bar.bits) << "EmissionGateBar";
        ++values;

        // The netuids and items the capture observed at n.
        std::set<std::pair<std::string, u64>> present;
        for (const auto& e : out.at("storage"))
            if (e.contains("netuid"))
                present.emplace(e.at("item").get<std::string>(), e.at("netuid").get<u64>());
        // Compared as the eval protocol writes them, item by item as the generator does.
        const json got_state = dtao::protocol::state_to_json(st, *rules);
        const json want_state = dtao::protocol::state_to_json(observed, *rules);
        for (const auto& want : want_state.at("subnets")) {
            const u64 netuid = std::stoull(want.at("netuid").get<std::string>());
            const auto got = std::find_if(got_state.at("subnets").begin(), got_state.at("subnets").end(),
                                          [&](const json& g) { return g.at("netuid") == want.at("netuid"); });
            ASSERT_NE(got, got_state.at("subnets").end()) << "netuid " << netuid;
            ++subnets;
            for (const auto& c : dtao::chainstate::captured_outputs()) {
                if (!present.count({c.item, netuid}))
                    continue;
                EXPECT_EQ(got->at(c.field), want.at(c.field)) << c.item << "[" << netuid << "] at block " << n;
                ++values;
            }
        }
        ++blocks;
    }
    std::cout << "[ mainnet  ] " << blocks << " blocks, " << subnets << " subnets, " << values
              << " captured values compared\n";
    // Every pair the publisher captured (tests/data/mainnet/README.md): 20 of specs 441 … 473 and
    // SN51's at 475. A missing file must not pass as a smaller success.
    EXPECT_EQ(blocks, 21u);
    EXPECT_EQ(values, 21'693u);
}

/// The moving price block n's `block_step` stored (BEMA-001, after the coinbase): every
/// captured value but one is reproduced to the bit. The exception, netuid 58 at block 9,029,720
/// (spec 455, `SubnetEmissionEnabled` false, so no injection that block), is one I96F32 bit
/// high; the captures hold no `EMAPriceHalvingBlocks`, which the update reads, so its cause is
/// open (tests/data/mainnet/README.md). It is pinned so that a change in either direction shows.
/// @rule BEMA-001
TEST(mainnet_emission, moving_price_matches_but_one_captured_value)
{
    std::size_t compared = 0;
    std::vector<std::string> differing;
    for (const auto& pair : pairs()) {
        const json in = load(pair.in);
        const json out = load(pair.out);
        const auto rules = *dtao::find_ruleset_for_spec(in.at("provenance").at("spec_version").get<unsigned>());
        dtao::ChainState st = dtao::chainstate::decode(in, rules).state;
        const auto observed = dtao::chainstate::decode(out, rules).state;
        st.block = out.at("provenance").at("block").get<u64>();
        (void)dtao::injection_capped::block_step(rules, st);
        for (const auto& want : observed.subnets) {
            const auto got = st.find(want.netuid)->subnet_moving_price.int_bits();
            const auto expected = want.subnet_moving_price.int_bits();
            ++compared;
            if (got != expected)
                differing.push_back(std::to_string(want.netuid) + "@" + std::to_string(st.block) + ":" +
                                    dtao::Int(got - expected).str());
        }
    }
    EXPECT_EQ(compared, 2709u);
    EXPECT_EQ(differing, std::vector<std::string>{"58@9029720:1"});
}

}  // namespace
