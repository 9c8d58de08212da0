"""A calendar change moves open orders' due dates on purpose: the preview, apply, and who may do what.

Dates are fixed (November 2026 has no statutory holiday in the bundled calendar), so each expected
due date can be counted by hand; the intake window is widened so the dates stay acceptable later.
"""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.calendars.selectors import bundled_years
from aftersales.calendars.services import mark_year_entered, remove_calendar_day, set_calendar_day
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.service.choices import EventType, OrderKind, OrderStatus, Resolution
from aftersales.service.due_moves import EARLIER, LATER, due_date_moves
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.services import extend_due, transition_order
from aftersales.service.services.due_moves import apply_due_date_moves
from aftersales.service.sla import deadlines_for
from aftersales.service.tests.factories import make_order
from aftersales.service.timeline import due_recomputed

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime.datetime:
    return local(year, month, day, 17, 30)


@pytest.fixture(autouse=True)
def _wide_intake_window(settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 36500}


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre, name="上海冷链")


@pytest.fixture
def admin(users: dict[str, Any]) -> Any:
    return users[Role.ADMIN]


def order_on(users: dict[str, Any], customer: Any, when: datetime.datetime, **kwargs: Any) -> ServiceOrder:
    return make_order(by=users[Role.AGENT], customer=customer, received_at=when, **kwargs)


def sms_for(order: ServiceOrder) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__startswith=f"order-{order.pk}-event-", channel="sms"))


# ---- the preview ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_preview_is_empty_on_the_calendar_the_orders_were_taken_on(users, customer):
    """Every kind, resolution and an extension: recomputed on an unchanged calendar, nothing moves."""
    for kind in OrderKind.values:
        order_on(users, customer, local(2026, 11, 5), kind=kind)
    order_on(users, customer, local(2026, 11, 6, 23, 30), resolution=Resolution.RETURN_TO_FACTORY)
    order_on(users, customer, local(2026, 11, 7, 8, 0), kind=OrderKind.COMPLAINT)  # a Saturday
    extended = order_on(users, customer, local(2026, 11, 9))
    extend_due(extended, by=users[Role.DISPATCHER], working_days=4, reason="等配件")
    consultation = order_on(users, customer, local(2026, 11, 9), kind=OrderKind.CONSULTATION)
    extend_due(consultation, by=users[Role.DISPATCHER], working_days=2, reason="回访")

    assert due_date_moves(user=users[Role.ADMIN]).moves == []


@pytest.mark.django_db
def test_holiday_added_inside_the_window_moves_the_due_date_later(users, customer, admin):
    # Thu 5 Nov, 7 working days: Fri 6, Mon 9 … Fri 13, Mon 16 → due Mon 16 17:30, at risk Fri 13.
    inside = order_on(users, customer, local(2026, 11, 5))
    after = order_on(users, customer, local(2026, 11, 11))  # counts from Thu 12: the holiday is before it
    assert inside.due_at == end_of(2026, 11, 16)
    due_after = after.due_at

    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", name="公司假", by=admin)
    preview = due_date_moves(user=admin)

    assert [move.order_id for move in preview.moves] == [inside.pk]
    move = preview.moves[0]
    assert (move.old_due_at, move.new_due_at) == (end_of(2026, 11, 16), end_of(2026, 11, 17))
    assert (move.old_at_risk_at, move.new_at_risk_at) == (end_of(2026, 11, 13), end_of(2026, 11, 16))
    assert move.direction == LATER and move.number == inside.number and move.customer_name == "上海冷链"
    assert (preview.count, preview.later, preview.earlier) == (1, 1, 0)
    after.refresh_from_db()
    inside.refresh_from_db()
    assert after.due_at == due_after and inside.due_at == end_of(2026, 11, 16)  # the preview writes nothing


@pytest.mark.django_db
def test_removing_a_holiday_moves_the_due_date_earlier(users, customer, admin):
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    order = order_on(users, customer, local(2026, 11, 5))
    assert order.due_at == end_of(2026, 11, 17)

    remove_calendar_day(day=datetime.date(2026, 11, 10), by=admin)
    (move,) = due_date_moves(user=admin).moves

    assert move.order_id == order.pk and move.direction == EARLIER
    assert move.new_due_at == end_of(2026, 11, 16)


@pytest.mark.django_db
def test_a_working_weekend_moves_the_due_date_earlier(users, customer, admin):
    order = order_on(users, customer, local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 7), kind="workday", name="调休", by=admin)

    (move,) = due_date_moves(user=admin).moves

    assert move.order_id == order.pk and move.new_due_at == end_of(2026, 11, 13)


def due_in_2027(users: dict[str, Any], customer: Any) -> ServiceOrder:
    """Exchange, 15 working days from Thu 3 Dec → Thu 24 Dec; extended by 10 → Thu 7 Jan 2027 on the
    weekday rule (Fri 1 Jan counted as worked), with the no-calendar warning."""
    if 2027 in bundled_years():
        pytest.skip("the bundled calendar covers 2027: entering it is no longer the case tested here")
    order = order_on(users, customer, local(2026, 12, 3), kind=OrderKind.EXCHANGE)
    order = extend_due(order, by=users[Role.DISPATCHER], working_days=10, reason="返厂等待")
    assert order.due_at == end_of(2027, 1, 7) and order.calendar_warning
    return order


@pytest.mark.django_db
def test_new_years_calendar_moves_an_extended_order_and_clears_its_warning(users, customer, admin):
    order = due_in_2027(users, customer)

    set_calendar_day(day=datetime.date(2027, 1, 1), kind="holiday", name="元旦", by=admin)
    mark_year_entered(year=2027, note="国务院办公厅通知", by=admin)
    (move,) = due_date_moves(user=admin).moves

    assert move.order_id == order.pk and move.direction == LATER
    assert move.new_due_at == end_of(2027, 1, 8)
    assert move.warning_cleared and move.new_warning == ""


@pytest.mark.django_db
def test_year_entered_with_no_day_changed_clears_only_the_warning(users, customer, admin):
    order = due_in_2027(users, customer)

    mark_year_entered(year=2027, by=admin)
    (move,) = due_date_moves(user=admin).moves
    messages = OutboxMessage.objects.count()
    applied = apply_due_date_moves(by=admin)

    assert move.new_due_at == move.old_due_at and move.warning_cleared
    order.refresh_from_db()
    assert order.calendar_warning == "" and order.due_at == end_of(2027, 1, 7)
    assert applied.customers_told == 0 and OutboxMessage.objects.count() == messages


@pytest.mark.django_db
def test_closed_and_cancelled_orders_are_not_listed_nor_touched(users, customer, admin):
    cancelled = order_on(users, customer, local(2026, 11, 5))
    transition_order(cancelled, to=OrderStatus.CANCELLED, by=users[Role.AGENT], reason="客户撤单")
    closed = order_on(
        users, customer, local(2026, 11, 5), kind=OrderKind.CONSULTATION, consultation_answer="已答复", close_now=True
    )
    cancelled_due = ServiceOrder.objects.get(pk=cancelled.pk).due_at

    set_calendar_day(day=datetime.date(2026, 11, 6), kind="holiday", by=admin)

    assert due_date_moves(user=admin).moves == []
    assert apply_due_date_moves(by=admin).count == 0
    assert ServiceOrder.objects.get(pk=cancelled.pk).due_at == cancelled_due
    assert not OrderEvent.objects.filter(order__in=[cancelled, closed], type=EventType.DUE_RECOMPUTED).exists()


@pytest.mark.django_db
def test_preview_lists_only_the_orders_the_user_may_see(users, customer, other_centre, admin):
    mine = order_on(users, customer, local(2026, 11, 5))
    other_customer = CustomerFactory(service_center=other_centre)
    theirs = make_order(
        by=UserFactory(role=Role.AGENT, service_center=other_centre),
        customer=other_customer,
        received_at=local(2026, 11, 5),
    )
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)

    assert [m.order_id for m in due_date_moves(user=users[Role.MANAGER]).moves] == [mine.pk]
    assert {m.order_id for m in due_date_moves(user=admin).moves} == {mine.pk, theirs.pk}


@pytest.mark.django_db
def test_preview_queries_do_not_grow_with_orders(users, customer, admin):
    order_on(users, customer, local(2026, 11, 5))
    order_on(users, customer, local(2026, 11, 5), kind=OrderKind.EXCHANGE)
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    with CaptureQueriesContext(connection) as few:
        assert due_date_moves(user=admin).count == 2
    remove_calendar_day(day=datetime.date(2026, 11, 10), by=admin)
    for day in (2, 3, 4, 5, 6, 9):
        for kind in (OrderKind.REPAIR, OrderKind.EXCHANGE, OrderKind.INSTALLATION):
            order_on(users, customer, local(2026, 11, day), kind=kind)
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    with CaptureQueriesContext(connection) as many:
        assert due_date_moves(user=admin).count > 10
    assert len(many.captured_queries) == len(few.captured_queries) <= 4


# ---- apply ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_apply_moves_records_old_and_new_and_tells_the_customer_when_later(users, customer, admin):
    later = order_on(users, customer, local(2026, 11, 5))  # due Mon 16 → Tue 17 after the holiday on 10th
    set_calendar_day(day=datetime.date(2026, 11, 20), kind="holiday", by=admin)
    earlier = order_on(users, customer, local(2026, 11, 12))  # Fri 13 … skips Fri 20 → due Tue 24
    assert earlier.due_at == end_of(2026, 11, 24)
    remove_calendar_day(day=datetime.date(2026, 11, 20), by=admin)
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    versions = {later.pk: later.version, earlier.pk: earlier.version}

    applied = apply_due_date_moves(by=admin, reason="公司假")

    assert (applied.count, applied.customers_told) == (2, 1)
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.due_at == end_of(2026, 11, 17) and later.at_risk_at == end_of(2026, 11, 16)
    assert earlier.due_at == end_of(2026, 11, 23)
    assert later.version == versions[later.pk] + 1 and earlier.version == versions[earlier.pk] + 1
    event = OrderEvent.objects.get(order=later, type=EventType.DUE_RECOMPUTED)
    assert event.actor == admin and event.reason == "公司假"
    assert event.data["old"] == end_of(2026, 11, 16).isoformat()
    assert event.data["new"] == end_of(2026, 11, 17).isoformat()
    assert event.data["direction"] == LATER
    lines = [(c.old, c.new) for c in due_recomputed(event)]
    assert lines == [("2026-11-16 17:30", "2026-11-17 17:30"), ("2026-11-13 17:30", "2026-11-16 17:30")]
    (sms,) = sms_for(later)
    assert sms.recipient == later.reporter_phone and "2026-11-17 17:30" in sms.body and later.number in sms.body
    assert sms_for(earlier) == []
    assert AuditLog.objects.filter(action="service.apply_due_date_moves", user=admin).count() == 1


@pytest.mark.django_db
def test_applying_twice_moves_nothing_the_second_time(users, customer, admin):
    order = order_on(users, customer, local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    assert apply_due_date_moves(by=admin).count == 1
    events, messages = OrderEvent.objects.count(), OutboxMessage.objects.count()

    again = apply_due_date_moves(by=admin)

    assert again.count == 0 and again.customers_told == 0
    assert (OrderEvent.objects.count(), OutboxMessage.objects.count()) == (events, messages)
    assert due_date_moves(user=admin).moves == []
    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 17)


@pytest.mark.django_db
def test_apply_takes_orders_as_they_are_now_not_as_previewed(users, customer, admin):
    """Closed or extended between the preview and apply: the apply reads the rows again."""
    closed = order_on(users, customer, local(2026, 11, 5))
    extended = order_on(users, customer, local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)
    assert due_date_moves(user=admin).count == 2

    transition_order(closed, to=OrderStatus.CANCELLED, by=users[Role.AGENT], reason="客户撤单")
    # Extended from the stale Mon 16 → Wed 18; on today's calendar 7 + 2 working days end Thu 19.
    extended = extend_due(extended, by=users[Role.DISPATCHER], working_days=2, reason="等配件")
    assert extended.due_at == end_of(2026, 11, 18)
    applied = apply_due_date_moves(by=admin)

    assert [m.order_id for m in applied.moves] == [extended.pk]
    assert applied.moves[0].old_due_at == end_of(2026, 11, 18)  # not the preview's Mon 16
    extended.refresh_from_db()
    assert extended.due_at == end_of(2026, 11, 19)
    assert not OrderEvent.objects.filter(order=closed, type=EventType.DUE_RECOMPUTED).exists()


@pytest.mark.django_db
def test_apply_keeps_an_extension(users, customer, admin):
    order = order_on(users, customer, local(2026, 11, 5))
    extend_due(order, by=users[Role.DISPATCHER], working_days=3, reason="等配件")  # Mon 16 + 3 → Thu 19
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)

    apply_due_date_moves(by=admin)

    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 20)
    plain = deadlines_for(kind=order.kind, resolution=order.resolution, received_at=order.received_at)
    assert plain.due_at == end_of(2026, 11, 17)  # the calendar alone; the 3 days' extension is kept on top


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
@pytest.mark.django_db
def test_only_an_administrator_applies(users, customer, admin, role):
    order = order_on(users, customer, local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)

    with pytest.raises(PermissionDeniedError):
        apply_due_date_moves(by=users[role])

    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 16)
    assert not OrderEvent.objects.filter(type=EventType.DUE_RECOMPUTED).exists()


@pytest.mark.django_db
def test_apply_refuses_a_long_reason_and_writes_nothing(users, customer, admin):
    order_on(users, customer, local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=admin)

    with pytest.raises(ValidationFailed) as refused:
        apply_due_date_moves(by=admin, reason="很" * 501)

    assert refused.value.field == "reason"
    assert not OrderEvent.objects.filter(type=EventType.DUE_RECOMPUTED).exists()
    assert due_date_moves(user=admin).count == 1
