#pragma once
// A small hand-built schema (enterprise, facility, keyless child records, an application
// with nested zones) for store and import tests, with the shared helpers
// (tests/support/store_helpers.hpp: schema building, temp folders, file writing, a dump of
// every table so a test can assert that a store did not change).
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "dsl/model/schema.hpp"
#include "engine/ingest/values.hpp"
#include "engine/store/store.hpp"
#include "tests/support/store_helpers.hpp"

namespace eco::engine::testing {

using dsl::model::EnumType;
using dsl::model::Field;
using dsl::model::Kind;
using dsl::model::RecordType;
using dsl::model::Schema;
using dsl::model::Type;
using eco::testing::add_record;
using eco::testing::dump;
using eco::testing::field;
using eco::testing::ref;
using eco::testing::TempDir;

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

}  // namespace eco::engine::testing
