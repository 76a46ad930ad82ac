"""Browser tests: Playwright (sync API) driving Debian's Chromium against the live server.

- One browser per session, a new browser context (cookies, locale) per test or per user.
- The test county of tests/conftest.py, in a transactional database (the live server runs in
  another thread and must see committed rows): `county` requests `db`, which pytest-django makes
  transactional for every test that uses `live_server`; the `site` fixture asks for both.
- `Ui.check(step)` saves a full-page screenshot to e2e/screenshots/<test>-<step>.png, runs axe-core
  and fails on any WCAG 2.x A/AA violation or any serious/critical one; it also fails on console
  errors and server errors seen since the previous check. A summary of every page checked is
  written to e2e/screenshots/axe-report.md at the end of the session.

Browsers are never downloaded: set HELHET_CHROMIUM to use another Chromium than /usr/bin/chromium.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told that it is safe (it is: the loop is Playwright's own).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.servers.basehttp import WSGIServer  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.conftest import consent_for_coordination, county  # noqa: E402,F401

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = os.environ.get("HELHET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "test-password-123"  # tests.factories.UserFactory
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000
STYLESHEET = "helhet/helhet.css"
STATIC_DIR = HERE.parent / "src" / "helhet" / "static"

expect.set_options(timeout=TIMEOUT_MS)


def pytest_configure(config):
    # WhiteNoise warns about the unbuilt STATIC_ROOT; the files come from the finders here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the live server ----------------------------------------------------------------------------


class SerialWSGIServer(WSGIServer):
    """The live server, answering one request at a time.

    Django's live server answers each request in a thread of its own, and with SQLite they all
    share the test's one in-memory connection: two requests at once (a page, and the request
    htmx sent from the page before it, e.g. the overview's contact block with hx-trigger="load")
    then fail with "database table is locked". One request at a time, as a browser sees a
    small server; Django answers "Connection: close" when the server has no threads.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the overrides are the server thread's own already

    def close_request(self, request):
        super().close_request(request)
        connections.close_all()  # as the threaded server does (a no-op for in-memory SQLite)


@pytest.fixture(scope="session", autouse=True)
def serial_live_server() -> Iterator[None]:
    """Before the (session-wide) live server starts: make it a SerialWSGIServer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", SerialWSGIServer)
        yield


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium package "
            "(browsers are never downloaded), or set HELHET_CHROMIUM."
        )
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- accessibility ----------------------------------------------------------------------------

_axe = Axe()


@dataclass
class AxeRecord:
    test: str
    step: str
    url: str
    violations: list = field(default_factory=list)  # every violation axe reported

    @property
    def failing(self) -> list:
        return [v for v in self.violations if is_failing(v)]


_AXE_RECORDS: list[AxeRecord] = []


def is_failing(violation: dict) -> bool:
    return violation.get("impact") in FAILING_IMPACTS or bool(WCAG_TAGS & set(violation["tags"]))


def describe(violations: list) -> str:
    lines = []
    for v in violations:
        wcag = ",".join(t for t in v["tags"] if t.startswith("wcag")) or "best-practice"
        lines.append(f"- {v['id']} ({v['impact']}; {wcag}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def axe_check(page: Page, *, test: str = "", step: str = "", report: bool = True) -> AxeRecord:
    """Run axe-core on PAGE; fail on WCAG 2.x A/AA violations and serious/critical ones."""
    results = _axe.run(page, options={"resultTypes": ["violations"]})
    record = AxeRecord(
        test=test, step=step, url=page.url, violations=results.response["violations"]
    )
    if report:
        _AXE_RECORDS.append(record)
    if record.failing:
        pytest.fail(
            f"axe: accessibility violations on {page.url} ({step}):\n" + describe(record.failing),
            pytrace=False,
        )
    return record


def pytest_sessionfinish(session, exitstatus):
    if not _AXE_RECORDS:
        return
    lines = [
        "# axe-core results of the browser tests",
        "",
        "| test | step | url | WCAG A/AA or serious | other (best practice) |",
        "|---|---|---|---|---|",
    ]
    for r in _AXE_RECORDS:
        other = [f"{v['id']} ({v['impact']})" for v in r.violations if not is_failing(v)]
        path = re.sub(r"^https?://[^/]+", "", r.url)
        lines.append(
            f"| {r.test} | {r.step} | {path} | "
            f"{', '.join(v['id'] for v in r.failing) or 'none'} | "
            f"{', '.join(other) or 'none'} |"
        )
    details = [r for r in _AXE_RECORDS if r.violations]
    if details:
        lines += ["", "## Details", ""]
        for r in details:
            lines += [f"### {r.test} / {r.step} ({r.url})", "", describe(r.violations), ""]
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "axe-report.md").write_text("\n".join(lines) + "\n")


# --- the site and its users -------------------------------------------------------------------


def _stylesheet_findable() -> bool:
    from django.contrib.staticfiles import finders

    return finders.find(STYLESHEET) is not None


@pytest.fixture
def site(live_server, transactional_db, county, settings):  # noqa: F811
    """The test county, committed where the live server sees it. Data migrations' rows are
    flushed between transactional tests, so the closure-reason catalogue is put back here.

    If helhet/static/ is not among the static files' sources (a defect that
    test_pages.py::test_stylesheet_is_served reports), it is added here so that the other
    tests check the pages as styled (colour contrast depends on the stylesheet)."""
    if not _stylesheet_findable():
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(STATIC_DIR)]
    f.ClosureReasonFactory(code="goals_reached", name="Goals reached")
    f.ClosureReasonFactory(code="moved", name="Moved away")
    county.url = live_server.url
    return county


class Ui:
    """One browser context (one user's browser) with helpers for the steps of a test."""

    def __init__(self, browser: Browser, base_url: str, test: str, *, locale: str = "en-GB"):
        self.base_url = base_url
        self.test = test
        self.context: BrowserContext = browser.new_context(
            locale=locale,
            base_url=base_url,
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        # The language as chosen in the footer (Helhet does not follow Accept-Language; the
        # Swedish default itself is tested in tests/core/test_language.py).
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": locale[:2], "url": base_url}]
        )
        self.page: Page = self.context.new_page()
        self.console_errors: list[str] = []
        self.server_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        self.page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith(
            "/favicon.ico"
        ):  # browsers ask for it unprompted
            self.console_errors.append(f"console: {message.text} ({message.location})")

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def goto(self, path: str, *, status: int | None = None) -> Page:
        """Open PATH: any status below 500, or exactly STATUS when given (then the browser's
        console error about that status is expected, not a failure)."""
        response = self.page.goto(path)
        self.settle()
        got = response.status if response is not None else None
        if status is None:
            assert got is not None and got < 500, f"{path}: status {got}"
        else:
            assert got == status, f"{path}: status {got}, expected {status}"
            self.console_errors = [e for e in self.console_errors if f"status of {status}" not in e]
        return self.page

    def settle(self) -> None:
        """Wait until the page has loaded and no htmx request is under way (htmx marks the
        element whose request is out with .htmx-request), so that the next step, or the test's
        own look in the database, does not overlap a request the page sent by itself."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => !document.querySelector('.htmx-request')")

    def screenshot(self, step: str) -> None:
        name = re.sub(r"[^\w.-]+", "_", f"{self.test}-{step}")
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def check(self, step: str) -> AxeRecord:
        """A page reached: screenshot, no console or server errors, and axe."""
        self.settle()
        self.screenshot(step)
        errors, self.console_errors = self.console_errors, []
        server, self.server_errors = self.server_errors, []
        assert not server, f"server errors before {step}: {server}"
        assert not errors, f"browser errors before {step}: {errors}"
        return axe_check(self.page, test=self.test, step=step)

    def log_in(self, user, *, check: bool = False) -> Page:
        page = self.goto("/accounts/login/")
        if check:
            self.check("login")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        return page

    def log_in_by_ids(self, user) -> Page:
        """Log USER in through the form's fields by their ids (whatever the language); on the
        start page after."""
        page = self.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form.stacked button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"://[^/]+/$"))
        return page

    def log_out(self) -> Page:
        self.settle()
        self.page.get_by_role("button", name="Log out").click()
        expect(self.page.get_by_role("button", name="Log in")).to_be_visible()
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def new_ui(browser, live_server, request) -> Iterator:
    """A factory of browser contexts: new_ui(locale="sv-SE"); all are closed after the test."""
    opened: list[Ui] = []

    def make(*, locale: str = "en-GB") -> Ui:
        ui = Ui(browser, live_server.url, request.node.name, locale=locale)
        opened.append(ui)
        return ui

    yield make
    for ui in opened:
        ui.close()


@pytest.fixture
def ui(new_ui) -> Ui:
    """An English browser (the journey's labels are the English msgids)."""
    return new_ui()
