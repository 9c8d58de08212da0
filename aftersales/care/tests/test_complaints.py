"""Complaints: opened by an agent or an order, escalated after 2 working days left alone (to the
supervisor, then the manager), resolved and put to the customer."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import services
from aftersales.care.choices import ComplaintLevel, ComplaintSource, ComplaintStatus
from aftersales.care.models import Complaint
from aftersales.care.tests.factories import at
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.notifications.models import OutboxMessage
from aftersales.service.choices import OrderKind
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

TUESDAY = datetime.date(2026, 12, 1)


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre)


@pytest.fixture
def complaint(users, customer):
    with_time = services.open_complaint(
        by=users[Role.AGENT], customer=customer, description="维修后又坏了", cause="repair"
    )
    Complaint.objects.filter(pk=with_time.pk).update(
        opened_at=at(TUESDAY), due_at=services.complaints.due_after(at(TUESDAY))
    )
    return Complaint.objects.get(pk=with_time.pk)


def test_an_agent_opens_a_complaint_owned_by_them_due_in_two_working_days(complaint, users):
    # Opened Tue 1 Dec: answer due at the end of business on Thu 3 Dec (17:30 +08:00).
    assert complaint.owner == users[Role.AGENT] and complaint.source == ComplaintSource.AGENT
    assert complaint.due_at == datetime.datetime(2026, 12, 3, 17, 30, tzinfo=at(TUESDAY).tzinfo)
    assert complaint.level == ComplaintLevel.OWNER and complaint.status == ComplaintStatus.OPEN
    assert Activity.objects.filter(type="complaint.opened", target_id=complaint.pk).exists()


def test_escalates_to_the_supervisor_after_two_working_days_then_to_the_manager(complaint, users):
    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 3), 17)) == 0  # still in time

    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 4), 9)) == 1
    complaint.refresh_from_db()
    assert complaint.level == ComplaintLevel.SUPERVISOR
    # Told once, in-app and by SMS, through the outbox; the sweep again moves nothing more.
    supervisor_keys = set(OutboxMessage.objects.filter(key__contains="level-1").values_list("recipient", flat=True))
    assert str(users[Role.MANAGER].pk) in supervisor_keys
    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 4), 10)) == 0

    # Another 2 working days (Fri 4 → Tue 8, over the weekend) and it goes to the manager.
    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 8), 17)) == 0
    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 9), 9)) == 1
    complaint.refresh_from_db()
    assert complaint.level == ComplaintLevel.MANAGER
    assert OutboxMessage.objects.filter(key__contains="level-2", recipient=str(users[Role.GENERAL_MANAGER].pk)).exists()
    # At the top it stays.
    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 31), 9)) == 0
    assert Activity.objects.filter(type="complaint.escalated", target_id=complaint.pk).count() == 2


def test_escalation_messages_are_never_sent_twice(complaint, users):
    services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 4), 9))
    count = OutboxMessage.objects.count()
    complaint.refresh_from_db()

    # The level's notice again (a sweep racing another): the outbox keys keep it at most once.
    services.complaints._tell_level(complaint)

    assert OutboxMessage.objects.count() == count


def test_a_resolved_complaint_does_not_escalate(complaint, users):
    services.resolve_complaint(complaint_id=complaint.pk, by=users[Role.AGENT], resolution="上门更换主板")

    assert services.escalate_overdue_complaints(now=at(datetime.date(2026, 12, 10))) == 0


def test_escalating_a_resolved_complaint_is_refused(complaint, users):
    services.resolve_complaint(complaint_id=complaint.pk, by=users[Role.AGENT], resolution="上门更换主板")

    with pytest.raises(ConflictError) as caught:
        services.escalate_complaint(complaint_id=complaint.pk, by=users[Role.AGENT])

    assert caught.value.code == "complaint_resolved"
    complaint.refresh_from_db()
    assert complaint.level == ComplaintLevel.OWNER


def test_resolution_accepted_closes_and_not_accepted_opens_again(complaint, users):
    services.resolve_complaint(complaint_id=complaint.pk, by=users[Role.AGENT], resolution="上门更换主板")
    services.accept_resolution(complaint_id=complaint.pk, by=users[Role.AGENT], accepted=False, note="还是有异响")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN and complaint.accepted is False

    services.resolve_complaint(complaint_id=complaint.pk, by=users[Role.MANAGER], resolution="换新机")
    services.accept_resolution(complaint_id=complaint.pk, by=users[Role.AGENT], accepted=True)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_at is not None


def test_acceptance_of_an_open_complaint_is_refused(complaint, users):
    with pytest.raises(ConflictError):
        services.accept_resolution(complaint_id=complaint.pk, by=users[Role.AGENT], accepted=True)


def test_manual_escalation_once_at_the_top_is_refused(complaint, users):
    services.escalate_complaint(complaint_id=complaint.pk, by=users[Role.AGENT], reason="客户要求主管处理")
    services.escalate_complaint(complaint_id=complaint.pk, by=users[Role.AGENT])

    with pytest.raises(ConflictError) as caught:
        services.escalate_complaint(complaint_id=complaint.pk, by=users[Role.AGENT])
    assert caught.value.code == "complaint_top_level"


def test_complaint_outside_the_scope_is_not_found(complaint, other_centre):
    stranger = UserFactory(role=Role.MANAGER, service_center=other_centre)

    with pytest.raises(NotFoundError):
        services.resolve_complaint(complaint_id=complaint.pk, by=stranger, resolution="x")
    with pytest.raises(NotFoundError):
        services.open_complaint(by=stranger, customer=complaint.customer, description="x")
    assert Complaint.objects.count() == 1


def test_roles_that_do_not_handle_complaints_are_refused(customer, users):
    with pytest.raises(PermissionDeniedError):
        services.open_complaint(by=users[Role.TECHNICIAN], customer=customer, description="x")
    with pytest.raises(PermissionDeniedError):
        services.open_complaint(by=users[Role.FINANCE], customer=customer, description="x")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"description": ""}, "description"), ({"description": "x", "cause": "weather"}, "cause")],
)
def test_bad_complaint_is_refused_and_writes_nothing(customer, users, kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        services.open_complaint(by=users[Role.AGENT], customer=customer, **kwargs)

    assert caught.value.field == field
    assert not Complaint.objects.exists()


def test_linked_orders_must_be_the_customers(customer, users, centre):
    someone_elses = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))

    with pytest.raises(ValidationFailed) as caught:
        services.open_complaint(by=users[Role.AGENT], customer=customer, description="x", orders=[someone_elses])

    assert caught.value.field == "order_ids.0"
    assert not Complaint.objects.exists()


def test_a_complaint_order_opened_at_intake_gets_its_complaint(customer, users):
    order = make_order(by=users[Role.AGENT], customer=customer, kind=OrderKind.COMPLAINT, description="态度差")

    complaint = Complaint.objects.get()
    assert complaint.source == ComplaintSource.ORDER and list(complaint.orders.all()) == [order]
    assert complaint.owner == users[Role.AGENT] and complaint.description == "态度差"


def test_a_complaint_order_entered_the_morning_after_opens_its_complaint_at_the_call(customer, users):
    night = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=10)
    order = make_order(by=users[Role.AGENT], customer=customer, kind=OrderKind.COMPLAINT, received_at=night)

    complaint = Complaint.objects.get(orders=order)
    assert complaint.opened_at == order.received_at == night
