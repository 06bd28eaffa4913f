#!/usr/bin/env python3
"""The workbench's load benchmark (issue 14, "How it is checked"): USERS concurrent signed-in
users on a store of ENTERPRISES generated enterprises (tools/datagen) browse enterprise audits
and finding lists through `ecoaudit serve` while a scheduled sweep runs; latency percentiles and
errors per endpoint; the scheduled sweep's result compared with a command-line sweep of the same
store and date. A program, not a test: figures and how to reproduce them are in
docs/performance.md ("The workbench under load").

Needs wrk (Debian's `wrk`; not a dependency of the test suite) and a build (`scripts/build.sh
ecoaudit ecoaudit-datagen`). Python's standard library only.

Phases, on one server:
  0. alone: each endpoint asked --alone times in sequence by one user, nothing else running in
     the server: wall time per request and the server's CPU time per request (utime + stime of
     its process, /proc), the figure that says what two cores can serve whatever else the
     machine runs;
  1. baseline: the load alone for --baseline seconds;
  2. sweep: the load again, with a schedule made due at the next whole minute (cron 'M H * * *'
     in Asia/Shanghai); the server's scheduler runs it as a background job; the load starts 3 s
     before the schedule is due and goes on until the job has finished, then wrk is stopped
     (SIGINT: it reports what it did): the phase's figures are those of requests served while
     the sweep ran (its window is reported: load_seconds, the job's started_at/finished_at).
Each endpoint has its own wrk process, its share of the USERS connections, one thread per
process (the machine has two cores); each request takes the next enterprise id (a random
sample of the store's) and the next of the USERS sessions. --think-ms T: each user waits a
random 0.5-1.5 x T between an answer and its next request (a person reading the page); 0 (the
default) is a closed loop, every user asking again at once: the server's saturation.
Connections: one per request by default, as behind nginx (docs/server.md: proxy_pass keeps no
connection to the server); --keep-alive keeps them open as browsers talking to the server
directly do: the server then gives each kept-alive connection its thread until it has been idle
for limits.keep_alive_seconds, so USERS past `threads` wait for a thread (see docs/performance.md).
Before the baseline, one audit loads the server's shared snapshot (app/snapshot_cache.hpp; its
time is reported as cold_audit_ms): the phases measure the server warm.

Then the server is stopped, the store copied, and `ecoaudit sweep --as-of` the scheduled sweep's
legal date is recorded in the copy: both sweeps' finding rows (rule, subject, enterprise,
verdict, severity) must be the same multiset, and their counts equal.

Usage: bench/serve_load.py [--build build] [--enterprises 100000] [--work /tmp/eco-serve-load]
                           [--users 50] [--baseline 30] [--threads 64] [--endpoints audit_page,...]
                           [--think-ms 0] [--keep-alive] [--alone 10] [--no-sweep]
The generated data and store are kept in --work and reused by the next run (--fresh remakes
them); each run adds one sweep to the store's history.
"""
import argparse
import datetime
import json
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zoneinfo

SOURCE = pathlib.Path(__file__).resolve().parent.parent
LUA = SOURCE / "bench" / "serve_load.lua"
PASSWORD = "Load-Bench-Password-01"

# name: (path template, share of the users). {id}: an enterprise id; {offset}: a page.
ENDPOINTS = {
    "audit_page": ("/enterprises/{id}", 0.3),                 # the live audit page (HTML)
    "audit_api": ("/api/enterprises/{id}/audit", 0.2),        # the same audit as JSON
    "findings_enterprise": ("/api/findings?enterprise={id}", 0.2),
    "findings_page": ("/api/findings?offset={offset}&limit=50", 0.2),
    "enterprise_search": ("/api/enterprises?q={id}", 0.1),
}
DEFAULT_ENDPOINTS = "audit_page,audit_api,findings_enterprise,findings_page,enterprise_search"


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def run(*args, stdin=None, check=True):
    p = subprocess.run([str(a) for a in args], input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("%s failed (%d): %s%s" % (" ".join(str(a) for a in args[:3]), p.returncode, p.stdout, p.stderr))
    return p


class Api:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.cookie = None
        self.csrf = None
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.cookie:
            req.add_header("Cookie", "eco_session=" + self.cookie)
        if self.csrf and method != "GET":
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=120) as r:
                status, headers, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, raw = e.code, e.headers, e.read()
        for c in headers.get_all("Set-Cookie") or []:
            if c.startswith("eco_session="):
                self.cookie = c.split(";", 1)[0].split("=", 1)[1]
        return status, (json.loads(raw) if raw and raw[:1] in (b"{", b"[") else raw)

    def sign_in(self, name):
        status, body = self.call("POST", "/api/session", {"name": name, "password": PASSWORD})
        if status != 201:
            sys.exit("sign-in of %s: %d %r" % (name, status, body))
        self.csrf = body["csrf"]
        return self.cookie


def prepare(args, eco, work):
    data, db = work / "data", work / "store.db"
    ruleset = SOURCE / "rulesets" / "jinzhong"
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    if not (data / "enterprise.csv").exists():
        log("generating %d enterprises into %s" % (args.enterprises, data))
        run(args.build / "tools/datagen/ecoaudit-datagen", "--enterprises", args.enterprises, "--out", data)
    if not db.exists():
        log("importing into %s" % db)
        run(eco, "init", "--db", db, "--ruleset", ruleset)
        t0 = time.time()
        run(eco, "import", "--db", db, "--ruleset", ruleset, data)
        log("imported in %.1f s" % (time.time() - t0))
    else:
        # A kept store made with an earlier ruleset: `init` adds the schema's new optional fields
        # (and refuses anything else, with the reason).
        run(eco, "init", "--db", db, "--ruleset", ruleset)
    con = sqlite3.connect(db)
    try:
        have = {r[0] for r in con.execute("SELECT name FROM _user")}
    except sqlite3.OperationalError:  # no account yet: the accounts' table comes with the first
        have = set()
    con.close()
    for i in range(args.users + 1):
        name = "admin" if i == 0 else "u%02d" % i
        if name not in have:
            role = "administrator" if i == 0 else "viewer"
            run(eco, "user", "add", name, "--db", db, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    return db, ruleset


def start_server(eco, db, ruleset, work, threads, jobs_nice=None):
    cfg = work / "serve.json"
    settings = {"threads": threads, "login": {"address_max_failures": 100000}, "limits": {"max_queued_connections": 256}}
    if jobs_nice is not None:
        settings["jobs_nice"] = jobs_nice
    cfg.write_text(json.dumps(settings))
    errlog = open(work / "serve.log", "w")
    proc = subprocess.Popen([str(eco), "serve", "--db", str(db), "--ruleset", str(ruleset), "--listen", "127.0.0.1:0",
                             "--config", str(cfg)], stdout=subprocess.PIPE, stderr=errlog, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        sys.exit("the server did not start: %r (see %s)" % (line, work / "serve.log"))
    return proc, int(line.rsplit(":", 1)[1].strip(" /\n"))


def start_wrk(args, port, name, template, conns, ids_file, sessions_file, duration):
    cmd = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % duration, "--timeout", "10s", "-s", str(LUA),
           "http://127.0.0.1:%d" % port, "--", str(ids_file), str(sessions_file), template, "100",
           str(args.think_ms), "0" if args.keep_alive else "1"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def result_of(proc):
    out, _ = proc.communicate()
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    sys.exit("wrk said: %s" % out)


def load(args, port, endpoints, ids_file, sessions_file, duration, until=None):
    """Runs one wrk per endpoint; stops them when until() says so (or after duration)."""
    procs = {}
    for name in endpoints:
        template, share = ENDPOINTS[name]
        conns = max(1, round(args.users * share / sum(ENDPOINTS[e][1] for e in endpoints)))
        procs[name] = (start_wrk(args, port, name, template, conns, ids_file, sessions_file, duration), conns)
    if until:
        until()
        for p, _ in procs.values():
            p.send_signal(signal.SIGINT)
    out = {}
    for name, (p, conns) in procs.items():
        r = result_of(p)
        r["connections"] = conns
        r["path"] = ENDPOINTS[name][0]
        out[name] = r
    return out


def sweep_phase(api, db_time_zone="Asia/Shanghai"):
    """Makes a schedule due at the next whole minute (at least 20 s away); returns a function
    that waits for the scheduled sweep's job to finish, and a dict it fills."""
    tz = zoneinfo.ZoneInfo(db_time_zone)
    now = datetime.datetime.now(tz)
    due = (now + datetime.timedelta(seconds=20)).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    status, sched = api.call("POST", "/api/schedules", {"name": "load-bench %s" % due.isoformat(timespec="minutes"),
                                                        "cron": "%d %d * * *" % (due.minute, due.hour)})
    if status != 201:
        sys.exit("schedule: %d %r" % (status, sched))
    info = {"schedule": sched, "due": due.isoformat()}

    def wait():
        deadline = time.time() + 30 * 60
        job = None
        while time.time() < deadline:
            try:
                status, jobs = api.call("GET", "/api/jobs")
            except (TimeoutError, urllib.error.URLError, ConnectionError) as e:
                # A saturated server answers late: the sweep goes on, so does the watch.
                info["poll_timeouts"] = info.get("poll_timeouts", 0) + 1
                log("GET /api/jobs: %s (the server is saturated); asking again" % e)
                continue
            items = jobs if isinstance(jobs, list) else jobs.get("jobs", [])
            mine = [j for j in items if j.get("kind") == "sweep" and j.get("schedule") == sched["id"]] or \
                   [j for j in items if j.get("kind") == "sweep" and j["created_at"] >= info.get("since", "")]
            if mine:
                job = mine[0]
                if "started_seen" not in info and job.get("state") == "running":
                    info["started_seen"] = time.time()
                if job.get("finished"):
                    break
            time.sleep(0.5)
        else:
            sys.exit("the scheduled sweep did not finish within 30 min")
        info["job"] = job
        info["finished_seen"] = time.time()
    return wait, info


def compare(eco, db, ruleset, work, sweep_id, as_of):
    """The scheduled sweep's finding rows vs a command-line sweep of a copy of the store."""
    copy = work / "compare.db"
    for ext in ("", "-wal", "-shm"):
        pathlib.Path(str(copy) + ext).unlink(missing_ok=True)
    src = sqlite3.connect(db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    t0 = time.time()
    p = run(eco, "sweep", "--db", copy, "--ruleset", ruleset, "--as-of", as_of, "--format", "json",
            "--out", work / "cli-sweep.json", check=False)
    cli_s = time.time() - t0
    if p.returncode not in (0, 1):   # 1: violations found
        sys.exit("ecoaudit sweep: %s" % p.stderr)
    con = sqlite3.connect(copy)
    cli_id = con.execute("SELECT max(id) FROM _sweep").fetchone()[0]
    q = ("SELECT rule, subject_record, subject_key, enterprise_id, verdict, severity, count(*) FROM _sweep_finding "
         "WHERE sweep = ? GROUP BY 1, 2, 3, 4, 5, 6")
    server_rows = set(con.execute(q, (sweep_id,)).fetchall())
    cli_rows = set(con.execute(q, (cli_id,)).fetchall())
    sums = con.execute("SELECT id, as_of, findings FROM _sweep WHERE id IN (?, ?)", (sweep_id, cli_id)).fetchall()
    con.close()
    cli_json = json.loads((work / "cli-sweep.json").read_text(encoding="utf-8"))
    return {"server_sweep": sweep_id, "cli_sweep": cli_id, "sweeps": sums, "cli_seconds": round(cli_s, 1),
            "server_findings": sum(r[-1] for r in server_rows), "cli_findings": sum(r[-1] for r in cli_rows),
            "cli_json_findings": len(cli_json["findings"]),
            "identical": server_rows == cli_rows and len(cli_json["findings"]) == sum(r[-1] for r in cli_rows),
            "only_server": sorted(server_rows - cli_rows)[:5], "only_cli": sorted(cli_rows - server_rows)[:5]}


def cpu_seconds(pid):
    """The process's user + system CPU time so far (/proc/PID/stat, clock ticks)."""
    fields = pathlib.Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alone(args, proc, port, session, ids, endpoints):
    """Each endpoint asked args.alone times in sequence: wall and server CPU per request."""
    api = Api(port)
    api.cookie = session
    out = {}
    for name in endpoints:
        template = ENDPOINTS[name][0]
        walls = []
        cpu0 = cpu_seconds(proc.pid)
        for i in range(args.alone):
            path = template.format(id=ids[(i * 37 + 11) % len(ids)], offset=(i * 7 % 100) * 50)
            t0 = time.time()
            status, _ = api.call("GET", path)
            walls.append((time.time() - t0) * 1000)
            if status != 200:
                sys.exit("%s: %d" % (path, status))
        cpu = (cpu_seconds(proc.pid) - cpu0) * 1000 / args.alone
        walls.sort()
        out[name] = {"path": template, "requests": args.alone, "wall_ms_median": round(walls[len(walls) // 2], 1),
                     "wall_ms_max": round(walls[-1], 1), "server_cpu_ms_per_request": round(cpu, 1)}
    return out


def alone_table(results):
    lines = ["| alone (one user, in sequence) | path | requests | median ms | max ms | server CPU ms per request |",
             "|---|---|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append("| %s | `%s` | %d | %.1f | %.1f | %.1f |" % (name, r["path"], r["requests"], r["wall_ms_median"],
                                                              r["wall_ms_max"], r["server_cpu_ms_per_request"]))
    return "\n".join(lines)


def table(phase, results):
    lines = ["| %s | path | users | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | non-2xx | socket errors |" % phase,
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        secs = r["duration_us"] / 1e6
        sock = r["connect"] + r["read"] + r["write"] + r["timeout"]
        lines.append("| %s | `%s` | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d |" % (
            name, r["path"], r["connections"], r["requests"], r["requests"] / secs if secs else 0,
            r["p50_us"] / 1000, r["p95_us"] / 1000, r["p99_us"] / 1000, r["max_us"] / 1000, r["non2xx"], sock))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=pathlib.Path, default=SOURCE / "build")
    ap.add_argument("--enterprises", type=int, default=100000)
    ap.add_argument("--work", type=pathlib.Path, default=pathlib.Path("/tmp/eco-serve-load"))
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--baseline", type=int, default=30, help="seconds of load without the sweep (0: none)")
    ap.add_argument("--threads", type=int, default=64, help="the server's request threads (its default: 64)")
    ap.add_argument("--jobs-nice", type=int, default=None, help="the server's jobs_nice (default: the server's own)")
    ap.add_argument("--endpoints", default=DEFAULT_ENDPOINTS)
    ap.add_argument("--ids", type=int, default=5000, help="enterprise ids sampled for the requests")
    ap.add_argument("--fresh", action="store_true", help="remake the data and the store")
    ap.add_argument("--alone", type=int, default=10, help="requests per endpoint in the alone phase (0: none)")
    ap.add_argument("--no-sweep", action="store_true",
                    help="stop after the alone and baseline phases: no scheduled sweep, no comparison (with "
                         "--baseline 0: the server's CPU per request alone, e.g. before and after a change)")
    ap.add_argument("--keep-alive", action="store_true",
                    help="keep connections open between requests (default: one per request, as behind nginx)")
    ap.add_argument("--think-ms", type=int, default=0,
                    help="each user's pause between an answer and its next request (0: closed loop)")
    args = ap.parse_args()
    if (args.baseline or not args.no_sweep) and not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    args.build = args.build.resolve()
    eco = args.build / "cli" / "ecoaudit"
    work = args.work.resolve()
    db, ruleset = prepare(args, eco, work)
    endpoints = [e for e in args.endpoints.split(",") if e]

    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM enterprise ORDER BY random() LIMIT ?", (args.ids,))]
    con.close()
    ids_file = work / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")

    proc, port = start_server(eco, db, ruleset, work, args.threads, args.jobs_nice)
    try:
        routes = run(eco, "serve", "--db", db, "--ruleset", ruleset, "--list-routes").stdout
        paths = {r["path"] for r in json.loads(routes)}
        missing = [e for e in endpoints if ENDPOINTS[e][0].split("?")[0].replace("{id}", "{key}") not in paths
                   and ENDPOINTS[e][0].split("?")[0] not in paths]
        if missing:
            log("the server has no route for %s: left out" % ", ".join(missing))
            endpoints = [e for e in endpoints if e not in missing]
        log("signing in %d users" % args.users)
        sessions = [Api(port).sign_in("u%02d" % i) for i in range(1, args.users + 1)]
        sessions_file = work / "sessions.txt"
        sessions_file.write_text("\n".join(sessions) + "\n")
        admin = Api(port)
        admin.sign_in("admin")
        # The audit pages read the latest sweep's findings: a first sweep if the store has none.
        status, hist = admin.call("GET", "/api/sweeps")
        if status != 200:
            sys.exit("GET /api/sweeps: %d %r" % (status, hist))
        if not hist["history"]:
            log("a first sweep (the findings lists need one)")
            status, r = admin.call("POST", "/api/sweeps", {"wait": True})
            if status != 202:
                sys.exit("first sweep: %d %r" % (status, r))
        report = {"enterprises": args.enterprises, "users": args.users, "server_threads": args.threads, "jobs_nice": args.jobs_nice,
                  "think_ms": args.think_ms, "keep_alive": args.keep_alive, "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()}}
        # The first audit loads the server's shared snapshot of the store: once, before the load.
        viewer = Api(port)
        viewer.cookie = sessions[0]
        t0 = time.time()
        status, _ = viewer.call("GET", ENDPOINTS["audit_api"][0].format(id=ids[0]))
        report["cold_audit_ms"] = round((time.time() - t0) * 1000)
        log("the first audit (the snapshot's load): %d ms, status %d" % (report["cold_audit_ms"], status))
        if args.alone:
            log("alone: %d requests per endpoint in sequence" % args.alone)
            report["alone"] = alone(args, proc, port, sessions[0], ids, endpoints)
            print(alone_table(report["alone"]) + "\n", flush=True)
        if args.baseline:
            log("baseline: %d s of load" % args.baseline)
            report["baseline"] = load(args, port, endpoints, ids_file, sessions_file, args.baseline)
            print(table("baseline (think %d ms%s)" % (args.think_ms, ", kept alive" if args.keep_alive else ""),
                        report["baseline"]) + "\n", flush=True)
        if args.no_sweep:
            (work / "results-alone.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
            return 0
        wait, info = sweep_phase(admin)
        info["since"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        # The load starts shortly before the schedule is due, so that the phase is the sweep's
        # window, not the minute of waiting for it.
        lead = datetime.datetime.fromisoformat(info["due"]).timestamp() - 3 - time.time()
        if lead > 0:
            log("waiting %.0f s for the schedule (due %s)" % (lead, info["due"]))
            time.sleep(lead)
        log("load with a sweep scheduled at %s" % info["due"])
        t0 = time.time()
        report["with_sweep"] = load(args, port, endpoints, ids_file, sessions_file, 3600, until=wait)
        report["load_seconds"] = round(time.time() - t0, 1)
        job = info["job"]
        report["sweep_job"] = {k: job.get(k) for k in ("id", "state", "created_at", "started_at", "finished_at",
                                                       "summary", "request", "progress")}
        report["machine"]["load_after"] = os.getloadavg()
        print(table("with the sweep (think %d ms%s)" % (args.think_ms, ", kept alive" if args.keep_alive else ""),
                    report["with_sweep"]) + "\n", flush=True)
        admin.call("DELETE", "/api/schedules/%d" % info["schedule"]["id"])
    finally:
        # The server's peak resident memory (its request threads, their SQLite connections and
        # caches, the shared snapshot, the sweep), read before it stops.
        try:
            status = (pathlib.Path("/proc") / str(proc.pid) / "status").read_text()
            report["server_peak_rss_mb"] = int(status.split("VmHWM:")[1].split()[0]) // 1024
            report["server_threads_seen"] = int(status.split("Threads:")[1].split()[0])
            log("server: peak RSS %d MB, %d threads" % (report["server_peak_rss_mb"], report["server_threads_seen"]))
        except (OSError, IndexError, ValueError, NameError):
            pass
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
    if job.get("state") != "done":
        sys.exit("the scheduled sweep ended %s: %r" % (job.get("state"), job))
    con = sqlite3.connect(db)
    as_of = con.execute("SELECT as_of FROM _sweep WHERE id = ?", (job["summary"]["sweep_id"],)).fetchone()[0]
    con.close()
    log("comparing sweep %d (legal date %s) with the command line's" % (job["summary"]["sweep_id"], as_of))
    report["comparison"] = compare(eco, db, ruleset, work, job["summary"]["sweep_id"], as_of)
    (work / ("results-think%d%s.json" % (args.think_ms, "-keepalive" if args.keep_alive else ""))).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print("sweep job: %s" % json.dumps(report["sweep_job"], ensure_ascii=False))
    print("comparison: %s" % json.dumps(report["comparison"], ensure_ascii=False))
    print("load: %s; results in %s" % (report["machine"], work))
    bad = sum(r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
              for phase in ("baseline", "with_sweep") for r in report.get(phase, {}).values())
    return 0 if report["comparison"]["identical"] and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
