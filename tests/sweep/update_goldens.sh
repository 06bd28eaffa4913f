#!/usr/bin/env bash
# Regenerates tests/sweep/golden from tests/sweep/fixture: run after a deliberate change of the
# sweep or audit output, then review the diff before committing.
# Usage: tests/sweep/update_goldens.sh [ECOAUDIT]   (default build/cli/ecoaudit)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
eco=${1:-$src/build/cli/ecoaudit}
bash "$src/tests/sweep/fixture_test.sh" "$eco" "$src" "$(mktemp -d)" --update
