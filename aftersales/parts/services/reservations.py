"""Reservations: parts set aside for an order, or awaited at a location while there are none.

A reservation that cannot be held now waits (``waiting``); the order shows what it waits for and
where from. A receipt or a transfer arriving at that location fills the waiting reservations, oldest
first, and tells the order's technician and the person who reserved (in-app and SMS, outbox)."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.text import in_site_language
from aftersales.notifications.services import notify_user
from aftersales.parts.choices import MoveKind, ReservationStatus
from aftersales.parts.models import Location, Part, Reservation
from aftersales.parts.permissions import can_take_from
from aftersales.parts.services.common import clean_quantity, require_location_in_scope
from aftersales.parts.services.ledger import post_move
from aftersales.parts.services.orders import require_open_order
from aftersales.service.models import ServiceOrder


def _hold(reservation: Reservation, *, by: User) -> None:
    post_move(
        kind=MoveKind.RESERVE,
        location=reservation.location,
        part=reservation.part,
        quantity=reservation.quantity,
        reserved=reservation.quantity,
        by=by,
        order=reservation.order,
    )


@transaction.atomic
def reserve_parts(
    *, by: User, order: ServiceOrder, part: Part, location: Location, quantity: object, wait: bool = False
) -> Reservation:
    """Set ``quantity`` of ``part`` aside at ``location`` for ``order``. Without enough available:
    409 ``insufficient_stock``, or with ``wait`` a waiting reservation (filled when the part arrives)."""
    order = require_open_order(order, by=by)
    require_location_in_scope(location, by=by)
    if not can_take_from(by, location):
        raise PermissionDeniedError("forbidden", _("You may not reserve parts at %(loc)s.") % {"loc": location})
    qty = clean_quantity(quantity, part=part)
    reservation = Reservation(
        order=order, part=part, location=location, quantity=qty, status=ReservationStatus.HELD, created_by=by
    )
    try:
        with transaction.atomic():
            _hold(reservation, by=by)
    except ConflictError:
        if not wait:
            raise
        reservation.status = ReservationStatus.WAITING
    reservation.save()
    return reservation


@transaction.atomic
def release_reservation(*, by: User, reservation: Reservation, reason: str = "") -> Reservation:
    """Give a held reservation back to stock (or drop a waiting one)."""
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    require_location_in_scope(locked.location, by=by)
    if not can_take_from(by, locked.location):
        raise NotFoundError("not_found", _("No such reservation."))
    if locked.status not in (ReservationStatus.HELD, ReservationStatus.WAITING):
        raise ConflictError("reservation_closed", _("This reservation was already issued or released."))
    return _release(locked, by=by, reason=reason)


def _release(locked: Reservation, *, by: User, reason: str) -> Reservation:
    """A locked held reservation back to stock (its release entry in the ledger), a waiting one dropped."""
    if locked.status == ReservationStatus.HELD:
        post_move(
            kind=MoveKind.RELEASE,
            location=locked.location,
            part=locked.part,
            quantity=locked.quantity,
            reserved=-locked.quantity,
            by=by,
            order=locked.order,
            reason=reason[:500],
        )
    locked.status = ReservationStatus.RELEASED
    locked.save(update_fields=["status", "updated_at"])
    return locked


def release_for_order(*, order: ServiceOrder, by: User, reason: str = "") -> list[Reservation]:
    """Give back everything still set aside for ``order`` (cancelled or closed): each held
    reservation goes back to stock with its own release entry in the ledger, each waiting one is
    dropped. Runs in the caller's transaction (the order's move); no permission check, the move was
    checked. Reservations already issued or released are left alone, so a second call writes nothing."""
    pending = Reservation.objects.select_for_update(of=("self",)).filter(
        order=order, status__in=(ReservationStatus.HELD, ReservationStatus.WAITING)
    )
    return [
        _release(reservation, by=by, reason=reason)
        for reservation in pending.select_related("location", "part", "order").order_by("pk")
    ]


def consume_held(*, order: ServiceOrder, part: Part, location: Location, quantity: Decimal) -> Decimal:
    """Mark the order's held reservations of ``part`` at ``location`` issued, up to ``quantity``;
    returns how much of it was reserved (the issue takes that much off ``reserved`` too)."""
    left = quantity
    used = Decimal(0)
    held = Reservation.objects.select_for_update().filter(
        order=order, part=part, location=location, status=ReservationStatus.HELD
    )
    for reservation in held.order_by("pk"):
        if reservation.quantity > left:
            continue
        reservation.status = ReservationStatus.ISSUED
        reservation.save(update_fields=["status", "updated_at"])
        left -= reservation.quantity
        used += reservation.quantity
    return used


def lock_waiting(*, location: Location, parts: Iterable[Part]) -> dict[int, list[Reservation]]:
    """For parts about to arrive at ``location`` (a receipt, a transfer in), before their stock rows are
    touched: the orders waiting for them there, locked by id (``FOR NO KEY UPDATE``, as
    ``orders.require_open_order``), then their waiting reservations; by part id, oldest first.

    The order in which cancelling (or closing) an order takes them: the order, its reservations
    (``release_for_order``), then the stock rows of those held. A receipt used to take its stock row,
    then the reservations, then, by the ledger entry referring to the order, the order: each waited for
    the other and PostgreSQL failed one of them (``tests/test_order_races.py``, found in the review of
    2026-12-07). A reservation that starts waiting after the orders were locked waits for the next
    arrival."""
    part_ids = {part.pk for part in parts}
    waiting = Reservation.objects.filter(location=location, part_id__in=part_ids, status=ReservationStatus.WAITING)
    order_ids = list(
        ServiceOrder.objects.select_for_update(no_key=True)
        .filter(pk__in=waiting.values("order_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = (
        waiting.filter(order_id__in=order_ids)
        .select_for_update(of=("self",))
        .select_related("order", "created_by", "order__technician")
        .order_by("pk")
    )
    by_part: dict[int, list[Reservation]] = {part_id: [] for part_id in part_ids}
    for reservation in locked:
        by_part[reservation.part_id].append(reservation)
    return by_part


def fill_waiting(*, waiting: list[Reservation], by: User) -> list[Reservation]:
    """Hold what can now be held of ``waiting`` (one part at one location, oldest first, locked by
    ``lock_waiting`` before the part's stock row was) and tell each order's people that their part has
    arrived."""
    filled = []
    for reservation in waiting:
        try:
            with transaction.atomic():
                _hold(reservation, by=by)
        except ConflictError:
            break
        reservation.status = ReservationStatus.HELD
        reservation.save(update_fields=["status", "updated_at"])
        filled.append(reservation)
        _tell_arrived(reservation)
    return filled


@in_site_language
def _tell_arrived(reservation: Reservation) -> None:
    order = reservation.order
    message = _("Part %(part)s for order %(number)s has arrived at %(location)s and is held for it.") % {
        "part": reservation.part.number,
        "number": order.number,
        "location": reservation.location.name,
    }
    people = {u.pk: u for u in (order.technician, reservation.created_by) if u is not None and not u.is_system}
    for user in people.values():
        notify_user(
            user=user,
            message=message,
            key=f"parts-reservation-{reservation.pk}-arrived-{user.pk}",
            url=reverse("service:order_detail", args=[order.pk]),
            target=order,
        )
