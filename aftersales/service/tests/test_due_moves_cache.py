"""The due-date moves count on the calendar as it is after the change, not on the cached copy.

Due-date counting reads the admin's calendar entries from the cache (``calendars.selectors``). These
tests commit for real (``transaction=True``): the cache is warm from the intake, the change is made
through the console as an administrator would, and the banner, the preview and apply that follow
must see it — a stale copy would show nothing to move.
"""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.calendars.selectors import CALENDAR_CACHE_KEY, entered_calendar
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.due_moves import due_date_moves
from aftersales.service.models import ServiceOrder
from aftersales.service.services.due_moves import apply_due_date_moves
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)
HOLIDAY = datetime.date(2026, 11, 10)


@pytest.fixture
def order(settings: Any, users: dict[str, Any], centre: Any) -> ServiceOrder:
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 36500}
    received = datetime.datetime(2026, 11, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    made = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre), received_at=received)
    assert due_date_moves(user=users[Role.ADMIN]).moves == []
    assert cache.get(CALENDAR_CACHE_KEY) is not None  # the intake and the preview read the cached entries
    return made


def holiday_through_the_console(admin: Any) -> None:
    client = Client()
    client.force_login(admin)
    answer = client.post("/calendar/days/", {"day": HOLIDAY.isoformat(), "kind": "holiday", "name": "公司假"})
    assert answer.status_code == 302


def test_preview_after_a_change_counts_on_the_new_calendar(users, order):
    holiday_through_the_console(users[Role.ADMIN])

    assert HOLIDAY in entered_calendar().days
    (move,) = due_date_moves(user=users[Role.ADMIN]).moves
    assert move.order_id == order.pk and move.direction == "later"


def test_banner_and_apply_after_a_change_count_on_the_new_calendar(users, order):
    holiday_through_the_console(users[Role.ADMIN])
    client = Client()
    client.force_login(users[Role.ADMIN])

    assert client.get("/orders/due-date-moves/summary/").context["preview"].count == 1
    assert apply_due_date_moves(by=users[Role.ADMIN]).count == 1
    order.refresh_from_db()
    assert order.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == datetime.date(2026, 11, 17)
