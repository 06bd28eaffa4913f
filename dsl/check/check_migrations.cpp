// Pass 3b: the declared schema migrations (after the schema, which their names resolve in).
//
// A migration only knows this schema; the earlier one is in the store. So what can be checked
// here is what a step says about this schema: the names after `->` (and the record and field
// of a field step) exist, the names before `->` no longer do (otherwise the step would not be
// a rename, a merge or a split), a conversion exists from the old type to the field's, a
// default is a value of its field. Whether a step applies to a given store is decided by
// `ecoaudit migrate` against the store's recorded schema (engine/migrate).
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/common/codes.hpp"
#include "dsl/common/date.hpp"

namespace eco::dsl::check {

namespace {

using model::Kind;
using model::MigrationStep;

// The storable scalar types a `convert ... from` may name; any other name is an enum of the
// earlier schema.
const std::map<std::string, Kind, std::less<>>& scalar_types() {
  static const std::map<std::string, Kind, std::less<>> m = {
      {"string", Kind::string}, {"int", Kind::int_},          {"uint", Kind::uint_},
      {"double", Kind::double_}, {"bool", Kind::bool_},       {"date", Kind::date},
      {"timestamp", Kind::timestamp}, {"duration", Kind::duration},
  };
  return m;
}

bool numeric(Kind k) { return k == Kind::int_ || k == Kind::uint_ || k == Kind::double_; }

// Whether values of kind `from` can be converted to kind `to` (each value is then converted as
// an imported cell would be, and a value that does not convert stops the migration).
bool convertible(Kind from, Kind to) {
  if (from == Kind::string || to == Kind::string) return true;
  if (numeric(from) && numeric(to)) return true;
  if ((from == Kind::bool_ && (to == Kind::int_ || to == Kind::uint_)) ||
      (to == Kind::bool_ && (from == Kind::int_ || from == Kind::uint_)))
    return true;
  return from == Kind::enum_ && to == Kind::enum_;
}

// Whether `text` is a value of field `f` as an imported cell would be read ("" when it is,
// else why not).
std::string value_problem(const model::Field& f, const std::string& text) {
  switch (f.type.kind) {
    case Kind::string: return text.empty() ? "an empty default is no value" : "";
    case Kind::enum_:
      if (f.type.enum_type && f.type.enum_type->find(text) >= 0) return "";
      return fmt::format("'{}' is not a value of enum {}", text, f.type.enum_type ? f.type.enum_type->name : "?");
    case Kind::date: return parse_date(text) ? "" : fmt::format("'{}' is not a date (YYYY-MM-DD)", text);
    case Kind::bool_:
      return (text == "true" || text == "false" || text == "是" || text == "否" || text == "1" || text == "0")
                 ? ""
                 : fmt::format("'{}' is not a bool (true, false, 是, 否, 1, 0)", text);
    case Kind::int_:
    case Kind::uint_: {
      long long v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size() || (f.type.kind == Kind::uint_ && v < 0))
        return fmt::format("'{}' is not {}", text, f.type.kind == Kind::uint_ ? "a uint" : "an int");
      return "";
    }
    case Kind::double_: {
      char* end = nullptr;
      std::strtod(text.c_str(), &end);
      return !text.empty() && end == text.c_str() + text.size() ? "" : fmt::format("'{}' is not a number", text);
    }
    default: return "";
  }
}

struct MigrationChecker {
  Context& ctx;
  const model::Schema& schema;

  // The record a step names (this schema's), or nullptr after D031.
  const model::RecordType* record(const ast::Name& n, const char* what) {
    if (const auto* r = schema.find_record(n.text)) return r;
    std::vector<std::string> names;
    for (const auto& r : schema.records) names.push_back(r.name);
    auto& d = ctx.diags.error(code::kMigrationName, n.range,
                              fmt::format("{}: the schema has no record type '{}'", what, n.text));
    if (auto s = closest(n.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
    return nullptr;
  }
  const model::Field* field(const model::RecordType& r, const ast::Name& n, const char* what) {
    if (int i = r.find_field(n.text); i >= 0) return &r.fields[i];
    std::vector<std::string> names;
    for (const auto& f : r.fields) names.push_back(f.name);
    auto& d = ctx.diags.error(code::kMigrationName, n.range,
                              fmt::format("{}: record type '{}' has no field '{}'", what, r.name, n.text));
    if (auto s = closest(n.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
    return nullptr;
  }

  std::optional<MigrationStep> rename(const ast::MigrationStepDecl& st) {
    MigrationStep out;
    out.range = st.range;
    out.from = st.from.text;
    if (st.record_rename) {
      out.kind = MigrationStep::Kind::rename_record;
      out.record = st.record.text;
      if (!record(st.record, "rename record")) return std::nullopt;
      if (schema.find_record(st.from.text)) {
        ctx.diags.error(code::kMigrationName, st.from.range,
                        fmt::format("rename record: '{}' is still a record type of the schema; a rename's old name "
                                    "is no longer declared",
                                    st.from.text));
        return std::nullopt;
      }
      return out;
    }
    out.kind = MigrationStep::Kind::rename_field;
    out.record = st.record.text;
    out.field = st.field.text;
    const auto* r = record(st.record, "rename field");
    if (!r || !field(*r, st.field, "rename field")) return std::nullopt;
    if (r->find_field(st.from.text) >= 0) {
      ctx.diags.error(code::kMigrationName, st.from.range,
                      fmt::format("rename field: '{}' is still a field of '{}'; a rename's old name is no longer "
                                  "declared",
                                  st.from.text, r->name));
      return std::nullopt;
    }
    return out;
  }

  std::optional<MigrationStep> convert(const ast::MigrationStepDecl& st) {
    MigrationStep out{MigrationStep::Kind::convert, st.record.text, st.field.text, st.from.text, "", "", {}, {}, st.range};
    const auto* r = record(st.record, "convert");
    const auto* f = r ? field(*r, st.field, "convert") : nullptr;
    if (!f) return std::nullopt;
    if (f->ref || f->key) {
      ctx.diags.error(code::kMigrationType, st.field.range,
                      fmt::format("convert: {}.{} is a {}; a migration does not change the type of keys or references",
                                  r->name, f->name, f->key ? "key" : "reference"));
      return std::nullopt;
    }
    const auto it = scalar_types().find(st.from.text);
    const Kind from = it != scalar_types().end() ? it->second : Kind::enum_;
    const std::string now = model::to_string(f->type);
    if (it == scalar_types().end() && scalar_types().count(now) == 0 && f->type.enum_type &&
        f->type.enum_type->name == st.from.text) {
      ctx.diags.error(code::kMigrationType, st.from.range,
                      fmt::format("convert: {}.{} already has type {}", r->name, f->name, now));
      return std::nullopt;
    }
    if (it != scalar_types().end() && f->type.kind == from) {
      ctx.diags.error(code::kMigrationType, st.from.range,
                      fmt::format("convert: {}.{} already has type {}", r->name, f->name, now));
      return std::nullopt;
    }
    if (!convertible(from, f->type.kind)) {
      auto& d = ctx.diags.error(code::kMigrationType, st.from.range,
                                fmt::format("convert: no conversion from {} to {} ({}.{})", st.from.text, now,
                                            r->name, f->name));
      add_note(d, "conversions: anything to and from string, between int, uint and double, between bool and "
                  "int or uint, from an enum to an enum");
      return std::nullopt;
    }
    return out;
  }

  std::optional<MigrationStep> require(const ast::MigrationStepDecl& st) {
    MigrationStep out{MigrationStep::Kind::require, st.record.text, st.field.text, "", st.to.text, "", {}, {}, st.range};
    const auto* r = record(st.record, "require");
    const auto* f = r ? field(*r, st.field, "require") : nullptr;
    if (!f) return std::nullopt;
    if (f->optional) {
      ctx.diags.error(code::kMigrationType, st.field.range,
                      fmt::format("require: {}.{} is optional in the schema; `require` gives old rows a value for a "
                                  "field that is now required",
                                  r->name, f->name));
      return std::nullopt;
    }
    if (f->key || f->ref) {
      ctx.diags.error(code::kMigrationType, st.field.range,
                      fmt::format("require: {}.{} is a {}; a default cannot make up a {}", r->name, f->name,
                                  f->key ? "key" : "reference", f->key ? "key" : "reference"));
      return std::nullopt;
    }
    if (auto why = value_problem(*f, st.to.text); !why.empty()) {
      ctx.diags.error(code::kMigrationType, st.to.range,
                      fmt::format("require: the default of {}.{} ({}): {}", r->name, f->name,
                                  model::to_string(f->type), why));
      return std::nullopt;
    }
    return out;
  }

  std::optional<MigrationStep> map(const ast::MigrationStepDecl& st) {
    MigrationStep out{MigrationStep::Kind::map_values, "", "", "", st.to.text, st.enum_name.text, {}, {}, st.range};
    const auto* e = schema.find_enum(st.enum_name.text);
    if (!e) {
      ctx.diags.error(code::kMigrationName, st.enum_name.range,
                      fmt::format("map: the schema has no enum '{}'", st.enum_name.text));
      return std::nullopt;
    }
    bool ok = true;
    if (e->find(st.to.text) < 0) {
      ctx.diags.error(code::kMigrationValue, st.to.range,
                      fmt::format("map: '{}' is not a value of enum {}", st.to.text, e->name));
      ok = false;
    }
    for (const auto& v : st.values) {
      if (e->find(v.text) >= 0) {
        ctx.diags.error(code::kMigrationValue, v.range,
                        fmt::format("map: '{}' is still a value of enum {}; only values the enum no longer has are "
                                    "mapped",
                                    v.text, e->name));
        ok = false;
      }
      out.values.push_back(v.text);
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<MigrationStep> split(const ast::MigrationStepDecl& st) {
    MigrationStep out{MigrationStep::Kind::split_value, st.record.text, st.field.text, st.from.text, "", "", {}, {}, st.range};
    const auto* r = record(st.record, "split");
    const auto* f = r ? field(*r, st.field, "split") : nullptr;
    if (!f) return std::nullopt;
    const model::EnumType* e = f->type.kind == Kind::enum_ ? f->type.enum_type : nullptr;
    if (!e) {
      ctx.diags.error(code::kMigrationType, st.field.range,
                      fmt::format("split: {}.{} is a {}, not an enum", r->name, f->name, model::to_string(f->type)));
      return std::nullopt;
    }
    bool ok = true;
    if (e->find(st.from.text) >= 0) {
      ctx.diags.error(code::kMigrationValue, st.from.range,
                      fmt::format("split: '{}' is still a value of enum {}; only a value the enum no longer has is "
                                  "split",
                                  st.from.text, e->name));
      ok = false;
    }
    for (std::size_t i = 0; i < st.choices.size(); ++i) {
      const auto& c = st.choices[i];
      if (e->find(c.value.text) < 0) {
        ctx.diags.error(code::kMigrationValue, c.value.range,
                        fmt::format("split: '{}' is not a value of enum {}", c.value.text, e->name));
        ok = false;
      }
      if (!c.when_field && i + 1 < st.choices.size()) {
        ctx.diags.error(code::kMigrationValue, c.range,
                        "split: only the last choice may go without `when` (it takes the rows no other choice took)");
        ok = false;
      }
      if (c.when_field && r->find_field(c.when_field->text) < 0) {
        ctx.diags.error(code::kMigrationValue, c.when_field->range,
                        fmt::format("split: record type '{}' has no field '{}' to decide by", r->name,
                                    c.when_field->text));
        ok = false;
      }
      out.choices.push_back({c.value.text, c.when_field ? c.when_field->text : "",
                             c.when_value ? c.when_value->text : ""});
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void migration(const ast::MigrationDecl& md, std::map<std::string, SourceRange>& ids) {
    if (md.id.value.empty()) {
      ctx.diags.error(code::kMigrationName, md.id.range, "a migration's id is not empty: it is recorded in the store");
      return;
    }
    if (auto [it, fresh] = ids.emplace(md.id.value, md.id.range); !fresh) {
      auto& d = ctx.diags.error(code::kMigrationName, md.id.range,
                                fmt::format("migration '{}' is declared twice", md.id.value));
      add_note(d, "first declared here", it->second);
      return;
    }
    model::Migration m;
    m.id = md.id.value;
    m.title = md.title ? md.title->value : "";
    m.range = md.range;
    bool ok = true;
    for (const auto& st : md.steps) {
      std::optional<MigrationStep> s;
      const std::string& v = st.verb.text;
      if (v == "rename") s = rename(st);
      else if (v == "convert") s = convert(st);
      else if (v == "require") s = require(st);
      else if (v == "map") s = map(st);
      else s = split(st);
      if (s) m.steps.push_back(std::move(*s));
      else ok = false;
    }
    if (ok) ctx.rs.schema.migrations.push_back(std::move(m));
  }
};

}  // namespace

void check_migrations(Context& ctx) {
  MigrationChecker c{ctx, ctx.rs.schema};
  std::map<std::string, SourceRange> ids;
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls)
      if (const auto* md = std::get_if<ast::MigrationDecl>(&decl)) c.migration(*md, ids);
}

}  // namespace eco::dsl::check
