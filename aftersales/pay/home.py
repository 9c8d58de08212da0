"""The home page's pay panel: the latest runs the user may see, or their own latest statement."""

from typing import Any

from aftersales.core.registry import HomeContext
from aftersales.pay.permissions import own_statements, runs_visible_to


def pay_panel(home: HomeContext) -> dict[str, Any] | None:
    runs = list(
        runs_visible_to(home.user).select_related("service_center").order_by("-period", "service_center_id")[:4]
    )
    mine = own_statements(home.user).select_related("run").order_by("-run__period").first()
    if not runs and mine is None:
        return None
    return {"runs": runs, "mine": mine}
