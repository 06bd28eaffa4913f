// libFuzzer target for the CSV reader: arbitrary bytes, fed whole and in uneven pieces, must
// never crash, and both feedings must yield the same rows (or the same error line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/csv.hpp"

namespace {

struct Outcome {
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> rows;
  bool ok = true;
  std::uint32_t error_line = 0;
};

Outcome parse(std::string_view data, std::size_t piece) {
  Outcome out;
  eco::engine::ingest::CsvParser p([&](std::uint32_t line, std::span<const std::string_view> fields) {
    out.rows.emplace_back(line, std::vector<std::string>(fields.begin(), fields.end()));
  });
  for (std::size_t i = 0; i < data.size() && out.ok; i += piece) out.ok = p.feed(data.substr(i, piece));
  if (out.ok) out.ok = p.finish();
  if (!out.ok) out.error_line = p.error_line();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the piece size, so the fuzzer explores chunk boundaries too.
  std::size_t piece = data[0] % 17 + 1;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Outcome whole = parse(text, text.size() + 1);
  Outcome pieces = parse(text, piece);
  if (whole.ok != pieces.ok || whole.error_line != pieces.error_line) std::abort();
  if (whole.ok && whole.rows != pieces.rows) std::abort();
  return 0;
}
