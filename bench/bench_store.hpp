#pragma once
// What the import benchmarks (import_bench, hj212_bench) share: a synthetic schema built in
// code, a fresh store for it, the process's peak memory, and the errors of a failed import.
// Benchmark programs only; nothing in the product includes this.
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dsl/model/schema.hpp"
#include "engine/ingest/import.hpp"
#include "engine/store/store.hpp"

namespace eco::bench {

// A field of a synthetic record type.
inline dsl::model::Field field(std::string name, dsl::model::Type t, bool optional = false,
                               bool key = false) {
  dsl::model::Field f;
  f.name = std::move(name);
  f.type = std::move(t);
  f.optional = optional;
  f.key = key;
  return f;
}

// Appends a record type with `fields` to `s`; its key is the fields marked key, in order.
inline void add_record(dsl::model::Schema& s, std::string name, std::vector<dsl::model::Field> fields) {
  dsl::model::RecordType r;
  r.index = static_cast<std::uint32_t>(s.records.size());
  r.name = std::move(name);
  r.fields = std::move(fields);
  for (std::uint32_t i = 0; i < r.fields.size(); ++i)
    if (r.fields[i].key) r.key_fields.push_back(i);
  s.records.push_back(std::move(r));
}

// A new store for `schema` at `db`, after removing what an earlier run left there (the file
// and its WAL and shared-memory files): every run measures an import into an empty store.
inline std::unique_ptr<engine::store::Store> fresh_store(const std::filesystem::path& db,
                                                         const dsl::model::Schema& schema) {
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + ext);
  return engine::store::Store::open(db, schema, {.create = true});
}

// Prints the errors of a refused import on standard error; true when there were none.
inline bool report_errors(const engine::ingest::ImportResult& r) {
  if (r.ok) return true;
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", engine::ingest::render(e).c_str());
  return false;
}

// The peak resident set size of this process so far, in MiB.
inline long peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

}  // namespace eco::bench
