"""The link sweep: a device not heard from for ``DEVICES["LINK_LOST_MINUTES"]`` has lost its link.

Run every ``LINK_SWEEP_SECONDS`` as a periodic job. Each device that turns lost gets a ``LinkEvent``
and an in-app alert (through the outbox, once per device and moment) to the users of its unit's
centre who watch devices; the next message it sends turns it online again (``ingest``)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.capabilities import users_with_capability
from aftersales.core.text import in_site_language
from aftersales.devices.choices import LinkState
from aftersales.devices.models import DeviceState, LinkEvent
from aftersales.devices.partitions import devices_setting
from aftersales.notifications.services import Notice, enqueue_notices

ALERT_CAPABILITY = "devices.watch_links"


@dataclass
class LinkSweep:
    lost: int
    notices: int


@in_site_language
@transaction.atomic
def sweep_links(*, now: datetime.datetime | None = None) -> LinkSweep:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=int(devices_setting("LINK_LOST_MINUTES")))
    states = list(
        # ``of=("self",)``: the unit is joined from the nullable side, which PostgreSQL cannot lock.
        DeviceState.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(link_state=LinkState.ONLINE, last_seen_at__lt=cutoff)
        .select_related("device", "unit__customer")
        .order_by("pk")
    )
    if not states:
        return LinkSweep(0, 0)
    for state in states:
        state.link_state, state.link_changed_at = LinkState.LOST, now
    DeviceState.objects.bulk_update(states, ["link_state", "link_changed_at"])
    LinkEvent.objects.bulk_create([LinkEvent(device_id=s.device_id, state=LinkState.LOST, at=now) for s in states])
    centres = {s.unit.customer.service_center_id for s in states if s.unit is not None}
    watchers: dict[int, list[int]] = {}
    for user_id, centre_id in (
        users_with_capability(ALERT_CAPABILITY)
        .filter(service_center_id__in=centres)
        .values_list("pk", "service_center_id")
    ):
        watchers.setdefault(centre_id, []).append(user_id)
    notices = []
    for state in states:
        if state.unit is None:
            continue
        message = _("Device %(device)s on unit %(unit)s: no message since %(since)s.") % {
            "device": state.device.serial,
            "unit": state.unit.serial_number,
            "since": timezone.localtime(state.last_seen_at).strftime("%Y-%m-%d %H:%M"),
        }
        for user_id in watchers.get(state.unit.customer.service_center_id, []):
            notices.append(
                Notice(
                    user_id=user_id,
                    message=message,
                    key=f"device-{state.device_id}-lost-{now:%Y%m%d%H%M%S}-user-{user_id}",
                    url=reverse("devices:health"),
                    target="devices.device",
                    target_id=state.device_id,
                )
            )
    enqueue_notices(notices)
    return LinkSweep(len(states), len(notices))
