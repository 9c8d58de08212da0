"""Importing historical service orders (issue 7 §4): closed and open orders from the system being
replaced, keeping their numbers and times.

``clean_imported_order`` checks one order and writes nothing; ``import_orders`` writes a batch of
checked orders in bulk with their events, and moves each day's number counter past the numbers
imported, so the next order taken on that day gets a fresh number. The intake window
(``AFTERSALES_RECEIVED_WITHIN_DAYS``) does not apply: history is old by nature; its times must still
carry a zone, lie in the past, and finish after they start.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import roles_of, roles_with
from aftersales.accounts.models import User
from aftersales.calendars.selectors import WorkingCalendar
from aftersales.core.bulk import insert_rows
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import DailyCounter
from aftersales.core.phones import normalize_phone
from aftersales.core.validation import Checks, choice_labels, require_aware, require_choice, require_text
from aftersales.coverage.selectors import coverage_prepared
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Unit
from aftersales.service.choices import Channel, EventType, OrderKind, OrderStatus, Priority, Resolution
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.permissions import can_import_orders
from aftersales.service.services.coverage import coverage_day, decide_order_coverage
from aftersales.service.sla import Deadlines, deadlines_for, policy_for

NUMBER_PREFIX = "SO"
NUMBER = re.compile(r"^SO([0-9]{8})([0-9]{5})$")
# The statuses an imported order may have: no visit is imported, so none that a visit makes.
IMPORT_STATUSES = (
    OrderStatus.NEW,
    OrderStatus.ACCEPTED,
    OrderStatus.DISPATCHED,
    OrderStatus.COMPLETED,
    OrderStatus.CLOSED,
    OrderStatus.CANCELLED,
)
FINISHED_STATUSES = (OrderStatus.COMPLETED, OrderStatus.CLOSED)
DIAGNOSIS_MAX_LENGTH = 5000


@dataclass(frozen=True)
class ImportedOrder:
    """An order checked by ``clean_imported_order``, ready for ``import_orders``."""

    number: str
    number_day: datetime.date
    sequence: int
    status: str
    kind: str
    resolution: str
    priority: str
    customer: Customer
    unit: Unit | None
    technician: User | None
    reporter_name: str
    reporter_phone: str
    description: str
    diagnosis: str
    received_at: datetime.datetime
    finished_at: datetime.datetime | None
    deadlines: Deadlines


def parse_number(number: str, *, field: str = "number") -> tuple[datetime.date, int]:
    """``SO`` + the day (yyyymmdd) + a 5-digit sequence, as ``next_number`` makes them."""
    match = NUMBER.match(number)
    day = None
    if match and int(match.group(2)) > 0:
        try:
            day = datetime.datetime.strptime(match.group(1), "%Y%m%d").date()  # noqa: DTZ007 - a date only
        except ValueError:
            day = None
    if match is None or day is None:
        raise ValidationFailed(
            "invalid_number",
            _("“%(number)s” is not an order number: write SO, the day (yyyymmdd) and 5 digits, e.g. SO2024030500012.")
            % {"number": number[:40]},
            field=field,
        )
    return day, int(match.group(2))


class DeadlineCache:
    """``deadlines_for`` once per (kind, resolution, local day of receipt), or rather per policy (kinds
    with the same limits share it) and day: the due and at-risk times depend on the day only (end of
    the N-th working day), the respond-by time on the hour, which is shifted per order. A batch of
    1,000 orders over a few weeks asks the calendar a few dozen times, not 1,000."""

    def __init__(self) -> None:
        self._known: dict[tuple[Any, datetime.date], tuple[datetime.datetime, Deadlines]] = {}
        # The policies and the calendar read once for the import, not once per row (each is a cache call).
        self._policies: dict[tuple[str, str], tuple[int, int | None, int]] = {}
        self._calendar: WorkingCalendar | None = None

    def __call__(self, *, kind: str, resolution: str, received_at: datetime.datetime) -> Deadlines:
        policy = self._policies.get((kind, resolution))
        if policy is None:
            policy = self._policies[(kind, resolution)] = policy_for(kind=kind, resolution=resolution)
        key = (policy, timezone.localtime(received_at).date())
        known = self._known.get(key)
        if known is None:
            if self._calendar is None:
                self._calendar = WorkingCalendar()
            deadlines = deadlines_for(
                kind=kind, resolution=resolution, received_at=received_at, calendar=self._calendar
            )
            known = (received_at, deadlines)
            self._known[key] = known
        first_received, deadlines = known
        if first_received == received_at:
            return deadlines
        shift = received_at - first_received
        respond_by = deadlines.respond_by + shift
        # Deadlines(...) rather than dataclasses.replace, which costs several times more per row.
        if deadlines.due_at == deadlines.respond_by:  # no working days (a consultation): due as it is answered
            return Deadlines(
                respond_by=respond_by,
                due_at=respond_by,
                at_risk_at=deadlines.at_risk_at + shift,
                warning=deadlines.warning,
            )
        return Deadlines(
            respond_by=respond_by, due_at=deadlines.due_at, at_risk_at=deadlines.at_risk_at, warning=deadlines.warning
        )


def _check_times(
    *, status: str | None, received_at: datetime.datetime | None, finished_at: datetime.datetime | None
) -> tuple[datetime.datetime, datetime.datetime | None]:
    """The call's and the finish's times; what the status asks of them only once the status is valid
    (``None``: refused already, so a wrong status does not add a wrong finish time)."""
    checks = Checks()
    received = checks.run(require_aware, received_at, field="received_at")
    finished = checks.run(require_aware, finished_at, field="finished_at")
    if received is None and not checks.failed("received_at"):
        checks.add(ValidationFailed("required", _("This field is required."), field="received_at"))
    limit = timezone.now() + datetime.timedelta(minutes=5)
    if received is not None and received > limit:
        checks.add(ValidationFailed("date_in_future", _("The call cannot be in the future."), field="received_at"))
    if checks.failed("finished_at"):
        pass
    elif finished is not None and finished > limit:
        checks.add(
            ValidationFailed("date_in_future", _("The order cannot be finished in the future."), field="finished_at")
        )
    elif finished is not None and received is not None and finished < received:
        checks.add(
            ValidationFailed(
                "finished_before_received",
                _("The order cannot be finished before it was received."),
                field="finished_at",
            )
        )
    elif status is None:
        pass
    elif status in FINISHED_STATUSES and finished is None:
        checks.add(
            ValidationFailed(
                "required", _("A completed or closed order needs the time it was finished."), field="finished_at"
            )
        )
    elif status not in (*FINISHED_STATUSES, OrderStatus.CANCELLED) and finished is not None:
        checks.add(
            ValidationFailed(
                "finished_but_open",
                _("An open order has no finish time; give its status as closed."),
                field="finished_at",
            )
        )
    checks.done()
    return cast(datetime.datetime, received), finished


def _check_technician(technician: User, *, status: str, centre_id: int) -> None:
    """The technician must be one the order could have been given to: a technician (by role) of the
    customer's centre, as dispatch asks (``dispatch._check_technician``), and still active for an
    order that is not finished. One who has left since may stay on a finished order: it is history.
    A new or accepted order has no technician yet: dispatching gives it one and makes it dispatched."""
    if not roles_of(technician) & roles_with("service.work_assigned"):
        raise ValidationFailed(
            "not_a_technician",
            _("%(name)s is not a technician.") % {"name": technician.get_username()},
            field="technician",
        )
    if technician.service_center_id != centre_id:
        raise ValidationFailed(
            "other_centre",
            _("%(name)s works for another service centre.") % {"name": technician.get_username()},
            field="technician",
        )
    if status in (OrderStatus.NEW, OrderStatus.ACCEPTED):
        raise ValidationFailed(
            "technician_not_dispatched",
            _("A new or accepted order has no technician yet: import it as dispatched, or leave the technician blank."),
            field="technician",
        )
    if status not in (*FINISHED_STATUSES, OrderStatus.CANCELLED) and not technician.is_active:
        raise ValidationFailed(
            "not_a_technician",
            _("%(name)s is not an active technician.") % {"name": technician.get_username()},
            field="technician",
        )


def clean_imported_order(
    *,
    by: User,
    number: str,
    kind: str,
    customer: Customer,
    description: str,
    received_at: datetime.datetime | None,
    status: str = OrderStatus.CLOSED,
    resolution: str = Resolution.ON_SITE,
    priority: str = Priority.NORMAL,
    unit: Unit | None = None,
    technician: User | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    diagnosis: str = "",
    finished_at: datetime.datetime | None = None,
    number_taken: Callable[[str], bool] | None = None,
    deadlines: Callable[..., Deadlines] = deadlines_for,
) -> ImportedOrder:
    """Every check of one historical order, writing nothing. ``number_taken(number)`` answers
    whether an order has that number already (an import passes its batch's numbers read in one
    query); ``deadlines`` computes the SLA times (an import passes a ``DeadlineCache``). Every field's
    problem is found, the first raised with the others in its ``errors`` (``Checks``)."""
    if not can_import_orders(by):
        raise PermissionDeniedError("forbidden", _("Your role may not import service orders."))
    if not can_import_orders(by, centre_id=customer.service_center_id):
        raise NotFoundError("not_found", _("No such customer."), field="customer_id")
    checks = Checks()
    number = (number or "").strip().upper()
    parsed = None
    if not number:
        checks.add(ValidationFailed("required", _("This field is required."), field="number"))
    else:
        parsed = checks.run(parse_number, number)
    if parsed is not None:
        taken = number_taken(number) if number_taken else ServiceOrder.objects.filter(number=number).exists()
        if taken:
            checks.add(
                ConflictError(
                    "duplicate_number", _("Order %(number)s exists already.") % {"number": number}, field="number"
                )
            )
    if status not in OrderStatus.values:  # the statuses an import takes, not those only a visit makes
        allowed = choice_labels(OrderStatus, IMPORT_STATUSES, with_codes=True)
        checks.add(
            ValidationFailed("invalid_choice", _("Must be one of: %(allowed)s.") % {"allowed": allowed}, field="status")
        )
    elif status not in IMPORT_STATUSES:
        checks.add(
            ValidationFailed(
                "invalid_choice",
                _("Orders on site or waiting cannot be imported: import them as accepted or dispatched."),
                field="status",
            )
        )
    checks.run(require_choice, kind, field="kind", choices=OrderKind)
    checks.run(require_choice, resolution, field="resolution", choices=Resolution)
    checks.run(require_choice, priority, field="priority", choices=Priority)
    if unit is not None and unit.customer_id != customer.pk:
        checks.add(ValidationFailed("wrong_unit", _("The unit belongs to another customer."), field="unit_id"))
    if status == OrderStatus.DISPATCHED and technician is None:
        checks.add(ValidationFailed("not_assigned", _("A dispatched order needs its technician."), field="technician"))
    if technician is not None:
        checks.run(_check_technician, technician, status=status, centre_id=customer.service_center_id)
    times = checks.run(
        _check_times,
        status=None if checks.failed("status") else status,
        received_at=received_at,
        finished_at=finished_at,
    )
    clean_reporter = checks.run(require_text, reporter_name or customer.name, field="reporter_name", max_length=100)
    phone = checks.run(normalize_phone, reporter_phone, field="reporter_phone") if reporter_phone.strip() else ""
    clean_description = checks.run(require_text, description, field="description", max_length=5000)
    clean_diagnosis = checks.run(
        require_text, diagnosis, field="diagnosis", max_length=DIAGNOSIS_MAX_LENGTH, required=False
    )
    checks.done()
    number_day, sequence = cast(tuple[datetime.date, int], parsed)
    received, finished = cast(tuple[datetime.datetime, datetime.datetime | None], times)
    return ImportedOrder(
        number=number,
        number_day=number_day,
        sequence=sequence,
        status=status,
        kind=kind,
        resolution=resolution,
        priority=priority,
        customer=customer,
        unit=unit,
        technician=technician,
        reporter_name=clean_reporter or "",
        reporter_phone=phone or "",
        description=clean_description or "",
        diagnosis=clean_diagnosis or "",
        received_at=received,
        finished_at=finished,
        deadlines=deadlines(kind=kind, resolution=resolution, received_at=received),
    )


def _order_row(item: ImportedOrder, *, by: User, now: datetime.datetime) -> dict[str, Any]:
    """The order's columns (``core.bulk.insert_rows``: no instance is built); the others take the
    model's defaults, as a new ``ServiceOrder`` would."""
    warranty = decide_order_coverage(unit=item.unit, on=coverage_day(item.received_at), kind=item.kind)
    finished = item.finished_at
    return {
        "number": item.number,
        "status": item.status,
        "channel": Channel.HOTLINE,
        "kind": item.kind,
        "resolution": item.resolution,
        "priority": item.priority,
        "service_center_id": item.customer.service_center_id,
        "customer_id": item.customer.pk,
        "site_id": item.unit.site_id if item.unit else None,
        "unit_id": item.unit.pk if item.unit else None,
        "reporter_name": item.reporter_name,
        "reporter_phone": item.reporter_phone,
        "description": item.description,
        "received_at": item.received_at,
        "respond_by": item.deadlines.respond_by,
        # History does not say when someone first answered; an order past "new" was answered.
        "responded_at": None if item.status == OrderStatus.NEW else item.received_at,
        "due_at": item.deadlines.due_at,
        "at_risk_at": item.deadlines.at_risk_at,
        "calendar_warning": item.deadlines.warning[:255],
        "completed_at": finished if item.status in FINISHED_STATUSES else None,
        "closed_at": finished if item.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED) else None,
        "warranty_covered": warranty.covered,
        "warranty_reason": warranty.reason,
        "warranty_detail": warranty.detail[:500],
        "warranty_until": warranty.until,
        "warranty_decided_at": now,
        "technician_id": item.technician.pk if item.technician else None,
        "created_by_id": by.pk,
    }


def _events(item: ImportedOrder, order: dict[str, Any], order_id: int, *, by: User) -> list[dict[str, Any]]:
    """The imported order's timeline: its creation (with the warranty and the diagnosis) at the time
    it was received and, past "new", its status at the time it finished (or was received). Both are
    marked ``imported`` (the timeline shows 导入) and dated as the history says."""
    created: dict[str, Any] = {
        "imported": True,
        "warranty": {
            "covered": order["warranty_covered"],
            "reason": order["warranty_reason"],
            "detail": order["warranty_detail"],
        },
    }
    if item.diagnosis:
        created["diagnosis"] = item.diagnosis
    if item.technician is not None:
        created["technician"] = {"id": item.technician.pk, "name": str(item.technician)}
    events = [
        {
            "order_id": order_id,
            "type": EventType.CREATED,
            "actor_id": by.pk,
            "to_status": OrderStatus.NEW,
            "data": created,
            "created_at": item.received_at,
        }
    ]
    if item.status != OrderStatus.NEW:
        events.append(
            {
                "order_id": order_id,
                "type": EventType.STATUS_CHANGED,
                "actor_id": by.pk,
                "from_status": OrderStatus.NEW,
                "to_status": item.status,
                "data": {"imported": True},
                "created_at": order["closed_at"] or order["completed_at"] or item.received_at,
            }
        )
    return events


def bump_counters(numbers: Iterable[tuple[datetime.date, int]], *, prefix: str = NUMBER_PREFIX) -> None:
    """Move each day's counter to at least the highest sequence imported for it, so ``next_number``
    continues after them (one statement per batch; a counter already further stays)."""
    highest: dict[datetime.date, int] = {}
    for day, sequence in numbers:
        highest[day] = max(sequence, highest.get(day, 0))
    if not highest:
        return
    table = DailyCounter._meta.db_table
    values = ", ".join(["(%s, %s, %s)"] * len(highest))
    params: list[Any] = []
    for day, sequence in sorted(highest.items()):
        params += [prefix, day, sequence]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES {values} "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (prefix, day) DO UPDATE SET value = CASE WHEN {table}.value > excluded.value "
            f"THEN {table}.value ELSE excluded.value END",
            params,
        )


@transaction.atomic
def import_orders(*, by: User, orders: list[ImportedOrder]) -> list[int]:
    """Write checked historical orders in bulk and return their ids: the orders, their events dated
    as the history says, and the day counters past their numbers. No notice leaves and no signal
    fires: nobody is told today about a repair of three years ago."""
    now = timezone.now()
    with coverage_prepared(item.unit for item in orders):
        rows = [_order_row(item, by=by, now=now) for item in orders]
    ids = insert_rows(ServiceOrder, rows)
    insert_rows(
        OrderEvent,
        [
            event
            for item, row, order_id in zip(orders, rows, ids, strict=True)
            for event in _events(item, row, order_id, by=by)
        ],
    )
    bump_counters((item.number_day, item.sequence) for item in orders)
    return ids
