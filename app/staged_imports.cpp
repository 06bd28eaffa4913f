#include "app/staged_imports.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kStateNames[] = {"staged", "valid", "rejected", "committed", "discarded"};

std::optional<StagedState> parse_state(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kStateNames); ++i)
    if (kStateNames[i] == s) return static_cast<StagedState>(i);
  return std::nullopt;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The extension of an accepted name, lower case without the dot ("" when none is accepted).
std::string accepted_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  const std::string ext = lower(name.substr(dot + 1));
  for (const char* ok : {"csv", "xml", "json", "xlsx", "xls"})
    if (ext == ok) return ext;
  return "";
}

// Ids are made here (1, 2, ...); one given back by a request is only looked up when it has
// their form, so it never becomes a path either.
bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 12 && id.front() != '0' &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The next id: one more than the largest in the staging folder (called under the mutex).
std::string next_id(const fs::path& folder) {
  std::int64_t most = 0;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (valid_id(name)) most = std::max<std::int64_t>(most, std::stoll(name));
  }
  return std::to_string(most + 1);
}

json to_json(const engine::ingest::ImportError& e) {
  return {{"file", e.file},         {"line", e.line},   {"column", e.column}, {"location", e.location},
          {"record", e.record},     {"field", e.field}, {"code", e.code},     {"message", e.message},
          {"text", engine::ingest::render(e)}};
}

json to_json(const StagedReport& r) {
  json files = json::array(), errors = json::array();
  for (const auto& f : r.files)
    files.push_back({{"name", f.path},
                     {"format", f.format},
                     {"encoding", f.encoding},
                     {"sha256", f.sha256},
                     {"bytes", f.bytes},
                     {"rows_read", f.rows_read},
                     {"rows_new", f.rows_new},
                     {"rows_updated", f.rows_updated},
                     {"rows_unchanged", f.rows_unchanged},
                     {"error_count", f.error_count}});
  for (const auto& e : r.errors) errors.push_back(to_json(e));
  return {{"ok", r.ok},
          {"checked_at", r.checked_at},
          {"error_count", r.error_count},
          {"rows_read", r.rows_read},
          {"rows_new", r.rows_new},
          {"rows_updated", r.rows_updated},
          {"rows_unchanged", r.rows_unchanged},
          {"files", std::move(files)},
          {"errors", std::move(errors)},
          {"message", r.message}};
}

StagedReport report_from_json(const json& j) {
  StagedReport r;
  r.ok = j.value("ok", false);
  r.checked_at = j.value("checked_at", "");
  r.error_count = j.value("error_count", std::size_t{0});
  r.rows_read = j.value("rows_read", std::uint64_t{0});
  r.rows_new = j.value("rows_new", std::uint64_t{0});
  r.rows_updated = j.value("rows_updated", std::uint64_t{0});
  r.rows_unchanged = j.value("rows_unchanged", std::uint64_t{0});
  r.message = j.value("message", "");
  for (const auto& f : j.value("files", json::array())) {
    engine::ingest::FileResult fr;
    fr.path = f.value("name", "");
    fr.format = f.value("format", "");
    fr.encoding = f.value("encoding", "");
    fr.sha256 = f.value("sha256", "");
    fr.bytes = f.value("bytes", std::uint64_t{0});
    fr.rows_read = f.value("rows_read", std::uint64_t{0});
    fr.rows_new = f.value("rows_new", std::uint64_t{0});
    fr.rows_updated = f.value("rows_updated", std::uint64_t{0});
    fr.rows_unchanged = f.value("rows_unchanged", std::uint64_t{0});
    fr.error_count = f.value("error_count", std::size_t{0});
    r.files.push_back(std::move(fr));
  }
  for (const auto& e : j.value("errors", json::array())) {
    engine::ingest::ImportError ie;
    ie.file = e.value("file", "");
    ie.line = e.value("line", 0u);
    ie.column = e.value("column", 0u);
    ie.location = e.value("location", "");
    ie.record = e.value("record", "");
    ie.field = e.value("field", "");
    ie.code = e.value("code", "");
    ie.message = e.value("message", "");
    r.errors.push_back(std::move(ie));
  }
  return r;
}

json to_json(const StagedBatch& b) {
  json files = json::array();
  for (const auto& f : b.files)
    files.push_back({{"name", f.name}, {"stored", f.stored}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  return {{"id", b.id},
          {"uploaded_by", b.uploaded_by},
          {"uploaded_at", b.uploaded_at},
          {"state", std::string(to_string(b.state))},
          {"files", std::move(files)},
          {"report", b.report ? to_json(*b.report) : json(nullptr)},
          {"batch", b.batch},
          {"committed_by", b.committed_by},
          {"committed_at", b.committed_at},
          {"discarded_by", b.discarded_by},
          {"discarded_at", b.discarded_at}};
}

StagedBatch batch_from_json(const json& j) {
  StagedBatch b;
  b.id = j.value("id", "");
  b.uploaded_by = j.value("uploaded_by", "");
  b.uploaded_at = j.value("uploaded_at", "");
  b.state = parse_state(j.value("state", "")).value_or(StagedState::rejected);
  for (const auto& f : j.value("files", json::array()))
    b.files.push_back({f.value("name", ""), f.value("stored", ""), f.value("bytes", std::uint64_t{0}), f.value("sha256", "")});
  if (j.contains("report") && j["report"].is_object()) b.report = report_from_json(j["report"]);
  b.batch = j.value("batch", std::int64_t{0});
  b.committed_by = j.value("committed_by", "");
  b.committed_at = j.value("committed_at", "");
  b.discarded_by = j.value("discarded_by", "");
  b.discarded_at = j.value("discarded_at", "");
  return b;
}

// Replaces every occurrence of `from` in `text` by `to`.
void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

std::string names_of(const StagedBatch& b) {
  std::string out;
  for (const auto& f : b.files) out += (out.empty() ? "" : ",") + f.name;
  return out;
}

void record_trail(const fs::path& db, std::string_view actor, std::string_view action, const std::string& object,
                  const std::string& detail) {
  try {
    Accounts::open(db)->record(actor, action, object, detail);
  } catch (const AccountError& ex) {
    throw StagingError(ex.what());
  }
}

}  // namespace

std::string_view to_string(StagedState s) { return kStateNames[static_cast<std::size_t>(s)]; }

std::string upload_name_problem(std::string_view name) {
  if (name.empty()) return "a file has no name";
  if (name.size() > 255) return "the file name is longer than 255 bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
      return "a file name may not hold '/', '\\' or a control character (it is a name, not a path)";
  if (name == "." || name == ".." || name.front() == '.') return "a file name may not start with '.'";
  const std::string ext = accepted_extension(name);
  if (ext.empty()) return "the file is not .csv, .xml, .json, .xlsx or .xls";
  if (ext == "csv") {
    const std::string_view stem = name.substr(0, name.size() - 4);
    const bool identifier = !stem.empty() && stem.size() <= 64 && std::all_of(stem.begin(), stem.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!identifier) return "a CSV file is named after its record type (<record>.csv: letters, digits, '_')";
  }
  return "";
}

fs::path ImportStaging::folder_for(const fs::path& db) { return db.parent_path() / (db.filename().string() + ".staging"); }

ImportStaging::ImportStaging(fs::path db) : db_(std::move(db)), folder_(folder_for(db_)) {}

StagedBatch ImportStaging::stage(const std::vector<UploadedFile>& files, std::string_view actor) {
  if (files.empty()) throw StagingError("the batch holds no file");
  if (files.size() > kMaxStagedFiles)
    throw StagingError(fmt::format("the batch holds {} files; at most {} are staged at once", files.size(), kMaxStagedFiles));
  for (const auto& f : files)
    if (auto p = upload_name_problem(f.name); !p.empty()) throw StagingError(fmt::format("'{}': {}", f.name, p));
  std::error_code ec;
  if (!fs::is_regular_file(db_, ec))
    throw StagingError(fmt::format("{}: no such store (make one with ecoaudit init)", db_.string()));
  StagedBatch b;
  b.uploaded_by = std::string(actor);
  b.uploaded_at = engine::store::utc_now();
  fs::path dir;
  {
    std::lock_guard lock(mu_);
    fs::create_directories(folder_, ec);
    if (ec) throw StagingError(fmt::format("{}: cannot make the staging folder: {}", folder_.string(), ec.message()));
    fs::permissions(folder_, fs::perms::owner_all, fs::perm_options::replace, ec);
    b.id = next_id(folder_);
    dir = folder_ / b.id;
    fs::create_directory(dir, ec);
    if (ec) throw StagingError(fmt::format("{}: cannot make the batch's folder: {}", dir.string(), ec.message()));
  }
  try {
    for (std::size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      const std::string ext = accepted_extension(f.name);
      // The stored name is made here: the stem of a CSV file (an identifier, checked above) says
      // its record type; any other format is named "upload".
      const std::string base = ext == "csv" ? f.name.substr(0, f.name.size() - 4) : "upload";
      const fs::path rel = fs::path("files") / std::to_string(i + 1) / (base + "." + ext);
      fs::create_directories((dir / rel).parent_path());
      std::ofstream out(dir / rel, std::ios::binary);
      out.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
      out.close();
      if (!out) throw StagingError(fmt::format("'{}': could not be written to the staging folder", f.name));
      b.files.push_back({f.name, rel.generic_string(), f.bytes.size(), ""});
    }
    save(b);
    record_trail(db_, actor, "import.stage", "staged_import:" + b.id, "files=" + names_of(b));
  } catch (...) {
    fs::remove_all(dir, ec);
    throw;
  }
  return b;
}

void ImportStaging::save(const StagedBatch& b) {
  const fs::path dir = folder_ / b.id;
  const fs::path tmp = dir / "manifest.json.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << to_json(b).dump(2) << '\n';
    out.close();
    if (!out) throw StagingError(fmt::format("{}: the staged batch's manifest could not be written", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, dir / "manifest.json", ec);  // whole or not at all
  if (ec) throw StagingError(fmt::format("{}: the staged batch's manifest could not be written: {}", dir.string(), ec.message()));
}

StagedBatch ImportStaging::load(const std::string& id) {
  if (!valid_id(id)) throw StagingError("no such staged batch");
  std::ifstream in(folder_ / id / "manifest.json", std::ios::binary);
  if (!in) throw StagingError(fmt::format("no staged batch {}", id));
  try {
    return batch_from_json(json::parse(in));
  } catch (const json::exception& ex) {
    throw StagingError(fmt::format("the manifest of staged batch {} is damaged: {}", id, ex.what()));
  }
}

std::optional<StagedBatch> ImportStaging::find(const std::string& id) {
  std::lock_guard lock(mu_);
  if (!valid_id(id)) return std::nullopt;
  std::error_code ec;
  if (!fs::is_regular_file(folder_ / id / "manifest.json", ec)) return std::nullopt;
  return load(id);
}

std::vector<StagedBatch> ImportStaging::list() {
  std::lock_guard lock(mu_);
  std::vector<StagedBatch> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string id = it->path().filename().string();
    if (!valid_id(id) || !fs::is_regular_file(it->path() / "manifest.json")) continue;
    try {
      out.push_back(load(id));
    } catch (const StagingError&) {
      // A damaged manifest hides its batch from the list; find() says what is wrong with it.
    }
  }
  std::sort(out.begin(), out.end(), [](const StagedBatch& a, const StagedBatch& b) {
    return std::stoll(a.id) > std::stoll(b.id);
  });
  return out;
}

ImportOutcome ImportStaging::validate(const std::string& id, const ImportRequest& request, std::stop_token stop) {
  return run(id, request, false, "", stop);
}

ImportOutcome ImportStaging::commit(const std::string& id, const ImportRequest& request, std::string_view actor,
                                    std::stop_token stop) {
  return run(id, request, true, actor, stop);
}

ImportOutcome ImportStaging::run(const std::string& id, const ImportRequest& request, bool commit,
                                 std::string_view actor, std::stop_token stop) {
  StagedBatch b;
  {
    std::lock_guard lock(mu_);
    b = load(id);
    if (busy_.count(id)) throw StagingError(fmt::format("staged batch {} is being validated or committed", id));
    // A commit validates as it imports: a batch not validated yet may be committed (all or
    // nothing); one whose validation found errors may not.
    const bool allowed = b.state == StagedState::staged || b.state == StagedState::valid ||
                         (!commit && b.state == StagedState::rejected);
    if (!allowed)
      throw StagingError(commit ? fmt::format("staged batch {} is {}: only a staged or valid batch is committed", id, to_string(b.state))
                                : fmt::format("staged batch {} is {}: nothing to validate", id, to_string(b.state)));
    busy_.insert(id);
  }
  struct Unbusy {
    ImportStaging& s;
    const std::string& id;
    ~Unbusy() {
      std::lock_guard lock(s.mu_);
      s.busy_.erase(id);
    }
  } unbusy{*this, id};

  const fs::path dir = folder_ / id;
  ImportRequest r = request;
  r.paths.clear();
  std::map<std::string, std::string> name_of;  // staged path -> name as uploaded
  for (const auto& f : b.files) {
    r.paths.push_back(dir / f.stored);
    name_of[(dir / f.stored).string()] = f.name;
  }
  r.dry_run = !commit;
  ImportOutcome out = run_import(r, {}, stop);

  // The report speaks of the files by the names people gave them.
  auto rename = [&](std::string& text) {
    for (const auto& [path, name] : name_of) replace_all(text, path, name);
  };
  for (auto& f : out.result.files) rename(f.path);
  for (auto& e : out.result.errors) {
    rename(e.file);
    rename(e.message);
  }
  rename(out.errors);
  if (out.status == RunStatus::cancelled) return out;  // the batch stays as it was

  StagedReport report;
  report.ok = out.status == RunStatus::done;
  report.checked_at = engine::store::utc_now();
  report.error_count = out.result.error_count;
  report.rows_read = out.result.rows_read;
  report.rows_new = out.result.rows_new;
  report.rows_updated = out.result.rows_updated;
  report.rows_unchanged = out.result.rows_unchanged;
  report.files = out.result.files;
  report.errors = out.result.errors;
  report.message = out.errors;

  std::lock_guard lock(mu_);
  b = load(id);
  b.report = report;
  for (std::size_t i = 0; i < b.files.size() && i < out.result.files.size(); ++i)
    b.files[i].sha256 = out.result.files[i].sha256;
  if (out.status == RunStatus::done) {
    b.state = commit ? StagedState::committed : StagedState::valid;
  } else if (out.status == RunStatus::rejected) {
    b.state = StagedState::rejected;
  }  // a ruleset, store or request failure is not the data's: the state stays, the report says why
  if (commit && out.status == RunStatus::done) {
    b.batch = out.result.batch;
    b.committed_by = std::string(actor);
    b.committed_at = report.checked_at;
    save(b);
    std::error_code ec;
    fs::remove_all(dir / "files", ec);  // in the store now (or changing nothing); the manifest stays
    record_trail(db_, actor, "import.commit", b.batch ? fmt::format("batch:{}", b.batch) : "staged_import:" + id,
                 fmt::format("staged={} uploaded_by={} files={} rows_new={} rows_updated={}", id, b.uploaded_by,
                             names_of(b), out.result.rows_new, out.result.rows_updated));
  } else {
    save(b);
  }
  return out;
}

void ImportStaging::discard(const std::string& id, std::string_view actor) {
  {
    std::lock_guard lock(mu_);
    StagedBatch b = load(id);
    if (busy_.count(id)) throw StagingError(fmt::format("staged batch {} is being validated or committed", id));
    if (b.state == StagedState::committed || b.state == StagedState::discarded)
      throw StagingError(fmt::format("staged batch {} is already {}", id, to_string(b.state)));
    b.state = StagedState::discarded;
    b.discarded_by = std::string(actor);
    b.discarded_at = engine::store::utc_now();
    save(b);
    std::error_code ec;
    fs::remove_all(folder_ / id / "files", ec);
  }
  record_trail(db_, actor, "import.discard", "staged_import:" + id, "");
}

}  // namespace eco::app
