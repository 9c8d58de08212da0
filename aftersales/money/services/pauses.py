"""The order's resolution clock stands still while it waits for the customer or the factory (issue 10).

A pause opens when money starts the wait (a quote sent, a unit shipped to the factory) and closes when
the wait ends (the answer, the withdrawal, the unit back); its working days on the Chinese calendar then
move the due date through ``service``'s ``push_due_after_pause``, so the pause shows on the order's
timeline and in every SLA figure that reads the due date.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import working_days_between
from aftersales.money.choices import PauseReason
from aftersales.money.models import ClockPause
from aftersales.service.models import ServiceOrder
from aftersales.service.services.orders import push_due_after_pause


def start_pause(order: ServiceOrder, *, reason: str, note: str = "", at: datetime.datetime | None = None) -> ClockPause:
    """Open a pause (inside the caller's transaction; one open pause per order and reason)."""
    open_pause = order.clock_pauses.filter(reason=reason, ended_at__isnull=True).first()
    if open_pause is not None:
        return open_pause
    return ClockPause.objects.create(order=order, reason=reason, started_at=at or timezone.now(), note=note[:200])


def end_pause(
    order: ServiceOrder, *, reason: str, by: User | None, at: datetime.datetime | None = None
) -> ClockPause | None:
    """Close the open pause of ``reason`` and move the due date by its working days."""
    pause = order.clock_pauses.select_for_update().filter(reason=reason, ended_at__isnull=True).first()
    if pause is None:
        return None
    pause.ended_at = at or timezone.now()
    start = timezone.localdate(pause.started_at)
    pause.working_days = max(working_days_between(start=start, end=timezone.localdate(pause.ended_at)), 0)
    pause.save(update_fields=["ended_at", "working_days"])
    if pause.working_days:
        if reason == PauseReason.CUSTOMER:
            text = _("Waited for the customer's answer to quote %(note)s") % {"note": pause.note}
        else:
            text = _("Waited for the factory (%(note)s)") % {"note": pause.note}
        push_due_after_pause(order, working_days=pause.working_days, reason=text, by=by, waited_for=reason)
    return pause
