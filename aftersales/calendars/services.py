"""Writes to the working-day calendar. Each change is audited in the same transaction.

A change moves the due dates of orders opened after it; orders already open keep the due date they
were given (the service app decides whether to recompute).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.permissions import can_edit_calendar
from aftersales.calendars.selectors import default_is_working
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.history.services import changed, record_activity

MIN_YEAR = 2000
MAX_YEAR = 2100
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length or 100
NOTE_MAX_LENGTH = CalendarYear._meta.get_field("note").max_length or 200


def _check_year(year: int, *, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            "calendar_year_out_of_range",
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            field=field,
        )


def _check_actor(by: User | None) -> None:
    # ``by=None`` is the system itself (a management command, a data migration, a test).
    if by is not None and not can_edit_calendar(by):
        raise PermissionDeniedError(
            "calendar_edit_denied", _("Only administrators may change the working-day calendar.")
        )


def _audit(*, by: User | None, action: str, detail: dict, target: CalendarDay | CalendarYear | None = None) -> None:
    AuditLog.objects.create(user=by, action=action, detail=detail, target=target)


def validate_calendar_day(*, day: dt.date, kind: str, name: str = "") -> str:
    """Check an override before saving it (also used by the admin form); returns the cleaned name.

    A holiday on a weekend or on a bundled holiday is allowed (harmless, and it documents the day).
    A working day on a day already worked without the override is refused as redundant; on a
    weekday that the bundled data calls a holiday it is allowed, to correct that data.
    """
    _check_year(day.year, field="day")
    if kind not in DayKind.values:
        raise ValidationFailed("calendar_day_kind_invalid", _("Choose holiday or working day."), field="kind")
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            "calendar_day_name_too_long",
            _("The name can have at most %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            field="name",
        )
    if kind == DayKind.WORKDAY and day.weekday() < 5 and default_is_working(day):
        raise ValidationFailed(
            "calendar_day_redundant",
            _("%(day)s is already a working day; mark only weekends or holidays as working days.")
            % {"day": day.isoformat()},
            field="kind",
        )
    return name


@transaction.atomic
def set_calendar_day(*, day: dt.date, kind: str, name: str = "", by: User | None) -> CalendarDay:
    """Make ``day`` a holiday or a working day, whatever its weekday and the bundled data say (upsert).

    Rules in ``validate_calendar_day``.
    """
    _check_actor(by)
    name = validate_calendar_day(day=day, kind=kind, name=name)
    previous = CalendarDay.objects.select_for_update().filter(date=day).values("kind", "name").first()
    calendar_day, _created = CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
    _audit(
        by=by,
        action="calendars.set_calendar_day",
        detail={"date": day.isoformat(), "kind": kind, "name": name, "previous": previous},
        target=calendar_day,
    )
    changes = changed(previous or {}, {"kind": kind, "name": name})
    if changes:
        record_activity(
            target=calendar_day, type="calendar_day.set", by=by, changes=changes, data={"date": day.isoformat()}
        )
    return calendar_day


@transaction.atomic
def remove_calendar_day(*, day: dt.date, by: User | None) -> None:
    """Drop the override for ``day``: it falls back to the bundled data, or to its weekday."""
    _check_actor(by)
    removed = CalendarDay.objects.select_for_update().filter(date=day).first()
    if removed is None:
        raise NotFoundError(
            "calendar_day_not_found",
            _("%(day)s has no calendar entry.") % {"day": day.isoformat()},
            field="day",
        )
    previous = {"kind": removed.kind, "name": removed.name}
    # The activity keeps the removed row's id: the calendar's history lists it with the date in its data.
    record_activity(
        target=removed,
        type="calendar_day.removed",
        by=by,
        changes={key: (value, None) for key, value in previous.items() if value},
        data={"date": day.isoformat()},
    )
    _audit(
        by=by,
        action="calendars.remove_calendar_day",
        detail={"date": day.isoformat(), "previous": previous},
        target=removed,
    )
    removed.delete()


@transaction.atomic
def mark_year_entered(*, year: int, note: str = "", by: User | None) -> CalendarYear:
    """Declare that every holiday and working weekend of ``year`` has been entered as ``CalendarDay`` rows.

    From then on due dates in that year carry no warning. Enter the days first.
    """
    _check_actor(by)
    _check_year(year, field="year")
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationFailed(
            "calendar_year_note_too_long",
            _("The note can have at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH},
            field="note",
        )
    previous = CalendarYear.objects.select_for_update().filter(year=year).values("note").first()
    calendar_year, created = CalendarYear.objects.update_or_create(year=year, defaults={"note": note})
    _audit(
        by=by,
        action="calendars.mark_year_entered",
        detail={"year": year, "note": note, "created": created},
        target=calendar_year,
    )
    changes = {"year": (None, year)} if created else {}
    changes.update(changed(previous or {}, {"note": note}))
    if changes:
        record_activity(
            target=calendar_year, type="calendar_year.entered", by=by, changes=changes, data={"subject": str(year)}
        )
    return calendar_year


@transaction.atomic
def unmark_year_entered(*, year: int, by: User | None) -> None:
    """Take back ``mark_year_entered`` (marked by mistake, or before every day was in): the year is
    unknown again unless the bundled data covers it, so its due dates carry the warning again. The
    days entered stay. Found by hand, 2026-12-07: only the Django admin could undo it."""
    _check_actor(by)
    removed = CalendarYear.objects.select_for_update().filter(year=year).first()
    if removed is None:
        raise NotFoundError(
            "calendar_year_not_entered",
            _("%(year)s is not marked as entered.") % {"year": year},
            field="year",
        )
    # The activity keeps the removed row's id: the calendar's history lists it with the year in its data.
    record_activity(
        target=removed,
        type="calendar_year.unmarked",
        by=by,
        changes={key: (value, None) for key, value in {"year": year, "note": removed.note}.items() if value},
        data={"subject": str(year)},
    )
    _audit(by=by, action="calendars.unmark_year_entered", detail={"year": year, "note": removed.note}, target=removed)
    removed.delete()
