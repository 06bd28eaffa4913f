#pragma once
// The detailed text of one finding, shared by `ecoaudit test` (failures) and `--explain`.
#include <string>

#include "engine/findings/finding.hpp"

namespace eco::cli {

// Lines indented by `indent`: message, missing fields, error, deadline and days, every
// comparison with its values, every evidence value with its source (batch, file, line), the
// parameters with source and confidence, and the waiver.
std::string finding_details(const engine::Finding& f, const std::string& indent, bool en = false);

}  // namespace eco::cli
