// libFuzzer target: the scenario parser (engine/io/scenario_parser) on arbitrary text, as a
// scenario and as a plan file (a scenario with [plan], covsim plan). Every
// input must parse or end in a covsim::Error; anything else (a crash, a sanitizer report, another
// exception, a leak) is a finding. Referenced files need not exist: missing files are problems
// the parser reports like any other.

#include "core/error.hpp"
#include "io/scenario_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)covsim::io::parse_scenario_text(text, "/nonexistent/fuzz/scenario.toml");
    } catch (const covsim::Error&) {
        // Rejected with a message: the expected outcome for most inputs.
    }
    try {
        (void)covsim::io::parse_plan_text(text, "/nonexistent/fuzz/plan.toml");
    } catch (const covsim::Error&) {
        // Likewise.
    }
    return 0;
}
