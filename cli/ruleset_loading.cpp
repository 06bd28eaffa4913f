#include "cli/ruleset_loading.hpp"

#include <cstdio>
#include <string>

#include "dsl/check/check.hpp"

namespace eco::cli {

std::unique_ptr<dsl::model::Ruleset> load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                          std::string_view consequence) {
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(dir, sm, diags);
  if (!rs || diags.has_errors()) {
    diags.sort();
    std::fputs(dsl::render_text(sm, diags).c_str(), stderr);
    std::fprintf(stderr, "ecoaudit: the ruleset %s has errors; %s\n", dir.string().c_str(),
                 std::string(consequence).c_str());
    return nullptr;
  }
  return rs;
}

}  // namespace eco::cli
