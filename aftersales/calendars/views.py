"""The calendar screen (/calendar/): the working-day calendar of one year, month by month.

Everyone signed in may look; only administrators (``can_edit_calendar``) may add or remove a holiday
or working weekend and mark a year as entered in full; anyone else gets 403 on every POST.
"""

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.calendars.choices import WEEKDAY_HEADS
from aftersales.calendars.forms import CalendarDayForm, CalendarYearForm
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.panels import render_calendar_panels
from aftersales.calendars.permissions import can_edit_calendar
from aftersales.calendars.selectors import business_timezone, known_years, year_days
from aftersales.calendars.services import (
    MAX_YEAR,
    MIN_YEAR,
    mark_year_entered,
    remove_calendar_day,
    set_calendar_day,
    unmark_year_entered,
)
from aftersales.core.errors import DomainError
from aftersales.history.display import describe
from aftersales.history.selectors import recent_activity_of_kinds


def _this_year() -> int:
    return timezone.now().astimezone(business_timezone()).year


def _in_range(year: int) -> int:
    """``year``, when the calendar takes it (``MIN_YEAR``–``MAX_YEAR``); outside, its page does not exist
    (404), on every address that names a year: ``?year=`` and ``/years/<year>/…``. Before, ``?year=2101``
    showed 2100 without a word."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    return year


def _page_year(request: HttpRequest) -> tuple[int, str]:
    """The year ``?year=`` asks for (this year when none) and the reason it was refused: text that is no
    year shows this year's page with the reason (400); a year the calendar does not take is 404."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return _this_year(), ""
    try:
        year = int(raw)
    except ValueError:
        reason = _("Give the year as a number between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        return _this_year(), reason
    return _in_range(year), ""


def _posted_year(request: HttpRequest) -> int:
    """The year of the page a form was posted from (to show it again with the form's errors)."""
    try:
        year = int(request.POST.get("year") or _this_year())
    except ValueError:
        return _this_year()
    return min(max(year, MIN_YEAR), MAX_YEAR)


def _url(year: int, anchor: str = "") -> str:
    return f"{reverse('calendars:calendar')}?year={year}{anchor}"


def _months(year: int) -> list[dict[str, Any]]:
    """Twelve month grids (weeks from Monday), each cell the ``DayInfo`` of a day or ``None``."""
    by_date = {info.day: info for info in year_days(year=year)}
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = [
            [by_date[day] if day.month == month else None for day in week]
            for week in grid.monthdatescalendar(year, month)
        ]
        infos = [info for info in by_date.values() if info.day.month == month]
        months.append(
            {
                "number": month,
                "name": MONTHS[month],
                "weeks": weeks,
                "working": sum(info.working for info in infos),
                "days": len(infos),
            }
        )
    return months


def _render(
    request: HttpRequest,
    year: int,
    *,
    day_form: Form | None = None,
    year_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    # Only the years a calendar takes: at 2100, no chips for 2101 and 2102 that lead back to 2100.
    years = [row for row in known_years(around=year, span=2) if MIN_YEAR <= row["year"] <= MAX_YEAR]
    current = next(row for row in years if row["year"] == year)
    can_edit = can_edit_calendar(request.user)
    context = {
        "year": year,
        "this_year": _this_year(),
        # No arrow past the years the calendar takes (shown disabled): at 2100, › led to 2100 again.
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "min_year": MIN_YEAR,
        "max_year": MAX_YEAR,
        "years": years,
        "current": current,
        "months": _months(year),
        "weekdays": WEEKDAY_HEADS,
        "overrides": list(CalendarDay.objects.filter(date__year=year).order_by("date")),
        "can_edit": can_edit,
        "day_form": day_form or (CalendarDayForm() if can_edit else None),
        "year_form": year_form or (CalendarYearForm(initial={"note": current["note"]}) if can_edit else None),
        "changes": [describe(a) for a in recent_activity_of_kinds([CalendarDay, CalendarYear], limit=10)],
        "panels": render_calendar_panels(request, year=year),
    }
    return render(request, "calendars/calendar.html", context, status=status)


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    year, refused = _page_year(request)
    if refused:
        messages.error(request, refused)
    return _render(request, year, status=400 if refused else 200)


def _check_can_edit(request: HttpRequest) -> None:
    if not can_edit_calendar(request.user):
        raise PermissionDenied


def _form_error(form: Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.detail)


@login_required
@require_POST
def calendar_day_set(request: HttpRequest) -> HttpResponse:
    """Add or change a holiday or working weekend (an upsert: the date's previous entry is replaced)."""
    _check_can_edit(request)
    form = CalendarDayForm(request.POST)
    year = _posted_year(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = set_calendar_day(day=data["day"], kind=data["kind"], name=data["name"], by=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(day)s saved as %(kind)s.") % {"day": entry.date.isoformat(), "kind": entry.get_kind_display()},
            )
            return HttpResponseRedirect(_url(entry.date.year, "#overrides"))
    return _render(request, year, day_form=form, status=400)


@login_required
@require_POST
def calendar_day_remove(request: HttpRequest, day: str) -> HttpResponse:
    _check_can_edit(request)
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        parsed = None
    if parsed is None:
        messages.error(request, _("Not a date."))
        return HttpResponseRedirect(_url(_posted_year(request)))
    try:
        remove_calendar_day(day=parsed, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The entry for %(day)s is removed.") % {"day": parsed.isoformat()})
    return HttpResponseRedirect(_url(parsed.year, "#overrides"))


@login_required
@require_POST
def calendar_year_mark(request: HttpRequest, year: int) -> HttpResponse:
    """Declare ``year`` entered in full: its due dates stop carrying the no-calendar warning."""
    _check_can_edit(request)
    _in_range(year)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        try:
            mark_year_entered(year=year, note=form.cleaned_data["note"], by=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(year)s is marked as entered in full.") % {"year": year})
            return HttpResponseRedirect(_url(year))
    return _render(request, year, year_form=form, status=400)


@login_required
@require_POST
def calendar_year_unmark(request: HttpRequest, year: int) -> HttpResponse:
    """Take back "entered in full": the year's due dates carry the no-calendar warning again."""
    _check_can_edit(request)
    _in_range(year)
    try:
        unmark_year_entered(year=year, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("%(year)s is no longer marked as entered.") % {"year": year})
    return HttpResponseRedirect(_url(year))
