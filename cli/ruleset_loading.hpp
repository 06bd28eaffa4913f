#pragma once
// Loading the checked ruleset a command works with (init, import, sweep, ...).
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "dsl/common/source.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::cli {

// Loads and checks the ruleset at `dir`; on errors prints its diagnostics and
// "ecoaudit: the ruleset DIR has errors; <consequence>" to stderr and returns nullptr.
// Warnings are not printed (`ecoaudit check` shows them).
std::unique_ptr<dsl::model::Ruleset> load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                          std::string_view consequence);

// Prints a ruleset's rendered errors and "ecoaudit: the ruleset DIR has errors; <consequence>"
// to stderr (what load_checked_ruleset prints on errors).
void print_ruleset_errors(const std::filesystem::path& dir, const std::string& errors, std::string_view consequence);

}  // namespace eco::cli
