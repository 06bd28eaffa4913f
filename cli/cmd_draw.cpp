// ecoaudit draw: the random inspection draw (双随机) of a period, recorded in the store, and
// its verification (--verify ID) and published list (一公开): the runs of app/draws.hpp (the
// plan's reading is there, the algorithm in engine/draw/draw.hpp); this file parses and prints.
#include <cstdio>
#include <fstream>
#include <string>

#include "app/draws.hpp"
#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct DrawCmd {
  std::string ruleset, db, plan, period, seed, as_of, format = "json", out;
  std::int64_t verify = 0, show = 0;
};

// The app's failure as the command's: ruleset errors printed as every command prints them, the
// rest one message a line.
int failed(const DrawCmd& o, const app::RunResult& r) {
  if (r.status == app::RunStatus::ruleset_errors) {
    print_ruleset_errors(o.ruleset, r.errors, "nothing was drawn");
    return kExitUsage;
  }
  std::fprintf(stderr, "ecoaudit draw: %s\n", r.errors.c_str());
  return kExitUsage;
}

int run_draw(const DrawCmd& o) {
  if (o.show != 0) {
    auto s = app::show_draws({.db = o.db, .ruleset = o.ruleset, .id = o.show, .format = o.format});
    if (s.status != app::RunStatus::done) return failed(o, s);
    if (!s.recomputes) {
      std::fprintf(stderr, "ecoaudit draw: draw %lld does not recompute from its recorded inputs; run --verify %lld\n",
                   static_cast<long long>(o.show), static_cast<long long>(o.show));
      return kExitFindings;
    }
    std::fputs(s.published.c_str(), stdout);
    return kExitOk;
  }
  if (o.verify != 0) {
    auto v = app::verify_draw({.db = o.db, .ruleset = o.ruleset, .plan = o.plan, .id = o.verify});
    if (v.status != app::RunStatus::done) return failed(o, v);
    if (v.verified()) {
      std::printf("draw %lld verified: recomputed bit for bit from inputs equal to the current ones (inputs sha256 %s)\n",
                  static_cast<long long>(o.verify), v.inputs_sha256.c_str());
      return kExitOk;
    }
    std::printf("draw %lld does NOT verify:\n", static_cast<long long>(o.verify));
    for (const auto& p : v.problems) std::printf("  %s\n", p.c_str());
    return kExitFindings;
  }
  app::DrawRequest req{.db = o.db, .ruleset = o.ruleset, .plan = o.plan, .period = o.period, .as_of = o.as_of,
                       .format = o.format};
  if (!o.seed.empty()) {
    std::size_t used = 0;
    std::uint64_t seed = 0;
    try {
      seed = std::stoull(o.seed, &used, 10);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != o.seed.size() || o.seed[0] == '-') {
      std::fprintf(stderr, "ecoaudit draw: --seed wants an unsigned 64-bit decimal number, got '%s'\n", o.seed.c_str());
      return kExitUsage;
    }
    req.seed = seed;
  }
  auto d = app::make_draw(req);
  if (d.status != app::RunStatus::done) return failed(o, d);
  if (!d.warnings.empty()) std::fprintf(stderr, "%s\n", d.warnings.c_str());
  if (o.out.empty()) {
    std::fputs(d.published.c_str(), stdout);
  } else {
    std::ofstream f(o.out, std::ios::binary);
    f << d.published;
    if (!f.flush()) {
      std::fprintf(stderr, "ecoaudit draw: cannot write %s (the draw %lld is recorded)\n", o.out.c_str(),
                   static_cast<long long>(d.id));
      return kExitUsage;
    }
  }
  std::fprintf(stderr, "ecoaudit draw: recorded draw %lld (%zu enterprises, seed %llu)\n", static_cast<long long>(d.id),
               d.selected, static_cast<unsigned long long>(d.seed));
  return kExitOk;
}

ECOAUDIT_COMMAND("draw", "Random inspection draw (双随机): draw, record and publish, or --verify a recorded draw",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<DrawCmd>();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
                   sub.add_option("--db", o->db, "Store file")->required();
                   sub.add_option("--plan", o->plan, "Draw plan (JSON; default RULESET/draw.json)");
                   sub.add_option("--period", o->period, "Period drawn for: 2027, 2027-H1, 2027-Q1 (or 2027Q1), 2027-03");
                   sub.add_option("--seed", o->seed, "Seed (unsigned 64-bit; default: fresh from the system, recorded)");
                   sub.add_option("--as-of", o->as_of, "Day of the period the rates and the inspection interval are taken on (default today, UTC)");
                   sub.add_option("--format", o->format, "Published list: json or csv")
                       ->check(CLI::IsMember({"json", "csv"}))
                       ->capture_default_str();
                   sub.add_option("-o,--out", o->out, "Write the published list here instead of standard output");
                   sub.add_option("--verify", o->verify, "Recompute recorded draw ID and compare its inputs with the current ones")
                       ->check(CLI::PositiveNumber);
                   sub.add_option("--show", o->show, "Print the published list of recorded draw ID again")
                       ->check(CLI::PositiveNumber);
                   return [o] { return run_draw(*o); };
                 });

}  // namespace
}  // namespace eco::cli
