#!/usr/bin/env python3
"""Runs one end-to-end case (tests/e2e/README.md): the steps of CASE_DIR/case.toml in a fresh
temporary folder, each step's exit code checked and its standard output, standard error and
named output files compared, after normalisation, with the golden files in CASE_DIR/golden/.

  run_case.py CASE_DIR --ecoaudit PROGRAM --src SOURCE_DIR --build BUILD_DIR --work WORK_ROOT

With the environment variable ECOAUDIT_UPDATE_GOLDENS=1 the golden files are rewritten from
this run instead of compared (exit codes and `absent` are still checked). Exit 0 when every
step holds, 1 when one does not (each failure names its step), 2 when the case is malformed,
77 (CTest: skipped) when the machine lacks a file the case `requires`.
"""
import argparse
import difflib
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import xlsx_text  # noqa: E402

STEP_KEYS = {"name", "run", "exit", "stdout", "stderr", "stdout_to", "files", "absent", "env", "timeout", "mask", "stdin"}
CASE_KEYS = {"description", "step", "mask", "requires"}

# What varies between runs and checkouts and is not behaviour: generation times, durations,
# resource figures, the program's version. Each (pattern, replacement) applies to every output
# of every case; a case adds its own with `mask`.
DEFAULT_MASKS = [
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "<time>"),
    # The HTML reports print the day of generation under the machine-readable time.
    (r'<time datetime="<time>">[^<]*</time>', '<time datetime="<time>"><date></time>'),
    # ... and in the running header of its printed pages (reports/templates/labels.json "generated").
    (r"((?:报告日期|Report date)\W{0,3})\d{4}-\d{2}-\d{2}(?!T)", r"\1<date>"),
    (r"\b(\w+_s)=\d+(?:\.\d+)?", r"\1=<s>"),
    (r"\bpeak_rss_mb=\d+", "peak_rss_mb=<mb>"),
    (r"\becoaudit \d+\.\d+\.\d+", "ecoaudit <version>"),
]


class CaseError(Exception):
    pass


def updating():
    return os.environ.get("ECOAUDIT_UPDATE_GOLDENS", "0") not in ("", "0")


def slug(name):
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    if not s:
        raise CaseError(f"step name {name!r} has no letters")
    return s


class Case:
    def __init__(self, args):
        self.dir = os.path.abspath(args.case)
        self.id = os.path.relpath(self.dir, os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases"))
        self.golden = os.path.join(self.dir, "golden")
        self.src = os.path.abspath(args.src)
        self.build = os.path.abspath(args.build)
        self.eco = os.path.abspath(args.ecoaudit)
        self.tmp = os.path.join(os.path.abspath(args.work), self.id.replace(os.sep, "."))
        try:
            with open(os.path.join(self.dir, "case.toml"), "rb") as f:
                self.spec = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise CaseError(f"{self.dir}/case.toml: {e}")
        unknown = set(self.spec) - CASE_KEYS
        if unknown:
            raise CaseError(f"case.toml: unknown keys {sorted(unknown)}")
        self.steps = self.spec.get("step", [])
        if not self.steps:
            raise CaseError("case.toml has no [[step]]")
        names = [slug(s.get("name", "")) for s in self.steps]
        if len(set(names)) != len(names):
            raise CaseError(f"step names are not unique: {names}")
        for s in self.steps:
            unknown = set(s) - STEP_KEYS
            if unknown or "run" not in s:
                raise CaseError(f"step {s.get('name')!r}: unknown keys {sorted(unknown)} or no `run`")
        self.vars = {"src": self.src, "build": self.build, "tmp": self.tmp, "case": self.dir,
                     "rulesets": os.path.join(self.src, "rulesets"),
                     "tools": os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"),
                     "ecoaudit": self.eco}
        for v in args.var:
            name, _, value = v.partition("=")
            self.vars[name] = value
        # Paths become placeholders, longest first (the temp folder may lie inside the build
        # folder, the build folder inside the source folder); real paths too, when they differ.
        paths = []
        for key, tag in (("tmp", "<tmp>"), ("build", "<build>"), ("src", "<src>")):
            for p in {self.vars[key], os.path.realpath(self.vars[key])}:
                paths.append((p, tag))
        paths.sort(key=lambda pt: -len(pt[0]))
        self.paths = paths
        self.masks = [(re.compile(p), r) for p, r in DEFAULT_MASKS]
        self.masks += [(re.compile(p), "<masked>") for p in self.spec.get("mask", [])]

    def expand(self, text):
        def sub(m):
            if m.group(1) not in self.vars:
                raise CaseError(f"unknown placeholder {{{m.group(1)}}} in {text!r}")
            return self.vars[m.group(1)]
        return re.sub(r"\{(\w+)\}", sub, text)

    def normalise(self, text, extra=()):
        for p, tag in self.paths:
            text = text.replace(p, tag)
        # A column padded after a path is as wide as the checkout's folder makes it: one space.
        text = re.sub(r"(<(?:tmp|build|src)>\S*) {2,}", r"\1 ", text)
        for rx, rep in list(self.masks) + [(re.compile(p), "<masked>") for p in extra]:
            text = rx.sub(rep, text)
        return text


def read_output(path):
    """A file as normalisable text: an XLSX workbook as its text dump, other files as UTF-8
    (bytes that are not UTF-8 kept as escapes)."""
    if path.endswith(".xlsx"):
        return xlsx_text.dump(path)
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="backslashreplace")


def compare(case, golden_rel, actual, failures, step_label):
    """Compares ACTUAL (normalised text; None = the output does not exist) with the golden file;
    an empty output needs no golden file. In update mode writes (or removes) the golden."""
    golden = os.path.join(case.golden, golden_rel)
    if updating():
        if actual is None:
            failures.append(f"{step_label}: {golden_rel}: the output file was not written")
        elif actual:  # an empty output has no golden file: a stale one is removed at the end
            case.produced.add(os.path.normpath(golden))
            os.makedirs(os.path.dirname(golden), exist_ok=True)
            with open(golden, "wb") as f:
                f.write(actual.encode("utf-8", errors="surrogateescape"))
        return
    want = None
    if os.path.exists(golden):
        with open(golden, "rb") as f:
            want = f.read().decode("utf-8", errors="backslashreplace")
    if actual is None:
        failures.append(f"{step_label}: {golden_rel}: the output file was not written")
        return
    if (want or "") == actual:
        return
    kept = os.path.join(case.tmp, "actual", golden_rel)
    os.makedirs(os.path.dirname(kept), exist_ok=True)
    with open(kept, "wb") as f:
        f.write(actual.encode("utf-8", errors="surrogateescape"))
    diff = list(difflib.unified_diff((want or "").splitlines(True), actual.splitlines(True),
                                     f"golden/{golden_rel}", "this run", n=2))
    shown = "".join(diff[:60]) + (f"... ({len(diff) - 60} more diff lines)\n" if len(diff) > 60 else "")
    failures.append(f"{step_label}: {golden_rel} differs from the golden (this run's output: {kept}):\n{shown}")


def run_step(case, index, step, failures):
    name = slug(step["name"])
    label = f"step {index} '{step['name']}'"
    run = step["run"]
    argv = shlex.split(run) if isinstance(run, str) else list(run)
    argv = [case.expand(a) for a in argv]
    if argv and argv[0] == "ecoaudit":
        argv[0] = case.eco
    env = dict(os.environ)
    env.pop("ECOAUDIT_UPDATE_GOLDENS", None)
    env.update({"LC_ALL": "C.UTF-8", "TZ": "UTC"})
    env.update({k: case.expand(str(v)) for k, v in step.get("env", {}).items()})
    try:
        # `stdin`: text fed to the step's standard input (a password for --password-stdin);
        # without it standard input is empty and not a terminal.
        feed = step.get("stdin")
        p = subprocess.run(argv, cwd=case.tmp, env=env, capture_output=True,
                           stdin=None if feed is not None else subprocess.DEVNULL,
                           input=feed.encode("utf-8") if feed is not None else None,
                           timeout=step.get("timeout", 120))
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
    except OSError as e:
        rc, out, err = f"cannot run: {e}", b"", b""
    if "stdout_to" in step:  # the raw output kept for a later step (compare.py)
        with open(os.path.join(case.tmp, case.expand(step["stdout_to"])), "wb") as f:
            f.write(out)
    want = step.get("exit", 0)
    out_t = out.decode("utf-8", errors="backslashreplace")
    err_t = err.decode("utf-8", errors="backslashreplace")
    if rc != want:
        failures.append(f"{label}: exit {rc}, want {want}\n  command: {shlex.join(argv)}\n"
                        f"--- stdout (head)\n{out_t[:1500]}\n--- stderr (head)\n{err_t[:1500]}")
    extra = step.get("mask", [])
    for stream, text in (("stdout", out_t), ("stderr", err_t)):
        mode = step.get(stream, "golden")
        if mode == "ignore":
            continue
        if mode != "golden":
            raise CaseError(f"{label}: {stream} must be \"golden\" or \"ignore\", not {mode!r}")
        compare(case, f"{name}.{stream}", case.normalise(text, extra), failures, label)
    for rel in step.get("files", []):
        path = os.path.join(case.tmp, case.expand(rel))
        actual = case.normalise(read_output(path), extra) if os.path.isfile(path) else None
        compare(case, f"{name}/{os.path.relpath(path, case.tmp)}", actual, failures, label)
    for pattern in step.get("absent", []):
        left = sorted(glob.glob(os.path.join(case.tmp, case.expand(pattern)), recursive=True))
        if left:
            failures.append(f"{label}: files that must not exist: {[os.path.relpath(x, case.tmp) for x in left]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("--ecoaudit", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                    help="one more placeholder, e.g. another built program")
    args = ap.parse_args()
    try:
        case = Case(args)
        lacking = [p for p in case.spec.get("requires", []) if not os.path.exists(case.expand(p))]
        if lacking:
            print(f"skip: {case.id} needs {', '.join(lacking)}, which this machine lacks")
            return 77
        case.produced = set()
        if os.path.exists(case.tmp):
            for root, dirs, _ in os.walk(case.tmp):  # a step may leave read-only folders behind
                for d in dirs:
                    os.chmod(os.path.join(root, d), 0o755)
            shutil.rmtree(case.tmp)
        os.makedirs(case.tmp)
        failures = []
        for i, step in enumerate(case.steps, 1):
            before = len(failures)
            run_step(case, i, step, failures)
            for f in failures[before:]:
                print(f"FAIL {case.id}: {f}\n")
        if updating():
            for path in glob.glob(os.path.join(case.golden, "**"), recursive=True):
                if os.path.isfile(path) and os.path.normpath(path) not in case.produced:
                    os.remove(path)  # the golden of a step or file that is gone, or now empty
            for root, dirs, files in os.walk(case.golden, topdown=False):
                if not dirs and not files and root != case.golden:
                    os.rmdir(root)
            print(f"updated {os.path.relpath(case.golden, case.src)}")
    except CaseError as e:
        print(f"case {args.case} is malformed: {e}")
        return 2
    if failures:
        print(f"{case.id}: {len(failures)} failure(s) in {len(case.steps)} steps; the work folder is {case.tmp}."
              "\nIf the new output is right: ECOAUDIT_UPDATE_GOLDENS=1 ctest --test-dir build -R '^e2e\\.' "
              "(or tests/e2e/update_goldens.sh), then review `git diff tests/e2e`.")
        return 1
    print(f"ok: {case.id} ({len(case.steps)} steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
