#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds ecoaudit and runs the main job
# on the Jinzhong ruleset and its bundled demo data: check the ruleset, write the data
# dictionary, create a store, import the demo CSVs and a month of online-monitoring messages
# (refused as received, then imported with the broken messages quarantined), run the rule tests
# and sweep as of the date the demo data assumes, then write the reports for people (the sweep dashboard and one
# enterprise's audit as HTML, CSV and XLSX; docs/reports.md), draw the quarter's random
# inspections (双随机, docs/draw.md) and verify the draw, show the watch list of serious violations
# left without enforcement (docs/enforcement.md) and screen three example project
# applications (rulesets/jinzhong/examples). Output goes to demo-out/.
#
# scripts/demo.sh --serve [--password-stdin]: then serves that demo store as the bureau's
# workbench (ecoaudit serve, http://127.0.0.1:8080; LISTEN=ADDR:PORT to change) with a demo
# administrator `admin`, whose password is made at random and printed once, or read from the
# first line of standard input with --password-stdin. Ctrl-C (SIGINT) or SIGTERM stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE=0
PASSWORD_STDIN=0
for arg in "$@"; do
  case $arg in
    --serve) SERVE=1 ;;
    --password-stdin) PASSWORD_STDIN=1 ;;
    *) echo "usage: scripts/demo.sh [--serve [--password-stdin]]" >&2; exit 2 ;;
  esac
done
if ((PASSWORD_STDIN && !SERVE)); then echo "scripts/demo.sh: --password-stdin goes with --serve" >&2; exit 2; fi
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
# October 2026's online-monitoring data of the two monitored coke ovens (HJ 212-2017): the
# demo's emission_monthly rows of that month were derived from these hours (docs/monitoring.md).
MONTH=$RS/demo/hj212/2026-10.txt
echo "== ecoaudit import-monitoring $MONTH, as received (three messages broken in transmission)"
rc=0
"$ECO" import-monitoring --db "$OUT/demo.db" --ruleset "$RS" "$MONTH" || rc=$?
[[ $rc -eq 1 ]] || { echo "scripts/demo.sh: expected the refusal (exit 1), got $rc" >&2; exit 1; }
echo "== again with --quarantine $OUT/hj212-quarantine.txt: the broken ones set aside (each was re-sent intact)"
"$ECO" import-monitoring --db "$OUT/demo.db" --ruleset "$RS" --quarantine "$OUT/hj212-quarantine.txt" "$MONTH"
echo "== ecoaudit sweep --as-of $AS_OF (findings: $OUT/sweep.json, summary: $OUT/sweep.txt)"
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --format json --out "$OUT/sweep.json"
# The same sweep again in other formats: --no-record, so that the store holds one recorded sweep
# (the watch list counts how many recorded sweeps reported a violation).
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --out "$OUT/sweep.txt" --stats --no-record
head -8 "$OUT/sweep.txt"
echo "... (full list in $OUT/sweep.txt)"
echo "== reports: $OUT/reports/sweep.{html,csv,xlsx} and the audit of one enterprise"
"$ECO" sweep --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --format html,csv,xlsx --out "$OUT/reports" --no-record
"$ECO" audit --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" --enterprise 91140781MA0011XR6C \
  --format html,csv,xlsx --out "$OUT/reports"
ls "$OUT/reports"
# The draw's as-of day is a day of its period: the quarter of AS_OF.
PERIOD="${AS_OF:0:4}Q$(( (10#${AS_OF:5:2} - 1) / 3 + 1 ))"
echo "== ecoaudit draw: the random inspection draw of $PERIOD (双随机, $RS/draw.json), seed 20261128"
"$ECO" draw --db "$OUT/demo.db" --ruleset "$RS" --period "$PERIOD" --seed 20261128 --as-of "$AS_OF" --out "$OUT/draw.json"
python3 - "$OUT/draw.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(f"draw {d['draw']} of {d['period']}, seed {d['seed']}:")
for s in d["strata"]:
    print(f"  {s['label']} {s['rate']}: {s['population']} enterprises, {s['excluded']} excluded, {s['eligible']} eligible, {s['quota']} drawn")
print(f"  {len(d['selections'])} enterprises to inspect, each by a team of two (the list to publish: {sys.argv[1]})")
PY
echo "== ecoaudit draw --verify: anyone can recompute it from the record"
"$ECO" draw --db "$OUT/demo.db" --ruleset "$RS" --verify 1
echo "== ecoaudit watchlist --as-of 2027-03-01: critical or high violations of this sweep still without enforcement after 90 days"
"$ECO" watchlist --db "$OUT/demo.db" --ruleset "$RS" --as-of 2027-03-01 > "$OUT/watchlist.txt"
# The entries by county (the policy's sources head the file), then the count.
python3 - "$OUT/watchlist.txt" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
shown = [l for l in lines if l.startswith("county ") or re.match(r"  (critical|high) ", l)]
print("\n".join(shown[:16]))
print(lines[-1])
PY
echo "... (full list with the policy's sources in $OUT/watchlist.txt)"
echo "== ecoaudit screen of three example applications (permit officer; nothing is stored)"
# Exit 1 means "not every application is approved": the expected outcome of these examples.
rc=0
"$ECO" screen --db "$OUT/demo.db" --ruleset "$RS" --as-of "$AS_OF" "$RS/examples/applications.json" \
  --format text,html,json --out "$OUT/screening" || rc=$?
[[ $rc -le 1 ]] || exit "$rc"
cat "$OUT/screening/screen.txt"

if ((SERVE)); then
  echo "== ecoaudit serve: the demo store as the bureau's workbench"
  if ((PASSWORD_STDIN)); then
    IFS= read -r PASSWORD || { echo "scripts/demo.sh: --password-stdin: standard input holds no password" >&2; exit 2; }
    SHOW=0
  else
    # 18 random characters from the kernel; shown once below and kept nowhere but the hash.
    PASSWORD=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 18)
    SHOW=1
  fi
  "$ECO" user add admin --db "$OUT/demo.db" --role administrator --password-stdin <<<"$PASSWORD"
  LISTEN=${LISTEN:-127.0.0.1:8080}
  echo "sign in at http://$LISTEN/ as admin"
  if ((SHOW)); then echo "password (shown once, not stored anywhere): $PASSWORD"; fi
  unset PASSWORD
  exec "$ECO" serve --db "$OUT/demo.db" --ruleset "$RS" --listen "$LISTEN"
fi
