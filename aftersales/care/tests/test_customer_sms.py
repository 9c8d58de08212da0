"""An SMS typed by staff on the contact log (``send_customer_message``) is a customer SMS: signed
【company】, ending with the hotline, held through the quiet hours, to a mobile only; it has no switch
(someone chose to send it, and the log says it was sent). An e-mail is left as typed."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.care import services
from aftersales.care.models import ContactEntry
from aftersales.care.services.customer_sms import CONTACT_MESSAGE
from aftersales.core.errors import ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.tests.factories import assert_signed_and_held, quiet_hours_around_now, switch_off

pytestmark = pytest.mark.django_db

MOBILE = "+8613800001111"


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre)


def send(by, customer, **kwargs):
    values = {"channel": "sms", "recipient": MOBILE, "body": "您好，您订的配件已到货。", "key": "typed-1"}
    return services.send_customer_message(by=by, customer=customer, **(values | kwargs))


def test_a_typed_sms_is_signed_held_at_night_and_logged_as_the_customer_reads_it(users, customer, settings):
    update_company_profile(by=users[Role.ADMIN], name="华东设备有限公司", hotline="400 800 1234")
    quiet_hours_around_now(settings)

    entry = send(users[Role.AGENT], customer)

    message = OutboxMessage.objects.get(key="typed-1")
    assert_signed_and_held(message, company="华东设备有限公司", hotline="400 800 1234")
    assert message.body == "【华东设备有限公司】您好，您订的配件已到货。客服热线：400 800 1234"
    assert (entry.summary, entry.message_key, entry.channel) == (message.body, "typed-1", "sms")


def test_a_typed_sms_has_no_switch(users, customer):
    switch_off(CONTACT_MESSAGE)  # a row an administrator cannot even see: not honoured

    send(users[Role.AGENT], customer)

    assert OutboxMessage.objects.filter(key="typed-1").exists()


def test_a_typed_sms_to_a_landline_is_refused_and_writes_nothing(users, customer):
    with pytest.raises(ValidationFailed) as refused:
        send(users[Role.AGENT], customer, recipient="+862161234567")

    assert (refused.value.code, refused.value.field) == ("invalid_phone", "recipient")
    assert not OutboxMessage.objects.exists() and not ContactEntry.objects.exists()


def test_an_email_is_sent_as_typed(users, customer):
    update_company_profile(by=users[Role.ADMIN], name="华东设备有限公司", hotline="400 800 1234")

    send(users[Role.AGENT], customer, channel="email", recipient="wang@example.com", body="配件已到货。")

    assert OutboxMessage.objects.get(key="typed-1").body == "配件已到货。"
