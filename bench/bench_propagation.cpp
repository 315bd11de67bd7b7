// Cost of one path-loss evaluation per model (the scalar interface).

#include "core/propagation/registry.hpp"

#include <benchmark/benchmark.h>

namespace {

void BM_PathLoss(benchmark::State& state, const char* name, double frequency_mhz) {
    const covsim::PropagationModel* model = covsim::model_registry().find(name);
    covsim::Link link;
    link.frequency_mhz = frequency_mhz;
    link.tx_height_m = 30.0;
    link.rx_height_m = 1.5;
    double d = 100.0;
    for (auto _ : state) {
        link.distance_m = d;
        benchmark::DoNotOptimize(model->path_loss_db(link));
        d = d < 5000.0 ? d + 7.0 : 100.0;
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_PathLoss, free_space, "free-space", 3500.0);
BENCHMARK_CAPTURE(BM_PathLoss, cost231_hata, "cost231-hata", 1800.0);
BENCHMARK_CAPTURE(BM_PathLoss, tr38901_uma, "3gpp-38901-uma", 3500.0);
BENCHMARK_CAPTURE(BM_PathLoss, tr38901_rma, "3gpp-38901-rma", 700.0);

} // namespace
