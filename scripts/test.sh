#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs every suite
# (unit tests, golden diagnostics, CEL conformance, rule tests, end-to-end runs) with CTest.
# Exits non-zero when any test fails.
# Usage: scripts/test.sh [--werror] [ctest arguments...]
#   --werror (or CI=1 in the environment): build with warnings as errors, as CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --werror ]]; then
  export WERROR=1
  shift
fi
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
