"""The devices panel on the home page of dispatchers and managers (``devices.watch_links``): machines whose
link is lost (longest silent first) and the orders the machines opened that are still open."""

from typing import Any

from django.urls import reverse

from aftersales.core.registry import HomeContext
from aftersales.devices.choices import LinkState, TriggerState
from aftersales.devices.permissions import states_visible_to, triggers_visible_to

PANEL_ROWS = 6


def watch_panel(home: HomeContext) -> dict[str, Any] | None:
    states = states_visible_to(home.user)
    lost = list(
        states.filter(link_state=LinkState.LOST)
        .select_related("device", "unit")
        .order_by("last_seen_at", "pk")[: PANEL_ROWS + 1]
    )
    opened = list(
        triggers_visible_to(home.user)
        .filter(state=TriggerState.OPEN)
        .select_related("order", "unit", "device", "rule")
        .order_by("-fired_at", "-pk")[: PANEL_ROWS + 1]
    )
    if not lost and not opened:
        return None
    return {
        "lost": lost[:PANEL_ROWS],
        "more_lost": len(lost) > PANEL_ROWS,
        "opened": opened[:PANEL_ROWS],
        "more_opened": len(opened) > PANEL_ROWS,
        "health_url": reverse("devices:health"),
        "lost_url": reverse("devices:health") + "?link_state=lost",
    }
