#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds ecoaudit and runs the main job
# on the Jinzhong ruleset and its bundled demo data: check the ruleset, write the data
# dictionary, create a store, import the demo CSVs, run the rule tests and sweep as of the date
# the demo data assumes, then write the reports for people (the sweep dashboard and one
# enterprise's audit as HTML, CSV and XLSX; docs/reports.md) and screen three example project
# applications (rulesets/jinzhong/examples). Output goes to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ecoaudit
BUILD_DIR=${BUILD_DIR:-build}
ECO=$BUILD_DIR/cli/ecoaudit
RS=rulesets/jinzhong
OUT=demo-out
AS_OF=${AS_OF:-2026-11-28}   # the date rulesets/jinzhong/demo/README.md's cases assume
mkdir -p "$OUT"
rm -f "$OUT"/demo.db "$OUT"/demo.db-wal "$OUT"/demo.db-shm
echo "== ecoaudit check $RS"
"$ECO" check "$RS"
echo "== ecoaudit schema $RS --format markdown > $OUT/data-dictionary.md"
"$ECO" schema "$RS" --format markdown > "$OUT/data-dictionary.md"
echo "== ecoaudit test $RS"
"$ECO" test "$RS"
echo "== ecoaudit init + import of $RS/demo into $OUT/demo.db"
"$ECO" init --db "$OUT/demo.db" --ruleset "$RS"
"$ECO" import --db "$OUT/demo.db" --ruleset "$RS" "$RS/demo" | tail -1
echo "== ecoaudit sweep --as-of $AS_OF (findings: $OUT/sweep.json, summary: $OUT/sweep.txt)"
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --format json --out "$OUT/sweep.json"
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --out "$OUT/sweep.txt" --stats
head -8 "$OUT/sweep.txt"
echo "... (full list in $OUT/sweep.txt)"
echo "== reports: $OUT/reports/sweep.{html,csv,xlsx} and the audit of one enterprise"
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --format html,csv,xlsx --out "$OUT/reports"
"$ECO" audit --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --enterprise 91140781MA0011XR6C \
  --format html,csv,xlsx --out "$OUT/reports"
ls "$OUT/reports"
echo "== ecoaudit screen of three example applications (permit officer; nothing is stored)"
# Exit 1 means "not every application is approved": the expected outcome of these examples.
rc=0
"$ECO" screen --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" "$RS/examples/applications.json" \
  --format text,html,json --out "$OUT/screening" || rc=$?
[[ $rc -le 1 ]] || exit "$rc"
cat "$OUT/screening/screen.txt"
