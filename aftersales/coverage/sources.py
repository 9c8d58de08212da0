"""The built-in coverage sources, in order of precedence (docs/coverage.md).

A gap of 100 between them leaves room for an app's own source (a contract, say) anywhere in the chain.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageQuery, Verdict, add_months
from aftersales.coverage.registry import register_source
from aftersales.coverage.rules import lifetime_item_for, read_serial_date, serial_rule_for

OVERRIDE = 100
MISUSE = 200
NO_UNIT = 300
LIFETIME_ITEM = 400
SERIAL_DATE = 500
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


def lifetime_item(query: CoverageQuery) -> Verdict | None:
    """A listed item of the unit's model is replaced free of charge for the unit's life (§1), with
    or without proof of purchase, and whatever the warranty months say."""
    unit = query.unit
    if unit is None or not query.item:
        return None
    item = lifetime_item_for(unit, query.item)
    if item is None:
        return None
    return Verdict(
        True,
        CoverageReason.LIFETIME,
        _("%(name)s (%(code)s) is covered for the unit's life: a lifetime-covered item of model %(model)s.")
        % {"name": item.name, "code": item.code, "model": item.product_model.code},
        unit.purchase_date if unit.has_proof_of_purchase else None,
        None,
    )


def has_proof(query: CoverageQuery) -> bool:
    unit = query.unit
    return unit is not None and unit.purchase_date is not None and unit.has_proof_of_purchase


def serial_date(query: CoverageQuery) -> Verdict | None:
    """Without proof of purchase, the period may be read from the serial number (§6 1.1.1.3): the
    production date in it plus the rule's grace months starts the model's warranty months. A serial
    without a readable date, or with a date after the day asked about, leaves it to the next source."""
    unit = query.unit
    if unit is None or has_proof(query):
        return None
    rule = serial_rule_for(unit)
    if rule is None:
        return None
    made = read_serial_date(unit.serial_number, position=rule.date_position, date_format=rule.date_format)
    if made is None or made > query.on:
        return None
    start = add_months(made, rule.grace_months)
    months = unit.product_model.warranty_months
    if months == 0:
        return Verdict(False, CoverageReason.EXPIRED, _("This product model carries no warranty."), start, None)
    until = add_months(start, months)
    words = {
        "months": months,
        "start": start.isoformat(),
        "until": until.isoformat(),
        "made": made.isoformat(),
        "grace": rule.grace_months,
    }
    if query.on > until:
        detail = _(
            "Warranty expired on %(until)s. No proof of purchase: %(months)d months from %(start)s, the "
            "production date %(made)s read from the serial number plus %(grace)d months."
        )
        return Verdict(False, CoverageReason.EXPIRED, detail % words, start, until)
    detail = _(
        "In warranty until %(until)s. No proof of purchase: %(months)d months from %(start)s, the "
        "production date %(made)s read from the serial number plus %(grace)d months."
    )
    return Verdict(True, CoverageReason.IN_WARRANTY, detail % words, start, until)


def proof_of_purchase(query: CoverageQuery) -> Verdict | None:
    """Warranty is judged from proof of purchase: without it (or without its date) the unit is
    handled as out of warranty (§6 1.1.1.2)."""
    if query.unit is None or has_proof(query):
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
    if on < start:  # a call dated before the sale: the unit was not the customer's yet (an import's 2023 row)
        return Verdict(
            False,
            CoverageReason.BEFORE_SALE,
            _("Not covered: %(on)s is before the warranty started on %(start)s.") % {**words, "on": on.isoformat()},
            start,
            until,
        )
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
        key="lifetime_item",
        precedence=LIFETIME_ITEM,
        decide=lifetime_item,
        label=gettext_lazy("Lifetime-covered items"),
    )
    register_source(
        key="serial_date", precedence=SERIAL_DATE, decide=serial_date, label=gettext_lazy("Serial-number date rule")
    )
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
