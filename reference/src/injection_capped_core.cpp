// dtao-reference: the Balancer-era pieces written once over the model (injection_capped_core.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "dtao/injection_capped_core.hpp"

#include "dtao/constants.hpp"

namespace dtao::injection_capped {

template <typename Model>
bool should_run_epoch(const SubnetT<Model>& s, u64 now) noexcept
{
    if (s.tempo == 0)
        return false;
    if (s.pending_epoch_at > 0 && now >= s.pending_epoch_at)
        return true;
    if (s.blocks_since_last_step > MAX_TEMPO)
        return true;
    return sat_sub(now, s.last_epoch_block) >= s.tempo;
}

template <typename Model>
std::vector<u64> epochs_deferred_this_block(const ChainStateT<Model>& st, u64 now)
{
    std::vector<u64> deferred;
    u64 ran = 0;
    for (u64 n : get_all_subnet_netuids(st)) {  // BCOIN-014, as drain_pending
        const SubnetT<Model>& s = *st.find(n);
        if (s.is_root() || !should_run_epoch(s, now))
            continue;
        if (ran >= st.max_epochs_per_block)
            deferred.push_back(s.netuid);
        else
            ++ran;
    }
    return deferred;
}

template <typename Model>
void set_tempo(SubnetT<Model>& s, u64 tempo, u64 now) noexcept
{
    s.tempo = tempo;
    s.last_epoch_block = now;
}

template bool should_run_epoch<ChainModel>(const Subnet&, u64) noexcept;
template bool should_run_epoch<ExactModel>(const ExactSubnet&, u64) noexcept;
template std::vector<u64> epochs_deferred_this_block<ChainModel>(const ChainState&, u64);
template std::vector<u64> epochs_deferred_this_block<ExactModel>(const ExactChainState&, u64);
template void set_tempo<ChainModel>(Subnet&, u64, u64) noexcept;
template void set_tempo<ExactModel>(ExactSubnet&, u64, u64) noexcept;

}  // namespace dtao::injection_capped
