"""The periodic report's own sections: each figure of the dashboards for the period (its total and its
table by month, or its first table), and care's monthly summary (``care.reports.summary``, reused, not
re-derived). Registered in ``ReportsConfig.ready()`` beside any section another app registers."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.care import reports as care_reports
from aftersales.care.permissions import can_view_reports as can_view_care_reports
from aftersales.reports.engine import FigureResult, Table, compute_all
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import Filters
from aftersales.reports.periods import Period
from aftersales.reports.present import Quantity
from aftersales.reports.registry import ReportSection, SectionTable, report_sections
from aftersales.reports.screens import SCREENS


def figure_table(result: FigureResult) -> SectionTable:
    """A figure as one table: by month when it has months (else its first grouping), then the total."""
    spec = result.spec
    table: Table | None = next((t for t in result.tables if t.grouping.key == "month"), None)
    if table is None and result.tables:
        table = result.tables[0]
    columns = list(spec.columns)
    rows: list[list[Any]] = []
    if table is not None:
        rows = [[row.label, *(Quantity(row.values.get(c.key), c.unit) for c in columns)] for row in table.rows]
    if any(not getattr(c, "per_month", False) for c in columns):
        rows.append([_("Total"), *(Quantity(result.total.values.get(c.key), c.unit) for c in columns)])
    heading = table.grouping.label if table is not None else ""
    return SectionTable(caption=spec.title, columns=[heading, *(c.label for c in columns)], rows=rows, note=spec.note)


def _screen_builder(keys: tuple[str, ...]) -> Any:
    def build(*, user: User, period: Period) -> list[SectionTable]:
        filters = Filters(start=period.start, end=period.end)
        return [figure_table(result) for result in compute_all([FIGURES[key] for key in keys], user, filters)]

    return build


def care_summary(*, user: User, period: Period) -> list[SectionTable]:
    """Care's monthly summary (follow-ups in their window, satisfaction and NPS, complaints), read through
    care's own selector for the period."""
    summary = care_reports.summary(user=user, start=period.start, end=period.end)
    every = _("All")
    follow_ups = [
        [label, f.due, f.in_window, f.late, f.missed, Quantity(f.rate, "%")]
        for label, f in [(every, summary.follow_ups), *summary.purposes]
    ]
    satisfaction = [
        [s.label or every, s.calls, s.score, s.gap, s.nps] for s in [summary.satisfaction, *summary.by_centre]
    ]
    complaints = [
        [c.label or every, c.opened, c.resolved, c.escalated, c.hours_to_resolve]
        for c in [summary.complaints, *summary.by_cause]
    ]
    return [
        SectionTable(
            _("Follow-ups"),
            [_("Purpose"), _("Due"), _("Made in the window"), _("Made late"), _("Not made"), _("In the window")],
            follow_ups,
        ),
        SectionTable(
            _("Satisfaction"),
            [_("Group"), _("Calls"), _("Average score"), _("Perceived less expected"), "NPS"],
            satisfaction,
        ),
        SectionTable(
            _("Complaints by cause"),
            [_("Cause"), _("Opened"), _("Resolved"), _("Escalated"), _("Hours to resolve")],
            complaints,
        ),
    ]


def register_sections() -> None:
    for order, screen in enumerate(SCREENS):
        report_sections.register(
            ReportSection(f"figures_{screen.key}", screen.label, 10 * (order + 1), _screen_builder(screen.figures))
        )
    report_sections.register(
        ReportSection(
            "care_summary",
            gettext_lazy("Customer care summary"),
            60,
            care_summary,
            predicate=can_view_care_reports,
        )
    )
