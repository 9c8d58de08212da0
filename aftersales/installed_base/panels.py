"""What other apps add to a unit's page (the parts fitted to it, a contract that covers it ...).

The unit's page (customer care's ``/units/<id>/``) asks ``render_unit_panels(request, unit)`` and prints
what comes back below the service history; it never names the app that adds a panel. An app registers
``unit_panels.register(RecordPanel(key, order, "dotted.path"))`` in its ``AppConfig.ready()``; the
``render(request, unit) -> str`` returns "" when it has nothing to show. The unit is already in the
user's scope; a panel checks any further predicate of its own.
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from aftersales.core.panels import RecordPanel, render_panels
from aftersales.core.registry import Registry
from aftersales.installed_base.models import Unit

unit_panels: Registry[RecordPanel] = Registry("unit panels")


def render_unit_panels(request: HttpRequest, unit: Unit) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for ``unit`` to this request's user."""
    return render_panels(unit_panels, request, unit)
