// dtao-reference: the closed list of rule errors.
// SPDX-License-Identifier: Apache-2.0
//
// The token of each error (`to_string`) is written into vectors and into
// `dtao eval` responses; third-party implementations must emit the same token.
// Spec: spec/protocol.md, section "Error tokens".
#pragma once

#include <string_view>
#include <variant>

namespace dtao {

enum class Error
{
    insufficient_liquidity,  ///< `InsufficientLiquidity`: a swap would leave a reserve below the minimum pool liquidity
    amount_too_low,          ///< `AmountTooLow`: a stake below min stake + fee, or an unstake worth ≤ min stake
    slippage_too_high,       ///< `SlippageTooHigh`: a limit order without partial fill exceeds its maximum
    subnet_not_exists,       ///< `SubnetNotExists`: the netuid names no subnet in the given state
    logarithm_failed,        ///< "Logarithm calculation failed" from `get_block_emission_for_issuance`
    network_tx_rate_limit_exceeded,           ///< `NetworkTxRateLimitExceeded`: registration within the rate limit
    first_emission_block_number_already_set,  ///< `FirstEmissionBlockNumberAlreadySet` (v2.0.9+)
    need_wait_for_start_call,      ///< `NeedWaitingMoreBlocksToStarCall` (sic, v2.0.9+): too early for start_call
    not_enough_stake_to_withdraw,  ///< `NotEnoughStakeToWithdraw`: an unstake of more alpha than the staker holds
    // Balancer era (v3.4.8-423+), swap pallet errors
    reserves_too_low,  ///< `ReservesTooLow`: the paid-out reserve is below `MinimumReserve`, or a swap step pays out nothing
    price_limit_exceeded,     ///< `PriceLimitExceeded`: the current price is already at or beyond the limit
    swap_input_too_large,     ///< `SwapInputTooLarge`: net input above 1000 × the input-side reserve
    reserves_out_of_balance,  ///< `ReservesOutOfBalance`: initialisation from a price gives no valid weight
    // the v3 pool (v3.1.6 … v3.4.7), swap pallet errors
    too_many_swap_steps,  ///< `TooManySwapSteps`: a v3 swap needs more than 1000 steps
};

inline constexpr Error ALL_ERRORS[] = {
    Error::insufficient_liquidity,
    Error::amount_too_low,
    Error::slippage_too_high,
    Error::subnet_not_exists,
    Error::logarithm_failed,
    Error::network_tx_rate_limit_exceeded,
    Error::first_emission_block_number_already_set,
    Error::need_wait_for_start_call,
    Error::not_enough_stake_to_withdraw,
    Error::reserves_too_low,
    Error::price_limit_exceeded,
    Error::swap_input_too_large,
    Error::reserves_out_of_balance,
    Error::too_many_swap_steps,
};

[[nodiscard]] constexpr std::string_view to_string(Error e) noexcept
{
    switch (e) {
    case Error::insufficient_liquidity: return "insufficient_liquidity";
    case Error::amount_too_low: return "amount_too_low";
    case Error::slippage_too_high: return "slippage_too_high";
    case Error::subnet_not_exists: return "subnet_not_exists";
    case Error::logarithm_failed: return "logarithm_failed";
    case Error::network_tx_rate_limit_exceeded: return "network_tx_rate_limit_exceeded";
    case Error::first_emission_block_number_already_set: return "first_emission_block_number_already_set";
    case Error::need_wait_for_start_call: return "need_wait_for_start_call";
    case Error::not_enough_stake_to_withdraw: return "not_enough_stake_to_withdraw";
    case Error::reserves_too_low: return "reserves_too_low";
    case Error::price_limit_exceeded: return "price_limit_exceeded";
    case Error::swap_input_too_large: return "swap_input_too_large";
    case Error::reserves_out_of_balance: return "reserves_out_of_balance";
    case Error::too_many_swap_steps: return "too_many_swap_steps";
    }
    return "unknown";
}

/// A rule's result: a value, or the rule's error.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T v) : m_v(std::move(v)) {}  // NOLINT(google-explicit-constructor)
    Result(Error e) : m_v(e) {}         // NOLINT(google-explicit-constructor)
    [[nodiscard]] bool ok() const noexcept { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const T& value() const& { return std::get<T>(m_v); }
    [[nodiscard]] T& value() & { return std::get<T>(m_v); }
    [[nodiscard]] const T& operator*() const& { return value(); }
    [[nodiscard]] const T* operator->() const { return &value(); }
    [[nodiscard]] Error error() const { return std::get<Error>(m_v); }

private:
    std::variant<T, Error> m_v;
};

}  // namespace dtao
