#!/usr/bin/env bash
# Regenerates tests/screen/golden from the fixture: run after a deliberate change of the
# screening output, then review the diff before committing.
# Usage: tests/screen/update_goldens.sh [ECOAUDIT]   (default build/cli/ecoaudit)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
eco=${1:-$src/build/cli/ecoaudit}
here=$src/tests/screen work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$eco" init --db "$work/s.db" --ruleset "$here/ruleset" >/dev/null
"$eco" import --db "$work/s.db" --ruleset "$here/ruleset" "$here/store" >/dev/null
screen() { "$eco" screen --db "$work/s.db" --ruleset "$here/ruleset" --as-of 2024-06-01 "$here/apps/mixed.json" "$@" | grep -v '"generated_at"' | sed "s|$src/||g" || true; }
screen --format json > "$here/golden/mixed.json"
screen > "$here/golden/mixed.zh.txt"
screen --lang en > "$here/golden/mixed.en.txt"
echo "updated $here/golden"
