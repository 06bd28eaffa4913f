#include "app/ruleset.hpp"

#include "dsl/check/check.hpp"

namespace eco::app {

CheckedRuleset load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm) {
  CheckedRuleset out;
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(dir, sm, diags);
  if (!rs || diags.has_errors()) {
    diags.sort();
    out.errors = dsl::render_text(sm, diags);
    return out;
  }
  out.ruleset = std::move(rs);
  return out;
}

std::unique_ptr<dsl::model::Ruleset> ruleset_for_run(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                     RunResult& out) {
  auto checked = load_checked_ruleset(dir, sm);
  if (!checked.ruleset) {
    out.status = RunStatus::ruleset_errors;
    out.errors = std::move(checked.errors);
  }
  return std::move(checked.ruleset);
}

}  // namespace eco::app
