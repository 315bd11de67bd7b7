#include "run/interrupt.hpp"

#include <atomic>
#include <csignal>

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

} // namespace covsim
