# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""The watch on the browser works: a CSP violation or a script error would fail a scenario."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import login

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


def test_a_date_field_reads_year_first_in_chinese_and_month_first_in_english(new_page, demo):
    """Screenshots showed mm/dd/yyyy on Chinese pages (Chromium's own resources are en-US only). The
    first part of the field is the one ArrowUp changes: the year on a zh-hans page, the month in English."""
    page = new_page()
    login(page, "manager")
    field = page.locator("#id_received_from")
    for lang, after in (("zh-hans", "2027-12-07"), ("en", "2026-01-07")):
        if lang == "en":
            page.get_by_role("button", name=re.compile(r"^EN\b")).click()
            # The switch posts and redirects; going elsewhere before it lands aborts one of the two.
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto("/orders/")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        field.fill("2026-12-07")
        field.blur()
        field.focus()
        page.keyboard.press("ArrowUp")
        expect(field).to_have_value(after)
