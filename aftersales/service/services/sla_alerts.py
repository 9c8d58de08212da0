"""The SLA sweep: tell a centre's dispatchers and managers when one of its orders turns at risk or
overdue on either clock (domain.md Intake: respond within 24 hours, §9 一; Repair §6 1.3.3), once per
change of state.

Set-based, whatever the number of open orders: one ``DELETE`` of what was remembered about orders no
longer open, one ``SELECT`` of the open orders (their partial index) whose state differs from the one
remembered in ``SlaAlert`` (joined), one upsert and one ``DELETE`` per ``UPDATE_BATCH`` changes, one
query for the recipients, and the notices written to the outbox in bulk. Order rows are neither
locked nor written. The states are the SQL conditions of the list filters
(``querysets.response_condition`` / ``resolution_condition``), so a notice never disagrees with the
list it leads to.

A clock going back (an extended due date, a late response recorded) is remembered too, without a
notice, so that turning at risk or overdue again notifies again. A person gets at most
``SLA_ALERTS_PER_RECIPIENT`` single-order notices from one sweep (the most urgent first); the rest
are summed up in one notice leading to the filtered list, so the first sweep after a long stop does
not bury anybody.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import batched
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.capabilities import users_with_capability
from aftersales.core.text import site_language
from aftersales.notifications.services import Notice, enqueue_notices
from aftersales.service.choices import ALERTED_SLA_STATES, SlaState
from aftersales.service.models import ServiceOrder, SlaAlert
from aftersales.service.querysets import resolution_condition, response_condition

UPDATE_BATCH = 5000
SWEEP_LOCK = 72_020_001  # the advisory lock key of the sweep (any constant unique in the project)
ALERT_CAPABILITY = "service.sla_alerts"
CLOCKS: dict[str, Callable[..., Q]] = {"response": response_condition, "resolution": resolution_condition}


@dataclass(frozen=True)
class SweepReport:
    changed: int  # orders whose remembered state changed on either clock
    alerts: int  # clock changes into at risk or overdue told (both clocks of one deadline: one)
    notices: int  # notices queued


@dataclass(frozen=True)
class _Alert:
    order_id: int
    centre_id: int
    clock: str
    was: str
    state: str


def _alert_state(clock: str, *, now: datetime.datetime) -> Case:
    """The clock's state as the sweep remembers it: ``overdue``, ``at_risk`` or "" (on track, done),
    for a query already limited to open orders."""
    condition = CLOCKS[clock]
    return Case(
        *(When(condition(state, now=now, of_open=True), then=Value(state)) for state in reversed(ALERTED_SLA_STATES)),
        default=Value(""),
        output_field=CharField(),
    )


def _setting(name: str, default: Any) -> Any:
    return settings.AFTERSALES.get(name, default)


@transaction.atomic
def sweep_sla_alerts(*, now: datetime.datetime | None = None) -> SweepReport:
    """Remember each open order's clock states and notify the changes into at risk or overdue."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        # Two sweeps at once (a slow one and the next tick) would both see the same changes: the
        # second waits here, then finds them remembered. SQLite's IMMEDIATE transactions serialise.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
    open_orders = ServiceOrder.objects.open()
    # Orders no longer open: forget what was said (no notice; their clocks are done).
    SlaAlert.objects.exclude(order_id__in=open_orders.values("pk")).delete()
    # Only the columns of the open orders' covering index (``order_centre_open_idx``) are read.
    rows = list(
        open_orders.annotate(
            response_now=_alert_state("response", now=now),
            resolution_now=_alert_state("resolution", now=now),
            response_was=Coalesce("sla_alert__response", Value("")),
            resolution_was=Coalesce("sla_alert__resolution", Value("")),
        )
        .filter(~Q(response_now=F("response_was")) | ~Q(resolution_now=F("resolution_was")))
        .order_by()
        .values_list(
            "pk",
            "service_center_id",
            "response_was",
            "resolution_was",
            "response_now",
            "resolution_now",
            "respond_by",
            "due_at",
        )
    )
    _remember([row for row in rows if row[4] or row[5]], now=now)
    for ids in batched((row[0] for row in rows if not (row[4] or row[5])), UPDATE_BATCH, strict=False):
        SlaAlert.objects.filter(order_id__in=ids).delete()
    alerts = []
    for pk, centre_id, old_response, old_resolution, response, resolution, respond_by, due_at in rows:
        told = response != old_response and response in ALERTED_SLA_STATES
        if told:
            alerts.append(_Alert(pk, centre_id, "response", old_response, response))
        # One deadline, one notice: an order due when it is to be responded to (a consultation: due =
        # respond by) turns at risk, then overdue, on both clocks at once for the one late answer, and
        # the response's notice says it all (two at once before, found by review 2026-12-07).
        same_change = told and resolution == response and due_at == respond_by
        if resolution != old_resolution and resolution in ALERTED_SLA_STATES and not same_change:
            alerts.append(_Alert(pk, centre_id, "resolution", old_resolution, resolution))
    notices = _notices(alerts, now=now)
    enqueue_notices(notices)
    return SweepReport(changed=len(rows), alerts=len(alerts), notices=len(notices))


UPSERT = """
    INSERT INTO service_slaalert (order_id, response, resolution, changed_at)
    SELECT order_id, response, resolution, %s FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[])
        AS changed (order_id, response, resolution)
    ON CONFLICT (order_id) DO UPDATE
        SET response = EXCLUDED.response, resolution = EXCLUDED.resolution, changed_at = EXCLUDED.changed_at
"""


def _remember(rows: list[tuple[Any, ...]], *, now: datetime.datetime) -> None:
    """Upsert the new states (rows of ``(pk, centre, was, was, response, resolution, …)``). PostgreSQL
    gets them as three arrays in one statement; elsewhere ``bulk_create`` upserts in batches."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        ids, responses, resolutions = zip(*((row[0], row[4], row[5]) for row in rows), strict=True)
        with connection.cursor() as cursor:
            cursor.execute(UPSERT, [now, list(ids), list(responses), list(resolutions)])
        return
    SlaAlert.objects.bulk_create(
        [SlaAlert(order_id=row[0], response=row[4], resolution=row[5], changed_at=now) for row in rows],
        batch_size=UPDATE_BATCH,
        update_conflicts=True,
        unique_fields=["order"],
        update_fields=["response", "resolution", "changed_at"],
    )


def _sla_alert_recipients(centre_ids: set[int]) -> dict[int, list[int]]:
    """The users told about a centre's orders (capability ``service.sla_alerts``: its dispatchers
    and managers), by centre: one query."""
    recipients: dict[int, list[int]] = defaultdict(list)
    users = users_with_capability(ALERT_CAPABILITY).filter(service_center_id__in=centre_ids)
    for user_id, centre_id in users.values_list("pk", "service_center_id").order_by("pk"):
        recipients[centre_id].append(user_id)
    return recipients


def _notices(alerts: list[_Alert], *, now: datetime.datetime) -> list[Notice]:
    if not alerts:
        return []
    by_centre: dict[int, list[_Alert]] = defaultdict(list)
    for alert in alerts:
        by_centre[alert.centre_id].append(alert)
    limit = _setting("SLA_ALERTS_PER_RECIPIENT", 20)
    shown: dict[int, list[_Alert]] = {}
    rest: dict[int, int] = {}
    rest_state: dict[int, str] = {}
    for centre_id, centre_alerts in by_centre.items():
        # The single notices go to the overdue first, then the oldest orders.
        centre_alerts.sort(key=lambda a: (a.state != SlaState.OVERDUE, a.order_id, a.clock))
        shown[centre_id] = centre_alerts[:limit]
        # The rest are counted as orders (not clocks) none of whose changes was shown, and the summary
        # leads to the list they are on: overdue when any is, else at risk (found by hand, 2026-12-07).
        told = {alert.order_id for alert in shown[centre_id]}
        untold = [alert for alert in centre_alerts[limit:] if alert.order_id not in told]
        rest[centre_id] = len({alert.order_id for alert in untold})
        overdue = any(alert.state == SlaState.OVERDUE for alert in untold)
        rest_state[centre_id] = SlaState.OVERDUE if overdue else SlaState.AT_RISK
    recipients = _sla_alert_recipients(set(by_centre))
    ids = {alert.order_id for centre_alerts in shown.values() for alert in centre_alerts}
    orders = {o.pk: o for o in ServiceOrder.objects.filter(pk__in=ids).only("number", "respond_by", "due_at")}
    stamp = timezone.localtime(now).strftime("%Y%m%dT%H%M%S%f")
    orders_url = reverse("service:order_list")
    notices: list[Notice] = []
    # The notices are stored as text: written in the site's language (zh-hans), not a request's.
    with site_language():
        for centre_id, centre_alerts in shown.items():
            for user_id in recipients.get(centre_id, []):
                notices.extend(
                    Notice(
                        user_id=user_id,
                        message=_alert_message(alert, orders[alert.order_id]),
                        key=f"order-{alert.order_id}-sla-{alert.clock}-{alert.was or 'ok'}-{alert.state}-{stamp}"
                        f"-user-{user_id}",
                        url=reverse("service:order_detail", args=[alert.order_id]),
                        target="service.serviceorder",
                        target_id=alert.order_id,
                    )
                    for alert in centre_alerts
                )
                if rest[centre_id]:
                    notices.append(
                        Notice(
                            user_id=user_id,
                            message=ngettext(
                                "%(count)d more order of your centre turned at risk or overdue.",
                                "%(count)d more orders of your centre turned at risk or overdue.",
                                rest[centre_id],
                            )
                            % {"count": rest[centre_id]},
                            key=f"sla-{stamp}-centre-{centre_id}-user-{user_id}",
                            url=f"{orders_url}?sla_state={rest_state[centre_id]}",
                        )
                    )
    return notices


def _alert_message(alert: _Alert, order: ServiceOrder) -> str:
    at = order.respond_by if alert.clock == "response" else order.due_at
    values = {"number": order.number, "time": timezone.localtime(at).strftime("%m-%d %H:%M")}
    if alert.clock == "response":
        if alert.state == SlaState.OVERDUE:
            return _("Order %(number)s: nobody has responded; it was to be responded to by %(time)s.") % values
        return _("Order %(number)s: respond by %(time)s (at risk).") % values
    if alert.state == SlaState.OVERDUE:
        return _("Order %(number)s is overdue: it was due %(time)s.") % values
    return _("Order %(number)s is at risk: due %(time)s.") % values
