#!/usr/bin/env bash
# The kill loop of the adversarial suite (issue 17; CTest adversarial.kill). Every command that
# writes (import, a recorded sweep in each report format, screen --record) is killed with
# SIGKILL, and every killed run must have left everything or nothing: the store passes SQLite's
# integrity check and its logical dump (every table's rows, timestamps left out) equals the
# dump before the run or the dump after an uninterrupted run; its report file is the previous
# one or a complete new one.
#
# Some kills must land inside the write, not before or after it: each command is also run
# with ECOAUDIT_PAUSE_AT (engine/store/pause.hpp), which stops it where everything is written
# but not committed (and, for sweeps, where the sweep is committed but its report not yet in
# place); the test checks that the process then holds the store's write lock, and kills it
# there. The other kills come after fixed delays spread over the run; just before each, the test
# looks whether the process holds the write lock, so that it can say where the kill landed.
#
# A kill counts only when the process died of it (exit status 137): a process that ended before
# the signal came was not killed. The test counts the kills that landed inside the write window
# (the write lock held, nothing committed: the store as before) and fails when none did, and
# when a kill at a pause point inside the write did not land there.
# Usage: kill_test.sh ECOAUDIT SOURCE_DIR WORK_DIR
set -uo pipefail
eco=$(realpath "$1") src=$(realpath "$2") work=$(realpath -m "$3")
rs=$src/rulesets/jinzhong
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
"$eco" init --db base.db --ruleset "$rs" >/dev/null || exit 1
"$eco" import --db base.db --ruleset "$rs" "$rs/demo" >/dev/null || exit 1

# The import runs replace every enterprise (355 updates and as many history rows): a write
# that takes a while. screen --record stores the example applications.
mkdir changed
python3 - "$rs/demo/enterprise.csv" changed/enterprise.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
name = rows[0].index("name")
for r in rows[1:]:
    r[name] += "（更名）"
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
PY
cp "$rs/examples/applications.json" apps.json

dump() {  # the logical content of store $1: every table's rows in a stable order, without timestamps
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
ok = db.execute("pragma integrity_check").fetchone()[0]
print(f"integrity {ok}")
skip = {"started_at", "finished_at", "generated_at", "created_at"}
for (name,) in db.execute("select name from sqlite_master where type='table' order by name"):
    cols = [c[1] for c in db.execute(f'pragma table_info("{name}")') if c[1] not in skip]
    rows = db.execute("select " + ", ".join(f'"{c}"' for c in cols) + f' from "{name}"').fetchall()
    print(f"== {name} {len(rows)}")
    for r in sorted(rows, key=repr):
        print(repr(r))
PY
}

report_ok() {  # report $1 (format $2) is the seeded previous one or a complete new one like $3
  local f=$1 fmt=$2 ref=$3
  [[ $(cat "$f" 2>/dev/null) == previous ]] && { echo previous; return 0; }
  case $fmt in
    json) python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(len(a["findings"]) != len(b["findings"]))' "$f" "$ref" ;;
    xlsx) python3 -c 'import zipfile,sys; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' "$f" ;;
    *) [[ $(wc -l <"$f") == $(wc -l <"$ref") ]] ;;
  esac || return 1
  echo complete
}

holds_write_lock() {  # is the write lock of store $1 taken (by someone else)?
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    db.execute("BEGIN IMMEDIATE")
    db.execute("ROLLBACK")
    sys.exit(1)
except sqlite3.OperationalError as e:
    sys.exit(0 if "locked" in str(e) else 2)
PY
}

dump base.db >before.dump
fails=0 runs=0 killed=0 nothing=0 everything=0
inside=0 inside_pause=0 inside_delay=0 want_inside_pause=0 before_write=0 after_commit=0 ended=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# One command: NAME FORMAT(of its report, or "") PAUSE-POINTS... -- ARGS...
# ARGS use DB for the store and OUT for the report file.
trial() {
  local name=$1 fmt=$2; shift 2
  local points=()
  while [[ $1 != -- ]]; do points+=("$1"); shift; done
  shift
  local out="" ext=$fmt
  [[ $fmt == text ]] && ext=txt
  [[ -n $fmt ]] && out=report.$ext
  local args=("${@//DB/t.db}")
  args=("${args[@]//OUT/$out}")

  # The uninterrupted run: what "everything" is.
  rm -f t.db* report.* && cp base.db t.db && { [[ -z $out ]] || echo previous >"$out"; }
  "$eco" "${args[@]}" >/dev/null 2>ref.err
  local rc=$?
  [[ $rc == 0 || $rc == 1 ]] || { fail "$name: the uninterrupted run ended with $rc: $(head -c 300 ref.err)"; return; }
  dump t.db >"complete-$name.dump"
  cmp -s before.dump "complete-$name.dump" && { fail "$name: the uninterrupted run changed nothing"; return; }
  [[ -z $out ]] || cp "$out" "complete-$name.$ext"

  # Kills at the pause points: inside the write (the lock held), or between commit and report.
  local point
  for point in "${points[@]}"; do
    rm -f t.db* report.* && cp base.db t.db && { [[ -z $out ]] || echo previous >"$out"; }
    ECOAUDIT_PAUSE_AT=$point "$eco" "${args[@]}" >/dev/null 2>pause.err &
    local pid=$! i
    for ((i = 0; i < 600; i++)); do
      grep -q "paused at $point" pause.err && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if ! grep -q "paused at $point" pause.err; then
      kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      fail "$name: never reached the pause point $point: $(head -c 300 pause.err)"; continue
    fi
    local locked=0 status
    holds_write_lock t.db && locked=1
    kill -9 "$pid"; wait "$pid" 2>/dev/null; status=$?
    runs=$((runs + 1))
    [[ $status == 137 ]] || { fail "$name: paused at $point, yet it did not die of the kill (status $status)"; continue; }
    killed=$((killed + 1))
    dump t.db >after.dump
    if [[ $point == report-publish ]]; then
      cmp -s after.dump "complete-$name.dump" || { fail "$name: killed after the commit, the store is not the complete run's"; diff "complete-$name.dump" after.dump | head -5; }
      [[ $(cat "$out") == previous ]] || fail "$name: killed before the report was put in place, yet it changed"
      everything=$((everything + 1)) after_commit=$((after_commit + 1))
    else
      want_inside_pause=$((want_inside_pause + 1))
      [[ $locked == 1 ]] || fail "$name: paused at $point without holding the write lock"
      inside_pause=$((inside_pause + locked))
      cmp -s after.dump before.dump || { fail "$name: killed inside the write at $point, the store changed"; diff before.dump after.dump | head -5; }
      [[ -z $out || $(cat "$out") == previous ]] || fail "$name: killed before its commit, its report changed"
      nothing=$((nothing + 1))
    fi
  done

  # Kills after fixed delays over the run.
  local delay
  for delay in 0.03 0.1 0.2 0.35; do
    rm -f t.db* report.* && cp base.db t.db && { [[ -z $out ]] || echo previous >"$out"; }
    "$eco" "${args[@]}" >/dev/null 2>/dev/null &
    local pid=$! phase=ended status
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then
      phase=unlocked
      holds_write_lock t.db && phase=locked
      kill -9 "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null; status=$?
    runs=$((runs + 1))
    if [[ $status == 137 ]]; then killed=$((killed + 1)); else phase=ended ended=$((ended + 1)); fi
    dump t.db >after.dump
    if cmp -s after.dump before.dump; then
      nothing=$((nothing + 1))
      # Killed while it held the write lock and before its commit: inside the write window.
      case $phase in locked) inside_delay=$((inside_delay + 1)) ;; unlocked) before_write=$((before_write + 1)) ;; esac
    elif cmp -s after.dump "complete-$name.dump"; then
      everything=$((everything + 1))
      [[ $phase == ended ]] || after_commit=$((after_commit + 1))
    else
      fail "$name: killed after ${delay}s, the store is neither as before nor as after a complete run"
      diff before.dump after.dump | head -5
    fi
    if [[ -n $out ]]; then
      report_ok "$out" "$fmt" "complete-$name.$ext" >/dev/null || fail "$name: killed after ${delay}s, the report is neither the previous nor a complete one"
    fi
  done
}

trial import "" import-commit -- import --db DB --ruleset "$rs" changed
for fmt in json text csv html xlsx; do
  trial "sweep-$fmt" "$fmt" sweep-commit report-publish -- sweep --db DB --ruleset "$rs" --as-of 2026-11-28 --format "$fmt" --out OUT
done
trial screen json import-commit -- screen --db DB --ruleset "$rs" --as-of 2026-11-28 --record --format json --out OUT apps.json

inside=$((inside_pause + inside_delay))
echo "$runs runs: $killed killed by SIGKILL, $ended ended before the kill; $nothing left nothing, $everything everything"
echo "kills inside the write window (write lock held, nothing committed): $inside" \
     "($inside_pause of $want_inside_pause at the pause points, $inside_delay after a delay);" \
     "$before_write before the write, $after_commit after the commit"
[[ $want_inside_pause -gt 0 && $inside_pause == "$want_inside_pause" ]] \
  || fail "$inside_pause of the $want_inside_pause kills at a pause point inside the write landed there"
[[ $inside -gt 0 ]] || fail "no kill landed inside the write window"
exit $((fails > 0))
