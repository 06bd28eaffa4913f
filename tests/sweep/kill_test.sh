#!/usr/bin/env bash
# A sweep killed at any point leaves the store as it was before it, or holds the whole sweep:
# runs `ecoaudit sweep` on the demo store, kills it (SIGKILL) after a varying delay, and checks
# that every recorded sweep has exactly the findings it counted and the store still sweeps.
# Usage: kill_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
rs=$src/rulesets/jinzhong
rm -rf "$work" && mkdir -p "$work"
db=$work/store.db
"$eco" init --db "$db" --ruleset "$rs" >/dev/null || exit 1
"$eco" import --db "$db" --ruleset "$rs" "$rs/demo" >/dev/null || exit 1
check() {
  python3 - "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
if "_sweep" not in tables:
    print(0); sys.exit(0)
bad = db.execute("""select s.id, s.findings, (select count(*) from _sweep_finding f where f.sweep = s.id)
                    from _sweep s""").fetchall()
for sid, counted, stored in bad:
    if counted != stored:
        print(f"sweep {sid}: counted {counted}, stored {stored}"); sys.exit(1)
orphans = db.execute("select count(*) from _sweep_finding where sweep not in (select id from _sweep)").fetchone()[0]
if orphans:
    print(f"{orphans} findings of no sweep"); sys.exit(1)
print(len(bad))
PY
}
fails=0 killed=0
for delay in 0.001 0.005 0.01 0.02 0.03 0.05 0.08 0.12; do
  before=$(check) || { echo "FAIL: inconsistent store before a run: $before"; fails=1; break; }
  "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format json --out "$work/out.json" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  after=$(check) || { echo "FAIL: after a kill at ${delay}s: $after"; fails=1; continue; }
  if [[ $after -ne $before && $after -ne $((before + 1)) ]]; then
    echo "FAIL: sweeps $before -> $after after a kill at ${delay}s"; fails=1
  fi
done
"$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 >/dev/null || { echo "FAIL: the store no longer sweeps"; fails=1; }
final=$(check) || { echo "FAIL: final store: $final"; fails=1; }
echo "killed $killed of 8 runs; $final sweeps recorded, each whole"
exit $fails
