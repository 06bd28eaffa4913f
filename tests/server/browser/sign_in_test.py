#!/usr/bin/env python3
"""Signing in and out in a real browser (webui.py: no console message, no outside request, the
page fits its width), in Chinese at laptop width and in English at tablet width:
  - an anonymous visit to a page gets the sign-in form (401) in its place, which brings the user
    back to that page;
  - a wrong password shows the refusal in the form (the 401 is the only console message allowed)
    and signs nobody in;
  - the right one shows the user's name and role, and the navigation of that role only (a viewer
    has no users page; an administrator has);
  - the session cookie is out of the page's reach (HttpOnly): document.cookie does not show it;
  - the language link switches every label and is remembered on the next page;
  - signing out ends the session: the API then answers 401 to the same browser.
"""
from webui import COMBOS, Browser, Server, args, check, run


def scenario(b, lang, size):
    b.set_size(size)
    b.d.delete_all_cookies()
    if lang == "en":
        b.open("/sign-in?lang=en", ready='form[data-api="/api/session"]')
    else:
        b.open("/sign-in?lang=zh", ready='form[data-api="/api/session"]')
    b.lang = lang
    # Anonymous: a page sends the browser to the sign-in form.
    b.d.get(b.url("/waivers"))
    form = b.wait_for('form[data-api="/api/session"]')
    check(b.path() == "/waivers", "an anonymous visit to /waivers: at %s" % b.path())
    check(b.find("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN"), "the page's language")
    label = b.text("main form label")
    check(("Name" in label or "name" in label) if lang == "en" else ("用户" in label or "账号" in label or "名" in label),
          "the sign-in label in %s: %r" % (lang, label))
    b.check_layout()
    b.shot("sign-in")

    # A wrong password: refused in the form, nobody signed in.
    b.fill(form, {"name": "viewer", "password": "not-the-password"})
    b.submit(form)
    msg = b.wait_until("the refusal in the form", lambda: b.text("form [data-error]"))
    check(b.path() == "/waivers", "a wrong password left the sign-in form: %s" % b.path())
    b.shot("sign-in-refused")
    status, _ = b.api("GET", "/api/session")
    check(status == 401, "after a wrong password the session is %d" % status)
    print("refused: %s" % msg)

    # The right one: back to the page asked for, the user and role shown, the role's navigation.
    form = b.find('form[data-api="/api/session"]')
    b.fill(form, {"name": "viewer", "password": "Viewer-Password-0006"})
    b.reloaded(lambda: b.submit(form))
    b.wait_until("the signed-in name", lambda: b.text("header .user") == "viewer")
    check(b.path().startswith("/waivers"), "after sign-in the browser is at %s, not the page it asked for" % b.path())
    nav = [a.get_attribute("href")[len(b.base):] for a in b.find_all("header nav a")]
    check("/waivers" in nav and "/users" not in nav and "/audit" not in nav, "a viewer's navigation: %r" % nav)
    check(b.d.execute_script("return document.cookie").find("eco_session") < 0,
          "the session cookie is readable by the page's script")
    check(any(c["name"] == "eco_session" and c["httpOnly"] for c in b.d.get_cookies()), "no HttpOnly session cookie")
    b.check_layout()
    b.shot("signed-in-viewer")

    # The other language through the page's link, remembered on the next page.
    other = "zh" if lang == "en" else "en"
    b.switch_language(other)
    heading = b.text("main h1")
    b.open("/ruleset")
    check(b.find("html").get_attribute("lang") == ("en" if other == "en" else "zh-CN"), "the language was not kept")
    check(b.text("main h1") != "", "no heading")
    b.shot("ruleset")
    b.switch_language(lang)
    check(b.text("main h1") != heading or lang == other, "switching language did not change the heading")

    # Signing out ends the session.
    b.sign_out()
    status, _ = b.api("GET", "/api/session")
    check(status == 401, "after sign-out the session answers %d" % status)

    # An administrator sees the users and trail pages.
    b.sign_in("admin")
    nav = [a.get_attribute("href")[len(b.base):] for a in b.find_all("header nav a")]
    check("/users" in nav and "/audit" in nav, "an administrator's navigation: %r" % nav)
    b.open("/users")
    b.check_layout()
    b.shot("users")
    b.sign_out()


def main():
    eco, source, shots = args()
    with Server(eco, source) as srv:
        with Browser(srv, shots / "sign_in") as b:
            b.expect_console(r"/api/session .*status of 401")   # the wrong password, on purpose
            b.expect_status(r"^/api/session$", 401)
            b.expect_status(r"^/waivers$", 401)                # the sign-in form in the page's place
            b.expect_console(r"/waivers - Failed to load resource: .* 401")
            for lang, size in COMBOS:
                scenario(b, lang, size)


if __name__ == "__main__":
    run(main)
