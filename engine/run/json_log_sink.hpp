#pragma once
// `--log-format json`: every log message as one JSON object on one line of stderr, for scripts:
//   {"time":"2025-01-02T03:04:05.678Z","level":"info","message":"scenario a: computing coverage"}

#include <spdlog/common.h>

namespace covsim {

spdlog::sink_ptr make_json_log_sink();

} // namespace covsim
