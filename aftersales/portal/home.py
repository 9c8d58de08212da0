"""The desk's home panel: fault reports from the portal still waiting to be accepted (registered in
``PortalConfig.ready()``)."""

from typing import Any

from django.urls import reverse

from aftersales.core.registry import HomeContext, HomePanel, home_panels
from aftersales.service.choices import Channel, OrderStatus
from aftersales.service.permissions import orders_visible_to

PANEL_ROWS = 6


def portal_reports(home: HomeContext) -> dict[str, Any] | None:
    waiting = orders_visible_to(home.user).filter(channel=Channel.PORTAL, status=OrderStatus.NEW)
    rows = list(waiting.select_related("customer", "unit__product_model").order_by("-id")[: PANEL_ROWS + 1])
    if not rows:
        return None
    url = f"{reverse('service:order_list')}?channel={Channel.PORTAL}&status={OrderStatus.NEW}"
    return {"rows": rows[:PANEL_ROWS], "more": len(rows) > PANEL_ROWS, "url": url}


def register_home_panels() -> None:
    home_panels.register(
        HomePanel(
            "portal.reports",
            "portal/home/reports.html",
            "aftersales.portal.home.portal_reports",
            25,
            "aftersales.portal.permissions.can_manage_access",
            slot="side",
        )
    )
