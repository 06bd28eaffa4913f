#pragma once
// Shared by the JSON and XML document fuzzers. Arbitrary bytes are decoded (auto encoding)
// whole and in pieces, which must agree; text the library parser accepts is then written as one
// input file of the given extension and imported (a dry run: the store never changes) into a
// small schema with
// every field type, a USCC key, references and nested child records. The import must end in a
// result, never a crash or sanitizer report, and the result must keep its promises: ok exactly
// when there are no errors, every error has a code and renders as valid UTF-8 without NUL
// (messages quote the input), and nothing is ever written.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "dsl/common/utf8.hpp"
#include "dsl/model/schema.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/text.hpp"
#include "engine/store/store.hpp"
#include "tests/support/store_helpers.hpp"

namespace eco::fuzz {

using dsl::model::EnumType;
using dsl::model::Kind;
using dsl::model::Schema;
using dsl::model::Type;
using eco::testing::add_record;
using eco::testing::field;
using eco::testing::ref;

inline std::unique_ptr<Schema> make_schema() {
  auto s = std::make_unique<Schema>();
  s->enums.reserve(2);
  s->enums.push_back(EnumType{"county", "", {{"榆次区", ""}, {"介休市", ""}}, {}});
  s->enums.push_back(EnumType{"industry", "", {{"coking", ""}, {"steel", ""}}, {}});
  const Type str = Type::of(Kind::string);
  add_record(*s, "enterprise",
             {field("id", str, false, true), field("name", str), field("county", Type::enumeration(&s->enums[0])),
              field("industry", Type::enumeration(&s->enums[1]), true), field("lon", Type::of(Kind::double_), true),
              field("n", Type::of(Kind::int_), true), field("u", Type::of(Kind::uint_), true),
              field("flag", Type::of(Kind::bool_), true), field("on", Type::of(Kind::date), true)});
  add_record(*s, "facility", {field("id", str, false, true), ref("enterprise_id", 0),
                              field("waste_code", str, true)});
  add_record(*s, "application", {field("id", str, false, true), ref("applicant_id", 0, true)});
  add_record(*s, "application_zone", {ref("application_id", 2), field("zone", str)});
  // The identity checks the fuzzed imports exercise (`validate uscc`, `validate hw_category`).
  s->records[0].fields[0].validator = dsl::model::Validator::uscc;
  s->records[1].fields[2].validator = dsl::model::Validator::hw_category;
  return s;
}

// Decodes `raw` in pieces of `piece` bytes (auto encoding).
inline bool decode(std::string_view raw, std::size_t piece, std::string& text, engine::ingest::DecodeError& err,
                   engine::ingest::Encoding& enc) {
  engine::ingest::TextDecoder d;
  bool ok = true;
  for (std::size_t i = 0; i < raw.size() && ok; i += piece) ok = d.feed(raw.substr(i, piece), text);
  if (ok) ok = d.finish(text);
  err = d.error();
  enc = d.encoding();
  return ok;
}

class DocumentHarness {
 public:
  // `well_formed` says whether decoded text is worth a whole import (the import of text the
  // library parser rejects ends at its syntax error).
  DocumentHarness(const char* ext, bool (*well_formed)(const std::string&)) : well_formed_(well_formed) {
    spdlog::set_level(spdlog::level::off);
    char tmpl[] = "/tmp/ecoaudit-fuzz-XXXXXX";
    dir_ = mkdtemp(tmpl);
    file_ = dir_ / (std::string("doc.") + ext);
    schema_ = make_schema();
    store_ = engine::store::Store::open(dir_ / "s.db", *schema_, engine::store::OpenOptions{.create = true});
    // One committed record per table, so that each input's import is not a bulk load (which
    // drops and rebuilds indexes: slow, and not the path under test).
    std::ofstream(dir_ / "base.json") << R"({"enterprise": {"id": "91140700MA0K000016", "name": "x", "county": "介休市",
      "facility": {"id": "F0"}}, "application": {"id": "A0", "application_zone": {"zone": "z"}}})";
    auto base = engine::ingest::import_paths(*store_, {dir_ / "base.json"});
    if (!base.ok) std::abort();
    rows_ = store_->count("enterprise");
  }

  void run(const std::uint8_t* data, std::size_t size) {
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    // Whether a file is accepted, its encoding and its text must not depend on how the bytes
    // are chunked. (A refused file may name a different first problem: read whole, a bad byte
    // can be seen before a NUL that comes earlier.)
    std::string whole, pieces;
    engine::ingest::DecodeError e1, e2;
    engine::ingest::Encoding enc1{}, enc2{};
    bool ok1 = decode(raw, raw.size() + 1, whole, e1, enc1);
    bool ok2 = decode(raw, size % 7 + 1, pieces, e2, enc2);
    if (ok1 != ok2) std::abort();
    if (ok1 && (enc1 != enc2 || whole != pieces)) std::abort();
    if (!ok1 && (e1.line == 0 || e1.message.empty() || e2.line == 0 || e2.message.empty())) std::abort();
    if (ok1 && dsl::utf8::find_invalid(whole)) std::abort();
    // Text the library rejects still gets a whole import now and then (the importer's own
    // syntax errors, trailing content, positions).
    if (!ok1 || (!well_formed_(whole) && size % 16 != 0)) return;
    std::ofstream(file_, std::ios::binary | std::ios::trunc).write(raw.data(), static_cast<std::streamsize>(size));
    engine::ingest::ImportOptions o;
    o.commit = false;  // a dry run: the store stays empty for the next input
    auto r = engine::ingest::import_paths(*store_, {file_}, o);
    if (r.ok != (r.error_count == 0)) std::abort();
    if (r.errors.size() > r.error_count) std::abort();
    if (!r.ok && r.errors.empty()) std::abort();
    for (const auto& e : r.errors) {
      if (e.code.empty()) std::abort();
      std::string msg = engine::ingest::render(e);
      if (msg.find('\0') != std::string::npos || dsl::utf8::find_invalid(msg)) std::abort();
    }
    if (r.batch != 0 || store_->count("enterprise") != rows_) std::abort();
  }

 private:
  bool (*well_formed_)(const std::string&);
  std::int64_t rows_ = 0;
  std::filesystem::path dir_, file_;
  std::unique_ptr<Schema> schema_;
  std::unique_ptr<engine::store::Store> store_;
};

}  // namespace eco::fuzz
