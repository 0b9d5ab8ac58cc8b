// dtao: the vector generator's built-in generator kinds (the `generate` object of a
// filler group): halving thresholds and the bands of common halving mistakes, seeded
// random inputs, swap limits, cartesian products, limit-price sweeps, EMA and coinbase
// trajectories.
// SPDX-License-Identifier: Apache-2.0
#include "generate_detail.hpp"

#include "protocol.hpp"
#include "values.hpp"

#include "dtao/constants.hpp"
#include "dtao/ruleset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

namespace dtao::vectors::detail {

namespace {

/// Set a dotted path ("state.subnets.0.subnet_tao") in `j`.
void set_path(json& j, const std::string& path, const json& value)
{
    json* cur = &j;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        const std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool numeric =
            !seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
        json& next = numeric && cur->is_array() ? (*cur)[std::stoul(seg)] : (*cur)[seg];
        if (dot == std::string::npos) {
            next = value;
            return;
        }
        cur = &next;
        start = dot + 1;
    }
}

// ------------------------------------------------------------------ generators

constexpr u64 S = TOTAL_SUPPLY;

/// Exact threshold of band k: the least issuance I with I·2^k ≥ S·(2^k − 1).
u64 exact_threshold(unsigned k)
{
    const Int num = Int(S) * ((Int(1) << k) - 1);
    const Int den = Int(1) << k;
    Int t = num / den;
    if (t * den < num)
        t += 1;
    return t.convert_to<u64>();
}

u64 chain_halvings(const std::string& ruleset, u64 issuance)
{
    const json r = filler_eval(ruleset, "block_emission", {{"issuance", dec(issuance)}});
    if (!r.contains("output"))
        return ~u64{0};
    return std::stoull(r["output"]["halvings"].get<std::string>());
}

/// First issuance at which the chain counts at least k halvings (binary search).
std::optional<u64> chain_threshold(const std::string& ruleset, unsigned k)
{
    u64 lo = 0, hi = S - 1;
    if (chain_halvings(ruleset, hi) < k)
        return std::nullopt;
    while (lo < hi) {
        const u64 mid = lo + (hi - lo) / 2;
        if (chain_halvings(ruleset, mid) >= k)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

std::vector<Draft> gen_halving_thresholds(const json& p, const std::string& ruleset)
{
    const unsigned from = static_cast<unsigned>(p.value("from", 1));
    const unsigned to = static_cast<unsigned>(p.value("to", 40));
    const std::string subject = p.value("subject", "TotalIssuance");
    std::vector<Draft> out;
    std::set<u64> seen;
    auto add = [&](const std::string& id, u64 issuance, const std::string& comment, unsigned k) {
        if (!seen.insert(issuance).second)
            return;
        Draft d;
        d.id = id;
        d.comment = comment;
        d.input = {{"issuance", dec(issuance)}};
        d.extra_intermediates = {{"band.k", dec(k)}, {"band.exact_threshold", dec(exact_threshold(k))}};
        out.push_back(d);
    };
    for (unsigned k = from; k <= to; ++k) {
        const u64 t = exact_threshold(k);
        const std::string ks = std::to_string(k);
        add("band" + ks + "-exact-minus-1", t - 1, subject + " one below the exact threshold S·(1 − 2^-" + ks + ")", k);
        add("band" + ks + "-exact", t,
            subject + " at the exact threshold S·(1 − 2^-" + ks + ") (least I with I·2^" + ks + " ≥ S·(2^" + ks +
                " − 1))",
            k);
        add("band" + ks + "-exact-plus-1", t + 1, subject + " one above the exact threshold of band " + ks, k);
        if (const auto c = chain_threshold(ruleset, k)) {
            if (*c > 0)
                add("band" + ks + "-chain-last-below", *c - 1,
                    subject + " at the last issuance the chain still counts fewer than " + ks + " halvings", k);
            add("band" + ks + "-chain-first", *c,
                subject + " at the first issuance the chain counts " + ks + " halvings", k);
        }
    }
    return out;
}

/// Least issuance whose exact residual log2(S / (S − I)) is at least k + ½, that is
/// S² ≥ 2^(2k+1)·(S − I)².
u64 half_band_start(unsigned k)
{
    u64 lo = 0, hi = S - 1;
    const Int s2 = Int(S) * Int(S);
    while (lo < hi) {
        const u64 mid = lo + (hi - lo) / 2;
        const Int rest = Int(S - mid);
        if (s2 >= (Int(1) << (2 * k + 1)) * rest * rest)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/// The halving count of a simulator that computes it in IEEE doubles:
/// ⌊log2(1 / (1 − I / 2.1·10^16))⌋ (glibc's log2).
u64 float64_halvings(u64 issuance)
{
    const double q = static_cast<double>(issuance) / 2.1e16;
    const double r = std::log2(1.0 / (1.0 - q));
    // At the cap q rounds to 1 and the count is infinite: no u64 is that count.
    return std::isfinite(r) && r < 64 ? static_cast<u64>(std::floor(r)) : std::numeric_limits<u64>::max();
}

/// `count` issuances spread evenly over [lo, hi], both ends included.
std::vector<u64> spread(u64 lo, u64 hi, unsigned count)
{
    std::vector<u64> out;
    if (hi < lo || count == 0)
        return out;
    for (unsigned i = 0; i < count; ++i) {
        const u64 v = count == 1 ? lo : lo + static_cast<u64>(Int(hi - lo) * i / (count - 1));
        if (out.empty() || out.back() != v)
            out.push_back(v);
    }
    return out;
}

/// Issuances placed densely where a common mistake in the halving count gives
/// another answer than the chain (each point is checked to be one):
///  * `half-even`: rounding the residual to nearest (Python's `round`, half to even)
///    instead of flooring it gives k + 1 when the residual lies in [k + ½, k + 1);
///  * `q-round-up`: rounding q = I / S up to the next I96F32 unit instead of
///    truncating it counts the next halving up to one unit (about 4.9 M rao) early;
///  * `float64`: computing the count in IEEE doubles misses the threshold by a few rao.
std::vector<Draft> gen_halving_mistake_bands(const json& p, const std::string& ruleset)
{
    // The chain counts at most 32 halvings (F-016); past that there is no band to place.
    const auto bounded = [&](const char* key, u64 max) {
        const u64 v = filler_u64(p.at(key), std::string("generate.") + key);
        if (v > max)
            filler_error(std::string("halving_mistake_bands: generate.") + key + " is " + dec(v) + ", at most " +
                         dec(max));
        return static_cast<unsigned>(v);
    };
    const unsigned points = bounded("points", 100);
    const unsigned half_to = bounded("half_even_to", 31);
    const unsigned up_to = bounded("q_round_up_to", 32);
    const unsigned float_to = bounded("float64_to", 32);
    std::vector<Draft> out;
    // Within this distance of a threshold a case is also a HALVING_BOUNDARY case, as in
    // `halving_thresholds`: a profile that declares the doubles' count there covers it.
    constexpr u64 NEAR = 16;
    auto add = [&](const std::string& id, u64 issuance, const std::string& comment, u64 chain_k, u64 mistaken_k,
                   u64 band_lo, u64 band_hi, u64 threshold) {
        const u64 k = chain_halvings(ruleset, issuance);
        if (k != chain_k || k == mistaken_k)
            filler_error("halving_mistake_bands: at issuance " + dec(issuance) + " the chain counts " + dec(k) +
                         " halvings, the band assumes " + dec(chain_k) + " against the mistake's " + dec(mistaken_k));
        Draft d;
        d.id = id;
        d.comment = comment;
        d.input = {{"issuance", dec(issuance)}};
        if ((issuance > threshold ? issuance - threshold : threshold - issuance) <= NEAR)
            d.flags.push_back("HALVING_BOUNDARY");
        d.extra_intermediates = {{"band.chain_k", dec(chain_k)},
                                 {"band.mistaken_k", dec(mistaken_k)},
                                 {"band.first", dec(band_lo)},
                                 {"band.last", dec(band_hi)}};
        out.push_back(d);
    };
    for (unsigned k = 0; k <= half_to; ++k) {
        const u64 lo = half_band_start(k), hi = exact_threshold(k + 1) - 1;
        unsigned i = 0;
        for (const u64 issuance : spread(lo, hi, points))
            add("half-even-k" + std::to_string(k) + "-" + std::to_string(i++), issuance,
                "residual in [" + std::to_string(k) + ".5, " + std::to_string(k + 1) +
                    "): a residual rounded half to even counts " + std::to_string(k + 1) + " halvings, the chain " +
                    std::to_string(k),
                k, k + 1, lo, hi, hi + 1);
    }
    const Int unit_num = S, unit_den = Int(1) << 32;  // one I96F32 unit of q, in rao: S / 2^32
    for (unsigned k = 1; k <= up_to; ++k) {
        const auto t = chain_threshold(ruleset, k);
        if (!t)
            continue;
        const Int q_at_t = Int(*t) * unit_den / unit_num;  // the chain's truncated q at its threshold, in units
        const u64 lo = ((q_at_t - 1) * unit_num / unit_den + 1).convert_to<u64>(), hi = *t - 1;
        unsigned i = 0;
        for (const u64 issuance : spread(lo, hi, points))
            add("q-round-up-k" + std::to_string(k) + "-" + std::to_string(i++), issuance,
                "q rounded up to the next I96F32 unit reaches the threshold of halving " + std::to_string(k) +
                    " that the truncated q does not",
                k - 1, k, lo, hi, *t);
    }
    for (unsigned k = 1; k <= float_to; ++k) {
        const auto t = chain_threshold(ruleset, k);
        if (!t)
            continue;
        // The doubles' error near threshold k is a few rao (16 covers every k ≤ 32).
        const u64 lo = *t - NEAR, hi = std::min<u64>(*t + NEAR, S - 1);
        for (u64 issuance = lo; issuance <= hi; ++issuance) {
            const u64 chain_k = issuance < *t ? k - 1 : k;
            if (float64_halvings(issuance) != chain_k)
                add("float64-k" + std::to_string(k) +
                        (issuance < *t ? "-minus-" + dec(*t - issuance) : "-plus-" + dec(issuance - *t)),
                    issuance,
                    "float64 ⌊log2(1 / (1 − I / 2.1e16))⌋ counts " + dec(float64_halvings(issuance)) +
                        " halvings here, the chain " + dec(chain_k),
                    chain_k, float64_halvings(issuance), *t, *t, *t);
        }
    }
    return out;
}

std::vector<Draft> gen_random(const json& p, const std::string& op, const std::string& ruleset)
{
    const u64 seed = filler_u64(p.at("seed"), "generate.seed");
    const u64 count = filler_u64(p.at("count"), "generate.count");
    Rng rng(seed);
    std::vector<Draft> out;
    for (u64 i = 0; i < count; ++i) {
        json input;
        for (int attempt = 0;; ++attempt) {
            input = random_input(op, rng, *find_ruleset(ruleset));
            const json r = protocol::evaluate(request_for("gen", ruleset, op, input));
            if (!r.contains("message"))
                break;
            if (attempt > 100)
                filler_error("random generator for " + op + " keeps producing invalid requests");
        }
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "seed%llu-%04llu", static_cast<unsigned long long>(seed),
                      static_cast<unsigned long long>(i));
        d.id = id;
        d.comment = "seeded random input #" + std::to_string(i) + " (seed " + std::to_string(seed) + ")";
        d.input = input;
        out.push_back(d);
    }
    return out;
}

bool swap_ok(const std::string& ruleset, const std::string& op, const json& pool, u64 amount)
{
    json in = pool;
    in["amount"] = dec(amount);
    return filler_eval(ruleset, op, in).contains("output");
}

/// For each pool: the largest amount the swap accepts before the reserve it
/// pays out of falls below the minimum liquidity, and one unit either side.
std::vector<Draft> gen_swap_max_amount(const json& p, const std::string& op, const std::string& ruleset)
{
    std::vector<Draft> out;
    const json& pools = p.at("pools");
    for (std::size_t i = 0; i < pools.size(); ++i) {
        const json& pool = pools[i];
        const std::string pid = pool.contains("name") ? pool["name"].get<std::string>() : "p" + std::to_string(i);
        json base = pool;
        base.erase("name");
        if (!swap_ok(ruleset, op, base, 0)) {
            Draft d;
            d.id = pid + "-zero-amount";
            d.comment = "the paid-out reserve is already below the minimum liquidity: even a zero swap fails";
            d.input = base;
            d.input["amount"] = "0";
            out.push_back(d);
            continue;
        }
        u64 lo = 0, hi = U64_MAX;  // lo accepted
        if (swap_ok(ruleset, op, base, hi)) {
            lo = hi;
        } else {
            while (hi - lo > 1) {
                const u64 mid = lo + (hi - lo) / 2;
                (swap_ok(ruleset, op, base, mid) ? lo : hi) = mid;
            }
        }
        auto add = [&](const std::string& suffix, u64 amount, const std::string& comment) {
            Draft d;
            d.id = pid + "-" + suffix;
            d.comment = comment;
            d.input = base;
            d.input["amount"] = dec(amount);
            d.extra_intermediates = {{"max_accepted_amount", dec(lo)}};
            out.push_back(d);
        };
        if (lo > 0)
            add("max-minus-1", lo - 1, "one unit below the largest swap that keeps the reserve at or above 10^7");
        add("max", lo, "the largest swap that keeps the paid-out reserve at or above 10^7");
        if (lo < U64_MAX)
            add("max-plus-1", lo + 1, "one unit past the largest accepted swap: insufficient_liquidity");
    }
    return out;
}

/// Cartesian product of `vary` (path -> list of values) over `base`.
std::vector<Draft> gen_cartesian(const json& p)
{
    const json base = p.value("base", json::object());
    const json& vary = p.at("vary");
    if (!vary.is_array())
        filler_error("generate.vary: expected an array of {path, values}");
    std::vector<Draft> out;
    std::vector<std::size_t> idx(vary.size(), 0);
    while (true) {
        Draft d;
        d.input = base;
        std::string id, comment;
        for (std::size_t i = 0; i < vary.size(); ++i) {
            const std::string path = vary[i].at("path").get<std::string>();
            const json& values = vary[i].at("values");
            if (!values.is_array() || values.empty())
                filler_error("generate.vary[" + std::to_string(i) + "].values: expected a non-empty array");
            const json& v = values[idx[i]];
            set_path(d.input, path, v);
            const std::string label = vary[i].value("label", path.substr(path.rfind('.') + 1));
            const std::string vs = v.is_string()                           ? v.get<std::string>()
                                   : (v.is_object() && v.contains("bits")) ? "bits" + v["bits"].get<std::string>()
                                                                           : v.dump();
            id += (id.empty() ? "" : ",") + label + "=" + vs;
            comment += (comment.empty() ? "" : ", ") + label + " = " + vs;
        }
        d.id = id;
        d.comment = p.value("comment_prefix", std::string()) + comment;
        out.push_back(d);
        std::size_t i = vary.size();
        while (i > 0) {
            --i;
            if (++idx[i] < vary[i]["values"].size())
                break;
            idx[i] = 0;
            if (i == 0) {
                return out;
            }
        }
        if (vary.empty())
            return out;
    }
}

/// Limit prices around the pool's spot price (in rao per alpha), plus extremes.
std::vector<Draft> gen_limit_sweep(const json& p)
{
    std::vector<Draft> out;
    const json& pools = p.at("pools");
    const std::vector<std::string> factors =
        strings_of(p.value("factors_ppm", json::array({"500000", "1000000", "2000000"})), "factors_ppm");
    for (std::size_t i = 0; i < pools.size(); ++i) {
        json pool = pools[i];
        const std::string pid = pool.contains("name") ? pool["name"].get<std::string>() : "p" + std::to_string(i);
        pool.erase("name");
        const Int x =
            protocol::parse_decimal(pool.at("subnet_tao").get<std::string>(), file_integer()).value.value_or(0);
        const Int y =
            protocol::parse_decimal(pool.at("subnet_alpha_in").get<std::string>(), file_integer()).value.value_or(0);
        std::set<Int> limits = {0, 1, Int(U64_MAX)};
        std::map<Int, std::string> names = {{0, "zero"}, {1, "one"}, {Int(U64_MAX), "u64max"}};
        if (y > 0) {
            const Int spot = x * 1'000'000'000 / y;
            for (const auto& f : factors) {
                const Int ppm(f);
                const Int l = spot * ppm / 1'000'000;
                for (int d = -1; d <= 1; ++d) {
                    const Int v = l + d;
                    if (v < 0 || v > Int(U64_MAX))
                        continue;
                    if (limits.insert(v).second)
                        names[v] = "spot*" + f + "ppm" + (d < 0 ? "-1" : d > 0 ? "+1" : "");
                }
            }
        }
        for (const auto& l : limits) {
            Draft d;
            d.id = pid + "-" + names[l];
            d.comment = "limit price " + l.str() + " rao per alpha (" + names[l] + ")";
            d.input = pool;
            d.input["limit_price"] = l.str();
            out.push_back(d);
        }
    }
    return out;
}

/// A chained EMA: each step's moving price is the previous step's output;
/// the pool cycles through `pools`; the block advances by `stride`.
std::vector<Draft> gen_ema_trajectory(const json& p, const std::string& ruleset)
{
    const json& pools = p.at("pools");
    const u64 steps = filler_u64(p.at("steps"), "steps");
    const u64 stride = filler_u64(p.at("stride"), "stride");
    u64 block = filler_u64(p.value("start_block", json("0")), "start_block");
    json base = p.value("base", json::object());
    json moving = p.value("moving_price", json({{"type", "I96F32"}, {"bits", "0"}}));
    std::vector<Draft> out;
    for (u64 s = 0; s < steps; ++s) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "step%03llu", static_cast<unsigned long long>(s));
        d.id = id;
        d.input = base;
        for (const auto& [k, v] : pools[s % pools.size()].items())
            d.input[k] = v;
        d.input["subnet_moving_price"] = moving;
        d.input["block"] = dec(block);
        d.comment = "step " + std::to_string(s) + " at block " + dec(block) +
                    (s ? ": the moving price is the previous step's output" : ": the first step of the sequence");
        const json r = filler_eval(ruleset, "update_moving_price", d.input);
        if (!r.contains("output"))
            filler_error("ema_trajectory: a step failed");
        moving = r["output"]["subnet_moving_price"];
        out.push_back(d);
        block += stride;
    }
    return out;
}

/// A chained coinbase: each block's state is the previous block's output
/// state with `block` advanced by one.
std::vector<Draft> gen_coinbase_trajectory(const json& p, const std::string& ruleset)
{
    const u64 steps = filler_u64(p.at("steps"), "steps");
    json state = p.at("state");
    const json emission = p.value("block_emission", json());
    std::vector<Draft> out;
    for (u64 s = 0; s < steps; ++s) {
        Draft d;
        char id[32];
        std::snprintf(id, sizeof id, "block%03llu", static_cast<unsigned long long>(s));
        d.id = id;
        d.input = {{"state", state}};
        if (!emission.is_null())
            d.input["block_emission"] = emission;
        d.comment = "block " + state.value("block", std::string("0")) +
                    (s ? ": the state is the previous case's output state, one block later"
                       : ": the first block of the sequence");
        const json r = filler_eval(ruleset, "coinbase", d.input);
        if (!r.contains("output"))
            filler_error("coinbase_trajectory: a block failed");
        state = r["output"]["state"];
        state["block"] = dec(std::stoull(state["block"].get<std::string>()) + 1);
        out.push_back(d);
    }
    return out;
}

}  // namespace

std::optional<std::vector<Draft>> run_builtin_generator(const json& g, const std::string& op,
                                                        const std::string& ruleset)
{
    const std::string kind = g.at("kind").get<std::string>();
    if (kind == "halving_thresholds")
        return gen_halving_thresholds(g, ruleset);
    if (kind == "halving_mistake_bands")
        return gen_halving_mistake_bands(g, ruleset);
    if (kind == "random")
        return gen_random(g, op, ruleset);
    if (kind == "swap_max_amount")
        return gen_swap_max_amount(g, op, ruleset);
    if (kind == "cartesian")
        return gen_cartesian(g);
    if (kind == "limit_sweep")
        return gen_limit_sweep(g);
    if (kind == "ema_trajectory")
        return gen_ema_trajectory(g, ruleset);
    if (kind == "coinbase_trajectory")
        return gen_coinbase_trajectory(g, ruleset);
    return std::nullopt;
}

}  // namespace dtao::vectors::detail
