// ecoaudit export --db FILE --ruleset DIR --format csv|xlsx --out DIR [--data-as-of BATCH] [--history]:
// the store's records written back as files that `ecoaudit import` reads to the same records
// (app/export_run.hpp); the output folder appears whole or not at all.
#include <cstdio>

#include <fmt/format.h>

#include "app/export_run.hpp"
#include "cli/command.hpp"
#include "cli/run_failure.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct ExportCmd {
  std::string db, ruleset, format = "csv", out;
  std::int64_t data_as_of = 0;
  bool as_of_given = false;
  bool history = false;
};

int run_export(const ExportCmd& o) {
  app::ExportRequest request;
  request.db = o.db;
  request.ruleset = o.ruleset;
  request.format = o.format == "xlsx" ? engine::exporting::Format::xlsx : engine::exporting::Format::csv;
  request.out = o.out;
  if (o.as_of_given) request.data_as_of = o.data_as_of;
  request.history = o.history;
  const app::ExportOutcome outcome = app::run_export(request);
  if (auto rc = run_failure("export", o.ruleset, outcome, "nothing exported", Rejected::caller_reports)) return *rc;
  const auto& r = outcome.result;
  if (!r.batches.empty())
    std::printf("%zu folders, one per import batch (batch-%04lld ... batch-%04lld); the last holds\n", r.batches.size(),
                static_cast<long long>(r.batches.front()), static_cast<long long>(r.batches.back()));
  for (const auto& rec : r.records)
    std::printf("  %-32s %8llu rows\n", rec.record.c_str(), static_cast<unsigned long long>(rec.rows));
  std::printf("exported %llu rows of %zu record types %s to %s (%zu file%s)\n",
              static_cast<unsigned long long>(r.rows), r.records.size(),
              o.as_of_given ? fmt::format("as they stood after batch {}", r.batch).c_str()
                            : fmt::format("as of batch {}", r.batch).c_str(),
              o.out.c_str(), r.files.size(), r.files.size() == 1 ? "" : "s");
  return kExitOk;
}

ECOAUDIT_COMMAND("export", "Write the store's records as CSV files or an XLSX workbook that import reads back",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<ExportCmd>();
                   sub.add_option("--db", o->db, "Store file to export")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset whose schema the store follows")->required();
                   sub.add_option("--format", o->format, "csv (one file per record type) or xlsx (one workbook)")
                       ->check(CLI::IsMember({"csv", "xlsx"}))
                       ->capture_default_str();
                   sub.add_option("--out", o->out, "Folder to write (must not exist, or be empty)")->required();
                   sub.add_option("--data-as-of", o->data_as_of,
                                  "The records as they stood after this import batch (ecoaudit batches lists them)")
                       ->check(CLI::PositiveNumber)
                       ->each([o](const std::string&) { o->as_of_given = true; });
                   sub.add_flag("--history", o->history,
                                "One folder per import batch (batch-0001, ...), each the records as they stood after "
                                "it: imported in order into a new store, they rebuild its history too");
                   return [o] { return run_export(*o); };
                 });

}  // namespace
}  // namespace eco::cli
