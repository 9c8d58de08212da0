"""The workforce lists as xlsx/CSV, served by ``exchange``. What finance hands to payment, registered as the "payable_claims" export kind: one row per line of
each approved claim (not yet exported) and one per approved overtime day, in the caller's scope. After
paying, finance marks the claims exported (``POST /workforce/claims/exported``)."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display, money
from aftersales.workforce import selectors
from aftersales.workforce.choices import ExpenseClaimStatus, OvertimeStatus
from aftersales.workforce.models import ExpenseLine, Overtime
from aftersales.workforce.permissions import claims_visible_to, workforce_scope

PAYABLE_COLUMNS = (
    gettext_lazy("Claim number"),
    gettext_lazy("Staff member"),
    gettext_lazy("Service centre"),
    gettext_lazy("Kind"),
    gettext_lazy("Spent on"),
    gettext_lazy("Description"),
    gettext_lazy("Order or trip"),
    money(gettext_lazy("Amount (CNY)")),
    pgettext_lazy("an expense claimed after its window", "claimed late"),
)


def _rows(user: Any) -> Iterator[list[Any]]:
    claims = claims_visible_to(user).filter(status=ExpenseClaimStatus.APPROVED)
    lines = (
        ExpenseLine.objects.filter(claim__in=claims.values("pk"))
        .select_related("claim__person", "claim__service_center", "order", "trip")
        .order_by("claim_id", "spent_on", "pk")
    )
    for line in lines:
        yield [
            line.claim.number,
            str(line.claim.person),
            line.claim.service_center.name,
            display(line, "kind"),
            line.spent_on,
            line.description,
            line.order.number if line.order else (line.trip.destination if line.trip else ""),
            line.amount,
            line.late,
        ]
    overtime = (
        workforce_scope(user, Overtime.objects.filter(status=OvertimeStatus.APPROVED))
        .select_related("person", "service_center", "order")
        .order_by("day", "pk")
    )
    for row in overtime:
        yield [
            "",
            str(row.person),
            row.service_center.name,
            str(gettext_lazy("Overtime")),
            row.day,
            row.note,
            row.order.number if row.order else "",
            row.allowance,
            False,
        ]


def payable_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    return ExportRows(rows=_rows(user), filters={})


# ---- the absence and overtime lists ("absences", "overtime"): the screens' rows, in their order ---
ABSENCE_COLUMNS = (
    gettext_lazy("Staff member"),
    gettext_lazy("Service centre"),
    gettext_lazy("From"),
    gettext_lazy("Until"),
    gettext_lazy("Reason"),
    gettext_lazy("Status"),
    pgettext_lazy("an approval", "Decided by"),
    pgettext_lazy("an approval", "Decided at"),
    gettext_lazy("Decision reason"),
)


def absence_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every absence of the list (``selectors.absence_list``, the screen's scope; it takes no filter)."""
    absences = capped(selectors.absence_list(user=user))

    def generate() -> Iterator[list[Any]]:
        for absence in absences.iterator(chunk_size=CHUNK_SIZE):
            yield [
                str(absence.person),
                absence.service_center.name,
                absence.starts_at,
                absence.ends_at,
                absence.reason,
                display(absence, "status"),
                str(absence.decided_by) if absence.decided_by else "",
                absence.decided_at,
                absence.decision_reason,
            ]

    return ExportRows(rows=generate(), filters={})


OVERTIME_COLUMNS = (
    gettext_lazy("Staff member"),
    gettext_lazy("Service centre"),
    gettext_lazy("Day"),
    money(gettext_lazy("Allowance (CNY)")),
    gettext_lazy("Order"),
    gettext_lazy("Note"),
    gettext_lazy("no work recorded"),
    gettext_lazy("Status"),
    pgettext_lazy("an approval", "Decided by"),
    pgettext_lazy("an approval", "Decided at"),
    gettext_lazy("Decision reason"),
    gettext_lazy("Exported for payment at"),
)


def overtime_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every overtime day of the list (``selectors.overtime_list``, the screen's scope; no filter)."""
    days = capped(selectors.overtime_list(user=user))

    def generate() -> Iterator[list[Any]]:
        for row in days.iterator(chunk_size=CHUNK_SIZE):
            yield [
                str(row.person),
                row.service_center.name,
                row.day,
                row.allowance,
                row.order.number if row.order else "",
                row.note,
                row.no_work_recorded,
                display(row, "status"),
                str(row.decided_by) if row.decided_by else "",
                row.decided_at,
                row.decision_reason,
                row.exported_at,
            ]

    return ExportRows(rows=generate(), filters={})
