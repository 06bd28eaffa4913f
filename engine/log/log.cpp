#include "engine/log/log.hpp"

#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace eco::engine {

spdlog::logger& logger() {
  // A function-local static: created once, thread-safely, whichever thread logs first.
  static const std::shared_ptr<spdlog::logger> log = [] {
    auto l = std::make_shared<spdlog::logger>("ecoaudit", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    l->set_level(spdlog::level::warn);
    l->set_pattern("%^%l%$: %v");
    spdlog::set_default_logger(l);
    return l;
  }();
  return *log;
}

}  // namespace eco::engine
