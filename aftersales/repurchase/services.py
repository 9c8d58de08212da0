"""The writes of sale and repurchase (domain.md §2, 篇二): record a clause (classified at once), change it
while nothing is posted, post its entries at inception, buy-back (exercise) and lapse, reverse the last
posting, and remind before the deadline.

Every write checks the caller's capability and scope (403 ``forbidden``, 404 ``not_found``), validates
everything before it writes (bad input: 400 with the field, nothing written), runs in one transaction
and records one history activity. Entries are append-only: ``_post`` is the only code that writes one,
and it refuses an entry that does not balance. docs/repurchase.md.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.amounts import FEN
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to
from aftersales.history.services import created_values, record_activity
from aftersales.installed_base.models import Unit
from aftersales.notifications.services import notify_user
from aftersales.repurchase import permissions, rules
from aftersales.repurchase.choices import Classification, Event, Holder, Side, Status
from aftersales.repurchase.conf import remind_days
from aftersales.repurchase.models import EntryLine, JournalEntry, RepurchaseContract
from aftersales.repurchase.selectors import terms_of

INPUT_FIELDS = (
    "number",
    "asset",
    "sale_date",
    "price",
    "cost",
    "holder",
    "repurchase_price",
    "deadline",
    "market_value",
    "incentive",
    "incentive_reason",
)


def _forbidden() -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not do this."))


def _optional_amount(value: Any, field: str) -> Decimal | None:
    """An amount above zero to the fen, or ``None`` when not given."""
    if value is None or value == "":
        return None
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite():
        raise ValidationFailed("invalid_amount", _("Give an amount above zero."), field=field)
    if amount <= 0:  # the code the API's schema gives a negative amount: one code for one rule
        raise ValidationFailed("amount_not_positive", _("Give an amount above zero."), field=field)
    if amount != amount.quantize(FEN):
        raise ValidationFailed("invalid_amount", _("Give the amount to the fen (two decimals at most)."), field=field)
    return amount


def _amount(value: Any, field: str) -> Decimal:
    amount = _optional_amount(value, field)
    if amount is None:
        raise ValidationFailed("invalid_amount", _("Give an amount above zero."), field=field)
    return amount


def check_terms(
    *,
    holder: str,
    sale_date: datetime.date,
    price: Any,
    repurchase_price: Any,
    deadline: datetime.date,
    cost: Any = None,
    market_value: Any = None,
    incentive: bool | None = None,
    incentive_reason: str = "",
) -> tuple[rules.Terms, rules.Outcome]:
    """The terms checked and classified, or the first bad input as a 400 with its field."""
    if holder not in Holder.values:
        raise ValidationFailed("invalid_choice", _("Say who holds the repurchase clause."), field="holder")
    price_ = _amount(price, "price")
    rp = _amount(repurchase_price, "repurchase_price")
    cost_ = _optional_amount(cost, "cost")
    market = _optional_amount(market_value, "market_value")
    if deadline < sale_date:
        raise ValidationFailed(
            "deadline_before_sale", _("The repurchase deadline cannot be before the date of sale."), field="deadline"
        )
    is_put = holder == Holder.CUSTOMER_OPTION
    terms = rules.Terms(
        holder=holder,
        price=price_,
        repurchase_price=rp,
        cost=cost_,
        market_value=market,
        incentive=incentive if is_put else None,
    )
    for field, detail in rules.missing_inputs(terms).items():
        raise ValidationFailed(f"{field}_required", detail, field=field)
    if is_put and not (incentive_reason or "").strip():
        raise ValidationFailed(
            "incentive_reason_required",
            _("Say why the customer has, or has not, a significant economic incentive to exercise the put."),
            field="incentive_reason",
        )
    outcome = rules.classify(terms)
    if outcome.classification == Classification.SALE_WITH_RETURN and cost_ is None:
        raise ValidationFailed(
            "cost_required",
            _("A sale with a right of return posts its cost of sales at the sale: give the cost of the asset."),
            field="cost",
        )
    return terms, outcome


def _customer_and_units(by: User, customer: Customer, units: Iterable[Unit]) -> list[Unit]:
    if not customers_visible_to(by).filter(pk=customer.pk).exists():
        raise NotFoundError("not_found", _("No such customer."), field="customer")
    if not permissions.can_post(by, centre_id=customer.service_center_id):
        raise _forbidden()
    units = list(units)
    if any(unit.customer_id != customer.pk for unit in units):
        raise ValidationFailed("unit_not_customers", _("Every unit sold must be the customer's."), field="units")
    return units


def create_contract(
    *,
    by: User,
    customer: Customer,
    number: str,
    asset: str,
    sale_date: datetime.date,
    price: Any,
    holder: str,
    repurchase_price: Any,
    deadline: datetime.date,
    cost: Any = None,
    market_value: Any = None,
    incentive: bool | None = None,
    incentive_reason: str = "",
    units: Iterable[Unit] = (),
) -> RepurchaseContract:
    """Record a sale with a repurchase clause, classified at once (``rules.classify``); nothing is posted
    yet (``post_inception``)."""
    unit_list = _customer_and_units(by, customer, units)
    terms, outcome = check_terms(
        holder=holder,
        sale_date=sale_date,
        price=price,
        repurchase_price=repurchase_price,
        deadline=deadline,
        cost=cost,
        market_value=market_value,
        incentive=incentive,
        incentive_reason=incentive_reason,
    )
    number = (number or "").strip()
    if not number:
        raise ValidationFailed("invalid_input", _("Give the contract number."), field="number")
    with transaction.atomic():
        if RepurchaseContract.objects.filter(number=number).exists():
            raise ConflictError("number_taken", _("A contract with this number is already recorded."), field="number")
        contract = RepurchaseContract.objects.create(
            number=number,
            service_center_id=customer.service_center_id,
            customer=customer,
            asset=asset.strip(),
            sale_date=sale_date,
            price=terms.price,
            cost=terms.cost,
            holder=holder,
            repurchase_price=terms.repurchase_price,
            deadline=deadline,
            market_value=terms.market_value,
            incentive=terms.incentive,
            incentive_reason=incentive_reason.strip() if holder == Holder.CUSTOMER_OPTION else "",
            classification=outcome.classification,
            rule=outcome.rule,
            created_by=by,
        )
        contract.units.set(unit_list)
        record_activity(
            target=contract,
            type="repurchase.created",
            by=by,
            changes=created_values(contract, [*INPUT_FIELDS, "classification"]),
        )
    return contract


def _visible(by: User, contract: RepurchaseContract, *, lock: bool = False) -> RepurchaseContract:
    qs = permissions.contracts_visible_to(by)
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=contract.pk).first()
    if found is None:
        raise NotFoundError("not_found", _("No such contract."))
    if not permissions.can_post(by, centre_id=found.service_center_id):
        raise _forbidden()
    return found


def change_contract(*, by: User, contract: RepurchaseContract, **inputs: Any) -> RepurchaseContract:
    """Change the inputs of a contract and classify it again; only before its first entry is posted
    (409 ``already_posted``: reverse the postings first)."""
    unknown = set(inputs) - set(INPUT_FIELDS) - {"units"}
    if unknown:
        raise ValidationFailed("invalid_input", _("Unknown field."), field=sorted(unknown)[0])
    with transaction.atomic():
        current = _visible(by, contract, lock=True)
        if current.status != Status.DRAFT:
            raise ConflictError(
                "already_posted", _("Entries are posted: the classification is fixed. Reverse them to change it.")
            )
        values = {name: getattr(current, name) for name in INPUT_FIELDS} | {
            k: v for k, v in inputs.items() if k != "units"
        }
        unit_list = _customer_and_units(by, current.customer, inputs.get("units", current.units.all()))
        terms, outcome = check_terms(**{k: v for k, v in values.items() if k not in ("number", "asset")})
        before = {name: getattr(current, name) for name in [*INPUT_FIELDS, "classification"]}
        number = (values["number"] or "").strip()
        if not number:
            raise ValidationFailed("invalid_input", _("Give the contract number."), field="number")
        if RepurchaseContract.objects.filter(number=number).exclude(pk=current.pk).exists():
            raise ConflictError("number_taken", _("A contract with this number is already recorded."), field="number")
        is_put = values["holder"] == Holder.CUSTOMER_OPTION
        current.number = number
        current.asset = (values["asset"] or "").strip()
        current.sale_date, current.deadline, current.holder = values["sale_date"], values["deadline"], values["holder"]
        current.price, current.repurchase_price = terms.price, terms.repurchase_price
        current.cost, current.market_value, current.incentive = terms.cost, terms.market_value, terms.incentive
        current.incentive_reason = (values["incentive_reason"] or "").strip() if is_put else ""
        current.classification, current.rule = outcome.classification, outcome.rule
        current.save()
        if "units" in inputs:
            current.units.set(unit_list)
        after = {name: getattr(current, name) for name in before}
        record_activity(
            target=current,
            type="repurchase.changed",
            by=by,
            changes={k: (before[k], after[k]) for k in before if before[k] != after[k]},
        )
    return current


# ---- the journal ------------------------------------------------------------------------------------
def _post(
    *,
    contract: RepurchaseContract,
    event: str,
    on: datetime.date,
    plan: rules.Plan,
    by: User,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Append one entry with its lines (inside the caller's transaction, the contract locked). An entry
    whose debits and credits differ, or with a line that is not above zero, is refused."""
    if not rules.is_balanced(plan.lines) or any(amount <= 0 for _a, _s, amount in plan.lines):
        raise ValidationFailed("unbalanced_entry", _("The entry does not balance: debits must equal credits."))
    last = contract.entries.order_by("-seq").values_list("seq", flat=True).first() or 0
    entry = JournalEntry.objects.create(
        contract=contract,
        seq=last + 1,
        event=event,
        posted_on=on,
        memo=plan.memo[:200],
        reverses=reverses,
        posted_by=by,
    )
    EntryLine.objects.bulk_create(
        EntryLine(entry=entry, position=i, account=account, side=side, amount=amount)
        for i, (account, side, amount) in enumerate(plan.lines, start=1)
    )
    return entry


def _post_all(
    *, contract: RepurchaseContract, event: str, on: datetime.date, plans: list[rules.Plan], by: User
) -> list[JournalEntry]:
    for plan in plans:  # checked first: a bad second entry must not leave the first written
        if not rules.is_balanced(plan.lines):
            raise ValidationFailed("unbalanced_entry", _("The entry does not balance: debits must equal credits."))
    return [_post(contract=contract, event=event, on=on, plan=plan, by=by) for plan in plans]


def post_inception(*, by: User, contract: RepurchaseContract) -> RepurchaseContract:
    """Post the entries at the sale (dated the day of sale) and fix the classification."""
    with transaction.atomic():
        current = _visible(by, contract, lock=True)
        if current.status != Status.DRAFT:
            raise ConflictError("already_posted", _("The entries at the sale are already posted."))
        plans = rules.inception_entries(terms_of(current), current.classification)
        _post_all(contract=current, event=Event.INCEPTION, on=current.sale_date, plans=plans, by=by)
        current.status = Status.OPEN
        current.save(update_fields=["status", "updated_at"])
        record_activity(
            target=current, type="repurchase.posted", by=by, changes={"status": (Status.DRAFT, Status.OPEN)}
        )
    return current


def _settle(by: User, contract: RepurchaseContract, on: datetime.date) -> RepurchaseContract:
    current = _visible(by, contract, lock=True)
    if current.status == Status.DRAFT:
        raise ConflictError("not_posted", _("Post the entries at the sale first."))
    if current.status != Status.OPEN:
        raise ConflictError("already_settled", _("The contract is already bought back or lapsed."))
    if on < current.sale_date:
        raise ValidationFailed("before_sale", _("The date cannot be before the date of sale."), field="on")
    return current


def post_exercise(*, by: User, contract: RepurchaseContract, on: datetime.date) -> RepurchaseContract:
    """The asset is bought back on ``on`` (on or before the deadline): the entries of 例1–例4 (2)."""
    with transaction.atomic():
        current = _settle(by, contract, on)
        if on > current.deadline:
            raise ValidationFailed(
                "after_deadline", _("The repurchase right ended on the deadline: record a lapse instead."), field="on"
            )
        plans = rules.exercise_entries(terms_of(current), current.classification)
        _post_all(contract=current, event=Event.EXERCISE, on=on, plans=plans, by=by)
        current.status, current.settled_on = Status.EXERCISED, on
        current.save(update_fields=["status", "settled_on", "updated_at"])
        record_activity(
            target=current,
            type="repurchase.exercised",
            by=by,
            changes={"status": (Status.OPEN, Status.EXERCISED), "settled_on": (None, on)},
        )
    return current


def post_lapse(*, by: User, contract: RepurchaseContract, on: datetime.date, cost: Any = None) -> RepurchaseContract:
    """The right lapsed unexercised (on or after the deadline): the sale is recognised (例2 2). A forward
    cannot lapse (the seller must buy back). ``cost``: the asset's cost, when the contract has none yet."""
    with transaction.atomic():
        current = _settle(by, contract, on)
        if current.holder == Holder.SELLER_OBLIGED:
            raise ConflictError(
                "cannot_lapse", _("The seller is obliged to buy back (a forward): the clause cannot lapse.")
            )
        if on < current.deadline:
            raise ValidationFailed(
                "before_deadline", _("The right can still be exercised until the deadline."), field="on"
            )
        given = _optional_amount(cost, "cost")
        changes: dict[str, tuple[Any, Any]] = {"status": (Status.OPEN, Status.LAPSED), "settled_on": (None, on)}
        if current.cost is None and current.classification != Classification.SALE_WITH_RETURN:
            if given is None:
                raise ValidationFailed(
                    "cost_required", _("The lapse posts the cost of sales: give the cost of the asset."), field="cost"
                )
            current.cost = given
            changes["cost"] = (None, given)
        plans = rules.lapse_entries(terms_of(current), current.classification)
        _post_all(contract=current, event=Event.LAPSE, on=on, plans=plans, by=by)
        current.status, current.settled_on = Status.LAPSED, on
        current.save(update_fields=["status", "settled_on", "cost", "updated_at"])
        record_activity(target=current, type="repurchase.lapsed", by=by, changes=changes)
    return current


def reverse_posting(*, by: User, contract: RepurchaseContract, on: datetime.date, reason: str) -> RepurchaseContract:
    """Cancel the last posting (the buy-back or lapse, else the sale's) by reversing entries dated ``on``:
    the same lines on the other side. The entries themselves stay as they were; the contract steps back
    (bought back or lapsed → open, open → not posted, when its inputs may change again)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason_required", _("Say why the entries are reversed."), field="reason")
    with transaction.atomic():
        current = _visible(by, contract, lock=True)
        if current.status == Status.DRAFT:
            raise ConflictError("nothing_to_reverse", _("Nothing is posted."))
        event = (
            Event.INCEPTION
            if current.status == Status.OPEN
            else (Event.EXERCISE if current.status == Status.EXERCISED else Event.LAPSE)
        )
        targets = list(
            current.entries.filter(event=event, reversed_by__isnull=True).prefetch_related("lines").order_by("seq")
        )
        latest = max((e.posted_on for e in current.entries.all()), default=current.sale_date)
        if on < latest:
            raise ValidationFailed(
                "before_last_entry", _("A reversal cannot be dated before the entry it reverses."), field="on"
            )
        for entry in targets:
            flipped = tuple(
                (line.account, Side.CREDIT if line.side == Side.DEBIT else Side.DEBIT, line.amount)
                for line in entry.lines.all()
            )
            memo = _("Reversal of %(entry)s: %(reason)s") % {"entry": str(entry), "reason": reason}
            _post(contract=current, event=Event.REVERSAL, on=on, plan=rules.Plan(memo, flipped), by=by, reverses=entry)
        before = current.status
        current.status = Status.DRAFT if before == Status.OPEN else Status.OPEN
        if before in (Status.EXERCISED, Status.LAPSED):
            current.settled_on = None
        current.save(update_fields=["status", "settled_on", "updated_at"])
        record_activity(
            target=current,
            type="repurchase.reversed",
            by=by,
            reason=reason,
            changes={"status": (before, current.status)},
            data={"entries": [str(e) for e in targets]},
        )
    return current


@in_site_language
def remind_deadlines(*, now: datetime.datetime | None = None) -> int:
    """The periodic job: tell the contract's recorder, once, when an open contract's deadline is
    ``REPURCHASE_REMIND_DAYS`` days away or less. Returns how many were reminded."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    horizon = today + datetime.timedelta(days=remind_days())
    due = RepurchaseContract.objects.filter(
        status=Status.OPEN, reminded_at__isnull=True, deadline__lte=horizon
    ).select_related("created_by")
    count = 0
    with transaction.atomic():
        for contract in due.select_for_update(of=("self",)):
            message = _(
                "Repurchase deadline %(day)s for contract %(number)s (%(asset)s): record the buy-back or the lapse."
            ) % {
                "day": contract.deadline.isoformat(),
                "number": contract.number,
                "asset": contract.asset,
            }
            notify_user(
                user=contract.created_by,
                message=message,
                key=f"repurchase-deadline-{contract.pk}",
                url=reverse("repurchase:detail", args=[contract.pk]),
                target=contract,
                sms=False,
            )
            contract.reminded_at = now
            contract.save(update_fields=["reminded_at", "updated_at"])
            count += 1
    return count
