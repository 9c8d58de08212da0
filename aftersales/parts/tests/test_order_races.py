"""Parts written against an order at the moment the order is finished, proved on PostgreSQL's row locks.

The parts services check the order open (and the visit unsigned) under the order's row lock, the lock
that signing a visit, completing and cancelling take first. Each race lets one side pass its check and
hold there until the other is queued behind it (seen in ``pg_stat_activity``, not guessed with a
sleep). Without the lock nobody queues: the finishing side commits while the parts side holds, and
the parts land on a completed order (or a reservation stays held for a cancelled one).

Outcomes allowed: the parts are in and the order is completed after them, or the parts are refused;
never parts on an order completed before them.
"""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import OldPartFate, ReservationStatus
from aftersales.parts.models import Reservation, Stock, StockMove, VisitPart
from aftersales.parts.services import reservations
from aftersales.parts.services import stock as stock_services
from aftersales.parts.services import visits as parts_visits
from aftersales.parts.services.reservations import reserve_parts
from aftersales.parts.services.stock import receive_stock
from aftersales.parts.services.visits import IssueLine, use_parts
from aftersales.parts.tests.factories import PartFactory, stock_up, store
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.services import assign_technician, record_visit, sign_visit, transition_order
from aftersales.service.services import visits as service_visits
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_api_flow import png_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]
WAIT = 10.0  # seconds a side waits for the other to queue (it does at once when the lock is taken)


@pytest.fixture
def job(centre: Any) -> dict[str, Any]:
    """An order on site with an unsigned visit, a store with two bearings, its keeper."""
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=centre)
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=UserFactory(role=Role.DISPATCHER, service_center=centre), technician=technician)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    shop = store(centre)
    part = PartFactory()
    stock_up(shop, part, 2, by=keeper)
    return {"technician": technician, "keeper": keeper, "order": order, "visit": visit, "shop": shop, "part": part}


def holding(real: Callable[..., Any], *, passed: threading.Event) -> Callable[..., Any]:
    """``real`` that, in a racing thread, says it has passed and then holds until the other side is
    queued behind this thread's locks (at most ``WAIT`` seconds: without a lock nobody ever is)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread() and not passed.is_set():
            passed.set()
            wait_until_blocking(1, timeout=WAIT)
        return result

    return call


def after(event: threading.Event, call: Callable[[], Any]) -> Callable[[], Any]:
    def later() -> Any:
        event.wait(WAIT)
        return call()

    return later


def sign_and_complete(job: dict[str, Any]) -> Callable[[], ServiceOrder]:
    """The customer signs the record and the order is completed, in one go."""

    def finish() -> ServiceOrder:
        with transaction.atomic():
            image = SimpleUploadedFile("sig.png", png_bytes(), content_type="image/png")
            sign_visit(Visit.objects.get(pk=job["visit"].pk), by=job["technician"], signer_name="王五", image=image)
            order = ServiceOrder.objects.get(pk=job["order"].pk)
            return transition_order(order, to=OrderStatus.COMPLETED, by=job["technician"])

    return finish


def issue(job: dict[str, Any], by: str) -> Callable[[], list[VisitPart]]:
    """One bearing from the store (named: the keeper issues from the store he manages)."""

    def take() -> list[VisitPart]:
        line = IssueLine(
            part=job["part"], quantity=Decimal(1), location=job["shop"], old_part_fate=OldPartFate.SCRAPPED
        )
        return use_parts(by=job[by], visit=Visit.objects.get(pk=job["visit"].pk), lines=[line])

    return take


def assert_never_parts_on_a_completed_order(job: dict[str, Any], parts_result: Any) -> None:
    order = ServiceOrder.objects.get(pk=job["order"].pk)
    visit = Visit.objects.get(pk=job["visit"].pk)
    assert order.status == OrderStatus.COMPLETED and visit.signed_at is not None
    used = list(VisitPart.objects.filter(order=order))
    moves = StockMove.objects.filter(order=order, kind="issue")
    on_hand = Stock.objects.get(location=job["shop"], part=job["part"]).on_hand
    if isinstance(parts_result, ConflictError):  # refused: nothing written
        assert not used and not moves.exists() and on_hand == 2
    else:  # in, and the order completed (and the record signed) after them
        assert isinstance(parts_result, list), parts_result
        assert len(used) == 1 and moves.count() == 1 and on_hand == 1
        assert used[0].created_at < visit.signed_at <= order.completed_at


@pytest.mark.parametrize("by", ["technician", "keeper"])
def test_parts_checked_first_go_in_and_the_completion_waits_for_them(job, monkeypatch, by):
    """The issue has found the order open and the visit unsigned; the signature and the completion
    arrive then. They wait for the parts' lock: the parts are in, the order completed after them.
    Without the lock the completion commits while the issue holds, and the bearing goes onto a
    completed order under a signed record."""
    checked = threading.Event()
    real = parts_visits.require_unsigned_visit  # the issue's last check
    monkeypatch.setattr(parts_visits, "require_unsigned_visit", holding(real, passed=checked))

    completed, used = run_together(after(checked, sign_and_complete(job)), issue(job, by))

    assert isinstance(completed, ServiceOrder), completed
    assert isinstance(used, list), used
    assert_never_parts_on_a_completed_order(job, used)


@pytest.mark.parametrize("by", ["technician", "keeper"])
def test_parts_behind_a_completion_under_way_are_refused(job, monkeypatch, by):
    """The signature and the completion hold the order; the issue arrives then, waits for them and
    is refused (the order is completed). Without the lock the keeper's issue read the order still open
    and wrote (the technician's was stopped by the record's own lock, taken to name the parts on it)."""
    locked = threading.Event()
    monkeypatch.setattr(service_visits, "lock_order", holding(service_visits.lock_order, passed=locked))

    completed, refused = run_together(sign_and_complete(job), after(locked, issue(job, by)))

    assert isinstance(completed, ServiceOrder), completed
    assert isinstance(refused, ConflictError) and refused.code == "order_not_open", refused
    assert_never_parts_on_a_completed_order(job, refused)


def test_a_reservation_made_beside_a_cancellation_is_released_with_it(job, users, monkeypatch):
    """Cancelling releases what is held for the order (``release_for_order``). A reservation checked
    before the cancellation and written after it stayed held for a cancelled order, its stock set aside
    for good; under the lock the cancellation waits for it and releases it."""
    checked = threading.Event()
    monkeypatch.setattr(reservations, "require_open_order", holding(reservations.require_open_order, passed=checked))
    order = job["order"]

    def cancel() -> ServiceOrder:
        return transition_order(
            ServiceOrder.objects.get(pk=order.pk), to=OrderStatus.CANCELLED, by=users[Role.MANAGER], reason="客户撤销"
        )

    def reserve() -> Reservation:
        return reserve_parts(by=job["keeper"], order=order, part=job["part"], location=job["shop"], quantity=1)

    cancelled, reservation = run_together(after(checked, cancel), reserve)

    assert isinstance(cancelled, ServiceOrder) and isinstance(reservation, Reservation), (cancelled, reservation)
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.RELEASED
    assert Stock.objects.get(location=job["shop"], part=job["part"]).reserved == 0


# ---- a cancellation beside a receipt filling the order's waiting reservation ---------------------------
# Cancelling locks the order, then its reservations (``release_for_order``), then the stock rows of those
# held. A receipt locked the stock row, then the waiting reservations it fills, then (the ledger entry
# referring to the order, checked at commit) the order: the opposite order, and PostgreSQL broke the
# deadlock by failing one of the two (found in the review of 2026-12-07). Both now take the order first.


@pytest.fixture
def awaited(job: dict[str, Any]) -> dict[str, Any]:
    """A part the order waits for at the store (none there), and one of it already held for the order."""
    part = PartFactory()
    stock_up(job["shop"], part, 1, by=job["keeper"])
    held = reserve_parts(by=job["keeper"], order=job["order"], part=part, location=job["shop"], quantity=1)
    waiting = reserve_parts(
        by=job["keeper"], order=job["order"], part=part, location=job["shop"], quantity=1, wait=True
    )
    assert (held.status, waiting.status) == (ReservationStatus.HELD, ReservationStatus.WAITING)
    return {**job, "awaited": part, "held": held, "waiting": waiting}


def holding_before(real: Callable[..., Any], *, passed: threading.Event, queued: list[bool]) -> Callable[..., Any]:
    """``real`` that, in a racing thread, first says it got there and holds until the other side is queued
    behind this thread's locks (at most ``WAIT`` seconds; ``queued`` says whether it was), then runs."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread() and not passed.is_set():
            passed.set()
            queued.append(wait_until_blocking(1, timeout=WAIT))
        return real(*args, **kwargs)

    return call


def cancel_and_receive(awaited: dict[str, Any], manager: Any, passed: threading.Event) -> list[Any]:
    def cancel() -> ServiceOrder:
        order = ServiceOrder.objects.get(pk=awaited["order"].pk)
        return transition_order(order, to=OrderStatus.CANCELLED, by=manager, reason="客户撤销")

    def receive() -> StockMove:
        return receive_stock(by=awaited["keeper"], location=awaited["shop"], part=awaited["awaited"], quantity=1)

    return run_together(after(passed, cancel), receive)


def assert_cancelled_with_nothing_held(awaited: dict[str, Any], cancelled: Any, received: Any) -> None:
    assert isinstance(cancelled, ServiceOrder), cancelled  # not a "deadlock detected"
    assert isinstance(received, StockMove), received
    assert ServiceOrder.objects.get(pk=awaited["order"].pk).status == OrderStatus.CANCELLED
    statuses = set(Reservation.objects.filter(order=awaited["order"]).values_list("status", flat=True))
    assert statuses == {ReservationStatus.RELEASED}
    stock = Stock.objects.get(location=awaited["shop"], part=awaited["awaited"])
    assert (stock.on_hand, stock.reserved) == (2, 0)


@pytest.mark.parametrize("attempt", range(3))
def test_a_cancellation_beside_a_receipt_filling_the_waiting_reservation_both_go_through(
    awaited, users, monkeypatch, attempt
):
    """The receipt has its stock row and the waiting reservation and is about to hold the part for the
    order when the cancellation comes. Before, the cancellation held the order and waited for the
    reservation while the receipt, at its commit, waited for the order: PostgreSQL failed one of them."""
    passed, queued = threading.Event(), []
    hold = holding_before(reservations._hold, passed=passed, queued=queued)
    monkeypatch.setattr(reservations, "_hold", hold)

    cancelled, received = cancel_and_receive(awaited, users[Role.MANAGER], passed)

    assert queued == [True]  # the two met: the cancellation queued behind the receipt's locks
    assert_cancelled_with_nothing_held(awaited, cancelled, received)


@pytest.mark.parametrize("attempt", range(3))
def test_a_receipt_beside_a_cancellation_releasing_the_same_stock_both_go_through(awaited, users, monkeypatch, attempt):
    """The receipt has updated the stock row when the cancellation comes. Before, the cancellation held the
    order and its reservations and waited for the stock row (to release the held one) while the receipt
    waited for the waiting reservation: PostgreSQL failed one of them."""
    passed, queued = threading.Event(), []
    real = stock_services.post_move

    def post_move(**kwargs: Any) -> StockMove:
        move = real(**kwargs)
        if kwargs["kind"] == "receipt" and threading.current_thread() is not threading.main_thread():
            passed.set()
            queued.append(wait_until_blocking(1, timeout=WAIT))
        return move

    monkeypatch.setattr(stock_services, "post_move", post_move)

    cancelled, received = cancel_and_receive(awaited, users[Role.MANAGER], passed)

    assert queued == [True]  # the two met: the cancellation queued behind the receipt's locks
    assert_cancelled_with_nothing_held(awaited, cancelled, received)
