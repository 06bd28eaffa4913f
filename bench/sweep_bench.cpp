// sweep_bench: EcoAudit as an engine of the shared sweep harness (../shared/bench, README
// "Engine contract"). Takes gen.py's data folder, imports enterprises.csv, vehicles.csv and
// manifests.csv into a fresh store with rulesets/bench, loads the snapshot from the store,
// evaluates the 16 rules (both cores, no evidence: the contract counts violations) and prints
// one JSON line:
//   {"engine":"ecoaudit","n":N,"load_s":…,"eval_s":…,"counts":{…},"errors":{…},
//    "import_s":…,"snapshot_s":…,"findings_s":…,"write_s":…,"findings":…,"json_bytes":…,
//    "rss_after_snapshot_mb":…,"rss_with_findings_mb":…,"peak_rss_mb":…}
// load_s = import + snapshot load (what the harness excludes from eval_s); write_s = time to
// evaluate again with evidence and write the sweep's JSON document to a file, as `ecoaudit sweep` does.
// Usage: sweep_bench DATA_DIR [--ruleset DIR] [--keep-db PATH [--reuse-db]] [--threads N]
//                    [--eval-only] [--repeat N] [--tree] [--by-rule]
// --eval-only stops after eval_s; --repeat N evaluates N times (eval_s = the fastest, all in
// eval_runs_s); --by-rule also times each rule alone (CPU seconds); --tree turns the columnar plans off (every subject through the tree evaluator).
// --reuse-db skips the import when the store kept by an earlier --keep-db run exists
// (import_s is then 0): for measuring the sweep phases alone.
// Plug into the harness: bench/ecoaudit.sh (copy to the harness's engines/ folder).
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dsl/check/check.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/ingest/import.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/store.hpp"
#include "reports/json/findings_json.hpp"

namespace fs = std::filesystem;
using namespace eco;

namespace {

// Resident memory now (MB), from /proc/self/statm.
double rss_mb() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// CPU time of the process so far (every thread), seconds.
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_arg, ruleset_arg = ECOAUDIT_SOURCE_DIR "/rulesets/bench", keep_db;
  unsigned threads = 0;
  bool reuse = false, eval_only = false, tree = false, by_rule = false;
  unsigned repeat = 1;
  std::vector<std::string> only_rules;
  CLI::App app{"EcoAudit as an engine of the shared sweep harness"};
  app.add_option("DATA_DIR", data_arg, "gen.py's data folder")->required()->check(CLI::ExistingDirectory);
  app.add_option("--ruleset", ruleset_arg, "Ruleset folder (default: rulesets/bench)");
  app.add_option("--keep-db", keep_db, "Keep the store at this path (default: a temporary file, removed)");
  app.add_option("--threads", threads, "Evaluation threads (0 = every core)");
  app.add_flag("--eval-only", eval_only, "Stop after eval_s (no findings built, no JSON written)");
  app.add_option("--repeat", repeat, "Evaluate N times; eval_s is the fastest, eval_runs_s lists all")->check(CLI::Range(1u, 100u));
  app.add_option("--rule", only_rules, "With --eval-only: evaluate only these rules (for profiling one)");
  app.add_flag("--by-rule", by_rule, "Also time each rule alone (eval_by_rule_s, fastest of --repeat runs)");
  app.add_flag("--tree", tree, "Evaluate every subject with the tree evaluator (no columnar plans), to compare");
  app.add_flag("--reuse-db", reuse, "With --keep-db: use the kept store as it is, without importing");
  CLI11_PARSE(app, argc, argv);
  const fs::path data = data_arg, ruleset_dir = ruleset_arg;
  const bool keep = !keep_db.empty();
  const fs::path db = keep ? fs::path(keep_db)
                           : fs::temp_directory_path() / fmt::format("ecoaudit-sweep-bench-{}.db", ::getpid());
  // A temporary store goes however the run ends (after the Store inside the try block closed it).
  struct RemoveStore {
    fs::path db;
    bool keep;
    ~RemoveStore() {
      std::error_code ec;
      if (!keep)
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
    }
  } const remove_store{db, keep};
  dsl::SourceManager sm;
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(ruleset_dir, sm, diags);
  if (!rs || diags.has_errors()) {
    std::fputs(dsl::render_text(sm, diags).c_str(), stderr);
    return 2;
  }
  reuse = reuse && keep && fs::exists(db);
  if (!reuse)
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);

  try {
    const auto t0 = std::chrono::steady_clock::now();
    engine::store::OpenOptions oo;
    oo.create = true;
    auto store = engine::store::Store::open(db, rs->schema, oo);
    if (!reuse) {
      engine::ingest::ImportOptions io;
      io.schema_validators = false;  // gen.py's ids are not GB 32100 codes
      io.ruleset_name = rs->id;
      io.ruleset_sha256 = rs->sha256;
      auto r = engine::ingest::import_paths(
          *store, {data / "enterprises.csv", data / "vehicles.csv", data / "manifests.csv"}, io);
      if (!r.ok) {
        for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", engine::ingest::render(e).c_str());
        return 2;
      }
    }
    const double import_s = reuse ? 0.0 : since(t0);

    const auto t1 = std::chrono::steady_clock::now();
    auto loaded = engine::load_snapshot(*store);
    engine::CompiledRuleset compiled(*rs);
    const double snapshot_s = since(t1);
    const double snapshot_rss = rss_mb();

    // eval_s: every rule over every subject, verdicts counted (the harness's contract: the
    // baseline counts too). Building the findings is timed apart: findings_s, then write_s.
    engine::EvalOptions eo;
    eo.as_of = dsl::today();    // the bench rules carry their own as-of day (param asof)
    eo.evidence = false;
    eo.threads = threads;
    std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>> verdicts;
    eo.verdict_counts = &verdicts;
    eo.columnar = !tree;
    if (eval_only) eo.rules = only_rules;
    double eval_s = 0;
    std::string eval_runs;
    double eval_cpu_s = 0;  // CPU time of all threads: the work done, whatever else runs
    for (unsigned i = 0; i < repeat; ++i) {
      verdicts.clear();
      const double c0 = cpu_s();
      const auto t2 = std::chrono::steady_clock::now();
      compiled.evaluate(loaded.snapshot, eo);
      const double s = since(t2), c = cpu_s() - c0;
      eval_s = i == 0 ? s : std::min(eval_s, s);
      eval_cpu_s = i == 0 ? c : std::min(eval_cpu_s, c);
      eval_runs += fmt::format("{}{:.4f}", i ? ", " : "", s);
    }
    std::string by_rule_times;
    if (by_rule) {
      std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>> scratch;
      eo.verdict_counts = &scratch;
      for (const auto& rule : rs->rules) {
        eo.rules = {rule.id};
        double best = 0;  // CPU seconds: less disturbed by other processes than wall time
        for (unsigned i = 0; i < repeat; ++i) {
          const double c0 = cpu_s();
          compiled.evaluate(loaded.snapshot, eo);
          best = i == 0 ? cpu_s() - c0 : std::min(best, cpu_s() - c0);
        }
        by_rule_times += fmt::format(R"({}"{}": {:.4f})", by_rule_times.empty() ? "" : ", ", rule.id, best);
      }
      eo.rules.clear();
    }
    eo.verdict_counts = nullptr;

    std::map<std::string, std::size_t> counts, errors;
    for (std::size_t i = 0; i < rs->rules.size(); ++i) {
      const auto& v = i < verdicts.size() ? verdicts[i] : std::array<std::uint64_t, dsl::model::kVerdictCount>{};
      counts[rs->rules[i].id] = v[static_cast<std::size_t>(dsl::model::Verdict::violation)];
      errors[rs->rules[i].id] = v[static_cast<std::size_t>(dsl::model::Verdict::unknown)];
    }
    // The harness's contract line (engine, n, load_s, eval_s, counts), open for more fields.
    auto contract_line = [&] {
      std::string line = fmt::format(R"({{"engine": "ecoaudit", "n": {}, "load_s": {:.4f}, "eval_s": {:.4f}, "counts": {{)",
                                     loaded.snapshot.rows(rs->schema.find_record("enterprises")->index),
                                     import_s + snapshot_s, eval_s);
      bool first = true;
      for (const auto& [k, v] : counts) line += fmt::format(R"({}"{}": {})", first ? "" : ", ", k, v), first = false;
      line += R"(}, "errors": {)";
      first = true;
      for (const auto& [k, v] : errors) line += fmt::format(R"({}"{}": {})", first ? "" : ", ", k, v), first = false;
      line += fmt::format(R"(}}, "eval_runs_s": [{}], "eval_cpu_s": {:.4f}, "evaluator": "{}")", eval_runs, eval_cpu_s,
                          tree ? "tree" : "columnar");
      if (by_rule) line += fmt::format(R"(, "eval_by_rule_s": {{{}}})", by_rule_times);
      return line;
    };
    if (eval_only) {
      std::puts((contract_line() + "}").c_str());
      return 0;
    }
    const auto t2b = std::chrono::steady_clock::now();
    auto findings = compiled.evaluate(loaded.snapshot, eo);
    const double findings_s = since(t2b);
    // The counted verdicts and the built findings must agree.
    std::map<std::string, std::size_t> from_findings;
    for (const auto& rule : rs->rules) from_findings[rule.id] = 0;
    for (const auto& f : findings)
      if (f.verdict == dsl::model::Verdict::violation) ++from_findings[f.rule];
    if (from_findings != counts) {
      std::fprintf(stderr, "sweep_bench: counted verdicts and built findings disagree\n");
      return 1;
    }
    const std::size_t findings_built = findings.size();
    std::vector<engine::Finding>().swap(findings);  // a sweep holds one set of findings, not two

    // Findings as the sweep writes them: evidence included, JSON document.
    const auto t3 = std::chrono::steady_clock::now();
    eo.evidence = true;
    auto full = compiled.evaluate(loaded.snapshot, eo);
    const double findings_rss = rss_mb();
    engine::RunInfo run;
    run.command = "sweep";
    run.ruleset = rs->id;
    const fs::path json_path = db.string() + ".findings.json";
    std::uintmax_t json_bytes = 0;
    {
      std::ofstream out(json_path, std::ios::binary);
      reports::write_findings_json(out, run, full);
    }
    json_bytes = fs::file_size(json_path);
    fs::remove(json_path);
    const double write_s = since(t3);

    if (full.size() != findings_built) {
      std::fprintf(stderr, "sweep_bench: findings with and without evidence differ in number\n");
      return 1;
    }
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    std::string line = contract_line();
    line += fmt::format(R"(, "import_s": {:.4f}, "snapshot_s": {:.4f}, "findings_s": {:.4f}, "write_s": {:.4f}, "findings": {}, )"
                        R"("json_bytes": {}, "rss_after_snapshot_mb": {:.0f}, "rss_with_findings_mb": {:.0f}, "peak_rss_mb": {:.0f}, "version": "ecoaudit sweep, 2 threads"}})",
                        import_s, snapshot_s, findings_s, write_s, full.size(), json_bytes, snapshot_rss, findings_rss, static_cast<double>(u.ru_maxrss) / 1024.0);
    std::puts(line.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep_bench: %s\n", e.what());
    return 2;
  }
  return 0;
}
