#pragma once
// Subcommands of the ecoaudit program. Each lives in its own cli/cmd_<name>.cpp and registers
// itself at start-up with ECOAUDIT_COMMAND, so adding a command touches no other file.
//
// Exit codes, the same for every command: 0 success, 1 the command's negative outcome
// (errors in the checked ruleset, findings at or above --fail-on, a failed rule test, a
// rejected import), 2 usage errors and failures to run at all.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace eco::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// A CLI11 check refusing an empty value or one of spaces only (ASCII or U+3000): main() puts
// it on every option of every command that takes a value.
inline CLI::Validator non_blank() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        std::string_view s = v;
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.substr(0, 3) == "\xE3\x80\x80"))
          s.remove_prefix(s.front() == ' ' || s.front() == '\t' ? 1 : 3);
        return s.empty() ? std::string("the value is empty: give one (see --help)") : std::string();
      },
      "", "NON_BLANK");
}

// Adds the command's options to `sub` and returns the action that runs it (after parsing).
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

// Registers a subcommand; returns true so it can initialise a static.
bool register_command(std::string name, std::string description, CommandSetup setup);

// Keeps `object` until the process exits instead of destroying it: for a command's big
// structures (the store's snapshot, a sweep's findings) when the command is about to return
// to main(). Freeing millions of allocations one by one takes measurable time (0.2 s for the
// snapshot of a million enterprises, seconds for a million findings) that the kernel, taking
// back the whole address space at exit, does not need. The object stays reachable (a leak
// checker does not report it) and its destructor never runs: it must own only memory.
template <class T>
void keep_until_exit(T&& object) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();  // deliberately never destroyed
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(object)));
}

}  // namespace eco::cli

#define ECOAUDIT_CONCAT_(a, b) a##b
#define ECOAUDIT_CONCAT(a, b) ECOAUDIT_CONCAT_(a, b)
#define ECOAUDIT_COMMAND(name, description, setup)                                     \
  static const bool ECOAUDIT_CONCAT(ecoaudit_command_registered_, __LINE__) =          \
      ::eco::cli::register_command(name, description, setup)
