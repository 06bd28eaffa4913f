# ECOAUDIT_SANITIZE=ON instruments every target of the project with AddressSanitizer and
# UndefinedBehaviorSanitizer, and makes any report fatal (-fno-sanitize-recover=all: a test that
# triggers undefined behaviour fails instead of printing and passing). It is meant for a build
# directory of its own (scripts/sanitize.sh uses build-asan), never for the main build: the
# benchmarks and the speed figures are of the uninstrumented program.
option(ECOAUDIT_SANITIZE "Build with ASan + UBSan, every report fatal (scripts/sanitize.sh)" OFF)
if(ECOAUDIT_SANITIZE)
  if(ECOAUDIT_FUZZ)
    message(FATAL_ERROR "ECOAUDIT_SANITIZE and ECOAUDIT_FUZZ both instrument the build: choose one")
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
  # GCC 12's -Wmaybe-uninitialized misfires on libstdc++'s own <regex> and <functional> once the
  # sanitizers' instrumentation changes what it inlines at -O1 (seen in CI: std::function's move
  # inside regex_automaton.h). The main build keeps the warning, as an error under CI=1; the
  # sanitizer build checks the running program, not the compiler's flow analysis.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
