#!/usr/bin/env bash
# Runs one adversarial case (README.md beside this file), or with --setup builds the demo store
# the cases copy. Usage: run_case.sh CASE|--setup ECOAUDIT SOURCE_DIR WORK_ROOT
set -uo pipefail
case_file=$1 ECO=$(realpath "$2") SRC=$(realpath "$3") root=$(realpath -m "$4")
RS=$SRC/rulesets/jinzhong
export ECO SRC RS

if [[ $case_file == --setup ]]; then
  rm -rf "$root/base" && mkdir -p "$root/base"
  "$ECO" init --db "$root/base/empty.db" --ruleset "$RS" >/dev/null || exit 1
  cp "$root/base/empty.db" "$root/base/demo.db"
  "$ECO" import --db "$root/base/demo.db" --ruleset "$RS" "$RS/demo" >/dev/null || exit 1
  echo "base stores ready in $root/base"
  exit 0
fi

CASE_DIR=$(cd "$(dirname "$case_file")" && pwd)
name=$(basename "$case_file" .case)
group=$(basename "$CASE_DIR")
WORK=$root/$group/$name
[[ ! -e $WORK ]] || chmod -R u+w "$WORK"  # a case may leave read-only folders behind
rm -rf "$WORK" && mkdir -p "$WORK"
DB=$WORK/store.db
export CASE_DIR WORK DB

# Defaults, then the case.
STORE=demo EXPECT_STORE=unchanged TIMEOUT=60
EXPECT_EXIT="" EXPECT_STDERR="" EXPECT_STDOUT="" REJECT_STDOUT=""
unset -f run setup check 2>/dev/null
# shellcheck disable=SC1090
source "$case_file"
declare -F run >/dev/null || { echo "FAIL: $case_file defines no run()"; exit 1; }
[[ -n $EXPECT_EXIT ]] || { echo "FAIL: $case_file sets no EXPECT_EXIT"; exit 1; }

case $STORE in
  demo) cp "$root/base/demo.db" "$DB" ;;
  empty) cp "$root/base/empty.db" "$DB" ;;
  none) ;;
  *) echo "FAIL: unknown STORE=$STORE"; exit 1 ;;
esac

dump() {  # every table's rows in a stable order, so equal data dumps equal
  [[ -f $DB ]] || { echo "<no store>"; return; }
  python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (name,) in db.execute("select name from sqlite_master where type='table' order by name"):
    rows = db.execute(f'select * from "{name}"').fetchall()
    print(f"== {name} {len(rows)}")
    for r in sorted(rows, key=repr):
        print(repr(r))
PY
}

# Helpers a case may use (exported: run() is a child shell).
# hold_write_lock DB SECONDS: takes DB's write lock (BEGIN IMMEDIATE), writes a row as an import
# would, creates ./held, sleeps SECONDS and commits: a stand-in for a concurrent writer.
hold_write_lock() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO _meta(key, value) VALUES('adversarial_lock', 'held')")
open("held", "w").close()
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
PY
}
# wait_for_file PATH: waits (up to 30 s) until PATH exists.
wait_for_file() { local i; for ((i = 0; i < 600; i++)); do [[ -e $1 ]] && return 0; sleep 0.05; done; return 1; }
# sqlite3_count DB SQL: prints the single value SQL selects.
sqlite3_count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }
# as_unprivileged CMD...: runs CMD as a user without privileges (nobody, when this runs as
# root; else the user itself), so that file permissions apply. Exit 77 when that cannot be.
as_unprivileged() {
  if [[ $(id -u) != 0 ]]; then "$@"; return; fi
  command -v setpriv >/dev/null || return 77
  setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}
export -f hold_write_lock wait_for_file sqlite3_count as_unprivileged

cd "$WORK" || exit 1
if declare -F setup >/dev/null; then
  setup
  rc=$?
  [[ $rc -ne 77 ]] || { echo "skip: $group/$name (its setup says what it lacks)"; exit 77; }
  [[ $rc -eq 0 ]] || { echo "FAIL: setup of $name failed"; exit 1; }
fi
dump >"$WORK/before.dump"
# The command runs in a subshell under a timeout so that a hang fails the case instead of CTest.
export -f run
timeout --kill-after=5 "$TIMEOUT" bash -c run >"$WORK/stdout" 2>"$WORK/stderr"
code=$?
dump >"$WORK/after.dump"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
if [[ $code -eq 124 || $code -eq 137 ]] && ! [[ $code =~ ^($EXPECT_EXIT)$ ]]; then
  fail "hang: no end within ${TIMEOUT}s"
elif ! [[ $code =~ ^($EXPECT_EXIT)$ ]]; then
  fail "exit code $code, expected $EXPECT_EXIT"
fi
[[ -z $EXPECT_STDERR ]] || grep -Eq -- "$EXPECT_STDERR" "$WORK/stderr" || fail "standard error does not match /$EXPECT_STDERR/"
[[ -z $EXPECT_STDOUT ]] || grep -Eq -- "$EXPECT_STDOUT" "$WORK/stdout" || fail "standard output does not match /$EXPECT_STDOUT/"
[[ -z $REJECT_STDOUT ]] || ! grep -Eq -- "$REJECT_STDOUT" "$WORK/stdout" || fail "standard output matches /$REJECT_STDOUT/"
case $EXPECT_STORE in
  unchanged) cmp -s "$WORK/before.dump" "$WORK/after.dump" || { fail "the store changed:"; diff "$WORK/before.dump" "$WORK/after.dump" | head -10; } ;;
  changed) ! cmp -s "$WORK/before.dump" "$WORK/after.dump" || fail "the store did not change" ;;
  any) ;;
  *) fail "unknown EXPECT_STORE=$EXPECT_STORE" ;;
esac
if declare -F check >/dev/null; then check || fail "check() of $name failed"; fi
if [[ $fails -gt 0 ]]; then
  echo "--- stdout"; head -c 2000 "$WORK/stdout"; echo "--- stderr"; head -c 2000 "$WORK/stderr"
  exit 1
fi
echo "ok: $group/$name (exit $code)"
