"""The admin's calendar entries are cached for due-date counting, and forgotten on every change,
whichever way it is made (services, the console, the admin, the ORM), committed or rolled back.

The change tests commit for real (``transaction=True``): the cache is only trusted outside a
transaction that changed the calendar, which is what another process sees."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars import selectors, services
from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.selectors import add_working_days, is_working_day, year_is_known

MONDAY = dt.date(2026, 11, 30)  # a working day in the bundled 2026 calendar
UNKNOWN_YEAR = 2031  # beyond the bundled years


@pytest.mark.django_db
def test_counting_reads_the_calendar_once_then_from_the_cache(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the days and the years
        first = add_working_days(start=dt.date(2026, 2, 12), days=15)
    with django_assert_num_queries(0):
        again = add_working_days(start=dt.date(2026, 2, 12), days=15)
        assert is_working_day(day=MONDAY)
        assert not year_is_known(year=UNKNOWN_YEAR)

    assert again == first


def _admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(username="root", password="x", role=Role.ADMIN))
    return client


def _console_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_user(username="calendar-admin", password="x", role=Role.ADMIN))
    return client


def _service_set() -> None:
    services.set_calendar_day(day=MONDAY, kind=DayKind.HOLIDAY, name="company day", by=None)


def _console_set() -> None:
    response = _console_client().post("/calendar/days/", {"day": MONDAY.isoformat(), "kind": DayKind.HOLIDAY})
    assert response.status_code == 302


def _admin_set() -> None:
    response = _admin_client().post(
        "/admin/calendars/calendarday/add/", {"date": MONDAY.isoformat(), "kind": DayKind.HOLIDAY, "name": "x"}
    )
    assert response.status_code == 302


def _orm_set() -> None:
    CalendarDay.objects.create(date=MONDAY, kind=DayKind.HOLIDAY)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [_service_set, _console_set, _admin_set, _orm_set], ids=lambda f: f.__name__)
def test_a_new_holiday_is_counted_at_once(change: Callable[[], None]) -> None:
    assert is_working_day(day=MONDAY)  # now cached

    change()

    assert not is_working_day(day=MONDAY)
    assert add_working_days(start=MONDAY - dt.timedelta(days=1), days=1).day == MONDAY + dt.timedelta(days=1)


def _service_remove() -> None:
    services.remove_calendar_day(day=MONDAY, by=None)


def _console_remove() -> None:
    assert _console_client().post(f"/calendar/days/{MONDAY.isoformat()}/remove/").status_code == 302


def _admin_remove() -> None:
    pk = CalendarDay.objects.get(date=MONDAY).pk
    response = _admin_client().post(f"/admin/calendars/calendarday/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [_service_remove, _console_remove, _admin_remove], ids=lambda f: f.__name__)
def test_a_removed_holiday_is_worked_again_at_once(change: Callable[[], None]) -> None:
    _service_set()
    assert not is_working_day(day=MONDAY)  # now cached

    change()

    assert is_working_day(day=MONDAY)


@pytest.mark.django_db(transaction=True)
def test_a_year_entered_and_deleted_in_the_admin_is_known_and_unknown_at_once() -> None:
    assert not year_is_known(year=UNKNOWN_YEAR)

    services.mark_year_entered(year=UNKNOWN_YEAR, by=None)

    assert year_is_known(year=UNKNOWN_YEAR)
    pk = CalendarYear.objects.get(year=UNKNOWN_YEAR).pk

    response = _admin_client().post(f"/admin/calendars/calendaryear/{pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not year_is_known(year=UNKNOWN_YEAR)


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_another_process_reads_is_not_taken_as_current(monkeypatch: Any) -> None:
    read = selectors._read_entered

    def read_then_someone_commits_a_holiday() -> selectors.Entered:
        entered = read()  # the old rows...
        _service_set()  # ...and a change commits before they are cached
        return entered

    monkeypatch.setattr(selectors, "_read_entered", read_then_someone_commits_a_holiday)
    assert is_working_day(day=MONDAY)  # what that reader saw
    monkeypatch.setattr(selectors, "_read_entered", read)

    assert not is_working_day(day=MONDAY)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_cached() -> None:
    assert is_working_day(day=MONDAY)

    with pytest.raises(RuntimeError), transaction.atomic():
        _service_set()
        assert not is_working_day(day=MONDAY)  # this transaction sees its own change
        raise RuntimeError("undo")

    assert is_working_day(day=MONDAY)
    assert is_working_day(day=MONDAY)  # and again from the cache
