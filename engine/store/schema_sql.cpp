#include "engine/store/schema_sql.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace eco::engine::store {

using dsl::model::Field;
using dsl::model::Kind;
using dsl::model::RecordType;
using dsl::model::Schema;
using json = nlohmann::ordered_json;

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string_view column_type(const Field& f) {
  switch (f.type.kind) {
    case Kind::bool_:
    case Kind::int_:
    case Kind::uint_: return "INTEGER";
    case Kind::double_: return "REAL";
    case Kind::string:
    case Kind::enum_:
    case Kind::date:
    case Kind::timestamp:
    case Kind::duration: return "TEXT";
    default: return "";
  }
}

std::string history_table(std::string_view record) { return "_history_" + std::string(record); }

namespace {

std::string type_name(const Field& f) {
  if (f.type.kind == Kind::enum_ && f.type.enum_type) return "enum:" + f.type.enum_type->name;
  return dsl::model::to_string(f.type);
}

std::string target_name(const Schema& s, const Field& f) {
  if (!f.ref || f.ref->target >= s.records.size()) return "";
  return s.records[f.ref->target].name;
}

json describe_field(const Schema& s, const Field& f) {
  json d{{"name", f.name}, {"type", type_name(f)}, {"optional", f.optional}, {"key", f.key}, {"ref", target_name(s, f)}};
  // Only when set: the schema versions of stores without unchecked references stay the same.
  if (f.ref && f.ref->unchecked) d["unchecked"] = true;
  return d;
}

json describe(const Schema& s) {
  json records = json::array();
  for (const auto& r : s.records) {
    json fields = json::array();
    for (const auto& f : r.fields) fields.push_back(describe_field(s, f));
    records.push_back(json{{"name", r.name}, {"fields", std::move(fields)}});
  }
  json enums = json::array();
  for (const auto& e : s.enums) {
    json values = json::array();
    for (const auto& v : e.values) values.push_back(v.name);
    enums.push_back(json{{"name", e.name}, {"values", std::move(values)}});
  }
  return json{{"format", 1}, {"records", std::move(records)}, {"enums", std::move(enums)}};
}

// The single key field a reference can point at, or nullptr when the target has no key or a
// composite one (the checker rejects such references; the store then just skips the FK).
const Field* single_key(const RecordType& r) {
  if (r.key_fields.size() != 1) return nullptr;
  return &r.fields[r.key_fields[0]];
}

std::string column_def(const Schema& s, const Field& f, bool for_history) {
  std::string def = fmt::format("{} {}", quote_ident(f.name), column_type(f));
  if (!for_history && !f.optional) def += " NOT NULL";
  if (!for_history && f.ref && !f.ref->unchecked && f.ref->target < s.records.size()) {
    const auto& target = s.records[f.ref->target];
    if (const Field* k = single_key(target))
      def += fmt::format(" REFERENCES {}({}) DEFERRABLE INITIALLY DEFERRED", quote_ident(target.name),
                         quote_ident(k->name));
  }
  return def;
}

}  // namespace

std::string index_name(const RecordType& r, const Field& f) { return r.name + "__" + f.name; }

std::string unique_index_name(const RecordType& r) { return r.name + (r.key_fields.empty() ? "___identity" : "___key"); }

std::string unique_index_sql(const RecordType& r, bool unique) {
  std::string cols;
  if (r.key_fields.empty()) cols = "_hash, _dup";
  for (auto k : r.key_fields) cols += (cols.empty() ? "" : ", ") + quote_ident(r.fields[k].name);
  return fmt::format("CREATE {}INDEX IF NOT EXISTS {} ON {}({})", unique ? "UNIQUE " : "",
                     quote_ident(unique_index_name(r)), quote_ident(r.name), cols);
}

std::string index_sql(const RecordType& r, const Field& f) {
  return fmt::format("CREATE INDEX IF NOT EXISTS {} ON {}({})", quote_ident(index_name(r, f)),
                     quote_ident(r.name), quote_ident(f.name));
}

namespace {
}  // namespace

std::string describe_schema(const Schema& schema) { return describe(schema).dump(); }

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string schema_version(const Schema& schema) { return sha256_hex(describe_schema(schema)); }

std::vector<std::string> storability_problems(const Schema& schema) {
  std::vector<std::string> out;
  for (const auto& r : schema.records) {
    if (r.name.empty() || r.name[0] == '_')
      out.push_back(fmt::format("record type '{}': names starting with '_' are reserved by the store", r.name));
    for (const auto& f : r.fields) {
      if (f.name.empty() || f.name[0] == '_')
        out.push_back(fmt::format("field {}.{}: names starting with '_' are reserved by the store", r.name, f.name));
      if (column_type(f).empty())
        out.push_back(fmt::format("field {}.{}: type {} cannot be stored in a record", r.name, f.name,
                                  dsl::model::to_string(f.type)));
    }
  }
  return out;
}

std::vector<std::string> create_meta_sql() {
  return {
      "CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS _batch (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, "
      "finished_at TEXT, ruleset TEXT, ruleset_sha256 TEXT, rows_read INTEGER NOT NULL DEFAULT 0, "
      "rows_new INTEGER NOT NULL DEFAULT 0, rows_updated INTEGER NOT NULL DEFAULT 0, "
      "rows_unchanged INTEGER NOT NULL DEFAULT 0)",
      "CREATE TABLE IF NOT EXISTS _batch_file (id INTEGER PRIMARY KEY, batch INTEGER NOT NULL "
      "REFERENCES _batch(id), path TEXT NOT NULL, format TEXT NOT NULL, encoding TEXT NOT NULL, "
      "sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0, "
      "rows_new INTEGER NOT NULL DEFAULT 0, rows_updated INTEGER NOT NULL DEFAULT 0, "
      "rows_unchanged INTEGER NOT NULL DEFAULT 0)",
      "CREATE INDEX IF NOT EXISTS _batch_file__batch ON _batch_file(batch)",
  };
}

std::string create_table_sql(const Schema& schema, const RecordType& r, std::string_view table, bool history) {
  std::string cols = history ? "_row INTEGER NOT NULL" : "_row INTEGER PRIMARY KEY";
  for (const auto& f : r.fields) cols += ", " + column_def(schema, f, history);
  cols += ", _batch INTEGER NOT NULL, _file INTEGER NOT NULL, _line INTEGER, _loc TEXT";
  // Records without identity are recognised by their content: the hash of their values and
  // the occurrence number of that content, so re-importing a file adds nothing.
  if (!history && r.key_fields.empty()) cols += ", _hash INTEGER NOT NULL, _dup INTEGER NOT NULL";
  if (history) cols += ", _replaced_by INTEGER NOT NULL";
  return fmt::format("CREATE TABLE IF NOT EXISTS {} ({})", quote_ident(table), cols);
}

std::vector<std::string> create_record_sql(const Schema& schema, const RecordType& r) {
  std::vector<std::string> out;
  out.push_back(create_table_sql(schema, r, r.name, false));
  out.push_back(unique_index_sql(r));
  out.push_back(create_table_sql(schema, r, history_table(r.name), true));
  out.push_back(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {}(_row)",
                            quote_ident(history_table(r.name) + "__row"), quote_ident(history_table(r.name))));
  for (const auto& f : r.fields)
    if (f.ref) out.push_back(index_sql(r, f));
  return out;
}

SchemaDiff diff_schema(std::string_view stored_description, const Schema& schema) {
  SchemaDiff d;
  json stored = json::parse(stored_description, nullptr, false);
  if (stored.is_discarded() || !stored.contains("records")) {
    d.incompatible.push_back("the store's recorded schema is unreadable");
    return d;
  }
  json now = describe(schema);
  auto find_by_name = [](const json& arr, const std::string& name) -> const json* {
    for (const auto& x : arr)
      if (x.value("name", "") == name) return &x;
    return nullptr;
  };
  auto field_text = [](const json& f) {
    std::string t = f.value("type", "");
    if (!f.value("ref", "").empty()) t = "ref " + f.value("ref", "") + (f.value("unchecked", false) ? " unchecked" : "");
    return fmt::format("{}{}{}", t, f.value("optional", false) ? " (optional)" : "",
                       f.value("key", false) ? " key" : "");
  };
  for (const auto& sr : stored["records"]) {
    std::string rname = sr.value("name", "");
    const json* nr = find_by_name(now["records"], rname);
    if (!nr) {
      d.incompatible.push_back(fmt::format("record type '{}' is in the store but no longer declared", rname));
      continue;
    }
    for (const auto& sf : sr["fields"]) {
      std::string fname = sf.value("name", "");
      const json* nf = find_by_name((*nr)["fields"], fname);
      if (!nf) {
        d.incompatible.push_back(fmt::format("field {}.{} is in the store but no longer declared", rname, fname));
      } else if (*nf != sf) {
        d.incompatible.push_back(fmt::format("field {}.{} changed: store has {}, ruleset declares {}", rname,
                                             fname, field_text(sf), field_text(*nf)));
      }
    }
    const RecordType* r = schema.find_record(rname);
    for (const auto& nf : (*nr)["fields"]) {
      std::string fname = nf.value("name", "");
      if (find_by_name(sr["fields"], fname)) continue;
      if (!nf.value("optional", false) || nf.value("key", false)) {
        d.incompatible.push_back(fmt::format(
            "field {}.{} is new and required: existing rows have no value for it (make it optional, or declare "
            "`require ... default VALUE`)",
            rname,
            fname));
        continue;
      }
      const Field& f = r->fields[r->find_field(fname)];
      d.additive.push_back(fmt::format("new optional field {}.{}: {}", rname, fname, field_text(nf)));
      d.migration_sql.push_back(fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_ident(rname),
                                            column_def(schema, f, false)));
      d.migration_sql.push_back(fmt::format("ALTER TABLE {} ADD COLUMN {}", quote_ident(history_table(rname)),
                                            column_def(schema, f, true)));
      if (f.ref) d.migration_sql.push_back(index_sql(*r, f));
    }
  }
  for (const auto& r : schema.records) {
    if (find_by_name(stored["records"], r.name)) continue;
    d.additive.push_back(fmt::format("new record type '{}'", r.name));
    for (auto& sql : create_record_sql(schema, r)) d.migration_sql.push_back(std::move(sql));
  }
  if (stored.contains("enums")) {
    for (const auto& se : stored["enums"]) {
      std::string ename = se.value("name", "");
      const json* ne = find_by_name(now["enums"], ename);
      if (!ne) continue;  // an enum no field uses any more; fields using it were compared above
      std::vector<std::string> removed, added;
      for (const auto& v : se["values"])
        if (std::find((*ne)["values"].begin(), (*ne)["values"].end(), v) == (*ne)["values"].end())
          removed.push_back(v.get<std::string>());
      for (const auto& v : (*ne)["values"])
        if (std::find(se["values"].begin(), se["values"].end(), v) == se["values"].end())
          added.push_back(v.get<std::string>());
      if (!removed.empty())
        d.incompatible.push_back(fmt::format("enum '{}' lost values the store may hold: {}", ename,
                                             fmt::join(removed, ", ")));
      if (!added.empty())
        d.additive.push_back(fmt::format("enum '{}' has new values: {}", ename, fmt::join(added, ", ")));
    }
  }
  for (const auto& ne : now["enums"])
    if (!find_by_name(stored.value("enums", json::array()), ne.value("name", "")))
      d.additive.push_back(fmt::format("new enum '{}'", ne.value("name", "")));
  return d;
}

}  // namespace eco::engine::store
