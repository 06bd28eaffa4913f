// The imports area (registered by register_jobs, server/routes/jobs.cpp): an uploaded batch is
// staged beside the store and validated as a background job (the import run dry: the
// importer's messages by file as uploaded, line, column and field); an administrator commits it
// (a job: the import itself, all or nothing) or discards it. Nothing reaches the store before
// the commit. app/staged_imports.hpp keeps the files and their provenance.
#include <fmt/format.h>

#include "engine/store/store.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"
#include "server/routes/job_area.hpp"

namespace eco::server {
namespace {

using app::Action;
using app::Resource;
using Area = std::shared_ptr<JobArea>;

nlohmann::json error_json(const engine::ingest::ImportError& e) {
  return {{"file", e.file},     {"line", e.line},   {"column", e.column}, {"location", e.location},
          {"record", e.record}, {"field", e.field}, {"code", e.code},     {"message", e.message},
          {"text", engine::ingest::render(e)}};
}

nlohmann::json staged_json(const app::StagedBatch& b) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : b.files) files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  nlohmann::json report = nullptr;
  if (b.report) {
    nlohmann::json rfiles = nlohmann::json::array(), errors = nlohmann::json::array();
    for (const auto& f : b.report->files)
      rfiles.push_back({{"name", f.path},
                        {"format", f.format},
                        {"encoding", f.encoding},
                        {"rows_read", f.rows_read},
                        {"rows_new", f.rows_new},
                        {"rows_updated", f.rows_updated},
                        {"rows_unchanged", f.rows_unchanged},
                        {"error_count", f.error_count}});
    for (const auto& e : b.report->errors) errors.push_back(error_json(e));
    report = {{"ok", b.report->ok},
              {"checked_at", b.report->checked_at},
              {"error_count", b.report->error_count},
              {"rows_read", b.report->rows_read},
              {"rows_new", b.report->rows_new},
              {"rows_updated", b.report->rows_updated},
              {"rows_unchanged", b.report->rows_unchanged},
              {"files", rfiles},
              {"errors", errors},
              {"message", b.report->message}};
  }
  return {{"id", b.id},
          {"state", std::string(app::to_string(b.state))},
          {"uploaded_by", b.uploaded_by},
          {"uploaded_at", b.uploaded_at},
          {"files", files},
          {"report", report},
          {"batch", b.batch == 0 ? nlohmann::json(nullptr) : nlohmann::json(b.batch)},
          {"committed_by", b.committed_by},
          {"committed_at", b.committed_at},
          {"discarded_by", b.discarded_by},
          {"discarded_at", b.discarded_at}};
}

const nlohmann::json& staged_schema() {
  static const nlohmann::json schema = {
      {"type", "object"},
      {"required", {"id", "state", "uploaded_by", "uploaded_at", "files", "report"}},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"state", {{"type", "string"}, {"enum", {"staged", "valid", "rejected", "committed", "discarded"}}}},
        {"uploaded_by", {{"type", "string"}}},
        {"uploaded_at", {{"type", "string"}}},
        {"files", {{"type", "array"}}},
        {"report", {{"type", {"object", "null"}}}}}}};
  return schema;
}

app::StagedBatch staged(JobArea& area, const Context& ctx) {
  auto b = area.staging().find(ctx.req.param("id"));
  if (!b) throw HttpError(404, "not_found", "no such staged import");
  return *b;
}

// The work of a validation job: the import run dry over the staged files.
app::JobWork validate_work(const Area& area, std::string id) {
  return [area, id](app::JobContext& ctx) -> app::JobOutcome {
    ctx.progress("validating", 0, 1);
    const auto out = area->staging().validate(id, area->import_request(), ctx.stop_token());
    ctx.progress("validating", 1, 1);
    if (out.status == app::RunStatus::cancelled) return {app::JobState::cancelled, "", out.errors};
    if (out.status != app::RunStatus::done && out.status != app::RunStatus::rejected)
      return {app::JobState::failed, "", out.errors};
    const nlohmann::json summary = {{"import", id},
                                    {"valid", out.status == app::RunStatus::done},
                                    {"error_count", out.result.error_count},
                                    {"rows_new", out.result.rows_new},
                                    {"rows_updated", out.result.rows_updated}};
    return {app::JobState::done, summary.dump(), ""};
  };
}

app::JobWork commit_work(const Area& area, std::string id, std::string actor) {
  return [area, id, actor](app::JobContext& ctx) -> app::JobOutcome {
    ctx.progress("importing", 0, 1);
    const auto out = area->staging().commit(id, area->import_request(), actor, ctx.stop_token());
    ctx.progress("importing", 1, 1);
    if (out.status == app::RunStatus::cancelled) return {app::JobState::cancelled, "", out.errors};
    if (out.status == app::RunStatus::rejected)
      return {app::JobState::failed, "",
              fmt::format("the batch was refused: {} error(s) in its data (the import's report lists them); nothing was "
                          "written",
                          out.result.error_count)};
    if (out.status != app::RunStatus::done) return {app::JobState::failed, "", out.errors};
    const nlohmann::json summary = {{"import", id},
                                    {"batch", out.result.batch},
                                    {"rows_new", out.result.rows_new},
                                    {"rows_updated", out.result.rows_updated},
                                    {"rows_unchanged", out.result.rows_unchanged}};
    return {app::JobState::done, summary.dump(), ""};
  };
}

bool wants_wait(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("wait")) return false;
  if (!body["wait"].is_boolean()) throw HttpError(400, "bad_request", "wait is true or false");
  return body["wait"].get<bool>();
}

// The uploaded files: multipart/form-data file parts (the page), or a JSON body
// {"files": [{"name", "content"}], "wait"?} (API clients; content as UTF-8 text).
std::vector<app::UploadedFile> uploaded(const Context& ctx, bool& wait) {
  std::vector<app::UploadedFile> out;
  if (!ctx.req.files.empty()) {
    for (const auto& f : ctx.req.files) out.push_back({f.filename, f.content});
    wait = false;
    return out;
  }
  const auto body = ctx.req.json_body();
  wait = wants_wait(body);
  if (!body.contains("files") || !body["files"].is_array())
    throw HttpError(400, "bad_request", "give the files as multipart/form-data, or as JSON {\"files\": [{\"name\", \"content\"}]}");
  for (const auto& f : body["files"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("content") || !f["content"].is_string())
      throw HttpError(400, "bad_request", "each file is {\"name\": string, \"content\": string}");
    out.push_back({f["name"].get<std::string>(), f["content"].get<std::string>()});
  }
  return out;
}

void upload(Context& ctx, JobArea& area, const Area& shared) {
  bool wait = false;
  const auto files = uploaded(ctx, wait);
  app::StagedBatch b;
  try {
    b = area.staging().stage(files, ctx.actor());
  } catch (const app::StagingError& ex) {
    throw HttpError(400, "bad_request", ex.what());
  }
  const nlohmann::json asked = {{"import", b.id}};
  const auto id = area.queue().submit("import.validate", ctx.actor(), asked.dump(), validate_work(shared, b.id));
  const auto job = settle(area, id, wait);
  ctx.res.json({{"import", staged_json(*area.staging().find(b.id))}, {"job", job_json(job)}}, 202);
}

void commit(Context& ctx, JobArea& area, const Area& shared) {
  const auto b = staged(area, ctx);
  if (b.state != app::StagedState::staged && b.state != app::StagedState::valid)
    throw HttpError(409, "conflict", "the staged import is " + std::string(app::to_string(b.state)) +
                                         ": only a staged or valid one is committed");
  const bool wait = wants_wait(ctx.req.body.empty() ? nlohmann::json::object() : ctx.req.json_body());
  const nlohmann::json asked = {{"import", b.id}};
  // Queued after its validation (one writer, in order): the commit then meets the batch validated.
  const auto id = area.queue().submit("import.commit", ctx.actor(), asked.dump(), commit_work(shared, b.id, ctx.actor()));
  const auto job = settle(area, id, wait);
  ctx.res.json({{"import", staged_json(*area.staging().find(b.id))}, {"job", job_json(job)}}, 202);
}

void discard(Context& ctx, JobArea& area) {
  const auto b = staged(area, ctx);
  try {
    area.staging().discard(b.id, ctx.actor());
  } catch (const app::StagingError& ex) {
    throw HttpError(409, "conflict", ex.what());
  }
  ctx.res.json(staged_json(*area.staging().find(b.id)));
}

nlohmann::json batches_json(const Context& ctx) {
  nlohmann::json out = nlohmann::json::array();
  std::vector<engine::store::BatchInfo> batches;
  try {
    batches = engine::store::Store::list_batches(ctx.services.db_path());
  } catch (const engine::store::StoreError& ex) {
    throw HttpError(500, "store_error", ex.what());
  }
  for (auto it = batches.rbegin(); it != batches.rend(); ++it) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : it->files)
      files.push_back({{"path", f.path}, {"format", f.format}, {"sha256", f.sha256}, {"rows_read", f.rows_read}});
    out.push_back({{"id", it->id},
                   {"started_at", it->started_at},
                   {"finished_at", it->finished_at},
                   {"ruleset", it->ruleset},
                   {"rows_read", it->rows_read},
                   {"rows_new", it->rows_new},
                   {"rows_updated", it->rows_updated},
                   {"files", files}});
  }
  return out;
}

void list_imports(Context& ctx, JobArea& area) {
  nlohmann::json staged = nlohmann::json::array();
  for (const auto& b : area.staging().list()) staged.push_back(staged_json(b));
  ctx.res.json({{"staged", staged}, {"batches", batches_json(ctx)}});
}

void imports_page(Context& ctx, JobArea& area) {
  const auto& t = labels(ctx.lang());
  nlohmann::json staged = nlohmann::json::array();
  for (const auto& b : area.staging().list()) {
    auto v = staged_json(b);
    v["state_label"] = t.value("imports.state." + std::string(app::to_string(b.state)), std::string(app::to_string(b.state)));
    v["pending"] = b.state == app::StagedState::staged;
    v["may_commit"] = b.state == app::StagedState::staged || b.state == app::StagedState::valid;
    v["may_discard"] = b.state != app::StagedState::committed && b.state != app::StagedState::discarded;
    std::string names;
    for (const auto& f : b.files) names += (names.empty() ? "" : ", ") + f.name;
    v["names"] = names;
    v["has_errors"] = b.report && !b.report->errors.empty();
    staged.push_back(std::move(v));
  }
  ctx.res.html(render_page(ctx, "imports", "imports.title",
                           {{"staged", staged},
                            {"has_staged", !staged.empty()},
                            {"batches", batches_json(ctx)},
                            {"may_upload", ctx.may(Action::run, Resource::import_batch)},
                            {"may_edit", ctx.may(Action::edit, Resource::import_batch)}}));
}

}  // namespace

void register_imports(Router& router, const Area& area) {
  const nlohmann::json reply = {{"type", "object"},
                                {"required", {"import", "job"}},
                                {"properties", {{"import", staged_schema()}, {"job", job_schema()}}}};
  // In this order on purpose (the security test's examples follow it): the upload makes staged
  // import 1, which the next examples read, commit, then fail to discard (409: committed).
  router.add({.method = "POST", .path = "/api/imports", .resource = Resource::import_batch, .action = Action::run,
              .summary = "Upload a batch (multipart files, or JSON {\"files\":[{\"name\",\"content\"}]}): staged, "
                         "validated as a job; 202",
              .flags = kApi | kUpload,
              .handler = [area](Context& ctx) { upload(ctx, *area, area); },
              .request_schema = {{"type", "object"},
                                 {"properties", {{"files", {{"type", "array"}}}, {"wait", {{"type", "boolean"}}}}}},
              .response_schema = reply, .success_status = 202,
              .example_body = R"({"files":[{"name":"enterprise.csv","content":"id,name,industry,insured\n91140700MA0TWP003D,新企业,coking,true\n"}],"wait":true})"});
  router.add({.method = "GET", .path = "/api/imports", .resource = Resource::import_batch, .action = Action::view,
              .summary = "Staged imports (newest first) and the store's batches, with their provenance",
              .flags = kApi, .handler = [area](Context& ctx) { list_imports(ctx, *area); },
              .response_schema = {{"type", "object"}, {"required", {"staged", "batches"}}}});
  router.add({.method = "GET", .path = "/api/imports/{id}", .resource = Resource::import_batch,
              .action = Action::view, .summary = "A staged import with its validation report", .flags = kApi,
              .handler = [area](Context& ctx) { ctx.res.json(staged_json(staged(*area, ctx))); },
              .response_schema = staged_schema(), .example_params = {{"id", "1"}}});
  router.add({.method = "POST", .path = "/api/imports/{id}/commit", .resource = Resource::import_batch,
              .action = Action::run, .summary = "Commit a staged import as a job (the import: all or nothing); 202",
              .flags = kApi, .handler = [area](Context& ctx) { commit(ctx, *area, area); },
              .response_schema = reply, .success_status = 202, .example_params = {{"id", "1"}},
              .example_body = R"({"wait":true})", .error_statuses = {409}});
  router.add({.method = "POST", .path = "/api/imports/{id}/discard", .resource = Resource::import_batch,
              .action = Action::edit, .summary = "Discard a staged import (its files are removed)", .flags = kApi,
              .handler = [area](Context& ctx) { discard(ctx, *area); }, .response_schema = staged_schema(),
              .example_params = {{"id", "1"}}, .example_status = 409, .error_statuses = {409}});
  router.add({.method = "GET", .path = "/imports", .resource = Resource::import_batch, .action = Action::view,
              .summary = "The imports page: upload, validation report, commit or discard, batches", .flags = kPage,
              .handler = [area](Context& ctx) { imports_page(ctx, *area); }, .nav = "nav.imports"});
}

}  // namespace eco::server
