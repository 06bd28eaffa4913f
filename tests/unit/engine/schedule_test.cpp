// The scheduling of subjects (engine/eval/schedule.hpp): pieces, threads and nested blocks.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "engine/eval/schedule.hpp"

namespace {

namespace schedule = eco::engine::schedule;
using schedule::Range;

TEST(Schedule, ThreadsOnlyForEnoughRows) {
  EXPECT_EQ(schedule::thread_count(4095, 2), 1u);
  EXPECT_EQ(schedule::thread_count(4096, 2), 2u);
  EXPECT_EQ(schedule::thread_count(1'000'000, 3), 3u);
  EXPECT_GE(schedule::thread_count(1'000'000, 0), 1u);
}

TEST(Schedule, SplitCoversTheRangeInOrder) {
  EXPECT_EQ(schedule::split({10, 20}, 1), (std::vector<Range>{{10, 20}}));
  EXPECT_EQ(schedule::split({10, 20}, 3), (std::vector<Range>{{10, 13}, {13, 16}, {16, 20}}));
  EXPECT_EQ(schedule::split({5, 5}, 2), (std::vector<Range>{{5, 5}, {5, 5}}));
}

TEST(Schedule, PiecesRunInOrderEachSplitOverTheThreads) {
  for (unsigned threads : {1u, 2u, 3u}) {
    std::mutex m;
    std::vector<std::vector<Range>> pieces(1);
    std::vector<int> covered(10'000, 0);
    schedule::run_pieces(
        10'000, 4'096, threads,
        [&](Range r, unsigned t) {
          std::lock_guard lock(m);
          EXPECT_LT(t, threads);
          pieces.back().push_back(r);
          for (auto i = r.begin; i < r.end; ++i) ++covered[i];
        },
        [&] { pieces.emplace_back(); });
    pieces.pop_back();
    ASSERT_EQ(pieces.size(), 3u) << threads;  // 4096 + 4096 + 1808
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      EXPECT_EQ(pieces[i].size(), threads);
      std::uint32_t lo = ~0u, hi = 0;
      for (const auto& r : pieces[i]) lo = std::min(lo, r.begin), hi = std::max(hi, r.end);
      EXPECT_EQ(lo, i * 4096u);
      EXPECT_EQ(hi, std::min<std::uint32_t>((i + 1) * 4096u, 10'000u));
    }
    for (int c : covered) ASSERT_EQ(c, 1);
  }
  int done = 0;
  schedule::run_pieces(0, 10, 2, [](Range, unsigned) { FAIL(); }, [&] { ++done; });
  EXPECT_EQ(done, 0);  // no rows, no pieces
}

TEST(Schedule, NestedBlocksPairParentsWithTheirChildrenInOrder) {
  // Parent 0 has children 7, 8; parent 1 none; parent 2 has 9; parent 3 has 4, 5, 6.
  const std::vector<std::uint32_t> off{0, 2, 2, 3, 6}, kids{7, 8, 9, 4, 5, 6};
  std::array<std::uint32_t, eco::engine::columnar::kBlockRows> parents{}, children{};
  std::uint32_t parent = 0;
  EXPECT_EQ(schedule::nested_block(off, kids, 0, 6, parent, parents, children), 6u);
  EXPECT_EQ(std::vector(parents.begin(), parents.begin() + 6), (std::vector<std::uint32_t>{0, 0, 2, 3, 3, 3}));
  EXPECT_EQ(std::vector(children.begin(), children.begin() + 6), (std::vector<std::uint32_t>{7, 8, 9, 4, 5, 6}));
  // Starting mid-list (a thread's range beginning at parent 2) and stopping before the end.
  parent = 2;
  EXPECT_EQ(schedule::nested_block(off, kids, 2, 4, parent, parents, children), 2u);
  EXPECT_EQ(parents[0], 2u);
  EXPECT_EQ(parents[1], 3u);
  EXPECT_EQ(children[1], 4u);
}

TEST(Schedule, NestedBlocksStopAtTheBlockSize) {
  const std::uint32_t n = eco::engine::columnar::kBlockRows + 5;
  std::vector<std::uint32_t> off{0, n}, kids(n);
  for (std::uint32_t i = 0; i < n; ++i) kids[i] = i;
  std::array<std::uint32_t, eco::engine::columnar::kBlockRows> parents{}, children{};
  std::uint32_t parent = 0;
  EXPECT_EQ(schedule::nested_block(off, kids, 0, n, parent, parents, children), eco::engine::columnar::kBlockRows);
  EXPECT_EQ(schedule::nested_block(off, kids, eco::engine::columnar::kBlockRows, n, parent, parents, children), 5u);
  EXPECT_EQ(children[4], n - 1);
}

}  // namespace
