import datetime as dt

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay
from aftersales.calendars.services import mark_year_entered, remove_calendar_day, set_calendar_day
from aftersales.history.models import Activity
from aftersales.history.testing import old_new, only_activity

pytestmark = pytest.mark.django_db
DAY = dt.date(2030, 5, 6)  # a Monday


def test_set_then_change_a_day_records_old_and_new(users: dict[str, User]) -> None:
    admin = users[Role.ADMIN]

    day = set_calendar_day(day=DAY, kind=DayKind.HOLIDAY, name="厂庆", by=admin)
    set_calendar_day(day=DAY, kind=DayKind.HOLIDAY, name="厂庆日", by=admin)

    first, second = Activity.objects.filter(target_id=day.pk).order_by("id")
    assert old_new(first) == {"kind": (None, "holiday"), "name": (None, "厂庆")}
    assert old_new(second) == {"name": ("厂庆", "厂庆日")}
    assert second.data["date"] == "2030-05-06"


def test_remove_a_day_records_what_it_was(users: dict[str, User]) -> None:
    day = set_calendar_day(day=DAY, kind=DayKind.HOLIDAY, name="厂庆", by=None)

    remove_calendar_day(day=DAY, by=users[Role.ADMIN])

    assert not CalendarDay.objects.exists()
    removed = Activity.objects.get(type="calendar_day.removed")
    assert (removed.target_id, removed.actor) == (day.pk, users[Role.ADMIN])
    assert old_new(removed) == {"kind": ("holiday", None), "name": ("厂庆", None)}


def test_mark_year_entered_records_the_year_and_the_note(users: dict[str, User]) -> None:
    year = mark_year_entered(year=2030, note="已录入", by=users[Role.ADMIN])

    activity = only_activity(year)
    assert old_new(activity) == {"year": (None, 2030), "note": (None, "已录入")}


def test_system_changes_read_as_system() -> None:
    day = set_calendar_day(day=DAY, kind=DayKind.HOLIDAY, by=None)

    activity = only_activity(day)
    assert (activity.actor, activity.actor_label) == (None, "")


def test_calendar_page_lists_the_latest_changes(client, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    set_calendar_day(day=DAY, kind=DayKind.HOLIDAY, name="厂庆", by=users[Role.ADMIN])
    remove_calendar_day(day=DAY, by=users[Role.ADMIN])
    client.force_login(users[Role.DISPATCHER])

    page = client.get("/calendar/?year=2030").content.decode()

    assert "最近变更" in page
    assert page.count("2030-05-06") >= 2
    assert "删除日历日" in page and "设置日历日" in page
