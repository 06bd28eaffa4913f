#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs every suite
# (unit tests, golden diagnostics, CEL conformance, rule tests, end-to-end runs) with CTest.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
