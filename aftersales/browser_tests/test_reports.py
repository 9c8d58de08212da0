# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""Reports in the browser: the manager's dashboards draw their charts (ECharts, served by the app), a
figure's number clicks through to a list of exactly that many records, the periodic report prints."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.accounts.models import User
from aftersales.browser_tests.helpers import pick, screenshot, zh
from aftersales.customers.models import Customer
from aftersales.demo.data import SHOWCASE_CUSTOMER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboards_draw_their_charts_and_a_number_opens_its_records(signed_in):
    page = signed_in("manager")
    nav = page.get_by_role("navigation", name=zh("Main"))
    nav.get_by_role("link", name=zh("Reports"), exact=True).click()
    expect(page.locator("#figure-open_orders")).to_be_visible()
    for key in ("open_orders", "sla_compliance", "backlog"):
        chart = page.locator(f"#chart-{key}")
        expect(chart).to_have_attribute("data-rendered", "1")
        expect(chart.locator("canvas")).to_have_count(1)
    screenshot(page, "reports-dashboard")
    # The value axis says what its numbers are: a rate in per cent, a duration in hours.
    axis_label = "el => window.echarts.getInstanceByDom(el).getOption().yAxis[0].axisLabel.formatter || ''"
    assert page.locator("#chart-sla_compliance").evaluate(axis_label) == "{value} %"
    assert page.locator("#chart-mean_times").evaluate(axis_label) == "{value} h"
    assert page.locator("#chart-open_orders").evaluate(axis_label) == ""

    link = page.locator("#figure-open_orders a.report-value[data-measure='open']")
    shown = int(link.inner_text())
    assert shown > 0  # the demo data has open orders
    link.click()
    expect(page.locator("#record-count")).to_have_text(str(shown))
    rows = page.locator("#records tbody tr")
    expect(rows).to_have_count(min(shown, 50))
    screenshot(page, "reports-records")

    page.go_back()
    tabs = page.locator("#report-screens")
    tabs.get_by_role("link", name=zh("Customers")).click()
    expect(page.locator("#chart-satisfaction")).to_have_attribute("data-rendered", "1")
    tabs.get_by_role("link", name=zh("People and parts")).click()
    expect(page.locator("#chart-utilisation")).to_have_attribute("data-rendered", "1")
    screenshot(page, "reports-people-parts")


def test_the_figures_of_one_customer_searched_by_name(signed_in, live_server):
    page = signed_in("manager")
    page.goto(f"{live_server.url}/reports/")
    pick(page, zh("Customer"), typed="浦江精密", option=SHOWCASE_CUSTOMER)
    page.get_by_role("button", name=zh("Show"), exact=True).click()
    customer = Customer.objects.get(name=SHOWCASE_CUSTOMER)
    expect(page).to_have_url(re.compile(rf"[?&]customer={customer.pk}(&|$)"))
    expect(page.get_by_label(zh("Customer"), exact=True)).to_have_value(SHOWCASE_CUSTOMER)
    # Typing over the name without picking clears the choice: the figures are the whole scope's again.
    page.get_by_label(zh("Customer"), exact=True).fill("")
    page.get_by_role("button", name=zh("Show"), exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]customer=(&|$)"))


def test_the_periodic_report(signed_in, live_server):
    page = signed_in("manager")
    page.goto(f"{live_server.url}/reports/periodic/?kind=yearly&period=2026")
    expect(page.locator("#section-figures_service")).to_be_visible()
    expect(page.locator("#report-pdf")).to_have_attribute("href", re.compile(r"/reports/periodic/pdf/\?kind=yearly"))
    screenshot(page, "reports-periodic")


def test_a_report_email_is_changed_and_its_history_shows_who_changed_what(signed_in, live_server):
    page = signed_in("manager")
    page.goto(f"{live_server.url}/reports/schedules/")
    form = page.locator("#schedule-form")
    form.locator("select[name=kind]").select_option("monthly")
    manager = User.objects.get(username="manager")  # the demo's manager has an e-mail address
    form.locator("select[name=recipients]").select_option([str(manager.pk)])
    form.get_by_role("button", name=zh("Save")).click()
    page.locator("#schedules tbody tr").first.get_by_role("link").first.click()

    form = page.locator("#schedule-form")
    form.locator("select[name=kind]").select_option("quarterly")
    form.get_by_role("button", name=zh("Save")).click()
    page.locator("#schedule-toggle").click()
    entries = page.locator(".history-panel .history-entry")
    expect(entries).to_have_count(3)  # set up, changed (report), stopped
    screenshot(page, "reports-schedule-history")

    page.locator("#schedule-delete").click()  # data-confirm: the dialog is accepted
    expect(page.locator("#schedule-changes .history-entry")).to_have_count(4)
    screenshot(page, "reports-schedules")
