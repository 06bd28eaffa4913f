// ecoaudit-datagen: writes the Jinzhong demo or a large synthetic dataset as CSV files.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <exception>

#include <CLI/CLI.hpp>

#include "tools/datagen/generate.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Writes a Jinzhong dataset: one CSV per record type of rulesets/jinzhong's schema"};
  eco::datagen::Options opt;
  std::string out;
  bool no_scenarios = false;
  std::string notes_path;
  app.add_option("--enterprises", opt.enterprises, "number of background enterprises")->required();
  app.add_option("--out", out, "output folder (created if missing)")->required();
  app.add_option("--seed", opt.seed, "random seed (same seed and count give identical files)");
  app.add_flag("--no-scenarios", no_scenarios, "leave out the hand-made violation and edge-case enterprises");
  app.add_option("--notes", notes_path, "write the deliberate cases as a Markdown table to this file");
  CLI11_PARSE(app, argc, argv);
  opt.out = out;
  opt.scenarios = !no_scenarios;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const auto summary = eco::datagen::generate(opt);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::size_t total = 0;
    for (const auto& [name, rows] : summary.rows) {
      std::fprintf(stderr, "%-20s %10zu rows\n", name.c_str(), rows);
      total += rows;
    }
    std::fprintf(stderr, "%zu rows in %.2f s\n", total, secs);
    if (!notes_path.empty()) {
      std::FILE* f = std::fopen(notes_path.c_str(), "wb");
      if (!f) {
        std::fprintf(stderr, "error: cannot write %s\n", notes_path.c_str());
        return 1;
      }
      // In the catalogue's order (REQUIREMENTS.md), generation order within a requirement.
      auto notes = summary.notes;
      auto rank = [](const std::string& req) {
        static constexpr std::array<std::string_view, 12> areas = {
            "AIR", "VOC", "TRN", "HPW", "DST", "LAY", "WAT", "SOI", "HW", "SW", "RSK", "PMT"};
        const auto dash = req.find('-');
        const std::string_view area = std::string_view(req).substr(0, dash);
        const auto it = std::find(areas.begin(), areas.end(), area);
        const int num = dash == std::string::npos ? 0 : std::atoi(req.c_str() + dash + 1);
        return static_cast<int>(it - areas.begin()) * 1000 + num;
      };
      std::stable_sort(notes.begin(), notes.end(),
                       [&](const auto& a, const auto& b) { return rank(a.requirement) < rank(b.requirement); });
      // A note ends with its machine-readable expectation "[rule: verdict; ...]" (tools/datagen
      // /generate.hpp), written into a column of its own: tests/demo/check_notes.py checks it
      // against the demo's sweep.
      std::fputs("| requirement | record | deliberate case | expected verdicts |\n|---|---|---|---|\n", f);
      for (const auto& n : notes) {
        std::string_view what = n.what, expected;
        if (const auto open = what.rfind(" ["); open != std::string_view::npos && what.ends_with(']')) {
          expected = what.substr(open + 2, what.size() - open - 3);
          what = what.substr(0, open);
        }
        std::fprintf(f, "| %s | %s | %.*s | %.*s |\n", n.requirement.c_str(), n.subject.c_str(),
                     static_cast<int>(what.size()), what.data(), static_cast<int>(expected.size()),
                     expected.data());
      }
      std::fclose(f);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
