// workbook_roundtrip ECOAUDIT RULESET DEMO WORK: the template a data provider fills in, filled
// in, imports to the same store as the equivalent CSVs.
//  1. `ecoaudit template` writes the ruleset's workbook;
//  2. its sheets and header cells are read back (the importer's own workbook reader) and a
//     filled workbook is written with libxlsxwriter: the same sheets in the same order, the
//     template's header cells as they are (Chinese name above the field name), and the demo
//     CSVs' rows typed as a provider's Excel holds them (numbers as numbers, dates as date
//     serials formatted yyyy-mm-dd, booleans as TRUE/FALSE, enums as the labels the drop-down
//     lists offer, text as shared strings), each CSV row on the row of its CSV line;
//  3. `ecoaudit import` loads the demo CSVs into one store and the filled workbook into another;
//  4. every record table of the two stores is compared row by row (all fields and the row's
//     line; not the file a row came from nor its location, which say CSV or sheet), and the
//     batch's row counts.
// Exit 0 when the stores are the same, 1 (with the first difference) otherwise.
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "app/ruleset.hpp"
#include "dsl/common/date.hpp"
#include "engine/ingest/csv.hpp"
#include "engine/ingest/values.hpp"
#include "engine/ingest/workbook.hpp"
#include "engine/store/schema_sql.hpp"

namespace fs = std::filesystem;
using namespace eco;
using dsl::model::Kind;

namespace {

int fail(const std::string& why) {
  std::fprintf(stderr, "FAIL: %s\n", why.c_str());
  return 1;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

int run(const std::string& cmd) {
  std::fprintf(stderr, "+ %s\n", cmd.c_str());
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

struct Csv {
  std::vector<std::string> header;
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> rows;  // line, cells
};

Csv read_csv(const fs::path& p) {
  Csv out;
  engine::ingest::CsvParser parser([&](std::uint32_t line, std::span<const std::string_view> cells) {
    std::vector<std::string> v(cells.begin(), cells.end());
    if (out.header.empty())
      out.header = std::move(v);
    else
      out.rows.emplace_back(line, std::move(v));
  });
  if (!parser.feed(slurp(p)) || !parser.finish()) throw std::runtime_error(p.string() + ": " + parser.error());
  return out;
}

// Every row of every record table, without the columns saying which file and where in it.
std::string dump(const fs::path& db, const dsl::model::Schema& s) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  std::string out;
  for (const auto& r : s.records) {
    for (const std::string& table : {r.name, engine::store::history_table(r.name)}) {
      std::string cols;
      for (const auto& f : r.fields) cols += engine::store::quote_ident(f.name) + ", ";
      SQLite::Statement q(d, "SELECT " + cols + "_batch, _line FROM " + engine::store::quote_ident(table));
      std::vector<std::string> rows;
      while (q.executeStep()) {
        std::string row;
        for (int i = 0; i < q.getColumnCount(); ++i) {
          auto c = q.getColumn(i);
          row += c.isNull() ? "NULL" : fmt::format("{}:{}", c.getType(), c.getString());
          row += '|';
        }
        rows.push_back(std::move(row));
      }
      std::sort(rows.begin(), rows.end());
      out += fmt::format("## {} ({} rows)\n", table, rows.size());
      for (auto& row : rows) out += row + "\n";
    }
  }
  SQLite::Statement b(d, "SELECT id, rows_read, rows_new, rows_updated, rows_unchanged FROM _batch ORDER BY id");
  while (b.executeStep())
    out += fmt::format("batch {} {} {} {} {}\n", b.getColumn(0).getString(), b.getColumn(1).getString(),
                       b.getColumn(2).getString(), b.getColumn(3).getString(), b.getColumn(4).getString());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return fail("usage: workbook_roundtrip ECOAUDIT RULESET DEMO WORK");
  const fs::path eco = argv[1], ruleset = argv[2], demo = argv[3], work = argv[4];
  fs::remove_all(work);
  fs::create_directories(work);

  dsl::SourceManager sm;
  auto checked = app::load_checked_ruleset(ruleset, sm);
  if (!checked.ruleset) return fail("ruleset: " + checked.errors);
  const auto& schema = checked.ruleset->schema;

  // 1. The template.
  const fs::path tmpl = work / "template.xlsx";
  if (run(fmt::format("{} template --ruleset {} --format xlsx --out {}", quote(eco), quote(ruleset), quote(tmpl))) != 0)
    return fail("ecoaudit template");

  // 2. Its sheets and headers, then the filled workbook.
  std::string tmpl_bytes = slurp(tmpl);
  auto book = engine::ingest::open_xlsx(tmpl_bytes);
  struct Sheet {
    std::string name;
    bool hidden;
    std::vector<std::string> header;  // the template's header cells, whole
  };
  std::vector<Sheet> sheets;
  for (std::size_t i = 0; i < book->sheets().size(); ++i) {
    Sheet s{book->sheets()[i].name, book->sheets()[i].hidden, {}};
    bool first = true;
    book->read_sheet(i, [](auto) {}, [&](std::uint32_t, std::span<const engine::ingest::WorkbookCell> cells) {
      if (!first) return;
      first = false;
      for (const auto& c : cells) {
        s.header.resize(c.column);
        s.header[c.column - 1] = c.text;
      }
    });
    sheets.push_back(std::move(s));
  }

  const fs::path filled = work / "填报.xlsx";
  lxw_workbook* wb = workbook_new(filled.c_str());
  lxw_format* date_format = workbook_add_format(wb);
  format_set_num_format(date_format, "yyyy-mm-dd");
  std::map<std::string, std::size_t> typed;  // cells written per kind, to show the test covers them
  std::set<std::string> records_seen;
  for (const auto& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
    if (s.hidden) worksheet_hide(ws);
    const auto* r = schema.find_record(s.name);
    if (!r) {
      worksheet_write_string(ws, 0, 0, "不导入的工作表 (a sheet the import skips)", nullptr);
      continue;
    }
    records_seen.insert(r->name);
    for (std::size_t c = 0; c < s.header.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), s.header[c].c_str(), nullptr);
    const fs::path csv_path = demo / (r->name + ".csv");
    if (!fs::exists(csv_path)) continue;
    Csv csv = read_csv(csv_path);
    for (std::size_t c = 0; c < s.header.size(); ++c) {
      std::string field = s.header[c].substr(s.header[c].rfind('\n') + 1);
      int fi = r->find_field(field);
      if (fi < 0) return fail(fmt::format("template sheet {} column {}: '{}' is no field", s.name, c + 1, field));
      auto at = std::find(csv.header.begin(), csv.header.end(), field);
      if (at == csv.header.end()) continue;
      const std::size_t ci = static_cast<std::size_t>(at - csv.header.begin());
      const auto& f = r->fields[static_cast<std::size_t>(fi)];
      for (const auto& [line, cells] : csv.rows) {
        const std::string& v = cells.at(ci);
        if (v.empty()) continue;
        const lxw_row_t row = line - 1;
        const lxw_col_t col = static_cast<lxw_col_t>(c);
        lxw_error e = LXW_NO_ERROR;
        switch (f.type.kind) {
          case Kind::int_:
          case Kind::uint_:
          case Kind::double_:
            e = worksheet_write_number(ws, row, col, std::strtod(v.c_str(), nullptr), nullptr);
            ++typed["number"];
            break;
          case Kind::bool_:
            e = worksheet_write_boolean(ws, row, col, *engine::ingest::parse_bool(v) ? 1 : 0, nullptr);
            ++typed["boolean"];
            break;
          case Kind::date: {
            auto d = dsl::parse_date(v);
            if (!d) return fail(fmt::format("{}:{}: '{}' is no date", csv_path.string(), line, v));
            auto ymd = dsl::to_ymd(*d);
            lxw_datetime dt{ymd.year, static_cast<int>(ymd.month), static_cast<int>(ymd.day), 0, 0, 0};
            e = worksheet_write_datetime(ws, row, col, &dt, date_format);
            ++typed["date"];
            break;
          }
          case Kind::enum_: {
            std::string label = v;
            const auto& en = *f.type.enum_type;
            int vi = en.find(v);
            if (vi >= 0 && !en.values[static_cast<std::size_t>(vi)].label.empty()) {
              label = en.values[static_cast<std::size_t>(vi)].label;
              ++typed["enum label"];
            } else {
              ++typed["enum value"];
            }
            e = worksheet_write_string(ws, row, col, label.c_str(), nullptr);
            break;
          }
          default:
            e = worksheet_write_string(ws, row, col, v.c_str(), nullptr);
            ++typed["text"];
            break;
        }
        if (e != LXW_NO_ERROR) return fail(fmt::format("writing {}!{}: {}", s.name, engine::ingest::cell_name(row + 1, col + 1), lxw_strerror(e)));
      }
    }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return fail("writing the filled workbook");
  if (records_seen.size() != schema.records.size()) return fail("the template lacks record sheets");
  for (const char* k : {"number", "boolean", "date", "enum label", "text"}) {
    std::fprintf(stderr, "%zu %s cells\n", typed[k], k);
    if (typed[k] == 0) return fail(fmt::format("the demo data wrote no {} cell: the test would not cover it", k));
  }

  // 3. The two imports.
  const fs::path csv_db = work / "csv.db", xlsx_db = work / "xlsx.db";
  for (const auto& db : {csv_db, xlsx_db})
    if (run(fmt::format("{} init --db {} --ruleset {} >/dev/null", quote(eco), quote(db), quote(ruleset))) != 0)
      return fail("ecoaudit init");
  if (run(fmt::format("{} import --db {} --ruleset {} {}", quote(eco), quote(csv_db), quote(ruleset), quote(demo))) != 0)
    return fail("importing the CSVs");
  if (run(fmt::format("{} import --db {} --ruleset {} {}", quote(eco), quote(xlsx_db), quote(ruleset), quote(filled))) != 0)
    return fail("importing the filled workbook");

  // 4. The stores.
  std::string a = dump(csv_db, schema), b = dump(xlsx_db, schema);
  if (a != b) {
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    std::size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
    return fail(fmt::format("the stores differ:\n  CSV:  {}\n  XLSX: {}", a.substr(from, a.find('\n', i) - from),
                            b.substr(from, b.find('\n', i) - from)));
  }
  std::size_t rows = static_cast<std::size_t>(std::count(a.begin(), a.end(), '\n'));
  std::printf("ok: the filled template and the CSVs give the same store (%zu lines of dump)\n", rows);
  return 0;
}
