"""Due times of a service order (domain.md Intake §9 一, Repair §6 1.3.3).

Response: clock hours from the call. Resolution: working days on the Chinese calendar, counted from
the first working day after the day of receipt, due at the end of the N-th working day.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from aftersales.calendars.selectors import WorkingCalendar
from aftersales.service.choices import OPEN_STATUSES, OrderKind, Resolution, SlaState
from aftersales.service.models import SlaPolicy
from aftersales.service.querysets import RESPONSE_AT_RISK

# The source's values, used when no policy row exists for a kind (admins edit SlaPolicy rows).
DEFAULT_POLICIES: dict[str, tuple[int, int | None, int]] = {
    # kind: (response hours, resolution working days, at-risk working days before due)
    OrderKind.CONSULTATION: (24, None, 0),
    OrderKind.REPAIR: (24, 7, 1),
    OrderKind.INSTALLATION: (24, 10, 2),
    OrderKind.MAINTENANCE: (24, 10, 2),
    OrderKind.COMPLAINT: (24, 2, 1),
    OrderKind.EXCHANGE: (24, 15, 5),
    OrderKind.RETURN_TO_FACTORY: (24, 15, 5),
}


@dataclass(frozen=True)
class Deadlines:
    respond_by: datetime.datetime
    due_at: datetime.datetime
    at_risk_at: datetime.datetime
    warning: str


POLICIES_CACHE_KEY = "service:sla-policies"
POLICIES_CACHE_SECONDS = 300


def _policies() -> dict[str, tuple[int, int | None, int]]:
    """All policy rows, cached: every intake reads them. ``update_sla_policy`` forgets the cache;
    an edit made around the service shows within ``POLICIES_CACHE_SECONDS``."""
    policies = cache.get(POLICIES_CACHE_KEY)
    if policies is None:
        policies = {
            row.kind: (row.response_hours, row.resolution_working_days, row.at_risk_working_days)
            for row in SlaPolicy.objects.all()
        }
        cache.set(POLICIES_CACHE_KEY, policies, POLICIES_CACHE_SECONDS)
    return policies


def forget_policies() -> None:
    cache.delete(POLICIES_CACHE_KEY)


def policy_for(*, kind: str, resolution: str) -> tuple[int, int | None, int]:
    effective_kind = OrderKind.RETURN_TO_FACTORY if resolution == Resolution.RETURN_TO_FACTORY else kind
    return _policies().get(effective_kind) or DEFAULT_POLICIES[effective_kind]


def end_of_day_like(reference: datetime.datetime, day: datetime.date) -> datetime.datetime:
    local = timezone.localtime(reference)
    return local.replace(year=day.year, month=day.month, day=day.day)


def deadlines_for(
    *, kind: str, resolution: str, received_at: datetime.datetime, calendar: WorkingCalendar | None = None
) -> Deadlines:
    """The order's SLA times. ``calendar``: the admin's entries already read (an import's batch)."""
    response_hours, working_days, at_risk_days = policy_for(kind=kind, resolution=resolution)
    respond_by = received_at + datetime.timedelta(hours=response_hours)
    if not working_days:
        return Deadlines(respond_by=respond_by, due_at=respond_by, at_risk_at=respond_by - RESPONSE_AT_RISK, warning="")
    calendar = calendar or WorkingCalendar()  # the admin's entries read once for both counts
    due = calendar.due_at(received_at=received_at, working_days=working_days)
    return Deadlines(
        respond_by=respond_by,
        due_at=due.due_at,
        at_risk_at=at_risk_time(due_at=due.due_at, working_days=at_risk_days, calendar=calendar),
        warning=due.warning,
    )


def at_risk_time(
    *, due_at: datetime.datetime, working_days: int, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The order turns "at risk" at the end of the working day ``working_days`` before the due day."""
    if working_days <= 0:
        return due_at
    day = (calendar or WorkingCalendar()).working_days_before(day=timezone.localtime(due_at).date(), days=working_days)
    return end_of_day_like(due_at, day)


SEVERITY = {SlaState.DONE: 0, SlaState.ON_TRACK: 1, SlaState.AT_RISK: 2, SlaState.OVERDUE: 3}


@dataclass(frozen=True)
class SlaStates:
    """The two clocks of an order and their combination (the worst of the two)."""

    response: str
    resolution: str

    @property
    def combined(self) -> str:
        return worst(self.response, self.resolution)


def worst(*states: str) -> str:
    return max(states, key=SEVERITY.__getitem__)


def response_state(order: "ServiceOrder", *, now: datetime.datetime) -> str:  # noqa: F821
    """The response clock (domain.md Intake: respond within 24 hours, §9 一): done once somebody
    responded or the order is no longer open; at risk ``RESPONSE_AT_RISK`` before respond-by;
    overdue after it. The same rule as ``querysets.response_condition``."""
    if order.status not in OPEN_STATUSES or order.responded_at is not None:
        return SlaState.DONE
    if order.respond_by < now:
        return SlaState.OVERDUE
    if order.respond_by - RESPONSE_AT_RISK <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def resolution_state(order: "ServiceOrder", *, now: datetime.datetime) -> str:  # noqa: F821
    """The resolution clock (working days, domain.md Repair §6 1.3.3): done once the order is
    completed, closed or cancelled; at risk from ``at_risk_at``; overdue after ``due_at``. The same
    rule as ``querysets.resolution_condition``."""
    if order.status not in OPEN_STATUSES:
        return SlaState.DONE
    if order.due_at < now:
        return SlaState.OVERDUE
    if order.at_risk_at <= now:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def sla_states(order: "ServiceOrder", *, now: datetime.datetime | None = None) -> SlaStates:  # noqa: F821
    now = now or timezone.now()
    return SlaStates(response=response_state(order, now=now), resolution=resolution_state(order, now=now))


def sla_state(order: "ServiceOrder", *, now: datetime.datetime | None = None) -> str:  # noqa: F821
    """The worst of the two clocks: a breach of either is overdue. The same rule as
    ``ServiceOrderQuerySet.in_sla_state``, for one loaded order."""
    return sla_states(order, now=now).combined


def finished_in_time(order: "ServiceOrder") -> bool | None:  # noqa: F821
    """For an order that is no longer open: whether it was responded to by its respond-by time and
    completed by its due time (the reports' "Responded in time" and "Resolved in time" together). None
    while it is open, and for an order that ended without being completed (cancelled)."""
    if order.status in OPEN_STATUSES or order.completed_at is None:
        return None
    responded_late = order.responded_at is not None and order.responded_at > order.respond_by
    return not responded_late and order.completed_at <= order.due_at
