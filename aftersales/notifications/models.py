"""The outbox: messages written in the transaction of the business change, delivered after commit."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import TimeStampedModel
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.kinds import customer_sms_kinds, kind_label
from aftersales.notifications.querysets import OutboxMessageQuerySet


class OutboxMessage(TimeStampedModel):
    """One message to one recipient on one channel, delivered at most once.

    Written by ``services.enqueue_message`` in the same transaction as the change it reports, so a
    rolled-back change sends nothing and a committed one is never lost. The relay
    (``services.relay_due_messages``) hands it to the channel's adapter and records the outcome.
    ``key`` is unique: enqueuing the same key again returns the first message, and a message whose key
    was delivered is never delivered again.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    recipient = models.CharField(
        _("recipient"), max_length=254, help_text=_("A user id, a phone number, an e-mail address or a robot name.")
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), max_length=4000, blank=True)
    template = models.CharField(
        _("template"), max_length=200, blank=True, help_text=_("Rendered with the context when the message is sent.")
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    key = models.CharField(_("message key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, help_text=_("Empty when no further attempt will be made.")
    )
    last_error = models.CharField(_("reason of the last failure"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(pgettext_lazy("outbox message", "cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay's query: due messages, oldest first. Only rows still to be tried are indexed.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(next_attempt_at__isnull=False),
                name="outbox_due_idx",
            ),
            models.Index(fields=["status", "-id"], name="outbox_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=MessageChannel.values), name="outbox_channel_valid"),
            models.CheckConstraint(condition=models.Q(status__in=MessageStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=MessageStatus.SENT) | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MessageStatus.CANCELLED) | models.Q(cancelled_at__isnull=False),
                name="outbox_cancelled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} [{self.status}]"


class HeldRecipient(TimeStampedModel):
    """A phone number or e-mail address nothing may be sent to through a gateway: a customer who asked
    not to be contacted (退订), or a made-up number of the demo set. The relay marks a message to it
    failed without calling the gateway; the console backend, which sends nothing anywhere, still writes
    it (so the demo's portal codes stay readable in the terminal)."""

    recipient = models.CharField(_("recipient"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("held recipient")
        verbose_name_plural = _("held recipients")

    def __str__(self) -> str:
        return self.recipient


class Notification(models.Model):
    """An in-app notice to a user ("order SO… was assigned to you"), read in the console and the API.

    Written by the in-app channel when the relay delivers an outbox message (``source_key`` is that
    message's key, so a notice is written at most once). ``url`` is where the notice leads; ``target``
    names the record it is about, for whoever wants "the notices about this record".
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("target id"), null=True, blank=True)
    source_key = models.CharField(_("source message key"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["user", "-id"], name="notice_user_idx"),
            # The bell's count: a user's unread notices.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_user_unread_idx"),
            models.Index(fields=["target_type", "target_id"], name="notice_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~models.Q(source_key=""), name="notice_source_key_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class CustomerSmsSwitch(TimeStampedModel):
    """Whether the company sends one kind of customer SMS (``kinds.customer_sms_kinds``), switched by
    an administrator in settings (设置 → 客户短信). A kind with no row is on: rows are written for the
    registered kinds after every ``migrate`` (``NotificationsConfig.ready``) so the screen lists them."""

    kind = models.CharField(_("kind"), max_length=50, unique=True)
    enabled = models.BooleanField(_("send"), default=True)

    class Meta:
        verbose_name = _("customer SMS")
        verbose_name_plural = _("customer SMS")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def description(self) -> str:
        kind = customer_sms_kinds.get(self.kind)
        return str(kind.description) if kind is not None else ""
