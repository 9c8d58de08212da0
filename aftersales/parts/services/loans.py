"""Turnover spares (周转备件, domain.md §13 3.6): a serialised spare lent to a customer while their part
or unit is repaired, tracked until it comes back, inspected, repaired and restocked. Overdue loans are
those still out after their due day."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.parts.choices import LoanStatus, MoveKind
from aftersales.parts.models import Loan, Location, Part
from aftersales.parts.services.common import lock_in_status, require_manages
from aftersales.parts.services.ledger import post_move
from aftersales.parts.services.orders import require_open_order
from aftersales.service.models import ServiceOrder

ONE = Decimal(1)
LOAN_DAYS_MAX = 365


@transaction.atomic
def lend_spare(
    *, by: User, part: Part, serial: str, location: Location, order: ServiceOrder, due_back: datetime.date
) -> Loan:
    """Lend the turnover spare ``serial`` of ``part`` from ``location`` for ``order`` until ``due_back``."""
    require_manages(location, by=by)
    order = require_open_order(order, by=by)
    if not part.turnover:
        raise ValidationFailed(
            "not_turnover", _("%(part)s is not a turnover spare.") % {"part": part.number}, field="part_id"
        )
    serial = (serial or "").strip()[:60]
    if not serial:
        raise ValidationFailed("required", _("A turnover spare is lent by its serial number."), field="serial")
    today = timezone.localdate()
    if not today <= due_back <= today + datetime.timedelta(days=LOAN_DAYS_MAX):
        raise ValidationFailed("out_of_range", _("Due back from today to a year from now."), field="due_back")
    if Loan.objects.filter(part=part, serial=serial, status=LoanStatus.OUT).exists():
        raise ConflictError("already_lent", _("This spare is lent out already."), field="serial")
    post_move(
        kind=MoveKind.LOAN_OUT,
        location=location,
        part=part,
        quantity=ONE,
        on_hand=-ONE,
        by=by,
        order=order,
        serial=serial,
    )
    return Loan.objects.create(
        number=next_number(prefix="TL", day=today, width=4),
        part=part,
        serial=serial,
        location=location,
        order=order,
        lent_at=timezone.now(),
        due_back=due_back,
        created_by=by,
    )


@transaction.atomic
def return_spare(*, by: User, loan: Loan) -> Loan:
    """The spare comes back: held as defective at its location until inspected."""
    loan = lock_in_status(loan, status=LoanStatus.OUT, related=("part", "location"))
    require_manages(loan.location, by=by)
    post_move(
        kind=MoveKind.LOAN_RETURN,
        location=loan.location,
        part=loan.part,
        quantity=ONE,
        defective=ONE,
        by=by,
        order=loan.order,
        serial=loan.serial,
    )
    loan.status = LoanStatus.BACK
    loan.returned_at = timezone.now()
    loan.save(update_fields=["status", "returned_at", "updated_at"])
    return loan


@transaction.atomic
def inspect_spare(*, by: User, loan: Loan, usable: bool, note: str) -> Loan:
    """After inspection (and repair), restock the spare, or scrap it."""
    loan = lock_in_status(loan, status=LoanStatus.BACK, related=("part", "location"))
    require_manages(loan.location, by=by)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("required", _("Say what the inspection found."), field="note")
    post_move(
        kind=MoveKind.RESTOCK if usable else MoveKind.SCRAP,
        location=loan.location,
        part=loan.part,
        quantity=ONE,
        defective=-ONE,
        on_hand=ONE if usable else Decimal(0),
        by=by,
        serial=loan.serial,
        reason=note[:500],
    )
    loan.status = LoanStatus.RESTOCKED if usable else LoanStatus.SCRAPPED
    loan.inspection = note[:500]
    loan.save(update_fields=["status", "inspection", "updated_at"])
    return loan


def overdue_loans(loans: QuerySet[Loan], *, today: datetime.date | None = None) -> QuerySet[Loan]:
    return loans.filter(status=LoanStatus.OUT, due_back__lt=today or timezone.localdate()).order_by("due_back", "id")
