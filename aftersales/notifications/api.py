"""Your in-app notices: ``/notifications`` (keyset-paged), mark one or all as read, the unread count; and
the outbox for those who run it: ``/outbox`` (list, one message, queue again, cancel)."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import Input, TextBool, page_limit
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.filtering import filter_params
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page
from aftersales.core.schemas import Choice, answers, model_field
from aftersales.notifications import services
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import Notification, OutboxMessage
from aftersales.notifications.outbox_display import mark_states, shown_body, shown_recipient, source_of
from aftersales.notifications.permissions import can_manage_outbox, can_see_recipients
from aftersales.notifications.selectors import (
    notice_page,
    outbox_counts,
    outbox_message,
    outbox_page,
    recipient_users,
    unread_notice_count,
)

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


# --- the outbox (service managers and administrators: docs/notifications.md, "The outbox screen") ------


class OutboxQuery(Schema):
    status: str | None = Field(
        None, max_length=20, description="queued, sending, sent, failed, cancelled, gave_up or stuck"
    )
    channel: str | None = Field(None, max_length=20, description="in_app, sms, email, wecom or dingtalk")
    q: str | None = Field(None, max_length=200, description="The message key (in part) or the recipient")
    created_from: str | None = Field(None, max_length=10, description="Written on or after this day (YYYY-MM-DD)")
    created_to: str | None = Field(None, max_length=10, description="Written on or before this day (YYYY-MM-DD)")
    notices: TextBool = Field(False, description="Also the in-app notices (left out unless asked or channel=in_app)")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class OutboxMessageOut(Schema):
    id: int
    channel: Annotated[str, Choice(MessageChannel)]
    recipient: str = Field(description="A number or an address masked unless you may read them in full")
    subject: str
    body: str = Field(description="The text; a secret one (a sign-in code) is never shown")
    key: str
    status: Annotated[str, Choice(MessageStatus)]
    gave_up: bool = Field(description="Failed, and no further attempt will be made")
    stuck: bool = Field(description="Sending for longer than the stuck time (a relay that crashed)")
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_error: str
    claimed_at: datetime.datetime | None = Field(description="Sending since")
    sent_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    cancelled_by_id: int | None
    cancel_reason: str
    about: str = Field(description="The record the message is about, as its context or key says, or empty")
    about_url: str = Field(description="Its page in the console, or empty")
    created_at: datetime.datetime


class OutboxPage(Schema):
    items: list[OutboxMessageOut]
    next_cursor: str | None
    counts: dict[str, int] = Field(description="Messages of each status (and gave_up, stuck) under the other filters")


class OutboxRequeueIn(Input):
    reason: str = Field("", max_length=200, description="An optional note kept in the audit row")


class OutboxCancelIn(Input):
    reason: str = model_field(OutboxMessage, "cancel_reason", min_length=1)


def _require_outbox(request: HttpRequest) -> None:
    if not can_manage_outbox(request.user):
        raise PermissionDeniedError("forbidden", _("You may not manage the outbox."))


def _shown(request: HttpRequest, messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """The messages as this reader may read them (``OutboxMessageOut`` reads these attributes)."""
    full, users = can_see_recipients(request.user), recipient_users(messages)
    mark_states(messages)
    for message in messages:
        source = source_of(message)
        message.recipient = shown_recipient(message, full=full, users=users)
        message.body = shown_body(message)
        message.about, message.about_url = (source.label, source.url) if source else ("", "")  # type: ignore[attr-defined]
    return messages


@router.get("/outbox", response=answers(OutboxPage, 400, 403))
def list_outbox(request: HttpRequest, filters: Query[OutboxQuery]) -> dict[str, Any]:
    """The outbox, newest first, keyset-paged, with the counts of each status; a bad filter value
    answers 400 ``invalid_filter``. Service managers and administrators."""
    _require_outbox(request)
    data = filter_params(filters) | {"notices": "1" if filters.notices else "0"}
    counts = outbox_counts(request.user, data)
    page = outbox_page(request.user, data, cursor=filters.cursor, limit=page_limit(filters.limit))
    return {"items": _shown(request, page.items), "next_cursor": page.next_cursor, "counts": counts}


@router.get("/outbox/{message_id}", response=answers(OutboxMessageOut, 403, 404))
def get_outbox_message(request: HttpRequest, message_id: int) -> OutboxMessage:
    """One outbox message."""
    _require_outbox(request)
    return _shown(request, [outbox_message(request.user, message_id)])[0]


@router.post("/outbox/{message_id}/requeue", response=answers(OutboxMessageOut, 400, 403, 404, 409))
def requeue_outbox_message(request: HttpRequest, message_id: int, payload: OutboxRequeueIn) -> OutboxMessage:
    """Queue a failed message (or one stuck in sending) again, after checking it was not delivered (audited)."""
    message = services.requeue_message(by=request.user, message_id=message_id, reason=payload.reason)  # type: ignore[arg-type]
    return _shown(request, [outbox_message(request.user, message.pk)])[0]


@router.post("/outbox/{message_id}/cancel", response=answers(OutboxMessageOut, 400, 403, 404, 409))
def cancel_outbox_message(request: HttpRequest, message_id: int, payload: OutboxCancelIn) -> OutboxMessage:
    """Cancel a queued or failed message that must not go out; the reason is kept (audited)."""
    message = services.cancel_message(by=request.user, message_id=message_id, reason=payload.reason)  # type: ignore[arg-type]
    return _shown(request, [outbox_message(request.user, message.pk)])[0]
