// `ecoaudit template --ruleset DIR --format xlsx [--records a,b] --out FILE`: the workbook a
// data provider fills in: a guide sheet, one sheet per record type with its header, drop-down
// lists, date and text columns, the field descriptions as comments. The layout is
// app/workbook_layout.hpp's, which `ecoaudit export --format xlsx` fills with the
// store's records; this command chooses the record types and never overwrites FILE.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"
#include "dsl/model/ruleset.hpp"
#include "app/workbook_layout.hpp"

namespace eco::cli {
namespace {

namespace fs = std::filesystem;
int run_template(const std::string& ruleset, const std::string& out, const std::vector<std::string>& names) {
  std::error_code ec;
  // A filled-in workbook is data: never overwrite one with an empty template.
  if (fs::exists(out, ec)) {
    std::fprintf(stderr, "ecoaudit template: %s already exists; remove it or choose another --out\n", out.c_str());
    return kExitUsage;
  }
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(ruleset, sm, "no template written");
  if (!rs) return kExitFindings;
  const auto& s = rs->schema;
  std::vector<const dsl::model::RecordType*> records;
  if (names.empty()) {
    for (const auto& r : s.records) records.push_back(&r);
  } else {
    for (const auto& n : names) {
      const auto* r = s.find_record(n);
      if (!r) {
        std::string known;
        for (const auto& k : s.records) known += (known.empty() ? "" : ", ") + k.name;
        std::fprintf(stderr, "ecoaudit template: --records: no record type '%s' in the ruleset; known: %s\n",
                     n.c_str(), known.c_str());
        return kExitUsage;
      }
      bool dup = false;
      for (const auto* seen : records) dup = dup || seen == r;
      if (!dup) records.push_back(r);
    }
  }

  // Written beside the target and renamed, so that a failure leaves no half-written workbook.
  fs::path tmp = fs::path(out).concat(".part");
  app::GuideInfo guide;
  guide.heading = fmt::format("数据填报模板: {}", rs->title.empty() ? rs->id : rs->title);
  guide.ruleset_id = rs->id;
  guide.ruleset_sha256 = rs->sha256;
  try {
    app::write_workbook(tmp, s, guide, records);
  } catch (const app::LayoutError& e) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "ecoaudit template: %s\n", e.what());
    return kExitUsage;
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "ecoaudit template: cannot write %s\n", out.c_str());
    return kExitUsage;
  }
  std::size_t columns = 0;
  for (const auto* r : records) columns += r->fields.size();
  std::printf("wrote %s: %zu record sheet(s), %zu column(s)\n", out.c_str(), records.size(), columns);
  return kExitOk;
}

std::function<int()> setup_template(CLI::App& sub) {
  auto ruleset = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("xlsx");
  auto records = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  sub.add_option("--ruleset", *ruleset, "Ruleset folder whose schema the workbook follows")->required();
  sub.add_option("--format", *format, "Template format: xlsx")->check(CLI::IsMember({"xlsx"}));
  sub.add_option("--records", *records, "Record types to include, comma-separated (default: all)")->delimiter(',');
  sub.add_option("--out", *out, "The workbook to write (must not exist)")->required();
  // format is captured so that the string CLI11 writes into outlives this function.
  return [ruleset, format, records, out] { return run_template(*ruleset, *out, *records); };
}

}  // namespace

ECOAUDIT_COMMAND("template", "Write the workbook a data provider fills in (a sheet per record type)", setup_template);

}  // namespace eco::cli
