"""Channels a message can leave by, and the states of an outbox message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    IN_APP = "in_app", _("in-app notice")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class MessageStatus(models.TextChoices):
    """queued → sending → sent, or → failed (retried at ``next_attempt_at`` until the limit).

    A message is marked *sending* before the channel is called, and only a queued or failed message
    can be claimed: a message is never handed to a channel twice at the same time, and a sent one never
    again."""

    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
