"""Domain-named reads on the outbox."""

import datetime

from django.db import models
from django.utils import timezone

from aftersales.notifications.choices import MessageStatus


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, *, now: datetime.datetime | None = None) -> "OutboxMessageQuerySet":
        """Queued or failed messages whose next attempt time has come, oldest first."""
        return self.filter(
            status__in=(MessageStatus.QUEUED, MessageStatus.FAILED),
            next_attempt_at__lte=now or timezone.now(),
        ).order_by("next_attempt_at", "id")
