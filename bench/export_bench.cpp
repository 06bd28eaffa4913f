// Export speed and memory: exports an existing store (made with the data generator and
// `ecoaudit import`) RUNS times into temporary folders beside it and prints, per run, the rows
// written, seconds and rows/s of the export alone (the ruleset is checked and the store opened
// once, before the clock starts), then the process's peak RSS. For example:
//   build/tools/datagen/ecoaudit-datagen --enterprises 100000 --seed 1 --out /tmp/g100k
//   ecoaudit init --db /tmp/g100k.db --ruleset rulesets/jinzhong
//   ecoaudit import --db /tmp/g100k.db --ruleset rulesets/jinzhong /tmp/g100k
//   export_bench --db /tmp/g100k.db --ruleset rulesets/jinzhong --format csv --runs 3
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "app/ruleset.hpp"
#include "engine/export/export.hpp"
#include "engine/store/store.hpp"

int main(int argc, char** argv) {
  using namespace eco;
  std::string db, ruleset, format = "csv";
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    else if (!std::strcmp(argv[i], "--ruleset")) ruleset = argv[i + 1];
    else if (!std::strcmp(argv[i], "--format")) format = argv[i + 1];
    else if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
  }
  if (db.empty() || ruleset.empty() || (format != "csv" && format != "xlsx")) {
    std::fprintf(stderr, "usage: export_bench --db STORE --ruleset DIR [--format csv|xlsx] [--runs N]\n");
    return 2;
  }
  dsl::SourceManager sm;
  auto checked = app::load_checked_ruleset(ruleset, sm);
  if (!checked.ruleset) {
    std::fprintf(stderr, "%s", checked.errors.c_str());
    return 2;
  }
  try {
    engine::store::OpenOptions oo;
    oo.read_only = true;
    auto store = engine::store::Store::open(db, checked.ruleset->schema, oo);
    for (int run = 1; run <= runs; ++run) {
      engine::exporting::ExportOptions o;
      o.format = format == "xlsx" ? engine::exporting::Format::xlsx : engine::exporting::Format::csv;
      o.out = std::filesystem::path(db).concat(".export-bench");
      std::filesystem::remove_all(o.out);
      const auto start = std::chrono::steady_clock::now();
      auto r = engine::exporting::export_store(*store, o);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::uintmax_t bytes = 0;
      for (const auto& f : r.files) bytes += std::filesystem::file_size(o.out / f);
      std::printf("run %d: %s, %llu rows of %zu record types, %.1f MiB, %.2f s, %.0f rows/s\n", run, format.c_str(),
                  static_cast<unsigned long long>(r.rows), r.records.size(), static_cast<double>(bytes) / (1 << 20),
                  s, static_cast<double>(r.rows) / s);
      std::filesystem::remove_all(o.out);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "export_bench: %s\n", e.what());
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024);
  return 0;
}
