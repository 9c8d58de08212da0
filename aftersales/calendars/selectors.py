"""Working-day reads: is a day worked, and when is something due N working days after receipt.

Precedence, highest first (docs/calendars.md):

1. a ``CalendarDay`` row an admin entered, for any year;
2. the bundled ``chinese-calendar`` data (statutory holidays and the 调休 working weekends);
3. Monday to Friday, for a year neither bundled nor entered as a ``CalendarYear`` — such a year is
   "unknown" and every result that touched it names it, so callers show a warning instead of
   guessing silently.

Counting convention (domain.md "Repair", §6 1.3.3): the day of receipt never counts; day 1 is the
first working day after it; the due time is the business-day end of the N-th working day.

The admin's entries (every ``CalendarDay`` and ``CalendarYear`` row: a few dozen a year) are read in
two queries and kept in the cache, shared by every process (Redis in production, files in the embedded
setup): an order intake counts working days without a query. Any change to either table forgets them
(``forget_calendar``, connected to the models' save and delete signals in ``CalendarsConfig.ready``,
so the services, the admin and the ORM are all covered), at once and again after the commit; inside a
transaction that changed the calendar, reads bypass the cache, so a rolled-back change is never cached.
A change made with raw SQL or ``QuerySet.update`` shows within ``CALENDAR_CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import get_language, gettext

from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkingDayResult:
    """A working day found by counting, and the unknown years the count passed through."""

    day: dt.date
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class DueResult:
    """When work is due. ``warning`` is empty unless ``unknown_years`` is not."""

    due_at: dt.datetime
    warning: str = ""
    unknown_years: tuple[int, ...] = ()


# --- bundled data: package data, fixed for the life of the process, so caching it is safe ---------


@functools.cache
def bundled_years() -> range:
    """The years the installed ``chinese-calendar`` has data for (2004–2026 in version 1.11.0)."""
    holidays = getattr(chinese_calendar, "holidays", None)
    if holidays:
        return range(min(holidays).year, max(holidays).year + 1)
    # Fallback for a release that hides its tables: ask it, year by year.
    supported = [year for year in range(1990, 2200) if _package_knows(year)]
    return range(supported[0], supported[-1] + 1) if supported else range(0)


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _bundled_days() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    # The package's own is_workday() scans its whole table for min/max on every call; the sets make
    # a lookup O(1), which matters at hundreds of order creations a second.
    return frozenset(chinese_calendar.holidays), frozenset(chinese_calendar.workdays)


def _bundled_is_working(day: dt.date) -> bool:
    holidays, workdays = _bundled_days()
    return day in workdays or (day.weekday() < 5 and day not in holidays)


def default_is_working(day: dt.date) -> bool:
    """Whether ``day`` is worked before any admin override: bundled data, else Monday to Friday."""
    if day.year in bundled_years():
        return _bundled_is_working(day)
    return day.weekday() < 5


# --- the admin's entries, cached ---------------------------------------------------------------

CALENDAR_CACHE_KEY = "calendars:entered"
CALENDAR_GENERATION_KEY = "calendars:generation"
CALENDAR_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Entered:
    """Every day and year an admin entered: ``CalendarDay`` dates → kind, and ``CalendarYear`` years."""

    days: Mapping[dt.date, str]
    years: frozenset[int]


def _read_entered() -> Entered:
    return Entered(
        days=dict(CalendarDay.objects.values_list("date", "kind")),
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


def _changed_in_this_transaction() -> bool:
    # forget_calendar waits in this transaction's on-commit callbacks (dropped on rollback, also of the
    # savepoint that made the change) exactly while an uncommitted change is visible to this connection.
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(entry[1] is forget_calendar for entry in connection.run_on_commit)


def entered_calendar() -> Entered:
    """The admin's entries, from the cache when no change has happened since they were read.

    The cached copy is tagged with the generation read *before* the database: a change committed
    meanwhile sets a new generation, so a copy read just before it is never taken for current.
    """
    if _changed_in_this_transaction():
        return _read_entered()
    found = cache.get_many([CALENDAR_GENERATION_KEY, CALENDAR_CACHE_KEY])
    generation = found.get(CALENDAR_GENERATION_KEY)
    if generation is None:
        cache.add(CALENDAR_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(CALENDAR_GENERATION_KEY)
    cached = found.get(CALENDAR_CACHE_KEY)
    if cached is not None and cached[0] == generation:
        return cached[1]
    entered = _read_entered()
    cache.set(CALENDAR_CACHE_KEY, (generation, entered), CALENDAR_CACHE_SECONDS)
    return entered


def forget_calendar() -> None:
    """Every process reads the calendar from the database again (a new generation)."""
    cache.set(CALENDAR_GENERATION_KEY, uuid.uuid4().hex, None)


def calendar_changed(**kwargs: Any) -> None:
    """Receiver for ``CalendarDay``/``CalendarYear`` saves and deletes (``CalendarsConfig.ready``)."""
    forget_calendar()
    # Again after the commit: another process may have read the old rows meanwhile.
    transaction.on_commit(forget_calendar)


# --- the per-call calendar ---------------------------------------------------------------------


@dataclass
class _Calendar:
    """The calendar for one call: the admin's entries, and the unknown years the call passed through."""

    entered: Entered = field(default_factory=entered_calendar)
    unknown_years: set[int] = field(default_factory=set)

    def is_working(self, day: dt.date) -> bool:
        year = day.year
        if year not in bundled_years() and year not in self.entered.years:
            self.unknown_years.add(year)
        kind = self.entered.days.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        return default_is_working(day)

    def sorted_unknown(self) -> tuple[int, ...]:
        return tuple(sorted(self.unknown_years))


def _check_days(days: int) -> None:
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")


# --- public reads --------------------------------------------------------------------------------


def is_working_day(*, day: dt.date) -> bool:
    """Whether ``day`` is worked: admin override, else bundled data, else Monday to Friday."""
    return _Calendar().is_working(day)


def year_is_known(*, year: int) -> bool:
    """A year is known if the bundled data covers it or an admin entered it as a ``CalendarYear``."""
    return year in bundled_years() or year in entered_calendar().years


def known_years(*, around: int, span: int = 2) -> list[dict]:
    """For an admin screen: each year from ``around - span`` to ``around + span`` and its source.

    ``source`` is "entered" (a ``CalendarYear`` row; wins, since an admin vouched for it), "bundled"
    (chinese-calendar data) or "unknown" (weekends only, due dates carry a warning). ``overrides`` is
    the number of ``CalendarDay`` rows in the year.
    """
    first, last = around - span, around + span
    entered = dict(CalendarYear.objects.filter(year__range=(first, last)).values_list("year", "note"))
    overrides = dict(
        CalendarDay.objects.filter(date__year__range=(first, last))
        .annotate(y=ExtractYear("date"))
        .values("y")
        .annotate(n=Count("id"))
        .values_list("y", "n")
    )
    bundled = bundled_years()
    rows = []
    for year in range(first, last + 1):
        if year in entered:
            source = "entered"
        elif year in bundled:
            source = "bundled"
        else:
            source = "unknown"
        rows.append(
            {
                "year": year,
                "source": source,
                "bundled": year in bundled,
                "note": entered.get(year, ""),
                "overrides": overrides.get(year, 0),
            }
        )
    return rows


class WorkingCalendar:
    """The admin's entries read once (``entered_calendar``) for many counts in a row: the due dates a
    calendar change moves, over every open order. The module functions below count on a fresh one
    per call, so both give the same results; each count names only the unknown years it passed."""

    def __init__(self) -> None:
        self._entered = entered_calendar()

    def add_working_days(self, *, start: dt.date, days: int) -> WorkingDayResult:
        """The ``days``-th working day after ``start``; ``start`` itself never counts. ``days=0`` → ``start``."""
        _check_days(days)
        if days == 0:
            return WorkingDayResult(day=start)
        calendar = _Calendar(entered=self._entered)
        day, counted = start, 0
        while counted < days:
            day += ONE_DAY
            if calendar.is_working(day):
                counted += 1
        return WorkingDayResult(day=day, unknown_years=calendar.sorted_unknown())

    def due_at(self, *, received_at: dt.datetime, working_days: int) -> DueResult:
        """``due_at`` (below) on this calendar."""
        if received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")
        local_day = received_at.astimezone(business_timezone()).date()
        result = self.add_working_days(start=local_day, days=working_days)
        return DueResult(
            due_at=business_day_end(day=result.day),
            warning=calendar_warning(unknown_years=result.unknown_years),
            unknown_years=result.unknown_years,
        )

    def working_days_before(self, *, day: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days before ``day`` (``day`` itself never counts)."""
        _check_days(days)
        calendar = _Calendar(entered=self._entered)
        counted = 0
        while counted < days:
            day -= ONE_DAY
            if calendar.is_working(day):
                counted += 1
        return day


def add_working_days(*, start: dt.date, days: int) -> WorkingDayResult:
    """The ``days``-th working day after ``start``; ``start`` itself never counts. ``days=0`` → ``start``."""
    return WorkingCalendar().add_working_days(start=start, days=days)


def working_days_before(*, day: dt.date, days: int) -> dt.date:
    """The working day ``days`` working days before ``day`` (``day`` itself never counts).

    The mirror of ``add_working_days``: for a working ``day``,
    ``add_working_days(start=working_days_before(day=day, days=n), days=n).day == day``. Used for
    at-risk times: one working day before the due day is the previous working day. ``days=0`` → ``day``.
    """
    return WorkingCalendar().working_days_before(day=day, days=days)


def working_days_between(*, start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

    So ``working_days_between(start=s, end=add_working_days(start=s, days=n).day) == n``.
    """
    if end < start:
        return -working_days_between(start=end, end=start)
    if end == start:
        return 0
    calendar = _Calendar()
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += calendar.is_working(day)
    return count


def business_timezone() -> ZoneInfo:
    """The company's time zone: working days are local days, whatever the user's time zone."""
    return ZoneInfo(settings.TIME_ZONE)


def _business_time(key: str) -> dt.time:
    return dt.time.fromisoformat(str(settings.AFTERSALES[key]))


def business_day_end(*, day: dt.date) -> dt.datetime:
    """The aware end of business (``AFTERSALES["BUSINESS_DAY_END"]``, 17:30) on ``day``, local time."""
    return dt.datetime.combine(day, _business_time("BUSINESS_DAY_END"), tzinfo=business_timezone())


def business_day_start(*, day: dt.date) -> dt.datetime:
    """The aware start of business (``AFTERSALES["BUSINESS_DAY_START"]``, 09:00) on ``day``, local time."""
    return dt.datetime.combine(day, _business_time("BUSINESS_DAY_START"), tzinfo=business_timezone())


def calendar_warning(*, unknown_years: tuple[int, ...]) -> str:
    """The visible warning for a result computed through unknown years; empty if there are none."""
    if not unknown_years:
        return ""
    return gettext(
        "No working-day calendar for %(years)s: counted with weekends as the only days off; check the due date."
    ) % {"years": ", ".join(str(year) for year in unknown_years)}


def due_at(*, received_at: dt.datetime, working_days: int) -> DueResult:
    """Due at the business-day end of the ``working_days``-th working day after the day of receipt.

    The day of receipt is the local (``TIME_ZONE``) date of ``received_at`` and never counts, even if
    received at 08:00 on a working day (domain.md "Repair": parts within 7 working days, §6 1.3.3.1;
    return to factory 10–15 working days, §6 1.3.3.2). ``working_days=0`` → end of the day of receipt.
    """
    return WorkingCalendar().due_at(received_at=received_at, working_days=working_days)


@dataclass(frozen=True)
class DayInfo:
    """One day as the calendar counts it, for the calendar screen.

    ``kind``: "workday" (Monday–Friday worked), "weekend" (Saturday/Sunday off), "holiday" (a
    weekday off) or "working_weekend" (a Saturday/Sunday worked, 调休). ``source``: "entered" (an
    admin's ``CalendarDay``), "bundled" (chinese-calendar) or "" (the plain weekday rule).
    """

    day: dt.date
    working: bool
    kind: str
    name: str
    source: str


def _bundled_name(day: dt.date) -> str:
    """The statutory holiday ``day`` belongs to (also for its 调休 working weekend), or ""."""
    _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    if not name:
        return ""
    if (get_language() or "").startswith("zh"):
        chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
        return chinese.get(name, name)
    return name


def year_days(*, year: int) -> list[DayInfo]:
    """Every day of ``year`` as due dates count it (same precedence as ``is_working_day``); one query.

    Bundled holiday names are in Chinese when the active language is Chinese; a weekend inside a
    statutory break counts as part of the holiday.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind", "name")
    overrides = {row[0]: (row[1], row[2]) for row in rows}
    bundled = year in bundled_years()
    days = []
    day = first
    while day <= last:
        weekend = day.weekday() >= 5
        if day in overrides:
            override_kind, name = overrides[day]
            working, source = override_kind == DayKind.WORKDAY, "entered"
            named_holiday = not working
        else:
            working = default_is_working(day)
            name = _bundled_name(day) if bundled else ""
            source = "bundled" if name else ""
            named_holiday = bool(name) and not working
        if working:
            kind = "working_weekend" if weekend else "workday"
        else:
            kind = "holiday" if (named_holiday or not weekend) else "weekend"
        days.append(DayInfo(day=day, working=working, kind=kind, name=name, source=source))
        day += ONE_DAY
    return days
