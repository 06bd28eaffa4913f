#include "tools/datagen/rng.hpp"

#include <cmath>

namespace eco::datagen {

double Rng::triangular(double lo, double mode, double hi) {
  const double u = unit();
  const double f = (mode - lo) / (hi - lo);
  // std::sqrt is correctly rounded by IEEE 754, unlike log/exp/cos: the reason we use no
  // other transcendental function anywhere in the generator.
  if (u < f) return lo + std::sqrt(u * (hi - lo) * (mode - lo));
  return hi - std::sqrt((1.0 - u) * (hi - lo) * (hi - mode));
}

std::size_t Rng::weighted(std::span<const unsigned> weights) {
  std::uint64_t total = 0;
  for (unsigned w : weights) total += w;
  auto pick = static_cast<std::uint64_t>(range(0, static_cast<std::int64_t>(total) - 1));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (pick < weights[i]) return i;
    pick -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace eco::datagen
