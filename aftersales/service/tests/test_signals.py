"""Domain events: another app observes order changes without an edit to the services, inside the
transaction of the change."""

from collections.abc import Iterator
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.signals import order_event_recorded, order_status_changed
from aftersales.service.tests.factories import make_order


@pytest.fixture
def received() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        # What a subscriber sees inside the transaction: the event row is already written.
        calls.append({**kwargs, "event_saved": OrderEvent.objects.filter(pk=kwargs["event"].pk).exists()})

    order_status_changed.connect(receiver, dispatch_uid="test.status")
    yield calls
    order_status_changed.disconnect(dispatch_uid="test.status")


@pytest.mark.django_db
def test_status_change_is_observed_with_old_and_new_status_and_actor(users, centre, received):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    received.clear()

    services.transition_order(order, to=OrderStatus.ACCEPTED, by=users[Role.AGENT])

    assert len(received) == 1
    call = received[0]
    assert (call["old_status"], call["new_status"]) == (OrderStatus.NEW, OrderStatus.ACCEPTED)
    assert call["order"].pk == order.pk and call["order"].status == OrderStatus.ACCEPTED
    assert call["actor"] == users[Role.AGENT]
    assert call["event"].type == EventType.STATUS_CHANGED and call["event_saved"]


@pytest.mark.django_db
def test_opening_an_order_is_a_status_change_from_nothing(users, centre, received):
    make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))

    assert [(c["old_status"], c["new_status"]) for c in received] == [("", OrderStatus.NEW)]


@pytest.mark.django_db
def test_every_event_is_announced_but_only_moves_as_status_changes(users, centre, received):
    events: list[str] = []

    def on_event(sender: Any, *, event: OrderEvent, **kwargs: Any) -> None:
        events.append(event.type)

    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    received.clear()
    order_event_recorded.connect(on_event, dispatch_uid="test.event")
    try:
        services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    finally:
        order_event_recorded.disconnect(dispatch_uid="test.event")

    assert events == [EventType.ASSIGNED, EventType.STATUS_CHANGED, EventType.STATUS_CHANGED]
    assert [(c["old_status"], c["new_status"]) for c in received] == [
        (OrderStatus.NEW, OrderStatus.ACCEPTED),
        (OrderStatus.ACCEPTED, OrderStatus.DISPATCHED),
    ]


@pytest.mark.django_db
def test_failing_receiver_rolls_the_change_back(users, centre):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    events_before = OrderEvent.objects.filter(order=order).count()

    def refuse(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("subscriber failed")

    order_status_changed.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError, match="subscriber failed"):
            services.transition_order(order, to=OrderStatus.ACCEPTED, by=users[Role.AGENT])
    finally:
        order_status_changed.disconnect(dispatch_uid="test.refuse")

    stored = ServiceOrder.objects.get(pk=order.pk)
    assert (stored.status, stored.version) == (OrderStatus.NEW, order.version)
    assert OrderEvent.objects.filter(order=order).count() == events_before
