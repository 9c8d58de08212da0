"""The parts keeper's home panel: shortages, transfers to receive, requests to send."""

from typing import Any

from django.urls import reverse

from aftersales.core.registry import HomeContext
from aftersales.parts.choices import RequestStatus, SupplierClaimStatus
from aftersales.parts.permissions import claims_visible_to, locations_visible_to, requests_visible_to
from aftersales.parts.selectors import shortages

PANEL_ROWS = 8


def keeper_panel(home: HomeContext) -> dict[str, Any]:
    locations = locations_visible_to(home.user)
    short = list(shortages(locations=locations)[: PANEL_ROWS + 1])
    requests = requests_visible_to(home.user).select_related("location", "source")
    return {
        "shortages": short[:PANEL_ROWS],
        "more_shortages": len(short) > PANEL_ROWS,
        "to_receive": list(requests.filter(status=RequestStatus.SENT).order_by("sent_at")[:PANEL_ROWS]),
        "to_send": list(requests.filter(status=RequestStatus.OPEN).order_by("id")[:PANEL_ROWS]),
        "claims_to_send": list(
            claims_visible_to(home.user)
            .filter(status=SupplierClaimStatus.OPEN)
            .select_related("part")
            .order_by("id")[:PANEL_ROWS]
        ),
        "shortages_url": reverse("parts:shortages"),
        "claims_url": reverse("parts:claims"),
    }
