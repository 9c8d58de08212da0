"""The quiet hours of customer SMS (``AFTERSALES["SMS_QUIET_HOURS"]``, 21:00–08:00 by default, in
``TIME_ZONE``): when a customer SMS may leave. Read by ``customer_sms.send_customer_sms`` when one is
written and by the relay when one is to be tried again (``services._record_failure``)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

DEFAULT_QUIET_HOURS = "21:00-08:00"


def quiet_hours() -> tuple[datetime.time, datetime.time] | None:
    """``AFTERSALES["SMS_QUIET_HOURS"]`` ("21:00-08:00": from 21:00 to 08:00 the next morning), or
    None when it is empty (customer SMS leave at any hour)."""
    raw = str(settings.AFTERSALES.get("SMS_QUIET_HOURS", DEFAULT_QUIET_HOURS)).strip()
    if not raw:
        return None
    try:
        start, end = (datetime.time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise ImproperlyConfigured(
            f"AFTERSALES_SMS_QUIET_HOURS={raw!r}: write it as HH:MM-HH:MM (e.g. 21:00-08:00), or empty for none"
        ) from None
    return None if start == end else (start, end)


def held_until(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When a customer SMS written at ``now`` may leave: the end of the quiet hours it falls in (local
    time of ``TIME_ZONE``, Asia/Shanghai), or None when it may leave at once."""
    window = quiet_hours()
    if window is None:
        return None
    start, end = window
    zone = ZoneInfo(settings.TIME_ZONE)
    local = (now or timezone.now()).astimezone(zone)
    at = local.time()
    quiet = (at >= start or at < end) if start > end else (start <= at < end)
    if not quiet:
        return None
    day = local.date() if at < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=zone)
