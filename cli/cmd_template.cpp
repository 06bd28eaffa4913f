// `ecoaudit template --ruleset DIR --format xlsx [--records a,b] --out FILE`: the workbook a
// data provider fills in. A first sheet explains how (Chinese, English below), then one sheet
// per record type named after it. Row 1 of a record sheet is the header: the field's short
// Chinese name, " *" when the field is required, and on the cell's last line the field name
// itself (what an import reads back). The field's whole description, type, key, reference and
// what to verify when it is missing are the header cell's comment. Enum columns offer their
// labels as a drop-down list (kept on the hidden sheet "选项", because Excel caps an inline
// list at 255 characters), boolean columns 是/否, date columns are formatted and validated as
// dates, and text columns are formatted as text so that Excel keeps a code's leading zeros.
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"
#include "dsl/common/utf8.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::cli {
namespace {

namespace fs = std::filesystem;
using dsl::model::Kind;

constexpr const char* kGuideSheet = "填写说明";
constexpr const char* kListSheet = "选项";
// The last row a data validation covers: Excel's last row (0-based).
constexpr lxw_row_t kLastRow = LXW_ROW_MAX - 1;

struct TemplateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) throw TemplateError(what + ": " + lxw_strerror(e));
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
  if (!ws) throw TemplateError("cannot add the list sheet");
  for (lxw_col_t c = 0; c < b.enums.size(); ++c) {
    const auto& e = *b.enums[c];
    check(worksheet_write_string(ws, 0, c, e.name.c_str(), b.header_optional), "writing a list");
    for (std::size_t i = 0; i < e.values.size(); ++i)
      check(worksheet_write_string(ws, static_cast<lxw_row_t>(i + 1), c, label_of(e.values[i]).c_str(), b.text),
            "writing a list");
  }
  worksheet_hide(ws);
}

void validate_column(lxw_worksheet* ws, lxw_col_t c, lxw_data_validation& v) {
  check(worksheet_data_validation_range(ws, 1, c, kLastRow, c, &v), "adding a data validation");
}

void record_sheet(Book& b, const dsl::model::Schema& s, const dsl::model::RecordType& r) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, r.name.c_str());
  if (!ws) throw TemplateError(fmt::format("cannot add the sheet {}", r.name));
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
}

void guide_sheet(Book& b, const dsl::model::Ruleset& rs, const std::vector<const dsl::model::RecordType*>& records) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, kGuideSheet);
  if (!ws) throw TemplateError("cannot add the guide sheet");
  check(worksheet_set_column(ws, 0, 0, 28, nullptr), "setting a column");
  check(worksheet_set_column(ws, 1, 1, 40, nullptr), "setting a column");
  check(worksheet_set_column(ws, 2, 2, 100, b.wrap), "setting a column");
  lxw_row_t r = 0;
  auto line = [&](const std::string& text, lxw_format* f = nullptr) {
    check(worksheet_write_string(ws, r++, 0, text.c_str(), f), "writing the guide");
  };
  line(fmt::format("数据填报模板: {}", rs.title.empty() ? rs.id : rs.title), b.title);
  line(fmt::format("规则集 ruleset: {} (sha256 {})", rs.id, rs.sha256.substr(0, 12)));
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

int run_template(const std::string& ruleset, const std::string& out, const std::vector<std::string>& names) {
  std::error_code ec;
  // A filled-in workbook is data: never overwrite one with an empty template.
  if (fs::exists(out, ec)) {
    std::fprintf(stderr, "ecoaudit template: %s already exists; remove it or choose another --out\n", out.c_str());
    return kExitUsage;
  }
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(ruleset, sm, "no template written");
  if (!rs) return kExitFindings;
  const auto& s = rs->schema;
  std::vector<const dsl::model::RecordType*> records;
  if (names.empty()) {
    for (const auto& r : s.records) records.push_back(&r);
  } else {
    for (const auto& n : names) {
      const auto* r = s.find_record(n);
      if (!r) {
        std::string known;
        for (const auto& k : s.records) known += (known.empty() ? "" : ", ") + k.name;
        std::fprintf(stderr, "ecoaudit template: --records: no record type '%s' in the ruleset; known: %s\n",
                     n.c_str(), known.c_str());
        return kExitUsage;
      }
      bool dup = false;
      for (const auto* seen : records) dup = dup || seen == r;
      if (!dup) records.push_back(r);
    }
  }

  // Written beside the target and renamed, so that a failure leaves no half-written workbook.
  fs::path tmp = fs::path(out).concat(".part");
  lxw_workbook_options wo{};
  Book b;
  b.wb = workbook_new_opt(tmp.c_str(), &wo);
  if (!b.wb) {
    std::fprintf(stderr, "ecoaudit template: cannot create %s\n", out.c_str());
    return kExitUsage;
  }
  try {
    for (const auto* r : records)
      if (workbook_validate_sheet_name(b.wb, r->name.c_str()) != LXW_NO_ERROR)
        throw TemplateError(fmt::format("the record type '{}' cannot name an Excel sheet (at most 31 characters, "
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
    guide_sheet(b, *rs, records);
    for (const auto* r : records) record_sheet(b, s, *r);
    list_sheet(b);
  } catch (const TemplateError& e) {
    workbook_close(b.wb);
    fs::remove(tmp, ec);
    std::fprintf(stderr, "ecoaudit template: %s\n", e.what());
    return kExitUsage;
  }
  lxw_error closed = workbook_close(b.wb);
  if (closed != LXW_NO_ERROR) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "ecoaudit template: cannot write %s: %s\n", out.c_str(), lxw_strerror(closed));
    return kExitUsage;
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "ecoaudit template: cannot write %s\n", out.c_str());
    return kExitUsage;
  }
  std::size_t columns = 0;
  for (const auto* r : records) columns += r->fields.size();
  std::printf("wrote %s: %zu record sheet(s), %zu column(s)\n", out.c_str(), records.size(), columns);
  return kExitOk;
}

std::function<int()> setup_template(CLI::App& sub) {
  auto ruleset = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("xlsx");
  auto records = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  sub.add_option("--ruleset", *ruleset, "Ruleset folder whose schema the workbook follows")->required();
  sub.add_option("--format", *format, "Template format: xlsx")->check(CLI::IsMember({"xlsx"}));
  sub.add_option("--records", *records, "Record types to include, comma-separated (default: all)")->delimiter(',');
  sub.add_option("--out", *out, "The workbook to write (must not exist)")->required();
  // format is captured so that the string CLI11 writes into outlives this function.
  return [ruleset, format, records, out] { return run_template(*ruleset, *out, *records); };
}

}  // namespace

ECOAUDIT_COMMAND("template", "Write the workbook a data provider fills in (a sheet per record type)", setup_template);

}  // namespace eco::cli
