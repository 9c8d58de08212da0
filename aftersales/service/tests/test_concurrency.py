"""Races that happen in a real after-sales department, proved on PostgreSQL's row locks.

Each test runs two (or more) threads, each on its own database connection, released together by a
barrier. The thread that has the lock holds it until the others are queued behind it (seen in
PostgreSQL's lock table, not guessed with a sleep): without the lock nobody would queue, each would
read the same state and all would "win".
"""

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder, Visit
from aftersales.service.services import add_photo, assign_technician, common, record_visit, update_order, visits
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_api_flow import png_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]


def hold_until_the_others_queue(threads: int) -> Any:
    """A pause for the thread past the lock: until every thread of the ``threads`` racing that has
    not been there yet is blocked behind it (a thread that locks the order again, within its own
    transaction, passes at once). The test's own thread (arranging the order) does not race."""
    arrived: set[int] = set()
    guard = threading.Lock()

    def pause() -> None:
        if threading.current_thread() is threading.main_thread():
            return
        with guard:
            arrived.add(threading.get_ident())
            waiting = threads - len(arrived)
        wait_until_blocking(waiting)

    return pause


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    real = common.lock_order
    pause = hold_until_the_others_queue(2)

    def lock_then_wait(order: ServiceOrder, **kwargs: Any) -> ServiceOrder:
        locked = real(order, **kwargs)
        pause()
        return locked

    for module in ("dispatch", "orders", "visits"):
        monkeypatch.setattr(f"aftersales.service.services.{module}.lock_order", lock_then_wait)


def test_two_dispatchers_assign_same_order_one_wins(centre, slow_lock):
    order = make_order(customer=CustomerFactory(service_center=centre))
    first, second = (UserFactory(role=Role.DISPATCHER, service_center=centre) for _ in range(2))
    tech_a, tech_b = (UserFactory(role=Role.TECHNICIAN, service_center=centre) for _ in range(2))

    results = run_together(
        lambda: assign_technician(ServiceOrder.objects.get(pk=order.pk), by=first, technician=tech_a),
        lambda: assign_technician(ServiceOrder.objects.get(pk=order.pk), by=second, technician=tech_b),
    )

    winners = [r for r in results if isinstance(r, ServiceOrder)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "already_assigned"
    order.refresh_from_db()
    assert order.technician_id == winners[0].technician_id
    assert order.status == OrderStatus.DISPATCHED
    assert OrderEvent.objects.filter(order=order, type=EventType.ASSIGNED).count() == 1


def test_two_edits_from_the_same_version_one_is_refused(centre, slow_lock):
    order = make_order(customer=CustomerFactory(service_center=centre))
    agent, dispatcher = (
        UserFactory(role=Role.AGENT, service_center=centre),
        UserFactory(role=Role.DISPATCHER, service_center=centre),
    )
    version = order.version

    results = run_together(
        lambda: update_order(order, by=agent, expected_version=version, changes={"priority": "high"}),
        lambda: update_order(order, by=dispatcher, expected_version=version, changes={"priority": "urgent"}),
    )

    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(conflicts) == 1 and conflicts[0].code == "stale_version", results
    order.refresh_from_db()
    assert order.version == version + 1
    assert OrderEvent.objects.filter(order=order, type=EventType.FIELDS_CHANGED).count() == 1


def test_two_technicians_arrive_on_one_order_one_visit_recorded_once_on_site(centre, slow_lock):
    """One record open at a time (``visit_open``): the technician and the helper arriving together
    record one visit, and the order goes on site once. Without the order's row lock both would find
    no open visit and both would write one."""
    order = make_order(customer=CustomerFactory(service_center=centre))
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    lead, helper = (UserFactory(role=Role.TECHNICIAN, service_center=centre) for _ in range(2))
    assign_technician(order, by=dispatcher, technician=lead, helpers=[helper])

    results = run_together(
        lambda: record_visit(ServiceOrder.objects.get(pk=order.pk), by=lead, diagnosis="A"),
        lambda: record_visit(ServiceOrder.objects.get(pk=order.pk), by=helper, diagnosis="B"),
    )

    recorded = [r for r in results if isinstance(r, Visit)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(recorded) == 1 and len(refused) == 1, results
    assert (refused[0].code, refused[0].extra["visit_id"]) == ("visit_open", recorded[0].pk)
    assert list(Visit.objects.filter(order=order).values_list("pk", flat=True)) == [recorded[0].pk]
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE
    moves = OrderEvent.objects.filter(order=order, type=EventType.STATUS_CHANGED, to_status=OrderStatus.ON_SITE)
    assert moves.count() == 1
    assert OrderEvent.objects.filter(order=order, type=EventType.VISIT_RECORDED).count() == 1


def test_a_double_tap_on_arrival_records_one_visit(centre, slow_lock):
    """QA, 2026-12-07: the same arrival sent twice at once (a retry, a double tap) made two drafts."""
    order = make_order(customer=CustomerFactory(service_center=centre))
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    assign_technician(order, by=UserFactory(role=Role.DISPATCHER, service_center=centre), technician=technician)

    results = run_together(
        *[lambda: record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician) for _ in range(2)]
    )

    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "Visit"], results
    assert [r.code for r in results if isinstance(r, ConflictError)] == ["visit_open"]
    assert Visit.objects.filter(order=order).count() == 1


def test_concurrent_intake_numbers_are_unique_and_gap_free(centre):
    customer = CustomerFactory(service_center=centre)
    agent = UserFactory(role=Role.AGENT, service_center=centre)

    results = run_together(*[lambda: make_order(by=agent, customer=customer, with_unit=False) for _ in range(8)])

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(r.number for r in results)
    assert len(set(numbers)) == 8
    tails = [int(n[-5:]) for n in numbers]
    assert tails == list(range(tails[0], tails[0] + 8))


def test_concurrent_photo_uploads_stop_exactly_at_the_order_limit(centre, settings, monkeypatch):
    """Four uploads at once to an order that holds at most two photos: two are added, two answer
    ``photo_limit``. The upload's cleaning (between the count and the insert) waits for the other
    uploads to queue, so without the order's row lock every upload counts zero photos and all four
    are added."""
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTOS_PER_ORDER": 2}
    order = make_order(customer=CustomerFactory(service_center=centre))
    agent = UserFactory(role=Role.AGENT, service_center=centre)
    real_clean = visits.clean_upload
    pause = hold_until_the_others_queue(4)

    def clean_then_wait(*args: Any, **kwargs: Any) -> Any:
        cleaned = real_clean(*args, **kwargs)
        pause()
        return cleaned

    monkeypatch.setattr(visits, "clean_upload", clean_then_wait)

    def upload() -> Attachment:
        return add_photo(ServiceOrder.objects.get(pk=order.pk), by=agent, file=SimpleUploadedFile("p.png", png_bytes()))

    results = run_together(*(upload for _ in range(4)))

    added = [r for r in results if isinstance(r, Attachment)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert (len(added), len(refused)) == (2, 2), results
    assert {r.code for r in refused} == {"photo_limit"}
    assert Attachment.objects.filter(order=order).count() == 2
