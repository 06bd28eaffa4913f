#!/usr/bin/env bash
# Regenerates tests/sweep/golden: the fixture's sweep and audit output (tests/sweep/fixture) and
# the demo sweep's per-rule verdict counts as of 2026-11-28 (golden/demo_verdicts.tsv, checked by
# cli_test.sh). Run after a deliberate change of the sweep or audit output, the ruleset or the
# demo data, then review `git diff tests/sweep/golden` before committing: a count that moved
# must be explained by the change.
# Usage: tests/sweep/update_goldens.sh [ECOAUDIT]   (default build/cli/ecoaudit)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
eco=${1:-$src/build/cli/ecoaudit}
bash "$src/tests/sweep/fixture_test.sh" "$eco" "$src" "$(mktemp -d)" --update
bash "$src/tests/sweep/cli_test.sh" "$eco" "$src" "$(mktemp -d)" --update
