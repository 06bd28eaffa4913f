// `ecoaudit schema PATH [--format markdown|text|json]`: the data dictionary the bureau hands to
// its data providers: every record type with its fields, types, keys, references, optional
// fields and Chinese descriptions, and every enum with its values and labels.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "dsl/check/check.hpp"

namespace eco::cli {
namespace {

namespace fs = std::filesystem;
using dsl::model::Kind;

// The type as a data provider reads it: "enum county", "date", "list<string>".
std::string field_type(const dsl::model::Type& t) {
  switch (t.kind) {
    case Kind::enum_: return fmt::format("enum {}", t.enum_type ? t.enum_type->name : "?");
    case Kind::list: return fmt::format("list<{}>", t.params.empty() ? "dyn" : field_type(t.params[0]));
    case Kind::map:
      return t.params.size() == 2 ? fmt::format("map<{}, {}>", field_type(t.params[0]), field_type(t.params[1]))
                                  : "map";
    case Kind::duration: return "duration";
    case Kind::timestamp: return "timestamp";
    default: return dsl::model::to_string(t);
  }
}

// Markdown table cells cannot hold '|' or line breaks.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string reference(const dsl::model::Schema& s, const dsl::model::Field& f) {
  if (!f.ref) return "";
  const auto& target = s.records[f.ref->target];
  std::string key = target.key_fields.size() == 1 ? target.fields[target.key_fields[0]].name : "?";
  std::string out = fmt::format("→ {}.{}", target.name, key);
  if (!f.ref->nav.empty()) out += fmt::format(" (as `{}`)", f.ref->nav);
  if (!f.ref->reverse.empty()) out += fmt::format(" (reverse `{}.{}`)", target.name, f.ref->reverse);
  if (f.ref->unchecked) out += " (不要求存在 / need not exist)";
  return out;
}

std::string markdown(const dsl::model::Ruleset& rs) {
  const auto& s = rs.schema;
  std::string out = fmt::format("# 数据字典 / Data dictionary: {}\n\n", rs.title.empty() ? rs.id : rs.title);
  out += fmt::format(
      "Ruleset `{}` (sha256 `{}`). One file or table per record type, named after it; the "
      "first row of a CSV names the fields. **K** marks the key; an optional field may be left "
      "empty (a missing value, never zero); dates are `YYYY-MM-DD`; an enum field holds one of "
      "the values listed under its enum.\n\n",
      rs.id, rs.sha256.substr(0, 12));
  out += "## Record types\n\n| record | 说明 | fields | key |\n|---|---|---|---|\n";
  for (const auto& r : s.records) {
    std::string key;
    for (auto k : r.key_fields) key += (key.empty() ? "" : ", ") + r.fields[k].name;
    out += fmt::format("| [{0}](#{0}) | {1} | {2} | {3} |\n", r.name, cell(r.title), r.fields.size(),
                       key.empty() ? "—" : key);
  }
  for (const auto& r : s.records) {
    out += fmt::format("\n## {}\n\n", r.name);
    if (!r.title.empty()) out += fmt::format("{}\n\n", cell(r.title));
    out += "| field | type | required | key | reference | 说明 |\n|---|---|---|---|---|---|\n";
    for (const auto& f : r.fields)
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", f.name, field_type(f.type),
                         f.optional ? "optional" : "required", f.key ? "**K**" : "", cell(reference(s, f)),
                         cell(f.description));
    if (!r.reverse_lists.empty()) {
      out += "\nRelated records: ";
      for (std::size_t i = 0; i < r.reverse_lists.size(); ++i) {
        const auto& rl = r.reverse_lists[i];
        const auto& child = s.records[rl.child];
        out += fmt::format("{}`{}` ({} by {})", i ? ", " : "", rl.name, child.name, child.fields[rl.child_field].name);
      }
      out += "\n";
    }
  }
  if (!s.enums.empty()) out += "\n## Enums\n";
  for (const auto& e : s.enums) {
    out += fmt::format("\n### {}{}\n\n| value | 含义 |\n|---|---|\n", e.name, e.title.empty() ? "" : " — " + e.title);
    for (const auto& v : e.values) out += fmt::format("| `{}` | {} |\n", cell(v.name), cell(v.label));
  }
  return out;
}

std::string text(const dsl::model::Ruleset& rs) {
  const auto& s = rs.schema;
  std::string out;
  for (const auto& r : s.records) {
    out += fmt::format("record {}{}\n", r.name, r.title.empty() ? "" : "  " + r.title);
    for (const auto& f : r.fields) {
      std::string ref = reference(s, f);
      out += fmt::format("  {}{}: {}{}{}{}\n", f.name, f.optional ? "?" : "", field_type(f.type),
                         f.key ? " key" : "", ref.empty() ? "" : " " + ref,
                         f.description.empty() ? "" : "  " + f.description);
    }
  }
  for (const auto& e : s.enums) {
    out += fmt::format("enum {}{}\n", e.name, e.title.empty() ? "" : "  " + e.title);
    for (const auto& v : e.values) out += fmt::format("  {}{}\n", v.name, v.label.empty() ? "" : "  " + v.label);
  }
  return out;
}

std::string json(const dsl::model::Ruleset& rs) {
  const auto& s = rs.schema;
  nlohmann::json j;
  j["ruleset"] = rs.id;
  j["title"] = rs.title;
  j["sha256"] = rs.sha256;
  j["records"] = nlohmann::json::array();
  for (const auto& r : s.records) {
    nlohmann::json jr{{"name", r.name}, {"title", r.title}, {"fields", nlohmann::json::array()}};
    for (const auto& f : r.fields) {
      nlohmann::json jf{{"name", f.name},         {"type", field_type(f.type)}, {"optional", f.optional},
                        {"key", f.key},           {"description", f.description}};
      if (!f.origin.empty()) jf["origin"] = f.origin;
      if (!f.verify.empty()) jf["verify"] = f.verify;
      if (f.ref) {
        jf["ref"] = s.records[f.ref->target].name;
        if (!f.ref->nav.empty()) jf["as"] = f.ref->nav;
        if (!f.ref->reverse.empty()) jf["reverse"] = f.ref->reverse;
        if (f.ref->unchecked) jf["unchecked"] = true;
      }
      jr["fields"].push_back(std::move(jf));
    }
    j["records"].push_back(std::move(jr));
  }
  j["enums"] = nlohmann::json::array();
  for (const auto& e : s.enums) {
    nlohmann::json je{{"name", e.name}, {"title", e.title}, {"values", nlohmann::json::array()}};
    for (const auto& v : e.values) je["values"].push_back({{"value", v.name}, {"label", v.label}});
    j["enums"].push_back(std::move(je));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int run_schema(const std::string& path, const std::string& format) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::fprintf(stderr, "ecoaudit schema: no such file or folder: %s\n", path.c_str());
    return kExitUsage;
  }
  dsl::SourceManager sm;
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(path, sm, diags);
  if (!rs) {
    // The dictionary of a ruleset that does not check would mislead its readers.
    std::fputs(dsl::render_text(sm, diags).c_str(), stderr);
    return kExitFindings;
  }
  std::string out = format == "json" ? json(*rs) : format == "text" ? text(*rs) : markdown(*rs);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

std::function<int()> setup_schema(CLI::App& sub) {
  auto path = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("markdown");
  sub.add_option("PATH", *path, "Ruleset folder (holding ruleset.rules) or a .rules file")
      ->required();
  sub.add_option("--format", *format, "Output format: markdown, text or json")
      ->check(CLI::IsMember({"markdown", "text", "json"}));
  return [path, format] { return run_schema(*path, *format); };
}

}  // namespace

ECOAUDIT_COMMAND("schema", "Print the data dictionary of a ruleset (record types, fields, enums)", setup_schema);

}  // namespace eco::cli
