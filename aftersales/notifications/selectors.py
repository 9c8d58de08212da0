"""Reads of the notifications context."""

from typing import Any

from aftersales.core.pagination import Page, keyset_page
from aftersales.notifications.permissions import notices_visible_to


def unread_notice_count(user: Any) -> int:
    """The bell's number: one indexed COUNT (``notice_user_unread_idx``)."""
    return notices_visible_to(user).filter(read_at__isnull=True).count()


def notice_page(user: Any, *, unread_only: bool = False, cursor: str | None, limit: int) -> Page:
    """``user``'s notices, newest first, keyset-paged; only the unread ones when asked."""
    notices = notices_visible_to(user).select_related("target_type")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return keyset_page(notices, cursor=cursor, limit=limit)
