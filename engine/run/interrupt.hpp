#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a batch: the first signal asks the batch to stop after the
// tiles being computed (the batch then ends with ErrorCode::interrupted, keeping every variant
// already written); a second one ends the process at once (the default action), which still
// leaves no file that looks complete (run/variant_store).

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

} // namespace covsim
