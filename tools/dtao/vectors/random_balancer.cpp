// dtao: random, valid protocol inputs for a ruleset: the launch forms' draws made the
// ruleset's forms and storage (capabilities.hpp), and the ops of the balancer forms only.
// SPDX-License-Identifier: Apache-2.0
#include "random_inputs.hpp"

#include "inputs.hpp"

#include "dtao/capabilities.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace dtao::vectors {

using detail::dec;
using detail::fixed_bits;
using detail::key;
using detail::limit_price_near;
using detail::random_pool;

namespace {

/// A Balancer quote weight w2 in Perquintill parts: ½ often, the 0.01/0.99 bounds and
/// their neighbourhood sometimes, else anywhere in between.
std::uint64_t quote_parts(Rng& r)
{
    constexpr std::uint64_t ONE = 1'000'000'000'000'000'000ULL;
    const auto kind = r.below(10);
    if (kind < 4)
        return ONE / 2;
    if (kind == 4)
        return r.chance(50) ? ONE / 100 + r.range(0, 1000) : ONE - ONE / 100 - r.range(0, 1000);
    return r.range(ONE / 100, ONE - ONE / 100);
}

/// The swap pallet's storage on a pool (flat inputs or a state's subnet).
void add_balancer_pool_fields(json& pool, Rng& r)
{
    if (r.chance(80))
        pool[key(&Subnet::swap_balancer_quote_parts)] = dec(quote_parts(r));
    if (r.chance(10))
        pool[key(&Subnet::pal_swap_initialized)] = false;
    if (r.chance(30))
        pool[key(&Subnet::fee_rate)] = dec(r.chance(30) ? 0 : r.range(0, 65535 / 10));
}

/// A launch-form state given the ruleset's storage (capabilities.hpp): the items of groups the
/// ruleset lacks removed, its other storage drawn. The draws keep one order for every
/// storage, so a seed names one state.
void to_storage(json& st, Rng& r, const Storage& storage)
{
    using protocol::Group;
    using protocol::holds;
    const auto held = [&](auto member) { return holds(storage, protocol::field_of(member).group); };
    if (held(&ChainState::swap_minimum_reserve) && r.chance(20))
        st[key(&ChainState::swap_minimum_reserve)] = dec(r.log_range(0, 1'000'000'000ULL));
    if (held(&ChainState::max_epochs_per_block) && r.chance(20))
        st[key(&ChainState::max_epochs_per_block)] = dec(r.range(0, 4));
    if (held(&ChainState::block_author) && r.chance(15))
        st[key(&ChainState::block_author)] = false;
    // Today's mainnet: the gate's storage. Integral exponents only: the exact model's
    // power is a rational for those (BGATE-003); a fractional one is an enclosure.
    if (held(&ChainState::emission_gate_bar) && r.chance(30)) {
        const std::uint64_t bits = r.next();
        st[key(&ChainState::emission_gate_bar)] = fixed_bits("U64F64", bits >> r.range(0, 16));  // a share, often small
    }
    if (held(&ChainState::emission_bar_quantile) && r.chance(30))
        st[key(&ChainState::emission_bar_quantile)] = fixed_bits("U64F64", r.next());
    if (held(&ChainState::emission_gate_exponent) && r.chance(30))
        st[key(&ChainState::emission_gate_exponent)] = {
            {"type", "U64F64"}, {"bits", (boost::multiprecision::cpp_int(r.range(0, 6)) << 64).str()}};
    if (held(&ChainState::emission_bar_rank) && r.chance(30))
        st[key(&ChainState::emission_bar_rank)] = dec(r.range(0, 8));
    if (!st.contains("subnets"))
        return;
    const std::uint64_t block = std::stoull(st.value(key(&ChainState::block), std::string("0")));
    const auto fields = protocol::subnet_fields();
    for (auto& s : st["subnets"]) {
        for (const auto& f : fields)
            if (!holds(storage, f.group))
                s.erase(std::string(f.name));
        if (s.value(key(&Subnet::netuid), std::string("1")) == "0")
            continue;
        // One draw per group the storage holds, in a fixed order, so a seed names one state.
        if (holds(storage, Group::swap_pallet))
            add_balancer_pool_fields(s, r);
        if (holds(storage, Group::injection_capped)) {
            if (r.chance(30))
                s[key(&Subnet::miner_burned)] =
                    fixed_bits("U96F32", r.chance(30) ? (std::uint64_t{1} << 32) : r.range(0, std::uint64_t{1} << 32));
            if (r.chance(15))
                s[key(&Subnet::subnet_emission_enabled)] = false;
            if (r.chance(10))
                s[key(&Subnet::subtoken_enabled)] = false;
            if (r.chance(10))
                s[key(&Subnet::owner_cut_enabled)] = false;
        }
        if (holds(storage, Group::epoch_state)) {
            if (r.chance(50))
                s[key(&Subnet::last_epoch_block)] = dec(r.range(block > 800 ? block - 800 : 0, block));
            if (r.chance(15))
                s[key(&Subnet::pending_epoch_at)] = dec(r.range(block > 2 ? block - 2 : 0, block + 2));
        }
        if (holds(storage, Group::injection_capped)) {
            if (r.chance(30))
                s[key(&Subnet::pending_server_emission)] = dec(r.log_range(0, 1'000'000'000'000ULL));
            if (r.chance(30))
                s[key(&Subnet::pending_validator_emission)] = dec(r.log_range(0, 1'000'000'000'000ULL));
            if (r.chance(20))
                s[key(&Subnet::pending_root_alpha_divs)] = dec(r.log_range(0, 1'000'000'000'000ULL));
            if (r.chance(20))
                s[key(&Subnet::subnet_protocol_alpha)] = dec(r.log_range(0, 1'000'000'000'000ULL));
        }
        if (holds(storage, Group::reservoirs)) {
            if (r.chance(30))
                s[key(&Subnet::balancer_tao_reservoir)] = dec(r.log_range(0, 1'000'000'000'000ULL));
            if (r.chance(30))
                s[key(&Subnet::balancer_alpha_reservoir)] = dec(r.log_range(0, 1'000'000'000'000ULL));
        }
        if (holds(storage, Group::fast_moving_price) && r.chance(30)) {
            const std::uint64_t bits = r.next();
            s[key(&Subnet::subnet_fast_moving_price)] =
                fixed_bits("U64F64", bits >> r.range(0, 24));  // a price below 1
        }
    }
}

/// A big integer in [0, 2^bits) as a decimal string, from 64-bit limbs.
std::string big_dec(Rng& r, unsigned bits)
{
    boost::multiprecision::cpp_int v = 0;
    for (unsigned b = 0; b < bits; b += 64)
        v = (v << 64) | r.next();
    v &= (boost::multiprecision::cpp_int(1) << bits) - 1;
    return v.str();
}

/// The input's draw; `random_input` checks it against the form's input list.
json draw_input(const std::string& op, Rng& r, const Ruleset& rules)
{
    const auto id = find_op(op);
    const Form form = id ? form_of(rules, *id) : Form::absent;
    const Storage storage = storage_of(rules);
    if (form == Form::concentrated)
        return detail::random_v3_input(op, r);
    if (form == Form::v3_price_share)
        return detail::random_v3_coinbase(r);
    // The ops of one form only, drawn whole.
    if (op == "swap") {
        json in = random_pool(r);
        add_balancer_pool_fields(in, r);
        const bool buy = r.chance(50);
        in["side"] = buy ? "buy" : "sell";
        in["amount"] = dec(r.chance(70) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
        if (r.chance(40))
            in["limit_price"] = dec(limit_price_near(r, in));
        if (r.chance(20))
            in["drop_fees"] = true;
        if (r.chance(20))
            in["swap_minimum_reserve"] = dec(r.log_range(0, 1'000'000'000ULL));
        return in;
    }
    if (op == "adjust_protocol_liquidity") {
        json in = random_pool(r);
        add_balancer_pool_fields(in, r);
        in["tao"] = dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        in["alpha"] = dec(r.chance(80) ? r.log_range(0, 10'000'000'000'000ULL) : r.amount());
        return in;
    }
    if (op == "migrate_swapv3_to_balancer") {
        json in = random_pool(r);
        if (r.chance(30))
            in["subnet_tao_provided"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(30))
            in["subnet_alpha_in_provided"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(85)) {
            // the square root of the reserve ratio, off by up to a factor of 16 either way (so
            // that the weight lands inside and outside [0.01, 0.99]), or any U64F64
            const double y = std::stod(in["subnet_tao"].get<std::string>());
            const double x = std::stod(in["subnet_alpha_in"].get<std::string>());
            const double root = x > 0 ? std::sqrt(y / x) * std::ldexp(1.0, static_cast<int>(r.range(0, 8)) - 4) : 1.0;
            const double bits = std::min(root * std::ldexp(1.0, 64), std::ldexp(1.0, 127));
            in["alpha_sqrt_price"] = {
                {"type", "U64F64"},
                {"bits", r.chance(80) ? boost::multiprecision::cpp_int(bits).str() : big_dec(r, 128)}};
        }
        return in;
    }
    if (op == "pow_ratio_scaled") {
        // The chain's call shapes: U64F64 bits as bases, Perquintill parts as exponents,
        // scale 10^18; and small integers, where the exact path decides.
        json in = json::object();
        if (r.chance(50)) {
            in["base_numerator"] = big_dec(r, static_cast<unsigned>(r.range(1, 128)));
            in["base_denominator"] = big_dec(r, static_cast<unsigned>(r.range(1, 128)));
            if (in["base_denominator"] == "0")
                in["base_denominator"] = "1";
            in["exponent_numerator"] = dec(quote_parts(r));
            in["exponent_denominator"] = dec(r.chance(50) ? 1'000'000'000'000'000'000ULL : quote_parts(r));
        } else {
            in["base_numerator"] = dec(r.range(0, 1000));
            in["base_denominator"] = dec(r.range(r.chance(5) ? 0 : 1, 1000));
            in["exponent_numerator"] = dec(r.range(0, 1100));
            in["exponent_denominator"] = dec(r.range(r.chance(5) ? 0 : 1, 1100));
        }
        in["precision"] = dec(r.chance(50) ? 256 : 1024);
        in["scale"] = dec(r.chance(80) ? 1'000'000'000'000'000'000ULL : r.next());
        return in;
    }
    if (op == "dividend_distribution") {
        json in = json::object();
        in["pending_alpha"] = dec(r.log_range(0, 100'000'000'000'000ULL));
        if (r.chance(70))
            in["pending_root_alpha"] = dec(r.log_range(0, 10'000'000'000'000ULL));
        if (r.chance(50))
            in["tao_weight"] = dec(r.chance(30) ? 0 : r.next());
        json hotkeys = json::array();
        const auto n = r.range(0, 4);
        for (std::uint64_t i = 0; i < n; ++i) {
            json h = {{"hotkey", dec(i + r.range(0, 2) * 10)},
                      {"dividend", fixed_bits("U96F32", r.log_range(0, std::uint64_t{1} << 62))}};
            if (r.chance(10)) {
                h["in_stake_map"] = false;
            } else {
                h["alpha_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
                if (r.chance(60))
                    h["root_stake"] = dec(r.log_range(0, 100'000'000'000'000ULL));
            }
            bool duplicate = false;
            for (const auto& o : hotkeys)
                duplicate = duplicate || o["hotkey"] == h["hotkey"];
            if (!duplicate)
                hotkeys.push_back(h);
        }
        in["hotkeys"] = hotkeys;
        return in;
    }
    // Every other op: the launch form's draw, made the ruleset's form and storage.
    json in = random_input(op, r);
    if (in.contains("state")) {
        to_storage(in["state"], r, storage);
        if (form == Form::injection_capped && op == "coinbase" && in.contains("block_emission") && r.chance(50))
            in.erase("block_emission");  // block_step's own mint, half the time
        return in;
    }
    if (in.contains("subnet_tao") && storage.swap_pallet) {
        add_balancer_pool_fields(in, r);
        if (form == Form::balancer) {
            // the launch draw's fields this form does not read (the constant-product unstake
            // fee's inputs), by the form's input list
            const auto& shape = protocol::input_shape(*id, form);
            for (auto it = in.begin(); it != in.end();)
                if (!protocol::input_mismatch({{it.key(), it.value()}}, shape, "", storage).empty())
                    it = in.erase(it);
                else
                    ++it;
            if (op == "remove_stake" && r.chance(50))
                in["alpha_available"] = dec(r.chance(50) ? r.log_range(0, 100'000'000'000'000ULL) : r.amount());
            if ((op == "add_stake" || op == "remove_stake") && r.chance(15))
                in["block_author"] = false;
        }
    }
    return in;
}

}  // namespace

json random_input(const std::string& op, Rng& r, const Ruleset& rules)
{
    json in = draw_input(op, r, rules);
    // The draws are the generator's own; the fields and their kinds are the codec's.
    if (const auto id = find_op(op); id && modelled(form_of(rules, *id)))
        if (auto why = protocol::input_mismatch(in, protocol::input_shape(*id, form_of(rules, *id)), "input",
                                                storage_of(rules));
            !why.empty())
            throw std::logic_error("random_input: " + std::string(rules.id) + " " + op + ": " + why);
    return in;
}

}  // namespace dtao::vectors
