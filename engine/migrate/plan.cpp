// plan(): the recorded schema against the ruleset's, with the declared migrations replayed
// in declaration order over the recorded names (so a store two migrations behind follows
// both renames), each step applied only where the store still has its earlier form.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "engine/migrate/migrate.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::engine::migrate {

namespace {

using dsl::model::MigrationStep;
using json = nlohmann::ordered_json;

// A stored record type and what the replayed renames call it and its fields now.
struct Stored {
  const json* desc = nullptr;
  std::string name;                        // as the migrations have renamed it so far
  std::vector<std::string> fields;         // likewise, by stored field index
  std::vector<std::vector<const MigrationStep*>> steps;  // value steps by stored field index
};

std::string type_of(const json& f) { return f.value("type", ""); }

std::string field_text(const json& f) {
  std::string t = type_of(f);
  if (!f.value("ref", "").empty()) t = "ref " + f.value("ref", "");
  return fmt::format("{}{}{}", t, f.value("optional", false) ? " (optional)" : "", f.value("key", false) ? " key" : "");
}

const json* by_name(const json& arr, std::string_view name) {
  for (const auto& x : arr)
    if (x.value("name", "") == name) return &x;
  return nullptr;
}

// The values the recorded schema gives enum `name` (empty when it had no such enum).
std::vector<std::string> stored_enum(const json& recorded, std::string_view name) {
  std::vector<std::string> out;
  if (!recorded.contains("enums")) return out;
  if (const json* e = by_name(recorded.at("enums"), name))
    for (const auto& v : e->at("values")) out.push_back(v.get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string step_text(const MigrationStep& s) {
  switch (s.kind) {
    case MigrationStep::Kind::rename_record: return fmt::format("record type '{}' renamed '{}'", s.from, s.record);
    case MigrationStep::Kind::rename_field:
      return fmt::format("field {}.{} renamed {}.{}", s.record, s.from, s.record, s.field);
    case MigrationStep::Kind::convert:
      return fmt::format("field {}.{} converted from {} (each value read as an imported cell)", s.record, s.field, s.from);
    case MigrationStep::Kind::map_values:
      return fmt::format("enum {}: {} -> {}", s.enum_name, fmt::join(s.values, ", "), s.to);
    case MigrationStep::Kind::split_value: {
      std::vector<std::string> choices;
      for (const auto& c : s.choices)
        choices.push_back(c.when_field.empty() ? c.value
                                               : fmt::format("{} when {} = '{}'", c.value, c.when_field, c.when_value));
      return fmt::format("field {}.{}: {} -> {}", s.record, s.field, s.from, fmt::join(choices, ", "));
    }
    case MigrationStep::Kind::require:
      return fmt::format("field {}.{} now required: rows without a value get '{}'", s.record, s.field, s.to);
  }
  return "";
}

}  // namespace

namespace {

class Planner {
 public:
  Planner(const json& recorded, const json& now, const dsl::model::Schema& schema, Plan& out)
      : recorded_(recorded), now_(now), schema_(schema), out_(out) {
    for (const auto& r : recorded_.at("records")) {
      Stored s{&r, r.value("name", ""), {}, {}};
      for (const auto& f : r.at("fields")) s.fields.push_back(f.value("name", ""));
      s.steps.resize(s.fields.size());
      stored_.push_back(std::move(s));
    }
  }

  // Replays the declared migrations in order over the stored names: record renames first
  // within each migration (its field steps name its records by their new names), then the
  // field renames, then the value steps, each where the store still has its earlier form.
  void replay() {
    std::set<std::string> applied;
    for (const auto& m : schema_.migrations) {
      auto took = [&](const MigrationStep& s) {
        applied.insert(m.id);
        out_.actions.push_back(fmt::format("{} (migration '{}')", step_text(s), m.id));
      };
      for (const auto& s : m.steps)
        if (s.kind == MigrationStep::Kind::rename_record)
          if (Stored* r = find(s.from); r && !find(s.record)) {
            r->name = s.record;
            took(s);
          }
      for (const auto& s : m.steps)
        if (s.kind == MigrationStep::Kind::rename_field)
          if (Stored* r = find(s.record)) {
            const int from = field_index(*r, s.from);
            if (from >= 0 && field_index(*r, s.field) < 0) {
              r->fields[from] = s.field;
              took(s);
            }
          }
      for (const auto& s : m.steps)
        if (value_step(s)) took(s);
    }
    for (const auto& m : schema_.migrations)
      if (applied.count(m.id)) out_.migrations.push_back(m.id);
  }

  void records() {
    std::vector<bool> used(stored_.size(), false);
    for (const auto& r : schema_.records) {
      Stored* s = find(r.name);
      if (s) used[s - stored_.data()] = true;
      out_.records.push_back(record(r, s));
    }
    for (std::size_t i = 0; i < stored_.size(); ++i)
      if (!used[i])
        out_.differences.push_back(fmt::format("record type '{}' is in the store but not in the ruleset: declare "
                                               "`rename record {} -> NEW` (a record type is never dropped: its rows "
                                               "would be lost)",
                                               stored_[i].name, stored_[i].name));
  }

 private:
  Stored* find(std::string_view name) {
    for (auto& s : stored_)
      if (s.name == name) return &s;
    return nullptr;
  }
  static int field_index(const Stored& s, std::string_view name) {
    for (std::size_t i = 0; i < s.fields.size(); ++i)
      if (s.fields[i] == name) return static_cast<int>(i);
    return -1;
  }

  // A map, convert, split or require step: true when it applies to the store.
  bool value_step(const MigrationStep& s) {
    if (s.kind == MigrationStep::Kind::map_values) {
      const auto old_values = stored_enum(recorded_, s.enum_name);
      bool any = false;
      for (const auto& v : s.values)
        if (contains(old_values, v)) enum_maps_[s.enum_name][v] = s.to, any = true;
      return any;
    }
    if (s.kind == MigrationStep::Kind::rename_record || s.kind == MigrationStep::Kind::rename_field) return false;
    Stored* r = find(s.record);
    if (!r) return false;
    const int fi = field_index(*r, s.field);
    // A new required field given a default: found again by require_step() when planned.
    if (fi < 0) return s.kind == MigrationStep::Kind::require;
    const json& sf = r->desc->at("fields").at(static_cast<std::size_t>(fi));
    const std::string t = type_of(sf);
    bool applies = false;
    if (s.kind == MigrationStep::Kind::convert) applies = t == s.from || t == "enum:" + s.from;
    else if (s.kind == MigrationStep::Kind::split_value)
      applies = t.rfind("enum:", 0) == 0 && contains(stored_enum(recorded_, t.substr(5)), s.from);
    else applies = sf.value("optional", false);  // require: the field was optional
    if (applies) r->steps[fi].push_back(&s);
    return applies;
  }

  const MigrationStep* require_step(std::string_view record, std::string_view field) const {
    for (const auto& m : schema_.migrations)
      for (const auto& s : m.steps)
        if (s.kind == MigrationStep::Kind::require && s.record == record && s.field == field) return &s;
    return nullptr;
  }

  RecordPlan record(const dsl::model::RecordType& r, Stored* s) {
    RecordPlan rp;
    rp.record = r.index;
    if (!s) {
      out_.actions.push_back(fmt::format("new record type '{}'", r.name));
      for (std::uint32_t i = 0; i < r.fields.size(); ++i) rp.fields.push_back(FieldPlan{i, "", "", false, {}, {}, {}});
      return rp;
    }
    rp.source = s->desc->value("name", "");
    std::vector<bool> field_used(s->fields.size(), false);
    const json& nr = *by_name(now_.at("records"), r.name);
    for (std::uint32_t i = 0; i < r.fields.size(); ++i) {
      const int si = field_index(*s, r.fields[i].name);
      if (si >= 0) field_used[si] = true;
      rp.fields.push_back(field(r, i, nr.at("fields").at(i), *s, si));
    }
    for (std::size_t si = 0; si < s->fields.size(); ++si)
      if (!field_used[si])
        out_.differences.push_back(fmt::format("field {}.{} is in the store but not in the ruleset: declare `rename "
                                               "field {}.{} -> NEW` (a field is never dropped: its values would be "
                                               "lost)",
                                               r.name, s->fields[si], r.name, s->fields[si]));
    return rp;
  }

  FieldPlan field(const dsl::model::RecordType& r, std::uint32_t i, const json& nf, const Stored& s, int si) {
    const auto& f = r.fields[i];
    FieldPlan fp{i, "", "", false, {}, {}, {}};
    if (si < 0) {
      if (f.optional) out_.actions.push_back(fmt::format("new optional field {}.{}", r.name, f.name));
      else if (const MigrationStep* rq = require_step(r.name, f.name)) fp.default_text = rq->to;
      else if (f.key || f.ref)  // no default can make up a key or a reference: it was stored under another name
        out_.differences.push_back(fmt::format("field {}.{} is new and required, and the store's rows have no value "
                                               "for it: if a stored field became it, declare `rename field {}.OLD -> "
                                               "{}`",
                                               r.name, f.name, r.name, f.name));
      else
        out_.differences.push_back(fmt::format("field {}.{} is new and required, and the store's rows have no value "
                                               "for it: declare `require {}.{} default VALUE`",
                                               r.name, f.name, r.name, f.name));
      return fp;
    }
    const json& sf = s.desc->at("fields").at(static_cast<std::size_t>(si));
    fp.source = sf.value("name", "");
    fp.stored_type = type_of(sf);
    for (const MigrationStep* st : s.steps[si]) {
      if (st->kind == MigrationStep::Kind::convert) fp.convert = true;
      if (st->kind == MigrationStep::Kind::split_value) fp.splits[st->from] = st;
      if (st->kind == MigrationStep::Kind::require) fp.default_text = st->to;
    }
    compare(r, f, sf, nf, fp);
    return fp;
  }

  // What differs between a stored field and its new declaration with no step to cover it.
  void compare(const dsl::model::RecordType& r, const dsl::model::Field& f, const json& sf, const json& nf,
               FieldPlan& fp) {
    // Keys and references: a migration renames them with their record, never changes them.
    if (sf.value("key", false) != nf.value("key", false))
      out_.differences.push_back(fmt::format("field {}.{} changed: store has {}, ruleset declares {} (no migration "
                                             "changes a key)",
                                             r.name, f.name, field_text(sf), field_text(nf)));
    const std::string sref = sf.value("ref", "");
    std::string sref_now = sref;  // the stored target under the name the renames gave it
    for (const auto& x : stored_)
      if (!sref.empty() && x.desc->value("name", "") == sref) sref_now = x.name;
    if (sref_now != nf.value("ref", ""))
      out_.differences.push_back(fmt::format("field {}.{} changed: store has {}, ruleset declares {} (no migration "
                                             "changes what a reference names)",
                                             r.name, f.name, field_text(sf), field_text(nf)));
    const std::string ntype = type_of(nf);
    if (fp.stored_type != ntype && !fp.convert && sref.empty())
      out_.differences.push_back(fmt::format(
          "field {}.{} changed type: store has {}, ruleset declares {}: declare `convert {}.{} from {}`", r.name,
          f.name, fp.stored_type, ntype, r.name, f.name,
          fp.stored_type.rfind("enum:", 0) == 0 ? fp.stored_type.substr(5) : fp.stored_type));
    if (sf.value("optional", false) && !f.optional && !fp.default_text)
      out_.differences.push_back(fmt::format("field {}.{} is now required and the store's rows may have no value: "
                                             "declare `require {}.{} default VALUE`",
                                             r.name, f.name, r.name, f.name));
    if (!sf.value("optional", false) && f.optional)
      out_.actions.push_back(fmt::format("field {}.{} now optional", r.name, f.name));
    if (fp.stored_type.rfind("enum:", 0) != 0) return;
    // Enum values the store may hold that the field's enum no longer has.
    const std::string old_enum = fp.stored_type.substr(5);
    if (auto it = enum_maps_.find(old_enum); it != enum_maps_.end()) fp.value_map = it->second;
    const auto* ne = f.type.kind == dsl::model::Kind::enum_ ? f.type.enum_type : nullptr;
    if (!ne || fp.convert) return;  // a conversion checks each value
    for (const auto& v : stored_enum(recorded_, old_enum))
      if (ne->find(v) < 0 && !fp.value_map.count(v) && !fp.splits.count(v))
        out_.differences.push_back(fmt::format("enum value {}.{} is gone and field {}.{} may hold it: declare `map "
                                               "{} {} -> NEW` or `split {}.{} {} -> NEW when FIELD = VALUE, ...`",
                                               old_enum, v, r.name, f.name, ne->name, v, r.name, f.name, v));
  }

  const json& recorded_;
  const json& now_;
  const dsl::model::Schema& schema_;
  Plan& out_;
  std::vector<Stored> stored_;
  std::map<std::string, std::map<std::string, std::string>> enum_maps_;  // enum -> old -> new
};

}  // namespace

Plan plan(std::string_view recorded_text, const dsl::model::Schema& schema) {
  Plan out;
  const json recorded = json::parse(recorded_text, nullptr, false);
  if (recorded.is_discarded() || !recorded.contains("records")) {
    out.differences.push_back("the store's recorded schema is unreadable");
    return out;
  }
  const json now = json::parse(store::describe_schema(schema));
  if (recorded == now) {
    out.up_to_date = true;
    return out;
  }
  Planner planner(recorded, now, schema, out);
  planner.replay();
  planner.records();
  return out;
}

}  // namespace eco::engine::migrate
