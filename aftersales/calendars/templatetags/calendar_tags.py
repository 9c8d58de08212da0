"""``{% load calendar_tags %}``: the banner shown when next year has no working-day calendar yet."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.permissions import has_any_role
from aftersales.calendars.permissions import can_edit_calendar
from aftersales.calendars.selectors import business_timezone, year_is_known

register = template.Library()

# Outside the calendar screen only the people who act on it see the banner: administrators enter
# the year, service managers chase them and answer for the due dates.
BANNER_ROLES = (Role.MANAGER, Role.ADMIN)


@register.inclusion_tag("calendars/_next_year_banner.html", takes_context=True)
def calendar_banner(context: template.Context, always: bool = False) -> dict[str, Any]:
    """A warning when next year (in the company's time zone) is neither bundled nor entered.

    ``{% calendar_banner %}`` on the home page shows it to managers and administrators;
    ``{% calendar_banner always=True %}`` (the calendar screen) to everyone signed in. At most one
    query, and none while next year is covered by the bundled data.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (always or has_any_role(user, BANNER_ROLES)):
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
