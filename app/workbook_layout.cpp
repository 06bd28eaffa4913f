// The data-entry workbook (workbook_layout.hpp): the layout `ecoaudit template` defined, used
// by the template (empty) and the export (with the store's records).
#include "app/workbook_layout.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dsl/common/date.hpp"
#include "dsl/common/utf8.hpp"

namespace eco::app {

using engine::exporting::double_text;
using engine::exporting::kMaxSheetRecords;
namespace {

namespace fs = std::filesystem;
using dsl::model::Kind;

constexpr const char* kGuideSheet = "填写说明";
constexpr const char* kListSheet = "选项";
// The last row a data validation covers: Excel's last row (0-based).
constexpr lxw_row_t kLastRow = LXW_ROW_MAX - 1;

void check(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) throw LayoutError(what + ": " + lxw_strerror(e));
}

// The header's Chinese name: the description up to its first parenthesis, semicolon or comma
// ("年产能 (t/a); 发电机组填 capacity_mw" -> "年产能"), the rest being in the comment.
std::string short_title(const std::string& description) {
  std::size_t cut = description.size();
  for (const char* stop : {" (", "(", "（", ";", "；", ",", "，", ":", "："})
    cut = std::min(cut, description.find(stop));
  std::string s = description.substr(0, cut);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string type_text(const dsl::model::Field& f) {
  switch (f.type.kind) {
    case Kind::bool_: return "是/否 (boolean)";
    case Kind::int_: return "整数 (integer)";
    case Kind::uint_: return "非负整数 (non-negative integer)";
    case Kind::double_: return "数字 (number)";
    case Kind::date: return "日期 (date, YYYY-MM-DD)";
    case Kind::enum_: return fmt::format("选项 (enum {})", f.type.enum_type ? f.type.enum_type->name : "?");
    default: return "文本 (text)";
  }
}

std::string comment_text(const dsl::model::Schema& s, const dsl::model::Field& f) {
  std::string out = f.description.empty() ? f.name : f.description;
  out += fmt::format("\n字段 field: {}\n类型 type: {}\n{}", f.name, type_text(f),
                     f.optional ? "可不填 (optional: leave empty when unknown, never 0)" : "必填 (required)");
  if (f.key) out += "\n主键 (key): 同一工作表内不得重复";
  if (f.ref) {
    const auto& target = s.records[f.ref->target];
    std::string key = target.key_fields.size() == 1 ? target.fields[target.key_fields[0]].name : "?";
    out += fmt::format("\n引用 reference: {}.{}{}", target.name, key,
                       f.ref->unchecked ? " (不要求存在 / need not exist)" : "");
  }
  if (!f.verify.empty()) out += fmt::format("\n缺失时现场核实 (to verify when missing): {}", f.verify);
  if (!f.origin.empty()) out += fmt::format("\n来源 origin: {}", f.origin);
  return out;
}

const std::string& label_of(const dsl::model::EnumValue& v) {
  return v.label.empty() ? v.name : v.label;
}

// The column letters of a 0-based column index ("A", "Z", "AA").
std::string column_name(lxw_col_t c) {
  std::string s;
  for (unsigned n = c + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (n - 1) % 26));
  return s;
}

struct Book {
  lxw_workbook* wb = nullptr;
  lxw_format* title = nullptr;
  lxw_format* header_required = nullptr;
  lxw_format* header_optional = nullptr;
  lxw_format* date = nullptr;
  lxw_format* text = nullptr;
  lxw_format* wrap = nullptr;
  std::map<std::string, std::string> list_ranges;  // enum name -> "'选项'!$A$2:$A$9"
  std::vector<const dsl::model::EnumType*> enums;  // the list sheet's columns
};

// The enums the chosen record sheets use, each given a column of the hidden list sheet in order
// of first use; the sheet itself is written after the record sheets so that it comes last.
void plan_lists(Book& b, const std::vector<const dsl::model::RecordType*>& records) {
  for (const auto* r : records)
    for (const auto& f : r->fields) {
      if (f.type.kind != Kind::enum_ || !f.type.enum_type) continue;
      const auto& e = *f.type.enum_type;
      if (b.list_ranges.count(e.name)) continue;
      std::string col = column_name(static_cast<lxw_col_t>(b.enums.size()));
      b.list_ranges[e.name] = fmt::format("'{}'!${}$2:${}${}", kListSheet, col, col, e.values.size() + 1);
      b.enums.push_back(&e);
    }
}

void list_sheet(Book& b) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, kListSheet);
  if (!ws) throw LayoutError("cannot add the list sheet");
  // Row by row (a workbook in constant memory mode takes its rows in order): the enums' names,
  // then their labels.
  std::size_t rows = 0;
  for (lxw_col_t c = 0; c < b.enums.size(); ++c) {
    check(worksheet_write_string(ws, 0, c, b.enums[c]->name.c_str(), b.header_optional), "writing a list");
    rows = std::max(rows, b.enums[c]->values.size());
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (lxw_col_t c = 0; c < b.enums.size(); ++c)
      if (i < b.enums[c]->values.size())
        check(worksheet_write_string(ws, static_cast<lxw_row_t>(i + 1), c, label_of(b.enums[c]->values[i]).c_str(), b.text),
              "writing a list");
  worksheet_hide(ws);
}

void validate_column(lxw_worksheet* ws, lxw_col_t c, lxw_data_validation& v) {
  check(worksheet_data_validation_range(ws, 1, c, kLastRow, c, &v), "adding a data validation");
}

// True when libxlsxwriter's number text (16 significant digits, "%.16G") reads back as `v`
// exactly; otherwise the cell is written as the shortest text that does (a double needs up to
// 17 digits), which the import reads as the same number.
bool exact_as_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.16G", v);
  return std::strtod(buf, nullptr) == v;
}

// Why `text` cannot be a cell's text exactly ("" when it can): XML carries no C0 control
// character but tab and line feed as themselves (a carriage return is read back as a line
// feed), and Excel reads "_xHHHH_" as an escaped character.
std::string not_cell_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto ch = static_cast<unsigned char>(text[i]);
    if (ch < 0x20 && ch != '\t' && ch != '\n') return fmt::format("it holds the control character U+{:04X}", ch);
    if (ch == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_' &&
        std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i) + 2, text.begin() + static_cast<std::ptrdiff_t>(i) + 6,
                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
      return fmt::format("it holds '{}', which Excel reads as an escaped character", text.substr(i, 7));
  }
  return {};
}

void write_cell(Book& b, lxw_worksheet* ws, const dsl::model::RecordType& r, lxw_row_t row, lxw_col_t c,
                const SheetCell& cell) {
  const auto& f = r.fields[c];
  auto fail = [&](const std::string& why) {
    throw LayoutError(fmt::format("{} record {} (sheet row {}), field {}: {}", r.name, row, row + 1, f.name, why));
  };
  auto text = [&](const std::string& t) {
    if (auto why = not_cell_text(t); !why.empty()) fail(why + "; a workbook cannot carry it exactly: export as CSV");
    if (lxw_error e = worksheet_write_string(ws, row, c, t.c_str(), b.text); e != LXW_NO_ERROR)
      fail(fmt::format("cannot write the text: {}", lxw_strerror(e)));
  };
  switch (cell.kind) {
    case SheetCell::Kind::empty: return;
    case SheetCell::Kind::text: return text(cell.text);
    case SheetCell::Kind::boolean: return text(cell.number != 0 ? "是" : "否");  // as the drop-down offers
    case SheetCell::Kind::number: {
      if (!exact_as_number(cell.number)) return text(double_text(cell.number));
      if (lxw_error e = worksheet_write_number(ws, row, c, cell.number, nullptr); e != LXW_NO_ERROR)
        fail(fmt::format("cannot write the number: {}", lxw_strerror(e)));
      return;
    }
    case SheetCell::Kind::date: {
      // Excel's calendar starts in 1900; an earlier day is written as its text, which the
      // import reads as the same date.
      int y = 0, m = 0, d = 0;
      if (!dsl::parse_date(cell.text) || std::sscanf(cell.text.c_str(), "%d-%d-%d", &y, &m, &d) != 3)
        fail(fmt::format("'{}' is not a date", cell.text));
      if (y < 1900) return text(cell.text);
      lxw_datetime dt{y, m, d, 0, 0, 0};
      if (lxw_error e = worksheet_write_datetime(ws, row, c, &dt, b.date); e != LXW_NO_ERROR)
        fail(fmt::format("cannot write the date: {}", lxw_strerror(e)));
      return;
    }
  }
}

void record_sheet(Book& b, const dsl::model::Schema& s, const dsl::model::RecordType& r, const RowSource& rows) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, r.name.c_str());
  if (!ws) throw LayoutError(fmt::format("cannot add the sheet {}", r.name));
  check(worksheet_set_row(ws, 0, 45, nullptr), "setting the header height");
  for (lxw_col_t c = 0; c < r.fields.size(); ++c) {
    const auto& f = r.fields[c];
    std::string zh = short_title(f.description);
    std::string header = zh.empty() ? f.name : fmt::format("{}{}\n{}", zh, f.optional ? "" : " *", f.name);
    if (zh.empty() && !f.optional) header = fmt::format("*\n{}", f.name);
    lxw_format* column_format = f.type.kind == Kind::date ? b.date
                                : f.type.kind == Kind::string || f.type.kind == Kind::enum_ ? b.text
                                                                                            : nullptr;
    check(worksheet_set_column(ws, c, c, std::max<double>(14, 2.2 * dsl::utf8::count_chars(zh)), column_format),
          "setting a column");
    check(worksheet_write_string(ws, 0, c, header.c_str(), f.optional ? b.header_optional : b.header_required),
          "writing a header");
    std::string comment = comment_text(s, f);
    lxw_comment_options co{};
    co.width = 320;
    co.height = 160;
    co.author = const_cast<char*>("EcoAudit");
    check(worksheet_write_comment_opt(ws, 0, c, comment.c_str(), &co), "writing a comment");

    lxw_data_validation v{};
    v.show_error = LXW_VALIDATION_ON;
    v.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    if (f.type.kind == Kind::enum_ && f.type.enum_type) {
      std::string range = "=" + b.list_ranges.at(f.type.enum_type->name);
      v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
      v.value_formula = range.data();
      v.error_title = const_cast<char*>("不在选项中");
      v.error_message = const_cast<char*>("请从下拉列表中选择。Choose a value from the drop-down list.");
      validate_column(ws, c, v);
    } else if (f.type.kind == Kind::bool_) {
      const char* yes_no[] = {"是", "否", nullptr};
      v.validate = LXW_VALIDATION_TYPE_LIST;
      v.value_list = const_cast<char**>(yes_no);
      v.error_title = const_cast<char*>("是或否");
      v.error_message = const_cast<char*>("请选择 是 或 否。Choose 是 (yes) or 否 (no).");
      validate_column(ws, c, v);
    } else if (f.type.kind == Kind::date) {
      v.validate = LXW_VALIDATION_TYPE_DATE;
      v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
      v.value_datetime = lxw_datetime{1900, 1, 1, 0, 0, 0};
      v.error_title = const_cast<char*>("不是日期");
      v.error_message = const_cast<char*>("请输入日期, 如 2024-06-30。Enter a date such as 2024-06-30.");
      validate_column(ws, c, v);
    } else if (f.type.kind == Kind::int_ || f.type.kind == Kind::uint_) {
      v.validate = LXW_VALIDATION_TYPE_INTEGER;
      v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
      v.value_number = f.type.kind == Kind::uint_ ? 0 : -1e15;
      v.error_title = const_cast<char*>("不是整数");
      v.error_message = const_cast<char*>("请输入整数。Enter a whole number.");
      validate_column(ws, c, v);
    }
  }
  worksheet_freeze_panes(ws, 1, 0);
  if (!rows) return;
  lxw_row_t n = 0;
  rows(r, [&](const std::vector<SheetCell>& cells) {
    if (n == kMaxSheetRecords)
      throw LayoutError(fmt::format("{} has more records than an Excel sheet holds ({}): export it as CSV", r.name,
                                    kMaxSheetRecords));
    ++n;
    for (lxw_col_t c = 0; c < cells.size() && c < r.fields.size(); ++c) write_cell(b, ws, r, n, c, cells[c]);
  });
}

void guide_sheet(Book& b, const GuideInfo& g, const std::vector<const dsl::model::RecordType*>& records) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, kGuideSheet);
  if (!ws) throw LayoutError("cannot add the guide sheet");
  check(worksheet_set_column(ws, 0, 0, 28, nullptr), "setting a column");
  check(worksheet_set_column(ws, 1, 1, 40, nullptr), "setting a column");
  check(worksheet_set_column(ws, 2, 2, 100, b.wrap), "setting a column");
  lxw_row_t r = 0;
  auto line = [&](const std::string& text, lxw_format* f = nullptr) {
    check(worksheet_write_string(ws, r++, 0, text.c_str(), f), "writing the guide");
  };
  line(g.heading, b.title);
  line(fmt::format("规则集 ruleset: {} (sha256 {})", g.ruleset_id, g.ruleset_sha256.substr(0, 12)));
  for (const auto& note : g.notes) line(note);
  ++r;
  line("填写说明", b.title);
  for (const char* t : {
           "1. 每种记录一张工作表, 工作表名即记录类型名; 请勿改名、删除或调整表头 (第 1 行)。",
           "2. 表头单元格第一行是字段中文名, 最后一行是字段名 (导入时按字段名识别列); 带 * 的列必填。",
           "3. 将鼠标停在表头单元格上可查看批注: 字段说明、类型、是否必填、主键、引用及缺失时需现场核实的内容。",
           "4. 每行填写一条记录, 自第 2 行起连续填写, 不要合并单元格, 不要留空行。",
           "5. 选项列请从下拉列表中选择; 是/否 列选择 是 或 否; 日期列填写日期 (如 2024-06-30)。",
           "6. 可不填的字段在情况不明时留空 (表示缺失, 需现场核实), 切勿填 0 或 “无”。",
           "7. 统一社会信用代码等编号按文本填写, 保留前导零。",
           "8. 工作表 “填写说明” 与隐藏的 “选项” 不导入; 填好后用 ecoaudit import 导入, 全部校验通过才入库。",
       })
    line(t);
  ++r;
  line("How to fill in", b.title);
  for (const char* t : {
           "1. One sheet per record type, named after it; do not rename or delete sheets or change the header (row 1).",
           "2. A header cell holds the field's Chinese name and, on its last line, the field name (the import reads "
           "columns by it); columns marked * are required.",
           "3. Hover over a header cell for its comment: description, type, required or not, key, reference and what "
           "to verify on site when the value is missing.",
           "4. One record per row from row 2 on, without gaps; do not merge cells.",
           "5. Choose enum values from the drop-down list, 是 (yes) or 否 (no) for booleans; enter dates as dates "
           "(e.g. 2024-06-30).",
           "6. Leave an optional field empty when it is unknown (a missing value, to be verified on site); never "
           "write 0 or \"none\".",
           "7. Codes such as the 统一社会信用代码 are text: keep their leading zeros.",
           "8. The sheets \"填写说明\" and the hidden \"选项\" are not imported; import the filled workbook with "
           "ecoaudit import, which stores it only when every row is valid.",
       })
    line(t);
  ++r;
  check(worksheet_write_string(ws, r, 0, "工作表 sheet", b.header_required), "writing the guide");
  check(worksheet_write_string(ws, r, 1, "记录 record", b.header_required), "writing the guide");
  check(worksheet_write_string(ws, r++, 2, "字段数 / 必填 fields / required", b.header_required), "writing the guide");
  for (const auto* rec : records) {
    std::size_t required = 0;
    for (const auto& f : rec->fields) required += f.optional ? 0 : 1;
    check(worksheet_write_string(ws, r, 0, rec->name.c_str(), nullptr), "writing the guide");
    check(worksheet_write_string(ws, r, 1, rec->title.c_str(), nullptr), "writing the guide");
    check(worksheet_write_string(ws, r++, 2, fmt::format("{} / {}", rec->fields.size(), required).c_str(), nullptr),
          "writing the guide");
  }
}

}  // namespace

void write_workbook(const fs::path& file, const dsl::model::Schema& s, const GuideInfo& guide,
                    const std::vector<const dsl::model::RecordType*>& records, const RowSource& rows) {
  lxw_workbook_options wo{};
  // With records, each row goes to disk as it is written (libxlsxwriter's constant memory
  // mode: inline strings, rows in order, which is how they come), in a temporary file beside
  // `file`: otherwise every cell of the store would be held in memory until the end.
  const std::string tmpdir = file.has_parent_path() ? file.parent_path().string() : std::string(".");
  if (rows) {
    wo.constant_memory = LXW_TRUE;
    wo.tmpdir = const_cast<char*>(tmpdir.c_str());
  }
  Book b;
  b.wb = workbook_new_opt(file.c_str(), &wo);
  if (!b.wb) throw LayoutError(fmt::format("cannot create {}", file.string()));
  try {
    for (const auto* r : records)
      if (workbook_validate_sheet_name(b.wb, r->name.c_str()) != LXW_NO_ERROR)
        throw LayoutError(fmt::format("the record type '{}' cannot name an Excel sheet (at most 31 characters, "
                                      "none of []:*?/\\)", r->name));
    b.title = workbook_add_format(b.wb);
    format_set_bold(b.title);
    format_set_font_size(b.title, 13);
    b.header_required = workbook_add_format(b.wb);
    format_set_bold(b.header_required);
    format_set_text_wrap(b.header_required);
    format_set_bg_color(b.header_required, 0xFCE4D6);
    format_set_border(b.header_required, LXW_BORDER_THIN);
    b.header_optional = workbook_add_format(b.wb);
    format_set_bold(b.header_optional);
    format_set_text_wrap(b.header_optional);
    format_set_bg_color(b.header_optional, 0xDDEBF7);
    format_set_border(b.header_optional, LXW_BORDER_THIN);
    b.date = workbook_add_format(b.wb);
    format_set_num_format(b.date, "yyyy-mm-dd");
    b.text = workbook_add_format(b.wb);
    format_set_num_format(b.text, "@");
    b.wrap = workbook_add_format(b.wb);
    format_set_text_wrap(b.wrap);

    plan_lists(b, records);
    guide_sheet(b, guide, records);
    for (const auto* r : records) record_sheet(b, s, *r, rows);
    list_sheet(b);
  } catch (...) {
    workbook_close(b.wb);
    throw;
  }
  if (lxw_error closed = workbook_close(b.wb); closed != LXW_NO_ERROR)
    throw LayoutError(fmt::format("cannot write {}: {}", file.string(), lxw_strerror(closed)));
}

engine::exporting::WorkbookWriter export_workbook_writer(const dsl::model::Schema& schema, GuideInfo guide,
                                                         std::string store_name) {
  return [&schema, guide = std::move(guide), store_name = std::move(store_name)](
             const fs::path& file, const std::vector<const dsl::model::RecordType*>& records,
             std::optional<std::int64_t> as_of, std::int64_t last_batch, const engine::exporting::RowSource& rows) {
    GuideInfo g = guide;
    g.notes.push_back(fmt::format(
        "导出 export: {}, {}", store_name,
        as_of ? fmt::format("第 {} 批导入后的记录 (records as they stood after batch {})", *as_of, *as_of)
              : fmt::format("当前记录 (current records, last batch {})", last_batch)));
    try {
      write_workbook(file, schema, g, records, rows);
    } catch (const LayoutError& e) {
      throw engine::store::StoreError(e.what());
    }
  };
}

}  // namespace eco::app
