"""Fixtures for the browser scenarios: one Debian Chromium per session, a fresh browser context per test.

- The browser is ``/usr/bin/chromium`` (Debian's package), never a downloaded one. When it is missing the
  tests fail in CI (``CI=true``: ``.ci/run`` installs it, so a missing browser is a broken run) and are
  skipped elsewhere with the reason.
- Each test talks to pytest-django's ``live_server`` over a transactional database holding its own fresh
  copy of the demo set. ``manage.py load_demo`` runs once (about 3 s, 10 s on a slow machine) and its rows
  and files are written back for the next tests (``DatabaseSnapshot``, about 0.1 s); it runs again once
  the copy is ten minutes old or from another day, since the demo's times are relative to "now".
- A console error, an uncaught exception, a Content-Security-Policy violation or a 5xx response in any
  page of the test fails that test (see ``pytest_runtest_call``); a test that provokes one on purpose
  says so with ``problems.allow(pattern)``.
- On a failure the pages' last state is saved under ``test-results/`` (ignored by git, removed by
  ``make clean``).
"""

import datetime as dt
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

from aftersales.browser_tests.helpers import BrowserProblems, login
from aftersales.core.testing import DatabaseSnapshot

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONTS = Path("/usr/share/fonts/opentype/noto")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Debian's Chromium carries only its en-US resources (no chromium-l10n): whatever --lang or the
    # context's locale says, a date field would show mm/dd/yyyy. With this feature a form control
    # follows the page's lang instead: 年/月/日 (yyyy/mm/dd) on a zh-hans page, mm/dd/yyyy on an English
    # one. A file field still says "Choose File" (that text comes from the missing resources).
    "--enable-blink-features=LangAttributeAwareFormControlUI",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# Short enough that a missing element fails in seconds, long enough for a slow CI machine.
TIMEOUT_MS = 10_000

PROBLEMS_KEY = pytest.StashKey[BrowserProblems]()
PAGES_KEY = pytest.StashKey[list]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk packages (.ci/run does)"
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    if not any(CJK_FONTS.glob("NotoSansCJK*")):
        # The tests would pass, but every Chinese character in the screenshots would be an empty box.
        reason = f"no Noto CJK font in {CJK_FONTS}: install Debian's fonts-noto-cjk package (.ci/run does)"
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        warnings.warn(reason, stacklevel=1)
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would then refuse
    # every ORM call the tests make ("You cannot call this from an async context").
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield instance
    finally:
        instance.close()


# One per process (each xdist worker keeps its own).
DEMO_SNAPSHOT = DatabaseSnapshot(stale_after=dt.timedelta(minutes=10))


class _InFlight:
    """The live server's requests still running. A page closed at the end of a scenario may leave one
    behind (an htmx request its last keystroke sent): on SQLite the next test's emptying of a table
    then fails with "database table is locked" while that request reads it (CI, 2026-12-07, after
    test_harness's date field). The next test's database work waits until none is left."""

    count = 0
    changed = threading.Condition()

    @classmethod
    def wrap(cls, app: Callable[..., Any]) -> Callable[..., Any]:
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            with cls.changed:
                cls.count += 1
            try:
                return _Finishing(app(environ, start_response), cls.done)
            except BaseException:
                cls.done()
                raise

        return counted

    @classmethod
    def done(cls) -> None:
        with cls.changed:
            cls.count -= 1
            cls.changed.notify_all()

    @classmethod
    def wait_until_idle(cls) -> None:
        with cls.changed:
            cls.changed.wait_for(lambda: cls.count == 0, timeout=TIMEOUT_MS / 1000)


class _Finishing:
    """A WSGI answer that calls ``finished`` once the server has sent it (``close``: the body, streamed
    or not, has been read, and Django's request_finished has run)."""

    def __init__(self, answer: Any, finished: Callable[[], None]) -> None:
        self.answer, self.finished = answer, finished

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.answer)

    def close(self) -> None:
        try:
            if hasattr(self.answer, "close"):
                self.answer.close()
        finally:
            self.finished()


@pytest.fixture(scope="session")
def _counted_live_server(live_server: Any) -> Any:
    server = live_server.thread.httpd
    server.set_app(_InFlight.wrap(server.get_app()))
    return live_server


class _Flush:
    """Django empties the database after each transactional test (``flush``: about 0.35 s on
    PostgreSQL and 0.13 s on SQLite, most of it re-creating content types and permissions). A scenario
    over the demo set writes every table back at its start (``DEMO_SNAPSHOT.restore`` empties each one
    first), so a scenario followed by one over the demo set leaves its rows (``pytest_runtest_teardown``
    decides); ``demo`` flushes itself before it loads the set again. Any other next test (one without
    ``demo``, a unit test in the same run) finds the database emptied as usual."""

    skip_next = False  # the test being torn down is followed by a scenario over the demo set


@pytest.fixture(autouse=True, scope="session")
def _flush_only_when_needed() -> Iterator[None]:
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def teardown(self: Any) -> None:
        if not _Flush.skip_next:
            _InFlight.wait_until_idle()
            flush(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", teardown)
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _Flush.skip_next = nextitem is not None and "demo" in getattr(nextitem, "fixturenames", ())
    try:
        return (yield)
    finally:
        _Flush.skip_next = False


@pytest.fixture
def demo(_counted_live_server: Any, settings: Any) -> str:
    """The demo data set in a fresh database; returns the live server's base URL."""
    # The sign-in throttle counts failures in the cache, which outlives the database between tests.
    cache.clear()
    _InFlight.wait_until_idle()
    if DEMO_SNAPSHOT.is_fresh():
        DEMO_SNAPSHOT.restore(media_root=settings.MEDIA_ROOT)
    else:
        # The rows a scenario left (or none, on the run's first test: a flush of an empty database).
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
        call_command("load_demo", stdout=StringIO())
        DEMO_SNAPSHOT.take(media_root=settings.MEDIA_ROOT)
    return _counted_live_server.url


@pytest.fixture
def problems(request: pytest.FixtureRequest) -> BrowserProblems:
    collected = BrowserProblems()
    request.node.stash[PROBLEMS_KEY] = collected
    return collected


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Any, _counted_live_server: Any, problems: BrowserProblems
) -> Iterator[Callable[..., Any]]:
    """Opens a page in a new browser context (own cookies) on the live server, watched for errors;
    closes them all after. The database is empty unless the test also asks for ``demo``."""
    contexts: list[Any] = []
    pages: list[Any] = request.node.stash.setdefault(PAGES_KEY, [])

    def open_page(*, phone: bool = False, name: str = "page") -> Any:
        options: dict[str, Any] = {
            # Also navigator.language and the Accept-Language header (zh-CN); a date field follows the
            # page's lang (see CHROMIUM_ARGS), so English scenarios switch the page, not the context.
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            "base_url": _counted_live_server.url,
            # No smooth scrolling or fades: a screenshot shows where the page is, not half-way there.
            "reduced_motion": "reduce",
        }
        if phone:
            options |= {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
        else:
            options |= {"viewport": DESKTOP}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page, name=name)
        pages.append((name, page))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(demo: str, new_page: Callable[..., Any]) -> Any:
    """A desktop page over the demo set: Chinese locale, 1280×800."""
    return new_page(name="desktop")


@pytest.fixture
def phone_page(demo: str, new_page: Callable[..., Any]) -> Any:
    """A phone page over the demo set: 375×812 CSS pixels, touch, mobile viewport, a retina screen."""
    return new_page(phone=True, name="phone")


@pytest.fixture
def signed_in(demo: str, new_page: Callable[..., Any]) -> Callable[..., Any]:
    """``signed_in("dispatcher")`` → a new page (own cookies) over the demo set, signed in as that demo
    user; ``phone=True`` for the phone's screen."""

    def open_as(username: str, *, phone: bool = False) -> Any:
        page = new_page(phone=phone, name=username)
        login(page, username)
        return page

    return open_as


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose pages logged errors, even when its assertions passed; keep evidence of failures."""
    try:
        result = yield
    except BaseException:
        _save_pages(item)
        raise
    collected = item.stash.get(PROBLEMS_KEY, None)
    if collected is not None and collected.unexpected():
        _save_pages(item)
        raise AssertionError("the browser reported problems:\n" + collected.report())
    return result


def _save_pages(item: pytest.Item) -> None:
    for name, page in item.stash.get(PAGES_KEY, []):
        if page.is_closed():
            continue
        RESULTS_DIR.mkdir(exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", f"{item.name}-{name}")
        try:
            page.screenshot(path=RESULTS_DIR / f"{stem}.png", full_page=True)
            (RESULTS_DIR / f"{stem}.html").write_text(page.content(), encoding="utf-8")
        except Exception:  # noqa: S110 - evidence is best effort; the test's own failure is what matters
            pass
