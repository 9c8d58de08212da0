"""Your in-app notices: ``/notifications`` (keyset-paged), mark one or all as read, the unread count."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from aftersales.core.api import TextBool, page_limit
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page
from aftersales.core.schemas import answers
from aftersales.notifications import services
from aftersales.notifications.models import Notification
from aftersales.notifications.selectors import notice_page, unread_notice_count

router = Router(tags=["notifications"])


class NoticeOut(Schema):
    id: int
    message: str
    url: str = Field(description="Where the notice leads in the console (the order's page), or empty")
    target: str | None = Field(description="The kind of record it is about, e.g. service.serviceorder")
    target_id: int | None
    is_read: bool
    read_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_target(notice: Notification) -> str | None:
        return f"{notice.target_type.app_label}.{notice.target_type.model}" if notice.target_type else None


class NoticePage(Schema):
    items: list[NoticeOut]
    next_cursor: str | None
    unread_count: int = Field(description="All your unread notices, not only this page's")


class NoticeQuery(Schema):
    unread: TextBool = Field(False, description="Only the unread notices")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class UnreadOut(Schema):
    unread_count: int


class MarkedOut(Schema):
    marked: int = Field(description="How many notices were unread and are now read")


@router.get("/notifications", response=answers(NoticePage, 400))
def list_notices(request: HttpRequest, params: Query[NoticeQuery]) -> dict[str, Any]:
    """Your notices, newest first, keyset-paged (pass ``next_cursor`` back as ``cursor``)."""
    page: Page = notice_page(
        request.user,
        unread_only=params.unread,
        cursor=params.cursor,
        limit=page_limit(params.limit),
    )
    return {"items": page.items, "next_cursor": page.next_cursor, "unread_count": unread_notice_count(request.user)}


@router.get("/notifications/unread-count", response=answers(UnreadOut))
def notices_unread_count(request: HttpRequest) -> dict[str, int]:
    """The bell's number: how many of your notices are unread."""
    return {"unread_count": unread_notice_count(request.user)}


@router.post("/notifications/read-all", response=answers(MarkedOut))
def read_all_notices(request: HttpRequest) -> dict[str, int]:
    """Mark all your notices as read."""
    return {"marked": services.mark_all_notices_read(user=request.user)}


@router.post("/notifications/{notice_id}/read", response=answers(NoticeOut, 404))
def read_notice(request: HttpRequest, notice_id: int) -> Notification:
    """Mark one of your notices as read (again: unchanged). Another user's notice answers 404."""
    return services.mark_notice_read(user=request.user, notice_id=notice_id)
