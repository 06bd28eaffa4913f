#pragma once
// The store's sweep history as the workbench's sweeps page shows it.
#include <cstddef>
#include <filesystem>
#include <vector>

#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"

namespace eco::app {

// The recorded sweeps of `ruleset` in the store at `db`, newest first, at most `limit`; empty
// when there is none. Opens the store read-only. Throws engine::store::StoreError.
std::vector<engine::SweepSummary> sweep_history(const std::filesystem::path& db, const dsl::model::Ruleset& ruleset,
                                                std::size_t limit = 50);

}  // namespace eco::app
