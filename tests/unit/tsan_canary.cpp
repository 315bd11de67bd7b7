// The ThreadSanitizer canary (registered only in TSan builds, tests/unit/CMakeLists.txt): two
// bodies of one covsim::parallel::for_ranges loop write the same plain variable at the same time.
// The test passes only if ThreadSanitizer reports that race, which shows that the happens-before
// edges engine/core/parallel.hpp declares (loop start -> body, body -> loop end) do not hide a
// race between two bodies.
#include "core/parallel.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <tbb/global_control.h>
#include <tbb/partitioner.h>
#include <thread>

namespace {

int shared_value = 0; // written by both bodies, unsynchronised: the race

} // namespace

int main() {
    const tbb::global_control two(tbb::global_control::max_allowed_parallelism, 2);
    // TSan finds a race with high but not full probability per occurrence: repeat it.
    int concurrent = 0;
    for (int round = 0; round < 10; ++round) {
        std::atomic<int> arrived{0};
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        covsim::parallel::for_ranges(
            tbb::blocked_range<int>(0, 2, 1),
            [&](const tbb::blocked_range<int>& r) {
                shared_value += r.begin() + 1;
                // Hold both bodies until the other has written, so that they run on two threads.
                arrived.fetch_add(1);
                while (arrived.load() < 2 && std::chrono::steady_clock::now() < give_up) {
                    std::this_thread::yield();
                }
            },
            tbb::simple_partitioner());
        concurrent += arrived.load() == 2 ? 1 : 0;
    }
    std::printf("the two bodies ran concurrently in %d of 10 rounds\n", concurrent);
    return 0;
}
