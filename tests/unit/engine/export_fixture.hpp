#pragma once
// What the export tests share (tests/unit/engine/export_test.cpp, and the workbook's in
// tests/unit/app/export_workbook_test.cpp): the records of a store as text, the values chosen to
// break a careless writer, and a fixture with stores, imports and a check that nothing is left.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/export/export.hpp"
#include "engine/ingest/import.hpp"
#include "store_fixture.hpp"

namespace eco::engine::testing {

using exporting::ExportOptions;
using exporting::Format;

// The record tables' fields (value and SQLite type), in store order: what an export must
// carry. Provenance (_batch, _file, _line) and history are the importing store's own.
inline std::string records(store::Store& st) {
  std::string out;
  for (const auto& r : st.schema().records) {
    out += "## " + r.name + "\n";
    std::string cols;
    for (const auto& f : r.fields) cols += (cols.empty() ? "" : ", ") + fmt::format("typeof(\"{0}\"), \"{0}\"", f.name);
    SQLite::Statement q(st.db(), fmt::format("SELECT {} FROM \"{}\" ORDER BY _row", cols, r.name));
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const auto& c = q.getColumn(i);
        // Doubles in full: getString() would show 15 digits and hide a lost last digit.
        out += c.isNull() ? "NULL" : c.isFloat() ? fmt::format("{}", c.getDouble()) : c.getString();
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

// The replaced versions (fields, and the batch that replaced each) and each batch's new and
// updated records. (A batch's rows read and unchanged are its files': a state re-imported
// whole reads the unchanged records again.)
inline std::string history(store::Store& st) {
  std::string out;
  for (const auto& r : st.schema().records) {
    out += "## _history_" + r.name + "\n";
    std::string cols;
    for (const auto& f : r.fields) cols += fmt::format("quote(\"{}\"), ", f.name);
    SQLite::Statement q(st.db(), fmt::format("SELECT {}_replaced_by FROM \"_history_{}\" ORDER BY _row, _replaced_by",
                                             cols, r.name));
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) out += q.getColumn(i).getString() + "|";
      out += '\n';
    }
  }
  out += "## _batch\n";
  SQLite::Statement b(st.db(), "SELECT id, rows_new, rows_updated FROM _batch ORDER BY id");
  while (b.executeStep()) {
    for (int i = 0; i < b.getColumnCount(); ++i) out += b.getColumn(i).getString() + "|";
    out += '\n';
  }
  return out;
}

inline const std::string kEnt1 = uscc("91140700MA0K00001");
inline const std::string kEnt2 = uscc("91140700MA0K00002");

// Values chosen to break a careless writer.
inline std::string enterprises() {
  return "id,name,county,industry,lon,key_discharge_unit,emergency_plan_filed_on\n" + kEnt1 +
         ",\"山西焦化, 股份\"\"有限\"\"公司\",榆次区,coking,0.30000000000000004,true,1899-12-31\n" + kEnt2 +
         ",\"  两端空格\t\",介休市,steel,,false,1900-03-01\n";
}
inline std::string facilities() {
  return "id,enterprise_id,kind,capacity_t\n"
         "F1," + kEnt1 + ",\"多行\r\n文本\n第三行\",123456789.12345679\n"
         "F2," + kEnt1 + ",coke_oven,1e+300\n"
         "F3," + kEnt2 + ",_x0041_ 字面,\n";
}
inline std::string transports() {
  return "enterprise_id,plate,entered_on,tonnes\n" + kEnt1 + ",晋K12345,1900-02-28,5e-324\n" + kEnt1 +
         ",晋K12345,1900-02-28,5e-324\n" + kEnt2 + ",\"\"\"引号\"\"\",2024-06-30,-0.1\n";
}
inline std::string declarations() {
  return "enterprise_id,year,waste_code\n" + kEnt1 + ",9007199254740993,HW08\n" + kEnt2 + ",-7,HW49\n";
}

struct Export : ::testing::Test {
  TempDir tmp;
  std::unique_ptr<dsl::model::Schema> schema = make_schema();

  std::unique_ptr<store::Store> open(const std::string& name) {
    store::OpenOptions o;
    o.create = true;
    return store::Store::open(tmp.path() / name, *schema, o);
  }
  void import(store::Store& st, const std::vector<std::filesystem::path>& paths) {
    auto r = ingest::import_paths(st, paths);
    std::string errors;
    for (const auto& e : r.errors) errors += ingest::render(e) + "\n";
    ASSERT_TRUE(r.ok) << errors;
  }
  std::filesystem::path write_inputs(const std::string& folder, const std::string& ent, const std::string& fac) {
    std::filesystem::path d = tmp.path() / folder;
    tmp.write(folder + "/enterprise.csv", ent);
    tmp.write(folder + "/facility.csv", fac);
    return d;
  }
  // Nothing beside the store files and `keep` in the temporary folder: no output, no .part.
  std::vector<std::string> leftovers(const std::vector<std::string>& keep) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
      std::string n = e.path().filename().string();
      bool kept = n.starts_with("a.db");
      for (const auto& k : keep) kept = kept || n == k;
      if (!kept) out.push_back(n);
    }
    return out;
  }
};


}  // namespace eco::engine::testing
