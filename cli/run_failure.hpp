#pragma once
// One map from how a run of the application layer ended (app::RunStatus) to what the command
// line prints and the exit code it returns, for every command whose failures read alike
// (init, migrate, import, export, inspection, enforce, watchlist).
#include <cstdio>
#include <optional>
#include <string>

#include "app/run.hpp"
#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {

// Who tells the user about a `rejected` run: the command itself (an import or migration lists
// the refused data its own way and picks the exit code), or this map (a usage error).
enum class Rejected { caller_reports, usage_error };

// After printing why: the exit code of a run that did not end `done` (nor `rejected` when the
// caller reports that); nullopt when the command goes on to print its result.
//   ruleset_errors             the ruleset's diagnostics, then what was not done (`consequence`)
//   bad_request, rejected      "ecoaudit COMMAND: message" (the request or its data was at fault)
//   store_error and the rest   "ecoaudit: error: message"
inline std::optional<int> run_failure(const char* command, const std::string& ruleset, const app::RunResult& r,
                                      const char* consequence, Rejected rejected) {
  switch (r.status) {
    case app::RunStatus::done: return std::nullopt;
    case app::RunStatus::rejected:
      if (rejected == Rejected::caller_reports) return std::nullopt;
      [[fallthrough]];
    case app::RunStatus::bad_request:
      std::fprintf(stderr, "ecoaudit %s: %s\n", command, r.errors.c_str());
      return kExitUsage;
    case app::RunStatus::ruleset_errors: print_ruleset_errors(ruleset, r.errors, consequence); return kExitUsage;
    case app::RunStatus::store_error:
    case app::RunStatus::report_error:
    case app::RunStatus::cancelled: break;
  }
  std::fprintf(stderr, "ecoaudit: error: %s\n", r.errors.c_str());
  return kExitUsage;
}

}  // namespace eco::cli
