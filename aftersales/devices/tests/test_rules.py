"""A fault opens exactly one proactive order (by the machine, coverage decided); thresholds and
maintenance intervals too; a cleared fault is noted; a finished order lets the cause open again."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from aftersales.accounts.choices import SystemActor
from aftersales.customers.models import Contact
from aftersales.devices.choices import Metric, RuleKind, TriggerState
from aftersales.devices.models import Rule, Trigger
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.tests.factories import make_device, message
from aftersales.devices.timeline import order_entries
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)


def _send(device, *messages):
    return ingest([Incoming(device.serial, json.dumps(list(messages)))])


def test_a_fault_opens_exactly_one_order_however_often_it_is_reported(now):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()
    fault = [{"code": "E101", "active": True}]

    first = _send(device, message(1, now, faults=fault), message(2, now + datetime.timedelta(seconds=10), faults=fault))
    again = _send(device, message(3, now + datetime.timedelta(seconds=20), faults=fault))
    resent = _send(device, message(1, now, faults=fault))

    assert len(first.orders_opened) == 1 and again.orders_opened == [] and resent.orders_opened == []
    order = ServiceOrder.objects.get()
    assert order.unit_id == device.bindings.get().unit_id
    assert order.created_by.system_kind == SystemActor.MACHINE
    assert order.kind == OrderKind.REPAIR
    assert order.warranty_reason  # the coverage decision was applied
    assert "E101" in order.description
    assert Trigger.objects.get().cause == "fault:E101"


def test_a_fault_clearing_is_noted_on_its_trigger(now):
    Rule.objects.create(name="E101", kind=RuleKind.FAULT, fault_code="E101")
    device = make_device()
    _send(device, message(1, now, faults=[{"code": "E101"}]))

    _send(device, message(2, now + datetime.timedelta(minutes=3), faults=[{"code": "E101", "active": False}]))

    assert Trigger.objects.get().cleared_at == now + datetime.timedelta(minutes=3)


def test_a_rule_for_one_code_ignores_others(now):
    Rule.objects.create(name="E101", kind=RuleKind.FAULT, fault_code="E101")
    device = make_device()

    report = _send(device, message(1, now, faults=[{"code": "E999"}]))

    assert report.orders_opened == [] and not ServiceOrder.objects.exists()


def test_a_finished_order_lets_the_same_fault_open_a_new_one(now):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()
    _send(device, message(1, now, faults=[{"code": "E101"}]))
    order = ServiceOrder.objects.get()
    ServiceOrder.objects.filter(pk=order.pk).update(status=OrderStatus.NEW)
    from aftersales.accounts.choices import Role
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.service.services import transition_order

    agent = UserFactory(role=Role.AGENT, service_center=order.service_center)
    transition_order(order, to=OrderStatus.CANCELLED, by=agent, reason="fixed by phone")

    report = _send(device, message(2, now + datetime.timedelta(minutes=1), faults=[{"code": "E101"}]))

    assert len(report.orders_opened) == 1
    assert list(Trigger.objects.order_by("pk").values_list("state", flat=True)) == [
        TriggerState.DONE,
        TriggerState.OPEN,
    ]


def test_a_reading_over_its_threshold_opens_one_order(now):
    Rule.objects.create(name="Hot", kind=RuleKind.THRESHOLD, metric=Metric.TEMPERATURE, threshold=Decimal("105"))
    device = make_device()

    below = _send(device, message(1, now, temp=100.0))
    over = _send(
        device,
        message(2, now + datetime.timedelta(seconds=5), temp=110.5),
        message(3, now + datetime.timedelta(seconds=9), temp=111.0),
    )

    assert below.orders_opened == [] and len(over.orders_opened) == 1
    assert Trigger.objects.get().data["value"] == 110.5


def test_engine_hours_reaching_the_interval_open_one_maintenance_order_per_milestone(now):
    rule = Rule.objects.create(name="500 h", kind=RuleKind.HOURS, interval_hours=500, order_kind=OrderKind.MAINTENANCE)
    device = make_device()

    _send(device, message(1, now, hours=499.5))
    _send(device, message(2, now + datetime.timedelta(minutes=1), hours=500.1))
    ServiceOrder.objects.update(status=OrderStatus.CLOSED)
    Trigger.objects.update(state=TriggerState.DONE)
    _send(device, message(3, now + datetime.timedelta(minutes=2), hours=620.0))  # same milestone, order closed
    _send(device, message(4, now + datetime.timedelta(minutes=3), hours=1000.0))

    causes = list(Trigger.objects.order_by("pk").values_list("cause", flat=True))
    assert causes == [f"hours:{rule.pk}:500", f"hours:{rule.pk}:1000"]
    assert set(ServiceOrder.objects.values_list("kind", flat=True)) == {OrderKind.MAINTENANCE}


def test_a_rule_for_another_product_model_does_not_fire(now):
    from aftersales.catalog.tests.factories import ProductModelFactory

    Rule.objects.create(name="Other model", kind=RuleKind.FAULT, product_model=ProductModelFactory())
    device = make_device()

    assert _send(device, message(1, now, faults=[{"code": "E1"}])).orders_opened == []


def test_an_unbound_device_opens_nothing(now):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device(bind=False)

    report = _send(device, message(1, now, faults=[{"code": "E1"}]))

    assert report.stored == 1 and report.orders_opened == []


def test_the_machine_report_and_the_fault_clearing_land_on_the_orders_timeline(now):
    Rule.objects.create(name="E101", kind=RuleKind.FAULT, fault_code="E101")
    Rule.objects.create(name="Hot", kind=RuleKind.THRESHOLD, metric=Metric.TEMPERATURE, threshold=Decimal("105"))
    Rule.objects.create(name="500 h", kind=RuleKind.HOURS, interval_hours=500, order_kind=OrderKind.MAINTENANCE)
    device = make_device()
    later = now + datetime.timedelta(minutes=3)
    _send(device, message(1, now, faults=[{"code": "E101"}], temp=110.0, hours=500.5))
    _send(device, message(2, later, faults=[{"code": "E101", "active": False}]))

    fault = Trigger.objects.get(cause="fault:E101")
    with translation.override("en"):
        titles = [(e.at, e.title, e.extra["day"]) for e in order_entries(fault.order)]
        others = {
            e.title for t in Trigger.objects.exclude(pk=fault.pk) for e in order_entries(t.order) if e.object == t
        }
    day = timezone.localtime(now).date().isoformat()
    assert titles == [
        (now, "Machine reported fault E101", day),
        (later, "Fault E101 cleared on the machine", timezone.localtime(later).date().isoformat()),
    ]
    assert others == {"Machine reading over its threshold", "Engine hours reached a maintenance interval"}


def test_a_fault_opens_its_order_when_the_primary_contact_was_taken_out_of_use(now):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()
    customer = device.bindings.get().unit.customer
    customer.contacts.update(in_use=False, is_primary=False)  # as set_contact_in_use leaves it
    Contact.objects.create(customer=customer, name="接替者", mobile="+8613700001111")

    result = _send(device, message(1, now, faults=[{"code": "E101", "active": True}]))

    assert len(result.orders_opened) == 1
    order = ServiceOrder.objects.get()
    assert (order.contact.name, order.reporter_phone) == ("接替者", "+8613700001111")
