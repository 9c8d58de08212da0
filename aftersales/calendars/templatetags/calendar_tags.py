"""``{% load calendar_tags %}``: the banner shown when next year has no working-day calendar yet."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from aftersales.calendars.permissions import can_edit_calendar, sees_calendar_warning
from aftersales.calendars.selectors import business_timezone, year_is_known

register = template.Library()


@register.inclusion_tag("calendars/_next_year_banner.html", takes_context=True)
def calendar_banner(context: template.Context, always: bool = False) -> dict[str, Any]:
    """A warning when next year (in the company's time zone) is neither bundled nor entered.

    ``{% calendar_banner %}`` on the home page shows it to managers and administrators;
    ``{% calendar_banner always=True %}`` (the calendar screen) to everyone signed in. At most one
    query, and none while next year is covered by the bundled data.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (always or sees_calendar_warning(user)):
        return {"show": False}
    next_year = timezone.now().astimezone(business_timezone()).year + 1
    if year_is_known(year=next_year):
        return {"show": False}
    return {
        "show": True,
        "next_year": next_year,
        "can_edit": can_edit_calendar(user),
        "calendar_url": reverse("calendars:calendar"),
    }
