"""What an order's reporter is told by SMS (``service.services.customer_sms``): received, technician
assigned, completed, due date moved — each once, signed with the company and ending with its hotline,
held through the night, never to a number that is not a mobile, none for a kind switched off."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import CompanyProfile
from aftersales.accounts.services import system_actor
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import CustomerSmsSwitch, OutboxMessage
from aftersales.notifications.services import switch_customer_sms
from aftersales.service import services
from aftersales.service.choices import EventType, OrderKind, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.services.customer_sms import tell_technician_assigned
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_api_visits import image_file

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORTER = "+8613900001111"
SIGNATURE = "【华东设备有限公司】"
HOTLINE = "客服热线：400 800 1234"


@pytest.fixture(autouse=True)
def company(db: Any) -> CompanyProfile:
    return CompanyProfile.objects.create(name="华东设备有限公司", hotline="400 800 1234")


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre)


@pytest.fixture
def technician(users: dict[str, Any]) -> Any:
    tech = users[Role.TECHNICIAN]
    tech.first_name, tech.last_name, tech.phone = "伟", "张", "+8613700009999"
    tech.save()
    return tech


def customer_sms(order: ServiceOrder) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="sms", recipient=order.reporter_phone).order_by("pk"))


def local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def signed(message: OutboxMessage) -> bool:
    return message.body.startswith(SIGNATURE) and message.body.endswith(HOTLINE)


def completed(order: ServiceOrder, technician: Any) -> ServiceOrder:
    visit = services.record_visit(order, by=technician, diagnosis="轴承磨损", work_done="更换轴承")
    services.sign_visit(visit, by=technician, signer_name="李四", image=image_file("signature.png"))
    return services.transition_order(ServiceOrder.objects.get(pk=order.pk), to=OrderStatus.COMPLETED, by=technician)


def test_an_order_taken_tells_the_reporter_its_number_and_when_we_call(users, customer):
    order = make_order(by=users[Role.AGENT], customer=customer, reporter_phone="139 0000 1111")

    [message] = customer_sms(order)
    assert (message.recipient, message.subject, message.key) == (
        REPORTER,
        order.number,
        f"order-{order.pk}-received-reporter-sms",
    )
    assert signed(message)
    assert order.number in message.body and local(order.respond_by) in message.body
    assert message.body.startswith(f"{SIGNATURE}您的服务工单")  # the site's language


def test_assigning_tells_the_technicians_name_never_their_phone(users, customer, technician):
    order = make_order(by=users[Role.AGENT], customer=customer)

    services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)

    event = OrderEvent.objects.get(order=order, type=EventType.ASSIGNED)
    [_received, message] = customer_sms(order)
    assert message.key == f"order-{order.pk}-event-{event.pk}-assigned-reporter-sms"
    assert signed(message) and "张伟" in message.body and order.number in message.body
    assert "137" not in message.body  # the technician's own mobile stays private


def test_reassigning_tells_the_new_name_and_changing_helpers_only_tells_nothing(users, customer, technician):
    order = make_order(by=users[Role.AGENT], customer=customer)
    order = services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    other = UserFactory(role=Role.TECHNICIAN, service_center=order.service_center, first_name="芳", last_name="王")

    order = services.assign_technician(order, by=users[Role.DISPATCHER], technician=other, reason="张伟请假")
    services.assign_technician(
        order, by=users[Role.DISPATCHER], technician=other, helpers=[technician], reason="需要帮手"
    )

    assert ["王芳" in m.body for m in customer_sms(order)] == [False, False, True]


def test_retrying_the_same_event_writes_no_second_message(users, customer, technician):
    order = services.assign_technician(
        make_order(by=users[Role.AGENT], customer=customer), by=users[Role.DISPATCHER], technician=technician
    )
    event = OrderEvent.objects.get(order=order, type=EventType.ASSIGNED)

    tell_technician_assigned(order, technician=technician, event=event)

    assert len(customer_sms(order)) == 2  # received, assigned: once


def test_completing_thanks_the_customer_and_gives_the_hotline(users, customer, technician):
    order = services.assign_technician(
        make_order(by=users[Role.AGENT], customer=customer), by=users[Role.DISPATCHER], technician=technician
    )

    order = completed(order, technician)

    event = OrderEvent.objects.get(order=order, type=EventType.STATUS_CHANGED, to_status=OrderStatus.COMPLETED)
    message = customer_sms(order)[-1]
    assert message.key == f"order-{order.pk}-event-{event.pk}-completed-reporter-sms"
    assert signed(message) and order.number in message.body and "感谢" in message.body


def test_an_extension_tells_the_new_date_not_the_dispatchers_reason(users, customer):
    order = make_order(by=users[Role.AGENT], customer=customer)

    order = services.extend_due(order, by=users[Role.DISPATCHER], working_days=2, reason="调度内部：厂家压货")

    event = OrderEvent.objects.get(order=order, type=EventType.DUE_EXTENDED)
    message = customer_sms(order)[-1]
    assert message.key == f"order-{order.pk}-event-{event.pk}-due-moved-reporter-sms"
    assert signed(message) and local(order.due_at) in message.body
    assert "厂家压货" not in message.body


def test_no_sms_when_the_reporter_gave_a_landline(users, customer, technician):
    order = make_order(by=users[Role.AGENT], customer=customer, reporter_phone="021 6123 4567")
    order = services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    services.extend_due(order, by=users[Role.DISPATCHER], working_days=1, reason="等待配件")

    assert not OutboxMessage.objects.filter(key__endswith="reporter-sms").exists()


def test_no_received_sms_for_an_order_nobody_reported_or_answered_on_the_call(users, customer):
    planned = make_order(by=system_actor("scheduler"), customer=customer, kind=OrderKind.MAINTENANCE)
    answered = make_order(
        by=users[Role.AGENT],
        customer=customer,
        kind=OrderKind.CONSULTATION,
        consultation_answer="请先复位。",
        close_now=True,
    )

    assert planned.pk and answered.status == OrderStatus.CLOSED
    assert not OutboxMessage.objects.filter(channel="sms").exists()


def test_a_kind_switched_off_is_not_sent_and_the_others_are(users, customer, technician):
    switch, _created = CustomerSmsSwitch.objects.get_or_create(kind="order_received")
    switch_customer_sms(by=users[Role.ADMIN], switch=switch, enabled=False)

    order = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)

    assert [m.key.split("-")[-3] for m in customer_sms(order)] == ["assigned"]


def test_a_change_rolled_back_leaves_no_sms(users, customer):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_order(by=users[Role.AGENT], customer=customer)
        raise RuntimeError("a later step of the caller fails")

    assert not OutboxMessage.objects.exists()


def test_an_order_taken_at_night_is_told_at_eight(users, customer, settings, monkeypatch):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": "21:00-08:00"}
    night = datetime.datetime(2026, 12, 7, 23, 40, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: night)

    order = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])

    morning = datetime.datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)
    assert [m.next_attempt_at for m in customer_sms(order)] == [morning, morning]
    # The technician's own notice and SMS are not held.
    staff = OutboxMessage.objects.exclude(key__endswith="reporter-sms")
    assert staff.exists() and all(m.next_attempt_at == night for m in staff)
