// ecoaudit import --db FILE --ruleset DIR PATH...: validates CSV/XML/JSON files and Excel
// workbooks (.xlsx, .xls) against the ruleset's schema and imports them as one batch, all or
// nothing.
#include <cstdio>

#include "app/store_runs.hpp"
#include "cli/command.hpp"
#include "cli/run_failure.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct ImportCmd {
  std::string db, ruleset, encoding;
  std::vector<std::string> paths;
  std::vector<std::string> uscc_records;       // besides the schema's `validate uscc` fields
  std::vector<std::string> waste_code_fields;  // besides the schema's `validate hw_category` fields
  std::size_t max_errors = 50;
  bool uscc_given = false, waste_given = false;  // the options were given (defaults are not checked)
};

int run_import(const ImportCmd& o) {
  namespace ingest = engine::ingest;
  app::ImportRequest request;
  if (!o.encoding.empty() && o.encoding != "auto") {
    request.encoding = ingest::parse_encoding(o.encoding);
    if (!request.encoding) {
      std::fprintf(stderr, "ecoaudit: error: unknown encoding '%s' (utf-8, gb18030 or auto)\n", o.encoding.c_str());
      return kExitUsage;
    }
  }
  request.db = o.db;
  request.ruleset = o.ruleset;
  request.paths.assign(o.paths.begin(), o.paths.end());
  // Names given are checked against the schema.
  if (o.uscc_given) request.uscc_records = o.uscc_records;
  if (o.waste_given) request.waste_code_fields = o.waste_code_fields;
  request.max_errors_per_file = o.max_errors;
  app::ImportProgress progress;
  progress.migrated = [](const std::string& m) { std::fprintf(stderr, "migrated: %s\n", m.c_str()); };
  const app::ImportOutcome outcome = app::run_import(request, progress);
  if (auto rc = run_failure("import", o.ruleset, outcome, "the store was not touched", Rejected::caller_reports)) return *rc;
  const ingest::ImportResult& r = outcome.result;
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", ingest::render(e).c_str());
  for (const auto& f : r.files)
    if (f.error_count > o.max_errors)
      std::fprintf(stderr, "%s: %zu more errors not shown\n", f.path.c_str(), f.error_count - o.max_errors);
  if (!r.ok) {
    std::fprintf(stderr, "import rejected: %zu error%s in %zu file%s; nothing was written\n", r.error_count,
                 r.error_count == 1 ? "" : "s", r.files.size(), r.files.size() == 1 ? "" : "s");
    // Naming something that is not a file to read is a usage error, not a data error.
    return r.inputs_invalid ? kExitUsage : kExitFindings;
  }
  for (const auto& f : r.files)
    std::printf("  %-40s %-4s %-7s %8llu rows: %llu new, %llu updated, %llu unchanged\n", f.path.c_str(),
                f.format.c_str(), f.encoding.c_str(), static_cast<unsigned long long>(f.rows_read),
                static_cast<unsigned long long>(f.rows_new), static_cast<unsigned long long>(f.rows_updated),
                static_cast<unsigned long long>(f.rows_unchanged));
  if (r.batch == 0)
    std::printf("nothing changed: %llu rows identical to the store; no batch recorded\n",
                static_cast<unsigned long long>(r.rows_read));
  else
    std::printf("batch %lld: %zu files, %llu rows (%llu new, %llu updated, %llu unchanged)\n",
                static_cast<long long>(r.batch), r.files.size(), static_cast<unsigned long long>(r.rows_read),
                static_cast<unsigned long long>(r.rows_new), static_cast<unsigned long long>(r.rows_updated),
                static_cast<unsigned long long>(r.rows_unchanged));
  return kExitOk;
}

ECOAUDIT_COMMAND("import", "Validate CSV/XML/JSON files and Excel workbooks and import them into the store as one batch",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<ImportCmd>();
                   sub.add_option("--db", o->db, "Store file (created by `ecoaudit init`)")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset whose schema the data follows")->required();
                   sub.add_option("paths", o->paths,
                                  "CSV, XML, JSON, XLSX or XLS files, or folders of them (a workbook's sheets are "
                                  "read by record type: docs/excel.md)")
                       ->required();
                   sub.add_option("--encoding", o->encoding,
                                  "Input encoding: utf-8, gb18030 or auto (default: auto takes UTF-8, or GB18030 "
                                  "when a whole file is GB18030 and not UTF-8; a file whose encoding is not certain "
                                  "is refused)");
                   sub.add_option("--uscc-record", o->uscc_records,
                                  "Record types whose key is a 统一社会信用代码 (checked per GB 32100-2015), besides "
                                  "the fields the schema declares `validate uscc`")
                       ->each([o](const std::string&) { o->uscc_given = true; });
                   sub.add_option("--waste-code-field", o->waste_code_fields,
                                  "Fields holding a hazardous-waste category (HW01-HW40, HW45-HW50), besides those "
                                  "the schema declares `validate hw_category`")
                       ->each([o](const std::string&) { o->waste_given = true; });
                   sub.add_option("--max-errors", o->max_errors, "Errors shown per file (all are counted)")
                       ->check(CLI::NonNegativeNumber)
                       ->capture_default_str();
                   return [o] { return run_import(*o); };
                 });

}  // namespace
}  // namespace eco::cli
