"""Domain-named reads on service orders."""

import datetime

from django.db import models
from django.utils import timezone

from aftersales.service.choices import OPEN_STATUSES, SlaState


class ServiceOrderQuerySet(models.QuerySet):
    def open(self) -> "ServiceOrderQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.open().filter(due_at__lt=now or timezone.now())

    def at_risk(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        now = now or timezone.now()
        return self.open().filter(at_risk_at__lte=now, due_at__gte=now)

    def on_track(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.open().filter(at_risk_at__gt=now or timezone.now())

    def in_sla_state(self, state: str, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        if state == SlaState.OVERDUE:
            return self.overdue(now=now)
        if state == SlaState.AT_RISK:
            return self.at_risk(now=now)
        if state == SlaState.ON_TRACK:
            return self.on_track(now=now)
        return self.exclude(status__in=OPEN_STATUSES)

    def unassigned(self) -> "ServiceOrderQuerySet":
        return self.open().filter(technician__isnull=True)

    def for_list(self) -> "ServiceOrderQuerySet":
        """What every list shows, in a fixed number of queries."""
        return self.select_related("service_center", "customer", "unit__product_model", "technician")
