#pragma once
// A small hand-built schema (enterprise, facility, keyless child records, an application
// with nested zones) and helpers for store and import tests: temp folders, file writing,
// and a dump of every table so a test can assert that a store did not change.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "dsl/model/schema.hpp"
#include "engine/ingest/values.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::testing {

using dsl::model::EnumType;
using dsl::model::Field;
using dsl::model::Kind;
using dsl::model::RecordType;
using dsl::model::Schema;
using dsl::model::Type;

inline Field field(std::string name, Type t, bool optional = false, bool key = false) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(t);
  f.optional = optional;
  f.key = key;
  return f;
}

inline Field ref(std::string name, std::uint32_t target, bool optional = false) {
  Field f = field(std::move(name), Type::of(Kind::string), optional);
  f.ref = dsl::model::Reference{target, "", ""};
  return f;
}

inline void add_record(Schema& s, std::string name, std::vector<Field> fields) {
  RecordType r;
  r.index = static_cast<std::uint32_t>(s.records.size());
  r.name = std::move(name);
  r.fields = std::move(fields);
  for (std::uint32_t i = 0; i < r.fields.size(); ++i)
    if (r.fields[i].key) r.key_fields.push_back(i);
  s.records.push_back(std::move(r));
}

// Built in place: Types point into s.enums, so the schema must not be copied.
inline std::unique_ptr<Schema> make_schema(bool extra = false) {
  auto s = std::make_unique<Schema>();
  s->enums.reserve(4);
  s->enums.push_back(EnumType{"county", "区县", {{"榆次区", ""}, {"太谷区", ""}, {"介休市", ""}}, {}});
  s->enums.push_back(EnumType{"industry", "行业", {{"coking", "焦化"}, {"steel", "钢铁"}}, {}});
  const EnumType* county = &s->enums[0];
  const EnumType* industry = &s->enums[1];
  add_record(*s, "enterprise",
             {field("id", Type::of(Kind::string), false, true), field("name", Type::of(Kind::string)),
              field("county", Type::enumeration(county)), field("industry", Type::enumeration(industry)),
              field("lon", Type::of(Kind::double_), true), field("key_discharge_unit", Type::of(Kind::bool_), true),
              field("emergency_plan_filed_on", Type::of(Kind::date), true)});
  add_record(*s, "facility",
             {field("id", Type::of(Kind::string), false, true), ref("enterprise_id", 0),
              field("kind", Type::of(Kind::string)), field("capacity_t", Type::of(Kind::double_), true)});
  add_record(*s, "transport_entry",
             {ref("enterprise_id", 0), field("plate", Type::of(Kind::string)),
              field("entered_on", Type::of(Kind::date)), field("tonnes", Type::of(Kind::double_), true)});
  add_record(*s, "hw_declaration",
             {ref("enterprise_id", 0), field("year", Type::of(Kind::int_)),
              field("waste_code", Type::of(Kind::string))});
  add_record(*s, "application",
             {field("id", Type::of(Kind::string), false, true), field("industry", Type::enumeration(industry)),
              ref("applicant_id", 0, true)});
  add_record(*s, "application_zone", {ref("application_id", 4), field("zone", Type::of(Kind::string))});
  // The identity checks the schema declares (`validate uscc`, `validate hw_category`).
  s->records[0].fields[0].validator = dsl::model::Validator::uscc;
  s->records[3].fields[2].validator = dsl::model::Validator::hw_category;
  if (extra) {
    s->records[0].fields.push_back(field("park", Type::of(Kind::string), true));
    add_record(*s, "well", {field("id", Type::of(Kind::string), false, true), ref("enterprise_id", 0)});
  }
  return s;
}

// A valid 统一社会信用代码 built from a 17-character prefix.
inline std::string uscc(std::string prefix17) {
  prefix17 += ingest::uscc_check_char(prefix17);
  return prefix17;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ecoaudit-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// Every row of every table (records, history, batches), in a stable order.
inline std::string dump(SQLite::Database& db) {
  std::string out;
  SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> names;
  while (tables.executeStep()) names.push_back(tables.getColumn(0).getString());
  for (const auto& t : names) {
    out += "## " + t + "\n";
    SQLite::Statement q(db, "SELECT * FROM \"" + t + "\" ORDER BY 1");
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) {
        out += q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString();
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace eco::engine::testing
