"""What other apps add to the calendar screen, below its title (the due dates a change moves).

calendars sits below service and imports none of it: an app above registers a panel in its own
``AppConfig.ready()`` (``calendar_panels.register(RecordPanel(key, order, "dotted.path"))``) and the
calendar view prints what each ``render(request, year)`` returns ("" for nothing to show).
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from aftersales.core.panels import RecordPanel, render_panels
from aftersales.core.registry import Registry

calendar_panels: Registry[RecordPanel] = Registry("calendar panels")


def render_calendar_panels(request: HttpRequest, *, year: int) -> list[SafeString]:
    """The HTML of every registered panel that has something to show to this request's user."""
    return render_panels(calendar_panels, request, year)
