#include "run/interrupt.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <spdlog/spdlog.h>

namespace covsim {

namespace {

std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "used in a signal handler");

struct sigaction previous_int {};
struct sigaction previous_term {};

extern "C" void on_signal(int sig) {
    received.store(sig, std::memory_order_relaxed);
}

} // namespace

InterruptHandler::InterruptHandler() {
    received.store(0);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND; // the second signal takes the default action: ends the process
    sigaction(SIGINT, &sa, &previous_int);
    sigaction(SIGTERM, &sa, &previous_term);
}

InterruptHandler::~InterruptHandler() {
    sigaction(SIGINT, &previous_int, nullptr);
    sigaction(SIGTERM, &previous_term, nullptr);
}

int InterruptHandler::signal_received() noexcept {
    return received.load(std::memory_order_relaxed);
}

CancellationMonitor::CancellationMonitor(tbb::task_group_context& context, Progress& progress)
    : context_(context), progress_(progress),
      thread_([this](const std::stop_token& stop) { watch(stop); }) {}

CancellationMonitor::~CancellationMonitor() {
    thread_.request_stop();
    thread_.join();
}

bool CancellationMonitor::stopped() const {
    return InterruptHandler::signal_received() != 0 || context_.is_group_execution_cancelled();
}

void CancellationMonitor::watch(const std::stop_token& stop) {
    bool cancelled = false;
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        wake_.wait_for(lock, stop, std::chrono::milliseconds(100),
                       [&] { return stop.stop_requested(); });
        if (!cancelled && InterruptHandler::signal_received() != 0) {
            cancelled = true;
            spdlog::warn("interrupted: stopping after the tiles being computed; finished "
                         "variants are kept");
            context_.cancel_group_execution();
        }
        progress_.tick();
    }
}

} // namespace covsim
