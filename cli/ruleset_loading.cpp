#include "cli/ruleset_loading.hpp"

#include <cstdio>
#include <string>

#include "app/ruleset.hpp"

namespace eco::cli {

void print_ruleset_errors(const std::filesystem::path& dir, const std::string& errors, std::string_view consequence) {
  std::fputs(errors.c_str(), stderr);
  std::fprintf(stderr, "ecoaudit: the ruleset %s has errors; %s\n", dir.string().c_str(),
               std::string(consequence).c_str());
}

std::unique_ptr<dsl::model::Ruleset> load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                          std::string_view consequence) {
  auto checked = app::load_checked_ruleset(dir, sm);
  if (!checked.ruleset) print_ruleset_errors(dir, checked.errors, consequence);
  return std::move(checked.ruleset);
}

}  // namespace eco::cli
