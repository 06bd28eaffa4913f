#include "dsl/common/diagnostic.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "dsl/common/utf8.hpp"

namespace eco::dsl {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

Diagnostic& Diagnostics::add(Severity s, std::string code, SourceRange r, std::string message) {
  if (s == Severity::error) ++error_count_;
  if (s == Severity::warning) ++warning_count_;
  if (items_.size() >= cap_) {
    ++dropped_;
    overflow_ = Diagnostic{};
    return overflow_;
  }
  items_.push_back(Diagnostic{s, std::move(code), r, std::move(message), {}});
  return items_.back();
}

void Diagnostics::sort() {
  auto key = [](const Diagnostic& d) {
    return std::make_tuple(d.range.source, d.range.begin, -static_cast<int>(d.severity), d.code,
                           d.range.end, d.message);
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
               items_.end());
}

namespace {

constexpr int kTabWidth = 4;

// The line with tabs expanded, and the display column (0-based cell) of a byte offset in it.
struct ExpandedLine {
  std::string text;
  std::vector<std::size_t> cell_of_byte;  // size = bytes + 1
};

ExpandedLine expand(std::string_view line) {
  ExpandedLine out;
  out.cell_of_byte.assign(line.size() + 1, 0);
  std::size_t cell = 0;
  for (std::size_t pos = 0; pos < line.size();) {
    std::size_t start = pos;
    char32_t cp = utf8::decode(line, pos);
    for (std::size_t b = start; b < pos; ++b) out.cell_of_byte[b] = cell;
    if (cp == '\t') {
      int n = kTabWidth - static_cast<int>(cell % kTabWidth);
      out.text.append(n, ' ');
      cell += n;
    } else {
      out.text.append(line.substr(start, pos - start));
      cell += utf8::char_width(cp);
    }
  }
  out.cell_of_byte[line.size()] = cell;
  return out;
}

void render_snippet(std::string& out, const SourceFile& f, SourceRange r, char mark) {
  LineCol lc = f.line_col(r.begin);
  std::uint32_t line_begin = f.line_start(lc.line);
  std::string_view line = f.line_text(lc.line);
  ExpandedLine ex = expand(line);
  std::size_t b = std::min<std::size_t>(r.begin - line_begin, line.size());
  // A range running past the end of the line is underlined to the end of that line.
  std::size_t e = std::min<std::size_t>(std::max(r.end, r.begin) - line_begin, line.size());
  std::size_t c0 = ex.cell_of_byte[b];
  std::size_t c1 = std::max(ex.cell_of_byte[e], c0 + 1);
  std::string gutter = fmt::format("{}", lc.line);
  std::string pad(gutter.size(), ' ');
  out += fmt::format(" {} | {}\n", gutter, ex.text);
  out += fmt::format(" {} | {}{}", pad, std::string(c0, ' '), mark);
  if (c1 - c0 > 1) out += std::string(c1 - c0 - 1, '~');
  out += '\n';
}

}  // namespace

std::string render_text(const SourceManager& sm, const Diagnostic& d) {
  std::string out;
  bool has_file = d.range.source < sm.size();
  if (has_file) {
    const SourceFile& f = sm.file(d.range.source);
    LineCol lc = f.line_col(d.range.begin);
    out += fmt::format("{}:{}:{}: {}[{}]: {}\n", f.path(), lc.line, lc.column, to_string(d.severity),
                       d.code, d.message);
    render_snippet(out, f, d.range, '^');
  } else {
    out += fmt::format("{}[{}]: {}\n", to_string(d.severity), d.code, d.message);
  }
  for (const Note& n : d.notes) {
    if (n.has_range && n.range.source < sm.size()) {
      const SourceFile& f = sm.file(n.range.source);
      LineCol lc = f.line_col(n.range.begin);
      out += fmt::format("{}:{}:{}: note: {}\n", f.path(), lc.line, lc.column, n.message);
      render_snippet(out, f, n.range, '-');
    } else {
      out += fmt::format("  = note: {}\n", n.message);
    }
  }
  return out;
}

std::string render_text(const SourceManager& sm, const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds.items()) out += render_text(sm, d);
  if (ds.dropped() > 0) out += fmt::format("... and {} more not shown\n", ds.dropped());
  auto plural = [](std::size_t n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  if (ds.error_count() || ds.warning_count())
    out += fmt::format("{}, {} generated\n", plural(ds.error_count(), "error"),
                       plural(ds.warning_count(), "warning"));
  return out;
}

std::string render_json(const SourceManager& sm, const Diagnostics& ds) {
  auto position = [&](nlohmann::json& j, SourceRange r) {
    if (r.source >= sm.size()) return;
    const SourceFile& f = sm.file(r.source);
    LineCol b = f.line_col(r.begin), e = f.line_col(r.end);
    j["file"] = f.path();
    j["line"] = b.line;
    j["column"] = b.column;
    j["end_line"] = e.line;
    j["end_column"] = e.column;
  };
  nlohmann::json arr = nlohmann::json::array();
  for (const Diagnostic& d : ds.items()) {
    nlohmann::json j;
    j["severity"] = to_string(d.severity);
    j["code"] = d.code;
    position(j, d.range);
    j["message"] = d.message;
    nlohmann::json notes = nlohmann::json::array();
    for (const Note& n : d.notes) {
      nlohmann::json jn;
      jn["message"] = n.message;
      if (n.has_range) position(jn, n.range);
      notes.push_back(std::move(jn));
    }
    j["notes"] = std::move(notes);
    arr.push_back(std::move(j));
  }
  nlohmann::json root;
  root["diagnostics"] = std::move(arr);
  root["errors"] = ds.error_count();
  root["warnings"] = ds.warning_count();
  root["not_shown"] = ds.dropped();
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace eco::dsl
