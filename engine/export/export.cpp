#include "engine/export/export.hpp"

#include <csv.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "dsl/common/date.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::engine::exporting {

namespace {

namespace fs = std::filesystem;
namespace model = dsl::model;
using model::Kind;
using store::StoreError;

// The rows of a record type as they stood after batch ?1 (the snapshot's rule,
// engine/snapshot/from_store.cpp): written by then and not replaced by then; or the table's
// rows. In the order they entered the store.
std::string select_sql(const model::RecordType& r, bool as_of, bool exists) {
  std::string cols;
  for (const auto& f : r.fields) cols += store::quote_ident(f.name) + ", ";
  cols += "_row";
  const std::string table = store::quote_ident(r.name);
  std::string sql = !as_of ? fmt::format("SELECT {} FROM {}", cols, table)
                           : fmt::format("SELECT {0} FROM {1} WHERE _batch <= ?1 UNION ALL SELECT {0} FROM {2} "
                                         "WHERE _batch <= ?1 AND _replaced_by > ?1",
                                         cols, table, store::quote_ident(store::history_table(r.name)));
  return exists ? fmt::format("SELECT EXISTS ({})", sql) : sql + " ORDER BY _row";
}

using Stmt = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

Stmt prepare(SQLite::Database& db, const std::string& sql, std::optional<std::int64_t> as_of) {
  sqlite3_stmt* raw = nullptr;
  if (int rc = sqlite3_prepare_v2(db.getHandle(), sql.c_str(), -1, &raw, nullptr); rc != SQLITE_OK)
    throw SQLite::Exception(db.getHandle(), rc);
  Stmt q(raw, &sqlite3_finalize);
  if (as_of) sqlite3_bind_int64(q.get(), 1, *as_of);
  return q;
}

const char* type_name(int t) {
  switch (t) {
    case SQLITE_INTEGER: return "an integer";
    case SQLITE_FLOAT: return "a real number";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "a blob";
    default: return "NULL";
  }
}

// One stored value, checked against its field's type: the store is only written by imports,
// which store each type one way; anything else (a store edited by hand) is refused, never
// exported as something the import would read differently.
struct Stored {
  enum class Kind : std::uint8_t { null, integer, real, text } kind = Kind::null;
  std::int64_t i = 0;
  double d = 0;
  std::string_view s;
};

Stored read_value(sqlite3_stmt* q, int col, const model::RecordType& r, const model::Field& f) {
  Stored v;
  const int t = sqlite3_column_type(q, col);
  if (t == SQLITE_NULL) return v;
  auto refuse = [&](const std::string& why) {
    return StoreError(fmt::format("{}.{} of row {} holds {}: {} (the store was changed outside EcoAudit?); nothing "
                                  "exported",
                                  r.name, f.name, sqlite3_column_int64(q, static_cast<int>(r.fields.size())),
                                  t == SQLITE_TEXT || t == SQLITE_INTEGER || t == SQLITE_FLOAT
                                      ? fmt::format("'{}'", reinterpret_cast<const char*>(sqlite3_column_text(q, col)))
                                      : std::string(type_name(t)),
                                  why));
  };
  switch (f.type.kind) {
    case Kind::int_:
    case Kind::uint_:
    case Kind::bool_:
      if (t != SQLITE_INTEGER) throw refuse(fmt::format("{}, not an integer", type_name(t)));
      v.kind = Stored::Kind::integer;
      v.i = sqlite3_column_int64(q, col);
      if (f.type.kind == Kind::bool_ && v.i != 0 && v.i != 1) throw refuse("a boolean is stored as 0 or 1");
      if (f.type.kind == Kind::uint_ && v.i < 0) throw refuse("a uint field is not negative");
      return v;
    case Kind::double_:
      if (t != SQLITE_FLOAT && t != SQLITE_INTEGER) throw refuse(fmt::format("{}, not a number", type_name(t)));
      v.kind = Stored::Kind::real;
      v.d = sqlite3_column_double(q, col);
      if (!std::isfinite(v.d)) throw refuse("not a finite number");
      return v;
    default: {
      if (t != SQLITE_TEXT) throw refuse(fmt::format("{}, not text", type_name(t)));
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(q, col));
      v.kind = Stored::Kind::text;
      v.s = std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(q, col)));
      // An import stores no empty text (an empty cell is a missing value) and no NUL.
      if (v.s.empty()) throw refuse("an empty text, which an import reads as a missing value");
      if (v.s.find('\0') != std::string_view::npos) throw refuse("a NUL character");
      if (f.type.kind == Kind::date && !dsl::parse_date(v.s)) throw refuse("not a date (YYYY-MM-DD)");
      if (f.type.kind == Kind::enum_ && f.type.enum_type && f.type.enum_type->find(v.s) < 0)
        throw refuse(fmt::format("not a value of the enum {}", f.type.enum_type->name));
      return v;
    }
  }
}

// The text a CSV cell holds for a stored value (before quoting).
std::string csv_text(const Stored& v, const model::Field& f) {
  switch (v.kind) {
    case Stored::Kind::null: return {};
    case Stored::Kind::integer:
      if (f.type.kind == Kind::bool_) return v.i ? "true" : "false";
      return fmt::format("{}", v.i);
    case Stored::Kind::real: return double_text(v.d);
    case Stored::Kind::text: return std::string(v.s);
  }
  return {};
}

// An enum value as a workbook writes it: its label (what the template's drop-down lists offer)
// when the import reads that label back as this value, else its name.
struct EnumCells {
  std::map<std::string, std::string, std::less<>> cell;  // value name -> cell text
  explicit EnumCells(const model::EnumType& e) {
    std::map<std::string, int> uses;  // how many values a text would name, as label or value
    for (const auto& v : e.values) {
      ++uses[v.name];
      if (!v.label.empty() && v.label != v.name) ++uses[v.label];
    }
    for (const auto& v : e.values)
      cell[v.name] = !v.label.empty() && uses[v.label] == 1 ? v.label : v.name;
  }
};

SheetCell sheet_cell(const Stored& v, const model::Field& f, const EnumCells* enums) {
  SheetCell c;
  switch (v.kind) {
    case Stored::Kind::null: return c;
    case Stored::Kind::integer:
      if (f.type.kind == Kind::bool_) {
        c.kind = SheetCell::Kind::boolean;
        c.number = v.i ? 1 : 0;
      } else if (v.i > -(std::int64_t{1} << 53) && v.i < (std::int64_t{1} << 53)) {
        c.kind = SheetCell::Kind::number;
        c.number = static_cast<double>(v.i);
      } else {  // beyond what a spreadsheet number holds exactly
        c.kind = SheetCell::Kind::text;
        c.text = fmt::format("{}", v.i);
      }
      return c;
    case Stored::Kind::real:
      c.kind = SheetCell::Kind::number;
      c.number = v.d;
      return c;
    case Stored::Kind::text:
      c.kind = f.type.kind == Kind::date ? SheetCell::Kind::date : SheetCell::Kind::text;
      if (enums) {
        auto it = enums->cell.find(v.s);
        c.text = it != enums->cell.end() ? it->second : std::string(v.s);
      } else {
        c.text = std::string(v.s);
      }
      return c;
  }
  return c;
}

// Calls `row(values)` for each record of `r` as the export sees it, in store order.
template <class Fn>
std::uint64_t each_row(SQLite::Database& db, const model::RecordType& r, std::optional<std::int64_t> as_of, Fn&& row) {
  Stmt q = prepare(db, select_sql(r, as_of.has_value(), false), as_of);
  std::vector<Stored> values(r.fields.size());
  std::uint64_t n = 0;
  for (;;) {
    const int rc = sqlite3_step(q.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
    for (std::size_t i = 0; i < r.fields.size(); ++i) values[i] = read_value(q.get(), static_cast<int>(i), r, r.fields[i]);
    row(values);
    ++n;
  }
  return n;
}

bool has_rows(SQLite::Database& db, const model::RecordType& r, std::optional<std::int64_t> as_of) {
  Stmt q = prepare(db, select_sql(r, as_of.has_value(), true), as_of);
  if (sqlite3_step(q.get()) != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), sqlite3_errcode(db.getHandle()));
  return sqlite3_column_int(q.get(), 0) != 0;
}

// A file written through stdio, its write errors (a full disk) checked at every step.
class OutFile {
 public:
  explicit OutFile(const fs::path& p) : path_(p), f_(std::fopen(p.c_str(), "wb")) {
    if (!f_) throw StoreError(fmt::format("cannot create {}", p.string()));
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  }
  ~OutFile() {
    if (f_) std::fclose(f_);
  }
  void write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) throw StoreError(fmt::format("cannot write {}", path_.string()));
  }
  void close() {
    FILE* f = f_;
    f_ = nullptr;
    if (std::fclose(f) != 0) throw StoreError(fmt::format("cannot write {}", path_.string()));
  }

 private:
  fs::path path_;
  FILE* f_;
};

void write_csv(SQLite::Database& db, const model::RecordType& r, std::optional<std::int64_t> as_of, const fs::path& file,
               RecordExport& count) {
  OutFile out(file);
  std::string line;
  for (const auto& f : r.fields) {
    if (!line.empty()) line += ',';
    line += csv_cell(f.name);
  }
  line += '\n';
  out.write(line);
  count.rows = each_row(db, r, as_of, [&](const std::vector<Stored>& values) {
    line.clear();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) line += ',';
      line += csv_cell(csv_text(values[i], r.fields[i]));
    }
    // A record of one field, missing: an empty line would be skipped as blank.
    if (line.empty()) line = "\"\"";
    line += '\n';
    out.write(line);
  });
  out.close();
}

// The folder the export goes to, checked before anything is read: it must not exist (its
// parent must) or be empty. Returns the new temporary folder beside it.
fs::path make_temp_folder(const fs::path& out) {
  std::error_code ec;
  if (out.empty()) throw RequestError("--out: no folder named");
  const auto st = fs::symlink_status(out, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st))
      throw RequestError(fmt::format("--out {}: exists and is not a folder; export writes a new folder", out.string()));
    if (!fs::is_empty(out, ec) || ec)
      throw RequestError(fmt::format("--out {}: the folder is not empty; export never overwrites files: name a new "
                                   "folder",
                                   out.string()));
  }
  fs::path parent = out.has_parent_path() && !out.parent_path().empty() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    throw RequestError(fmt::format("--out {}: the folder {} does not exist", out.string(), parent.string()));
  fs::path name = out.filename();
  if (name.empty() || name == "." || name == "..") name = out.parent_path().filename();
  std::string tmpl = (parent / (name.string() + ".part-XXXXXX")).string();
  if (!mkdtemp(tmpl.data()))
    throw StoreError(fmt::format("--out {}: cannot create a folder in {}: {}", out.string(), parent.string(),
                                 std::strerror(errno)));
  return tmpl;
}

// Writes the records as they stood after batch `as_of` (nullopt: now) into tmp/sub, adding
// the files, record types and rows to `result`.
void write_state(store::Store& st, const ExportOptions& o, std::optional<std::int64_t> as_of, const fs::path& tmp,
               const fs::path& sub, ExportResult& result) {
  const model::Schema& schema = st.schema();
  SQLite::Database& db = st.db();
  std::vector<const model::RecordType*> records;
  for (const auto& r : schema.records)
    if (has_rows(db, r, as_of)) records.push_back(&r);

  if (o.format == Format::csv) {
    for (const auto* r : records) {
      fs::path file = r->name + ".csv";
      result.records.push_back({r->name, 0});
      write_csv(db, *r, as_of, tmp / sub / file, result.records.back());
      result.files.push_back(sub / file);
      result.rows += result.records.back().rows;
    }
  } else {
    std::map<const model::EnumType*, EnumCells> enums;
    for (const auto& e : schema.enums) enums.emplace(&e, EnumCells(e));
    fs::path file = "records.xlsx";
    if (!o.workbook) throw RequestError("--format xlsx: no workbook writer");
    o.workbook(tmp / sub / file, records, as_of, result.batch, [&](const model::RecordType& r, const RowWriter& row) {
      std::vector<SheetCell> cells(r.fields.size());
      result.records.push_back({r.name, 0});
      result.records.back().rows = each_row(db, r, as_of, [&](const std::vector<Stored>& values) {
        for (std::size_t i = 0; i < values.size(); ++i) {
          const auto& f = r.fields[i];
          const EnumCells* ec = f.type.kind == Kind::enum_ && f.type.enum_type ? &enums.at(f.type.enum_type) : nullptr;
          cells[i] = sheet_cell(values[i], f, ec);
        }
        row(cells);
      });
      result.rows += result.records.back().rows;
    });
    result.files.push_back(sub / file);
  }
}

}  // namespace

std::string double_text(double v) {
  // Shortest round trip either way (C++17 to_chars); plain decimals where they stay short.
  char buf[64];
  const double a = std::fabs(v);
  const bool plain = a == 0 || (a >= 1e-6 && a < 1e16);
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

std::string csv_cell(std::string_view text) {
  bool quote = !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t');
  quote = quote || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) return std::string(text);
  std::string out(text.size() * 2 + 2, '\0');
  out.resize(csv_write(out.data(), out.size(), text.data(), text.size()));
  return out;
}

ExportResult export_store(store::Store& st, const ExportOptions& o) {
  SQLite::Database& db = st.db();
  ExportResult result;
  result.out = o.out;
  fs::path tmp;
  try {
    // One read transaction: every table is read from the same state of the store.
    std::optional<SQLite::Transaction> txn;
    if (sqlite3_get_autocommit(db.getHandle())) txn.emplace(db);
    if (o.as_of_batch) {
      SQLite::Statement q(db, "SELECT count(*) FROM _batch WHERE id = ?");
      q.bind(1, *o.as_of_batch);
      if (!q.executeStep() || q.getColumn(0).getInt64() == 0)
        throw RequestError(fmt::format("--data-as-of {}: the store has no batch {} (ecoaudit batches lists them)",
                                     *o.as_of_batch, *o.as_of_batch));
      result.batch = *o.as_of_batch;
    } else {
      result.batch = db.execAndGet("SELECT coalesce(max(id), 0) FROM _batch").getInt64();
    }
    std::vector<std::int64_t> states;  // the batches after which the records are written
    if (o.history) {
      SQLite::Statement q(db, "SELECT id FROM _batch WHERE id <= ? ORDER BY id");
      q.bind(1, result.batch);
      while (q.executeStep()) states.push_back(q.getColumn(0).getInt64());
    }
    tmp = make_temp_folder(o.out);
    if (!o.history) {
      write_state(st, o, o.as_of_batch, tmp, {}, result);
    } else {
      for (std::int64_t b : states) {
        fs::path sub = fmt::format("batch-{:04}", b);
        fs::create_directory(tmp / sub);
        result.records.clear();  // the last state's, in the end
        result.rows = 0;
        write_state(st, o, b, tmp, sub, result);
        result.batches.push_back(b);
      }
    }
    // Complete: the folder takes its name (replacing `out` when that is an empty folder).
    std::error_code ec;
    fs::rename(tmp, o.out, ec);
    if (ec)
      throw StoreError(fmt::format("--out {}: cannot put the export in place: {}", o.out.string(), ec.message()));
    tmp.clear();
    return result;
  } catch (const SQLite::Exception& e) {
    std::error_code ec;
    if (!tmp.empty()) fs::remove_all(tmp, ec);
    throw StoreError(fmt::format("reading the store {}: {}", st.path().string(), e.what()));
  } catch (const fs::filesystem_error& e) {
    std::error_code ec;
    if (!tmp.empty()) fs::remove_all(tmp, ec);
    throw StoreError(fmt::format("--out {}: {}", o.out.string(), e.what()));
  } catch (...) {
    std::error_code ec;
    if (!tmp.empty()) fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace eco::engine::exporting
