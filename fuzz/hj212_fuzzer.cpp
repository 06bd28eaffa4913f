// libFuzzer target for the HJ 212-2017 message reader: arbitrary bytes as one line must never
// crash the parser; a line it accepts has a frame whose length and CRC match, and parsing is
// deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/ingest/hj212.hpp"

namespace hj = eco::engine::ingest::hj212;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  // The first byte picks the input: as is, or as a data segment framed with its right length
  // and CRC (so the fuzzer reaches the data-segment parser, not only the CRC check).
  std::string line;
  if (size > 0 && data[0] % 2 == 1) {
    std::string_view seg = raw.substr(1);
    if (seg.size() > 9999) return 0;
    char head[8], tail[8];
    std::snprintf(head, sizeof head, "##%04zu", seg.size());
    std::snprintf(tail, sizeof tail, "%04X", hj::crc16(seg));
    line = std::string(head) + std::string(seg) + tail;
  } else {
    line.assign(raw);
  }
  hj::Message m1, m2;
  hj::ParseError e1, e2;
  bool ok1 = hj::parse_message(line, m1, e1);
  bool ok2 = hj::parse_message(line, m2, e2);
  if (ok1 != ok2) std::abort();
  if (!ok1) {
    if (e1.message.empty() || e1.column == 0 || e1.column > line.size() + 1 || e1.code != e2.code)
      std::abort();
    return 0;
  }
  // Accepted: "##" + length + segment + CRC, and the CRC is the segment's.
  if (line.size() < 10 || line[0] != '#' || line[1] != '#') std::abort();
  std::string_view seg = std::string_view(line).substr(6, line.size() - 10);
  if (std::stoul(line.substr(2, 4)) != seg.size()) std::abort();
  if (std::stoul(line.substr(line.size() - 4), nullptr, 16) != hj::crc16(seg)) std::abort();
  if (m1.mn.empty() || m1.cn.size() != 4 || m1.mn != m2.mn || m1.items.size() != m2.items.size())
    std::abort();
  return 0;
}
