#pragma once
// Staged imports: a batch of uploaded files is kept in a staging folder beside the store,
// validated by the import itself run dry (the same checks and messages as `ecoaudit import`,
// by file, line, column and field; nothing written), then committed as one batch or discarded.
// Nothing of the data reaches the store before the commit, and the commit is the import, all
// or nothing: it validates again, against the store as it then is.
//
// The staging folder is <store file>.staging (e.g. /var/lib/ecoaudit/ecoaudit.db.staging), one
// folder per staged batch named by its id (1, 2, ...: one more than the largest), holding manifest.json
// (who uploaded what and when, each file's name as uploaded, the state, the last validation
// report, the batch the commit made: the provenance) and the files. An uploaded file's name is
// never a path: it is kept as text in the manifest, and the file is stored under a name made
// here: files/<n>/<record>.csv for a CSV file (whose name says its record type, which must be
// a plain identifier), files/<n>/upload.<ext> for the other formats. A name holding a path
// ('/', '\', "..", a control character) is refused.
//
// The committed batch's files in the store's batch list are the staged paths; the names as
// uploaded and the uploader are in the manifest, and in the audit trail's row of the commit.
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "app/store_runs.hpp"

namespace eco::app {

// A refused staging request (a bad file name, an empty batch, an unknown id, a batch not in a
// state that allows it) or a staging folder that cannot be written. A sentence for the user.
class StagingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxStagedFiles = 200;

struct UploadedFile {
  std::string name;   // as the browser sent it: text only, never a path
  std::string bytes;  // the file's content
};

enum class StagedState {
  staged,     // uploaded, not validated yet
  valid,      // validated without error: may be committed
  rejected,   // the last validation (or commit) found errors: the report lists them
  committed,  // imported as the store's batch `batch` (its files are then removed from staging)
  discarded,  // thrown away (files removed)
};
std::string_view to_string(StagedState s);

struct StagedFile {
  std::string name;    // as uploaded
  std::string stored;  // under the batch's folder ("files/1/enterprise.csv")
  std::uint64_t bytes = 0;
  std::string sha256;  // of the bytes the last validation read ("" before)
};

// The validation report: the importer's result with each file named as uploaded.
struct StagedReport {
  bool ok = false;
  std::string checked_at;  // UTC
  std::size_t error_count = 0;
  std::uint64_t rows_read = 0, rows_new = 0, rows_updated = 0, rows_unchanged = 0;
  std::vector<engine::ingest::FileResult> files;    // path: the name as uploaded
  std::vector<engine::ingest::ImportError> errors;  // file: the name as uploaded
  std::string message;  // a failure that is not the data's (a ruleset or store error); "" else
};

struct StagedBatch {
  std::string id;
  std::string uploaded_by, uploaded_at;
  StagedState state = StagedState::staged;
  std::vector<StagedFile> files;
  std::optional<StagedReport> report;  // the last validation or commit
  std::int64_t batch = 0;              // committed: the store's batch (0: the data changed nothing)
  std::string committed_by, committed_at, discarded_by, discarded_at;
};

// Why `name` cannot be the name of an uploaded file, or "". Accepted: a plain file name
// (no '/', '\', control character, not "." or "..", not starting with '.', at most 255
// bytes) ending in .csv, .xml, .json, .xlsx or .xls (any case); a .csv file's stem a record
// type's name (ASCII letters, digits and '_', at most 64).
std::string upload_name_problem(std::string_view name);

class ImportStaging {
 public:
  // Stages for the store at `db`; the folder is made on first use.
  explicit ImportStaging(std::filesystem::path db);
  static std::filesystem::path folder_for(const std::filesystem::path& db);
  const std::filesystem::path& folder() const { return folder_; }

  // Keeps `files` as a new staged batch uploaded by `actor` and records "import.stage" in the
  // trail. Throws StagingError (nothing kept) for no file, more than kMaxStagedFiles, or a
  // name upload_name_problem refuses (the message names the file).
  StagedBatch stage(const std::vector<UploadedFile>& files, std::string_view actor);

  // Validates a staged (or rejected, or valid) batch: `request` (db, ruleset, encoding,
  // identity checks) with the batch's files, run dry. The batch becomes valid or rejected
  // and keeps the report. Writes nothing to the store.
  ImportOutcome validate(const std::string& id, const ImportRequest& request, std::stop_token stop = {});
  // Imports a batch that is valid (or not validated yet) as one batch of the store. The import
  // validates as it goes: data with errors, or that no longer fits the store, is rejected (the
  // batch becomes rejected with the report, nothing written). A rejected batch is refused. Done: the batch is committed, its files removed, and "import.commit" recorded
  // in the trail by `actor` with the batch id and the names as uploaded. Cancelled: the batch
  // stays as it was. Throws StagingError for an unknown id or a batch neither staged nor valid.
  ImportOutcome commit(const std::string& id, const ImportRequest& request, std::string_view actor,
                       std::stop_token stop = {});
  // Throws the batch away ("import.discard" in the trail). Throws StagingError for an unknown
  // id, a batch already committed or discarded, or one being validated or committed.
  void discard(const std::string& id, std::string_view actor);

  std::optional<StagedBatch> find(const std::string& id);
  // Every staged batch, newest first (by id).
  std::vector<StagedBatch> list();

 private:
  StagedBatch load(const std::string& id);
  void save(const StagedBatch& batch);
  ImportOutcome run(const std::string& id, const ImportRequest& request, bool commit, std::string_view actor,
                    std::stop_token stop);

  std::filesystem::path db_, folder_;
  std::mutex mu_;                // the manifests and `busy_`
  std::set<std::string> busy_;   // batches being validated or committed
};

}  // namespace eco::app
