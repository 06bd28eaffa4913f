#!/usr/bin/env python3
"""The harness can fail: runs run_case.py on the planted cases of self_test/ and checks that
the one that holds passes and each other fails, naming the step that broke.
Usage: self_test.py WORK_DIR"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
want = {  # case: (exit code, text the report must contain)
    "holds": (0, "ok: "),
    "wrong-exit": (1, "step 2 'exits three': exit 3, want 0"),
    "wrong-output": (1, "step 1 'says': says.stdout differs from the golden"),
    "missing-file": (1, "step 1 'writes nothing': writes-nothing/report.json: the output file was not written"),
    "leftover": (1, "step 1 'leaves a partial file': files that must not exist: ['x.partial']"),
    "lacking": (77, "skip: "),
}
bad = 0
env = dict(os.environ)
env.pop("ECOAUDIT_UPDATE_GOLDENS", None)  # the planted goldens are never rewritten
for case, (rc, text) in want.items():
    p = subprocess.run([sys.executable, os.path.join(here, "run_case.py"), os.path.join(here, "self_test", case),
                        "--ecoaudit", "/bin/false", "--src", os.path.dirname(os.path.dirname(here)),
                        "--build", sys.argv[1], "--work", sys.argv[1]], capture_output=True, text=True, env=env)
    if p.returncode != rc or text not in p.stdout:
        bad += 1
        print(f"FAIL {case}: exit {p.returncode} (want {rc}); output lacks {text!r}:\n{p.stdout}{p.stderr}")
    else:
        print(f"ok {case}")
sys.exit(1 if bad else 0)
