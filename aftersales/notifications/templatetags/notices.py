"""``{% load notices %}``: the bell's unread count."""

from typing import Any

from django import template

from aftersales.notifications.selectors import unread_notice_count as count_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notice_count(context: template.Context) -> int:
    """``{% unread_notice_count as count %}``: the signed-in user's unread notices (0 for nobody).
    A view that counted already puts ``unread_count`` in the context; then no query is made."""
    if "unread_count" in context:
        return int(context["unread_count"])
    request: Any = context.get("request")
    return count_unread(request.user) if request is not None else 0
