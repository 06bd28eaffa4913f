#!/usr/bin/env bash
# `ecoaudit backup` on the demo store: taken while another process holds a read transaction
# open on the store (python3's sqlite3), the copy passes integrity_check, holds every table's
# rows exactly (iterdump compared), lists the same batches and sweeps to the same findings;
# the reader's transaction is undisturbed. Errors (an existing --to, a missing or foreign
# --db, an unwritable --to) exit 2 and leave no file behind.
# Usage: cli_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$1 src=$2 work=$3
rs=$src/rulesets/jinzhong
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli_checks.sh"
db=$work/store.db
run 0 init "$eco" init --db "$db" --ruleset "$rs"
run 0 "import demo" "$eco" import --db "$db" --ruleset "$rs" "$rs/demo"
run 0 "sweep recorded" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --format json --out "$work/first.json"

# A reader holding a read transaction open for the whole backup.
python3 - "$db" "$work/ready" "$work/go" <<'PY' > "$work/reader.out" 2>&1 &
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN")
before = con.execute("SELECT count(*) FROM _batch").fetchone()[0]
open(sys.argv[2], "w").close()
for _ in range(600):
    if os.path.exists(sys.argv[3]): break
    time.sleep(0.1)
after = con.execute("SELECT count(*) FROM _batch").fetchone()[0]
assert con.in_transaction and before == after > 0, (before, after)
con.execute("COMMIT")
print("reader ok", before)
PY
reader=$!
for _ in $(seq 100); do [[ -e $work/ready ]] && break; sleep 0.1; done
[[ -e $work/ready ]] || fail "reader did not start"
run 0 "backup while reading" "$eco" backup --db "$db" --to "$work/copy.db"
[[ $out == "backed up $db to $work/copy.db: "*" pages of "*" bytes, 1 import batch(es)" ]] || fail "backup message: $out"
touch "$work/go"
wait $reader || fail "reader: $(cat "$work/reader.out")"
grep -q "reader ok" "$work/reader.out" || fail "reader: $(cat "$work/reader.out")"
[[ -e $work/copy.db.part ]] && fail "partial file left behind"

# The copy: sound, the same rows in every table, the same batches, the same findings.
python3 - "$db" "$work/copy.db" <<'PY' || fail "copy differs"
import sqlite3, sys
a, b = (sqlite3.connect(p) for p in sys.argv[1:3])
assert b.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
da, db_ = list(a.iterdump()), list(b.iterdump())
assert len(da) > 1000, len(da)
assert da == db_, next((x, y) for x, y in zip(da, db_) if x != y)
PY
run 0 "batches original" "$eco" batches --db "$db" --format json
batches_a=$out
run 0 "batches copy" "$eco" batches --db "$work/copy.db" --format json
[[ $out == "$batches_a" ]] || fail "batches differ"
run 0 "sweep original" "$eco" sweep --db "$db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json --out "$work/a.json"
run 0 "sweep copy" "$eco" sweep --db "$work/copy.db" --ruleset "$rs" --as-of 2026-11-28 --no-record --format json --out "$work/b.json"
# The two sweeps run a second apart may straddle a second: the generation time is not part of
# what the copy must reproduce.
for f in a b; do sed -E 's/"generated_at": *"[^"]*"/"generated_at": "T"/' "$work/$f.json" > "$work/$f.norm.json"; done
cmp -s "$work/a.norm.json" "$work/b.norm.json" || fail "sweeps differ: $(diff "$work/a.norm.json" "$work/b.norm.json" | head -5)"
grep -q '"rule"' "$work/b.json" || fail "sweep of the copy has no findings"

# Errors: nothing overwritten, nothing left behind.
echo "keep me" > "$work/exists.db"
run 2 "existing --to" "$eco" backup --db "$db" --to "$work/exists.db"
grep -q "already exists" "$work/stderr" || fail "existing message: $(cat "$work/stderr")"
[[ $(cat "$work/exists.db") == "keep me" ]] || fail "existing --to changed"
run 2 "missing --db" "$eco" backup --db "$work/none.db" --to "$work/x.db"
grep -q "no such store" "$work/stderr" || fail "missing message: $(cat "$work/stderr")"
echo "not sqlite" > "$work/text.db"
run 2 "not a database" "$eco" backup --db "$work/text.db" --to "$work/x.db"
sqlite3_py() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()" "$@"; }
sqlite3_py "$work/other.db" "CREATE TABLE t(x)"
run 2 "foreign database" "$eco" backup --db "$work/other.db" --to "$work/x.db"
grep -q "not an EcoAudit store" "$work/stderr" || fail "foreign message: $(cat "$work/stderr")"
run 2 "unwritable --to" "$eco" backup --db "$db" --to "$work/no/such/dir/x.db"
ls "$work"/x.db* "$work"/no 2>/dev/null && fail "files left behind: $(ls "$work")"
run 2 "no --to" "$eco" backup --db "$db"
exit $((fails > 0))
