#pragma once
// Loading the checked ruleset a run works with.
#include <filesystem>
#include <memory>
#include <string>

#include "app/run.hpp"
#include "dsl/common/source.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::app {

struct CheckedRuleset {
  // The checked ruleset; nullptr when it has errors (nothing may run on it).
  std::unique_ptr<dsl::model::Ruleset> ruleset;
  // With errors: the diagnostics, sorted and rendered as text ("file:line:col: error[...]").
  // Warnings are not kept (`ecoaudit check` shows them).
  std::string errors;
};

// Loads and checks the ruleset at `dir` (a folder holding ruleset.rules, or one .rules file);
// its sources are kept in `sm`, which must outlive the ruleset.
CheckedRuleset load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm);

// The prologue of every run: the checked ruleset at `dir` (sources kept in `sm`), or nullptr
// with `out` set to ruleset_errors and the diagnostics (the run must then touch nothing).
std::unique_ptr<dsl::model::Ruleset> ruleset_for_run(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                     RunResult& out);

// engine::store::schema_version() of `rs`'s schema, for Store::open's OpenOptions::schema_version:
// computed once per process for each ruleset sha256 (the same sources give the same checked
// schema), so that a caller opening the store for every request does not describe and hash the
// schema each time; computed every time for a ruleset without a sha256.
std::string store_schema_version(const dsl::model::Ruleset& rs);

}  // namespace eco::app
