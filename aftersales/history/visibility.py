"""Visibility helpers for registered targets whose history is settings data."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from aftersales.accounts.permissions import can_manage_settings


def settings_only(visible_to: Callable[[Any], QuerySet]) -> Callable[[Any], QuerySet]:
    """Only those who open the settings screens read the history of settings records (within their scope)."""

    def scoped(user: Any) -> QuerySet:
        qs = visible_to(user)
        return qs if can_manage_settings(user) else qs.none()

    return scoped
