"""``{% load calendar_tags %}``: the banner shown when next year has no working-day calendar yet."""

from typing import Any

from django import template
from django.utils import timezone

from aftersales.calendars.home import next_year_warning

register = template.Library()


@register.inclusion_tag("calendars/_next_year_banner.html", takes_context=True)
def calendar_banner(context: template.Context, always: bool = False) -> dict[str, Any]:
    """A warning when next year (in the company's time zone) is neither bundled nor entered.

    ``{% calendar_banner always=True %}`` (the calendar screen) shows it to everyone signed in;
    without ``always`` to the users ``sees_calendar_warning`` picks (managers and administrators).
    The home page shows the same warning as a registered panel (``calendars/home.py``).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    return next_year_warning(user, now=timezone.now(), always=always) or {"show": False}
