"""An order closed while the due-date moves are applied is taken as it is then, proved on PostgreSQL.

The closing transaction holds the order's row lock; apply starts and waits on it (seen in
``pg_stat_activity``, not guessed with a sleep); the close commits; apply then reads the order as
cancelled and leaves it alone.
"""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from aftersales.accounts.choices import Role
from aftersales.calendars.services import set_calendar_day
from aftersales.core.tests.threads import wait_until_blocking
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.services import transition_order
from aftersales.service.services.due_moves import apply_due_date_moves
from aftersales.service.tests.factories import make_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_an_order_cancelled_while_apply_waits_is_not_moved(settings: Any, centre: Any, users: dict[str, Any]):
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 36500}
    customer = CustomerFactory(service_center=centre)
    received = datetime.datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI)
    cancelled = make_order(by=users[Role.AGENT], customer=customer, received_at=received)
    stays = make_order(by=users[Role.AGENT], customer=customer, received_at=received)
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=users[Role.ADMIN])
    due_before = cancelled.due_at
    result: list[Any] = []

    def apply() -> None:
        try:
            result.append(apply_due_date_moves(by=users[Role.ADMIN]))
        except Exception as exc:  # noqa: BLE001  (the test inspects it)
            result.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=apply)
    with transaction.atomic():
        transition_order(cancelled, to=OrderStatus.CANCELLED, by=users[Role.AGENT], reason="客户撤单")
        worker.start()
        waited = wait_until_blocking(1, timeout=20)  # apply is blocked on the cancelled order's row
    worker.join(timeout=30)
    assert waited, result

    (applied,) = result
    assert [move.order_id for move in applied.moves] == [stays.pk], applied
    cancelled.refresh_from_db()
    assert cancelled.status == OrderStatus.CANCELLED and cancelled.due_at == due_before
    assert not OrderEvent.objects.filter(order=cancelled, type=EventType.DUE_RECOMPUTED).exists()
    assert ServiceOrder.objects.get(pk=stays.pk).due_at > due_before
