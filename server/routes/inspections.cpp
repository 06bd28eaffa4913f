#include "server/routes/inspections.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <set>

#include "app/inspections.hpp"
#include "dsl/common/date.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

namespace en = engine::enforcement;

std::int64_t whole_id(const std::string& text, const std::string& what) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    throw HttpError(404, "not_found", "no " + what + " " + text);
  return id;
}

std::optional<std::set<std::string>> limit_of(const Context& ctx) {
  if (!ctx.limit_to()) return std::nullopt;
  return std::set<std::string>(ctx.limit_to()->begin(), ctx.limit_to()->end());
}

// A run's failure: 404 for what is outside the user's jurisdictions (named as if absent) or
// not there, 400 for the rest of a bad request, 500 otherwise.
[[noreturn]] void refuse(const app::RunResult& r, bool out_of_scope) {
  if (out_of_scope) throw HttpError(404, "not_found", r.errors);
  if (r.status == app::RunStatus::bad_request) {
    if (r.errors.find(" has no inspection") != std::string::npos) throw HttpError(404, "not_found", r.errors);
    throw HttpError(400, "bad_request", r.errors);
  }
  throw HttpError(500, "internal", r.errors);
}

// The account's own: the team names the roster id the account stands for (its link, or its name
// when it has none and the roster has that id: app::InspectionShowOutcome::viewer_roster_id).
bool mine(const en::Inspection& in, const std::string& roster_id) {
  return !roster_id.empty() && std::find(in.inspectors.begin(), in.inspectors.end(), roster_id) != in.inspectors.end();
}

// The request's account, for show_inspections to resolve the roster id it stands for.
app::InspectionShowRequest for_viewer(const Context& ctx, app::InspectionShowRequest r) {
  if (ctx.account) {
    r.viewer_name = ctx.account->name;
    r.viewer_inspector = ctx.account->inspector;
  }
  return r;
}

nlohmann::json head_json(const en::Inspection& in, const std::string& name, const std::string& jurisdiction,
                         const std::string& roster_id) {
  return {{"id", in.id},
          {"enterprise_id", in.owner_key},
          {"enterprise_name", name},
          {"jurisdiction", jurisdiction},
          {"planned_on", in.planned_on},
          {"draw", in.draw},
          {"sweep", in.sweep},
          {"inspectors", in.inspectors},
          {"mine", mine(in, roster_id)},
          {"created_at", in.created_at},
          {"created_by", in.created_by}};
}

nlohmann::json outcome_json(const en::OutcomeRecord& o) {
  return {{"item", o.item},
          {"version", o.version},
          {"outcome", en::to_string(o.outcome)},
          {"note", o.note},
          {"checked_on", o.checked_on},
          {"evidence_files", o.evidence_files},
          {"recorded_at", o.recorded_at},
          {"recorded_by", o.recorded_by}};
}

// One inspection with its checklist, each item with its latest outcome (null when none).
nlohmann::json detail(Context& ctx, std::int64_t id) {
  auto out = app::show_inspections(for_viewer(
      ctx, {.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir(), .inspection = id, .limit_to = limit_of(ctx)}));
  if (out.status != app::RunStatus::done) refuse(out, out.out_of_scope);
  const auto& in = out.inspections.at(0);
  std::map<std::int64_t, const en::OutcomeRecord*> latest;
  for (const auto& o : out.outcomes) latest[o.item] = &o;  // by item then version: the last stands
  auto j = head_json(in, out.owner_names.at(0), out.jurisdictions.at(0), out.viewer_roster_id);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& it : in.items) {
    nlohmann::json i = {{"item", it.item},
                        {"rule", it.finding.rule},
                        {"subject", {{"record", it.finding.subject_record}, {"key", it.finding.subject_key}}},
                        {"verdict", it.verdict},
                        {"severity", it.severity},
                        {"title_zh", it.title_zh},
                        {"title_en", it.title_en},
                        {"verify_zh", it.verify_zh},
                        {"verify_en", it.verify_en},
                        {"evidence_digest", it.evidence_digest},
                        {"outcome", nullptr}};
    if (auto l = latest.find(it.item); l != latest.end()) i["outcome"] = outcome_json(*l->second);
    items.push_back(std::move(i));
  }
  j["items"] = std::move(items);
  return j;
}

nlohmann::json listing(Context& ctx) {
  auto out = app::show_inspections(for_viewer(ctx, {.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir(),
                                                    .owner = ctx.req.query_value("enterprise").value_or(""),
                                                    .limit_to = limit_of(ctx)}));
  if (out.status != app::RunStatus::done) refuse(out, false);
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < out.inspections.size(); ++i)
    list.push_back(head_json(out.inspections[i], out.owner_names[i], out.jurisdictions[i], out.viewer_roster_id));
  // The account's own first (its roster id among the team's), then the rest; newest first in each.
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a["mine"].template get<bool>() && !b["mine"].template get<bool>();
  });
  return list;
}

void list_api(Context& ctx) { ctx.res.json({{"inspections", listing(ctx)}}); }

void one_api(Context& ctx) { ctx.res.json(detail(ctx, whole_id(ctx.req.param("id"), "inspection"))); }

std::string text(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return "";
  if (!body[key].is_string()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
  return body[key].get<std::string>();
}

std::vector<std::string> texts(const nlohmann::json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  if (!body[key].is_array()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a list of strings");
  for (const auto& v : body[key]) {
    if (!v.is_string()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

void open_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::InspectionOpenRequest r{.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir()};
  r.owner = text(body, "enterprise");
  if (r.owner.empty()) throw HttpError(400, "bad_request", "give the enterprise to inspect");
  r.planned_on = text(body, "planned_on");
  if (body.contains("draw") && !body["draw"].is_null()) {
    if (!body["draw"].is_number_integer() || body["draw"].get<std::int64_t>() < 0)
      throw HttpError(400, "bad_request", "draw is the id of a recorded draw");
    r.draw = body["draw"].get<std::int64_t>();
  }
  r.inspectors = texts(body, "inspectors");
  r.recorded = {ctx.actor(), "workbench"};
  r.limit_to = limit_of(ctx);
  auto out = app::open_inspection(r);
  if (out.status != app::RunStatus::done) refuse(out, out.out_of_scope);
  ctx.audit("inspection.open", "inspection:" + std::to_string(out.inspection.id),
            "enterprise=" + r.owner + (r.draw ? " draw=" + std::to_string(r.draw) : std::string()) +
                " items=" + std::to_string(out.inspection.items.size()));
  ctx.res.json(detail(ctx, out.inspection.id), 201);
}

// Outcomes are recorded one at a time per server: the check for an earlier submission with
// the same client request id and the recording are one step, so two copies of a submission
// arriving together (a client's retry racing its first attempt) record once.
std::mutex outcome_lock;

void outcome_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::OutcomeRequest r{.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir()};
  r.inspection = whole_id(ctx.req.param("id"), "inspection");
  r.item = whole_id(ctx.req.param("item"), "item");
  r.outcome = text(body, "outcome");
  r.note = text(body, "note");
  r.checked_on = text(body, "checked_on");
  r.evidence_files = texts(body, "evidence_files");
  r.client_request = text(body, "request_id");
  if (r.client_request.size() > 100) throw HttpError(400, "bad_request", "request_id is longer than 100 characters");
  r.recorded = {ctx.actor(), "workbench"};
  r.limit_to = limit_of(ctx);
  app::OutcomeOutcome out;
  {
    std::lock_guard lock(outcome_lock);
    out = app::record_outcome(r);
  }
  if (out.status != app::RunStatus::done) refuse(out, out.out_of_scope);
  if (!out.replayed)
    ctx.audit("inspection.outcome", "inspection:" + std::to_string(r.inspection) + "/item:" + std::to_string(r.item),
              std::string(en::to_string(out.recorded.outcome)) + " version=" + std::to_string(out.recorded.version));
  else
    ctx.res.set_header("X-Replayed", "true");
  auto j = outcome_json(out.recorded);
  j["inspection"] = r.inspection;
  j["state"] = out.state;
  j["request_id"] = r.client_request;
  ctx.res.json(j, 201);
}

const char* kOutcomes[] = {"confirmed", "not_confirmed", "corrected_on_site", "not_verified"};

void list_page(Context& ctx) {
  auto list = listing(ctx);
  for (auto& i : list) {
    std::string team;
    for (const auto& s : i["inspectors"]) team += (team.empty() ? "" : "、") + s.get<std::string>();
    i["team"] = team;
    if (i["enterprise_name"].get<std::string>().empty()) i["enterprise_name"] = i["enterprise_id"];
  }
  ctx.res.html(render_page(ctx, "inspections", "inspections.title",
                           {{"inspections", list},
                            {"count", list.size()},
                            {"may_open", ctx.may(app::Action::edit, app::Resource::inspection_record)},
                            // The draws page's links fill the form in: ?open=KEY&draw=N.
                            {"open", ctx.req.query_value("open").value_or("")},
                            {"open_draw", ctx.req.query_value("draw").value_or("")}}));
}

void one_page(Context& ctx) {
  auto j = detail(ctx, whole_id(ctx.req.param("id"), "inspection"));
  const auto lang = ctx.lang();
  const auto& t = labels(lang);
  for (auto& i : j["items"]) {
    i["title"] = lang == "en" && !i["title_en"].get<std::string>().empty() ? i["title_en"] : i["title_zh"];
    i["verify"] = lang == "en" && !i["verify_en"].get<std::string>().empty() ? i["verify_en"] : i["verify_zh"];
    i["subject_text"] = i["subject"]["record"].get<std::string>() + ":" + i["subject"]["key"].get<std::string>();
    nlohmann::json choices = nlohmann::json::array();
    const std::string now = i["outcome"].is_null() ? "" : i["outcome"]["outcome"].get<std::string>();
    for (const char* o : kOutcomes)
      choices.push_back({{"value", o}, {"label", t.value(std::string("inspection.outcomes.") + o, o)}, {"checked", now == o}});
    i["choices"] = std::move(choices);
    if (!i["outcome"].is_null()) {
      auto& o = i["outcome"];
      o["label"] = t.value("inspection.outcomes." + now, now);
      std::string files;
      for (const auto& f : o["evidence_files"]) files += (files.empty() ? "" : ", ") + f.get<std::string>();
      o["files"] = files;
    }
    i["may_record"] = j["may_record"] = ctx.may(app::Action::edit, app::Resource::inspection_record);
    // A dismissed finding takes no action (app::record_action refuses it): no link to one.
    i["violation"] = (i["verdict"] == "violation" || i["verdict"] == "late") && now != "not_confirmed";
  }
  std::string team;
  for (const auto& s : j["inspectors"]) team += (team.empty() ? "" : "、") + s.get<std::string>();
  j["team"] = team;
  j["today"] = dsl::format_date(dsl::today());
  j["may_act"] = ctx.may(app::Action::edit, app::Resource::enforcement_action);
  if (j["enterprise_name"].get<std::string>().empty()) j["enterprise_name"] = j["enterprise_id"];
  ctx.res.html(render_page(ctx, "inspection", "inspection.title", j));
}

}  // namespace

void register_inspections(Router& router) {
  using app::Action;
  using app::Resource;
  const nlohmann::json str = {{"type", "string"}};
  const nlohmann::json strs = {{"type", "array"}, {"items", str}};
  const nlohmann::json head_props = {{"id", {{"type", "integer"}}},
                                     {"enterprise_id", str},
                                     {"enterprise_name", str},
                                     {"jurisdiction", str},
                                     {"planned_on", str},
                                     {"draw", {{"type", "integer"}}},
                                     {"sweep", {{"type", "integer"}}},
                                     {"inspectors", strs},
                                     {"mine", {{"type", "boolean"}}},
                                     {"created_at", str},
                                     {"created_by", str}};
  const nlohmann::json outcome_props = {{"item", {{"type", "integer"}}},
                                        {"version", {{"type", "integer"}}},
                                        {"outcome", {{"enum", {"confirmed", "not_confirmed", "corrected_on_site", "not_verified"}}}},
                                        {"note", str},
                                        {"checked_on", str},
                                        {"evidence_files", strs},
                                        {"recorded_at", str},
                                        {"recorded_by", str}};
  nlohmann::json detail_props = head_props;
  detail_props["items"] = {{"type", "array"},
                           {"items",
                            {{"type", "object"},
                             {"required", {"item", "rule", "subject", "verdict", "severity", "outcome"}},
                             {"properties",
                              {{"item", {{"type", "integer"}}},
                               {"rule", str},
                               {"subject", {{"type", "object"}}},
                               {"verdict", str},
                               {"severity", str},
                               {"title_zh", str},
                               {"title_en", str},
                               {"verify_zh", str},
                               {"verify_en", str},
                               {"evidence_digest", str},
                               {"outcome", {{"type", {"object", "null"}}}}}}}}};
  const nlohmann::json detail_schema = {
      {"type", "object"}, {"required", {"id", "enterprise_id", "inspectors", "mine", "items"}}, {"properties", detail_props}};
  nlohmann::json recorded_props = outcome_props;
  recorded_props["inspection"] = {{"type", "integer"}};
  recorded_props["state"] = str;
  recorded_props["request_id"] = str;
  router.add({.method = "GET", .path = "/api/inspections", .resource = Resource::inspection_record,
              .action = Action::view,
              .summary = "The inspections of the user's jurisdictions, the account's own first (?enterprise=KEY)",
              .flags = kApi, .handler = list_api,
              .response_schema = {{"type", "object"},
                                  {"required", {"inspections"}},
                                  {"properties",
                                   {{"inspections",
                                     {{"type", "array"},
                                      {"items", {{"type", "object"}, {"required", {"id", "enterprise_id", "mine"}},
                                                 {"properties", head_props}}}}}}}}});
  router.add({.method = "GET", .path = "/api/inspections/{id}", .resource = Resource::inspection_record,
              .action = Action::view,
              .summary = "One inspection with its checklist (what to verify on site) and each item's latest outcome",
              .flags = kApi, .handler = one_api, .response_schema = detail_schema,
              .example_params = {{"id", "1"}}, .example_status = 404});
  router.add({.method = "POST", .path = "/api/inspections", .resource = Resource::inspection_record,
              .action = Action::edit,
              .summary = "Open an inspection of an enterprise, from a recorded draw (its team goes) or targeted: the "
                         "checklist is its open findings and unknowns of the latest sweep",
              .flags = kApi, .handler = open_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"enterprise"}},
                                 {"properties",
                                  {{"enterprise", str}, {"planned_on", str}, {"draw", {{"type", "integer"}}}, {"inspectors", strs}}}},
              .response_schema = detail_schema, .success_status = 201,
              .example_body = R"({"enterprise":"91140700MA0TWP0017","planned_on":"2026-12-08","inspectors":["a","b"]})"});
  router.add({.method = "POST", .path = "/api/inspections/{id}/items/{item}", .resource = Resource::inspection_record,
              .action = Action::edit,
              .summary = "Record an item's outcome (confirmed, not_confirmed, corrected_on_site, not_verified) with a "
                         "note, the day and the evidence's file names; idempotent on request_id: a resent submission "
                         "records once and answers the same",
              .flags = kApi, .handler = outcome_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"outcome", "checked_on"}},
                                 {"properties",
                                  {{"outcome", str}, {"note", str}, {"checked_on", str}, {"evidence_files", strs},
                                   {"request_id", str}}}},
              .response_schema = {{"type", "object"},
                                  {"required", {"inspection", "item", "version", "outcome", "state"}},
                                  {"properties", recorded_props}},
              .success_status = 201, .example_params = {{"id", "1"}, {"item", "1"}},
              .example_body = R"({"outcome":"confirmed","checked_on":"2026-12-08","request_id":"matrix-1"})"});
  router.add({.method = "GET", .path = "/inspections", .resource = Resource::inspection_record, .action = Action::view,
              .summary = "My inspections: those of the user's jurisdictions, the account's own first", .flags = kPage,
              .handler = list_page, .nav = "nav.inspections"});
  router.add({.method = "GET", .path = "/inspections/{id}", .resource = Resource::inspection_record,
              .action = Action::view,
              .summary = "One inspection's checklist: record each item's outcome on site (a draft is kept in the "
                         "browser until the server acknowledged it)",
              .flags = kPage, .handler = one_page, .example_params = {{"id", "1"}}, .example_status = 404});
}

}  // namespace eco::server
