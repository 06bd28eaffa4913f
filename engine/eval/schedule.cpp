#include "engine/eval/schedule.hpp"

#include <algorithm>
#include <thread>

namespace eco::engine::schedule {

unsigned thread_count(std::uint32_t rows, unsigned wanted) {
  unsigned threads = wanted ? wanted : std::max(1u, std::thread::hardware_concurrency());
  return rows < 4096 ? 1 : threads;
}

std::vector<Range> split(Range r, unsigned parts) {
  std::vector<Range> out;
  const std::uint64_t n = r.end - r.begin;
  for (unsigned t = 0; t < parts; ++t)
    out.push_back({r.begin + static_cast<std::uint32_t>(n * t / parts),
                   r.begin + static_cast<std::uint32_t>(n * (t + 1) / parts)});
  return out;
}

void run_pieces(std::uint32_t rows, std::uint32_t piece_rows, unsigned threads,
                const std::function<void(Range, unsigned)>& work, const std::function<void()>& piece_done) {
  for (std::uint32_t pb = 0; pb < rows; pb += std::min(piece_rows, rows - pb)) {
    const Range piece{pb, pb + std::min(piece_rows, rows - pb)};
    if (threads == 1) {
      work(piece, 0);
    } else {
      std::vector<std::thread> pool;
      const auto ranges = split(piece, threads);
      for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&work, r = ranges[t], t] { work(r, t); });
      for (auto& th : pool) th.join();
    }
    piece_done();
  }
}

std::uint32_t nested_block(std::span<const std::uint32_t> off, std::span<const std::uint32_t> kids, std::uint32_t p,
                           std::uint32_t stop, std::uint32_t& parent,
                           std::array<std::uint32_t, columnar::kBlockRows>& parents,
                           std::array<std::uint32_t, columnar::kBlockRows>& children) {
  const std::uint32_t n = std::min<std::uint32_t>(columnar::kBlockRows, stop - p);
  for (std::uint32_t k = 0; k < n; ++k) {
    while (off[parent + 1] <= p + k) ++parent;
    parents[k] = parent;
    children[k] = kids[p + k];
  }
  return n;
}

}  // namespace eco::engine::schedule
