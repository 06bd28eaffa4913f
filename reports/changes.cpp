// Change notices as text, JSON and Atom (reports/changes.hpp). The Atom document is built with
// pugixml, which escapes text and attribute values.
#include "reports/changes.hpp"

#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/common.hpp"
#include "reports/report.hpp"

namespace eco::reports {

namespace {

std::string joined(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// RFC 3986 unreserved characters stay; every other byte (UTF-8 included) is %XX.
std::string pct(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string entry_line(const engine::ChangeEntry& e) {
  std::string line = fmt::format("{} {} {} {}:{}  {} {}", e.severity, e.verdict, e.rule, e.subject_record, e.subject_key,
                                 e.owner_key, e.owner_name);
  if (!e.why.empty()) line += fmt::format("  first seen {}, {} days [{}]", e.first_seen, e.days_unresolved, joined(e.why, "; "));
  return line;
}

nlohmann::ordered_json entries_json(const std::vector<engine::ChangeEntry>& v) {
  auto a = nlohmann::ordered_json::array();
  for (const auto& e : v) {
    nlohmann::ordered_json j{{"rule", e.rule},
                             {"subject", {{"record", e.subject_record}, {"key", e.subject_key}}},
                             {"enterprise_id", e.owner_key},
                             {"enterprise_name", e.owner_name},
                             {"verdict", e.verdict},
                             {"severity", e.severity},
                             {"first_seen", e.first_seen}};
    if (!e.why.empty()) {
      j["days_unresolved"] = e.days_unresolved;
      j["why"] = e.why;
    }
    a.push_back(std::move(j));
  }
  return a;
}

}  // namespace

std::string changes_text(const engine::ChangeNotices& n) {
  std::string out;
  for (const auto& s : n.sweeps) {
    out += printable(fmt::format("sweep {} as of {} compared with {}: {} group{} with changes", s.sweep, s.as_of,
                                 s.previous ? fmt::format("sweep {}", s.previous) : "nothing (the first sweep)",
                                 s.groups.size(), s.groups.size() == 1 ? "" : "s")) +
           "\n";
    for (const auto& g : s.groups) {
      out += printable(fmt::format("  {} {} / inspectors {}: new {}, resolved {}, escalated {}", n.jurisdiction_field,
                                   g.jurisdiction.empty() ? "(none)" : g.jurisdiction,
                                   g.inspectors.empty() ? "(not inspected)" : joined(g.inspectors), g.added.size(),
                                   g.resolved.size(), g.escalated.size())) +
             "\n";
      for (const auto& e : g.added) out += "    new       " + printable(entry_line(e)) + "\n";
      for (const auto& e : g.resolved) out += "    resolved  " + printable(entry_line(e)) + "\n";
      for (const auto& e : g.escalated) out += "    escalated " + printable(entry_line(e)) + "\n";
    }
  }
  return out;
}

std::string changes_json(const engine::ChangeNotices& n) {
  nlohmann::ordered_json j;
  j["ruleset"] = n.ruleset;
  j["ruleset_title"] = n.ruleset_title;
  j["jurisdiction_field"] = n.jurisdiction_field;
  auto sweeps = nlohmann::ordered_json::array();
  for (const auto& s : n.sweeps) {
    auto groups = nlohmann::ordered_json::array();
    for (const auto& g : s.groups)
      groups.push_back({{"jurisdiction", g.jurisdiction},
                        {"inspectors", g.inspectors},
                        {"new", entries_json(g.added)},
                        {"resolved", entries_json(g.resolved)},
                        {"escalated", entries_json(g.escalated)}});
    sweeps.push_back({{"sweep", s.sweep}, {"previous", s.previous}, {"as_of", s.as_of}, {"started_at", s.started_at},
                      {"groups", std::move(groups)}});
  }
  j["sweeps"] = std::move(sweeps);
  return j.dump(2) + "\n";
}

std::string changes_atom(const engine::ChangeNotices& n, const std::string& lang, const std::string& feed_id) {
  using detail::label;
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  auto feed = doc.append_child("feed");
  feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
  feed.append_attribute("xml:lang") = lang == "en" ? "en" : "zh-CN";
  feed.append_child("id").text() = feed_id.c_str();
  feed.append_child("title").text() =
      fmt::format("{} · {} ({})", label(lang, "changes_title"), n.ruleset_title, n.ruleset).c_str();
  feed.append_child("updated").text() = n.sweeps.empty() ? "1970-01-01T00:00:00Z" : n.sweeps.front().started_at.c_str();
  feed.append_child("author").append_child("name").text() = "EcoAudit";
  feed.append_child("generator").text() = "EcoAudit";
  for (const auto& s : n.sweeps)
    for (const auto& g : s.groups) {
      auto entry = feed.append_child("entry");
      const std::string team = g.inspectors.empty() ? "-" : joined(g.inspectors, ",");
      entry.append_child("id").text() = fmt::format("tag:ecoaudit,2026:changes/{}/sweep/{}/{}/{}", pct(n.ruleset), s.sweep,
                                                    pct(g.jurisdiction), pct(team))
                                            .c_str();
      const std::string who = g.inspectors.empty() ? label(lang, "ch_not_inspected") : joined(g.inspectors);
      entry.append_child("title").text() =
          fmt::format("{} #{} ({}) {} / {}: {} {}, {} {}, {} {}", label(lang, "sweep_no"), s.sweep, s.as_of,
                      g.jurisdiction, who, label(lang, "ch_added"), g.added.size(), label(lang, "ch_resolved"),
                      g.resolved.size(), label(lang, "ch_escalated"), g.escalated.size())
              .c_str();
      entry.append_child("updated").text() = s.started_at.c_str();
      std::string body;
      for (const auto& [key, list] : {std::pair<const char*, const std::vector<engine::ChangeEntry>*>{"ch_added", &g.added},
                                      {"ch_resolved", &g.resolved},
                                      {"ch_escalated", &g.escalated}})
        for (const auto& e : *list) body += label(lang, key) + ": " + entry_line(e) + "\n";
      auto content = entry.append_child("content");
      content.append_attribute("type") = "text";
      content.text() = body.c_str();
    }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace eco::reports
