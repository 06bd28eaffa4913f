#!/usr/bin/env python3
"""Background jobs, sweeps, schedules and staged imports through the server (docs/jobs.md):
  - a batch with one bad file is refused: its report names the file as uploaded, the line and
    the field; it cannot be committed; the store's data is unchanged;
  - a good batch is validated, then committed as one batch of the store, with trail rows;
  - a file name that is a path is refused (JSON and multipart) and nothing lands outside staging;
  - a sweep run through the server records the same findings as `ecoaudit sweep` from the
    command line on the same store and date;
  - schedules: a bad expression is refused naming its field; add, list, remove;
  - who sees a job: an import job is hidden from a viewer, a sweep job is not;
  - the pages render in both languages; the history survives a restart; a schedule missed while
    the server was stopped runs once at start.
"""
import json
import pathlib
import subprocess
import time
import uuid

from harness import Server, check, fail, main_args

BAD_ENTERPRISES = ("id,name,industry,insured\n"
                   "91140700MA0TWP003D,新企业,coking,true\n"
                   "91140700MA0TWP004G,坏企业,banana,true\n")
GOOD_ENTERPRISE = "id,name,industry,insured\n91140700MA0TWP003D,新企业,coking,true\n"


def data_digest(srv):
    """Every row of the record tables and of the batch list (not the trail, jobs or sessions)."""
    out = []
    tables = [r[0] for r in srv.sql("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    for t in tables:
        if t.startswith("_") and not t.startswith("_batch"):
            continue
        out.append((t, sorted(repr(r) for r in srv.sql('SELECT * FROM "%s"' % t))))
    return out


def upload(client, files, wait=True):
    return client.post("/api/imports", {"files": [{"name": n, "content": c} for n, c in files], "wait": wait})


def multipart(client, name, content):
    boundary = "eco" + uuid.uuid4().hex
    body = ("--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"%s\"\r\n"
            "Content-Type: text/csv\r\n\r\n%s\r\n--%s--\r\n" % (boundary, name, content, boundary)).encode("utf-8")
    return client.request("POST", "/api/imports", body=body, content_type="multipart/form-data; boundary=" + boundary)


def wait_job(client, job_id, limit=60):
    end = time.time() + limit
    while time.time() < end:
        r = client.get("/api/jobs/%d" % job_id)
        check(r.status == 200, "GET /api/jobs/%d: %r" % (job_id, r))
        if r.json()["finished"]:
            return r.json()
        time.sleep(0.1)
    fail("job %d did not finish within %d s" % (job_id, limit))


def imports(srv, admin, viewer):
    fixture = srv.source / "tests/sweep/fixture/store"
    before = data_digest(srv)
    r = upload(admin, [("facility.csv", (fixture / "facility.csv").read_text(encoding="utf-8")),
                       ("enterprise.csv", BAD_ENTERPRISES)])
    check(r.status == 202, "upload of a bad batch: %r" % r)
    bad = r.json()["import"]
    check(r.json()["job"]["state"] == "done", "the validation job: %r" % r.json()["job"])
    check(bad["state"] == "rejected", "a batch with a bad file is %s" % bad["state"])
    errors = bad["report"]["errors"]
    check(len(errors) == 1, "errors: %r" % errors)
    e = errors[0]
    check((e["file"], e["line"], e["column"], e["field"]) == ("enterprise.csv", 3, 3, "industry"),
          "the error names the file as uploaded, its line, column and field: %r" % e)
    check("banana" in e["message"], e["message"])
    r = admin.post("/api/imports/%s/commit" % bad["id"], {"wait": True})
    check(r.status == 409 and r.json()["code"] == "conflict", "a rejected batch committed: %r" % r)
    check(data_digest(srv) == before, "a refused batch changed the store's data")

    r = upload(admin, [("enterprise.csv", GOOD_ENTERPRISE)])
    check(r.status == 202 and r.json()["import"]["state"] == "valid", "a good batch: %r" % r)
    good = r.json()["import"]
    check(good["report"]["rows_new"] == 1, good["report"])
    check(data_digest(srv) == before, "a validation wrote to the store")
    r = admin.post("/api/imports/%s/commit" % good["id"], {"wait": True})
    check(r.status == 202, "commit: %r" % r)
    job = r.json()["job"]
    check(job["state"] == "done" and job["kind"] == "import.commit", "the commit job: %r" % job)
    check(r.json()["import"]["state"] == "committed", r.json()["import"])
    batch = job["summary"]["batch"]
    check(srv.sql("SELECT count(*) FROM enterprise WHERE id = '91140700MA0TWP003D'") == [(1,)], "not imported")
    r = admin.get("/api/imports")
    check(r.status == 200, "GET /api/imports: %r" % r)
    listed = {s["id"]: s for s in r.json()["staged"]}
    check(listed[good["id"]]["uploaded_by"] == "admin" and listed[good["id"]]["batch"] == batch,
          "the batch list's provenance: %r" % listed[good["id"]])
    check(any(b["id"] == batch for b in r.json()["batches"]), "the store's batch is not listed")
    trail = srv.sql("SELECT actor, action, object FROM _audit WHERE action LIKE 'import.%' ORDER BY id")
    check(("admin", "import.commit", "batch:%d" % batch) in trail, "no trail row of the commit: %r" % trail)
    check(sum(1 for t in trail if t[1] == "import.stage") == 2, "trail: %r" % trail)
    r = admin.post("/api/imports/%s/discard" % bad["id"])
    check(r.status == 200 and r.json()["state"] == "discarded", "discard: %r" % r)

    # Who sees a job: an import's is hidden from a viewer (who may not view imports).
    check(viewer.get("/api/jobs/%d" % job["id"]).status == 404, "a viewer saw an import job")
    check(viewer.get("/api/imports").status == 403, "a viewer read the imports")


def traversal(srv, admin):
    before = sorted(str(p) for p in srv.dir.rglob("*") if "staging" not in str(p))
    for name in ["../../evil.csv", "../store.db", "a/b.csv", "..\\evil.csv", ".hidden.csv"]:
        r = upload(admin, [("enterprise.csv", GOOD_ENTERPRISE), (name, GOOD_ENTERPRISE)])
        check(r.status == 400 and r.json()["code"] == "bad_request", "%s was accepted: %r" % (name, r))
        r = multipart(admin, name, GOOD_ENTERPRISE)
        check(r.status == 400, "%s (multipart) was accepted: %r" % (name, r))
    after = sorted(str(p) for p in srv.dir.rglob("*") if "staging" not in str(p))
    new = [p for p in after if p not in before and not p.endswith(("-wal", "-shm", "serve.log"))]
    check(not new, "files appeared outside the staging folder: %r" % new)
    check(not list(srv.dir.rglob("evil.csv")), "an upload's name became a path")
    # A good multipart upload (the page's way) is staged.
    r = multipart(admin, "enterprise.csv", GOOD_ENTERPRISE)
    check(r.status == 202, "multipart upload: %r" % r)
    wait_job(admin, r.json()["job"]["id"])


def findings_by_verdict(report):
    counts = {}
    for f in report["findings"]:
        counts[f["verdict"]] = counts.get(f["verdict"], 0) + 1
    return counts


def sweeps(srv, admin, viewer):
    r = admin.post("/api/sweeps", {"as_of": "2024-12-31", "wait": True})
    check(r.status == 202, "POST /api/sweeps: %r" % r)
    job = r.json()["job"]
    check(job["state"] == "done", "the sweep job: %r" % job)
    summary = job["summary"]
    check(job["progress"]["done"] == job["progress"]["total"] > 0, "progress: %r" % job["progress"])
    out = srv.dir / "cli-sweep.json"
    p = subprocess.run([srv.eco, "sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", "2024-12-31",
                        "--format", "json", "--out", str(out)], capture_output=True, text=True)
    check(p.returncode in (0, 1), "ecoaudit sweep: %s %s" % (p.stdout, p.stderr))
    cli = json.loads(out.read_text(encoding="utf-8"))
    check(summary["findings"] == len(cli["findings"]),
          "the server's sweep found %d, the command line's %d" % (summary["findings"], len(cli["findings"])))
    server_counts = {v: n for v, n in summary["counts"].items() if n}
    check(server_counts == findings_by_verdict(cli), "by verdict: server %r, command line %r"
          % (server_counts, findings_by_verdict(cli)))
    # The recorded findings of the two sweeps are the same rows.
    ids = [r[0] for r in srv.sql("SELECT id FROM _sweep ORDER BY id")]
    check(len(ids) >= 2 and summary["sweep_id"] == ids[-2], "sweep ids %r, the server's %r" % (ids, summary["sweep_id"]))
    rows = lambda sid: sorted(srv.sql("SELECT rule, subject_key, verdict FROM _sweep_finding WHERE sweep = ?", (sid,)))
    check(rows(ids[-2]) == rows(ids[-1]), "the recorded findings differ")

    r = admin.get("/api/sweeps")
    check(r.status == 200 and r.json()["history"][0]["id"] == ids[-1], "history: %r" % r)
    trail = srv.sql("SELECT actor, action, object FROM _audit WHERE action LIKE 'sweep.%' ORDER BY id")
    check(("admin", "sweep.run", "sweep:%d" % summary["sweep_id"]) in trail, "trail: %r" % trail)
    # A sweep job is visible to whoever may view sweeps; cancelling is for who started it.
    check(viewer.get("/api/jobs/%d" % job["id"]).status == 200, "a viewer cannot see a sweep's progress")
    check(viewer.post("/api/jobs/%d/cancel" % job["id"]).status == 403, "a viewer may cancel")
    r = admin.post("/api/jobs/%d/cancel" % job["id"])
    check(r.status == 200 and r.json()["cancelled"] is False, "cancelling a finished job: %r" % r)
    check(admin.post("/api/sweeps", {"as_of": "2024-02-30"}).status == 400, "a date that does not exist")
    return job["id"]


def schedules(srv, admin, viewer):
    r = admin.post("/api/schedules", {"name": "nightly", "cron": "0 25 * * *"})
    check(r.status == 400 and "field 2 (hour)" in r.json()["message"], "a bad expression: %r" % r)
    r = admin.post("/api/schedules", {"name": "夜间巡查", "cron": "0 2 * * *"})
    check(r.status == 201 and r.json()["time_zone"] == "Asia/Shanghai", "add: %r" % r)
    sid = r.json()["id"]
    check(r.json()["next_run_local"].endswith(" 02:00"), "next run in Jinzhong's wall clock: %r" % r.json())
    check([s["id"] for s in admin.get("/api/schedules").json()] == [sid], "list")
    check(viewer.get("/api/schedules").status == 403, "a viewer read the schedules")
    # A name is text: it comes back escaped on the page.
    r = admin.post("/api/schedules", {"name": "<script>alert(1)</script>", "cron": "0 3 * * *"})
    check(r.status == 201, "add: %r" % r)
    page = admin.get("/sweeps").text()
    check("<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page, "a schedule's name came back as markup")
    check(admin.request("DELETE", "/api/schedules/%d" % r.json()["id"]).status == 204, "remove")
    check(admin.request("DELETE", "/api/schedules/%d" % sid).status == 204, "remove")
    check(admin.request("DELETE", "/api/schedules/%d" % sid).status == 404, "removed twice")


def pages(srv, admin, viewer):
    for lang, words in (("zh", ["立即巡查", "定时巡查", "巡查历史"]), ("en", ["Run a sweep now", "Recurring sweeps"])):
        r = admin.get("/sweeps?lang=" + lang)
        check(r.status == 200, "/sweeps (%s): %r" % (lang, r))
        for w in words:
            check(w in r.text(), "/sweeps (%s) lacks %s" % (lang, w))
    r = viewer.get("/sweeps?lang=zh")
    check(r.status == 200 and "立即巡查" not in r.text() and "定时巡查" not in r.text(),
          "a viewer's sweeps page offers what the viewer may not do")
    r = admin.get("/imports?lang=zh")
    check(r.status == 200 and "上传并校验" in r.text() and "enterprise.csv" in r.text(), "/imports: %r" % r)
    check("<script>" not in r.text().replace('<script src="/static/app.js" defer></script>', ""), "an inline script")
    check(viewer.get("/imports").status == 403, "a viewer opened the imports page")


def restart(srv, sweep_job):
    # A schedule whose time passed while the server was stopped runs once at start.
    srv.stop()
    srv.run("schedule", "add", "--db", str(srv.db), "--name", "missed", "--cron", "0 2 * * *")
    srv.sql("UPDATE _schedule SET next_run_at = '2020-01-01T00:00:00Z' WHERE name = 'missed'")
    srv.start()
    admin = srv.client("admin")
    r = admin.get("/api/jobs/%d" % sweep_job)
    check(r.status == 200 and r.json()["state"] == "done", "the job history did not survive a restart: %r" % r)
    end = time.time() + 30
    scheduled = []
    while time.time() < end and not scheduled:
        scheduled = [j for j in admin.get("/api/jobs").json() if j["actor"].startswith("schedule:")]
        time.sleep(0.2)
    check(len(scheduled) == 1, "the missed schedule ran %d times at start" % len(scheduled))
    wait_job(admin, scheduled[0]["id"])
    time.sleep(0.5)
    scheduled = [j for j in admin.get("/api/jobs").json() if j["actor"].startswith("schedule:")]
    check(len(scheduled) == 1, "the missed schedule ran again")
    nxt = srv.sql("SELECT next_run_at FROM _schedule WHERE name = 'missed'")[0][0]
    check(nxt > time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "next run not in the future: %s" % nxt)


def main():
    eco, source = main_args()
    with Server(eco, source) as srv:
        admin, viewer = srv.client("admin"), srv.client("viewer")
        imports(srv, admin, viewer)
        traversal(srv, admin)
        job = sweeps(srv, admin, viewer)
        schedules(srv, admin, viewer)
        pages(srv, admin, viewer)
        restart(srv, job)
    print("jobs: imports, traversal, sweeps, schedules, pages, restart: ok")


if __name__ == "__main__":
    main()
