# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""The watch on the browser works: a CSP violation or a script error would fail a scenario."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_script_is_blocked_by_csp_and_reported(new_page, problems):
    page = new_page()
    page.goto("/login/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    page.evaluate(
        """() => {
             const script = document.createElement("script");
             script.textContent = "window.inlineRan = true";
             document.body.append(script);
             setTimeout(() => { throw new Error("boom from the page"); });
           }"""
    )

    for _ in range(40):  # the events arrive asynchronously
        if len(problems.seen) >= 2:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("() => window.inlineRan === undefined"), "the CSP let an inline script run"
    assert any("CSP violation: script-src" in p for p in problems.seen), problems.seen
    assert any("boom from the page" in p for p in problems.seen), problems.seen
    problems.allow("CSP violation|Content Security Policy|boom from the page")
