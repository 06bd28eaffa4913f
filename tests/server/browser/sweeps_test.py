#!/usr/bin/env python3
"""Sweeps in a real browser (webui.py's checks on every page), as the administrator on the
Jinzhong ruleset and its demo data (300 enterprises: a sweep that takes a moment), in Chinese at
laptop width and in English at tablet width, each on a fresh store:
  - "run a sweep now" with a legal date starts a background job: its row shows the progress bar
    and stage, named in the page's language (polled by the page while it runs, when the browser
    catches it running), then the result: the bar full, no stage beside it, the recorded
    sweep's number and its findings, and the sweep in the history table with the same counts as
    the API's history;
  - a recurring sweep added with the page's form is listed with its cron expression, Jinzhong's
    time zone and its next run at 02:00 local time (and by the API); removed with the page's
    button after the confirmation dialog, it is gone.
"""
from webui import By, args, check, each_combo, run

AS_OF = "2026-11-28"


def run_sweep(b, lang):
    form = b.find('form[data-api="/api/sweeps"]')
    b.fill(form, {"as_of": AS_OF})
    status, jobs_before = b.api("GET", "/api/jobs")
    check(status == 200, "GET /api/jobs: %d" % status)
    b.reloaded(lambda: b.submit(form))
    # The job's row: running (polled, with data-job) or already finished.
    row = b.wait_for("table.jobs tbody tr")
    running = row.get_attribute("data-job")
    seen = []
    if running:
        # The page polls /api/jobs/ID and reloads when the job has finished; the stage it shows
        # meanwhile is named in the page's language (data-stage-NAME), never the API's word.
        stage = b.find("[data-job-stage]", row)
        names = {stage.get_attribute("data-stage-" + k) for k in ("loading", "evaluating", "recording", "writing")}
        check("" not in names and None not in names, "the stage names in the page: %r" % names)
        if lang == "zh":
            check(all(not any(c.isascii() and c.isalpha() for c in n) for n in names), "stage names in zh: %r" % names)
        shown = b.wait_until("a stage shown or the job finished",
                             lambda: _stage_or_done(b), timeout=120)
        if shown is not True:
            check(shown in names, "the stage shown while running: %r (the page's names: %r)" % (shown, names))
            seen.append(shown)
        b.shot("sweep-running")
        b.wait_until("the sweep to finish and the page to reload",
                     lambda: not b.find("table.jobs tbody tr").get_attribute("data-job"), timeout=120)
    print("the sweep job was %s when the page showed it" % ("running (%s)" % seen if running else "finished"))
    row = b.find("table.jobs tbody tr")
    # A finished job shows its state, no stage beside the full bar.
    check(b.find("[data-job-stage]", row).text == "", "a finished job's stage: %r" % b.find("[data-job-stage]", row).text)
    cells = row.find_elements(By.CSS_SELECTOR, "td")
    check(cells[0].text.strip() != "", "no job id")
    status, job = b.api("GET", "/api/jobs/%s" % cells[0].text.strip())
    check(status == 200 and job["state"] == "done", "the sweep job: %d %r" % (status, job))
    check(job["request"]["as_of"] == AS_OF and cells[2].text == AS_OF, "the legal date: %r %r" % (job["request"], cells[2].text))
    bar = b.find("progress[data-job-progress]", row)
    check(int(bar.get_attribute("value")) == int(bar.get_attribute("max")) == job["progress"]["total"] > 0,
          "the progress bar of a finished sweep: %s/%s (job %r)" % (bar.get_attribute("value"), bar.get_attribute("max"),
                                                                    job["progress"]))
    sweep_id, findings = job["summary"]["sweep_id"], job["summary"]["findings"]
    check("#%d" % sweep_id in row.text and str(findings) in row.text, "the result in the row: %r" % row.text)
    # The history: the same sweep and counts as the API's.
    status, hist = b.api("GET", "/api/sweeps")
    first = hist["history"][0]
    check(first["id"] == sweep_id and first["as_of"] == AS_OF, "history: %r" % first)
    top = [td.text for td in b.find_all("main > table.list:last-of-type tbody tr")[0].find_elements(By.CSS_SELECTOR, "td")]
    check(top[0] == str(sweep_id) and top[2] == AS_OF and top[3] == str(first["findings"])
          and top[4] == str(first["violations"]), "the history row %r vs the API's %r" % (top, first))
    return sweep_id


def _stage_or_done(b):
    """The stage the running job's row shows, True once the row is gone or finished, else None."""
    rows = b.find_all("table.jobs tbody tr[data-job]")
    if not rows:
        return True
    return b.find("[data-job-stage]", rows[0]).text or None


def schedule(b, lang):
    name = "夜间巡查" if lang == "zh" else "nightly sweep"
    form = b.find('form[data-api="/api/schedules"]')
    b.fill(form, {"name": name, "cron": "0 2 * * *"})
    b.reloaded(lambda: b.submit(form))
    rows = [tr for tr in b.find_all("main table.list tbody tr") if tr.find_elements(By.CSS_SELECTOR, "code")
            and name in tr.text]
    check(len(rows) == 1, "the schedule is not listed: %s" % b.text("main")[:800])
    cells = [td.text for td in rows[0].find_elements(By.CSS_SELECTOR, "td")]
    check(cells[1] == "0 2 * * *" and cells[2] == "Asia/Shanghai" and cells[3].endswith(" 02:00"),
          "the schedule's row: %r" % cells)
    status, listed = b.api("GET", "/api/schedules")
    check(status == 200 and [s["name"] for s in listed] == [name], "the API's schedules: %r" % listed)
    b.check_layout()
    b.shot("schedule-added")
    # Removal asks first.
    remove = b.find('form[data-api^="/api/schedules/"]', rows[0])

    def click_and_confirm():
        b.submit(remove)
        alert = b.wait_until("the confirmation dialog", lambda: b.d.switch_to.alert)
        alert.accept()
    b.reloaded(click_and_confirm)
    check(b.api("GET", "/api/schedules")[1] == [], "the schedule was not removed")
    check(name not in b.text("main"), "the removed schedule is still shown")


def scenario(b, lang, size):
    b.set_size(size)
    b.sign_in("admin")
    b.open("/sweeps?lang=" + lang)
    b.lang = lang
    b.check_layout()
    b.shot("sweeps")
    first = run_sweep(b, lang)
    b.check_layout()
    b.shot("sweep-done")
    second = run_sweep(b, lang)
    check(second == first + 1, "the second sweep is %d after %d" % (second, first))
    schedule(b, lang)
    b.sign_out()


def main():
    eco, source, shots = args()
    each_combo(eco, source, shots / "sweeps", scenario, ruleset="rulesets/jinzhong", data="rulesets/jinzhong/demo")


if __name__ == "__main__":
    run(main)
