"""What other apps add to an order's page (charge lines and quotes, parts issued, a contract ...).

service sits below the areas and imports none of them: an app above registers a panel in its own
``AppConfig.ready()`` (``order_panels.register(RecordPanel(key, order, "dotted.path"))``) and the
order page prints what each ``render(request, order)`` returns ("" for nothing to show to this
user), below the visits. The panel checks its own predicate; the order is already in the user's scope.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from aftersales.core.panels import RecordPanel, render_panels
from aftersales.core.registry import Ref, Registry, resolve
from aftersales.service.models import ServiceOrder

order_panels: Registry[RecordPanel] = Registry("order panels")


def render_order_panels(request: HttpRequest, order: ServiceOrder) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for ``order`` to this request's user."""
    return render_panels(order_panels, request, order)


# ---- visits: the order page, the technician's phone view, the printed A4 service record ----------
PLACES = ("page", "phone", "print")


@dataclass(frozen=True)
class VisitPanel:
    """What another app shows under each visit: ``render(request, visit, place) -> str`` with place
    "page", "phone" or "print" ("" for nothing); ``{% visit_panels visit "page" %}`` (service_tags)."""

    key: str
    order: int
    render: Ref  # (request, visit, place) -> str


visit_panels: Registry[VisitPanel] = Registry("visit panels")


def render_visit_panels(request: HttpRequest | None, visit: Any, place: str) -> SafeString:
    """The HTML of every registered panel that has something to show for ``visit`` at ``place``."""
    if place not in PLACES:
        raise ValueError(f"unknown visit panel place {place!r}")
    parts = [resolve(panel.render)(request, visit, place) for panel in visit_panels]
    return format_html_join("", "{}", ((mark_safe(html),) for html in parts if html))  # noqa: S308 - rendered from templates


def render_order_panels_html(request: HttpRequest, order: Any) -> SafeString:
    """``render_order_panels`` as one piece of HTML (the technician's phone view: ``{% order_panels order %}``)."""
    return format_html_join("", "{}", ((html,) for html in render_order_panels(request, order)))
