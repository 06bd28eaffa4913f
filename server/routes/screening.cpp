#include "server/routes/screening.hpp"

#include "app/screening_desk.hpp"
#include "app/screening_form.hpp"
#include "engine/ingest/import.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

// The form's values travel in page forms as "field:NAME" (so that they never meet the page's
// own fields: _csrf, as_of, note, ...).
constexpr std::string_view kFieldPrefix = "field:";

dsl::Date as_of(std::optional<std::string> text) {
  if (!text || text->empty()) return dsl::today();
  auto d = dsl::parse_date(*text);
  if (!d) throw HttpError(400, "bad_request", "as_of is not a date (YYYY-MM-DD): " + *text);
  return *d;
}

app::ScreeningRequest base_request(Context& ctx) {
  app::ScreeningRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.lang = ctx.lang();
  return r;
}

std::string value_text(const nlohmann::json& v, const std::string& name) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_number() || v.is_boolean()) return v.dump();
  throw HttpError(400, "bad_request", "form." + name + " is not a value (a string, a number or a boolean)");
}

// An API request's application: JSON {"form": {...}} or {"documents": [{"name", "content" |
// "content_base64"}]}, or multipart files.
void read_api_application(Context& ctx, app::ScreeningRequest& r, nlohmann::json& body) {
  for (const auto& f : ctx.req.files)
    if (!f.filename.empty()) r.documents.push_back({f.filename, f.content});
  if (!r.documents.empty()) {
    r.record_type = ctx.req.query_value("record").value_or("");
    if (auto a = ctx.req.query_value("as_of")) r.as_of = as_of(a);
    else r.as_of = dsl::today();
    if (auto n = ctx.req.query_value("note")) r.note = *n;
    for (const auto& f : ctx.req.files)
      if (f.filename.empty() && f.field == "note") r.note = f.content;
    return;
  }
  body = ctx.req.json_body();
  if (body.contains("record")) {
    if (!body["record"].is_string()) throw HttpError(400, "bad_request", "record is not a record type's name");
    r.record_type = body["record"].get<std::string>();
  }
  r.as_of = as_of(body.contains("as_of") && body["as_of"].is_string() ? std::optional(body["as_of"].get<std::string>())
                                                                        : std::nullopt);
  if (body.contains("note")) {
    if (!body["note"].is_string()) throw HttpError(400, "bad_request", "note is not a string");
    r.note = body["note"].get<std::string>();
  }
  if (body.contains("form")) {
    if (!body["form"].is_object()) throw HttpError(400, "bad_request", "form is not an object of field values");
    std::map<std::string, std::string> values;
    for (const auto& [k, v] : body["form"].items()) values[k] = value_text(v, k);
    r.form = std::move(values);
  }
  if (body.contains("documents")) {
    if (!body["documents"].is_array()) throw HttpError(400, "bad_request", "documents is not a list");
    for (const auto& d : body["documents"]) {
      if (!d.is_object() || !d.contains("name") || !d["name"].is_string())
        throw HttpError(400, "bad_request", "each document is {\"name\", \"content\" or \"content_base64\"}");
      app::ScreeningDocument doc{d["name"].get<std::string>(), ""};
      if (d.contains("content") && d["content"].is_string()) {
        doc.content = d["content"].get<std::string>();
      } else if (d.contains("content_base64") && d["content_base64"].is_string()) {
        auto bytes = app::from_base64(d["content_base64"].get<std::string>());
        if (!bytes) throw HttpError(400, "bad_request", doc.name + ": content_base64 is not base64");
        doc.content = std::move(*bytes);
      } else {
        throw HttpError(400, "bad_request", doc.name + ": give content or content_base64");
      }
      r.documents.push_back(std::move(doc));
    }
  }
}

// A page form's fields: the urlencoded form (in the request's query), or the same fields as a
// flat JSON object of strings (a script's post).
std::multimap<std::string, std::string> page_fields(const Request& req) {
  if (req.header("Content-Type").starts_with("application/json")) {
    std::multimap<std::string, std::string> out;
    const auto body = req.json_body();  // kept: items() refers into it
    for (const auto& [k, v] : body.items()) {
      if (!v.is_string()) throw HttpError(400, "bad_request", k + " is not a string");
      out.emplace(k, v.get<std::string>());
    }
    return out;
  }
  return req.query;
}

std::string field(const std::multimap<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? "" : it->second;
}

// A page form's application: the uploaded document (document_base64 from the file the page's
// script read, or document_text pasted) or the form's fields (field:NAME).
void read_page_application(Context& ctx, app::ScreeningRequest& r) {
  const auto fields = page_fields(ctx.req);
  r.as_of = as_of(field(fields, "as_of"));
  r.note = field(fields, "note");
  r.record_type = field(fields, "record");
  if (field(fields, "mode") == "form") {
    std::map<std::string, std::string> values;
    for (const auto& [k, v] : fields)
      if (k.starts_with(kFieldPrefix)) values[k.substr(kFieldPrefix.size())] = v;
    r.form = std::move(values);
    return;
  }
  const std::string name = field(fields, "document_name");
  if (auto b = field(fields, "document_base64"); !b.empty()) {
    auto bytes = app::from_base64(b);
    if (!bytes) throw HttpError(400, "bad_request", "the uploaded document did not arrive whole: choose it again");
    r.documents.push_back({name.empty() ? "upload" : name, std::move(*bytes)});
  } else if (auto t = field(fields, "document_text"); !t.empty()) {
    r.documents.push_back({name.empty() ? "pasted" : name, t});
  }
}

nlohmann::json import_errors(const engine::ingest::ImportResult& result) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : result.errors)
    out.push_back({{"file", e.file},
                   {"line", e.line},
                   {"column", e.column},
                   {"location", e.location},
                   {"record", e.record},
                   {"field", e.field},
                   {"code", e.code},
                   {"message", e.message}});
  return out;
}

// A run's failure as the API says it: 422 with the data's errors, else an HttpError.
bool answered_failure(Context& ctx, const app::ScreeningOutcome& out) {
  using app::RunStatus;
  switch (out.status) {
    case RunStatus::done: return false;
    case RunStatus::rejected:
      ctx.res.json({{"code", "rejected"},
                    {"message", "the application's data has errors: nothing was screened or stored"},
                    {"errors", import_errors(out.screen.import)}},
                   422);
      return true;
    case RunStatus::bad_request: throw HttpError(400, "bad_request", out.errors);
    case RunStatus::cancelled: throw HttpError(503, "cancelled", out.errors);
    default: throw HttpError(500, "screening_failed", out.errors);
  }
}

nlohmann::json outcome_json(const app::ScreeningOutcome& out) {
  const auto report = nlohmann::json::parse(out.report_json, nullptr, false);
  nlohmann::json recorded = nlohmann::json::array();
  for (const auto& d : out.recorded) recorded.push_back(app::to_json(d));
  return {{"decisions", report.is_object() ? report.value("decisions", nlohmann::json::array()) : nlohmann::json::array()},
          {"findings", report.is_object() ? report.value("findings", nlohmann::json::array()) : nlohmann::json::array()},
          {"recorded", recorded}};
}

void form_api(Context& ctx) {
  const std::string record = ctx.req.query_value("record").value_or("");
  auto form = app::screening_form(ctx.services.ruleset().schema, record);
  if (!form && !record.empty()) throw HttpError(404, "not_found", "no record type '" + record + "' in the schema");
  // A ruleset without a screened record has no form (its applications are screened by naming
  // a record type, as `ecoaudit screen --record-type`): an empty one says so.
  ctx.res.json(form ? app::to_json(*form)
                    : nlohmann::json{{"record", ""}, {"title", ""}, {"fields", nlohmann::json::array()}});
}

void screen_api(Context& ctx) {
  auto r = base_request(ctx);
  nlohmann::json body;
  read_api_application(ctx, r, body);
  const auto out = app::screen_application(r);
  if (answered_failure(ctx, out)) return;
  ctx.res.json(outcome_json(out));
}

void record_api(Context& ctx) {
  auto r = base_request(ctx);
  nlohmann::json body;
  read_api_application(ctx, r, body);
  r.record = true;
  r.officer = ctx.actor();
  const auto out = app::screen_application(r);
  if (answered_failure(ctx, out)) return;
  ctx.res.json(outcome_json(out), 201);
}

void decisions_api(Context& ctx) {
  nlohmann::json out = nlohmann::json::array();
  try {
    for (const auto& d : app::recorded_decisions(ctx.services.db_path(), ctx.req.query_value("application").value_or("")))
      out.push_back(app::to_json(d));
  } catch (const std::exception& e) {
    throw HttpError(500, "store_error", e.what());
  }
  ctx.res.json(out);
}

// ---- pages

nlohmann::json form_fields(const app::FormDescription& form, const std::string& lang,
                           const std::map<std::string, std::string>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : form.fields) {
    const auto it = values.find(f.name);
    const std::string value = it == values.end() ? "" : it->second;
    nlohmann::json options = nlohmann::json::array();
    for (const auto& o : f.options)
      options.push_back({{"value", o.value}, {"label", lang == "en" ? o.label_en : o.label_zh}, {"selected", o.value == value}});
    const std::string label = lang == "en" ? f.label_en : f.label_zh;
    out.push_back({{"name", std::string(kFieldPrefix) + f.name},
                   {"label", label},
                   // Shown under the input when it says more than the label (in English, the
                   // Chinese description: the ruleset has no English one).
                   {"description", f.description == label ? "" : f.description},
                   {"verify", f.verify},
                   {"required", f.required},
                   {"value", value},
                   {"is_enum", f.type == "enum"},
                   {"is_boolean", f.type == "boolean"},
                   {"is_true", value == "true"},
                   {"is_false", value == "false"},
                   {"input_type", f.type == "date" ? "date" : (f.type == "number" || f.type == "integer") ? "number" : "text"},
                   {"step", f.type == "number" ? "any" : "1"},
                   {"options", options}});
  }
  return out;
}

nlohmann::json recent_decisions(Context& ctx, const std::string& application, std::size_t limit) {
  nlohmann::json rows = nlohmann::json::array();
  const auto t = labels(ctx.lang());
  auto all = app::recorded_decisions(ctx.services.db_path(), application);
  const std::size_t from = all.size() > limit ? all.size() - limit : 0;
  for (std::size_t i = all.size(); i-- > from;) {
    auto j = app::to_json(all[i]);
    j["decision_label"] = t.value("screening.decision." + all[i].decision, all[i].decision);
    rows.push_back(std::move(j));
  }
  return rows;
}

void screening_page(Context& ctx) {
  auto form = app::screening_form(ctx.services.ruleset().schema);
  nlohmann::json data = {{"may_run", ctx.may(app::Action::run, app::Resource::screening)},
                         {"today", dsl::format_date(dsl::today())},
                         {"has_form", form.has_value()},
                         {"decisions", recent_decisions(ctx, "", 20)}};
  if (form) {
    data["form_title"] = form->title;
    data["fields"] = form_fields(*form, ctx.lang(), {});
  }
  ctx.res.html(render_page(ctx, "screening", "screening.title", std::move(data)));
}

nlohmann::json finding_items(const std::vector<engine::Finding>& findings, const std::vector<std::size_t>& idx,
                             const std::string& lang) {
  nlohmann::json out = nlohmann::json::array();
  for (auto i : idx) {
    const auto& f = findings.at(i);
    std::string cite;
    for (const auto& c : f.citations) cite += (cite.empty() ? "" : "; ") + c.section + " " + c.quote;
    out.push_back({{"rule", f.rule},
                   {"title", lang == "en" ? f.title_en : f.title_zh},
                   {"message", lang == "en" ? f.message_en : f.message_zh},
                   {"severity", std::string(dsl::model::to_string(f.severity))},
                   {"citation", cite}});
  }
  return out;
}

// The hidden inputs that carry the screened application to the record form.
nlohmann::json carried(const app::ScreeningRequest& r) {
  nlohmann::json out = nlohmann::json::array();
  if (r.form) {
    out.push_back({{"name", "mode"}, {"value", "form"}});
    for (const auto& [k, v] : *r.form) out.push_back({{"name", std::string(kFieldPrefix) + k}, {"value", v}});
  } else if (!r.documents.empty()) {
    out.push_back({{"name", "document_name"}, {"value", r.documents[0].name}});
    out.push_back({{"name", "document_base64"}, {"value", app::to_base64(r.documents[0].content)}});
  }
  out.push_back({{"name", "as_of"}, {"value", dsl::format_date(r.as_of)}});
  if (!r.record_type.empty()) out.push_back({{"name", "record"}, {"value", r.record_type}});
  return out;
}

void screen_page(Context& ctx) {
  auto r = base_request(ctx);
  read_page_application(ctx, r);
  const auto out = app::screen_application(r);
  const auto t = labels(ctx.lang());
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : out.screen.decisions) {
    nlohmann::json documents = nlohmann::json::array();
    for (const auto& doc : d.documents) {
      std::string rules;
      for (const auto& rule : doc.rules) rules += (rules.empty() ? "" : ", ") + rule;
      documents.push_back({{"field", doc.field}, {"description", doc.description}, {"rules", rules}});
    }
    const std::string decision = engine::to_string(d.decision);
    decisions.push_back({{"application", d.application_id},
                         {"project_name", d.project_name},
                         {"decision", decision},
                         {"decision_label", t.value("screening.decision." + decision, decision)},
                         {"reasons", finding_items(out.screen.findings, d.reasons, ctx.lang())},
                         {"conditions", finding_items(out.screen.findings, d.conditions, ctx.lang())},
                         {"unknowns", finding_items(out.screen.findings, d.unknowns, ctx.lang())},
                         {"documents", documents},
                         {"has_reasons", !d.reasons.empty()},
                         {"has_conditions", !d.conditions.empty()},
                         {"has_unknowns", !d.unknowns.empty()},
                         {"has_documents", !d.documents.empty()}});
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : out.screen.import.errors) errors.push_back({{"text", engine::ingest::render(e)}});
  if (out.status != app::RunStatus::done && out.status != app::RunStatus::rejected)
    for (const auto& line : out.form_errors) errors.push_back({{"text", line.message}});
  if (out.status != app::RunStatus::done && out.status != app::RunStatus::rejected && out.form_errors.empty())
    errors.push_back({{"text", out.errors}});
  const bool done = out.status == app::RunStatus::done;
  ctx.res.html(render_page(ctx, "screening_result", "screening.result_title",
                           {{"decisions", decisions},
                            {"errors", errors},
                            {"has_errors", !errors.empty()},
                            {"done", done},
                            {"as_of", dsl::format_date(r.as_of)},
                            {"may_record", done && ctx.may(app::Action::edit, app::Resource::screening)},
                            {"carried", carried(r)}}),
               done ? 200 : 422);
}

void record_page(Context& ctx) {
  auto r = base_request(ctx);
  read_page_application(ctx, r);
  r.record = true;
  r.officer = ctx.actor();
  const auto out = app::screen_application(r);
  if (out.status == app::RunStatus::rejected || out.status == app::RunStatus::bad_request) {
    std::string message = out.errors;
    for (const auto& e : out.screen.import.errors) message += (message.empty() ? "" : "\n") + engine::ingest::render(e);
    throw HttpError(out.status == app::RunStatus::rejected ? 422 : 400, "rejected", message);
  }
  if (out.status != app::RunStatus::done) throw HttpError(500, "screening_failed", out.errors);
  ctx.res.redirect(out.recorded.size() == 1 ? "/screening/decisions?application=" + out.recorded[0].application
                                            : "/screening/decisions");
}

void decisions_page(Context& ctx) {
  const std::string application = ctx.req.query_value("application").value_or("");
  ctx.res.html(render_page(ctx, "screening_decisions", "screening.decisions_title",
                           {{"application", application}, {"decisions", recent_decisions(ctx, application, 500)}}));
}

const nlohmann::json kStr = {{"type", "string"}};
const nlohmann::json kApplicationSchema = {
    {"type", "object"},
    {"properties",
     {{"as_of", kStr},
      {"note", kStr},
      {"form", {{"type", "object"}}},
      {"documents",
       {{"type", "array"},
        {"items",
         {{"type", "object"},
          {"required", {"name"}},
          {"properties", {{"name", kStr}, {"content", kStr}, {"content_base64", kStr}}}}}}}}}};
const nlohmann::json kOutcomeSchema = {
    {"type", "object"},
    {"required", {"decisions", "findings", "recorded"}},
    {"properties",
     {{"decisions", {{"type", "array"}}}, {"findings", {{"type", "array"}}}, {"recorded", {{"type", "array"}}}}}};
const nlohmann::json kDecisionSchema = {
    {"type", "object"},
    {"required", {"id", "at", "officer", "application", "decision", "batch", "detail"}},
    {"properties",
     {{"id", {{"type", "integer"}}},
      {"at", kStr},
      {"officer", kStr},
      {"application", kStr},
      {"decision", {{"enum", {"approve", "conditional", "reject"}}}},
      {"batch", {{"type", "integer"}}},
      {"detail", {{"type", "object"}}}}}};

// The security test's sample calls run against the server tests' fixture (tests/sweep/fixture),
// which declares no screened record: they screen a new facility by naming its record type (as
// `ecoaudit screen --record-type facility`).
constexpr const char* kExample =
    R"({"as_of":"2024-12-31","record":"facility","documents":[{"name":"matrix.json","content":)"
    R"("{\"facility\": [{\"id\": \"F-MATRIX\", \"enterprise_id\": \"91140700MA0TWP0017\", \"retrofit_done\": true}]}"}]})";
constexpr const char* kPageExample =
    R"({"as_of":"2024-12-31","record":"facility","mode":"form","field:id":"F-MATRIX-PAGE",)"
    R"("field:enterprise_id":"91140700MA0TWP0017","field:retrofit_done":"true"})";

}  // namespace

void register_screening(Router& router) {
  using app::Action;
  using app::Resource;
  router.add({.method = "GET", .path = "/api/screening/form", .resource = Resource::screening, .action = Action::view,
              .summary = "The form generated from the schema's screened record (fields, labels, types, enum values)",
              .flags = kApi, .handler = form_api, .response_schema = {{"type", "object"}}});
  router.add({.method = "POST", .path = "/api/screenings", .resource = Resource::screening, .action = Action::run,
              .summary = "Screen an application (documents or form values): decisions, reasons, documents to request; "
                         "stores nothing",
              .flags = kApi | kUpload, .handler = screen_api, .request_schema = kApplicationSchema,
              .response_schema = kOutcomeSchema,
              .example_body = kExample});
  router.add({.method = "POST", .path = "/api/screenings/record", .resource = Resource::screening,
              .action = Action::edit,
              .summary = "Screen an application and record its decision under the signed-in officer's name",
              .flags = kApi | kUpload, .handler = record_api, .request_schema = kApplicationSchema,
              .response_schema = kOutcomeSchema, .success_status = 201, .example_body = kExample});
  router.add({.method = "GET", .path = "/api/screenings/decisions", .resource = Resource::screening,
              .action = Action::view, .summary = "Recorded screening decisions, oldest first (?application=KEY)",
              .flags = kApi, .handler = decisions_api,
              .response_schema = {{"type", "array"}, {"items", kDecisionSchema}}});
  router.add({.method = "GET", .path = "/screening", .resource = Resource::screening, .action = Action::view,
              .summary = "The screening page: upload an application or fill in the form", .flags = kPage,
              .handler = screening_page, .nav = "nav.screening"});
  router.add({.method = "POST", .path = "/screening", .resource = Resource::screening, .action = Action::run,
              .summary = "The screening's decision page (stores nothing)", .flags = kPage | kUpload,
              .handler = screen_page, .example_body = kPageExample});
  router.add({.method = "POST", .path = "/screening/record", .resource = Resource::screening, .action = Action::edit,
              .summary = "Record the screened application's decision, then its decisions page", .flags = kPage | kUpload,
              .handler = record_page, .example_body = kPageExample});
  router.add({.method = "GET", .path = "/screening/decisions", .resource = Resource::screening, .action = Action::view,
              .summary = "The recorded screening decisions (?application=KEY)", .flags = kPage, .handler = decisions_page});
}

}  // namespace eco::server
