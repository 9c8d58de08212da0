"""Channels a message can leave by, and the states of an outbox message."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageChannel(models.TextChoices):
    IN_APP = "in_app", _("in-app notice")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class MessageStatus(models.TextChoices):
    """queued → sending → sent, or → failed (retried at ``next_attempt_at`` until the limit); a queued
    or failed message an operator stops is *cancelled* (never sent, kept with who, when and why).

    A message is marked *sending* before the channel is called, and only a queued or failed message
    can be claimed: a message is never handed to a channel twice at the same time, and a sent one never
    again."""

    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", pgettext_lazy("outbox message", "cancelled")


# The outbox screen's status filter: the stored statuses, "gave up" (failed, no further attempt) and
# "stuck" (sending for longer than ``querysets.stuck_after()``).
GAVE_UP = "gave_up"
STUCK = "stuck"

MESSAGE_STATUS_BADGES = {
    MessageStatus.QUEUED: "text-bg-info",
    MessageStatus.SENDING: "text-bg-primary",
    MessageStatus.SENT: "text-bg-success",
    MessageStatus.FAILED: "text-bg-warning",
    MessageStatus.CANCELLED: "text-bg-secondary",
}
