"""Domain-named reads on the outbox."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from aftersales.notifications.choices import MessageStatus


def stuck_after() -> datetime.timedelta:
    """How long a message may stay *sending* before the screen calls it stuck (a relay that crashed
    mid-send): ``AFTERSALES["OUTBOX_STUCK_MINUTES"]``, 5 by default. A gateway answers or times out in
    seconds, so a message still sending after minutes is in no relay's hands any more."""
    return datetime.timedelta(minutes=int(settings.AFTERSALES.get("OUTBOX_STUCK_MINUTES", 5)))


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, *, now: datetime.datetime | None = None) -> "OutboxMessageQuerySet":
        """Queued or failed messages whose next attempt time has come, oldest first."""
        return self.filter(
            status__in=(MessageStatus.QUEUED, MessageStatus.FAILED),
            next_attempt_at__lte=now or timezone.now(),
        ).order_by("next_attempt_at", "id")

    def gave_up(self) -> "OutboxMessageQuerySet":
        """Failed messages the relay will not try again (no next attempt)."""
        return self.filter(status=MessageStatus.FAILED, next_attempt_at__isnull=True)

    def stuck(self, *, now: datetime.datetime | None = None) -> "OutboxMessageQuerySet":
        """Messages *sending* for longer than ``stuck_after()``."""
        return self.filter(status=MessageStatus.SENDING, claimed_at__lt=(now or timezone.now()) - stuck_after())
