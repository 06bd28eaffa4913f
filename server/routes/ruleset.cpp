#include "server/routes/ruleset.hpp"

#include <map>
#include <mutex>

#include "app/coverage.hpp"
#include "dsl/ast/expr.hpp"
#include "dsl/common/date.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

using nlohmann::json;
namespace model = dsl::model;

// A rule's area: the prefix of its first requirement ("AIR-03" -> "AIR"); "" when it names none.
std::string area_of(const model::Rule& r) {
  if (r.requirements.empty()) return "";
  const auto& id = r.requirements.front();
  return id.substr(0, id.find('-'));
}

json rule_json(const model::Rule& r) {
  json cites = json::array();
  for (const auto& c : r.citations) cites.push_back({{"section", c.section}, {"quote", c.quote}});
  return {{"id", r.id},
          {"title_zh", r.title_zh},
          {"title_en", r.title_en},
          {"severity", std::string(model::to_string(r.severity))},
          {"requirements", r.requirements},
          {"citations", cites}};
}

json areas_json(const model::Ruleset& rs) {
  std::map<std::string, json> by_area;  // sorted by area; the rules keep the ruleset's order
  for (const auto& r : rs.rules) {
    auto& a = by_area[area_of(r)];
    if (a.is_null()) a = json::array();
    a.push_back(rule_json(r));
  }
  json out = json::array();
  for (auto& [area, rules] : by_area) out.push_back({{"area", area}, {"rules", std::move(rules)}});
  return out;
}

json params_json(const model::Ruleset& rs) {
  json out = json::array();
  for (const auto& p : rs.params) {
    json entries = json::array();
    for (const auto& e : p.entries)
      entries.push_back({{"from", e.from ? json(dsl::format_date(*e.from)) : json(nullptr)},
                         {"value", dsl::ast::to_cel(e.value.expr)},
                         {"source", e.source},
                         {"confidence", std::string(model::to_string(e.confidence))},
                         {"basis", e.basis ? json(std::string(model::to_string(*e.basis))) : json(nullptr)}});
    out.push_back({{"name", p.name},
                   {"type", model::to_string(p.type)},
                   {"dated", p.dated},
                   {"description", p.description},
                   {"entries", entries}});
  }
  return out;
}

// The coverage of the served ruleset, computed once (it reads and checks the ruleset again).
const app::CoverageOutcome& coverage(const Services& s) {
  static std::mutex mutex;
  static std::map<std::string, app::CoverageOutcome> done;
  std::lock_guard lock(mutex);
  auto it = done.find(s.ruleset_dir().string());
  if (it == done.end()) it = done.emplace(s.ruleset_dir().string(), app::run_coverage({s.ruleset_dir()})).first;
  return it->second;
}

std::string_view status_word(app::CoverageRequirement::Status st) {
  switch (st) {
    case app::CoverageRequirement::Status::ok: return "ok";
    case app::CoverageRequirement::Status::no_rule: return "no_rule";
    case app::CoverageRequirement::Status::indicator: return "indicator";
    case app::CoverageRequirement::Status::out_of_reach: return "out_of_reach";
  }
  return "ok";
}

json coverage_json(const app::CoverageOutcome& c) {
  json reqs = json::array();
  for (const auto& r : c.requirements)
    reqs.push_back({{"id", r.id}, {"mode", r.mode}, {"title", r.title}, {"rules", r.rules},
                    {"tests", r.tests}, {"needs_rule", r.needs_rule}, {"status", std::string(status_word(r.status))}});
  return {{"ruleset", c.ruleset}, {"need", c.need}, {"encoded", c.encoded}, {"without_rule", c.without_rule},
          {"untested", c.untested}, {"incomplete", c.incomplete}, {"requirements", reqs}};
}

const json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
const json kRuleSchema = {
    {"type", "object"},
    {"required", {"id", "title_zh", "title_en", "severity", "requirements", "citations"}},
    {"properties",
     {{"id", {{"type", "string"}}},
      {"title_zh", {{"type", "string"}}},
      {"title_en", {{"type", "string"}}},
      {"severity", {{"type", "string"}}},
      {"requirements", kStrings},
      {"citations",
       {{"type", "array"},
        {"items", {{"type", "object"}, {"required", {"section", "quote"}},
                   {"properties", {{"section", {{"type", "string"}}}, {"quote", {{"type", "string"}}}}}}}}}}}};
const json kNullableString = {{"type", {"string", "null"}}};

void rules_api(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  ctx.res.json({{"id", rs.id}, {"title", rs.title}, {"sha256", rs.sha256}, {"areas", areas_json(rs)}});
}

void params_api(Context& ctx) { ctx.res.json(params_json(ctx.services.ruleset())); }

void coverage_api(Context& ctx) {
  const auto& c = coverage(ctx.services);
  if (c.status != app::RunStatus::done) throw HttpError(500, "internal", "the coverage could not be computed: " + c.errors);
  ctx.res.json(coverage_json(c));
}

// Pages: the same data, with each rule's title in the page's language.
void rules_page(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  json areas = areas_json(rs);
  const bool en = ctx.lang() == "en";
  for (auto& a : areas) {
    if (a["area"] == "") a["area"] = labels(ctx.lang()).value("ruleset.no_area", std::string("-"));
    for (auto& r : a["rules"]) {
      const std::string en_title = r["title_en"];
      r["title"] = en && !en_title.empty() ? en_title : r["title_zh"].get<std::string>();
      std::string reqs;
      for (const auto& q : r["requirements"]) reqs += (reqs.empty() ? "" : ", ") + q.get<std::string>();
      r["requirements_text"] = reqs;
    }
  }
  ctx.res.html(render_page(ctx, "ruleset", "ruleset.title",
                           {{"ruleset_title", rs.title}, {"ruleset_id", rs.id}, {"sha256", rs.sha256}, {"areas", areas}}));
}

void params_page(Context& ctx) {
  json params = params_json(ctx.services.ruleset());
  for (auto& p : params)
    for (auto& e : p["entries"]) {
      const std::string conf = e["confidence"];
      e["confidence_label"] = labels(ctx.lang()).value("confidence." + conf, conf);
      e["flag"] = conf != "high";
    }
  ctx.res.html(render_page(ctx, "parameters", "parameters.title", {{"params", params}}));
}

void coverage_page(Context& ctx) {
  const auto& c = coverage(ctx.services);
  if (c.status != app::RunStatus::done) throw HttpError(500, "internal", "the coverage could not be computed: " + c.errors);
  json d = coverage_json(c);
  for (auto& r : d["requirements"]) {
    std::string rules;
    for (const auto& x : r["rules"]) rules += (rules.empty() ? "" : ", ") + x.get<std::string>();
    r["rules_text"] = rules;
    const std::string st = r["status"];
    r["status_label"] = labels(ctx.lang()).value("coverage." + st, st);
    r["missing"] = st == "no_rule";
    r["tests"] = std::to_string(r["tests"].get<std::size_t>());
  }
  for (const char* k : {"need", "encoded", "without_rule", "untested", "incomplete"})
    d[k] = std::to_string(d[k].get<std::size_t>());
  ctx.res.html(render_page(ctx, "coverage", "coverage.title", d));
}

}  // namespace

void register_ruleset(Router& router) {
  using app::Action;
  using app::Resource;
  router.add({.method = "GET", .path = "/api/ruleset", .resource = Resource::ruleset, .action = Action::view,
              .summary = "The served ruleset's rules by requirement area, with their citations", .flags = kApi,
              .handler = rules_api,
              .response_schema = {{"type", "object"},
                                  {"required", {"id", "title", "sha256", "areas"}},
                                  {"properties",
                                   {{"id", {{"type", "string"}}},
                                    {"title", {{"type", "string"}}},
                                    {"sha256", {{"type", "string"}}},
                                    {"areas",
                                     {{"type", "array"},
                                      {"items", {{"type", "object"},
                                                 {"required", {"area", "rules"}},
                                                 {"properties", {{"area", {{"type", "string"}}},
                                                                 {"rules", {{"type", "array"}, {"items", kRuleSchema}}}}}}}}}}}}});
  router.add({.method = "GET", .path = "/api/ruleset/parameters", .resource = Resource::parameter,
              .action = Action::view, .summary = "The ruleset's parameters: each value with its source and confidence",
              .flags = kApi, .handler = params_api,
              .response_schema = {
                  {"type", "array"},
                  {"items",
                   {{"type", "object"},
                    {"required", {"name", "type", "dated", "description", "entries"}},
                    {"properties",
                     {{"name", {{"type", "string"}}},
                      {"type", {{"type", "string"}}},
                      {"dated", {{"type", "boolean"}}},
                      {"description", {{"type", "string"}}},
                      {"entries",
                       {{"type", "array"},
                        {"items", {{"type", "object"},
                                   {"required", {"from", "value", "source", "confidence", "basis"}},
                                   {"properties", {{"from", kNullableString},
                                                   {"value", {{"type", "string"}}},
                                                   {"source", {{"type", "string"}}},
                                                   {"confidence", {{"type", "string"}, {"enum", {"high", "medium", "unverified"}}}},
                                                   {"basis", kNullableString}}}}}}}}}}}}});
  router.add({.method = "GET", .path = "/api/ruleset/coverage", .resource = Resource::ruleset, .action = Action::view,
              .summary = "Coverage of the plan's requirements: requirement -> rules -> tests", .flags = kApi,
              .handler = coverage_api,
              .response_schema = {{"type", "object"},
                                  {"required", {"ruleset", "need", "encoded", "without_rule", "requirements"}},
                                  {"properties",
                                   {{"ruleset", {{"type", "string"}}},
                                    {"need", {{"type", "integer"}}},
                                    {"encoded", {{"type", "integer"}}},
                                    {"without_rule", {{"type", "integer"}}},
                                    {"untested", {{"type", "integer"}}},
                                    {"incomplete", {{"type", "integer"}}},
                                    {"requirements",
                                     {{"type", "array"},
                                      {"items", {{"type", "object"},
                                                 {"required", {"id", "mode", "title", "rules", "tests", "status"}},
                                                 {"properties", {{"id", {{"type", "string"}}},
                                                                 {"rules", kStrings},
                                                                 {"tests", {{"type", "integer"}}},
                                                                 {"status", {{"type", "string"}}}}}}}}}}}}});
  router.add({.method = "GET", .path = "/ruleset", .resource = Resource::ruleset, .action = Action::view,
              .summary = "The rules page", .flags = kPage, .handler = rules_page, .nav = "nav.ruleset"});
  router.add({.method = "GET", .path = "/ruleset/parameters", .resource = Resource::parameter, .action = Action::view,
              .summary = "The parameters page", .flags = kPage, .handler = params_page, .nav = "nav.parameters"});
  router.add({.method = "GET", .path = "/ruleset/coverage", .resource = Resource::ruleset, .action = Action::view,
              .summary = "The coverage page", .flags = kPage, .handler = coverage_page, .nav = "nav.coverage"});
}

}  // namespace eco::server
