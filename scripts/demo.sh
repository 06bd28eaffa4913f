#!/usr/bin/env bash
# The README's demo command: builds ecoaudit and runs it on the Jinzhong ruleset and its
# bundled demo data. Output goes to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ecoaudit
BUILD_DIR=${BUILD_DIR:-build}
ECO=$BUILD_DIR/cli/ecoaudit
OUT=demo-out
mkdir -p "$OUT"
echo "== ecoaudit check rulesets/jinzhong"
"$ECO" check rulesets/jinzhong
echo "== ecoaudit schema rulesets/jinzhong --format markdown > $OUT/data-dictionary.md"
"$ECO" schema rulesets/jinzhong --format markdown > "$OUT/data-dictionary.md"
echo "wrote $OUT/data-dictionary.md"
