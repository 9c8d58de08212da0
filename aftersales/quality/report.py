"""The failure-statistics section of the periodic reports (monthly, quarterly, yearly).

Registered in ``reports.registry.report_sections`` (quality sits on the layer above reports, the way
the architecture's registries are filled). ``section(user, period)`` returns the section's tables;
``period`` has ``start`` and ``end`` (both included).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.quality import selectors
from aftersales.quality.permissions import can_view_failures
from aftersales.reports.filters import Filters
from aftersales.reports.registry import SectionTable as Table


def section(user: User, period: Any) -> list[Table]:
    """Failures of the period by model (with rate and MTBF), part, fault code, batch and age, and the
    repeat failures (docs/quality.md)."""
    report = selectors.failure_report(user, Filters(start=period.start, end=period.end))
    totals = report.totals
    return [
        Table(
            _("Failures"),
            [_("Failures"), _("Units that failed"), _("Repeat within 30 days"), _("Repeat within 90 days")],
            [[totals["failures"], totals["units"], totals["repeat30"], totals["repeat90"]]],
            _(
                "Repair, exchange and return-to-factory orders on a unit, neither cancelled nor misuse, by day of the call."
            ),
        ),
        Table(
            _("By product model"),
            [_("Product model"), _("Failures"), _("Units in the field"), _("Per 1,000 units"), _("MTBF (days)")],
            [[r["label"], r["failures"], r["units"], r["rate"], r["mtbf_days"]] for r in report.by_model],
        ),
        Table(
            _("By part fitted"),
            [_("Part"), _("Failures"), _("Quantity")],
            [[r["label"], r["failures"], r["quantity"]] for r in report.by_part],
        ),
        Table(
            _("By fault code"),
            [_("Fault code"), _("Failures")],
            [[r["label"], r["failures"]] for r in report.by_fault_code],
        ),
        Table(
            _("By production batch"),
            [_("Batch (serial prefix)"), _("Failures")],
            [[r["label"], r["failures"]] for r in report.by_batch],
        ),
        Table(_("By age at failure"), [_("Age"), _("Failures")], [[r["label"], r["failures"]] for r in report.by_age]),
    ]


def sees_section(user: User) -> bool:
    return can_view_failures(user)
