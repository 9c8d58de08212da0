"""Customer care's reports (domain.md Follow-up §15 (六)、(七): monthly summaries and a yearly report;
§13: satisfaction as perceived against expected): follow-ups done within their window, satisfaction
and NPS by month, centre and technician, complaints by cause with the time to resolve.

Every figure is read through the app's scoping functions (a centre's supervisor sees the centre, the
general manager all), with one query per kind of row whatever the period: the rows are bucketed here.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.care.choices import ComplaintCause, ComplaintLevel, Outcome, Purpose, TaskStatus
from aftersales.care.models import FollowUpCall
from aftersales.care.permissions import can_view_reports, complaints_visible_to, follow_ups_visible_to
from aftersales.core.registry import ExportRows
from aftersales.core.validation import in_time_range

ONE = Decimal("0.1")


def _avg(values: list[int] | list[float]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(ONE, ROUND_HALF_UP)


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(100 * part) / whole).quantize(ONE, ROUND_HALF_UP) if whole else None


@dataclass
class FollowUpFigures:
    """Follow-ups whose window closed in the period: made in the window, made late, never made."""

    due: int = 0
    in_window: int = 0
    late: int = 0
    missed: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _pct(self.in_window, self.due)


@dataclass
class Satisfaction:
    """Calls that reached the customer: score 1-5, expected and perceived (§13), NPS (0-10 → -100..100)."""

    label: str = ""
    scores: list[int] = field(default_factory=list)
    expected: list[int] = field(default_factory=list)
    perceived: list[int] = field(default_factory=list)
    nps_answers: list[int] = field(default_factory=list)

    def add(self, row: Mapping[str, Any]) -> None:
        if row["score"] is not None:
            self.scores.append(row["score"])
        if row["expected"] is not None and row["perceived"] is not None:
            self.expected.append(row["expected"])
            self.perceived.append(row["perceived"])
        if row["nps"] is not None:
            self.nps_answers.append(row["nps"])

    @property
    def calls(self) -> int:
        return len(self.scores)

    @property
    def score(self) -> Decimal | None:
        return _avg(self.scores)

    @property
    def gap(self) -> Decimal | None:
        """Perceived minus expected, on average: below zero the service fell short of what was expected."""
        if not self.expected:
            return None
        return _avg([p - e for p, e in zip(self.perceived, self.expected, strict=True)])

    @property
    def nps(self) -> Decimal | None:
        """Promoters (9-10) less detractors (0-6), in per cent of the answers."""
        if not self.nps_answers:
            return None
        promoters = sum(1 for a in self.nps_answers if a >= 9)
        detractors = sum(1 for a in self.nps_answers if a <= 6)
        return _pct(promoters - detractors, len(self.nps_answers))


@dataclass
class ComplaintFigures:
    label: str = ""
    opened: int = 0
    resolved: int = 0
    escalated: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def hours_to_resolve(self) -> Decimal | None:
        return _avg(self.hours)


@dataclass
class Summary:
    """One period's figures (a month, or any window of days)."""

    start: datetime.date
    end: datetime.date
    follow_ups: FollowUpFigures = field(default_factory=FollowUpFigures)
    by_purpose: dict[str, FollowUpFigures] = field(default_factory=dict)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    by_centre: list[Satisfaction] = field(default_factory=list)
    by_technician: list[Satisfaction] = field(default_factory=list)
    complaints: ComplaintFigures = field(default_factory=ComplaintFigures)
    by_cause: list[ComplaintFigures] = field(default_factory=list)

    @property
    def windows_until(self) -> datetime.date | None:
        """The last day a window may have closed on to count, when the period runs past yesterday (the
        windows closing today or later are still open: their calls are not "not made" yet); else None."""
        last = windows_closed_by()
        return last if self.end > last else None

    @property
    def purposes(self) -> list[tuple[str, FollowUpFigures]]:
        """The follow-up figures by purpose, labelled, in the order of the calls."""
        return [(str(p.label), self.by_purpose[p]) for p in Purpose if p in self.by_purpose]


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.now().astimezone(business_timezone()).date()


def windows_closed_by() -> datetime.date:
    """A follow-up's window is closed once its last day is over: yesterday's is the latest closed."""
    return today() - datetime.timedelta(days=1)


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.astimezone(business_timezone()).date() if moment else None


def _range(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = business_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


@dataclass
class _Rows:
    tasks: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    complaints: list[dict[str, Any]]
    technicians: dict[int, str]


def _read(user: User, start: datetime.date, end: datetime.date) -> _Rows:
    """The period's rows in the user's scope: three queries, whatever the period and whatever it holds
    (the technicians' names come with the calls)."""
    since, until = _range(start, end)
    tasks = list(
        follow_ups_visible_to(user)
        .filter(closes_on__range=(start, min(end, windows_closed_by())))
        .exclude(status=TaskStatus.CANCELLED)
        .values("purpose", "status", "closes_on", "done_at")
    )
    calls = list(
        FollowUpCall.objects.filter(
            task__in=follow_ups_visible_to(user).values("pk"), outcome=Outcome.REACHED, at__gte=since, at__lt=until
        ).values(
            "at",
            "score",
            "expected",
            "perceived",
            "nps",
            "task__service_center__name",
            "task__order__technician",
            *(f"task__order__technician__{name}" for name in _NAME_FIELDS),
        )
    )
    complaints = list(
        complaints_visible_to(user)
        .filter(opened_at__gte=since, opened_at__lt=until)
        .values("cause", "opened_at", "resolved_at", "level")
    )
    technicians = {
        call["task__order__technician"]: str(
            User(**{name: call[f"task__order__technician__{name}"] for name in _NAME_FIELDS})
        )
        for call in calls
        if call["task__order__technician"]
    }
    return _Rows(tasks, calls, complaints, technicians)


# What a user's name (``str(user)``) is made of.
_NAME_FIELDS = ("first_name", "last_name", "username", "system_kind")


def _summarise(rows: _Rows, start: datetime.date, end: datetime.date) -> Summary:
    summary = Summary(start=start, end=end)
    by_purpose: dict[str, FollowUpFigures] = defaultdict(FollowUpFigures)
    for task in rows.tasks:
        done_on = _local_day(task["done_at"]) if task["status"] != TaskStatus.OPEN else None
        for figures in (summary.follow_ups, by_purpose[task["purpose"]]):
            figures.due += 1
            if done_on is None:
                figures.missed += 1
            elif done_on <= task["closes_on"]:
                figures.in_window += 1
            else:
                figures.late += 1
    summary.by_purpose = dict(by_purpose)
    centres: dict[str, Satisfaction] = {}
    technicians: dict[str, Satisfaction] = {}
    for call in rows.calls:
        summary.satisfaction.add(call)
        centre = call["task__service_center__name"]
        centres.setdefault(centre, Satisfaction(label=centre)).add(call)
        name = rows.technicians.get(call["task__order__technician"], _("No technician"))
        technicians.setdefault(name, Satisfaction(label=name)).add(call)
    summary.by_centre = sorted(centres.values(), key=lambda s: s.label)
    summary.by_technician = sorted(technicians.values(), key=lambda s: s.label)
    causes: dict[str, ComplaintFigures] = {}
    for complaint in rows.complaints:
        cause = causes.setdefault(
            complaint["cause"], ComplaintFigures(label=str(ComplaintCause(complaint["cause"]).label))
        )
        for figures in (summary.complaints, cause):
            figures.opened += 1
            if complaint["level"] > ComplaintLevel.OWNER:
                figures.escalated += 1
            if complaint["resolved_at"] is not None:
                figures.resolved += 1
                figures.hours.append((complaint["resolved_at"] - complaint["opened_at"]).total_seconds() / 3600)
    order = {value: index for index, value in enumerate(ComplaintCause.values)}
    summary.by_cause = [causes[c] for c in sorted(causes, key=order.__getitem__)]
    return summary


def summary(*, user: User, start: datetime.date, end: datetime.date) -> Summary:
    """The figures of ``start``..``end`` (both days included) that ``user`` may see."""
    return _summarise(_read(user, start, end), start, end)


def yearly(*, user: User, year: int) -> list[Summary]:
    """The twelve months of ``year``, each summarised (the rows are read once for the year)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = _read(user, first, last)
    months = []
    for month in range(1, 13):
        start, end = month_bounds(year, month)
        since, until = _range(start, end)
        part = _Rows(
            tasks=[t for t in rows.tasks if start <= t["closes_on"] <= end],
            calls=[c for c in rows.calls if since <= c["at"] < until],
            complaints=[c for c in rows.complaints if since <= c["opened_at"] < until],
            technicians=rows.technicians,
        )
        months.append(_summarise(part, start, end))
    return months


# ---- the monthly summary as an export kind ("care_monthly": xlsx/csv from /exports/) -----------------
EXPORT_COLUMNS = (
    gettext_lazy("Section"),
    gettext_lazy("Group"),
    gettext_lazy("Count"),
    gettext_lazy("Made in the window"),
    gettext_lazy("Made late"),
    gettext_lazy("Not made"),
    gettext_lazy("Average score"),
    gettext_lazy("Perceived less expected"),
    gettext_lazy("NPS"),
    gettext_lazy("Resolved"),
    gettext_lazy("Escalated"),
    gettext_lazy("Hours to resolve"),
)


def parse_month(text: str | None, *, default: datetime.date) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); anything else, or a month outside the years the product accepts
    (9999-12 overflowed the window's last day: a 500), is ``default``'s month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        return default.year, default.month
    if not in_time_range(first):
        return default.year, default.month
    return year, month


def _export_rows(result: Summary) -> Iterator[list[Any]]:
    """One row per group: the columns a section does not use stay empty."""
    every = str(gettext_lazy("All"))
    follow_ups = str(gettext_lazy("Follow-ups"))
    yield [follow_ups, every, *_follow_up_cells(result.follow_ups), "", "", "", "", "", ""]
    for label, figures in result.purposes:
        yield [follow_ups, label, *_follow_up_cells(figures), "", "", "", "", "", ""]
    for section, groups in (
        (str(gettext_lazy("Satisfaction")), [result.satisfaction]),
        (str(gettext_lazy("Satisfaction by centre")), result.by_centre),
        (str(gettext_lazy("Satisfaction by technician")), result.by_technician),
    ):
        for group in groups:
            yield [
                section,
                group.label or every,
                group.calls,
                "",
                "",
                "",
                group.score,
                group.gap,
                group.nps,
                "",
                "",
                "",
            ]
    complaints = str(gettext_lazy("Complaints"))
    for cause in [result.complaints, *result.by_cause]:
        yield [
            complaints,
            cause.label or every,
            cause.opened,
            *([""] * 6),
            cause.resolved,
            cause.escalated,
            cause.hours_to_resolve,
        ]


def _follow_up_cells(figures: FollowUpFigures) -> list[Any]:
    return [figures.due, figures.in_window, figures.late, figures.missed]


def monthly_export_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The month's summary (``?month=YYYY-MM``, default this month) as rows of the "care_monthly" export."""
    year, month = parse_month(params.get("month"), default=now.astimezone(business_timezone()).date())
    start, end = month_bounds(year, month)
    rows: Iterable[list[Any]] = _export_rows(summary(user=user, start=start, end=end)) if can_view_reports(user) else []
    return ExportRows(rows=rows, filters={"month": f"{year:04d}-{month:02d}"})
