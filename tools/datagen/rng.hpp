#pragma once
// Deterministic random numbers for the demo data generator. The engine (std::mt19937_64) is
// fully specified by the C++ standard; the distributions below are our own and use only
// integer arithmetic and exact IEEE operations (no libm), so that the same seed gives the
// same bytes on every platform and standard library.
#include <cstdint>
#include <random>
#include <span>

namespace eco::datagen {

// A seeded source of uniform and simple derived random values; identical output everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // 64 uniformly random bits.
  std::uint64_t bits() { return engine_(); }

  // Uniform integer in [lo, hi] (inclusive; requires lo <= hi). Multiply-high reduction: the
  // bias is below 2^-40 for the ranges used here, and the result is exactly reproducible.
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<unsigned __int128>(static_cast<std::uint64_t>(hi - lo) + 1);
    return lo + static_cast<std::int64_t>((span * bits()) >> 64);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }

  // Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }

  // True with probability p.
  bool chance(double p) { return unit() < p; }

  // Triangular distribution on [lo, hi] with mode `mode` (inverse CDF needs a square root,
  // which IEEE 754 defines exactly, so it is reproducible).
  double triangular(double lo, double mode, double hi);

  // Index drawn with the given non-negative integer weights (at least one positive).
  std::size_t weighted(std::span<const unsigned> weights);

 private:
  std::mt19937_64 engine_;
};

}  // namespace eco::datagen
