#pragma once
// The scheduling of a rule's subjects: pieces (what the sink receives at a time), threads
// within a piece, and the blocks a columnar plan decides at a time. Pure orchestration: what
// is done with a range of subjects is the caller's.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engine/eval/columnar.hpp"

namespace eco::engine::schedule {

struct Range {
  std::uint32_t begin = 0, end = 0;
  friend bool operator==(const Range&, const Range&) = default;
};

// Threads for `rows` subject rows: `wanted` (0 = the hardware's), one below 4,096 rows, where
// starting threads costs more than it saves.
unsigned thread_count(std::uint32_t rows, unsigned wanted);

// [begin, end) cut into `parts` contiguous ranges, in order, as even as integers allow.
std::vector<Range> split(Range r, unsigned parts);

// Runs rows [0, rows) piece by piece (at most `piece_rows` each, in order), each piece split
// over `threads` threads: work(range, thread) on each; after each piece, piece_done() on the
// calling thread. With one thread everything runs on the calling thread.
void run_pieces(std::uint32_t rows, std::uint32_t piece_rows, unsigned threads,
                const std::function<void(Range, unsigned)>& work, const std::function<void()>& piece_done);

// One block of (parent, child) pairs of a two-binding rule (`for x in T  for y in x.children`):
// from pair position `p` of the reverse list (offsets `off`, children `kids`), at most
// columnar::kBlockRows pairs and not beyond position `stop`. `parent` is the parent row of
// position p on entry and of the block's last pair on return. Returns the block's size.
std::uint32_t nested_block(std::span<const std::uint32_t> off, std::span<const std::uint32_t> kids, std::uint32_t p,
                           std::uint32_t stop, std::uint32_t& parent,
                           std::array<std::uint32_t, columnar::kBlockRows>& parents,
                           std::array<std::uint32_t, columnar::kBlockRows>& children);

}  // namespace eco::engine::schedule
