"""The follow-up clerk's home panel: due today, overdue, to retry (registered in ``CareConfig.ready()``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.care.selectors import task_counts, task_list
from aftersales.core.registry import HomeContext, HomePanel, home_panels

PANEL_ROWS = 6


def follow_ups(home: HomeContext) -> dict[str, Any] | None:
    counts = task_counts(user=home.user)
    url = reverse("care:follow_up_list")
    return {
        "counts": counts,
        # Overdue first, then due today (the earliest window's end first), in one query.
        "rows": list(task_list(user=home.user, which="open_now")[:PANEL_ROWS]),
        "lists": [
            ("due", _("Due today"), counts["due"], "text-bg-primary"),
            ("overdue", _("Overdue"), counts["overdue"], "text-bg-danger"),
            ("retry", _("To retry"), counts["retry"], "text-bg-warning"),
        ],
        "url": url,
    }


def register_home_panels() -> None:
    home_panels.register(
        HomePanel(
            "care.follow_ups",
            "care/home/follow_ups.html",
            "aftersales.care.home.follow_ups",
            30,
            "aftersales.care.permissions.can_make_calls",
            slot="side",
        )
    )
