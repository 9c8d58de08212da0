"""The built-in coverage sources, in order of precedence (docs/coverage.md).

A gap of 100 between them leaves room for an app's own source (a contract, say) anywhere in the chain.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageQuery, Verdict, add_months
from aftersales.coverage.registry import register_source

OVERRIDE = 100
MISUSE = 200
NO_UNIT = 300
PROOF_OF_PURCHASE = 600
WARRANTY_MONTHS = 700


def manager_override(query: CoverageQuery) -> Verdict | None:
    """A service manager's decision wins, unless misuse was found after it (a later finding replaces it)."""
    override, misuse = query.override, query.misuse
    if override is None or (misuse is not None and misuse.found_at > override.decided_at):
        return None
    return Verdict(override.covered, CoverageReason.OVERRIDDEN, override.reason)


def misuse_found(query: CoverageQuery) -> Verdict | None:
    """Damage by misuse voids the warranty: billable even in warranty (§6 1.1.1.2, 1.5.1.2)."""
    if query.misuse is None:
        return None
    return Verdict(False, CoverageReason.MISUSE, _("The technician found damage by misuse: billable."))


def no_unit(query: CoverageQuery) -> Verdict | None:
    """Without a unit there is no proof of purchase (§6 1.1.1.2)."""
    if query.unit is not None:
        return None
    return Verdict(False, CoverageReason.NO_UNIT, _("No unit is given, so there is no proof of purchase."))


def proof_of_purchase(query: CoverageQuery) -> Verdict | None:
    """Warranty is judged from proof of purchase: without it (or without its date) the unit is
    handled as out of warranty (§6 1.1.1.2)."""
    unit = query.unit
    if unit is None or (unit.purchase_date is not None and unit.has_proof_of_purchase):
        return None
    return Verdict(False, CoverageReason.NO_PROOF, _("No proof of purchase: handled as out of warranty."))


def period_verdict(*, start: datetime.date, months: int, on: datetime.date) -> Verdict:
    """Covered from ``start`` for ``months`` months. Civil Code art. 201-202: a period in months starts
    the day after ``start`` and ends on the same day of its last month (that month's last day when it
    is shorter), that day included. 0 months is no warranty at all."""
    if months == 0:
        return Verdict(False, CoverageReason.EXPIRED, _("This product model carries no warranty."), start, None)
    until = add_months(start, months)
    words = {"months": months, "start": start.isoformat(), "until": until.isoformat()}
    if on > until:
        return Verdict(
            False,
            CoverageReason.EXPIRED,
            _("Warranty expired: it ran for %(months)d months from %(start)s until %(until)s.") % words,
            start,
            until,
        )
    return Verdict(
        True,
        CoverageReason.IN_WARRANTY,
        _("In warranty until %(until)s (%(months)d months from %(start)s).") % words,
        start,
        until,
    )


def warranty_months(query: CoverageQuery) -> Verdict | None:
    """The product model's warranty months, counted from the purchase date (§6 1.1.1.3)."""
    unit = query.unit
    if unit is None or unit.purchase_date is None:
        return None
    return period_verdict(start=unit.purchase_date, months=unit.product_model.warranty_months, on=query.on)


def register_builtin_sources() -> None:
    register_source(
        key="override", precedence=OVERRIDE, decide=manager_override, label=gettext_lazy("Manager override")
    )
    register_source(key="misuse", precedence=MISUSE, decide=misuse_found, label=gettext_lazy("Misuse found on a visit"))
    register_source(key="no_unit", precedence=NO_UNIT, decide=no_unit, label=gettext_lazy("No unit"))
    register_source(
        key="proof_of_purchase",
        precedence=PROOF_OF_PURCHASE,
        decide=proof_of_purchase,
        label=gettext_lazy("Proof of purchase"),
    )
    register_source(
        key="warranty_months",
        precedence=WARRANTY_MONTHS,
        decide=warranty_months,
        label=gettext_lazy("The model's warranty months"),
    )
