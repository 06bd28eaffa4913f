// libFuzzer target for the JSON document reader (engine/ingest/documents.cpp, through the
// importer: encoding detection, the strict SAX parser with its depth, NUL and size limits, and
// the record reader). See document_harness.hpp for what each input must satisfy.
#include "fuzz/document_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static eco::fuzz::DocumentHarness harness("json");
  harness.run(data, size);
  return 0;
}
