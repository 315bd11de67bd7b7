#include "run/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace covsim {

// The live status line on stderr, shared by the progress and the logger sink that prints log
// messages above it.
struct Progress::Terminal {
    std::mutex mutex;
    std::string line; // as drawn; empty: nothing drawn

    void clear_locked() {
        if (!line.empty()) {
            std::fputs("\r\033[K", stderr);
        }
    }
    void draw_locked() {
        if (!line.empty()) {
            std::fputs(("\r\033[K" + line).c_str(), stderr);
        }
        std::fflush(stderr);
    }
};

namespace {

// Forwards log messages to the logger's own sinks, with the status line erased before and
// redrawn after.
class StatusAwareSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    StatusAwareSink(std::vector<spdlog::sink_ptr> inner, std::shared_ptr<Progress::Terminal> t)
        : inner_(std::move(inner)), terminal_(std::move(t)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::lock_guard lock(terminal_->mutex);
        terminal_->clear_locked();
        std::fflush(stderr);
        for (auto& s : inner_) {
            if (s->should_log(msg.level)) {
                s->log(msg);
                s->flush();
            }
        }
        terminal_->draw_locked();
    }
    void flush_() override {
        for (auto& s : inner_) {
            s->flush();
        }
    }

private:
    std::vector<spdlog::sink_ptr> inner_;
    std::shared_ptr<Progress::Terminal> terminal_;
};

std::size_t terminal_width() {
    winsize w{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 10) {
        return w.ws_col;
    }
    return 80;
}

} // namespace

std::string format_duration(double seconds) {
    const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    if (s >= 3600) {
        return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
    }
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

Progress::Progress(ProgressMode mode, std::size_t total, std::size_t already_done,
                   double interval_s)
    : mode_(mode), total_(total), done_(already_done), interval_s_(interval_s) {
    if (mode_ == ProgressMode::live) {
        terminal_ = std::make_shared<Terminal>();
        auto logger = spdlog::default_logger();
        previous_sinks_ = logger->sinks();
        logger->sinks() = {std::make_shared<StatusAwareSink>(previous_sinks_, terminal_)};
    }
}

Progress::~Progress() {
    if (mode_ == ProgressMode::live) {
        {
            const std::lock_guard lock(terminal_->mutex);
            terminal_->clear_locked();
            terminal_->line.clear();
            std::fflush(stderr);
        }
        spdlog::default_logger()->sinks() = previous_sinks_;
    }
}

std::string Progress::status_locked() const {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string s = fmt::format("{}/{} variants done", done_, total_);
    if (!running_.empty()) {
        s += ", running ";
        for (std::size_t i = 0; i < running_.size(); ++i) {
            s += (i > 0 ? ", " : "") + running_[i];
        }
    }
    s += fmt::format("; {} elapsed", format_duration(elapsed));
    const std::size_t left = total_ - std::min(total_, done_);
    if (left > 0 && computed_ > 0) {
        // Variants finish at the rate they have finished so far in this run.
        s += fmt::format(
            ", about {} left",
            format_duration(elapsed / static_cast<double>(computed_) * static_cast<double>(left)));
    }
    return s;
}

std::string Progress::status() const {
    const std::lock_guard lock(mutex_);
    return status_locked();
}

void Progress::draw_locked() {
    last_draw_ = Clock::now();
    std::string line = "[" + status_locked() + "]";
    const std::size_t width = terminal_width() - 1; // never wrap: \r would return to the 2nd row
    if (line.size() > width) {
        line = line.substr(0, width - 3) + "...";
    }
    const std::lock_guard lock(terminal_->mutex);
    terminal_->line = std::move(line);
    terminal_->draw_locked();
}

void Progress::started(const std::string& variant) {
    const std::lock_guard lock(mutex_);
    running_.push_back(variant);
    if (mode_ == ProgressMode::live) {
        draw_locked();
    }
}

void Progress::finished(const std::string& variant) {
    std::string line;
    {
        const std::lock_guard lock(mutex_);
        running_.erase(std::remove(running_.begin(), running_.end(), variant), running_.end());
        ++done_;
        ++computed_;
        if (mode_ == ProgressMode::live) {
            draw_locked();
            return;
        }
        last_line_ = Clock::now();
        line = status_locked();
    }
    if (mode_ == ProgressMode::plain) {
        spdlog::info("progress: {}", line);
    }
}

void Progress::abandoned(const std::string& variant) {
    const std::lock_guard lock(mutex_);
    running_.erase(std::remove(running_.begin(), running_.end(), variant), running_.end());
    if (mode_ == ProgressMode::live) {
        draw_locked();
    }
}

void Progress::tick() {
    std::string line;
    {
        const std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        if (mode_ == ProgressMode::live) {
            if (now - last_draw_ >= std::chrono::milliseconds(500)) {
                draw_locked();
            }
            return;
        }
        if (mode_ != ProgressMode::plain ||
            std::chrono::duration<double>(now - last_line_).count() < interval_s_) {
            return;
        }
        last_line_ = now;
        line = status_locked();
    }
    spdlog::info("progress: {}", line);
}

} // namespace covsim
