#pragma once
// What every run of the application layer shares: how it ended (RunStatus) and the part of its
// outcome every front end reads first (RunResult). A run takes a request (an options struct),
// reports progress through callbacks, handles the store's transaction inside and returns an
// outcome deriving from RunResult; it never prints. The runs that can take long (sweep, audit,
// screen) also take a std::stop_token: a front end on another thread (the HTTP server) cancels
// them cooperatively, and a cancelled run writes nothing (no history, no batch, no report).
#include <string>

namespace eco::app {

// How a run ended, in the terms every front end needs (the CLI maps them to its exit codes).
enum class RunStatus {
  done,            // the run did its work (an import with nothing to change included)
  rejected,        // an import or screening refused: errors in its data, nothing written
  ruleset_errors,  // the ruleset does not check (errors in the outcome): nothing was touched
  bad_request,     // the request names something that is not there (message in the outcome)
  store_error,     // the store could not be opened or written (message): nothing was written
  report_error,    // a report could not be written (messages); see the run for what was kept
  cancelled,       // stopped through its stop token: nothing was written
};

struct RunResult {
  RunStatus status = RunStatus::done;
  // ruleset_errors: the ruleset's diagnostics as text ("file:line:col: error[...]", several
  // lines); any other status but done: the messages, one a line (no newline after the last),
  // each a sentence without the program's name (a front end prefixes its own).
  std::string errors;

  // Sets the status and adds `message` as a line of `errors`.
  void fail(RunStatus s, const std::string& message) {
    status = s;
    if (!errors.empty()) errors += '\n';
    errors += message;
  }
};

}  // namespace eco::app
