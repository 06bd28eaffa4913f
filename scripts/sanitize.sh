#!/usr/bin/env bash
# The sanitizer build: configures (once) and builds EcoAudit with AddressSanitizer and
# UndefinedBehaviorSanitizer (cmake option ECOAUDIT_SANITIZE, every report fatal) into its own
# directory, build-asan/, and runs the suites that exercise the libraries' code on many inputs:
#   the unit tests (dsl, engine, reports, app, server), the golden diagnostics (tests/diagnostics),
#   the CEL conformance suite, and the shipped ruleset's own tests (the e2e case rules/jinzhong-tests).
# The end-to-end suites, which run the same code over the demo data and take minutes each under
# ASan, stay with the main build (scripts/test.sh). .ci/run calls this after the main suite.
# Usage: scripts/sanitize.sh [extra ctest arguments...]   (JOBS=1 on a shared machine)
# Exits non-zero when the build fails or any selected test fails or reports a sanitizer error.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  # -O1: ASan's recommended level, much faster to compile than -O2 and fast enough to run;
  # a Debug build keeps the assertions on.
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DECOAUDIT_SANITIZE=ON -DECOAUDIT_BENCHMARKS=OFF ${CMAKE_ARGS:-}
fi
# CI=1 or WERROR=1: warnings are errors here too (as in scripts/build.sh).
if [[ ${CI:-0} == 1 || ${WERROR:-0} == 1 ]] && ! grep -q '^ECOAUDIT_WERROR:BOOL=ON$' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -S . -B "$BUILD_DIR" -DECOAUDIT_WERROR=ON >/dev/null
fi
# Only what the selected tests run (not the tools, fixtures and probes of the other suites).
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target \
  ecoaudit dsl_tests engine_tests reports_tests app_tests server_tests cel_conformance
# Unit tests are the GoogleTest cases (Suite.Name, capitalised); the rest by name.
SUBSET='^([A-Z][A-Za-z0-9_]*\.|diagnostics\.|cel_conformance$|e2e\.rules\.jinzhong-tests$)'
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
# Leaks inside third-party libraries only, each with its reason (tests/sanitizers/lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${JOBS:-$(nproc)}" -R "$SUBSET" "$@"
