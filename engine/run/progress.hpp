#pragma once
// Progress of a batch: variants done / total, the variants being computed, the time elapsed and
// an estimate of the time left.
//  - live: one status line at the bottom of the terminal (stderr), redrawn in place; log
//    messages are printed above it (the default logger's sinks are wrapped while it lives);
//  - plain: a log line (info) every `interval_s` seconds and at the end of every variant, for
//    logs and pipes (and, with --log-format json, one JSON object per line);
//  - none: nothing (--quiet).

#include <chrono>
#include <memory>
#include <mutex>
#include <spdlog/common.h>
#include <string>
#include <vector>

namespace covsim {

enum class ProgressMode { none, plain, live };

class Progress {
public:
    Progress(ProgressMode mode, std::size_t total, std::size_t already_done,
             double interval_s = 10.0);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress();

    void started(const std::string& variant);
    void finished(const std::string& variant);
    void abandoned(const std::string& variant); // stopped or failed
    // Called often (every 100 ms or so): redraws the live line, prints the periodic plain line.
    void tick();
    // "2/12 variants done, running a, b; 1:02 elapsed, about 4:10 left"
    [[nodiscard]] std::string status() const;

    struct Terminal; // the live line and the wrapped logger sinks

private:
    using Clock = std::chrono::steady_clock;
    [[nodiscard]] std::string status_locked() const;
    void draw_locked();

    ProgressMode mode_;
    std::size_t total_;
    std::size_t done_;
    std::size_t computed_ = 0; // finished in this run (not skipped)
    double interval_s_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_line_ = Clock::now();
    Clock::time_point last_draw_{};
    std::vector<std::string> running_;
    mutable std::mutex mutex_;
    std::shared_ptr<Terminal> terminal_;
    std::vector<spdlog::sink_ptr> previous_sinks_; // of the default logger, restored at the end
};

// "1:02", "1:02:03"
std::string format_duration(double seconds);

} // namespace covsim
