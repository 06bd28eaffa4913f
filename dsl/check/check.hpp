#pragma once
// Loading and checking a ruleset: the one entry point every command uses.
#include <filesystem>
#include <memory>

#include "dsl/common/diagnostic.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::dsl {

// Loads PATH (a ruleset folder holding ruleset.rules, or a single .rules file) with all its
// includes, parses and checks it. Sources are added to `sm` so diagnostics can be rendered.
// Returns the checked ruleset, or nullptr when there are errors (all of them in `diags`).
// Never throws on bad input.
std::unique_ptr<model::Ruleset> load_ruleset(const std::filesystem::path& path, SourceManager& sm,
                                             Diagnostics& diags);

}  // namespace eco::dsl
