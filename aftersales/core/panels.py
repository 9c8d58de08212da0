"""Panels that apps add to a record's page (the history of a centre, a product model ...).

A page that shows one record (the settings edit pages) asks ``render_record_panels(request, obj)``
and prints what comes back; it never names the app that adds a panel. Each app registers its panels
in ``AppConfig.ready()`` with a dotted path to ``render(request, obj) -> str`` (HTML, or "" when it has
nothing to show for this record or this user), so core imports no app.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from aftersales.core.registry import Ref, Registry, resolve


@dataclass(frozen=True)
class RecordPanel:
    key: str
    order: int
    render: Ref  # (request, obj) -> str


record_panels: Registry[RecordPanel] = Registry("record panels")


def render_panels(panels: Registry[RecordPanel], request: HttpRequest, obj: Any) -> list[SafeString]:
    """The HTML of every panel of ``panels`` that has something to show for ``obj`` to this request's user."""
    rendered = []
    for panel in panels:
        html = resolve(panel.render)(request, obj)
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 - the panel rendered it from a template
    return rendered


def render_record_panels(request: HttpRequest, obj: Any) -> list[SafeString]:
    """The HTML of every panel that has something to show for ``obj`` to this request's user."""
    if obj is None or getattr(obj, "pk", None) is None:
        return []
    return render_panels(record_panels, request, obj)
