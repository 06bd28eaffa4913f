#include "engine/store/pause.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace eco::engine::store {

void pause_point(const char* point) {
  const char* at = std::getenv("ECOAUDIT_PAUSE_AT");
  if (!at || std::strcmp(at, point) != 0) return;
  std::fprintf(stderr, "ecoaudit: paused at %s\n", point);
  std::fflush(stderr);
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

}  // namespace eco::engine::store
