"""Domain-named reads on service orders."""

import datetime

from django.db import models
from django.utils import timezone

from aftersales.service.choices import OPEN_STATUSES, SlaState

# How long before respond-by the response clock turns "at risk" (kept here, below ``sla``, which
# imports the models).
RESPONSE_AT_RISK = datetime.timedelta(hours=4)

# In the SQL as literals, as the condition of order_centre_open_idx is (core/lookups.py): SQLite and
# PostgreSQL's generic plans match a partial index only against literal values.
OPEN = models.Q(status__literal_in=OPEN_STATUSES)


def response_condition(state: str, *, now: datetime.datetime, of_open: bool = False) -> models.Q:
    """The response clock's state as a condition (``sla.response_state`` for one order).
    ``of_open``: the query is already limited to open orders (leaves the status out)."""
    waiting = models.Q(responded_at__isnull=True) if of_open else OPEN & models.Q(responded_at__isnull=True)
    if state == SlaState.OVERDUE:
        return waiting & models.Q(respond_by__lt=now)
    if state == SlaState.AT_RISK:
        return waiting & models.Q(respond_by__gte=now, respond_by__lte=now + RESPONSE_AT_RISK)
    if state == SlaState.ON_TRACK:
        return waiting & models.Q(respond_by__gt=now + RESPONSE_AT_RISK)
    return ~OPEN | models.Q(responded_at__isnull=False)


def resolution_condition(state: str, *, now: datetime.datetime, of_open: bool = False) -> models.Q:
    """The resolution clock's state as a condition (``sla.resolution_state`` for one order).
    ``of_open``: the query is already limited to open orders (leaves the status out)."""
    open_ = models.Q() if of_open else OPEN
    if state == SlaState.OVERDUE:
        return open_ & models.Q(due_at__lt=now)
    if state == SlaState.AT_RISK:
        return open_ & models.Q(at_risk_at__lte=now, due_at__gte=now)
    if state == SlaState.ON_TRACK:
        return open_ & models.Q(at_risk_at__gt=now, due_at__gte=now)
    return ~OPEN


def sla_condition(state: str, *, now: datetime.datetime) -> models.Q:
    """The combined state (the worst of the two clocks) as a condition: the one definition behind
    the list filter, the home counts and the sweep. A breach of either clock is overdue.

    The open states are ``OPEN & (…)``: the status test stands once, as a term of its own, so SQLite
    reads the partial index of open orders (``order_centre_open_idx``, whose condition it is) in id order
    instead of sorting every match (benchmarks/README.md, embedded SQLite)."""
    overdue = response_condition(SlaState.OVERDUE, now=now, of_open=True) | resolution_condition(
        SlaState.OVERDUE, now=now, of_open=True
    )
    if state == SlaState.OVERDUE:
        return OPEN & overdue
    at_risk = response_condition(SlaState.AT_RISK, now=now, of_open=True) | resolution_condition(
        SlaState.AT_RISK, now=now, of_open=True
    )
    if state == SlaState.AT_RISK:
        return OPEN & at_risk & ~overdue
    if state == SlaState.ON_TRACK:
        return OPEN & ~overdue & ~at_risk
    return ~OPEN


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

    def in_response_state(self, state: str, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.filter(response_condition(state, now=now or timezone.now()))

    def in_resolution_state(self, state: str, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        return self.filter(resolution_condition(state, now=now or timezone.now()))

    def unassigned(self) -> "ServiceOrderQuerySet":
        return self.open().filter(technician__isnull=True)

    def needing_dispatch(self, *, now: datetime.datetime | None = None) -> "ServiceOrderQuerySet":
        """The dispatch board's orders: open orders without a technician, open orders whose technician
        can no longer work them (deactivated, or moved to another centre: found in the admin review,
        2026-12-07, their jobs on track were on nobody's screen), and open orders at risk or overdue on
        either clock; most urgent first, by the next time the order must meet (its respond-by
        while nobody has responded, else its due time). (Ordered by the due time alone, an order nobody
        had answered for 10 hours stood 13th of 14, below orders on track; found by hand, 2026-12-06.)"""
        now = now or timezone.now()
        response_late = response_condition(SlaState.AT_RISK, now=now, of_open=True) | response_condition(
            SlaState.OVERDUE, now=now, of_open=True
        )
        next_deadline = models.Case(
            models.When(responded_at__isnull=True, respond_by__lt=models.F("due_at"), then=models.F("respond_by")),
            default=models.F("due_at"),
        )
        return (
            self.open()
            .filter(
                models.Q(technician__isnull=True)
                | self.technician_gone_condition()
                | models.Q(at_risk_at__lte=now)
                | response_late
            )
            .annotate(next_deadline=next_deadline)
            .order_by("next_deadline", "id")
        )

    @staticmethod
    def technician_gone_condition() -> models.Q:
        """Orders given to a technician who is deactivated or now works for another centre."""
        return models.Q(technician__isnull=False) & (
            models.Q(technician__is_active=False)
            | ~models.Q(technician__service_center_id=models.F("service_center_id"))
        )

    def for_list(self) -> "ServiceOrderQuerySet":
        """What every list shows, in a fixed number of queries."""
        return self.select_related("service_center", "customer", "unit__product_model", "technician")
