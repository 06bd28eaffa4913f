#!/usr/bin/env python3
"""Granting a waiver in a real browser (webui.py's checks on every page), as the rule author on
the sweep fixture (tests/server/harness.py makes waiver request 1: requirement AIR-03 on facility
F-OPEN of 91140700MA0TWP0017, whose rule fx.retrofit finds a violation), in Chinese at laptop
width and in English at tablet width, each on a fresh store:
  - the request is listed pending and the enterprise's live audit (the API, as the same browser)
    finds the violation;
  - approved with the page's form (basis, approver, validity), the row shows it approved with
    its waiver key and validity, and the live audit now finds the finding waived, naming the
    waiver and its legal basis.
"""
from webui import args, check, each_combo, fail, run

ENTERPRISE = "91140700MA0TWP0017"
AS_OF = "2024-12-31"


def finding(b):
    status, audit = b.api("GET", "/api/enterprises/%s/audit?as_of=%s" % (ENTERPRISE, AS_OF))
    check(status == 200, "the live audit: %d %r" % (status, audit))
    for f in audit["report"]["findings"]:
        if f["rule"] == "fx.retrofit" and f["subject"]["key"] == "F-OPEN":
            return f
    fail("no fx.retrofit finding on F-OPEN: %r" % audit["report"]["findings"])


def scenario(b, lang, size):
    b.set_size(size)
    b.sign_in("author", next_path="/waivers")
    b.open("/waivers?lang=" + lang)
    b.lang = lang
    row = b.find('tr[data-waiver="1"]')
    check("state-pending" in row.get_attribute("class"), "request 1 is not pending: %r" % row.get_attribute("class"))
    check(finding(b)["verdict"] == "violation", "waived before the approval")
    b.check_layout()
    b.shot("waivers")

    basis = "晋环函〔2024〕12号" if lang == "zh" else "Jin Env. letter 2024/12"
    b.find("details summary", row).click()
    form = b.find('form[data-api="/api/waivers/1/approve"]', row)
    b.fill(form, {"basis": basis, "approver": "晋中市生态环境局", "from": "2024-11-01", "until": "2025-06-30"})
    b.shot("waiver-approving")
    b.reloaded(lambda: b.submit(form))
    row = b.find('tr[data-waiver="1"]')
    check("state-approved" in row.get_attribute("class"), "not shown approved: %r" % row.text)
    check("WR-1" in row.text and "2024-11-01" in row.text and "2025-06-30" in row.text and basis in row.text,
          "the approved row: %r" % row.text)
    f = finding(b)
    check(f["verdict"] == "waived", "after the approval the finding is %s" % f["verdict"])
    check(f["waiver"]["id"] == "WR-1" and f["waiver"]["legal_basis"] == basis, "the waiver named: %r" % f["waiver"])
    b.check_layout()
    b.shot("waiver-approved")
    b.sign_out()


def main():
    eco, source, shots = args()
    each_combo(eco, source, shots / "waivers", scenario)


if __name__ == "__main__":
    run(main)
