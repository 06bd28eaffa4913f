#!/usr/bin/env python3
"""From a draw to an enforcement action in a real browser (webui.py's checks on every page: no
console error, no outside request, the page fits laptop and tablet widths), on the enforcement
fixture (tests/enforcement: 榆次示例热力 E1 in 榆次区 with GL-1, no desulfurization, and GL-2, SO2
over the limit; one recorded sweep), in Chinese at 1366x768 and in English at 768x1024, each on a
fresh store:
  - the administrator draws on /draws (seed 42): the published list shows E1, and the draw
    verifies from the page;
  - the 榆次区 inspector follows E1's link on the published list to /inspections, whose form it
    fills in, opens the inspection and lands on its checklist; GL-1 is confirmed, but the save's answer is lost (the page's fetch rejects after
    the server recorded it): the draft stays, is restored after a reload, is saved again with
    the same request id, and the store holds one outcome; GL-2 is not confirmed (dismissed);
  - from GL-1's link, an order to rectify is recorded on /violations, the violation is shown
    under enforcement; moving it straight to resolved is refused with the workflow's sentence,
    and nothing changes.
"""
from webui import args, check, each_combo, run

RULESET = "tests/enforcement/ruleset"
E1 = "91140702MA0K010007"


def setup(srv):
    data = srv.source / "tests/enforcement/data"
    rs = str(srv.ruleset)
    srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "enterprise.csv"), str(data / "facility.csv"),
            str(data / "inspector.csv"))
    srv.run("sweep", "--db", str(srv.db), "--ruleset", rs, "--as-of", "2026-03-20")


def item_of(b, rule):
    return b.find('li.check-item[data-rule="%s"]' % rule)


def scenario(b, lang, size):
    b.set_size(size)
    b.lang = lang
    srv = b.srv

    # Draw and publish.
    b.sign_in("admin", next_path="/draws")
    b.open("/draws?lang=" + lang)
    form = b.find("form#draw-form")
    b.fill(form, {"period": "2026Q1", "seed": "42", "as_of": "2026-03-21"})
    b.reloaded(lambda: b.submit(form))
    check(b.find('section#draw-published[data-draw="1"]'), "no published list")
    check(b.find_all('#draw-selections tr[data-enterprise="%s"]' % E1), "E1 not on the published list")
    b.find('button[data-verify="1"]').click()
    b.wait_until("the draw verified",
                 lambda: b.find('output[data-verify-result="1"]').get_attribute("data-verified") == "true")
    b.check_layout()
    b.shot("draw-published")
    b.sign_out()

    # Open the inspection from the draw's published list, with the account in its team.
    b.sign_in("insp_a", next_path="/draws")
    b.open("/draws?lang=" + lang)
    b.reloaded(b.find('#draw-selections tr[data-enterprise="%s"] a[data-open-from-draw]' % E1).click)
    form = b.find("form#inspection-open")
    check(b.find("#open-enterprise").get_attribute("value") == E1 and b.find("#open-draw").get_attribute("value") == "1",
          "the form is not filled in from the draw")
    b.fill(form, {"planned_on": "2026-03-25", "inspectors": "insp_a, ZF001"})
    b.reloaded(lambda: b.submit(form))
    check(b.path().startswith("/inspections/"), "not on the checklist: %s" % b.path())
    iid = int(b.find("section#inspection").get_attribute("data-inspection"))
    check(item_of(b, "fx.desulfurization") and item_of(b, "fx.so2"), "the checklist's items")
    b.check_layout()
    b.shot("checklist")

    # GL-1 confirmed; the save's answer is lost.
    gl1 = item_of(b, "fx.desulfurization")
    f1 = b.find("form[data-outcome-form]", gl1)
    b.find('input[name="outcome"][value="confirmed"]', f1).click()
    note = "锅炉房无脱硫设施" if lang == "zh" else "no desulfurization unit in the boiler house"
    b.fill(f1, {"note": note, "evidence_files": "IMG_0001.jpg, boiler.pdf"})
    b.d.execute_script("""
        const real = window.fetch;
        window.fetch = function () {
          return real.apply(this, arguments).then(function () { throw new TypeError('the answer was lost'); });
        };""")
    b.submit(f1)
    b.wait_until("the save to fail", lambda: b.find("[data-error]", f1).get_attribute("data-network") == "true")
    check(b.find("[data-error]", f1).text, "no message for the lost answer")
    check(b.find("[data-draft-state]", f1).get_attribute("data-state") == "unsent", "the draft is not kept as unsent")
    rows = srv.sql("SELECT COUNT(*) FROM _inspection_outcome WHERE inspection = ?", (iid,))[0][0]
    check(rows == 1, "the server did not record the first save (%d rows)" % rows)
    b.shot("answer-lost")

    # Reloaded: the draft comes back, and saving again records nothing new.
    b.reloaded(lambda: b.d.refresh())
    gl1 = item_of(b, "fx.desulfurization")
    f1 = b.find("form[data-outcome-form]", gl1)
    check(b.find("[data-draft-state]", f1).get_attribute("data-state") == "restored", "the draft was not restored")
    check(b.find('input[name="outcome"][value="confirmed"]', f1).is_selected(), "the restored outcome")
    check(b.find('textarea[name="note"]', f1).get_attribute("value") == note, "the restored note")
    b.shot("draft-restored")
    b.submit(f1)
    b.wait_until("the resent save to be acknowledged",
                 lambda: b.find("[data-draft-state]", f1).get_attribute("data-state") == "replayed")
    rows = srv.sql("SELECT COUNT(*) FROM _inspection_outcome WHERE inspection = ?", (iid,))[0][0]
    check(rows == 1, "the resent save recorded again (%d rows)" % rows)
    left = b.d.execute_script("return window.localStorage.length")
    check(left == 0, "the acknowledged draft is still stored (%d keys)" % left)

    # GL-2 dismissed.
    f2 = b.find("form[data-outcome-form]", item_of(b, "fx.so2"))
    b.find('input[name="outcome"][value="not_confirmed"]', f2).click()
    b.fill(f2, {"note": "标定期间数据" if lang == "zh" else "calibration period data"})
    b.submit(f2)
    b.wait_until("the dismissal saved", lambda: b.find("[data-draft-state]", f2).get_attribute("data-state") == "saved")
    got = sorted(srv.sql("SELECT item, outcome FROM _inspection_outcome WHERE inspection = ?", (iid,)))
    check([o for _, o in got] == ["confirmed", "not_confirmed"], "the recorded outcomes: %r" % got)
    b.reloaded(lambda: b.d.refresh())
    check(b.find('p.recorded[data-recorded="confirmed"]', item_of(b, "fx.desulfurization")), "GL-1 not shown confirmed")
    check(b.find('p.recorded[data-recorded="not_confirmed"]', item_of(b, "fx.so2")), "GL-2 not shown dismissed")
    b.check_layout()
    b.shot("checklist-recorded")

    # An order to rectify from GL-1's link.
    b.reloaded(b.find("a[data-act]", item_of(b, "fx.desulfurization")).click)
    form = b.find("form#action-form")
    check(b.find("#action-subject").get_attribute("value") == "GL-1", "the action form is not filled in")
    b.fill(form, {"reference": "晋中环责改〔2026〕9号", "issued_on": "2026-03-27", "deadline": "2026-06-30",
                  "requirement": "建成脱硫设施并投运" if lang == "zh" else "build and run a desulfurization unit"})
    b.reloaded(lambda: b.submit(form))
    v = b.find('section.violation[data-rule="fx.desulfurization"]')
    check(v.get_attribute("data-state") == "under_enforcement", "state: %s" % v.get_attribute("data-state"))
    label = b.find("[data-state-label]", v).text
    check(label == ("执法处理中" if lang == "zh" else "Under enforcement"), "the state's label: %r" % label)
    check(b.find_all('tr[data-kind="rectification_order"]', v), "the order is not listed")
    b.check_layout()
    b.shot("order-recorded")

    # An illegal transition: refused with the workflow's sentence, nothing recorded.
    b.expect_status(r"^/api/violations/state$", 409)
    b.expect_console(r"/api/violations/state - Failed to load resource: .* 409")
    b.find("details.state-change summary", v).click()
    sf = b.find("form[data-state-form]", v)
    b.fill(sf, {"to": "resolved", "reason": "test"})
    before = srv.digest()
    b.submit(sf)
    b.wait_until("the refusal shown", lambda: "resolved_pending_verification" in b.find("[data-error]", sf).text)
    check(srv.digest() == before, "a refused transition changed the store")
    b.shot("transition-refused")
    b.sign_out()


def main():
    eco, source, shots = args()
    each_combo(eco, source, shots / "enforcement", scenario, setup=setup, ruleset=RULESET, data=None)


if __name__ == "__main__":
    run(main)
