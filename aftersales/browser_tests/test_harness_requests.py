# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""The harness waits for the live server's requests still running before it empties the database (a
request a closed page left behind made the next test's DELETE fail on SQLite, CI 2026-12-07)."""

import threading

import pytest

from aftersales.browser_tests.conftest import _InFlight


def test_database_work_waits_until_the_last_answer_is_sent():
    started, release, idle = threading.Event(), threading.Event(), threading.Event()

    def slow(environ, start_response):
        started.set()
        release.wait(10)
        start_response("200 OK", [])
        return [b"ok"]

    answers = []
    request = threading.Thread(target=lambda: answers.append(_InFlight.wrap(slow)({}, lambda *args: None)))
    request.start()
    assert started.wait(10)
    waiter = threading.Thread(target=lambda: (_InFlight.wait_until_idle(), idle.set()))
    waiter.start()

    assert _InFlight.count == 1
    release.set()
    request.join(10)
    [answer] = answers
    assert list(answer) == [b"ok"]
    assert _InFlight.count == 1 and not idle.is_set()  # the server has not closed the answer yet
    answer.close()
    waiter.join(10)

    assert _InFlight.count == 0 and idle.is_set()


def test_an_app_that_fails_is_not_left_counted():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        _InFlight.wrap(broken)({}, lambda *args: None)

    assert _InFlight.count == 0
