// libFuzzer target for the JSON document reader (engine/ingest/documents.cpp, through the
// importer: encoding detection, the strict SAX parser with its depth, NUL and size limits, and
// the record reader). See document_harness.hpp for what each input must satisfy.
#include <nlohmann/json.hpp>

#include "fuzz/document_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static eco::fuzz::DocumentHarness harness("json", [](const std::string& text) {
    // Syntax alone (duplicates, limits and NUL are the importer's to find).
    return nlohmann::json::accept(text.begin(), text.end());
  });
  harness.run(data, size);
  return 0;
}
