#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a batch: the first signal asks the batch to stop after the
// tiles being computed (the batch then ends with ErrorCode::interrupted, keeping every variant
// already written); a second one ends the process at once (the default action), which still
// leaves no file that looks complete (run/variant_store).

#include "run/progress.hpp"

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <tbb/task_group.h>
#include <thread>

namespace covsim {

// Installs the handlers for its lifetime and restores the previous ones after.
class InterruptHandler {
public:
    InterruptHandler();
    InterruptHandler(const InterruptHandler&) = delete;
    InterruptHandler& operator=(const InterruptHandler&) = delete;
    ~InterruptHandler();

    // The signal received (SIGINT or SIGTERM), or 0.
    [[nodiscard]] static int signal_received() noexcept;
};

// While it lives, and an InterruptHandler is installed, every 100 ms: cancels `context`'s TBB
// work on the first signal (the tiles being computed finish, the rest is skipped) and ticks
// `progress` (the live line, the periodic plain line). Its destructor stops and joins the
// watching thread, also when an exception unwinds past it.
class CancellationMonitor {
public:
    CancellationMonitor(tbb::task_group_context& context, Progress& progress);
    CancellationMonitor(const CancellationMonitor&) = delete;
    CancellationMonitor& operator=(const CancellationMonitor&) = delete;
    ~CancellationMonitor();

    // True once a signal arrived or the context was cancelled (by a signal or an exception):
    // work computed since may be incomplete and must not be written.
    [[nodiscard]] bool stopped() const;

private:
    void watch(const std::stop_token& stop);

    tbb::task_group_context& context_;
    Progress& progress_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_; // last: it starts once the members above exist
};

} // namespace covsim
