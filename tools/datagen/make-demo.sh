#!/usr/bin/env bash
# Regenerates rulesets/jinzhong/demo: the CSVs, the month of HJ 212-2017 messages
# (hj212/YYYY-MM.txt, from which that month's emission_monthly rows of the monitored facilities
# are derived), and the case table at the end of its README (everything after the table
# header line is replaced by the generator's --notes output).
# Usage: tools/datagen/make-demo.sh [path/to/ecoaudit-datagen]
set -euo pipefail
cd "$(dirname "$0")/../.."
GEN=${1:-build/tools/datagen/ecoaudit-datagen}
DEMO=rulesets/jinzhong/demo
notes=$(mktemp)
trap 'rm -f "$notes"' EXIT
rm -f "$DEMO"/*.csv "$DEMO"/hj212/*.txt
"$GEN" --enterprises 300 --seed 20211 --out "$DEMO" --notes "$notes"
marker='| requirement | record | deliberate case |'
# (a prefix: the table's later columns may change)
head_part=$(awk -v m="$marker" 'index($0, m) == 1 {exit} {print}' "$DEMO/README.md")
{ printf '%s\n\n' "$head_part"; cat "$notes"; } > "$DEMO/README.md"
