#!/usr/bin/env bash
# Configures (once) and builds EcoAudit into build/ with Ninja and ccache.
# Usage: scripts/build.sh [ninja targets...]
# CI=1 or WERROR=1 builds with warnings as errors (cmake option ECOAUDIT_WERROR=ON, kept in the
# build directory's cache); otherwise the build directory keeps the value it has (OFF at first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
WERROR_ARG=()
if [[ ${CI:-0} == 1 || ${WERROR:-0} == 1 ]]; then WERROR_ARG=(-DECOAUDIT_WERROR=ON); fi
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} "${WERROR_ARG[@]}" ${CMAKE_ARGS:-}
elif ((${#WERROR_ARG[@]})) && ! grep -q '^ECOAUDIT_WERROR:BOOL=ON$' "$BUILD_DIR/CMakeCache.txt"; then
  cmake -S . -B "$BUILD_DIR" "${WERROR_ARG[@]}" >/dev/null
fi
# Spirit X3 translation units take ~1.5 GB each: two jobs fit the 2-core machine.
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" ${1:+--target "$@"}
