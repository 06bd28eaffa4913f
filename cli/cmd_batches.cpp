// ecoaudit batches --db FILE: lists the import batches of a store with their files.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "engine/store/store.hpp"

namespace eco::cli {
namespace {

struct BatchesCmd {
  std::string db, format = "text";
};

int run_batches(const BatchesCmd& o) {
  std::vector<engine::store::BatchInfo> batches;
  try {
    batches = engine::store::Store::list_batches(o.db);
  } catch (const engine::store::StoreError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  }
  if (o.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& b : batches) {
      nlohmann::ordered_json files = nlohmann::ordered_json::array();
      for (const auto& f : b.files)
        files.push_back({{"path", f.path}, {"format", f.format}, {"encoding", f.encoding}, {"sha256", f.sha256},
                         {"bytes", f.bytes}, {"rows_read", f.rows_read}, {"rows_new", f.rows_new},
                         {"rows_updated", f.rows_updated}, {"rows_unchanged", f.rows_unchanged}});
      out.push_back({{"id", b.id}, {"started_at", b.started_at}, {"finished_at", b.finished_at},
                     {"ruleset", b.ruleset}, {"ruleset_sha256", b.ruleset_sha256}, {"rows_read", b.rows_read},
                     {"rows_new", b.rows_new}, {"rows_updated", b.rows_updated},
                     {"rows_unchanged", b.rows_unchanged}, {"files", std::move(files)}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (batches.empty()) std::printf("no batches in %s\n", o.db.c_str());
  for (const auto& b : batches) {
    std::printf("batch %lld  %s  %lld rows: %lld new, %lld updated, %lld unchanged  (ruleset %s)\n",
                static_cast<long long>(b.id), b.finished_at.c_str(), static_cast<long long>(b.rows_read),
                static_cast<long long>(b.rows_new), static_cast<long long>(b.rows_updated),
                static_cast<long long>(b.rows_unchanged), b.ruleset.c_str());
    for (const auto& f : b.files)
      std::printf("  %-40s %-4s %-7s %8lld rows  sha256 %s\n", f.path.c_str(), f.format.c_str(), f.encoding.c_str(),
                  static_cast<long long>(f.rows_read), f.sha256.c_str());
  }
  return kExitOk;
}

ECOAUDIT_COMMAND("batches", "List the import batches of a store", [](CLI::App& sub) {
  auto o = std::make_shared<BatchesCmd>();
  sub.add_option("--db", o->db, "Store file")->required();
  sub.add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  return [o] { return run_batches(*o); };
});

}  // namespace
}  // namespace eco::cli
