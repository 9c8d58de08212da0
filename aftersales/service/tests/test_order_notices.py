"""What an order's changes tell people, through the outbox."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.core.errors import ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import Notification, OutboxMessage
from aftersales.notifications.services import relay_due_messages
from aftersales.service import services
from aftersales.service.tests.factories import make_order


@pytest.mark.django_db
def test_assigned_technician_gets_a_notice_leading_to_the_order_and_an_sms(users, centre, _outbox):
    technician = users[Role.TECHNICIAN]
    technician.phone = "+8613900002222"
    technician.save()
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    OutboxMessage.objects.all().delete()  # the order-received SMS

    services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    assert not Notification.objects.exists()  # written in the outbox, delivered by the relay
    relay_due_messages()

    notice = Notification.objects.get(user=technician)
    assert order.number in notice.message
    assert notice.url == f"/orders/{order.pk}/"
    assert (notice.target_type.model, notice.target_id) == ("serviceorder", order.pk)
    # The technician's SMS, and the reporter's (who is coming: customer_sms.tell_technician_assigned).
    assert sorted((d.recipient, d.subject) for d in _outbox) == [
        (order.reporter_phone, order.number),
        ("+8613900002222", order.number),
    ]


@pytest.mark.django_db
def test_failed_assignment_tells_nobody(users, centre, _outbox):
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    OutboxMessage.objects.all().delete()  # the order-received SMS

    with pytest.raises(ValidationFailed):  # a dispatcher is not a technician
        services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.DISPATCHER])
    relay_due_messages()

    assert not Notification.objects.exists()
    assert _outbox == []
