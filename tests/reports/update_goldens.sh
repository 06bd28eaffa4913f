#!/usr/bin/env bash
# Kept for the helpers and notes that call it: rewrites the golden files of every end-to-end case
# (tests/e2e/README.md; the demo's goldens are in several groups: sweep, reports, rules, backup
# ...), the same as `ECOAUDIT_UPDATE_GOLDENS=1 ctest -R '^e2e\.'`. Review `git diff tests/e2e`.
# Usage: tests/reports/update_goldens.sh [ECOAUDIT]   (default build/cli/ecoaudit)
exec "$(dirname "$0")/../e2e/update_goldens.sh" "$@"
