// The ecoaudit program: parses the command line and runs one subcommand.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

#include "cli/command.hpp"
#include "engine/log/log.hpp"

namespace eco::cli {
namespace {
struct Entry {
  std::string name, description;
  CommandSetup setup;
};
std::vector<Entry>& registry() {
  static std::vector<Entry> r;
  return r;
}
}  // namespace

bool register_command(std::string name, std::string description, CommandSetup setup) {
  registry().push_back({std::move(name), std::move(description), std::move(setup)});
  return true;
}
}  // namespace eco::cli

int main(int argc, char** argv) {
  using namespace eco::cli;
  CLI::App app{"EcoAudit: compliance and permit auditing against an environmental plan's rules",
               "ecoaudit"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ecoaudit 0.1.0");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log progress and timings on stderr");

  // Sorted so that --help lists commands alphabetically whatever the link order was.
  auto& entries = registry();
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  std::function<int()> action;
  for (auto& e : entries) {
    CLI::App* sub = app.add_subcommand(e.name, e.description);
    auto run = e.setup(*sub);
    // Every option that takes a value names something (a file, an id, a date, a format): an
    // empty or blank value is a usage error, never "the default" or "everything" (an audit of
    // --enterprise "" once reported every finding).
    for (CLI::Option* opt : sub->get_options())
      if (opt->get_type_size() != 0) opt->check(non_blank());
    sub->callback([&action, run] { action = run; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    int rc = app.exit(err);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  // Log lines go to standard error (engine/log): standard output is the command's own.
  eco::engine::logger().set_level(verbose ? spdlog::level::info : spdlog::level::warn);
  try {
    return action ? action() : kExitUsage;
  } catch (const std::exception& ex) {
    // Commands report expected failures themselves; anything reaching here is still reported
    // as a clean error, never a crash.
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  }
}
