#pragma once
// What the store tests, the app tests and the document fuzzers share to make a store: a schema
// built by hand (fields, references, record types), a temporary folder removed afterwards, and
// a dump of every table of a store so that a test can assert that a run did not change it.
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "dsl/model/schema.hpp"

namespace eco::testing {

inline dsl::model::Field field(std::string name, dsl::model::Type t, bool optional = false, bool key = false) {
  dsl::model::Field f;
  f.name = std::move(name);
  f.type = std::move(t);
  f.optional = optional;
  f.key = key;
  return f;
}

// A string field referring to the record type of index `target`.
inline dsl::model::Field ref(std::string name, std::uint32_t target, bool optional = false) {
  dsl::model::Field f = field(std::move(name), dsl::model::Type::of(dsl::model::Kind::string), optional);
  f.ref = dsl::model::Reference{target, "", ""};
  return f;
}

// Appends a record type (its index is its position; its key is its key fields).
inline void add_record(dsl::model::Schema& s, std::string name, std::vector<dsl::model::Field> fields) {
  dsl::model::RecordType r;
  r.index = static_cast<std::uint32_t>(s.records.size());
  r.name = std::move(name);
  r.fields = std::move(fields);
  for (std::uint32_t i = 0; i < r.fields.size(); ++i)
    if (r.fields[i].key) r.key_fields.push_back(i);
  s.records.push_back(std::move(r));
}

// A folder of its own under /tmp, removed with everything in it (made writable first).
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
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to the file `name` under the folder (its folders created).
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// The bytes of the file at `p` (empty when it cannot be read: the test's own assertions fail).
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every row of every table (records, history, batches, sweeps), in a stable order.
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

// The dump of the store file at `path`, opened read-only.
inline std::string dump(const std::filesystem::path& path) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return dump(db);
}

}  // namespace eco::testing
