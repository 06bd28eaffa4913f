// `ecoaudit check PATH [--format text|json]`: loads and checks a ruleset, prints its
// diagnostics. Exit 0 when there are no errors (warnings are printed), 1 on errors, 2 when
// PATH does not name a ruleset at all.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "dsl/check/check.hpp"

namespace eco::cli {
namespace {

namespace fs = std::filesystem;

// PATH as the user wrote it, without a trailing slash, for the summary line.
std::string shown(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string plural(std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

int run_check(const std::string& path, const std::string& format) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::fprintf(stderr, "ecoaudit check: no such file or folder: %s\n", path.c_str());
    return kExitUsage;
  }
  if (fs::is_directory(path, ec) && !fs::exists(fs::path(path) / "ruleset.rules", ec)) {
    std::fprintf(stderr, "ecoaudit check: %s is a folder without a ruleset.rules\n", path.c_str());
    return kExitUsage;
  }
  dsl::SourceManager sm;
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(path, sm, diags);
  if (format == "json") {
    auto j = nlohmann::json::parse(dsl::render_json(sm, diags));
    if (rs) {
      j["ruleset"] = {{"id", rs->id},
                      {"records", rs->schema.records.size()},
                      {"enums", rs->schema.enums.size()},
                      {"params", rs->params.size()},
                      {"rules", rs->rules.size()},
                      {"tests", rs->tests.size()},
                      {"files", rs->files},
                      {"sha256", rs->sha256}};
    }
    std::fputs((j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(), stdout);
  } else {
    std::string out = dsl::render_text(sm, diags);
    if (rs)
      out += fmt::format("{}: {}, {}, {}, {}: ok\n", shown(path), plural(rs->schema.records.size(), "record"),
                         plural(rs->params.size(), "param"), plural(rs->rules.size(), "rule"),
                         plural(rs->tests.size(), "test"));
    std::fputs(out.c_str(), stdout);
  }
  return rs ? kExitOk : kExitFindings;
}

std::function<int()> setup_check(CLI::App& sub) {
  auto path = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  sub.add_option("PATH", *path, "Ruleset folder (holding ruleset.rules) or a .rules file")
      ->required();
  sub.add_option("--format", *format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  return [path, format] { return run_check(*path, *format); };
}

}  // namespace

ECOAUDIT_COMMAND("check", "Check a ruleset (folder or .rules file): names, types, declarations", setup_check);

}  // namespace eco::cli
