"""The outbox: written in the transaction of the change, delivered at most once by the relay."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.notifications import services
from aftersales.notifications.channels import ChannelError, MemoryBackend
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.signals import message_queued

SMS = MessageChannel.SMS


def later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


@pytest.mark.django_db
def test_enqueued_message_is_queued_and_sent_by_the_relay(_outbox):
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", subject="SO1", body="你好", key="k1")

    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    assert _outbox == []

    report = services.relay_due_messages()

    message.refresh_from_db()
    assert report.sent == [message.pk]
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, "")
    assert message.sent_at is not None
    assert [(d.recipient, d.subject, d.body, d.key) for d in _outbox] == [("+8613900001111", "SO1", "你好", "k1")]


@pytest.mark.django_db
def test_same_key_twice_is_one_message_and_one_delivery(_outbox):
    first = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a", key="order-1-event-2-sms")
    services.relay_due_messages()

    again = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a", key="order-1-event-2-sms")
    services.relay_due_messages()

    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(_outbox) == 1


@pytest.mark.django_db
def test_a_new_message_is_announced_once_and_a_repeated_key_not_at_all():
    heard: list[OutboxMessage] = []

    def receiver(sender, *, message, **kwargs):
        heard.append(message)

    message_queued.connect(receiver, dispatch_uid="test.heard")
    try:
        first = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a", key="k-announced")
        services.enqueue_message(channel=SMS, recipient="+8613900001111", body="b", key="k-announced")
        services.enqueue_notices([services.Notice(user_id=1, message="bulk", key="k-bulk")])
    finally:
        message_queued.disconnect(dispatch_uid="test.heard")

    assert heard == [first]


@pytest.mark.django_db
def test_message_of_a_rolled_back_change_is_never_sent(_outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")
        raise RuntimeError("the business change failed")

    assert not OutboxMessage.objects.exists()
    assert services.relay_due_messages().claimed == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"recipient": "  "}, "recipient"),
        ({"body": ""}, "body"),
        ({"subject": "x" * 201}, "subject"),
        ({"key": "k" * 201}, "key"),
    ],
)
def test_bad_message_is_refused_with_the_field_and_nothing_is_written(fields, field):
    values = {"channel": SMS, "recipient": "+8613900001111", "body": "hi", **fields}

    with pytest.raises(ValidationFailed) as caught:
        services.enqueue_message(**values)

    assert caught.value.field == field
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_template_is_rendered_with_its_context_when_sent(_outbox, settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"notifications/test_message.txt": "Order {{ number }} is ready.\n"},
                    )
                ]
            },
        }
    ]
    services.enqueue_message(
        channel=MessageChannel.EMAIL,
        recipient="a@example.com",
        subject="s",
        template="notifications/test_message.txt",
        context={"number": "SO42"},
    )

    services.relay_due_messages()

    assert _outbox[0].body == "Order SO42 is ready."


@pytest.mark.django_db
def test_message_sent_later_waits_for_its_time(_outbox):
    services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a", send_at=later(600))

    assert services.relay_due_messages().claimed == 0
    assert services.relay_due_messages(now=later(601)).claimed == 1


# ---- failures ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_gateway_failure_is_recorded_with_reason_and_retried_with_backoff(_outbox, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "OUTBOX_RETRY_BASE_SECONDS": 60}
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")
    MemoryBackend.fail_with = ChannelError("HTTP 503 Service Unavailable")

    before = timezone.now()
    services.relay_due_messages()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.last_error == "HTTP 503 Service Unavailable"
    assert before + datetime.timedelta(seconds=60) <= message.next_attempt_at <= later(61)
    assert services.relay_due_messages().claimed == 0  # not before its time

    services.relay_due_messages(now=later(61))  # still failing: the delay doubles
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 2)
    assert later(119) <= message.next_attempt_at <= later(121)

    MemoryBackend.fail_with = None  # the gateway is back
    services.relay_due_messages(now=later(125))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert len(_outbox) == 1


@pytest.mark.django_db
def test_retries_stop_at_the_limit(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_RETRY_BASE_SECONDS": 1}
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")
    MemoryBackend.fail_with = ChannelError("refused")

    for minutes in range(5):
        services.relay_due_messages(now=later(minutes * 60))

    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 3, None)


@pytest.mark.django_db
def test_uncertain_delivery_is_not_retried(_outbox):
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")
    MemoryBackend.fail_with = ChannelError("timed out; delivery uncertain", retry=False)

    services.relay_due_messages()
    MemoryBackend.fail_with = None
    services.relay_due_messages(now=later(86400))

    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 1, None)
    assert _outbox == []


@pytest.mark.django_db
def test_unexpected_backend_error_is_recorded_not_raised(monkeypatch):
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")

    def broken(self, delivery):
        raise KeyError("errcode")

    monkeypatch.setattr(MemoryBackend, "send", broken)
    report = services.relay_due_messages()

    message.refresh_from_db()
    assert report.failed == [message.pk]
    assert message.status == MessageStatus.FAILED and "KeyError" in message.last_error
    assert message.next_attempt_at is not None


@pytest.mark.django_db
def test_claimed_message_is_not_claimed_again_and_sent_one_never_again(_outbox):
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")

    claimed = services.claim_due_messages()
    assert [m.pk for m in claimed] == [message.pk]
    assert OutboxMessage.objects.get(pk=message.pk).status == MessageStatus.SENDING
    assert services.claim_due_messages(now=later(86400)) == []  # a second relay finds nothing

    assert services.deliver_message(claimed[0]) is True
    assert services.relay_due_messages(now=later(86400)).claimed == 0

    assert len(_outbox) == 1
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1


@pytest.mark.django_db
def test_requeue_only_failed_or_stuck_messages(_outbox):
    operator = UserFactory(role=Role.ADMIN)
    message = services.enqueue_message(channel=SMS, recipient="+8613900001111", body="a")
    with pytest.raises(ConflictError):
        services.requeue_message(by=operator, message_id=message.pk)
    services.claim_due_messages()  # a relay crashed after claiming it, an hour ago
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=later(-3600))

    services.requeue_message(by=operator, message_id=message.pk)
    services.relay_due_messages()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(_outbox) == 1


@pytest.mark.django_db
def test_a_held_recipient_gets_nothing_through_a_gateway_and_the_console_still_writes_it(_outbox, settings):
    """Found by a probe, 2026-12-06: the demo's made-up customers got an invoice reminder through the
    relay after the load; a number on the held list never reaches a gateway."""
    assert services.hold_recipients(["+8613900002222", "+8613900002222", " "], reason="demo data") == 1
    assert services.hold_recipients(["+8613900002222"], reason="asked not to be contacted") == 0
    held = services.enqueue_message(channel=SMS, recipient="+8613900002222", body="提醒", key="held")
    free = services.enqueue_message(channel=SMS, recipient="+8613900003333", body="提醒", key="free")

    report = services.relay_due_messages()

    held.refresh_from_db()
    assert report.sent == [free.pk]
    assert (held.status, held.next_attempt_at) == (MessageStatus.FAILED, None)
    assert "demo data" in held.last_error
    assert [d.recipient for d in _outbox] == ["+8613900003333"]

    settings.AFTERSALES = {
        **settings.AFTERSALES,
        "NOTIFICATION_BACKENDS": {**settings.AFTERSALES["NOTIFICATION_BACKENDS"], "sms": CONSOLE},
    }
    console = services.enqueue_message(channel=SMS, recipient="+8613900002222", body="验证码", key="console")
    services.relay_due_messages()
    console.refresh_from_db()
    assert console.status == MessageStatus.SENT


CONSOLE = "aftersales.notifications.channels.ConsoleBackend"
