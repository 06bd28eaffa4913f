#!/usr/bin/env bash
# Golden files of the demo data's reports: the sweep's text summary and CSV, and one
# enterprise's audit as JSON, CSV and text (zh and en). The run's timestamp (generated_at) and
# the checkout's folder (in evidence file names) are masked; everything else must match byte
# for byte. After a ruleset change, regenerate with tests/reports/update_goldens.sh (which runs
# this script with ECOAUDIT_UPDATE_GOLDENS=1) and review the diff.
# Usage: golden_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
rs=$src/rulesets/jinzhong
golden=$src/tests/reports/golden
rm -rf "$work" && mkdir -p "$work/out"
db=$work/store.db
set -e
"$eco" init --db "$db" --ruleset "$rs" >/dev/null
"$eco" import --db "$db" --ruleset "$rs" "$rs/demo" >/dev/null
"$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format text,csv --out "$work/out"
ent=91140781MA0011XR6C
"$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format json,csv,text --out "$work/out"
mkdir -p "$work/out/en"
"$eco" audit --db "$db" --ruleset "$rs" --as-of 2026-11-28 --enterprise $ent --format csv,text --lang en --out "$work/out/en"
set +e

mask() {  # the only varying field, and where the checkout lives
  sed -e 's/"generated_at": "[^"]*"/"generated_at": "<masked>"/' -e "s#$src/#<src>/#g" "$1"
}
fails=0
declare -A files=([sweep.txt]=sweep.txt [sweep.csv]=sweep.csv [audit-$ent.json]=audit.json [audit-$ent.csv]=audit.csv
                  [audit-$ent.txt]=audit.txt [en/audit-$ent.csv]=audit-en.csv [en/audit-$ent.txt]=audit-en.txt)
for out in "${!files[@]}"; do
  want=$golden/${files[$out]}
  mask "$work/out/$out" >"$work/${files[$out]}"
  if [[ ${ECOAUDIT_UPDATE_GOLDENS:-0} == 1 ]]; then
    mkdir -p "$golden" && cp "$work/${files[$out]}" "$want" && echo "updated $want"
  elif ! diff -u "$want" "$work/${files[$out]}" >"$work/${files[$out]}.diff"; then
    echo "FAIL: $out differs from $want (diff in $work/${files[$out]}.diff):"
    head -20 "$work/${files[$out]}.diff"
    fails=$((fails + 1))
  fi
done
# The goldens themselves: a BOM on the CSVs, the masked timestamp in the JSON.
[[ $(head -c3 "$golden/sweep.csv" | od -An -tx1 | tr -d ' ') == efbbbf ]] || { echo "FAIL: sweep.csv has no BOM"; fails=$((fails + 1)); }
grep -q '"generated_at": "<masked>"' "$golden/audit.json" || { echo "FAIL: audit.json timestamp not masked"; fails=$((fails + 1)); }
echo "$fails failures"
[[ $fails -eq 0 ]]
