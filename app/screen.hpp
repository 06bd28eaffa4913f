#pragma once
// The screening run: the permit officer's check of project applications before approval. The
// documents are validated exactly like an import, staged in the store's transaction so that
// rules can follow references into what the store already knows (the applicant, a
// replacement source), evaluated, and rolled back unless the request records them. A document
// holds only applications and their children (engine/screening/staging.hpp); recording
// refuses an application already stored with other values unless the request replaces.
// One decision per application: reject, conditional (documents to request, conditions) or
// approve. The reports are written inside the transaction and put in place after it: a
// screening whose report cannot be written, or that is cancelled, stores nothing.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "app/report_files.hpp"
#include "app/run.hpp"
#include "dsl/common/date.hpp"
#include "engine/findings/finding.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/text.hpp"

namespace eco::app {

struct ScreenOutcome;

struct ScreenRequest {
  std::filesystem::path db, ruleset;
  std::vector<std::filesystem::path> paths;  // application documents (XML, JSON), or folders of them
  dsl::Date as_of{};                         // the legal date
  std::optional<engine::ingest::Encoding> encoding;  // nullopt: decided per file
  std::string record_type;  // the record type screened ("": the ruleset's `role screened` record)
  bool record = false;   // also store the applications (as an import batch)
  bool replace = false;  // with record: replace applications already stored (bad_request without record)
  // Appended to the error refusing an application already stored with other values (how the
  // front end asks for a replacement).
  std::string replace_hint = "give --replace to replace it (the old version is kept in the store's history)";
  std::string lang = "zh";  // of the reports
  ReportTarget reports;
  // With record: called inside the store's transaction once the applications are decided and
  // the reports written, before the commit, with the outcome so far (findings, decisions) and
  // the import's staged result (its staged_batch is the batch the applications are written
  // by). What it writes through the store commits with the applications or not at all; a
  // StoreError it throws rolls everything back (store_error). The workbench records the
  // officer's decision this way (app/screening_desk.hpp).
  std::function<void(engine::store::Store& store, const ScreenOutcome& outcome,
                     const engine::ingest::ImportResult& staged)>
      on_record;
};

struct ScreenProgress {
  // An input file about to be read (from the threads that read the files, never two at once).
  std::function<void(const std::filesystem::path& file)> file_started;
};

// status and errors (RunResult): done; ruleset_errors; bad_request (no store, no such record
// type in the ruleset or in the documents, replace without record); rejected (errors in the
// documents, in `import`: nothing evaluated or stored); store_error; report_error (with
// `stopped`: the report could not be written and nothing was stored; without: it was written
// but could not be put in place); cancelled (nothing stored).
struct ScreenOutcome : RunResult {
  engine::ingest::ImportResult import;  // the documents' validation; batch > 0 when recorded
  std::vector<engine::Finding> findings;
  std::vector<engine::ApplicationDecision> decisions;  // one per application, in document order
  bool stopped = false;

  // Every application is approved.
  bool approved() const;
};

// Screens the request's documents. `stop`, checked before the evaluation and before the
// reports are written, cancels the run: nothing is stored and no report is put in place.
ScreenOutcome run_screen(const ScreenRequest& request, const ScreenProgress& progress = {}, std::stop_token stop = {});

}  // namespace eco::app
