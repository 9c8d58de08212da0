"""Working-day counting against the 2026 State Council calendar as bundled in chinese-calendar 1.11.

Every expected date below was counted by hand on a calendar; the comments show the count.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.selectors import (
    DueResult,
    WorkingDayResult,
    add_working_days,
    bundled_years,
    business_day_end,
    due_at,
    is_working_day,
    known_years,
    working_days_before,
    working_days_between,
    year_is_known,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_bundled_years_match_pinned_package():
    # chinese-calendar 1.11 knows 2004–2026. When an upgrade adds 2027, the 2027 tests below must move
    # to the first year it does not know.
    assert bundled_years() == range(2004, 2027)


# --- is_working_day: the bundled 2026 data --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 13), True),  # Fri before Spring Festival
        (dt.date(2026, 2, 14), True),  # Sat, 调休 working weekend
        (dt.date(2026, 2, 15), False),  # Spring Festival Feb 15–23
        (dt.date(2026, 2, 23), False),  # Mon, last day off
        (dt.date(2026, 2, 24), True),
        (dt.date(2026, 2, 28), True),  # Sat, 调休 working weekend
        (dt.date(2026, 3, 1), False),  # an ordinary Sunday
        (dt.date(2026, 9, 20), True),  # Sun, 调休 for National Day
        (dt.date(2026, 9, 25), False),  # Mid-autumn Festival (Fri), its own break in 2026
        (dt.date(2026, 10, 1), False),
        (dt.date(2026, 10, 7), False),  # Wed, last day of National Day
        (dt.date(2026, 10, 8), True),
        (dt.date(2026, 10, 10), True),  # Sat, 调休 for National Day
    ],
)
def test_is_working_day_follows_2026_statutory_calendar(day, expected):
    assert is_working_day(day=day) is expected


@pytest.mark.django_db
def test_is_working_day_admin_override_wins_over_bundled():
    CalendarDay.objects.create(date=dt.date(2026, 10, 5), kind=DayKind.WORKDAY, name="correction")
    CalendarDay.objects.create(date=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, name="company day")

    assert is_working_day(day=dt.date(2026, 10, 5)) is True
    assert is_working_day(day=dt.date(2026, 11, 30)) is False


@pytest.mark.django_db
def test_is_working_day_unknown_year_uses_weekdays():
    assert is_working_day(day=dt.date(2027, 2, 8)) is True  # a Monday; really Spring Festival 2027
    assert is_working_day(day=dt.date(2027, 2, 6)) is False  # a Saturday


# --- known years ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_year_is_known_bundled_entered_and_unknown():
    CalendarYear.objects.create(year=2028)

    assert year_is_known(year=2026) is True
    assert year_is_known(year=2027) is False
    assert year_is_known(year=2028) is True
    assert year_is_known(year=2003) is False


@pytest.mark.django_db
def test_known_years_reports_source_for_each_year():
    CalendarYear.objects.create(year=2028, note="State Council notice 2027-11")
    CalendarDay.objects.create(date=dt.date(2028, 1, 3), kind=DayKind.HOLIDAY)
    CalendarDay.objects.create(date=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY)

    rows = known_years(around=2027, span=1)

    assert [(row["year"], row["source"], row["overrides"]) for row in rows] == [
        (2026, "bundled", 1),
        (2027, "unknown", 0),
        (2028, "entered", 1),
    ]
    assert rows[2]["note"] == "State Council notice 2027-11"


# --- add_working_days / due_at --------------------------------------------------------------------


@pytest.mark.django_db
def test_due_at_spring_festival_2026_seven_working_days():
    # Thu Feb 12 received. 1 Fri 13, 2 Sat 14 (调休), Feb 15–23 off, 3 Tue 24, 4 Wed 25, 5 Thu 26,
    # 6 Fri 27, 7 Sat 28 (调休).
    result = due_at(received_at=local(2026, 2, 12, 10, 0), working_days=7)

    assert result == DueResult(due_at=local(2026, 2, 28, 17, 30), warning="", unknown_years=())


@pytest.mark.django_db
def test_due_at_day_before_national_day_2026():
    # Wed Sep 30 received. Oct 1–7 off, 1 Thu 8, 2 Fri 9, 3 Sat 10 (调休), Sun 11 off, 4 Mon 12,
    # 5 Tue 13, 6 Wed 14, 7 Thu 15.
    result = due_at(received_at=local(2026, 9, 30, 16, 0), working_days=7)

    assert result.due_at == local(2026, 10, 15, 17, 30)
    assert result.warning == ""


@pytest.mark.django_db
def test_due_at_received_on_saturday_counts_from_monday():
    # Sat Mar 7 received. 1 Mon 9 … 5 Fri 13, 6 Mon 16, 7 Tue 17.
    assert due_at(received_at=local(2026, 3, 7, 11, 0), working_days=1).due_at == local(2026, 3, 9, 17, 30)
    assert due_at(received_at=local(2026, 3, 7, 11, 0), working_days=7).due_at == local(2026, 3, 17, 17, 30)


@pytest.mark.django_db
def test_due_at_day_of_receipt_never_counts_even_before_business_hours():
    # Mon Mar 9 at 08:00 is a working day received before opening; still, day 1 is Tue Mar 10.
    result = due_at(received_at=local(2026, 3, 9, 8, 0), working_days=1)

    assert result.due_at == local(2026, 3, 10, 17, 30)


@pytest.mark.django_db
def test_due_at_received_on_working_saturday_does_not_count_it():
    # Sat Feb 14 is a 调休 working day but is the day of receipt; next working day is Tue Feb 24.
    result = due_at(received_at=local(2026, 2, 14, 9, 30), working_days=1)

    assert result.due_at == local(2026, 2, 24, 17, 30)


@pytest.mark.django_db
def test_due_at_uses_shanghai_date_of_utc_receipt():
    # 17:00 UTC on Mon Mar 9 is 01:00 Tue Mar 10 in Shanghai: Tue is the day of receipt.
    received = dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC)

    result = due_at(received_at=received, working_days=1)

    assert result.due_at == local(2026, 3, 11, 17, 30)
    assert result.due_at.tzinfo == SHANGHAI


@pytest.mark.django_db
def test_due_at_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        due_at(received_at=dt.datetime(2026, 3, 9, 8, 0), working_days=1)  # noqa: DTZ001


@pytest.mark.django_db
def test_due_at_zero_working_days_is_end_of_receipt_day():
    assert due_at(received_at=local(2026, 3, 7, 11, 0), working_days=0).due_at == local(2026, 3, 7, 17, 30)


@pytest.mark.django_db
def test_due_at_admin_holiday_shifts_due_date():
    # Fri Nov 20 received. 1 Mon 23 … 5 Fri 27, 6 Mon 30, 7 Tue Dec 1 — until Nov 30 is made a holiday.
    received = local(2026, 11, 20, 14, 0)
    assert due_at(received_at=received, working_days=7).due_at == local(2026, 12, 1, 17, 30)

    CalendarDay.objects.create(date=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, name="company day")

    assert due_at(received_at=received, working_days=7).due_at == local(2026, 12, 2, 17, 30)


@pytest.mark.django_db
def test_due_at_admin_workday_overrides_bundled_holiday():
    CalendarDay.objects.create(date=dt.date(2026, 10, 5), kind=DayKind.WORKDAY, name="correction")

    result = due_at(received_at=local(2026, 9, 30, 16, 0), working_days=1)

    assert result.due_at == local(2026, 10, 5, 17, 30)


@pytest.mark.django_db
def test_due_at_unknown_year_counts_weekends_only_and_warns():
    # Thu Feb 4 2027, weekends only (really the eve of Spring Festival 2027 — hence the warning):
    # 1 Fri 5, 2 Mon 8, 3 Tue 9, 4 Wed 10, 5 Thu 11, 6 Fri 12, 7 Mon 15.
    result = due_at(received_at=local(2027, 2, 4, 10, 0), working_days=7)

    assert result.due_at == local(2027, 2, 15, 17, 30)
    assert result.unknown_years == (2027,)
    assert "2027" in result.warning


@pytest.mark.django_db
def test_due_at_entered_year_has_no_warning_and_uses_its_days():
    CalendarYear.objects.create(year=2027, note="entered by hand")
    for day in range(6, 14):  # Spring Festival 2027 as an admin would enter it (example)
        CalendarDay.objects.create(date=dt.date(2027, 2, day), kind=DayKind.HOLIDAY, name="春节")

    # Thu Feb 4: 1 Fri 5, Feb 6–13 off, Sun 14 off, 2 Mon 15 … 6 Fri 19, 7 Mon 22.
    result = due_at(received_at=local(2027, 2, 4, 10, 0), working_days=7)

    assert result == DueResult(due_at=local(2027, 2, 22, 17, 30), warning="", unknown_years=())


@pytest.mark.django_db
def test_due_at_crossing_into_unknown_year_warns():
    # Mon Dec 28 2026: 1 Tue 29, 2 Wed 30, 3 Thu 31, then 2027 on weekdays only: 4 Fri Jan 1
    # (surely a holiday in reality — which is why the warning exists), 5 Mon 4, 6 Tue 5, 7 Wed 6.
    result = due_at(received_at=local(2026, 12, 28, 10, 0), working_days=7)

    assert result.due_at == local(2027, 1, 6, 17, 30)
    assert result.unknown_years == (2027,)
    assert "2027" in result.warning


@pytest.mark.django_db
def test_due_at_unknown_year_still_applies_admin_days_and_warns():
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")

    result = due_at(received_at=local(2026, 12, 28, 10, 0), working_days=7)

    assert result.due_at == local(2027, 1, 7, 17, 30)
    assert result.unknown_years == (2027,)


@pytest.mark.django_db
def test_due_at_ending_on_last_known_day_has_no_warning():
    # Mon Dec 28 2026: 1 Tue 29, 2 Wed 30, 3 Thu 31 — never touches 2027.
    result = due_at(received_at=local(2026, 12, 28, 10, 0), working_days=3)

    assert result == DueResult(due_at=local(2026, 12, 31, 17, 30), warning="", unknown_years=())


@pytest.mark.django_db
def test_add_working_days_widens_window_past_long_admin_holiday():
    # Every day from Mar 10 to May 10 2026 made a holiday: far past the first window of 51 days.
    first = dt.date(2026, 3, 10)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + dt.timedelta(days=i), kind=DayKind.HOLIDAY) for i in range(62)
    )

    result = add_working_days(start=dt.date(2026, 3, 9), days=1)

    assert result == WorkingDayResult(day=dt.date(2026, 5, 11), unknown_years=())


@pytest.mark.django_db
def test_add_working_days_negative_is_refused():
    with pytest.raises(ValueError):
        add_working_days(start=dt.date(2026, 3, 9), days=-1)


# --- working_days_before / working_days_between ----------------------------------------------------


@pytest.mark.django_db
def test_working_days_before_skips_spring_festival():
    assert working_days_before(day=dt.date(2026, 2, 24), days=1) == dt.date(2026, 2, 14)
    assert working_days_before(day=dt.date(2026, 2, 24), days=2) == dt.date(2026, 2, 13)


@pytest.mark.django_db
def test_working_days_before_mirrors_add_working_days():
    # Thu Oct 15: 1 Wed 14, 2 Tue 13, 3 Mon 12, 4 Sat 10 (调休), 5 Fri 9, 6 Thu 8, Oct 1–7 off, 7 Wed Sep 30.
    assert working_days_before(day=dt.date(2026, 10, 15), days=7) == dt.date(2026, 9, 30)


@pytest.mark.django_db
def test_working_days_before_zero_is_the_day():
    assert working_days_before(day=dt.date(2026, 10, 15), days=0) == dt.date(2026, 10, 15)


@pytest.mark.django_db
def test_working_days_between_counts_after_start_through_end():
    assert working_days_between(start=dt.date(2026, 2, 12), end=dt.date(2026, 2, 28)) == 7
    assert working_days_between(start=dt.date(2026, 2, 28), end=dt.date(2026, 2, 12)) == -7
    assert working_days_between(start=dt.date(2026, 9, 30), end=dt.date(2026, 10, 7)) == 0
    assert working_days_between(start=dt.date(2026, 9, 30), end=dt.date(2026, 9, 30)) == 0


@pytest.mark.django_db
def test_working_days_between_full_year_2026():
    # 365 days − 104 weekend days − 19 statutory weekday holidays + 6 调休 weekends = 248.
    assert working_days_between(start=dt.date(2025, 12, 31), end=dt.date(2026, 12, 31)) == 248


def test_business_day_end_is_1730_shanghai(settings):
    assert business_day_end(day=dt.date(2026, 3, 9)) == local(2026, 3, 9, 17, 30)
    settings.AFTERSALES = {**settings.AFTERSALES, "BUSINESS_DAY_END": "18:00"}
    assert business_day_end(day=dt.date(2026, 3, 9)) == local(2026, 3, 9, 18, 0)
