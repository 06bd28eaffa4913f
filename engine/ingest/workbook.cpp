#include "engine/ingest/workbook.hpp"

#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "dsl/common/date.hpp"
#include "engine/ingest/codes.hpp"

namespace eco::engine::ingest {

std::string column_letters(std::uint32_t column) {
  std::string s;
  for (std::uint32_t n = column; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (n - 1) % 26));
  return s;
}

std::string cell_name(std::uint32_t row, std::uint32_t column) { return column_letters(column) + std::to_string(row); }

std::string excel_date(std::int64_t serial, bool date1904, std::string* why) {
  auto fail = [&](std::string w) {
    if (why) *why = std::move(w);
    return std::string();
  };
  std::int64_t epoch = 0;
  if (date1904) {
    if (serial < 0) return fail(fmt::format("serial {} is before 1904-01-01, the first day of the 1904 date system", serial));
    epoch = dsl::make_date(1904, 1, 1)->days;
  } else if (serial < 1) {
    return fail(fmt::format("serial {} is before 1900-01-01, the first day of the 1900 date system", serial));
  } else if (serial == 60) {
    return fail("serial 60 is 1900-02-29, a day that never existed (Excel's 1900 leap-year bug)");
  } else {
    // Serial 1 is 1900-01-01; from 61 on Excel counts the phantom 1900-02-29.
    epoch = dsl::make_date(1899, 12, serial < 60 ? 31 : 30)->days;
  }
  const std::int64_t last = dsl::make_date(9999, 12, 31)->days;
  if (epoch + serial > last) return fail(fmt::format("serial {} is after 9999-12-31", serial));
  return dsl::format_date(dsl::Date{static_cast<std::int32_t>(epoch + serial)});
}

bool is_date_format(std::uint32_t id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) return true;
  if (code.empty()) return false;
  // Only the tokens count: quoted text, escaped characters, fill and padding characters and
  // bracketed parts ([Red], [$-804]) say nothing, except the elapsed-time [h] [m] [s].
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') {
      auto end = code.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      auto end = code.find(']', i + 1);
      if (end == std::string_view::npos) return false;
      std::string_view inner = code.substr(i + 1, end - i - 1);
      if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char x) {
            return x == 'h' || x == 'H' || x == 'm' || x == 'M' || x == 's' || x == 'S';
          }))
        return true;
      i = end;
    } else if ((c == 'E' || c == 'e') && i + 1 < code.size() && (code[i + 1] == '+' || code[i + 1] == '-')) {
      ++i;  // scientific notation
    } else if ((c == 'G' || c == 'g') && code.size() - i >= 7 &&
               std::equal(code.begin() + i, code.begin() + i + 7, "General",
                          [](char a, char b) { return (a | 0x20) == (b | 0x20); })) {
      i += 6;
    } else {
      switch (c) {
        case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D': case 'h': case 'H': case 's': case 'S':
          return true;
        default: break;
      }
    }
  }
  return false;
}

namespace {

const char* const kMalformed = code::kSyntax;

// The local name of an element: "x:row" -> "row" (some producers prefix the main namespace).
std::string_view local(const pugi::xml_node& n) {
  std::string_view s = n.name();
  auto colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
  for (auto c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local(c) == name) return c;
  return {};
}

// An attribute by local name ("r:id" matches "id" only when asked with the prefix stripped).
pugi::xml_attribute attr(const pugi::xml_node& n, std::string_view name) {
  for (auto a = n.first_attribute(); a; a = a.next_attribute()) {
    std::string_view s = a.name();
    auto colon = s.find(':');
    if ((colon == std::string_view::npos ? s : s.substr(colon + 1)) == name) return a;
  }
  return {};
}

// The text of a string item (<si> or <is>): its <t>, or the <t> of each rich-text run <r>;
// phonetic runs (<rPh>, the reading of East Asian text) are not part of the value.
std::string string_item(const pugi::xml_node& si) {
  std::string out;
  for (auto c = si.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (local(c) == "t") {
      out += c.text().get();
    } else if (local(c) == "r") {
      if (auto t = child(c, "t")) out += t.text().get();
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "B7" -> (7, 2); nullopt unless letters then digits within Excel's grid ($ anchors allowed).
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_cell(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '$') ++i;
  std::uint64_t col = 0;
  std::size_t letters = 0;
  while (i < s.size() && s[i] >= 'A' && s[i] <= 'Z' && letters < 4) col = col * 26 + static_cast<unsigned>(s[i++] - 'A' + 1), ++letters;
  if (letters == 0 || col > kMaxSheetColumns) return std::nullopt;
  if (i < s.size() && s[i] == '$') ++i;
  auto row = parse_uint(s.substr(i));
  if (!row || *row == 0 || *row > kMaxSheetRows) return std::nullopt;
  return std::pair{static_cast<std::uint32_t>(*row), static_cast<std::uint32_t>(col)};
}

// Resolves a relationship target against the folder of the part that holds it.
std::string resolve(std::string_view base_dir, std::string_view target) {
  std::string path = target.starts_with("/") ? std::string(target.substr(1)) : std::string(base_dir) + std::string(target);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string dir_of(std::string_view part) {
  auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

struct Part {
  std::string name;
  std::string bytes;
  pugi::xml_document doc;
};

class XlsxWorkbook final : public Workbook {
 public:
  explicit XlsxWorkbook(std::string_view bytes) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) fail_zip(err);
    zip_ = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!zip_) {
      zip_source_free(src);
      fail_zip(err);
    }
    zip_error_fini(&err);
    load();
  }
  ~XlsxWorkbook() override {
    if (zip_) zip_discard(zip_);
  }

  void read_sheet(std::size_t index, const MergedFn& on_merged, const RowFn& on_row) override;

 private:
  [[noreturn]] static void fail_zip(zip_error_t& err) {
    std::string why = zip_error_strerror(&err);
    zip_error_fini(&err);
    throw WorkbookError(kMalformed, "not a readable .xlsx workbook (zip): " + why);
  }

  std::optional<zip_uint64_t> locate(const std::string& name) {
    zip_int64_t i = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE | ZIP_FL_ENC_GUESS);
    if (i < 0) return std::nullopt;
    return static_cast<zip_uint64_t>(i);
  }

  // Inflates part `name` within the limits; nullopt when the zip has no such part.
  bool read_part(const std::string& name, Part& out, bool required) {
    auto idx = locate(name);
    if (!idx) {
      if (required) throw WorkbookError(kMalformed, fmt::format("the workbook has no part '{}' (not a complete .xlsx)", name));
      return false;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, *idx, 0, &st) != 0)
      throw WorkbookError(kMalformed, fmt::format("{}: cannot read its zip entry: {}", name, zip_strerror(zip_)));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      throw WorkbookError(code::kFile, fmt::format("{}: the part is encrypted; save the workbook without a password", name));
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
      throw WorkbookError(kMalformed, fmt::format("{}: its zip entry declares no size", name));
    if (st.size > kMaxPartBytes)
      throw WorkbookError(code::kLimit, fmt::format("{}: declares {} bytes uncompressed, over the limit of {} MiB per part "
                                                    "(a zip bomb, or a sheet too large for one workbook: import it as CSV)",
                                                    name, st.size, kMaxPartBytes >> 20));
    if (st.size > kRatioCheckedBytes && st.size / std::max<zip_uint64_t>(st.comp_size, 1) > kMaxPartRatio)
      throw WorkbookError(code::kLimit, fmt::format("{}: inflates {} bytes to {} ({}:1, over the limit of {}:1): a zip bomb",
                                                    name, st.comp_size, st.size, st.size / std::max<zip_uint64_t>(st.comp_size, 1),
                                                    kMaxPartRatio));
    if (unpacked_ + st.size > kMaxUnpackedBytes)
      throw WorkbookError(code::kLimit, fmt::format("{}: the parts read would exceed {} MiB uncompressed", name,
                                                    kMaxUnpackedBytes >> 20));
    zip_file_t* zf = zip_fopen_index(zip_, *idx, 0);
    if (!zf) throw WorkbookError(kMalformed, fmt::format("{}: cannot open its zip entry: {}", name, zip_strerror(zip_)));
    out.name = name;
    out.bytes.resize(static_cast<std::size_t>(st.size) + 1);
    std::uint64_t got = 0;
    for (;;) {
      // Reading one byte past the declared size shows a part that inflates beyond it.
      zip_int64_t n = zip_fread(zf, out.bytes.data() + got, out.bytes.size() - got);
      if (n < 0) {
        std::string why = zip_file_strerror(zf);
        zip_fclose(zf);
        throw WorkbookError(kMalformed, fmt::format("{}: cannot inflate: {}", name, why));
      }
      if (n == 0) break;
      got += static_cast<std::uint64_t>(n);
      if (got > st.size) {
        zip_fclose(zf);
        throw WorkbookError(code::kLimit, fmt::format("{}: inflates beyond its declared {} bytes (a forged zip entry)", name, st.size));
      }
    }
    zip_fclose(zf);
    if (got != st.size)
      throw WorkbookError(kMalformed, fmt::format("{}: inflated to {} bytes, its zip entry declares {}", name, got, st.size));
    unpacked_ += got;
    out.bytes.resize(got);
    // The text is kept in place (pugixml parses the buffer itself). Whitespace-only text is kept
    // when it is the only content of an element: a cell holding "  " holds two spaces.
    pugi::xml_parse_result r = out.doc.load_buffer_inplace(out.bytes.data(), out.bytes.size(),
                                                           pugi::parse_default | pugi::parse_ws_pcdata_single,
                                                           pugi::encoding_auto);
    if (!r)
      throw WorkbookError(kMalformed, fmt::format("{}: malformed XML at byte {}: {}", name, r.offset, r.description()));
    return true;
  }

  // Relationship id -> (type suffix, resolved target) of part `owner`.
  std::map<std::string, std::pair<std::string, std::string>> relationships(const std::string& owner, bool required) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    std::string dir = dir_of(owner);
    std::string rels = dir + "_rels/" + owner.substr(dir.size()) + ".rels";
    Part p;
    if (!read_part(rels, p, required)) return out;
    auto root = p.doc.document_element();
    if (local(root) != "Relationships") throw WorkbookError(kMalformed, rels + ": not a relationships part");
    for (auto r = root.first_child(); r; r = r.next_sibling()) {
      if (r.type() != pugi::node_element || local(r) != "Relationship") continue;
      if (std::string_view(attr(r, "TargetMode").value()) == "External") continue;
      std::string type = attr(r, "Type").value();
      type = type.substr(type.rfind('/') + 1);
      out[attr(r, "Id").value()] = {type, resolve(dir, attr(r, "Target").value())};
    }
    return out;
  }

  void load() {
    std::string workbook_part;
    for (auto& [id, rel] : relationships("", true))
      if (rel.first == "officeDocument") workbook_part = rel.second;
    if (workbook_part.empty()) throw WorkbookError(kMalformed, "_rels/.rels names no workbook (officeDocument) part");
    auto rels = relationships(workbook_part, true);
    Part wb;
    read_part(workbook_part, wb, true);
    auto root = wb.doc.document_element();
    if (local(root) != "workbook") throw WorkbookError(kMalformed, workbook_part + ": not a workbook part");
    if (auto pr = child(root, "workbookPr")) {
      std::string_view d = attr(pr, "date1904").value();
      date1904_ = d == "1" || d == "true";
    }
    for (auto s = child(child(root, "sheets"), "sheet"); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || local(s) != "sheet") continue;
      WorkbookSheet sh;
      sh.name = attr(s, "name").value();
      std::string_view state = attr(s, "state").value();
      sh.hidden = state == "hidden" || state == "veryHidden";
      auto it = rels.find(attr(s, "id").value());
      if (it == rels.end())
        throw WorkbookError(kMalformed, fmt::format("{}: sheet '{}' names a relationship the workbook does not have",
                                                    workbook_part, sh.name));
      if (it->second.first != "worksheet")
        throw WorkbookError(code::kFile, fmt::format("sheet '{}' is a {}, not a worksheet of cells", sh.name, it->second.first));
      sheets_.push_back(std::move(sh));
      sheet_parts_.push_back(it->second.second);
    }
    if (sheets_.empty()) throw WorkbookError(kMalformed, workbook_part + ": the workbook lists no sheet");
    for (auto& [id, rel] : rels) {
      if (rel.first == "sharedStrings") load_strings(rel.second);
      if (rel.first == "styles") load_styles(rel.second);
    }
  }

  void load_strings(const std::string& name) {
    Part p;
    read_part(name, p, true);
    for (auto si = p.doc.document_element().first_child(); si; si = si.next_sibling())
      if (si.type() == pugi::node_element && local(si) == "si") strings_.push_back(string_item(si));
  }

  void load_styles(const std::string& name) {
    Part p;
    read_part(name, p, true);
    auto root = p.doc.document_element();
    std::map<std::uint32_t, std::string> codes;
    for (auto nf = child(child(root, "numFmts"), "numFmt"); nf; nf = nf.next_sibling())
      if (nf.type() == pugi::node_element) codes[attr(nf, "numFmtId").as_uint()] = attr(nf, "formatCode").value();
    for (auto xf = child(child(root, "cellXfs"), "xf"); xf; xf = xf.next_sibling()) {
      if (xf.type() != pugi::node_element || local(xf) != "xf") continue;
      std::uint32_t id = attr(xf, "numFmtId").as_uint();
      auto c = codes.find(id);
      date_styles_.push_back(is_date_format(id, c == codes.end() ? std::string_view() : c->second));
    }
  }

  zip_t* zip_ = nullptr;
  std::uint64_t unpacked_ = 0;
  std::vector<std::string> sheet_parts_;
  std::vector<std::string> strings_;
  std::vector<bool> date_styles_;  // per cell style (cellXfs index): numbers display as dates
};

void XlsxWorkbook::read_sheet(std::size_t index, const MergedFn& on_merged, const RowFn& on_row) {
  Part p;
  read_part(sheet_parts_.at(index), p, true);
  const std::string& part = p.name;
  auto root = p.doc.document_element();
  if (local(root) != "worksheet") throw WorkbookError(kMalformed, part + ": not a worksheet");

  std::vector<CellRange> merged;
  for (auto m = child(child(root, "mergeCells"), "mergeCell"); m; m = m.next_sibling()) {
    if (m.type() != pugi::node_element) continue;
    std::string_view ref = attr(m, "ref").value();
    auto colon = ref.find(':');
    auto a = parse_cell(ref.substr(0, colon));
    auto b = colon == std::string_view::npos ? a : parse_cell(ref.substr(colon + 1));
    if (!a || !b) throw WorkbookError(kMalformed, fmt::format("{}: merged range '{}' is not a range of cells", part, ref));
    merged.push_back({std::min(a->first, b->first), std::min(a->second, b->second), std::max(a->first, b->first),
                      std::max(a->second, b->second)});
  }
  on_merged(merged);

  std::vector<WorkbookCell> cells;
  std::uint32_t last_row = 0;
  for (auto row = child(child(root, "sheetData"), "row"); row; row = row.next_sibling()) {
    if (row.type() != pugi::node_element || local(row) != "row") continue;
    std::uint32_t r = last_row + 1;
    if (auto ra = attr(row, "r")) {
      auto v = parse_uint(ra.value());
      if (!v || *v == 0) throw WorkbookError(kMalformed, fmt::format("{}: row number '{}' is not a number", part, ra.value()));
      if (*v > kMaxSheetRows)
        throw WorkbookError(code::kLimit, fmt::format("{}: row {} is beyond Excel's last row ({})", part, *v, kMaxSheetRows));
      r = static_cast<std::uint32_t>(*v);
    }
    if (r > kMaxSheetRows)
      throw WorkbookError(code::kLimit, fmt::format("{}: more than {} rows, Excel's limit", part, kMaxSheetRows));
    if (r <= last_row)
      throw WorkbookError(kMalformed, fmt::format("{}: row {} comes after row {} (rows out of order)", part, r, last_row));
    last_row = r;
    cells.clear();
    std::uint32_t last_col = 0;
    for (auto c = row.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local(c) != "c") continue;
      std::uint32_t col = last_col + 1;
      if (auto ra = attr(c, "r")) {
        auto rc = parse_cell(ra.value());
        if (!rc) throw WorkbookError(kMalformed, fmt::format("{}: '{}' is not a cell reference", part, ra.value()), r);
        if (rc->first != r)
          throw WorkbookError(kMalformed, fmt::format("{}: cell {} is inside row {}", part, ra.value(), r), r, rc->second);
        col = rc->second;
      }
      if (col > kMaxSheetColumns)
        throw WorkbookError(code::kLimit, fmt::format("{}: row {} has more than {} columns", part, r, kMaxSheetColumns), r);
      if (col <= last_col)
        throw WorkbookError(kMalformed, fmt::format("{}: cell {} comes after {} (cells out of order or repeated)", part,
                                                    cell_name(r, col), cell_name(r, last_col)),
                            r, col);
      last_col = col;
      auto bad = [&](std::string msg) -> WorkbookError {
        return WorkbookError(kMalformed, fmt::format("{}: cell {}: {}", part, cell_name(r, col), msg), r, col);
      };
      std::string_view t = attr(c, "t").value();
      auto v = child(c, "v");
      auto f = child(c, "f");
      WorkbookCell cell;
      cell.column = col;
      if (f && !v) {
        cell.type = WorkbookCell::Type::no_value;
        cells.push_back(std::move(cell));
        continue;
      }
      if (t == "inlineStr") {
        auto is = child(c, "is");
        if (!is) continue;
        cell.text = string_item(is);
        if (cell.text.empty()) continue;
        cells.push_back(std::move(cell));
        continue;
      }
      if (!v) continue;  // a formatted empty cell
      std::string_view text = v.text().get();
      if (t == "s") {
        auto i = parse_uint(text);
        if (!i) throw bad(fmt::format("shared string index '{}' is not a number", text));
        if (*i >= strings_.size())
          throw bad(fmt::format("shared string index {} is out of range (the workbook has {} shared strings)", *i,
                                strings_.size()));
        if (strings_[*i].empty()) continue;
        cell.text = strings_[*i];
      } else if (t == "str") {
        if (text.empty()) continue;
        cell.text = text;
      } else if (t == "b") {
        if (text != "0" && text != "1") throw bad(fmt::format("boolean '{}' is neither 0 nor 1", text));
        cell.type = WorkbookCell::Type::boolean;
        cell.number = text == "1" ? 1 : 0;
      } else if (t == "e") {
        cell.type = WorkbookCell::Type::error;
        cell.text = text;
      } else if (t == "d") {
        if (text.empty()) continue;
        cell.type = WorkbookCell::Type::date_text;
        cell.text = text;
      } else if (t.empty() || t == "n") {
        if (text.empty()) continue;
        double d = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
          throw bad(fmt::format("'{}' is not a number", text));
        cell.type = WorkbookCell::Type::number;
        cell.number = d;
        if (auto s = attr(c, "s")) {
          auto si = parse_uint(s.value());
          if (!si || *si >= date_styles_.size()) {
            // Style 0 is the default even when the workbook has no styles part.
            if (!(si && *si == 0)) throw bad(fmt::format("style {} is not one of the workbook's", s.value()));
          } else {
            cell.date = date_styles_[*si];
          }
        }
      } else {
        throw bad(fmt::format("unknown cell type '{}'", t));
      }
      cells.push_back(std::move(cell));
    }
    if (!cells.empty()) on_row(r, cells);
  }
}

}  // namespace

std::unique_ptr<Workbook> open_xlsx(std::string_view bytes) { return std::make_unique<XlsxWorkbook>(bytes); }

}  // namespace eco::engine::ingest
