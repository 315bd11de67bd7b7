#include "run/json_log_sink.hpp"

#include <chrono>
#include <cstdio>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>

namespace covsim {

namespace {

class JsonLogSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                .count();
        const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
        nlohmann::ordered_json j;
        j["time"] = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(seconds), ms % 1000);
        const auto level = spdlog::level::to_string_view(msg.level);
        j["level"] = std::string(level.data(), level.size());
        j["message"] = std::string(msg.payload.data(), msg.payload.size());
        const std::string line =
            j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }
};

} // namespace

spdlog::sink_ptr make_json_log_sink() {
    return std::make_shared<JsonLogSink>();
}

} // namespace covsim
