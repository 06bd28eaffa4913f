#include "app/sweep_history.hpp"

#include <algorithm>

#include "engine/store/store.hpp"
#include "engine/sweeps/history.hpp"

namespace eco::app {

std::vector<engine::SweepSummary> sweep_history(const std::filesystem::path& db, const dsl::model::Ruleset& ruleset,
                                                std::size_t limit) {
  engine::store::OpenOptions oo;
  oo.read_only = true;
  auto store = engine::store::Store::open(db, ruleset.schema, oo);
  auto out = engine::sweeps::read_history(*store, ruleset.id, limit);
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace eco::app
