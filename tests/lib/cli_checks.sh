# Shared by the end-to-end CLI test scripts (source it after setting $work):
#   fail MESSAGE...              counts a failure and prints it
#   run WANT_RC WHAT COMMAND...  runs COMMAND, keeps stdout in $out and stderr in $work/stderr,
#                                and fails (showing both) unless it exits WANT_RC
# The script ends with `exit $((fails > 0))`.
rm -rf "$work" && mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() {
  local want=$1 what=$2; shift 2
  out=$("$@" 2>"$work/stderr"); rc=$?
  [[ $rc -eq $want ]] || { fail "$what: exit $rc, want $want"; echo "$out"; cat "$work/stderr"; }
}
