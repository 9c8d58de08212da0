"""Customer care's reports: the monthly summary (or any window of days), printable and as xlsx, and the
yearly view month by month (domain.md Follow-up §15: monthly summaries and a yearly report)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.care import reports
from aftersales.care.permissions import can_view_reports
from aftersales.core.validation import in_time_range

MAX_WINDOW_DAYS = 366


def _need_reports(request: HttpRequest) -> None:
    if not can_view_reports(request.user):
        raise PermissionDenied


def _window(request: HttpRequest) -> tuple[datetime.date, datetime.date, str]:
    """``?from=&to=`` (days, both included, at most a year), else ``?month=YYYY-MM``, else this month."""
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", ""))
        end = datetime.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        pass
    else:
        if in_time_range(start) and in_time_range(end) and start <= end and (end - start).days < MAX_WINDOW_DAYS:
            return start, end, ""
    year, month = reports.parse_month(request.GET.get("month"), default=reports.today())
    start, end = reports.month_bounds(year, month)
    return start, end, f"{year:04d}-{month:02d}"


@login_required
@require_GET
def report_month(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    start, end, month = _window(request)
    first = start.replace(day=1)
    context = {
        "summary": reports.summary(user=request.user, start=start, end=end),
        "month": month,
        "previous": (first - datetime.timedelta(days=1)).strftime("%Y-%m"),
        "next": (first + datetime.timedelta(days=32)).strftime("%Y-%m"),
        "year": start.year,
    }
    return render(request, "care/report_month.html", context)


@login_required
@require_GET
def report_year(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = reports.today().year
    # The API's bounds: year 1 or 9999 overflowed the first or last day of the window (a 500).
    if not 2000 <= year <= 2100:
        year = reports.today().year
    months = reports.yearly(user=request.user, year=year)
    context = {
        "year": year,
        "months": months,
        "total": reports.summary(user=request.user, start=months[0].start, end=months[-1].end),
    }
    return render(request, "care/report_year.html", context)
