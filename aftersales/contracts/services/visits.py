"""Contract visits: generated from the plans' rules on the working-day calendar, their service
orders opened ahead of time, done when the order is completed, missed when not done in time.

The call-back after each visit is customer care's: closing the visit's order (a maintenance order)
schedules it through care's own rules (``care`` listens to ``order_status_changed``), so a visit
ends with its call-back without this app writing care's records.
"""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.services import system_actor
from aftersales.calendars.selectors import WorkingCalendar
from aftersales.contracts import config
from aftersales.contracts.choices import ContractStatus, VisitStatus
from aftersales.contracts.models import Contract, ContractVisit, VisitPlan
from aftersales.contracts.permissions import can_generate_visits
from aftersales.contracts.rules import rule_days
from aftersales.contracts.services.common import require
from aftersales.core.errors import DomainError
from aftersales.service.choices import Channel, OrderKind, OrderStatus, Resolution
from aftersales.service.models import ServiceOrder
from aftersales.service.services.orders import open_order

logger = logging.getLogger(__name__)
ONE_DAY = datetime.timedelta(days=1)


def working_day_on_or_after(day: datetime.date, calendar: WorkingCalendar | None = None) -> datetime.date:
    """``day`` when it is a working day, else the next working day (Chinese calendar with 调休)."""
    return (calendar or WorkingCalendar()).add_working_days(start=day - ONE_DAY, days=1).day


def _plan_visits(plan: VisitPlan, contract: Contract, calendar: WorkingCalendar) -> list[ContractVisit]:
    days = rule_days(plan.rule, starts_on=contract.starts_on, ends_on=contract.ends_on)
    return [
        ContractVisit(plan=plan, contract=contract, planned_on=day, due_on=working_day_on_or_after(day, calendar))
        for day in days
    ]


def generate_visits(*, contract: Contract | None = None, today: datetime.date | None = None) -> int:
    """Create the visits of one contract's plans (or of every live contract's) over the term; a
    visit already there is kept as it is, so running it twice creates nothing new. Returns how many
    were created."""
    today = today or timezone.localdate()
    contracts = (
        [contract]
        if contract is not None
        else Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__gte=today).prefetch_related("plans")
    )
    calendar = WorkingCalendar()
    created = 0
    for each in contracts:
        rows = [visit for plan in each.plans.all() for visit in _plan_visits(plan, each, calendar)]
        if not rows:
            continue
        before = ContractVisit.objects.filter(contract=each).count()
        ContractVisit.objects.bulk_create(rows, ignore_conflicts=True)
        created += ContractVisit.objects.filter(contract=each).count() - before
    return created


def _open_order_for(visit: ContractVisit, *, by: Any) -> ServiceOrder:
    contract = visit.contract
    unit = next(iter(contract.units.all()), None)
    text = _("%(plan)s of contract %(number)s, due %(day)s.") % {
        "plan": visit.plan.get_kind_display(),
        "number": contract.number,
        "day": visit.due_on.isoformat(),
    }
    checklist = visit.plan.checklist_items()
    if checklist:
        text += "\n" + "\n".join(f"- {item}" for item in checklist)
    # The contract's contact may have been taken out of use since (left the company): the visit then
    # goes to the customer's contact in use, the primary first (open_order refuses one out of use).
    contact = contract.contact
    if not contact.in_use:
        contact = contract.customer.contacts.in_use().order_by("-is_primary", "pk").first() or contact
    return open_order(
        by=by,
        kind=OrderKind.MAINTENANCE,
        customer=contract.customer,
        contact=contact if contact.in_use else None,
        reporter_name=contact.name,
        reporter_phone=contact.mobile,
        description=text,
        channel=Channel.API,
        resolution=Resolution.ON_SITE,
        unit=unit,
    )


def open_visit_orders(*, by: Any = None, today: datetime.date | None = None, contract: Contract | None = None) -> int:
    """Open the service order of every planned visit due within the lead time (in working days),
    each in its own transaction: a visit whose order cannot be opened is logged and tried again on
    the next run, the others go on."""
    by = by or system_actor("scheduler")
    require(can_generate_visits(by), _("Your role may not open contract visits."))
    today = today or timezone.localdate()
    horizon = WorkingCalendar().add_working_days(start=today, days=config.order_lead_working_days()).day
    due = ContractVisit.objects.filter(contract=contract) if contract is not None else ContractVisit.objects.all()
    visits = list(
        due.filter(
            status=VisitStatus.PLANNED,
            due_on__gte=today,
            due_on__lte=horizon,
            contract__status=ContractStatus.ACTIVE,
        )
        .select_related("plan", "contract__customer", "contract__contact")
        .prefetch_related("contract__units")
    )
    opened = 0
    for visit in visits:
        if not can_generate_visits(by, centre_id=visit.contract.service_center_id):
            continue
        try:
            with transaction.atomic():
                locked = ContractVisit.objects.select_for_update().get(pk=visit.pk)
                if locked.status != VisitStatus.PLANNED:
                    continue
                order = _open_order_for(visit, by=by)
                locked.order = order
                locked.status = VisitStatus.ORDERED
                locked.save(update_fields=["order", "status", "updated_at"])
                opened += 1
        except DomainError:
            logger.exception("contract visit %s: its order could not be opened", visit.pk)
    return opened


def mark_missed(*, today: datetime.date | None = None) -> int:
    """Visits not done by the configured number of working days after their day are missed."""
    today = today or timezone.localdate()
    cutoff = WorkingCalendar().working_days_before(day=today, days=config.missed_after_working_days())
    return ContractVisit.objects.filter(
        status__in=[VisitStatus.PLANNED, VisitStatus.ORDERED], due_on__lt=cutoff
    ).update(status=VisitStatus.MISSED, updated_at=timezone.now())


def generate_for_contract(contract: Contract, *, by: Any) -> dict[str, int]:
    """One contract's visits generated now (idempotent) and the orders due within the lead time
    opened by ``by`` (a manager or dispatcher of its centre)."""
    require(can_generate_visits(by, centre_id=contract.service_center_id), _("Your role may not open contract visits."))
    with transaction.atomic():
        created = generate_visits(contract=contract)
    return {"created": created, "orders_opened": open_visit_orders(by=by, contract=contract)}


def run_visit_sweep() -> int:
    """The periodic job ``contracts.visits``: generate, open the orders due, mark the missed."""
    today = timezone.localdate()
    generated = generate_visits(today=today)
    opened = open_visit_orders(today=today)
    missed = mark_missed(today=today)
    return generated + opened + missed


def on_status_changed(sender: Any, *, order: ServiceOrder, new_status: str, **kwargs: Any) -> None:
    """The visit's order completed: the visit is done; cancelled: the promised visit did not happen
    (missed). Runs in the order's transaction."""
    if order.kind != OrderKind.MAINTENANCE or new_status not in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        return
    if new_status == OrderStatus.COMPLETED:
        ContractVisit.objects.filter(order=order).exclude(status=VisitStatus.DONE).update(
            status=VisitStatus.DONE, done_at=timezone.now(), updated_at=timezone.now()
        )
    else:
        ContractVisit.objects.filter(order=order).exclude(status=VisitStatus.DONE).update(
            status=VisitStatus.MISSED, updated_at=timezone.now()
        )
