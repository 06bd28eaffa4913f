#include "engine/screening/staging.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/store/schema_sql.hpp"

namespace eco::engine::screening {

namespace model = dsl::model;
using store::quote_ident;

std::vector<std::uint32_t> document_records(const model::Schema& schema, std::uint32_t screened) {
  std::vector<bool> in(schema.records.size(), false);
  in[screened] = true;
  // A fixed point over the references: a type referencing a member is a member.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& r : schema.records) {
      if (in[r.index]) continue;
      for (const auto& f : r.fields)
        if (f.ref && f.ref->target < in.size() && in[f.ref->target]) {
          in[r.index] = grew = true;
          break;
        }
    }
  }
  std::vector<std::uint32_t> out{screened};
  for (const auto& r : schema.records)
    if (in[r.index] && r.index != screened) out.push_back(r.index);
  return out;
}

namespace {

// A key blank to the eye: only spaces (ASCII, U+3000 ideographic, U+00A0 no-break) and tabs.
bool blank(std::string_view s) {
  while (!s.empty()) {
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') s.remove_prefix(1);
    else if (s.substr(0, 3) == "\xE3\x80\x80") s.remove_prefix(3);
    else if (s.substr(0, 2) == "\xC2\xA0") s.remove_prefix(2);
    else return false;
  }
  return true;
}

// The key of the row a statement's columns [first, first + n) hold, as ImportResult::keys
// lists keys (composite keys joined with '|').
std::string key_at(SQLite::Statement& q, int first, std::size_t n) {
  std::string key;
  for (std::size_t i = 0; i < n; ++i) key += (i ? "|" : "") + q.getColumn(first + static_cast<int>(i)).getString();
  return key;
}

std::string key_columns(const model::RecordType& r, const std::string& table) {
  std::string cols;
  for (auto k : r.key_fields) cols += (cols.empty() ? "" : ", ") + table + "." + quote_ident(r.fields[k].name);
  return cols;
}

ingest::ImportError error_at(SQLite::Statement& q, const model::RecordType& r, const char* code, std::string message) {
  ingest::ImportError e;
  e.file = q.getColumn(0).getString();
  e.line = static_cast<std::uint32_t>(q.getColumn(1).getInt64());
  e.location = q.getColumn(2).getString();
  e.record = r.name;
  e.code = code;
  e.message = std::move(message);
  return e;
}

std::vector<ingest::ImportError> vet(store::Store& st, const ingest::ImportResult& staged, const StagingRules& rules,
                                     const std::vector<std::uint32_t>& family) {
  const auto& schema = st.schema();
  auto& db = st.db();
  std::vector<ingest::ImportError> errors;
  const auto& screened = schema.records[rules.screened];
  std::vector<bool> in_family(schema.records.size(), false);
  for (auto i : family) in_family[i] = true;
  // The keys of the documents' records, per record type of the family.
  std::vector<std::set<std::string>> keys(schema.records.size());
  for (auto i : family)
    if (auto it = staged.keys.find(schema.records[i].name); it != staged.keys.end())
      keys[i].insert(it->second.begin(), it->second.end());
  const auto where = [](const std::string& cols) {
    return fmt::format("SELECT f.path, coalesce(r._line, 0), coalesce(r._loc, ''){}{} FROM {{}} r JOIN _batch_file f ON "
                       "f.id = r._file WHERE r._batch = ?",
                       cols.empty() ? "" : ", ", cols);
  };

  // A blank application id names nothing a permit officer can find again.
  for (const auto& k : keys[rules.screened]) {
    if (!blank(k)) continue;
    SQLite::Statement q(db, fmt::format(fmt::runtime(where(key_columns(screened, "r"))), quote_ident(screened.name)));
    q.bind(1, static_cast<int64_t>(staged.staged_batch));
    bool found = false;
    while (q.executeStep())
      if (key_at(q, 3, screened.key_fields.size()) == k) {
        auto e = error_at(q, screened, ingest::code::kValue, fmt::format("the {} id '{}' is blank", screened.name, k));
        if (screened.key_fields.size() == 1) e.field = screened.fields[screened.key_fields[0]].name;
        errors.push_back(std::move(e));
        found = true;
      }
    if (!found) {
      ingest::ImportError e;
      e.file = staged.files.empty() ? "" : staged.files.front().path;
      e.record = screened.name;
      e.code = ingest::code::kValue;
      e.message = fmt::format("the {} id '{}' is blank", screened.name, k);
      errors.push_back(std::move(e));
    }
  }

  // Every child belongs to a record of the documents: its references into the family name
  // records of this batch (a child naming another, stored application would add to it).
  for (auto ci : family) {
    if (ci == rules.screened) continue;
    const auto& c = schema.records[ci];
    std::vector<std::uint32_t> refs;
    for (std::uint32_t fi = 0; fi < c.fields.size(); ++fi)
      if (c.fields[fi].ref && c.fields[fi].ref->target < in_family.size() && in_family[c.fields[fi].ref->target])
        refs.push_back(fi);
    std::string cols;
    for (auto fi : refs) cols += (cols.empty() ? "" : ", ") + std::string("r.") + quote_ident(c.fields[fi].name);
    SQLite::Statement q(db, fmt::format(fmt::runtime(where(cols)), quote_ident(c.name)));
    q.bind(1, static_cast<int64_t>(staged.staged_batch));
    while (q.executeStep()) {
      bool any = false;
      for (std::size_t i = 0; i < refs.size(); ++i) {
        const auto col = q.getColumn(3 + static_cast<int>(i));
        if (col.isNull()) continue;
        any = true;
        const auto& f = c.fields[refs[i]];
        const auto& parent = schema.records[f.ref->target];
        const std::string v = col.getString();
        if (keys[parent.index].count(v)) continue;
        auto e = error_at(q, c, ingest::code::kStructure,
                          fmt::format("{} '{}' is not in the documents: a screening document holds only its own "
                                      "{} records and their children",
                                      parent.name, v, screened.name));
        e.field = f.name;
        errors.push_back(std::move(e));
      }
      if (!any)
        errors.push_back(error_at(q, c, ingest::code::kStructure,
                                  fmt::format("belongs to no {} of the documents: a screening document holds only its "
                                              "own {} records and their children",
                                              screened.name, screened.name)));
    }
  }

  // Without `replace`, nothing stored is replaced: a replaced version went to history with
  // this batch as its _replaced_by.
  if (!rules.replace)
    for (auto ri : family) {
      const auto& r = schema.records[ri];
      SQLite::Statement q(
          db, fmt::format("SELECT f.path, coalesce(r._line, 0), coalesce(r._loc, ''), h._batch{}{} FROM {} h JOIN {} r "
                          "ON r._row = h._row JOIN _batch_file f ON f.id = r._file WHERE h._replaced_by = ?",
                          r.key_fields.empty() ? "" : ", ", key_columns(r, "h"), quote_ident(store::history_table(r.name)),
                          quote_ident(r.name)));
      q.bind(1, static_cast<int64_t>(staged.staged_batch));
      while (q.executeStep()) {
        const std::string key = key_at(q, 4, r.key_fields.size());
        errors.push_back(error_at(q, r, ingest::code::kExists,
                                  fmt::format("{} '{}' is already in the store (from batch {}) with other values; "
                                              "recording it would replace it{}{}",
                                              r.name, key, q.getColumn(3).getInt64(),
                                              rules.replace_hint.empty() ? "" : ": ", rules.replace_hint)));
      }
    }
  return errors;
}

}  // namespace

void restrict_import(ingest::ImportOptions& io, const model::Schema& schema, const StagingRules& rules) {
  const auto family = document_records(schema, rules.screened);
  std::vector<std::string> names;
  for (auto i : family) names.push_back(schema.records[i].name);
  for (const auto& n : names)
    if (std::find(io.list_keys_of.begin(), io.list_keys_of.end(), n) == io.list_keys_of.end()) io.list_keys_of.push_back(n);
  const std::string screened = schema.records[rules.screened].name;
  const std::string children =
      names.size() > 1 ? fmt::format(" ({})", fmt::join(names.begin() + 1, names.end(), ", ")) : std::string();
  std::vector<bool> allowed(schema.records.size(), false);
  for (auto i : family) allowed[i] = true;
  io.refuse_record = [allowed, screened, children](const model::RecordType& r) -> std::string {
    if (allowed[r.index]) return "";
    return fmt::format("a screening document holds only {} records and their children{}; a {} record would change what "
                       "the {} is judged by and is refused",
                       screened, children, r.name, screened);
  };
  io.vet = [rules, family](store::Store& st, const ingest::ImportResult& staged) {
    return vet(st, staged, rules, family);
  };
}

}  // namespace eco::engine::screening
