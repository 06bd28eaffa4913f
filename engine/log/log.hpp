#pragma once
// The log of every EcoAudit program: spdlog lines ("warning: ...", "info: ...") on standard
// error, always, so that standard output carries only what a command prints there (a JSON
// report, a CSV). The engine logs only through logger(); programs configure its level and
// pattern through it too (spdlog's default logger writes to standard output).
#include <spdlog/spdlog.h>

namespace eco::engine {

// The one logger, created on first use with a standard-error sink and installed as spdlog's
// default logger, so that a plain spdlog::warn(...) goes to standard error as well.
spdlog::logger& logger();

}  // namespace eco::engine
