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

}  // namespace eco::app
