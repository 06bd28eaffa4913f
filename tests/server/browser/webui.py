"""The browser tests' harness: the workbench (tests/server/harness.py's Server: a temporary store,
one account per role, `ecoaudit serve` on a free port) driven by Debian's Chromium through
chromedriver and python3-selenium, headless.

What every test gets from it, beside its own scenario:
  - no console message at all (a script error, a CSP violation, a resource that failed to load),
    read from the browser's log after every step; a test names the messages it provokes on
    purpose (a refused sign-in's 401) with `expect_console`;
  - no request to any host but the server: every request the pages made (the CDP network events
    of the performance log) is checked, and outside hosts do not resolve anyway
    (--host-resolver-rules), so that a page that depends on one fails visibly;
  - no response of 400 or more that the test did not expect;
  - the page fits its width (no horizontal scrolling) at laptop (1366x768) and tablet (768x1024)
    sizes; at tablet width, where a table's rows are shown as blocks of cells without the
    heading row, every cell shown as a block shows its column's heading;
  - full-page PNG screenshots in the build folder (SHOTS_DIR/<test>/), for people to look at.

Chromium's profile lives in the store's temporary folder and goes with it; the browser is closed
and the server stopped on every exit path (SIGTERM from CTest's timeout included).

The interpreter: python3-selenium is Debian's, in /usr/bin/python3's dist-packages (a pyenv or
venv python3 earlier on PATH does not see it): tests/server/browser/tests.cmake runs the tests
with /usr/bin/python3. Exit 77 (CTest: skipped) when chromium, chromedriver or selenium is
missing (ECOAUDIT_WITH_BROWSER=0 in scripts/install-deps.sh leaves them out).
"""
import base64
import json
import os
import pathlib
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from harness import Server, check, fail  # noqa: E402  (tests/server/harness.py)

SKIP = 77
LAPTOP = ("laptop", 1366, 768)
TABLET = ("tablet", 768, 1024)
# Each scenario runs twice, so that it meets both languages and both widths.
COMBOS = [("zh", LAPTOP), ("en", TABLET)]

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError as e:  # pragma: no cover - a machine without python3-selenium
    print("python3-selenium is not installed (%s): skipped (scripts/install-deps.sh installs it)" % e)
    sys.exit(SKIP)

__all__ = ["Server", "check", "fail", "Browser", "By", "Select", "COMBOS", "LAPTOP", "TABLET", "args", "run", "each_combo"]


def _find(*names):
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def args():
    """ECOAUDIT SOURCE_DIR SHOTS_DIR from the command line."""
    if len(sys.argv) != 4:
        fail("usage: %s ECOAUDIT SOURCE_DIR SHOTS_DIR" % sys.argv[0])
    return sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])


def run(main):
    """Runs main() with SIGTERM turned into an exception (so that `finally` closes the browser and
    stops the server when CTest's timeout ends the test)."""
    def on_term(signum, frame):
        raise SystemExit("terminated by signal %d" % signum)
    signal.signal(signal.SIGTERM, on_term)
    main()
    print("OK")


class Browser:
    """One headless Chromium on `srv`, its screenshots in `shots` (a folder, emptied first)."""

    def __init__(self, srv, shots):
        chromium = _find("chromium", "chromium-browser")
        driver = _find("chromedriver")
        if not chromium or not driver:
            print("chromium or chromedriver is not installed: skipped (scripts/install-deps.sh installs them)")
            srv.stop()
            sys.exit(SKIP)
        self.profile = tempfile.TemporaryDirectory(prefix="eco-chromium-")
        self.shots = pathlib.Path(shots)
        shutil.rmtree(self.shots, ignore_errors=True)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.shot_count = 0
        self.lang, self.size = "zh", LAPTOP
        self.expected_console = []   # regexes of console messages the test provokes
        self.expected_status = []    # (regex of the path, status) the test provokes
        self.problems = []
        self.notes = []
        self.requests = 0
        self.labelled_cells = 0  # table cells check_layout saw with their heading at tablet width
        self.request_urls = {}   # the pages' requests by CDP request id
        self.attach(srv)
        o = webdriver.ChromeOptions()
        o.binary_location = chromium
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
                  "--lang=zh-CN", "--user-data-dir=%s" % self.profile.name,
                  # Outside hosts do not resolve: a page that needs one breaks visibly.
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                  "--window-size=1366,768"]:
            o.add_argument(a)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        o.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        self.d = webdriver.Chrome(service=Service(driver), options=o)
        self.d.set_page_load_timeout(60)
        self.d.set_script_timeout(60)
        self.wait = WebDriverWait(self.d, 30)
        self.set_size(LAPTOP)

    def attach(self, srv):
        """Points the browser at `srv` (a scenario may take a fresh store for each language and
        width); its cookies go with the old server."""
        if getattr(self, "d", None) is not None:
            self.collect()
            self.d.delete_all_cookies()
        self.srv = srv
        self.base = "http://127.0.0.1:%d" % srv.port
        # A browser asks for /favicon.ico whatever the page says; until the server has that
        # route (the pages' work adds it), its 404 is a known gap, said in the output, not a
        # failure. Once the route is there, a 404 on it fails like any other.
        if not any(r.get("path") == "/favicon.ico" for r in srv.list_routes()):
            self.expect_status(r"^/favicon\.ico$", 404)
            self.expect_console(r"/favicon\.ico - Failed to load resource: .* 404")
            if "the server has no /favicon.ico route: its 404 is not counted" not in self.notes:
                self.notes.append("the server has no /favicon.ico route: its 404 is not counted")

    # --- lifetime --------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.collect()
                self.verify()
        finally:
            try:
                self.d.quit()
            except Exception:  # the browser may be gone already; the test's own error matters
                pass
            self.profile.cleanup()

    # --- the checks every step gets ----------------------------------------------------------
    def expect_console(self, pattern):
        self.expected_console.append(re.compile(pattern))

    def expect_status(self, path_pattern, status):
        self.expected_status.append((re.compile(path_pattern), status))

    def collect(self):
        """Reads the console and the network events since the last call into self.problems."""
        for e in self.d.get_log("browser"):
            msg, level = e.get("message", ""), e.get("level", "")
            if any(p.search(msg) for p in self.expected_console):
                continue
            if level in ("DEBUG", "INFO"):
                # Chromium's verbose hints ("[DOM] Input elements should have autocomplete
                # attributes"): advice, not errors; listed in the test's output.
                if "console hint: " + msg not in self.notes:
                    self.notes.append("console hint: " + msg)
                continue
            self.problems.append("console %s: %s" % (level, msg))
        for e in self.d.get_log("performance"):
            m = json.loads(e["message"])["message"]
            method, params = m.get("method"), m.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                # The browser's own pages (the new tab page: chrome://...) are not the workbench's.
                if params.get("documentURL", "").startswith(("chrome:", "chrome-untrusted:", "devtools:")):
                    continue
                self.requests += 1
                self.request_urls[params["requestId"]] = url
                if not (url.startswith(self.base + "/") or url.startswith(("data:", "blob:", "about:"))):
                    self.problems.append("request to an outside host: %s (from %s)" % (url, params.get("documentURL")))
            elif method == "Network.responseReceived":
                r = params["response"]
                if r["status"] >= 400 and r["url"].startswith(self.base):
                    path = r["url"][len(self.base):]
                    if not any(p.search(path) and s == r["status"] for p, s in self.expected_status):
                        self.problems.append("response %d to %s" % (r["status"], path))
            elif method == "Network.loadingFailed" and not params.get("canceled") \
                    and params["requestId"] in self.request_urls:
                self.problems.append("a request failed: %s %s"
                                     % (self.request_urls[params["requestId"]], params.get("errorText")))

    def verify(self):
        self.collect()
        for n in self.notes:
            print("note: %s" % n)
        check(self.requests > 0, "the performance log recorded no request: the network check saw nothing")
        print("table cells shown with their column's heading at tablet width: %d" % self.labelled_cells)
        if self.problems:
            fail("the browser saw:\n  " + "\n  ".join(self.problems[:30]))

    def check_layout(self):
        """The page fits its width: no horizontal scrolling, no element wider than the viewport."""
        w = self.d.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth, "
            "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1).slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + "
            "(e.className ? '.' + e.className : ''))]")
        check(w[0] <= w[1], "%s at %s width: the page is %d px wide in a %d px window (too wide: %s)"
              % (self.d.current_url, self.size[0], w[0], w[1], ", ".join(w[2])))
        # Below 800 px a table.list shows each row as a block of cells without the heading row:
        # every cell shown as a block of its own with something in it shows its column's heading
        # before it (app.js sets data-label, app.css shows it), else "3" does not say it is a
        # line number. Cells a page sets side by side (inline) are its own design.
        bare = self.d.execute_script("""
            const out = [];
            let checked = 0;
            for (const t of document.querySelectorAll('main table.list')) {
              const head = t.querySelector('thead');
              if (!head || getComputedStyle(head).display !== 'none') continue;
              const names = Array.from(head.querySelectorAll('tr:first-child > th')).map(th => th.textContent.trim());
              for (const tr of t.querySelectorAll('tbody > tr')) {
                let col = 0;
                for (const td of tr.children) {
                  const text = td.textContent.trim();
                  if (names[col] && text !== '' && getComputedStyle(td).display === 'block') {
                    checked++;
                    const before = getComputedStyle(td, '::before').content;
                    if (before !== JSON.stringify(names[col])) out.push(names[col] + ' -> ' + text.slice(0, 40) + ' shown with ' + before);
                  }
                  col += td.colSpan || 1;
                }
              }
            }
            return [checked, out.slice(0, 5)];""")
        self.labelled_cells += bare[0]
        check(not bare[1], "%s at %s width: table cells without their column's heading: %s"
              % (self.d.current_url, self.size[0], "; ".join(bare[1])))

    # --- navigation --------------------------------------------------------------------------
    def set_size(self, size):
        self.size = size
        _, w, h = size
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": size is TABLET})

    def url(self, path):
        return self.base + path

    def open(self, path, ready="main h1"):
        self.d.get(self.url(path))
        self.wait_for(ready)
        self.collect()
        return self

    def path(self):
        u = self.d.current_url
        return u[len(self.base):] if u.startswith(self.base) else u

    def wait_for(self, css, timeout=30):
        try:
            return WebDriverWait(self.d, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
        except TimeoutException:
            fail("%s: no element %r within %d s; the page: %s"
                 % (self.d.current_url, css, timeout, self.text("body")[:600]))

    def wait_until(self, what, cond, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            try:
                v = cond()
            except Exception:  # the page is being replaced (a reload) while we look
                v = None
            if v:
                return v
            time.sleep(0.1)
        fail("%s: %s did not happen within %d s; the page: %s"
             % (self.d.current_url, what, timeout, self.text("body")[:800]))

    def find(self, css, within=None):
        return (within or self.d).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css, within=None):
        return (within or self.d).find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        els = self.find_all(css)
        return els[0].text if els else ""

    def fill(self, form, values):
        """Types `values` ({name: text}) into the form's fields (select elements get the value)."""
        for name, value in values.items():
            el = self.find('[name="%s"]' % name, form)
            if el.tag_name == "select":
                Select(el).select_by_value(value)
            elif el.get_attribute("type") == "date":
                # Chromium's date input takes the keys of its locale's order; set it directly.
                self.d.execute_script(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
                    el, value)
            else:
                el.clear()
                el.send_keys(value)

    def submit(self, form):
        self.find('button[type="submit"]', form).click()

    def reloaded(self, action, timeout=30):
        """Runs action() (which makes the page load another page or reload) and waits for the new
        page: the old <html> element goes stale."""
        old = self.find("html")
        action()
        self.wait_until("the page to reload", lambda: _stale(old), timeout)
        self.wait_for("main h1")

    def switch_language(self, lang):
        """Through the page's own language link (which sets the lang cookie)."""
        self.lang = lang
        links = self.find_all('a.lang[data-lang="%s"]' % lang)
        if links:
            self.reloaded(links[0].click)
        self.wait_until("the page to be in %s" % lang,
                        lambda: self.find("html").get_attribute("lang") == ("en" if lang == "en" else "zh-CN"))

    def sign_in(self, user, password=None, next_path="/"):
        from harness import PASSWORD
        self.open("/sign-in?next=" + next_path, ready='form[data-api="/api/session"]')
        form = self.find('form[data-api="/api/session"]')
        self.fill(form, {"name": user, "password": password or PASSWORD[user]})
        self.reloaded(lambda: self.submit(form))
        self.wait_until("the signed-in name in the header", lambda: self.text("header .user") == user)

    def sign_out(self):
        self.reloaded(self.find("[data-sign-out]").click)
        self.wait_for('form[data-api="/api/session"]')

    def api(self, method, path, body=None):
        """A call of the API from inside the page (the browser's session cookie, the page's CSRF
        token): what the signed-in user's browser gets. Returns (status, parsed JSON or text)."""
        r = self.d.execute_async_script("""
            const [method, path, body, done] = arguments;
            const m = document.querySelector('meta[name="csrf-token"]');
            const h = {'Accept': 'application/json'};
            if (m) h['X-CSRF-Token'] = m.getAttribute('content');
            if (body !== null) h['Content-Type'] = 'application/json';
            fetch(path, {method, headers: h, credentials: 'same-origin',
                         body: body === null ? undefined : JSON.stringify(body)})
              .then(r => r.text().then(t => done([r.status, t])))
              .catch(e => done([0, String(e)]));""", method, path, body)
        try:
            return r[0], json.loads(r[1])
        except ValueError:
            return r[0], r[1]

    # --- screenshots -------------------------------------------------------------------------
    def shot(self, label):
        """A full-page PNG of what is shown, named by order, label, language and width."""
        self.shot_count += 1
        name = "%02d-%s-%s-%s.png" % (self.shot_count, label, self.lang, self.size[0])
        _, w, _ = self.size
        h = self.d.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
        png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": w, "height": min(max(h, 1), 6000), "scale": 1}})
        (self.shots / name).write_bytes(base64.b64decode(png["data"]))
        return self.shots / name


def each_combo(eco, source, shots, scenario, setup=None, **server_args):
    """scenario(browser, lang, size) for each of COMBOS, each on a fresh store and server
    (Server(eco, source, **server_args); setup(srv), when given, before the server starts), in
    one browser; the checks of the whole run at the end."""
    b = None
    try:
        for lang, size in COMBOS:
            srv = Server(eco, source, **server_args)
            if setup:
                setup(srv)
            with srv:
                if b is None:
                    b = Browser(srv, shots)
                else:
                    b.attach(srv)
                scenario(b, lang, size)
                b.collect()
        done, b = b, None
        done.__exit__(None, None, None)
    finally:
        if b is not None:
            b.__exit__(Exception, None, None)


def _stale(el):
    try:
        el.tag_name
        return False
    except Exception:  # StaleElementReferenceException: the page was replaced
        return True
