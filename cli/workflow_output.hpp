#pragma once
// What the inspection, enforcement and watch-list commands share: a run's failure turned into
// the message on standard error and the exit code.
#include <cstdio>
#include <string>
#include <vector>

#include "app/run.hpp"
#include "cli/run_failure.hpp"

namespace eco::cli {

// The exit code for a run that did not end `done` (after printing why), or -1 when it did
// (cli/run_failure.hpp's map; a rejected request is a usage error here).
inline int workflow_failure(const char* command, const std::string& ruleset, const app::RunResult& r,
                            const char* consequence = "nothing recorded") {
  return run_failure(command, ruleset, r, consequence, Rejected::usage_error).value_or(-1);
}

inline std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace eco::cli
