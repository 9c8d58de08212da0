"""SMS to customers (``notifications.customer_sms``): signed, ending with the hotline, held through the
quiet hours, switched per kind, never to a number that is not a mobile, none while the demo loads."""

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.accounts.choices import Role
from aftersales.accounts.models import CompanyProfile
from aftersales.core.models import AuditLog
from aftersales.core.registry import settings_sections
from aftersales.notifications.channels import ChannelError, MemoryBackend
from aftersales.notifications.choices import MessageChannel
from aftersales.notifications.customer_sms import (
    customer_sms_suppressed,
    ensure_switches,
    held_until,
    send_customer_sms,
    signed_text,
)
from aftersales.notifications.kinds import CustomerSmsKind, customer_sms_kinds
from aftersales.notifications.models import CustomerSmsSwitch, OutboxMessage
from aftersales.notifications.services import enqueue_message, relay_due_messages, switch_customer_sms

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND = "test_kind"
MOBILE = "+8613812345678"


def at(hour: int, minute: int = 0, day: int = 8) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _kind() -> Iterator[None]:
    customer_sms_kinds.register(CustomerSmsKind(KIND, "Test kind", 999, "When a test says so."))
    yield
    customer_sms_kinds.unregister(KIND)


@pytest.fixture
def company(db: object) -> CompanyProfile:
    return CompanyProfile.objects.create(name="华东设备有限公司", hotline="400 800 1234")


def send(**kwargs: object) -> OutboxMessage | None:
    values: dict[str, object] = {"kind": KIND, "recipient": MOBILE, "text": "您的工单已受理。", "key": "k-1"}
    return send_customer_sms(**(values | kwargs))  # type: ignore[arg-type]


def test_the_sms_is_signed_with_the_company_and_ends_with_its_hotline(company):
    message = send(subject="SO1")

    assert message is not None
    assert (message.channel, message.recipient, message.key, message.subject) == ("sms", MOBILE, "k-1", "SO1")
    assert message.body == "【华东设备有限公司】您的工单已受理。客服热线：400 800 1234"


def test_without_a_hotline_the_sms_is_signed_only(db):
    CompanyProfile.objects.create(name="华东设备有限公司")

    assert signed_text("您的工单已受理。") == "【华东设备有限公司】您的工单已受理。"


def test_before_a_profile_is_saved_the_environment_name_signs(settings, db):
    settings.AFTERSALES = {**settings.AFTERSALES, "COMPANY_NAME": "示例设备有限公司"}

    assert signed_text("x") == "【示例设备有限公司】x"


def test_the_signature_is_in_the_site_language_whoever_caused_it(company):
    with translation.override("en"):
        text = signed_text("x")

    assert text.endswith("客服热线：400 800 1234")


def test_the_same_key_writes_one_message(company):
    first = send()
    again = send(text="别的")

    assert again == first
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize("number", ["", "+862161234567", "+864008001234"])
def test_no_sms_without_a_mobile(company, number):
    assert send(recipient=number) is None
    assert not OutboxMessage.objects.exists()


def test_a_kind_switched_off_writes_nothing_and_on_again_writes(company, users):
    switch = CustomerSmsSwitch.objects.create(kind=KIND)
    assert send(key="before") is not None  # read (and cached) while on

    switch_customer_sms(by=users[Role.ADMIN], switch=switch, enabled=False)
    assert send(key="off") is None
    switch_customer_sms(by=users[Role.ADMIN], switch=switch, enabled=True)
    assert send(key="on") is not None


def test_a_kind_without_a_switch_is_on(company):
    CustomerSmsSwitch.objects.filter(kind=KIND).delete()

    assert send() is not None


def test_an_unregistered_kind_is_a_programming_error(company):
    with pytest.raises(ImproperlyConfigured):
        send(kind="no_such_kind")


def test_nothing_while_suppressed(company):
    with customer_sms_suppressed():
        assert send() is None
    assert send() is not None


def test_rollback_leaves_no_message(company):
    with pytest.raises(RuntimeError), transaction.atomic():
        send()
        raise RuntimeError("the business change fails")

    assert not OutboxMessage.objects.exists()


# --- quiet hours -----------------------------------------------------------------------------------


@pytest.fixture
def quiet(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": "21:00-08:00"}


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize(
    ("now", "until"),
    [
        (at(21, 0), at(8, 0, day=9)),  # from 21:00
        (at(23, 30), at(8, 0, day=9)),
        (at(0, 5), at(8, 0)),  # after midnight: this morning
        (at(7, 59), at(8, 0)),
        (at(8, 0), None),  # from 08:00 at once
        (at(14, 0), None),
        (at(20, 59), None),
        (datetime.datetime(2026, 12, 8, 14, 30, tzinfo=datetime.UTC), at(8, 0, day=9)),  # 22:30 in Shanghai
    ],
)
def test_held_until_the_end_of_the_quiet_hours_in_shanghai(now, until):
    assert held_until(now) == until


@pytest.mark.usefixtures("quiet")
def test_a_message_written_at_night_waits_until_eight_and_the_relay_leaves_it(company, _outbox):
    message = send(now=at(23, 30))

    assert message is not None and message.next_attempt_at == at(8, 0, day=9)
    relay_due_messages(now=at(23, 31))
    assert _outbox == []
    relay_due_messages(now=at(8, 0, day=9))
    assert [d.recipient for d in _outbox] == [MOBILE]


@pytest.mark.usefixtures("quiet")
def test_a_message_written_by_day_leaves_at_once(company):
    message = send(now=at(10, 0))

    assert message is not None and message.next_attempt_at <= timezone.now()  # due now


@pytest.mark.usefixtures("quiet")
def test_a_retry_that_would_fall_in_the_quiet_hours_waits_until_they_end(company, _outbox, monkeypatch, settings):
    """Held only when written, a customer SMS failing at 20:58 was tried again at 21:03, 21:13 … through
    the night (a gateway down in the evening). Its retry now waits for 08:00; a staff SMS does not."""
    settings.AFTERSALES = {**settings.AFTERSALES, "OUTBOX_RETRY_BASE_SECONDS": 300}
    customer = send(now=at(20, 58))
    staff = enqueue_message(channel=MessageChannel.SMS, recipient=MOBILE, body="派单通知", key="staff-1")
    MemoryBackend.fail_with = ChannelError("HTTP 503 Service Unavailable")
    monkeypatch.setattr(timezone, "now", lambda: at(20, 58))

    relay_due_messages(now=at(20, 58))

    assert customer is not None
    customer.refresh_from_db()
    staff.refresh_from_db()
    assert (customer.status, customer.next_attempt_at) == ("failed", at(8, 0, day=9))
    assert (staff.status, staff.next_attempt_at) == ("failed", at(21, 3))


def test_no_quiet_hours_when_the_setting_is_empty(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": ""}

    assert held_until(at(23, 0)) is None


def test_a_daytime_window_is_kept_too(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": "12:00-13:30"}

    assert (held_until(at(12, 10)), held_until(at(13, 30)), held_until(at(23, 0))) == (at(13, 30), None, None)


def test_a_malformed_setting_names_itself(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_QUIET_HOURS": "nine to eight"}

    with pytest.raises(ImproperlyConfigured, match="AFTERSALES_SMS_QUIET_HOURS"):
        held_until(at(23, 0))


# --- the settings section --------------------------------------------------------------------------


def test_every_registered_kind_gets_a_switch_after_migrate(db):
    CustomerSmsSwitch.objects.filter(kind=KIND).delete()

    ensure_switches()
    ensure_switches()  # again: nothing more

    assert CustomerSmsSwitch.objects.filter(kind=KIND, enabled=True).count() == 1


def test_an_administrator_switches_a_kind_off_and_it_is_audited(users):
    switch = CustomerSmsSwitch.objects.create(kind=KIND)

    switch_customer_sms(by=users[Role.ADMIN], switch=switch, enabled=False)

    assert CustomerSmsSwitch.objects.get(kind=KIND).enabled is False
    assert AuditLog.objects.filter(action="notifications.switch_customer_sms", detail__kind=KIND).exists()


def test_a_service_manager_may_not_switch_and_nothing_changes(users):
    from aftersales.core.errors import PermissionDeniedError

    switch = CustomerSmsSwitch.objects.create(kind=KIND)

    with pytest.raises(PermissionDeniedError):
        switch_customer_sms(by=users[Role.MANAGER], switch=switch, enabled=False)
    assert CustomerSmsSwitch.objects.get(kind=KIND).enabled is True


def test_the_settings_screen_lists_the_kinds_and_saves_a_switch(users):
    switch = CustomerSmsSwitch.objects.create(kind=KIND)
    admin = Client()
    admin.force_login(users[Role.ADMIN])
    section = settings_sections.get("customer-sms")
    assert section is not None

    listed = admin.get(section.url)
    saved = admin.post(reverse("core_settings:edit", kwargs={"section": "customer-sms", "pk": switch.pk}), {})

    assert listed.status_code == 200 and "Test kind" in listed.text and "When a test says so." in listed.text
    assert saved.status_code == 302
    assert CustomerSmsSwitch.objects.get(pk=switch.pk).enabled is False  # an unticked box: off


def test_the_settings_screen_is_for_administrators_only(users):
    switch = CustomerSmsSwitch.objects.create(kind=KIND)
    manager = Client()
    manager.force_login(users[Role.MANAGER])

    edit = reverse("core_settings:edit", kwargs={"section": "customer-sms", "pk": switch.pk})
    assert manager.get(reverse("core_settings:list", kwargs={"section": "customer-sms"})).status_code == 403
    assert manager.post(edit, {}).status_code == 403
    assert CustomerSmsSwitch.objects.get(pk=switch.pk).enabled is True


def test_a_kind_that_is_not_switchable_gets_no_switch_and_is_always_sent(company):
    customer_sms_kinds.register(CustomerSmsKind("test_chosen", "Chosen", 998, "Someone chose to.", switchable=False))
    try:
        ensure_switches()
        assert not CustomerSmsSwitch.objects.filter(kind="test_chosen").exists()
        CustomerSmsSwitch.objects.create(kind="test_chosen", enabled=False)  # a row left over: not honoured

        assert send(kind="test_chosen") is not None
    finally:
        customer_sms_kinds.unregister("test_chosen")


def test_without_the_hotline_the_signature_stays(company):
    assert signed_text("您的验证码为 123456。", hotline=False) == "【华东设备有限公司】您的验证码为 123456。"
