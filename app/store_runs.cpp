#include "app/store_runs.hpp"

#include <mutex>

#include "app/ruleset.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

InitOutcome run_init(const InitRequest& request) {
  InitOutcome out;
  dsl::SourceManager sm;
  const auto checked = ruleset_for_run(request.ruleset, sm, out);
  if (!checked) return out;
  const auto& rs = *checked;
  out.ruleset_id = rs.id;
  out.record_types = rs.schema.records.size();
  try {
    engine::store::OpenOptions oo;
    oo.create = true;
    auto store = engine::store::Store::open(request.db, rs.schema, oo);
    out.created = store->created();
    out.schema_version = store->version();
    out.migrations = store->migrations();
  } catch (const engine::store::StoreError& ex) {
    out.status = RunStatus::store_error;
    out.errors = ex.what();
  }
  return out;
}

namespace {

// The request's identity-check names, each in the schema; "" when they are, else the message.
std::string check_names(const ImportRequest& r, const dsl::model::Schema& schema) {
  for (const auto& name : r.uscc_records.value_or(std::vector<std::string>{})) {
    const auto* rec = schema.find_record(name);
    if (!rec) return "--uscc-record: the schema has no record type '" + name + "'";
    const bool string_key =
        rec->key_fields.size() == 1 && rec->fields[rec->key_fields[0]].type.kind == dsl::model::Kind::string;
    if (!string_key) return "--uscc-record: " + name + " has no single string key to check as a 统一社会信用代码";
  }
  for (const auto& name : r.waste_code_fields.value_or(std::vector<std::string>{})) {
    bool found = false;
    for (const auto& rec : schema.records)
      for (const auto& f : rec.fields) found = found || (f.name == name && f.type.kind == dsl::model::Kind::string);
    if (!found) return "--waste-code-field: no record type of the schema has a string field '" + name + "'";
  }
  return "";
}

}  // namespace

ImportOutcome run_import(const ImportRequest& request, const ImportProgress& progress, std::stop_token stop) {
  namespace ingest = engine::ingest;
  ImportOutcome out;
  if (stop.stop_requested()) {
    out.fail(RunStatus::cancelled, "the import was cancelled before it started: nothing was written");
    return out;
  }
  dsl::SourceManager sm;
  const auto checked = ruleset_for_run(request.ruleset, sm, out);
  if (!checked) return out;
  const auto& rs = *checked;
  if (progress.ruleset_checked) progress.ruleset_checked(rs.id);
  // The names of the identity checks are of the schema: a name that is not there would check
  // nothing, silently. (The importer's defaults are not checked: a schema without them simply
  // has nothing for them to check.)
  if (auto message = check_names(request, rs.schema); !message.empty()) {
    out.status = RunStatus::bad_request;
    out.errors = std::move(message);
    return out;
  }
  ingest::ImportOptions io;
  io.encoding = request.encoding;
  if (request.uscc_records) io.uscc_records = *request.uscc_records;
  if (request.waste_code_fields) io.waste_code_fields = *request.waste_code_fields;
  io.max_errors_per_file = request.max_errors_per_file;
  io.ruleset_name = rs.id;
  io.ruleset_sha256 = rs.sha256;
  io.commit = !request.dry_run;
  // The last moment a stop can still undo everything: the batch is staged in the transaction
  // and refusing it here rolls it back like an error in the data.
  bool stopped = false;
  if (stop.stop_possible())
    io.vet = [&](engine::store::Store&, const ingest::ImportResult&) -> std::vector<ingest::ImportError> {
      if (!stop.stop_requested()) return {};
      stopped = true;
      ingest::ImportError e;
      e.message = "cancelled";
      return {e};
    };
  std::mutex progress_mutex;
  if (progress.file_started)
    io.before_read = [&](const std::filesystem::path& file, std::uint64_t offset) {
      if (offset != 0) return;  // the hook is called before every read; the first one starts the file
      std::lock_guard lock(progress_mutex);
      progress.file_started(file);
    };
  try {
    // The import's transaction is inside import_paths: rolled back on any error in the data.
    auto store = engine::store::Store::open(request.db, rs.schema);
    if (progress.migrated)
      for (const auto& m : store->migrations()) progress.migrated(m);
    out.result = ingest::import_paths(*store, request.paths, io);
    out.status = out.result.ok ? RunStatus::done : RunStatus::rejected;
    if (stopped) {
      // The data was good: the only "error" is the stop, which is not the data's.
      out.result.errors.clear();
      out.result.error_count = 0;
      for (auto& f : out.result.files) f.error_count = 0;
      out.fail(RunStatus::cancelled, "the import was cancelled: nothing was written");
    }
  } catch (const engine::store::StoreError& ex) {
    out.status = RunStatus::store_error;
    out.errors = ex.what();
  }
  return out;
}

}  // namespace eco::app
