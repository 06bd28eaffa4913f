// ecoaudit import-monitoring --db FILE --ruleset DIR [--quarantine FILE] PATH...: imports
// online-monitoring data in HJ 212-2017 messages (hourly and daily data with their flags) and
// the monthly summaries derived from them, as one batch, all or nothing (docs/monitoring.md).
#include <cstdio>

#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"
#include "engine/ingest/hj212.hpp"
#include "engine/store/store.hpp"

namespace eco::cli {
namespace {

struct ImportMonitoringCmd {
  std::string db, ruleset, declaration, quarantine;
  std::vector<std::string> paths;
  std::size_t max_errors = 50;
};

int run_import_monitoring(const ImportMonitoringCmd& o) {
  namespace ingest = engine::ingest;
  namespace hj = engine::ingest::hj212;
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(o.ruleset, sm, "the store was not touched");
  if (!rs) return kExitUsage;
  hj::MonitoringOptions mo;
  mo.import.ruleset_name = rs->id;
  mo.import.ruleset_sha256 = rs->sha256;
  mo.import.max_errors_per_file = o.max_errors;
  if (!o.quarantine.empty()) mo.quarantine = o.quarantine;
  std::filesystem::path decl = o.declaration.empty()
                                   ? std::filesystem::path(o.ruleset) / "monitoring" / "hj212.json"
                                   : std::filesystem::path(o.declaration);
  try {
    mo.declaration = hj::read_declaration(decl);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "ecoaudit import-monitoring: error: %s\n", ex.what());
    return kExitUsage;
  }
  try {
    auto store = engine::store::Store::open(o.db, rs->schema);
    for (const auto& m : store->migrations()) std::fprintf(stderr, "migrated: %s\n", m.c_str());
    std::vector<std::filesystem::path> paths(o.paths.begin(), o.paths.end());
    hj::MonitoringResult r = hj::import_monitoring(*store, paths, mo);
    for (const auto& e : r.import.errors) std::fprintf(stderr, "%s\n", ingest::render(e).c_str());
    for (const auto& f : r.import.files)
      if (f.error_count > o.max_errors)
        std::fprintf(stderr, "%s: %zu more errors not shown\n", f.path.c_str(),
                     f.error_count - o.max_errors);
    if (!r.quarantined.empty()) {
      std::fprintf(stderr, "quarantined %zu message%s (not imported) in %s:\n",
                   r.quarantined.size(), r.quarantined.size() == 1 ? "" : "s",
                   o.quarantine.c_str());
      for (const auto& e : r.quarantined) std::fprintf(stderr, "  %s\n", ingest::render(e).c_str());
    }
    if (!r.import.ok) {
      std::fprintf(stderr, "import rejected: %zu error%s in %zu file%s; nothing was written\n",
                   r.import.error_count, r.import.error_count == 1 ? "" : "s",
                   r.import.files.size(), r.import.files.size() == 1 ? "" : "s");
      return r.import.inputs_invalid ? kExitUsage : kExitFindings;
    }
    std::printf("%llu messages: %llu hourly, %llu daily, %llu of other commands (not kept)\n",
                static_cast<unsigned long long>(r.messages),
                static_cast<unsigned long long>(r.hourly), static_cast<unsigned long long>(r.daily),
                static_cast<unsigned long long>(r.other));
    std::printf(
        "%llu values (%llu with a valid flag); messages kept: %llu new, %llu unchanged; %llu monthly summaries\n",
        static_cast<unsigned long long>(r.values), static_cast<unsigned long long>(r.values_valid),
        static_cast<unsigned long long>(r.messages_new),
        static_cast<unsigned long long>(r.messages_unchanged),
        static_cast<unsigned long long>(r.summaries));
    // What the summaries did to the store's rows (one equal to the stored row leaves it, and
    // its history, alone).
    std::printf("monthly summaries: %llu new, %llu changed (earlier version kept in the history), %llu unchanged\n",
                static_cast<unsigned long long>(r.summaries_new),
                static_cast<unsigned long long>(r.summaries_changed),
                static_cast<unsigned long long>(r.summaries_unchanged));
    if (r.import.batch == 0)
      std::printf("nothing changed: no batch recorded\n");
    else
      std::printf("batch %lld: %zu files\n", static_cast<long long>(r.import.batch),
                  r.import.files.size());
    return kExitOk;
  } catch (const engine::store::StoreError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  } catch (const std::runtime_error& ex) {
    std::fprintf(stderr, "ecoaudit import-monitoring: error: %s\n", ex.what());
    return kExitUsage;
  }
}

ECOAUDIT_COMMAND(
    "import-monitoring",
    "Import online-monitoring data (HJ 212-2017 messages) and their monthly summaries as one batch",
    [](CLI::App& sub) {
      auto o = std::make_shared<ImportMonitoringCmd>();
      sub.add_option("--db", o->db, "Store file (created by `ecoaudit init`)")->required();
      sub.add_option("--ruleset", o->ruleset, "Ruleset whose schema the data follows")->required();
      sub.add_option("paths", o->paths, "Files of HJ 212-2017 messages, one per line")->required();
      sub.add_option("--declaration", o->declaration,
                     "How the data map onto the schema (default: RULESET/monitoring/hj212.json)");
      sub.add_option(
          "--quarantine", o->quarantine,
          "Write messages failing their frame, length, CRC or syntax to this file and list "
          "them, instead of refusing the batch");
      sub.add_option("--max-errors", o->max_errors, "Errors shown per file (all are counted)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      return [o] { return run_import_monitoring(*o); };
    });

}  // namespace
}  // namespace eco::cli
