#!/usr/bin/env bash
# Regenerates tests/reports/golden/ from the demo data with the given (or the default build's)
# ecoaudit, after a change to the ruleset, the demo data or the reports. Review `git diff`.
# Usage: tests/reports/update_goldens.sh [ECOAUDIT]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
eco=${1:-${BUILD_DIR:-$src/build}/cli/ecoaudit}
ECOAUDIT_UPDATE_GOLDENS=1 bash "$src/tests/reports/golden_test.sh" "$eco" "$src" "$(mktemp -d)"
