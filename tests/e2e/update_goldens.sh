#!/usr/bin/env bash
# Rewrites the golden files of the end-to-end cases (tests/e2e/README.md) from the given (or the
# default build's) ecoaudit: the same as `ECOAUDIT_UPDATE_GOLDENS=1 ctest -R '^e2e\.'`, without
# CTest. Run after a deliberate change of the output, the ruleset or the demo data, then review
# `git diff tests/e2e`: a golden is committed only when the new output is right.
# Usage: tests/e2e/update_goldens.sh [ECOAUDIT] [CASE-PATH-REGEX]   e.g. '^sweep/'
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$src/build}
eco=$(realpath "${1:-$build/cli/ecoaudit}")
filter=${2:-}
fixture=$build/tests/report_fixture
fails=0
for toml in "$src"/tests/e2e/cases/*/*/case.toml; do
  dir=$(dirname "$toml") id=${toml#"$src"/tests/e2e/cases/}
  [[ -z $filter || ${id%/case.toml} =~ $filter ]] || continue
  ECOAUDIT_UPDATE_GOLDENS=1 python3 "$src/tests/e2e/run_case.py" "$dir" --ecoaudit "$eco" --src "$src" \
    --build "$build" --work "$build/tests/e2e" --var "report_fixture=$fixture" || [[ $? == 77 ]] || fails=$((fails + 1))
done
[[ $fails -eq 0 ]] || { echo "$fails case(s) failed (an exit code or a missing file): their goldens need a look"; exit 1; }
