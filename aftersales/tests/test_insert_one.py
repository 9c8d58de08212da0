"""``core.bulk.insert_one``: the INSERT of a new instance written once per model (the order create and
every order event, benchmarks/README.md) writes what ``save()`` writes, column for column, and sends
the signals ``save()`` sends."""

import pytest
from django.db import connection, models
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core import bulk
from aftersales.core.bulk import insert_new, insert_one
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.service.models import OrderEvent
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def _columns(obj: models.Model) -> dict:
    skip = {"id", "created_at", "updated_at"}
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields if f.attname not in skip}


def _event(order, agent, **extra) -> OrderEvent:
    return OrderEvent(order=order, type="note", actor=agent, reason="客户来电催促", data={"k": [1, "二"]}, **extra)


def test_the_row_is_the_one_save_writes(centre):
    agent = UserFactory(role=Role.AGENT, service_center=centre)
    order = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    before = timezone.now()

    written = insert_one(_event(order, agent, from_status="new", to_status="accepted"))
    saved = _event(order, agent, from_status="new", to_status="accepted")
    saved.save()

    assert written.pk is not None and written.pk != saved.pk
    assert written._state.adding is False and written._state.db == "default"
    fresh = OrderEvent.objects.get(pk=written.pk)
    assert _columns(fresh) == _columns(OrderEvent.objects.get(pk=saved.pk))
    assert fresh.data == {"k": [1, "二"]}  # JSON through the field's own preparation
    assert before <= fresh.created_at <= timezone.now()  # auto_now_add through the field's pre_save
    assert written.created_at == fresh.created_at


def test_the_insert_is_written_once_and_sent_as_one_statement(centre):
    agent = UserFactory(role=Role.AGENT, service_center=centre)
    order = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    bulk._INSERTS.clear()

    with CaptureQueriesContext(connection) as first:
        insert_one(_event(order, agent))
    statement = bulk._INSERTS[(OrderEvent, connection.vendor)]
    with CaptureQueriesContext(connection) as second:
        insert_one(_event(order, agent))

    assert len(first) == len(second) == 1
    assert first.captured_queries[0]["sql"].startswith("INSERT INTO")
    assert bulk._INSERTS[(OrderEvent, connection.vendor)] is statement
    assert OrderEvent.objects.filter(order=order, type="note").count() == 2


def test_listeners_hear_what_save_tells_them(centre):
    agent = UserFactory(role=Role.AGENT, service_center=centre)
    order = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    heard = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", instance.pk, kwargs["raw"], kwargs["update_fields"]))

    def after(sender, instance, **kwargs):
        heard.append(("post", instance.pk, kwargs["created"], kwargs["using"]))

    pre_save.connect(before, sender=OrderEvent)
    post_save.connect(after, sender=OrderEvent)
    try:
        event = insert_one(_event(order, agent))
    finally:
        pre_save.disconnect(before, sender=OrderEvent)
        post_save.disconnect(after, sender=OrderEvent)

    assert heard == [("pre", None, False, None), ("post", event.pk, True, "default")]


def test_an_instance_with_its_key_set_goes_through_save(centre):
    agent = UserFactory(role=Role.AGENT, service_center=centre)
    order = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    taken = OrderEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    event = insert_one(_event(order, agent, id=taken + 1000))

    assert event.pk == taken + 1000
    assert OrderEvent.objects.filter(pk=taken + 1000, reason="客户来电催促").exists()


def _message(key: str, body: str = "hi") -> OutboxMessage:
    return OutboxMessage(channel="sms", recipient="+8613900001111", body=body, key=key, next_attempt_at=timezone.now())


def test_insert_new_writes_a_new_row_in_one_statement_and_nothing_for_a_taken_key():
    """``insert_new``: one INSERT … ON CONFLICT DO NOTHING (no read first, no savepoint); a key already
    there writes nothing, and the transaction goes on (a second statement runs)."""
    first = _message("k-1", body="first")
    with CaptureQueriesContext(connection) as new:
        assert insert_new(first, unique=("key",)) is True
    again = _message("k-1", body="second")
    with CaptureQueriesContext(connection) as taken:
        assert insert_new(again, unique=("key",)) is False

    assert [q["sql"].split(" ", 1)[0] for q in new.captured_queries] == ["INSERT"]
    assert "ON CONFLICT" in new.captured_queries[0]["sql"]
    assert len(taken) == 1
    assert first.pk is not None and first._state.adding is False
    assert again.pk is None and again._state.adding is True
    assert list(OutboxMessage.objects.values_list("key", "body")) == [("k-1", "first")]


def test_insert_new_without_the_one_statement_falls_back_to_a_savepoint(monkeypatch):
    monkeypatch.setattr(bulk, "_insert_new_sql", lambda *args: None)
    assert insert_new(_message("k-2", body="first"), unique=("key",)) is True
    assert insert_new(_message("k-2", body="second"), unique=("key",)) is False
    assert OutboxMessage.objects.get(key="k-2").body == "first"
    assert OutboxMessage.objects.count() == 1  # the transaction is still usable after the refusal
