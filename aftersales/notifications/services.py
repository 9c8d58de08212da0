"""Writes of the notifications context: put a message in the outbox, relay due messages.

A message is written in the transaction of the business change that causes it (``enqueue_message``):
if the change rolls back, so does the message; once committed it cannot be lost. Delivery happens
afterwards, outside any request, in the relay (``relay_due_messages``): triggered by a Celery task
right after commit when a broker is configured, swept by Celery beat, and run in a loop by
``manage.py relay_outbox --loop`` in the embedded default (``make run``).
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import can_edit_company_profile
from aftersales.core.bulk import insert_new
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.models import AuditLog
from aftersales.core.validation import require_choice, require_text
from aftersales.notifications.channels import ChannelError, ConsoleBackend, Delivery, backend_for
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import CustomerSmsSwitch, HeldRecipient, Notification, OutboxMessage
from aftersales.notifications.permissions import can_manage_outbox, notices_visible_to, outbox_visible_to
from aftersales.notifications.querysets import stuck_after
from aftersales.notifications.quiet_hours import held_until
from aftersales.notifications.signals import message_queued
from aftersales.notifications.switches import forget_switches
from aftersales.notifications.trigger import kick_relay

logger = logging.getLogger("aftersales.notify")


def _setting(name: str, default: Any) -> Any:
    return settings.AFTERSALES.get(name, default)


def enqueue_message(
    *,
    channel: str,
    recipient: str,
    subject: str = "",
    body: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
    key: str = "",
    send_at: datetime.datetime | None = None,
    about: models.Model | None = None,
) -> OutboxMessage:
    """Write one message to the outbox in the caller's transaction; it leaves after commit.

    ``key`` makes the message at-most-once: a second call with a key already in the outbox returns the
    first message and writes nothing (give a key derived from the business event, e.g.
    ``order-12-event-345-sms``). Without one, every call is a new message. A new message is announced
    (``signals.message_queued``, with ``about``: the record it is about, as the caller holds it) in the
    same transaction. Either ``body`` or ``template`` (a template name rendered with ``context`` when
    the message is sent) is required. One statement (``core.bulk.insert_new``): no savepoint, nothing
    read first, since it is written by every order create.
    """
    require_choice(channel, field="channel", choices=MessageChannel)
    recipient = require_text(recipient, field="recipient", max_length=254)
    subject = require_text(subject, field="subject", max_length=200, required=False)
    body = require_text(body, field="body", max_length=4000, required=not template)
    template = require_text(template, field="template", max_length=200, required=False)
    key = require_text(key, field="key", max_length=200, required=False) or f"uuid-{uuid.uuid4().hex}"
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        template=template,
        context=context or {},
        key=key,
        next_attempt_at=send_at or timezone.now(),
    )
    # Checked above, so a refusal leaves the caller's transaction usable; no savepoint below, so an
    # error there (a receiver's) fails the caller's transaction, as it should.
    with transaction.atomic(savepoint=False):
        if not insert_new(message, unique=("key",)):
            # Already in the outbox (written earlier, or by a concurrent transaction that committed first).
            return OutboxMessage.objects.get(key=key)
        message_queued.send(sender=OutboxMessage, message=message, about=about)
    _kick_relay_after_commit()
    return message


def _kick_relay_after_commit() -> None:
    """Ask for a relay run once this transaction commits (once per transaction, however many
    messages it wrote)."""
    pending = getattr(connection, "run_on_commit", [])
    if any(entry[1] is kick_relay for entry in pending):
        return
    transaction.on_commit(kick_relay, robust=True)


def notify_user(
    *,
    user: User,
    message: str,
    key: str,
    subject: str = "",
    url: str = "",
    target: models.Model | None = None,
    sms: bool = True,
) -> None:
    """Tell a user: an in-app notice and, when they have a mobile (and ``sms``), an SMS — both through
    the outbox, in the caller's transaction, once per ``key`` (``<key>-in_app``, ``<key>-sms``).
    ``url`` is where the notice leads, ``target`` the record it is about."""
    context: dict[str, Any] = {"url": url}
    if target is not None:
        context |= {"target": target._meta.label_lower, "target_id": target.pk}
    enqueue_message(
        channel=MessageChannel.IN_APP, recipient=str(user.pk), body=message[:300], context=context, key=f"{key}-in_app"
    )
    if sms and user.phone:
        enqueue_message(
            channel=MessageChannel.SMS, recipient=user.phone, subject=subject, body=message, key=f"{key}-sms"
        )


@dataclass(frozen=True)
class Notice:
    """One in-app notice for ``enqueue_notices``: to the user ``user_id``, leading to ``url``, about
    the record ``target`` (a model label, e.g. ``"service.serviceorder"``) ``target_id``."""

    user_id: int
    message: str
    key: str
    url: str = ""
    target: str = ""
    target_id: int | None = None


NOTICE_BATCH_SIZE = 2000


def enqueue_notices(notices: list[Notice]) -> int:
    """Queue many in-app notices in a few ``INSERT``s (a sweep that tells many people at once), in the
    caller's transaction, each at most once per key (``<key>-in_app``; a key already in the outbox is
    skipped, as ``enqueue_message`` does). No SMS: a sweep's notices are for the console. Returns how
    many were given."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            channel=MessageChannel.IN_APP,
            recipient=str(notice.user_id),
            body=notice.message[:300],
            context={"url": notice.url}
            | ({"target": notice.target, "target_id": notice.target_id} if notice.target else {}),
            key=f"{notice.key}-in_app",
            next_attempt_at=now,
        )
        for notice in notices
    ]
    if rows:
        OutboxMessage.objects.bulk_create(rows, batch_size=NOTICE_BATCH_SIZE, ignore_conflicts=True)
        _kick_relay_after_commit()
    return len(rows)


# --- reading notices -----------------------------------------------------------------------------


@transaction.atomic
def mark_notice_read(*, user: User, notice_id: int) -> Notification:
    """Mark one of ``user``'s notices as read (again: no change). Another user's notice answers 404."""
    notice = notices_visible_to(user).select_for_update(of=("self",)).filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError("not_found", _("No such notice."))
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def mark_all_notices_read(*, user: User) -> int:
    """Mark every unread notice of ``user`` as read; returns how many were unread."""
    return notices_visible_to(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- the relay ---------------------------------------------------------------------------------


@dataclass
class RelayReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.failed)


def claim_due_messages(*, limit: int = 100, now: datetime.datetime | None = None) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages and mark them *sending*, in one short transaction.

    On PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` lets several relays claim side by side without
    waiting for or taking each other's rows; on SQLite the transaction takes the write lock at BEGIN
    (``transaction_mode=IMMEDIATE``) so relays claim one after another. Only a queued or failed row can
    be claimed, so a message is never in two relays' hands, and the attempt is counted before the send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.due(now=now).select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(
            pk__in=ids, status__in=(MessageStatus.QUEUED, MessageStatus.FAILED), next_attempt_at__lte=now
        ).update(
            status=MessageStatus.SENDING,
            claimed_at=now,
            next_attempt_at=None,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        return list(OutboxMessage.objects.filter(pk__in=ids, status=MessageStatus.SENDING, claimed_at=now))


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt, capped."""
    base = int(_setting("OUTBOX_RETRY_BASE_SECONDS", 60))
    cap = int(_setting("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600))
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _render(message: OutboxMessage) -> Delivery:
    body = message.body
    if message.template:
        body = render_to_string(message.template, message.context).strip()
    return Delivery(
        channel=message.channel,
        recipient=message.recipient,
        subject=message.subject,
        body=body,
        key=message.key,
        context=message.context,
    )


def hold_recipients(recipients: Iterable[str], *, reason: str) -> int:
    """Put phone numbers or e-mail addresses on the held list (``HeldRecipient``): no gateway is
    called for them again. Those already held keep their first reason. Returns how many were added."""
    reason = require_text(reason, field="reason", max_length=200)
    wanted = {r.strip() for r in recipients if r and r.strip()}
    known = set(HeldRecipient.objects.filter(recipient__in=wanted).values_list("recipient", flat=True))
    HeldRecipient.objects.bulk_create(
        [HeldRecipient(recipient=r, reason=reason) for r in sorted(wanted - known)], ignore_conflicts=True
    )
    return len(wanted - known)


def _held(message: OutboxMessage, backend: Any) -> str | None:
    """The reason a message may not leave: its recipient is held and the backend is a real gateway."""
    if message.channel == MessageChannel.IN_APP or isinstance(backend, ConsoleBackend):
        return None
    return HeldRecipient.objects.filter(recipient=message.recipient).values_list("reason", flat=True).first()


def deliver_message(message: OutboxMessage) -> bool:
    """Hand one claimed (*sending*) message to its channel and record the outcome. True when sent.
    A message to a held recipient fails at once, never retried, without reaching the gateway."""
    try:
        backend = backend_for(message.channel)
        held = _held(message, backend)
        if held is not None:
            raise ChannelError(f"the recipient is held ({held}): not sent", retry=False)
        backend.send(_render(message))
    except ChannelError as exc:
        _record_failure(message, reason=exc.reason, retry=exc.retry)
        return False
    except Exception as exc:  # noqa: BLE001  (an adapter's bug or an unexpected gateway answer is recorded, not lost)
        logger.exception("outbox message %s: the %s backend raised", message.pk, message.channel)
        _record_failure(message, reason=f"{type(exc).__name__}: {exc}", retry=True)
        return False
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=now, last_error="", updated_at=now
    )
    return True


def _is_customer_sms(message: OutboxMessage) -> bool:
    """Written by ``customer_sms.send_customer_sms`` (its context names the kind): held through the quiet hours."""
    return isinstance(message.context, dict) and bool(message.context.get("customer_sms"))


def _record_failure(message: OutboxMessage, *, reason: str, retry: bool) -> None:
    now = timezone.now()
    limit = int(_setting("OUTBOX_MAX_ATTEMPTS", 6))
    next_attempt = now + retry_delay(message.attempts) if retry and message.attempts < limit else None
    if next_attempt is not None and _is_customer_sms(message):
        # A customer SMS is held through the quiet hours when tried again, as when written.
        next_attempt = held_until(next_attempt) or next_attempt
    logger.warning(
        "outbox message %s (%s → %s) failed, attempt %d: %s%s",
        message.pk,
        message.channel,
        message.recipient,
        message.attempts,
        reason,
        f"; next attempt {next_attempt:%H:%M:%S}" if next_attempt else "; giving up",
    )
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.FAILED, last_error=reason[:500], next_attempt_at=next_attempt, updated_at=now
    )


def relay_due_messages(*, limit: int = 100, now: datetime.datetime | None = None) -> RelayReport:
    """Claim the due messages and deliver each (outside any transaction: a slow gateway holds no lock)."""
    report = RelayReport()
    for message in claim_due_messages(limit=limit, now=now):
        (report.sent if deliver_message(message) else report.failed).append(message.pk)
    return report


# --- the operator's actions (the outbox screen, the API, the Django admin) ------------------------


def _lock_for_operator(*, by: User, message_id: int) -> OutboxMessage:
    """The message, locked, when ``by`` runs the outbox (403 otherwise) and may see it (404)."""
    if not can_manage_outbox(by):
        raise PermissionDeniedError("forbidden", _("You may not manage the outbox."))
    message = outbox_visible_to(by).select_for_update(of=("self",)).filter(pk=message_id).first()
    if message is None:
        raise NotFoundError("not_found", _("No such message."))
    return message


def _audit(*, by: User, action: str, message: OutboxMessage, old_status: str, reason: str) -> None:
    AuditLog.objects.create(
        user=by,
        action=action,
        detail={"key": message.key, "old_status": old_status, "new_status": message.status, "reason": reason},
        target=message,
    )


def can_requeue(message: OutboxMessage, *, now: datetime.datetime | None = None) -> bool:
    """Failed (retrying or given up), or stuck in *sending* (``querysets.stuck_after``)."""
    if message.status == MessageStatus.FAILED:
        return True
    now = now or timezone.now()
    return message.status == MessageStatus.SENDING and (
        message.claimed_at is None or message.claimed_at < now - stuck_after()
    )


def can_cancel(message: OutboxMessage) -> bool:
    """Not sent and in no relay's hands: queued or failed."""
    return message.status in (MessageStatus.QUEUED, MessageStatus.FAILED)


@transaction.atomic
def requeue_message(*, by: User, message_id: int, reason: str = "") -> OutboxMessage:
    """Queue a failed message (or one stuck in *sending* after a relay crashed) again, due now (a customer
    SMS in the quiet hours: when they end).

    An operator's decision after checking it was not delivered, since the relay itself never sends a
    message twice; a message still *sending* within ``stuck_after()`` may be in a relay's hands and is
    refused (409 ``not_requeueable``), as are queued, sent and cancelled ones. Audited (``outbox.requeued``)."""
    reason = require_text(reason, field="reason", max_length=200, required=False)
    message = _lock_for_operator(by=by, message_id=message_id)
    if not can_requeue(message):
        raise ConflictError(
            "not_requeueable", _("Only a failed message or one stuck in sending can be queued again."), field="status"
        )
    old_status = message.status
    message.status = MessageStatus.QUEUED
    now = timezone.now()
    # A customer SMS waits for the end of the quiet hours, as the relay's own retries do (_record_failure).
    message.next_attempt_at = (held_until(now) if _is_customer_sms(message) else None) or now
    message.save(update_fields=["status", "next_attempt_at", "updated_at"])
    _audit(by=by, action="outbox.requeued", message=message, old_status=old_status, reason=reason)
    _kick_relay_after_commit()
    return message


@transaction.atomic
def cancel_message(*, by: User, message_id: int, reason: str) -> OutboxMessage:
    """Stop a queued or failed message that must not go out (a wrong number, a customer who asked
    not to be contacted): it becomes *cancelled*, is never claimed again, and keeps who, when and why.
    A sending, sent or cancelled message is refused (409 ``not_cancellable``); the reason is required.
    Audited (``outbox.cancelled``)."""
    reason = require_text(reason, field="reason", max_length=200)
    message = _lock_for_operator(by=by, message_id=message_id)
    if not can_cancel(message):
        raise ConflictError("not_cancellable", _("Only a queued or failed message can be cancelled."), field="status")
    old_status = message.status
    message.status = MessageStatus.CANCELLED
    message.next_attempt_at = None
    message.cancelled_at = timezone.now()
    message.cancelled_by = by
    message.cancel_reason = reason
    message.save(
        update_fields=["status", "next_attempt_at", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
    )
    _audit(by=by, action="outbox.cancelled", message=message, old_status=old_status, reason=reason)
    return message


# --- the customer SMS switches (settings → 客户短信; notifications/customer_sms.py) ---------------------


@transaction.atomic
def switch_customer_sms(*, by: User, switch: CustomerSmsSwitch, enabled: bool) -> CustomerSmsSwitch:
    """Send (``enabled``) or stop one kind of customer SMS: administrators, as for the company profile
    that signs them. Audited. A message already in the outbox is not withdrawn. Every process sees the
    change within ``switches.SWITCHES_CACHE_SECONDS`` (this one at once)."""
    if not can_edit_company_profile(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may change which SMS customers get."))
    switch = CustomerSmsSwitch.objects.select_for_update().get(pk=switch.pk)
    if switch.enabled != enabled:
        switch.enabled = enabled
        switch.save(update_fields=["enabled", "updated_at"])
        forget_switches()
        transaction.on_commit(forget_switches)
        AuditLog.objects.create(
            user=by,
            action="notifications.switch_customer_sms",
            detail={"kind": switch.kind, "enabled": enabled},
            target=switch,
        )
    return switch
