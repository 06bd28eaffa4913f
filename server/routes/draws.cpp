#include "server/routes/draws.hpp"

#include <charconv>
#include <map>

#include "app/draws.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

std::int64_t draw_id(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    throw HttpError(404, "not_found", "no draw " + text);
  return id;
}

// A run's failure as the response: 404 for a draw the store does not have, 400 for the rest of
// a bad request (a plan that cannot be used, too few inspectors: the message names it), 500
// otherwise.
[[noreturn]] void refuse(const app::RunResult& r, bool not_found) {
  if (not_found) throw HttpError(404, "not_found", r.errors);
  if (r.status == app::RunStatus::bad_request) throw HttpError(400, "bad_request", r.errors);
  throw HttpError(500, "internal", r.errors);
}

nlohmann::json summary_json(const app::DrawSummary& s) {
  return {{"id", s.id},           {"created_at", s.created_at},   {"period", s.period},
          {"seed", s.seed},       {"as_of", s.as_of},             {"ruleset", s.ruleset},
          {"ruleset_sha256", s.ruleset_sha256}, {"data_batch", s.data_batch},
          {"inputs_sha256", s.inputs_sha256},   {"result_sha256", s.result_sha256},
          {"population", s.population},         {"selected", s.selected}};
}

std::vector<app::DrawSummary> recorded(Context& ctx) {
  auto out = app::show_draws({.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir()});
  if (out.status != app::RunStatus::done) refuse(out, false);
  return out.draws;
}

nlohmann::json published(Context& ctx, std::int64_t id) {
  auto out = app::show_draws({.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir(), .id = id});
  if (out.status != app::RunStatus::done) refuse(out, out.not_found);
  if (!out.recomputes)
    throw HttpError(409, "conflict",
                    "draw " + std::to_string(id) + " does not recompute from its recorded inputs: verify it");
  return nlohmann::json::parse(out.published);
}

void list_api(Context& ctx) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : recorded(ctx)) list.push_back(summary_json(s));
  ctx.res.json({{"draws", list}});
}

void one_api(Context& ctx) { ctx.res.json(published(ctx, draw_id(ctx.req.param("id")))); }

void verify_api(Context& ctx) {
  const auto id = draw_id(ctx.req.param("id"));
  auto out = app::verify_draw({.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir(), .id = id});
  if (out.status != app::RunStatus::done) refuse(out, out.not_found);
  ctx.audit("draw.verify", "draw:" + std::to_string(id), out.verified() ? "verified" : "differences");
  ctx.res.json({{"draw", id}, {"verified", out.verified()}, {"problems", out.problems},
                {"inputs_sha256", out.inputs_sha256}});
}

void run_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::DrawRequest r{.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir()};
  auto text = [&](const char* key) {
    if (!body.contains(key) || body[key].is_null()) return std::string();
    if (!body[key].is_string()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
    return body[key].get<std::string>();
  };
  r.period = text("period");
  if (r.period.empty()) throw HttpError(400, "bad_request", "give the period drawn for (e.g. 2026Q4)");
  r.as_of = text("as_of");
  if (const auto seed = text("seed"); !seed.empty()) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), v);
    if (ec != std::errc() || end != seed.data() + seed.size())
      throw HttpError(400, "bad_request", "seed is an unsigned 64-bit decimal number, not '" + seed + "'");
    r.seed = v;
  }
  auto out = app::make_draw(r);
  if (out.status != app::RunStatus::done) refuse(out, false);
  ctx.audit("draw.run", "draw:" + std::to_string(out.id),
            "period=" + r.period + " seed=" + std::to_string(out.seed) + " selected=" + std::to_string(out.selected));
  ctx.res.json(nlohmann::json::parse(out.published), 201);
}

// The page: the form to draw (for who may run one), the recorded draws, and the published list
// of the one asked (?id=N, default the newest).
void draws_page(Context& ctx) {
  const auto draws = recorded(ctx);
  nlohmann::json rows = nlohmann::json::array();
  std::int64_t shown = 0;
  if (auto q = ctx.req.query_value("id"); q && !q->empty()) shown = draw_id(*q);
  else if (!draws.empty()) shown = draws.front().id;
  for (const auto& s : draws) {
    auto j = summary_json(s);
    j["shown"] = s.id == shown;
    j["sha_short"] = s.inputs_sha256.substr(0, 12);
    j["ruleset_sha_short"] = s.ruleset_sha256.substr(0, 12);
    rows.push_back(std::move(j));
  }
  nlohmann::json data = {{"draws", rows}, {"may_run", ctx.may(app::Action::run, app::Resource::draw)}};
  if (shown) {
    auto list = published(ctx, shown);
    if (auto& ex = list["exclusions"]; ex.is_object()) ex["has_days"] = ex.value("inspected_within_days", 0) > 0;
    std::map<std::string, std::string> label;
    for (auto& s : list["strata"]) {
      s["quota_text"] = std::to_string(s.value("quota", 0));
      label[s.value("name", "")] = s.value("label", "");
    }
    // The page's flags inside the list's own data: the template reads them within its section.
    const bool may_open = ctx.may(app::Action::edit, app::Resource::inspection_record);
    list["may_open"] = may_open;
    for (auto& s : list["selections"]) {
      s["stratum_label"] = label[s.value("stratum", "")];
      s["may_open"] = may_open;
      s["draw_id"] = shown;
    }
    data["list"] = list;
    data["has_list"] = true;
  }
  ctx.res.html(render_page(ctx, "draws", "draws.title", data));
}

}  // namespace

void register_draws(Router& router) {
  using app::Action;
  using app::Resource;
  const nlohmann::json str = {{"type", "string"}};
  const nlohmann::json published_schema = {
      {"type", "object"},
      {"required", {"draw", "period", "seed", "as_of", "ruleset", "ruleset_sha256", "data_batch", "inputs_sha256",
                    "strata", "selections"}},
      {"properties",
       {{"draw", {{"type", "integer"}}},
        {"period", str},
        {"seed", str},
        {"as_of", str},
        {"ruleset", str},
        {"ruleset_sha256", str},
        {"data_batch", {{"type", "integer"}}},
        {"inputs_sha256", str},
        {"population", {{"type", "object"}, {"properties", {{"record", str}, {"where", str}}}}},
        {"strata", {{"type", "array"}}},
        {"exclusions",
         {{"type", "object"},
          {"properties",
           {{"inspected_within_days", {{"type", "integer"}}}, {"inspected_within_days_source", str}, {"positive_list", str}}}}},
        {"weight", {{"type", "object"}, {"properties", {{"expression", str}, {"source", str}}}}},
        {"violations_sweep", {{"type", "integer"}}},
        {"selections",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", {"stratum", "enterprise", "county", "inspectors"}},
            // The published list never carries inspector ids, counties or recusals.
            {"additionalProperties", false},
            {"properties",
             {{"stratum", str}, {"enterprise", str}, {"county", str}, {"inspectors", {{"type", "integer"}}},
              {"inspector_names", {{"type", "array"}, {"items", str}}}}}}}}}}}};
  // The security matrix's fixture has no draw plan and no draw: a run answers 400 naming the
  // missing plan, one draw 404.
  router.add({.method = "GET", .path = "/api/draws", .resource = Resource::draw, .action = Action::view,
              .summary = "The recorded draws, newest first: period, seed, as-of day, ruleset and its SHA-256, data "
                         "batch, inputs' SHA-256, population and number selected",
              .flags = kApi, .handler = list_api,
              .response_schema = {{"type", "object"}, {"required", {"draws"}}, {"properties", {{"draws", {{"type", "array"}}}}}}});
  router.add({.method = "GET", .path = "/api/draws/{id}", .resource = Resource::draw, .action = Action::view,
              .summary = "The published list of a recorded draw (一公开: strata with rates and sources, the selected "
                         "enterprises, the number of inspectors; no personal data)",
              .flags = kApi, .handler = one_api, .response_schema = published_schema,
              .example_params = {{"id", "1"}}, .example_status = 404, .error_statuses = {409}});
  router.add({.method = "GET", .path = "/api/draws/{id}/verify", .resource = Resource::draw, .action = Action::view,
              .summary = "Verify a recorded draw (`ecoaudit draw --verify`): recomputed bit for bit from its recorded "
                         "inputs, which are compared with the ones the store and ruleset give now",
              .flags = kApi, .handler = verify_api,
              .response_schema = {{"type", "object"},
                                  {"required", {"draw", "verified", "problems", "inputs_sha256"}},
                                  {"properties",
                                   {{"draw", {{"type", "integer"}}},
                                    {"verified", {{"type", "boolean"}}},
                                    {"problems", {{"type", "array"}, {"items", str}}},
                                    {"inputs_sha256", str}}}},
              .example_params = {{"id", "1"}}, .example_status = 404});
  router.add({.method = "POST", .path = "/api/draws", .resource = Resource::draw, .action = Action::run,
              .summary = "Make and record the random inspection draw of a period from the ruleset's draw plan "
                         "(seed: given, e.g. announced in advance, or fresh and recorded); answers the published list",
              .flags = kApi, .handler = run_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"period"}},
                                 {"properties", {{"period", str}, {"seed", str}, {"as_of", str}}}},
              .response_schema = published_schema, .success_status = 201,
              .example_body = R"({"period":"2026Q4","seed":"42","as_of":"2026-12-01"})", .example_status = 400});
  router.add({.method = "GET", .path = "/draws", .resource = Resource::draw, .action = Action::view,
              .summary = "The draw and publish page: run a draw, the recorded draws, verify one, the published list "
                         "(?id=N)",
              .flags = kPage, .handler = draws_page, .nav = "nav.draws"});
}

}  // namespace eco::server
