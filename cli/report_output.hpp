#pragma once
// The --format option of the commands that report findings (sweep, audit, screen), read
// against the formats registry (reports::formats()). Where the reports go and how they are
// written is the run's (app/report_files.hpp).
#include <optional>
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace eco::cli {

// "--format html,csv" -> the formats; nullopt (and a message on stderr) on an unknown one.
std::optional<std::vector<reports::Format>> parse_formats(const std::string& command,
                                                          const std::string& list);

// The messages of a run's outcome (app::RunResult::errors, one a line), each on stderr as
// "ecoaudit COMMAND: message".
void print_messages(const std::string& command, const std::string& errors);

}  // namespace eco::cli
