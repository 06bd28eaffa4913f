#pragma once
// The runs that write a store: init (create or migrate it for a ruleset's schema) and import
// (files into it as one batch, all or nothing). Each takes a request, reports progress through
// callbacks and returns what happened; the store's transaction is handled inside, so a front
// end only turns its input into a request and the result into its output.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "app/run.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/text.hpp"

namespace eco::app {

struct InitRequest {
  std::filesystem::path db, ruleset;
};

// status and errors (RunResult): ruleset_errors with the ruleset's diagnostics, store_error
// with the store's message, or done.
struct InitOutcome : RunResult {
  std::string ruleset_id;
  std::size_t record_types = 0;            // of the schema
  bool created = false;                    // the store file was created
  std::string schema_version;              // the store's, after the run
  std::vector<std::string> migrations;     // additive changes applied to an existing store
};

// Creates the store for the ruleset's schema, or migrates an existing one (additive changes).
InitOutcome run_init(const InitRequest& request);

struct ImportRequest {
  std::filesystem::path db, ruleset;
  std::vector<std::filesystem::path> paths;  // files, or folders of *.csv, *.xml, *.json, *.xlsx, *.xls
  // Forced encoding; nullopt: decided per file when certain, else the file is refused.
  std::optional<engine::ingest::Encoding> encoding;
  // Record types whose key is a 统一社会信用代码, fields holding a hazardous-waste category;
  // nullopt: the importer's defaults. Given, each name must be in the schema (bad_request).
  std::optional<std::vector<std::string>> uscc_records, waste_code_fields;
  std::size_t max_errors_per_file = 50;  // errors kept per file; all are counted
  // Validate only: every check of a real import runs, inside a transaction rolled back at the
  // end, so the outcome is what an import would say and nothing is written (a staged upload's
  // validation report). The result's batch is then 0. (A migration the store needs for the
  // ruleset is still applied as the store is opened, as by every run.)
  bool dry_run = false;
};

// Progress of an import. Each callback may be empty.
struct ImportProgress {
  // The ruleset checked; its id.
  std::function<void(const std::string& ruleset)> ruleset_checked;
  // A migration applied to the store as it was opened (before the import).
  std::function<void(const std::string& migration)> migrated;
  // An input file about to be read. Called from the threads that read the files, never two at
  // once; files may start in any order.
  std::function<void(const std::filesystem::path& file)> file_started;
};

// status and errors (RunResult): ruleset_errors with the ruleset's diagnostics; bad_request or
// store_error with the message; rejected (errors in the data: in the result); cancelled (see
// run_import) or done.
struct ImportOutcome : RunResult {
  // done or rejected: the importer's result (files, rows, batch, the data's errors).
  engine::ingest::ImportResult result;
};

// Imports the request's files into its store as one batch, all or nothing: a rejected import,
// a bad request or a failing store leaves the store as it was. `stop`, checked before the run
// starts and once every file is read and validated, just before the commit, cancels it: the
// transaction is rolled back and nothing is written (a stop asked for while the files are
// read takes effect when they have been).
ImportOutcome run_import(const ImportRequest& request, const ImportProgress& progress = {}, std::stop_token stop = {});

}  // namespace eco::app
