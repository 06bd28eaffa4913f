// Importing a workbook (.xlsx, .xls): each sheet named after a record type (or its title) is a
// table of that record type, read through the same row validation as a CSV file
// (engine/ingest/rows.hpp). What is particular to a workbook is here: which sheets are read,
// the header's field name on its cell's last line, enum labels, and the check of each cell's
// type against its field's, so that nothing Excel stored is coerced into something else.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/ingest/batch.hpp"
#include "engine/ingest/rows.hpp"
#include "engine/ingest/workbook.hpp"

namespace eco::engine::ingest::detail {

namespace {

using dsl::model::Field;
using dsl::model::Kind;

// The sheets `ecoaudit template` adds beside the record sheets (the guide and the drop-down
// lists), in Chinese and English: not data.
bool skipped_sheet(std::string_view name) {
  auto iequals = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
           });
  };
  return name == "填写说明" || name == "选项" || iequals(name, "instructions") || iequals(name, "options");
}

std::string show(std::string_view text) {
  if (text.size() > 80) {
    std::size_t cut = 77;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return fmt::format("'{}…'", text.substr(0, cut));
  }
  return fmt::format("'{}'", text);
}

std::string kind_name(const Field& f) {
  switch (f.type.kind) {
    case Kind::string: return "text";
    case Kind::enum_: return "enum";
    case Kind::int_: return "integer";
    case Kind::uint_: return "non-negative integer";
    case Kind::double_: return "number";
    case Kind::bool_: return "boolean";
    case Kind::date: return "date";
    case Kind::timestamp: return "timestamp";
    case Kind::duration: return "duration";
    default: return dsl::model::to_string(f.type);
  }
}

// What a cell for field `f` should be formatted as.
const char* cell_kind_for(const Field& f) {
  switch (f.type.kind) {
    case Kind::int_: case Kind::uint_: case Kind::double_: case Kind::bool_: return "a number";
    case Kind::date: return "a date";
    default: return "text";
  }
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e21) return fmt::format("{:.0f}", v);  // all the digits, no exponent
  return fmt::format("{}", v);
}

// The header's field name: the last line of the cell, without surrounding spaces (the template
// writes "设施编号 *" above "id").
std::string header_name(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  auto nl = text.find_last_of('\n');
  if (nl != std::string_view::npos) text = text.substr(nl + 1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return std::string(text);
}

// The text of `c` as field `f` reads it (for convert_text), or why the cell cannot be a value
// of the field: a cell's type must fit the field's, never be coerced.
void cell_text(const Field& f, const WorkbookCell& c, bool date1904, std::string& text, std::string& problem) {
  using T = WorkbookCell::Type;
  const Kind k = f.type.kind;
  switch (c.type) {
    case T::error:
      problem = fmt::format("the cell holds the error value {}, not a value (correct the cell or its formula)", c.text);
      return;
    case T::no_value:
      problem = "a formula without a computed value (the program that saved the workbook did not calculate it): "
                "open and save it in Excel or WPS, or enter the value";
      return;
    case T::boolean:
      if (k == Kind::bool_) {
        text = c.number != 0 ? "true" : "false";
        return;
      }
      problem = fmt::format("a {} (boolean) cell in a {} field", c.number != 0 ? "TRUE" : "FALSE", kind_name(f));
      return;
    case T::date_text: {
      if (k == Kind::date) {
        std::string_view t = c.text;
        std::string_view rest = t.size() > 10 ? t.substr(10) : std::string_view();
        bool midnight = rest.empty() || rest == " 00:00:00" || rest == "T00:00:00" || rest == "T00:00:00Z" ||
                        rest == "T00:00:00.000" || rest == "T00:00:00.000Z";
        if (t.size() >= 10 && midnight) {
          text = t.substr(0, 10);
          return;
        }
        problem = fmt::format("{} has a time of day; a date field holds a date only", show(c.text));
        return;
      }
      problem = fmt::format("a date or time cell ({}) in a {} field: format the cell as {} and enter it again", c.text,
                            kind_name(f), cell_kind_for(f));
      return;
    }
    case T::number:
      if (c.date) {
        std::string why;
        std::string day = c.number == std::floor(c.number) && std::fabs(c.number) < 1e7
                              ? excel_date(static_cast<std::int64_t>(c.number), date1904, &why)
                              : std::string();
        if (k == Kind::date) {
          if (c.number != std::floor(c.number))
            problem = fmt::format("date serial {} has a time of day; a date field holds a date only", c.number);
          else if (day.empty())
            problem = why.empty() ? fmt::format("date serial {} names no day", c.number) : why;
          else
            text = day;
          return;
        }
        problem = fmt::format("a number formatted as a date ({}) in a {} field: format the cell as {} and enter it again",
                              day.empty() ? number_text(c.number) : day, kind_name(f), cell_kind_for(f));
        return;
      }
      switch (k) {
        case Kind::int_:
        case Kind::uint_:
          if (c.number != std::floor(c.number)) {
            problem = fmt::format("{} is not a whole number", c.number);
            return;
          }
          if (std::fabs(c.number) >= 9007199254740992.0) {  // 2^53: beyond, Excel's double has lost digits
            problem = fmt::format("{} is beyond the integers a spreadsheet number holds exactly (2^53); enter it as text",
                                  c.number);
            return;
          }
          text = fmt::format("{}", static_cast<std::int64_t>(c.number));
          return;
        case Kind::double_: text = fmt::format("{}", c.number); return;
        case Kind::bool_:
          if (c.number == 0 || c.number == 1) {
            text = c.number == 1 ? "1" : "0";
            return;
          }
          problem = fmt::format("the number {} is not a boolean (是/否, TRUE/FALSE, 1/0)", number_text(c.number));
          return;
        case Kind::date:
          problem = fmt::format("the number {} is not a date: enter a date (e.g. 2024-06-30) in a cell formatted as a date",
                                number_text(c.number));
          return;
        default:
          // A code typed into a number cell has already lost what made it a code: leading
          // zeros, digits beyond the 15th (a 统一社会信用代码 of digits becomes 9.11E+17).
          problem = fmt::format("a number ({}) in a {} field: a spreadsheet keeps the number, not the characters typed "
                                "(leading zeros and digits past the 15th are lost); format the column as text (@) and "
                                "enter the value again",
                                number_text(c.number), kind_name(f));
          return;
      }
    case T::text:
      if (k == Kind::enum_ && f.type.enum_type) {
        const auto& e = *f.type.enum_type;
        if (e.find(c.text) >= 0) {
          text = c.text;
          return;
        }
        // The template's drop-down lists offer the labels.
        for (const auto& v : e.values)
          if (!v.label.empty() && v.label == c.text) {
            text = v.name;
            return;
          }
        std::string allowed;
        for (const auto& v : e.values)
          allowed += (allowed.empty() ? "" : ", ") + (v.label.empty() ? v.name : fmt::format("{} ({})", v.label, v.name));
        problem = fmt::format("{} is neither a label nor a value of {}; allowed: {}", show(c.text), e.name, allowed);
        return;
      }
      text = c.text;
      return;
  }
}

struct RefuseFile {
  ImportError e;
};

// Reads one sheet that holds record type `r` through the CSV path's row validation (TableRows):
// the header row names the fields, every later row is staged or reported cell by cell.
void read_record_sheet(Batch& b, FileState& f, Workbook& wb, std::size_t si, const std::string& name,
                       const dsl::model::RecordType& r) {
  f.sheets.push_back({name, static_cast<int>(r.index), {}});
  FileState::Sheet& sheet = f.sheets.back();
  const std::uint32_t rec = r.index;
  TableRows rows(b, f, r, sheet.columns, name, [&](const std::vector<Value>& vals, std::uint32_t line) {
    ImportError where;
    where.line = line;
    where.location = name;
    stage(b, f, rec, vals, where);
  });
  std::vector<CellRange> merges;
  std::vector<std::string> texts, problems;
  std::vector<std::string_view> views;
  bool any_row = false;
  wb.read_sheet(
      si, [&](std::span<const CellRange> m) { merges.assign(m.begin(), m.end()); },
      [&](std::uint32_t row, std::span<const WorkbookCell> cells) {
        any_row = true;
        const std::uint32_t last = cells.back().column;
        if (!rows.header_read()) {
          texts.assign(last, std::string());
          bool header_cells_ok = true;
          // A header cell that is no text names no field, and says so with what it holds.
          for (const auto& c : cells)
            texts[c.column - 1] = c.type == WorkbookCell::Type::text ? header_name(c.text)
                                  : c.type == WorkbookCell::Type::number ? number_text(c.number)
                                  : c.type == WorkbookCell::Type::boolean ? (c.number != 0 ? "TRUE" : "FALSE")
                                                                          : c.text;
          // A merged header leaves the columns it spans without their field names; merged
          // data cells hold their value in the first cell only (the others read as empty).
          for (const auto& m : merges) {
            ImportError e;
            e.line = m.first_row;
            e.column = m.first_column;
            e.record = r.name;
            e.location = sheet_place(name, m.first_row, m.first_column);
            std::string range = cell_name(m.first_row, m.first_column) + ":" + cell_name(m.last_row, m.last_column);
            if (m.first_row <= row && m.last_row >= row) {
              e.code = code::kHeader;
              e.message = fmt::format("merged header cells {}: each column needs a header cell of its own with "
                                      "its field name; unmerge them",
                                      range);
              header_cells_ok = false;
            } else {
              e.code = code::kStructure;
              e.message = fmt::format("merged cells {}: a merged cell's value belongs to its first cell only, the "
                                      "others would read as empty; unmerge them and fill in each cell",
                                      range);
            }
            b.error(f, std::move(e));
          }
          views.assign(texts.begin(), texts.end());
          rows.row(row, views);
          if (!header_cells_ok) rows.reject_header();
          return;
        }
        const std::size_t width = rows.width();
        texts.assign(width, std::string());
        problems.assign(width, std::string());
        bool outside = false;
        for (const auto& c : cells) {
          if (c.column > width) {
            if (!outside) {
              ImportError e;
              e.code = code::kRagged;
              e.line = row;
              e.column = c.column;
              e.record = r.name;
              e.location = sheet_place(name, row, c.column);
              e.message = fmt::format("column {} has a value but no header (the header has {} column{}): it "
                                      "would be lost",
                                      column_letters(c.column), width, width == 1 ? "" : "s");
              b.error(f, std::move(e));
            }
            outside = true;
            continue;
          }
          int fi = rows.field_at(c.column);
          if (fi < 0) continue;  // a bad header: reported, and no row is read
          cell_text(r.fields[static_cast<std::size_t>(fi)], c, wb.date1904(), texts[c.column - 1],
                    problems[c.column - 1]);
        }
        views.assign(texts.begin(), texts.end());
        rows.row(row, views, problems);
      });
  if (!any_row) {
    ImportError e;
    e.code = code::kHeader;
    e.record = r.name;
    e.location = sheet_place(name, 0, 0);
    e.message = "empty sheet: no header row (the field names)";
    b.error(f, std::move(e));
  }
}

}  // namespace

void read_workbook(Batch& b, FileState& f, InputFile& in) {
  auto refuse = [&](std::string_view code, std::string msg) {
    ImportError e;
    e.code = code;
    e.message = std::move(msg);
    b.refuse_file(f, std::move(e));
  };
  auto too_large = [&](std::uint64_t bytes) {
    refuse(code::kLimit, fmt::format("{:.1f} MiB is too large for a workbook (at most {} MiB); export large tables as CSV",
                                     static_cast<double>(bytes) / (1 << 20), kMaxWorkbookBytes >> 20));
  };
  // A zip is read at random places, so the workbook is held whole (and hashed as it is read).
  if (in.size_at_open() > kMaxWorkbookBytes) return too_large(in.size_at_open());
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(in.size_at_open()));
  std::vector<char> buf(1 << 20);
  while (std::size_t n = in.read(buf.data(), buf.size())) {
    bytes.append(buf.data(), n);
    if (bytes.size() > kMaxWorkbookBytes) return too_large(bytes.size());
  }
  if (std::string changed = in.changes(); !changed.empty())
    return refuse(code::kChanged, "changed while it was being imported (" + changed + "); import it again once it is complete");

  const bool xlsx = f.result.format == "xlsx";
  const bool zip = bytes.starts_with("PK\x03\x04"), ole = bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  if (xlsx && ole)
    return refuse(code::kFile, "not an .xlsx workbook: an OLE2 compound file (a legacy .xls named .xlsx, or a "
                               "password-protected workbook: save it as .xlsx without a password)");
  if (!xlsx && zip) return refuse(code::kFile, "not an .xls workbook: a zip (an .xlsx workbook named .xls: rename it)");

  std::unique_ptr<Workbook> wb;
  try {
    wb = xlsx ? open_xlsx(bytes) : open_xls(bytes);
  } catch (const WorkbookError& ex) {
    std::string msg = ex.what();
    if (std::filesystem::path(f.result.path).filename().string().starts_with("~$"))
      msg += " (a file named ~$... is the lock file Excel keeps beside a workbook while it is open: close the "
             "workbook and import again)";
    return refuse(ex.code, std::move(msg));
  }
  const auto& schema = b.schema();
  for (std::size_t si = 0; si < wb->sheets().size(); ++si) {
    const std::string& name = wb->sheets()[si].name;
    // A damaged sheet is reported and the others are still read (all errors at once).
    try {
      if (skipped_sheet(name)) continue;
      const dsl::model::RecordType* r = schema.find_record(name);
      for (const auto& rec : schema.records)
        if (!r && !rec.title.empty() && rec.title == name) r = &rec;
      if (!r) {
        // A sheet of no record type is an error when it holds anything: its rows would be
        // dropped. An empty one (Excel's "Sheet1") holds nothing to lose.
        bool any = false;
        try {
          wb->read_sheet(si, [](std::span<const CellRange>) {}, [&](std::uint32_t, std::span<const WorkbookCell>) {
            any = true;
            throw RefuseFile{};
          });
        } catch (const RefuseFile&) {
        }
        if (!any) continue;
        ImportError e;
        e.code = code::kFile;
        e.location = sheet_place(name, 0, 0);
        std::string known;
        for (const auto& rec : schema.records) known += (known.empty() ? "" : ", ") + rec.name;
        e.message = fmt::format("sheet '{}' is named after no record type (by name or title) and is not imported; "
                                "rename it after its record type or remove it. Record types: {}",
                                name, known);
        b.error(f, std::move(e));
        continue;
      }
      read_record_sheet(b, f, *wb, si, name, *r);
    } catch (const WorkbookError& ex) {
      ImportError e;
      e.code = ex.code;
      e.line = ex.row;
      e.column = ex.column;
      e.location = sheet_place(name, ex.row, ex.column);
      e.message = ex.what();
      b.error(f, std::move(e));
    }
  }
}

}  // namespace eco::engine::ingest::detail
