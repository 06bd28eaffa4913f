#!/usr/bin/env python3
"""Importing a batch in a real browser (webui.py's checks on every page), as the administrator,
in Chinese at laptop width and in English at tablet width, each on a fresh store:
  - a batch of two files, one of them bad (an industry that is not in the schema's list), chosen
    in the page's file input: the page shows it rejected, with the error naming the file as
    uploaded, its line, column and field; it offers no commit; the store is unchanged, as the
    API tells (the enterprise list, to a viewer; the store's batches, to the same browser);
  - a good batch: shown valid, committed with the page's button, then listed among the store's
    batches with its provenance, and its enterprise is found through the API.
"""
import pathlib
import tempfile

from webui import args, check, each_combo, fail, run

BAD_ENTERPRISES = ("id,name,industry,insured\n"
                   "91140700MA0TWP003D,新企业,coking,true\n"
                   "91140700MA0TWP004G,坏企业,banana,true\n")
GOOD_ENTERPRISE = "id,name,industry,insured\n91140700MA0TWP003D,新企业,coking,true\n"


def section_of(b, staged_id):
    for s in b.find_all("section.staged"):
        if ("%s" % staged_id) in b.find("h3", s).text.split("·")[0]:
            return s
    fail("no staged batch %s on the page: %s" % (staged_id, b.text("main")[:600]))


def upload(b, paths):
    form = b.find("form[data-upload]")
    b.find('input[type="file"][name="files"]', form).send_keys("\n".join(str(p) for p in paths))
    before = {s["id"] for s in b.api("GET", "/api/imports")[1]["staged"]}
    b.reloaded(lambda: b.submit(form))
    # Validation runs as a job: the page looks again every two seconds while it is pending.
    new = b.wait_until("the upload to be staged",
                       lambda: [s for s in b.api("GET", "/api/imports")[1]["staged"] if s["id"] not in before])
    staged = new[0]
    b.wait_until("the validation to finish", lambda: b.api("GET", "/api/imports/%s" % staged["id"])[1]["state"]
                 not in ("staged",))
    b.open("/imports")
    return b.api("GET", "/api/imports/%s" % staged["id"])[1]


def store_view(b):
    """What the API shows of the store's data: every enterprise (to a viewer: the administrator
    reads no enterprise, docs/accounts.md) and the store's batches (to the browser's user)."""
    r = b.srv.client("viewer").get("/api/enterprises?limit=200")
    s1, ents = r.status, r.json()
    s2, imports = b.api("GET", "/api/imports")
    check(s1 == 200 and s2 == 200, "API: %d %d" % (s1, s2))
    return ents["total"], sorted(e["id"] for e in ents["items"]), [x["id"] for x in imports["batches"]]


def scenario(b, files, lang, size):
    b.set_size(size)
    b.sign_in("admin")
    b.open("/imports?lang=" + lang)
    b.lang = lang
    b.check_layout()
    b.shot("imports")
    before = store_view(b)

    # One bad file in the batch: refused, nothing committed.
    bad = upload(b, [files / "facility.csv", files / "enterprise.csv"])
    check(bad["state"] == "rejected", "a batch with a bad file is %s" % bad["state"])
    sec = section_of(b, bad["id"])
    check("state-rejected" in b.find(".state", sec).get_attribute("class"), "not shown rejected")
    rows = [[td.text for td in tr.find_elements("css selector", "td")] for tr in b.find_all("table.errors tbody tr", sec)]
    check(len(rows) == 1, "error rows: %r" % rows)
    file_, line, column, field = rows[0][:4]
    check((file_, line, column) == ("enterprise.csv", "3", "3") and field.endswith("industry"),
          "the error names the file as uploaded, the line, column and field: %r" % rows[0])
    check("banana" in rows[0][5], "the message: %r" % rows[0])
    check(not b.find_all('form[data-api$="/commit"]', sec), "a rejected batch offers a commit")
    check(store_view(b) == before, "a refused batch changed what the API shows: %r -> %r" % (before, store_view(b)))
    b.check_layout()
    b.shot("import-rejected")

    # A good one: valid, committed with the button, listed with its provenance.
    good = upload(b, [files / "good" / "enterprise.csv"])
    check(good["state"] == "valid", "a good batch is %s: %r" % (good["state"], good.get("report")))
    sec = section_of(b, good["id"])
    b.shot("import-valid")
    commit = b.find('form[data-api$="/commit"]', sec)
    b.reloaded(lambda: b.submit(commit))
    done = b.wait_until("the commit", lambda: b.api("GET", "/api/imports/%s" % good["id"])[1]["state"] == "committed"
                        and b.api("GET", "/api/imports/%s" % good["id"])[1])
    b.open("/imports")
    sec = section_of(b, good["id"])
    check("state-committed" in b.find(".state", sec).get_attribute("class"), "not shown committed")
    check("admin" in sec.text and str(done["batch"]) in sec.text, "provenance: %r" % sec.text)
    batch_ids = [tr.find_elements("css selector", "td")[0].text for tr in b.find_all("main > table.list tbody tr")]
    check(str(done["batch"]) in batch_ids, "the store's batch %s is not listed: %r" % (done["batch"], batch_ids))
    after = store_view(b)
    check(after[0] == before[0] + 1 and "91140700MA0TWP003D" in after[1], "the enterprise: %r" % (after,))
    check(len(after[2]) == len(before[2]) + 1, "batches: %r -> %r" % (before[2], after[2]))
    b.check_layout()
    b.shot("import-committed")
    b.sign_out()


def main():
    eco, source, shots = args()
    fixture = pathlib.Path(source) / "tests/sweep/fixture/store"
    with tempfile.TemporaryDirectory(prefix="eco-browser-files-") as tmp:
        files = pathlib.Path(tmp)
        (files / "good").mkdir()
        (files / "facility.csv").write_bytes((fixture / "facility.csv").read_bytes())
        (files / "enterprise.csv").write_text(BAD_ENTERPRISES, encoding="utf-8")
        (files / "good" / "enterprise.csv").write_text(GOOD_ENTERPRISE, encoding="utf-8")
        each_combo(eco, source, shots / "imports", lambda b, lang, size: scenario(b, files, lang, size))

if __name__ == "__main__":
    run(main)
