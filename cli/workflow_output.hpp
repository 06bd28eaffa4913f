#pragma once
// What the inspection, enforcement and watch-list commands share: a run's failure turned into
// the message on standard error and the exit code.
#include <cstdio>
#include <string>

#include "app/run.hpp"
#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {

// The exit code for a run that did not end `done` (after printing why), or -1 when it did.
inline int workflow_failure(const char* command, const std::string& ruleset, const app::RunResult& r,
                            const char* consequence = "nothing recorded") {
  switch (r.status) {
    case app::RunStatus::done: return -1;
    case app::RunStatus::ruleset_errors: print_ruleset_errors(ruleset, r.errors, consequence); return kExitUsage;
    case app::RunStatus::bad_request:
    case app::RunStatus::rejected:
      std::fprintf(stderr, "ecoaudit %s: %s\n", command, r.errors.c_str());
      return kExitUsage;
    default: std::fprintf(stderr, "ecoaudit: error: %s\n", r.errors.c_str()); return kExitUsage;
  }
}

inline std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace eco::cli
