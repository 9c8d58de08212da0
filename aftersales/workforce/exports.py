"""What finance hands to payment, registered as the "payable_claims" export kind: one row per line of
each approved claim (not yet exported) and one per approved overtime day, in the caller's scope. After
paying, finance marks the claims exported (``POST /workforce/claims/exported``)."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.core.registry import ExportRows
from aftersales.core.tabular import display, money
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
