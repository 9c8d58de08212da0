"""Customer care's reports in the API: a period's summary (a month or any window of days) and the year
month by month (``care.reports``; supervisors only: 403 for anyone else)."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.care import reports
from aftersales.care.permissions import can_view_reports
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.schemas import Day, answers

router = Router()  # added to care's router, whose tag it takes

MAX_WINDOW_DAYS = 366


class FollowUpFiguresOut(Schema):
    group: str
    due: int
    in_window: int = Field(description="Made (reached, refused or given up) within the call's window.")
    late: int
    missed: int = Field(description="Still not made.")
    rate: Decimal | None = Field(description="Made in the window, per cent of those due.")


class SatisfactionOut(Schema):
    group: str
    calls: int
    score: Decimal | None = Field(description="Average satisfaction, 1-5.")
    gap: Decimal | None = Field(description="Average perceived less expected (domain.md §13).")
    nps: Decimal | None = Field(description="Promoters (9-10) less detractors (0-6), per cent.")


class ComplaintFiguresOut(Schema):
    group: str
    opened: int
    escalated: int
    resolved: int
    hours_to_resolve: Decimal | None


class CareSummaryOut(Schema):
    start: datetime.date
    end: datetime.date
    windows_until: datetime.date | None = Field(
        description="When the period runs past yesterday: the follow-ups counted are those whose window closed"
        " by this day (the windows still open are counted once they close)."
    )
    follow_ups: list[FollowUpFiguresOut] = Field(description="All, then by purpose.")
    satisfaction: SatisfactionOut
    by_centre: list[SatisfactionOut]
    by_technician: list[SatisfactionOut]
    complaints: list[ComplaintFiguresOut] = Field(description="All, then by cause.")


class CareSummaryQuery(Schema):
    month: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM (this month by default).")
    start: Day | None = Field(None, alias="from", description="With `to`: a window of days instead of a month.")
    end: Day | None = Field(None, alias="to")


def _out(summary: reports.Summary) -> CareSummaryOut:
    every = _("All")

    def follow_up(group: str, f: reports.FollowUpFigures) -> FollowUpFiguresOut:
        return FollowUpFiguresOut(
            group=group, due=f.due, in_window=f.in_window, late=f.late, missed=f.missed, rate=f.rate
        )

    def satisfaction(s: reports.Satisfaction) -> SatisfactionOut:
        return SatisfactionOut(group=s.label or every, calls=s.calls, score=s.score, gap=s.gap, nps=s.nps)

    def complaints(c: reports.ComplaintFigures) -> ComplaintFiguresOut:
        return ComplaintFiguresOut(
            group=c.label or every,
            opened=c.opened,
            escalated=c.escalated,
            resolved=c.resolved,
            hours_to_resolve=c.hours_to_resolve,
        )

    return CareSummaryOut(
        start=summary.start,
        end=summary.end,
        windows_until=summary.windows_until,
        follow_ups=[follow_up(every, summary.follow_ups), *(follow_up(label, f) for label, f in summary.purposes)],
        satisfaction=satisfaction(summary.satisfaction),
        by_centre=[satisfaction(s) for s in summary.by_centre],
        by_technician=[satisfaction(s) for s in summary.by_technician],
        complaints=[complaints(summary.complaints), *(complaints(c) for c in summary.by_cause)],
    )


def _need_reports(request: HttpRequest) -> None:
    if not can_view_reports(request.user):
        raise PermissionDeniedError("forbidden", _("Only supervisors see the customer care reports."))


@router.get("/care/reports/summary", response=answers(CareSummaryOut, 400, 403))
def care_summary(request: HttpRequest, query: Query[CareSummaryQuery]) -> CareSummaryOut:
    """Follow-ups due and made in their window, satisfaction and NPS (all, by centre, by technician),
    complaints by cause with the time to resolve: for a month (``month``) or a window (``from``, ``to``)."""
    _need_reports(request)
    if (query.start is None) != (query.end is None):
        field = "to" if query.end is None else "from"
        raise ValidationFailed("invalid_window", _("Give both ends of the window."), field=field)
    if query.start is not None and query.end is not None:
        if query.end < query.start or (query.end - query.start).days >= MAX_WINDOW_DAYS:
            raise ValidationFailed(
                "invalid_window", _("The window ends before it starts or is over a year."), field="to"
            )
        start, end = query.start, query.end
    else:
        year, month = reports.parse_month(query.month, default=reports.today())
        if query.month and f"{year:04d}-{month:02d}" != query.month:
            raise ValidationFailed("invalid_month", _("Give the month as YYYY-MM."), field="month")
        start, end = reports.month_bounds(year, month)
    return _out(reports.summary(user=request.user, start=start, end=end))


class CareYearOut(Schema):
    year: int
    months: list[CareSummaryOut]


@router.get("/care/reports/year", response=answers(CareYearOut, 400, 403))
def care_year(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)) -> CareYearOut:  # type: ignore[type-arg]
    """The year's summary month by month (the yearly report, domain.md Follow-up §15)."""
    _need_reports(request)
    return CareYearOut(year=year, months=[_out(m) for m in reports.yearly(user=request.user, year=year)])
