"""Contracts (维保合同 / 延保) and their visit plans (domain.md Contracts §12).

A unit is under at most one live contract on a day: a contract whose term overlaps another live
contract of one of its units is refused (409 ``overlapping_contract``, field ``unit_ids``). The
contract's price falls due by its billing schedule and its deposit on the start day: both are
booked as expected amounts on the contract's ledger in the same transaction.
"""

import datetime
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.contracts import config
from aftersales.contracts.choices import (
    BILLING_MONTHS,
    Billing,
    ContractAccount,
    ContractKind,
    ContractStatus,
    EntryKind,
    PlanKind,
    VisitStatus,
)
from aftersales.contracts.models import Contract, ContractUnit, ContractVisit, LedgerEntry, VisitPlan
from aftersales.contracts.permissions import can_manage_contracts
from aftersales.contracts.rules import clean_rule, default_rule, rule_days
from aftersales.contracts.services.common import lock_contract, require, require_amount
from aftersales.contracts.services.visits import generate_visits, working_day_on_or_after
from aftersales.core.errors import ConflictError, NotFoundError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.validation import require_choice, require_in_range, require_text
from aftersales.coverage.decision import add_months
from aftersales.customers.models import Contact, Customer
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit


def _require_manager(by: User, centre_id: int | None = None) -> None:
    require(can_manage_contracts(by, centre_id=centre_id), _("Only service managers write contracts."))


def _overlapping(units: Sequence[Unit], *, starts_on: datetime.date, ends_on: datetime.date) -> ContractUnit | None:
    return (
        ContractUnit.objects.select_related("contract", "unit")
        .filter(
            unit__in=units,
            contract__status=ContractStatus.ACTIVE,
            contract__starts_on__lte=ends_on,
            contract__ends_on__gte=starts_on,
        )
        .first()
    )


def _percent(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValidationFailed("invalid_percent", _("Give a share from 0 (excluded) to 100 (included)."), field=field)
    return value


def fee_schedule(
    *, price: Decimal, billing: str, starts_on: datetime.date, ends_on: datetime.date
) -> list[tuple[datetime.date, Decimal]]:
    """The price's instalments: one at the start, or one per period started in the term, the last
    taking the fen left over so they add up to the price. A price under a fen a period leaves no
    instalment of 0.00 on the ledger: the last one carries it all."""
    months = BILLING_MONTHS.get(billing)  # type: ignore[call-overload]
    if not months or price == 0:
        return [(starts_on, price)] if price else []
    days = []
    day = starts_on
    while day <= ends_on:
        days.append(day)
        day = add_months(starts_on, months * len(days))
    share = (price / len(days)).quantize(Decimal("0.01"))
    amounts = [share] * (len(days) - 1) + [price - share * (len(days) - 1)]
    return [(day, amount) for day, amount in zip(days, amounts, strict=True) if amount]


@transaction.atomic
def create_contract(
    *,
    by: User,
    customer: Customer,
    contact: Contact,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    units: Sequence[Unit],
    kind: str = ContractKind.MAINTENANCE,
    price: Any = "0",
    billing: str = Billing.YEARLY,
    deposit_amount: Any = "0",
    deposit_release_on: datetime.date | None = None,
    labour_percent: int = 100,
    parts_percent: int = 100,
    travel_percent: int = 100,
    response_hours: int | None = None,
    resolution_days: int | None = None,
    block_on_missed_visits: bool = True,
    block_on_open_complaints: bool = True,
    account_owner: User | None = None,
    renewal_of: Contract | None = None,
) -> Contract:
    """A live contract of ``customer`` over the term, covering ``units`` (the customer's own)."""
    _require_manager(by)
    _require_manager(by, customer.service_center_id)
    title = require_text(title, field="title", max_length=200)
    require_choice(kind, field="kind", choices=ContractKind)
    require_choice(billing, field="billing", choices=Billing)
    starts_on = require_in_range(starts_on, field="starts_on")  # type: ignore[assignment]
    ends_on = require_in_range(ends_on, field="ends_on")  # type: ignore[assignment]
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationFailed("invalid_term", _("The contract ends on or after the day it starts."), field="ends_on")
    if contact.customer_id != customer.pk:
        raise ValidationFailed("wrong_contact", _("The contact belongs to another customer."), field="contact_id")
    if not contact.in_use:
        raise ValidationFailed("not_in_use", _("This contact is not in use any more."), field="contact_id")
    if not units:
        raise ValidationFailed("units_required", _("Name at least one unit the contract covers."), field="unit_ids")
    if any(unit.customer_id != customer.pk for unit in units):
        raise ValidationFailed("wrong_unit", _("A unit belongs to another customer."), field="unit_ids")
    price_amount = require_amount(price, field="price")
    deposit = require_amount(deposit_amount, field="deposit_amount")
    release_on = require_in_range(deposit_release_on, field="deposit_release_on")
    if release_on is not None and release_on < starts_on:
        raise ValidationFailed(
            "invalid_release_day", _("The deposit is released after the contract starts."), field="deposit_release_on"
        )
    percents = {
        name: _percent(value, name)
        for name, value in (
            ("labour_percent", labour_percent),
            ("parts_percent", parts_percent),
            ("travel_percent", travel_percent),
        )
    }
    for name, value in (("response_hours", response_hours), ("resolution_days", resolution_days)):
        if value is not None and not 1 <= value <= 1000:
            raise ValidationFailed("out_of_range", _("Give a limit from 1 to 1000."), field=name)
    if renewal_of is not None and renewal_of.customer_id != customer.pk:
        raise ValidationFailed(
            "wrong_contract", _("A contract renews one of the same customer."), field="renewal_of_id"
        )
    # The units' rows are locked so two contracts written at once for one unit cannot both pass the check.
    locked = list(Unit.objects.select_for_update(no_key=True).filter(pk__in=[u.pk for u in units]).order_by("pk"))
    clash = _overlapping(locked, starts_on=starts_on, ends_on=ends_on)
    if clash is not None:
        raise ConflictError(
            "overlapping_contract",
            _("Unit %(serial)s is already under contract %(number)s from %(start)s to %(end)s.")
            % {
                "serial": clash.unit.serial_number,
                "number": clash.contract.number,
                "start": clash.contract.starts_on.isoformat(),
                "end": clash.contract.ends_on.isoformat(),
            },
            field="unit_ids",
        )
    contract = Contract.objects.create(
        number=next_number(prefix="HT", day=timezone.localdate(), width=4),
        kind=kind,
        service_center_id=customer.service_center_id,
        customer=customer,
        contact=contact,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        price=price_amount,
        billing=billing,
        deposit_amount=deposit,
        deposit_release_on=release_on,
        response_hours=response_hours,
        resolution_days=resolution_days,
        block_on_missed_visits=block_on_missed_visits,
        block_on_open_complaints=block_on_open_complaints,
        account_owner=account_owner,
        renewal_of=renewal_of,
        **percents,
    )
    ContractUnit.objects.bulk_create(ContractUnit(contract=contract, unit=unit) for unit in locked)
    entries = [
        LedgerEntry(
            contract=contract,
            account=ContractAccount.FEE,
            kind=EntryKind.EXPECTED,
            amount=amount,
            due_on=day,
            memo=_("Instalment %(n)d of %(count)d") % {"n": n, "count": count},
            actor=by,
        )
        for schedule in [fee_schedule(price=price_amount, billing=billing, starts_on=starts_on, ends_on=ends_on)]
        for count in [len(schedule)]
        for n, (day, amount) in enumerate(schedule, start=1)
    ]
    if deposit:
        entries.append(
            LedgerEntry(
                contract=contract,
                account=ContractAccount.DEPOSIT,
                kind=EntryKind.EXPECTED,
                amount=deposit,
                due_on=starts_on,
                memo=_("Warranty deposit"),
                actor=by,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    record_activity(
        target=contract,
        type="contract.created",
        by=by,
        data={"number": contract.number, "units": [u.serial_number for u in locked]},
    )
    return contract


@transaction.atomic
def cancel_contract(contract: Contract, *, by: User, reason: str) -> Contract:
    """A cancelled contract covers nothing from now on; its planned visits are cancelled, the
    ledger stays as it is (409 ``contract_cancelled`` for a second cancel)."""
    _require_manager(by)
    contract = lock_contract(contract, by=by)
    _require_manager(by, contract.service_center_id)
    reason = require_text(reason, field="reason", max_length=500)
    if contract.status == ContractStatus.CANCELLED:
        raise ConflictError("contract_cancelled", _("The contract is cancelled."))
    contract.status = ContractStatus.CANCELLED
    contract.cancelled_at = timezone.now()
    contract.cancel_reason = reason
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    ContractVisit.objects.filter(contract=contract, status=VisitStatus.PLANNED).update(
        status=VisitStatus.CANCELLED, updated_at=timezone.now()
    )
    record_activity(
        target=contract, type="contract.cancelled", by=by, reason=reason, changes={"status": ("active", "cancelled")}
    )
    return contract


def _visits_per_day(contract: Contract, days: list[datetime.date]) -> None:
    existing = Counter(
        ContractVisit.objects.filter(contract=contract)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("due_on", flat=True)
    )
    existing.update(days)
    limit = config.max_visits_per_day()
    crowded = sorted(day for day, count in existing.items() if count > limit)
    if crowded:
        raise ValidationFailed(
            "too_many_visits_a_day",
            _("The rule puts more than %(limit)d visits of this contract on %(day)s.")
            % {"limit": limit, "day": crowded[0].isoformat()},
            field="rule",
        )


@transaction.atomic
def add_visit_plan(
    contract: Contract,
    *,
    by: User,
    kind: str,
    rule: str = "",
    mandatory: bool = True,
    technician: User | None = None,
    checklist: str = "",
) -> VisitPlan:
    """A recurring visit of the contract; its visits over the term are generated at once, each on
    the next working day when the rule's day is not one (domain.md §12: 月访, 季度巡检)."""
    _require_manager(by)
    contract = lock_contract(contract, by=by)
    _require_manager(by, contract.service_center_id)
    if contract.status == ContractStatus.CANCELLED:
        raise ConflictError("contract_cancelled", _("The contract is cancelled."))
    require_choice(kind, field="kind", choices=PlanKind)
    text = clean_rule(rule) if rule.strip() else default_rule(kind, starts_on=contract.starts_on)
    checklist = require_text(checklist, field="checklist", max_length=4000, required=False)
    if technician is not None and (
        not technician.is_active or technician.service_center_id != contract.service_center_id
    ):
        raise NotFoundError("not_found", _("No such technician."), field="technician_id")
    days = rule_days(text, starts_on=contract.starts_on, ends_on=contract.ends_on)
    _visits_per_day(contract, [working_day_on_or_after(day) for day in days])
    plan = VisitPlan.objects.create(
        contract=contract, kind=kind, rule=text, mandatory=mandatory, technician=technician, checklist=checklist
    )
    generate_visits(contract=contract)
    record_activity(target=contract, type="contract.plan_added", by=by, data={"kind": kind, "rule": text})
    return plan
