# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Sign-in, the home page and the language switch (issue 3 scenario 6: the console in English)."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts.models import User
from aftersales.browser_tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_chinese_and_signs_in(page):
    page.goto("/login/")

    expect(page).to_have_title(re.compile("登录"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "login")

    login(page, "agent")

    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="受理")).to_be_visible()
    screenshot(page, "home")


def test_login_wrong_password_shows_error_and_keeps_username(new_page):
    page = new_page()  # no demo data needed: nobody signs in
    page.goto("/login/")
    page.get_by_label("用户名", exact=True).fill("agent")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("用户名", exact=True)).to_have_value("agent")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_console_in_english_after_the_navbar_switch(page):
    login(page, "manager")
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"^EN\b")).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Orders")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    # Kept on the user, so it follows them to another browser.
    assert User.objects.get(username="manager").language == "en"

    nav.get_by_role("link", name="Orders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service orders")
    expect(page.get_by_role("search", name="Filter orders")).to_contain_text("On site")
    page.goto("/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^中文")).click()
    expect(page.get_by_role("heading", name="我的工作")).to_be_visible()


@pytest.mark.parametrize("username", ["manager", "admin"])
def test_the_bar_keeps_every_link_and_menu_on_one_row_at_1280_px(signed_in, username):
    """An administrator has the most entries; at 1280 px the bar hides the company's name, the role badge
    and the sign-out button's word (each still read by a screen reader), and the links stay on one row."""
    page = signed_in(username)
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="首页")).to_be_visible()

    tops = [
        box["y"]
        for box in nav.locator(".app-nav-links > .nav-item").evaluate_all(
            "items => items.map(item => item.getBoundingClientRect().toJSON())"
        )
    ]
    assert len(tops) > 5 and max(tops) - min(tops) < 4, tops
    last = nav.locator(".app-nav-links > .nav-item").last.bounding_box()
    assert last["x"] + last["width"] <= nav.locator(".navbar-user").bounding_box()["x"]
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    if username == "admin":
        screenshot(page, "home-admin")
