#pragma once
// Subcommands of the ecoaudit program. Each lives in its own cli/cmd_<name>.cpp and registers
// itself at start-up with ECOAUDIT_COMMAND, so adding a command touches no other file.
//
// Exit codes, the same for every command: 0 success, 1 the command's negative outcome
// (errors in the checked ruleset, findings at or above --fail-on, a failed rule test, a
// rejected import), 2 usage errors and failures to run at all.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace eco::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// Adds the command's options to `sub` and returns the action that runs it (after parsing).
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

// Registers a subcommand; returns true so it can initialise a static.
bool register_command(std::string name, std::string description, CommandSetup setup);

}  // namespace eco::cli

#define ECOAUDIT_CONCAT_(a, b) a##b
#define ECOAUDIT_CONCAT(a, b) ECOAUDIT_CONCAT_(a, b)
#define ECOAUDIT_COMMAND(name, description, setup)                                     \
  static const bool ECOAUDIT_CONCAT(ecoaudit_command_registered_, __LINE__) =          \
      ::eco::cli::register_command(name, description, setup)
