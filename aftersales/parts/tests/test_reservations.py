"""An order that is cancelled or closed keeps no part from the others: its held reservations go back
to stock (one release entry each in the ledger), its waiting ones are dropped."""

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import MoveKind, ReservationStatus
from aftersales.parts.models import Stock, StockMove
from aftersales.parts.services.reservations import release_for_order, release_reservation, reserve_parts
from aftersales.parts.services.stock import receive_stock
from aftersales.parts.tests.factories import stock_up
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, record_visit, transition_order
from aftersales.service.tests.factories import make_order, set_order_times

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(centre):
    technician = UserFactory(username="tech-sh", role=Role.TECHNICIAN, service_center=centre)
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=dispatcher, technician=technician)
    record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    return ServiceOrder.objects.get(pk=order.pk), technician, dispatcher


@pytest.fixture
def other(centre):
    return make_order(customer=CustomerFactory(service_center=centre))


def cancel(order, users):
    return transition_order(
        ServiceOrder.objects.get(pk=order.pk), to=OrderStatus.CANCELLED, by=users["manager"], reason="客户撤销"
    )


def releases(order):
    return StockMove.objects.filter(kind=MoveKind.RELEASE, order=order)


def test_cancelling_gives_the_last_part_to_another_order(job, other, keeper, shop, part, users):
    order, _, dispatcher = job
    stock_up(shop, part, 1, by=keeper)
    held = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1)
    with pytest.raises(ConflictError):
        reserve_parts(by=dispatcher, order=other, part=part, location=shop, quantity=1)

    cancel(order, users)

    held.refresh_from_db()
    assert held.status == ReservationStatus.RELEASED
    [move] = releases(order)
    assert (move.part, move.location, move.quantity, move.reason) == (part, shop, 1, "客户撤销")
    assert Stock.objects.get(location=shop, part=part).available == 1
    theirs = reserve_parts(by=dispatcher, order=other, part=part, location=shop, quantity=1)
    assert theirs.status == ReservationStatus.HELD


def test_a_cancelled_orders_waiting_reservation_is_not_filled(job, other, keeper, shop, part, users):
    order, _, dispatcher = job
    waiting = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1, wait=True)

    cancel(order, users)
    receive_stock(by=keeper, location=shop, part=part, quantity=1)

    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.RELEASED
    assert not releases(order).exists()  # nothing was held, nothing goes back
    assert Stock.objects.get(location=shop, part=part).available == 1


def test_an_already_released_reservation_is_not_released_again(job, other, keeper, shop, part, users):
    order, _, dispatcher = job
    stock_up(shop, part, 2, by=keeper)
    mine = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1)
    theirs = reserve_parts(by=dispatcher, order=other, part=part, location=shop, quantity=1)
    release_reservation(by=dispatcher, reservation=mine)

    cancel(order, users)
    assert release_for_order(order=ServiceOrder.objects.get(pk=order.pk), by=users["manager"]) == []

    assert releases(order).count() == 1
    stock = Stock.objects.get(location=shop, part=part)
    assert (stock.on_hand, stock.reserved) == (2, 1)  # the other order's part is still set aside
    theirs.refresh_from_db()
    assert theirs.status == ReservationStatus.HELD


def test_cancelling_twice_is_refused_and_releases_once(job, keeper, shop, part, users):
    order, _, dispatcher = job
    stock_up(shop, part, 1, by=keeper)
    reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1)
    cancel(order, users)

    with pytest.raises(ConflictError):
        cancel(order, users)

    assert releases(order).count() == 1
    assert Stock.objects.get(location=shop, part=part).reserved == 0


def test_closing_releases_what_was_not_used(job, keeper, shop, part, users):
    order, _, dispatcher = job
    stock_up(shop, part, 1, by=keeper)
    held = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1)
    order = set_order_times(order, status=OrderStatus.COMPLETED, completed_at=timezone.now())

    transition_order(order, to=OrderStatus.CLOSED, by=users["manager"])

    held.refresh_from_db()
    assert held.status == ReservationStatus.RELEASED
    assert releases(order).count() == 1
    assert Stock.objects.get(location=shop, part=part).available == 1
