// libFuzzer target for the XML document reader (engine/ingest/documents.cpp, through the
// importer: encoding detection, the DTD/entity/character-reference pre-scan, pugixml and the
// record reader with mixed content and limits). See document_harness.hpp for what each input
// must satisfy.
#include "fuzz/document_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static eco::fuzz::DocumentHarness harness("xml");
  harness.run(data, size);
  return 0;
}
