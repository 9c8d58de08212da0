"""Who reads which notices: everyone their own, nobody anybody else's (an administrator included)."""

from typing import Any

from django.db.models import QuerySet

from aftersales.notifications.models import Notification


def can_read_notices(user: Any) -> bool:
    """Every signed-in, active user has a notice list (the bell)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def notices_visible_to(user: Any) -> QuerySet[Notification]:
    if not can_read_notices(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)
