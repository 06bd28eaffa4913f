// The CEL conformance runner: evaluates the cel-spec suite (converted to JSON by
// scripts/cel-spec-convert.js into tests/conformance/data/) with EcoAudit's parser and
// evaluator, and compares each result with the expected value or expected error.
//
// Usage: cel_conformance --data DIR [--skip FILE] [--section NAME]... [--min-rate PCT]
//                        [--strict] [--verbose] [--case SECTION/GROUP/NAME]
// Prints each failure, a line per section, and as its last line
//   N passed, M failed, K skipped
// Exit status 1 when the pass rate of the evaluated cases is below --min-rate, or with
// --strict when any case fails that the skip file does not list.
//
// Skips: cases that need protobuf messages (TestAllTypes, google.protobuf.* messages and
// wrappers, proto2/proto3 containers) are skipped by rule; every other skip is listed in the
// skip file as `section/group/name  # reason`.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dsl/cel/program.hpp"
#include "dsl/cel/time.hpp"
#include "dsl/parser/parse.hpp"

namespace cel = eco::dsl::cel;
using nlohmann::json;

namespace {

std::string base64_decode(const std::string& in, bool& ok) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  ok = true;
  for (char c : in) {
    if (c == '=') break;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    auto p = chars.find(c);
    if (p == std::string::npos) {
      ok = false;
      return out;
    }
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// The suite's proto-JSON cel.expr.Value -> a runtime value. Sets `why` when unsupported.
cel::Value to_value(const json& j, std::string& why) {
  if (!j.is_object() || j.empty()) {
    why = "empty value";
    return {};
  }
  if (j.contains("nullValue")) return cel::Value::null();
  if (j.contains("boolValue")) return cel::Value::boolean(j["boolValue"].get<bool>());
  if (j.contains("int64Value")) {
    const auto& v = j["int64Value"];
    return cel::Value::integer(v.is_string() ? std::stoll(v.get<std::string>()) : v.get<std::int64_t>());
  }
  if (j.contains("uint64Value")) {
    const auto& v = j["uint64Value"];
    return cel::Value::uinteger(v.is_string() ? std::stoull(v.get<std::string>()) : v.get<std::uint64_t>());
  }
  if (j.contains("doubleValue")) {
    const auto& v = j["doubleValue"];
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      if (s == "NaN") return cel::Value::dbl(std::nan(""));
      if (s == "Infinity") return cel::Value::dbl(HUGE_VAL);
      if (s == "-Infinity") return cel::Value::dbl(-HUGE_VAL);
      return cel::Value::dbl(std::stod(s));
    }
    return cel::Value::dbl(v.get<double>());
  }
  if (j.contains("stringValue")) return cel::Value::string(j["stringValue"].get<std::string>());
  if (j.contains("bytesValue")) {
    bool ok;
    std::string b = base64_decode(j["bytesValue"].get<std::string>(), ok);
    if (!ok) why = "bad base64";
    return cel::Value::bytes(std::move(b));
  }
  if (j.contains("typeValue")) {
    // Type names must outlive the value: keep them in a process-wide pool.
    static std::set<std::string> pool;
    return cel::Value::type(*pool.insert(j["typeValue"].get<std::string>()).first);
  }
  if (j.contains("listValue")) {
    std::vector<cel::Value> items;
    for (const auto& e : j["listValue"].value("values", json::array())) items.push_back(to_value(e, why));
    return cel::Value::list(std::move(items));
  }
  if (j.contains("mapValue")) {
    std::vector<std::pair<cel::Value, cel::Value>> entries;
    for (const auto& e : j["mapValue"].value("entries", json::array()))
      entries.emplace_back(to_value(e["key"], why), to_value(e["value"], why));
    return cel::Value::map(std::move(entries));
  }
  if (j.contains("objectValue")) {
    const auto& o = j["objectValue"];
    std::string type = o.value("@type", "");
    if (type.ends_with("/google.protobuf.Duration") && o.contains("value")) {
      if (auto d = cel::parse_duration(o["value"].get<std::string>())) return cel::Value::duration(d->seconds, d->nanos);
    }
    if (type.ends_with("/google.protobuf.Timestamp") && o.contains("value")) {
      if (auto t = cel::parse_timestamp(o["value"].get<std::string>())) return cel::Value::timestamp(t->seconds, t->nanos);
    }
    why = "message value " + type;
    return {};
  }
  why = "unsupported value " + j.dump();
  return {};
}

// Exact comparison of a result with the expected value: same kinds (no numeric
// conversion), NaN equal to NaN, maps compared without regard to order.
bool identical(const cel::Value& a, const cel::Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case cel::ValueKind::double_:
      if (std::isnan(a.as_double()) || std::isnan(b.as_double()))
        return std::isnan(a.as_double()) && std::isnan(b.as_double());
      return a.as_double() == b.as_double();
    case cel::ValueKind::list:
      if (a.list_size() != b.list_size()) return false;
      for (std::size_t i = 0; i < a.list_size(); ++i)
        if (!identical(a.list_at(i), b.list_at(i))) return false;
      return true;
    case cel::ValueKind::map:
      if (a.map_size() != b.map_size()) return false;
      for (const auto& [k, v] : b.map_entries()) {
        const cel::Value* got = a.map_find(k);
        if (!got || !identical(*got, v)) return false;
      }
      return true;
    default: return cel::equals(a, b);
  }
}

bool needs_protobuf(const json& c) {
  if (!c.value("container", std::string()).empty()) return true;
  const std::string expr = c.value("expr", "");
  if (expr.find("TestAllTypes") != std::string::npos) return true;
  for (std::size_t p = expr.find("google.protobuf."); p != std::string::npos; p = expr.find("google.protobuf.", p + 1)) {
    std::string_view rest(expr.c_str() + p + 16);
    if (!rest.starts_with("Timestamp") && !rest.starts_with("Duration")) return true;
    // Message construction of Timestamp/Duration (`google.protobuf.Duration{...}`).
    std::size_t end = rest.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    if (end != std::string_view::npos && rest.substr(end).find_first_not_of(" \t") != std::string_view::npos &&
        rest[rest.find_first_not_of(" \t", end)] == '{')
      return true;
  }
  std::string dump = c.dump();
  for (std::size_t p = dump.find("\"@type\""); p != std::string::npos; p = dump.find("\"@type\"", p + 1)) {
    std::string_view rest(dump.c_str() + p);
    auto q = rest.find("google.protobuf.");
    auto close = rest.find('"', 9);
    if (q == std::string_view::npos || q > close) return true;
    auto name = rest.substr(q + 16);
    if (!name.starts_with("Duration\"") && !name.starts_with("Timestamp\"")) return true;
  }
  if (dump.find("\"messageType\"") != std::string::npos) {
    for (std::size_t p = dump.find("\"messageType\""); p != std::string::npos; p = dump.find("\"messageType\"", p + 1)) {
      std::string_view rest(dump.c_str() + p + 14);
      if (!rest.starts_with("\"google.protobuf.Duration\"") && !rest.starts_with("\"google.protobuf.Timestamp\""))
        return true;
    }
  }
  return c.value("checkOnly", false);
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0, listed_failed = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path data;
  std::filesystem::path skip_file;
  std::vector<std::string> only_sections;
  std::string only_case;
  double min_rate = 0;
  bool strict = false, verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "cel_conformance: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") data = next();
    else if (a == "--skip") skip_file = next();
    else if (a == "--section") only_sections.push_back(next());
    else if (a == "--case") only_case = next();
    else if (a == "--min-rate") min_rate = std::stod(next());
    else if (a == "--strict") strict = true;
    else if (a == "--verbose") verbose = true;
    else {
      std::cerr << "usage: cel_conformance --data DIR [--skip FILE] [--section NAME]... [--case ID] "
                   "[--min-rate PCT] [--strict] [--verbose]\n";
      return 2;
    }
  }
  if (data.empty()) {
    std::cerr << "cel_conformance: --data DIR is required\n";
    return 2;
  }

  // section/group/name -> reason
  std::map<std::string, std::string> skips;
  if (!skip_file.empty()) {
    std::ifstream in(skip_file);
    if (!in) {
      std::cerr << "cel_conformance: cannot read " << skip_file << "\n";
      return 2;
    }
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      auto hash = line.find('#');
      std::string id = line.substr(0, hash);
      id.erase(id.find_last_not_of(" \t\r") + 1);
      id.erase(0, id.find_first_not_of(" \t"));
      if (id.empty()) continue;
      std::string reason = hash == std::string::npos ? "" : line.substr(hash + 1);
      reason.erase(0, reason.find_first_not_of(" \t"));
      if (reason.empty()) {
        std::cerr << skip_file.string() << ":" << lineno << ": skip entry without a reason: " << id << "\n";
        return 2;
      }
      skips[id] = reason;
    }
  }

  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(data))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());

  Counts total;
  std::vector<std::string> lines;
  std::set<std::string> seen_ids;
  for (const auto& file : files) {
    std::ifstream in(file);
    json doc = json::parse(in, nullptr, false);
    if (doc.is_discarded()) {
      std::cerr << "cel_conformance: " << file.string() << ": not valid JSON\n";
      return 2;
    }
    std::string section = doc.value("section", file.stem().string());
    if (!only_sections.empty() && std::find(only_sections.begin(), only_sections.end(), section) == only_sections.end())
      continue;
    Counts sc;
    int rule_skipped = 0;
    for (const auto& c : doc["tests"]) {
      std::string id = section + "/" + c.value("group", "") + "/" + c.value("name", "");
      seen_ids.insert(id);
      if (!only_case.empty() && id != only_case) continue;
      if (needs_protobuf(c)) {
        ++sc.skipped;
        ++rule_skipped;
        continue;
      }
      bool listed = skips.count(id) != 0;
      std::string expr = c.value("expr", "");

      eco::dsl::SourceManager sm;
      auto src = sm.add("<expr>", expr);
      eco::dsl::Diagnostics diags;
      eco::dsl::ParseOptions po;
      po.date_literals = false;
      auto ast = eco::dsl::parse_expression(sm, src, diags, po);

      std::string got_text, want_text, problem;
      bool pass = false;
      if (!ast) {
        problem = "parse error: " + (diags.items().empty() ? std::string("?") : diags.items().front().message);
      } else {
        cel::Env env;
        std::vector<std::pair<std::uint32_t, cel::Value>> bound;
        if (c.contains("bindings")) {
          for (const auto& [name, ev] : c["bindings"].items()) {
            std::string why;
            cel::Value v = to_value(ev.value("value", json::object()), why);
            if (!why.empty()) problem = "binding " + name + ": " + why;
            bound.emplace_back(env.declare(name), std::move(v));
          }
        }
        auto program = cel::compile(*ast, env);
        cel::Activation act = program->activation();
        for (auto& [slot, v] : bound) act.bind(slot, std::move(v));
        cel::Value got = program->evaluate(act);
        got_text = cel::debug_string(got);
        if (c.contains("evalError")) {
          want_text = "error";
          pass = got.is_error();
        } else if (c.contains("value")) {
          std::string why;
          cel::Value want = to_value(c["value"], why);
          want_text = why.empty() ? cel::debug_string(want) : why;
          pass = why.empty() && identical(got, want);
        } else {
          want_text = "(no expectation in the suite)";
          problem = "case has no value or error expectation";
        }
        if (!problem.empty()) pass = false;
      }
      if (listed) {
        ++sc.skipped;
        if (pass && verbose) lines.push_back(fmt::format("NOTE {}: listed in the skip file but passes", id));
        continue;
      }
      if (pass) {
        ++sc.passed;
        if (verbose) lines.push_back(fmt::format("PASS {}", id));
      } else {
        ++sc.failed;
        lines.push_back(fmt::format("FAIL {}\n     expr: {}\n     got:  {}\n     want: {}{}", id, expr, got_text,
                                    want_text, problem.empty() ? "" : "\n     " + problem));
      }
    }
    int run = sc.passed + sc.failed;
    lines.push_back(fmt::format("section {:<13} {:4} passed, {:3} failed, {:4} skipped ({} protobuf)  pass rate {:.1f}%",
                                section, sc.passed, sc.failed, sc.skipped, rule_skipped,
                                run ? 100.0 * sc.passed / run : 100.0));
    total.passed += sc.passed;
    total.failed += sc.failed;
    total.skipped += sc.skipped;
  }
  for (const auto& [id, reason] : skips)
    if (!seen_ids.count(id)) lines.push_back(fmt::format("NOTE skip entry matches no case: {}", id));
  for (const auto& l : lines) std::cout << l << "\n";
  int run = total.passed + total.failed;
  double rate = run ? 100.0 * total.passed / run : 100.0;
  std::cout << fmt::format("pass rate {:.2f}% of {} evaluated cases (minimum {:.0f}%)\n", rate, run, min_rate);
  std::cout << fmt::format("{} passed, {} failed, {} skipped", total.passed, total.failed, total.skipped) << std::endl;
  if (rate < min_rate) return 1;
  if (strict && total.failed > 0) return 1;
  return 0;
}
