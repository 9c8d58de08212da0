"""Domain-named reads on service orders."""

import datetime

from django.db import models
from django.utils import timezone

from aftersales.service.choices import OPEN_STATUSES, SlaState


def sla_condition(state: str, *, now: datetime.datetime) -> models.Q:
    """The SLA state as a condition: the one definition behind the list filter and the home counts."""
    open_ = models.Q(status__in=OPEN_STATUSES)
    # Nobody responded by the respond-by time (24 h by default): overdue, whatever the repair's due date.
    missed_response = models.Q(responded_at__isnull=True, respond_by__lt=now)
    if state == SlaState.OVERDUE:
        return open_ & (models.Q(due_at__lt=now) | missed_response)
    if state == SlaState.AT_RISK:
        return open_ & models.Q(at_risk_at__lte=now, due_at__gte=now) & ~missed_response
    if state == SlaState.ON_TRACK:
        return open_ & models.Q(at_risk_at__gt=now) & ~missed_response
    return ~open_


class ServiceOrderQuerySet(models.QuerySet):
    def open(self) -> "ServiceOrderQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.in_sla_state(SlaState.OVERDUE, now=now)

    def at_risk(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.in_sla_state(SlaState.AT_RISK, now=now)

    def on_track(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.in_sla_state(SlaState.ON_TRACK, now=now)

    def in_sla_state(self, state: str, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.filter(sla_condition(state, now=now or timezone.now()))

    def unassigned(self) -> "ServiceOrderQuerySet":
        return self.open().filter(technician__isnull=True)

    def for_list(self) -> "ServiceOrderQuerySet":
        """What every list shows, in a fixed number of queries."""
        return self.select_related("service_center", "customer", "unit__product_model", "technician")
