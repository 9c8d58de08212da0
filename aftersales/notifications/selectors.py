"""Reads of the notifications context."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import NotFoundError
from aftersales.core.filtering import check_filters
from aftersales.core.models import AuditLog
from aftersales.core.pagination import Page, keyset_page
from aftersales.notifications.choices import GAVE_UP, STUCK, MessageChannel, MessageStatus
from aftersales.notifications.filters import OutboxMessageFilter
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.permissions import notices_visible_to, outbox_visible_to
from aftersales.notifications.querysets import stuck_after


def unread_notice_count(user: Any) -> int:
    """The bell's number: one indexed COUNT (``notice_user_unread_idx``)."""
    return notices_visible_to(user).filter(read_at__isnull=True).count()


def notice_page(user: Any, *, unread_only: bool = False, cursor: str | None, limit: int) -> Page:
    """``user``'s notices, newest first, keyset-paged; only the unread ones when asked."""
    notices = notices_visible_to(user).select_related("target_type")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return keyset_page(notices, cursor=cursor, limit=limit)


# --- the outbox screen and API --------------------------------------------------------------------


def outbox_filter(user: Any, data: Mapping[str, Any]) -> OutboxMessageFilter:
    """The outbox filter bound to ``data`` over ``user``'s outbox (``outbox_visible_to``)."""
    return OutboxMessageFilter(data=data, queryset=outbox_visible_to(user), user=user)


def outbox_page(user: Any, data: Mapping[str, Any], *, cursor: str | None, limit: int) -> Page:
    """One page of ``user``'s outbox under the filters ``data``, newest first (keyset on id).
    A refused filter raises ``invalid_filter`` (400) before any row is read."""
    filterset = check_filters(outbox_filter(user, data))
    return keyset_page(filterset.qs.select_related("cancelled_by"), cursor=cursor, limit=limit)


def outbox_counts(user: Any, data: Mapping[str, Any], *, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many messages of each status ``user``'s outbox holds under the filters ``data`` other than
    the status (so each count is what choosing that status would list), plus ``gave_up`` (failed,
    never tried again) and ``stuck`` (sending for longer than ``stuck_after()``). One query."""
    now = now or timezone.now()
    filterset = check_filters(outbox_filter(user, {k: v for k, v in data.items() if k != "status"}))
    counts = {status: Count("pk", filter=Q(status=status)) for status in MessageStatus.values}
    counts[GAVE_UP] = Count("pk", filter=Q(status=MessageStatus.FAILED, next_attempt_at__isnull=True))
    counts[STUCK] = Count("pk", filter=Q(status=MessageStatus.SENDING, claimed_at__lt=now - stuck_after()))
    return filterset.qs.order_by().aggregate(**counts)


def outbox_message(user: Any, message_id: int) -> OutboxMessage:
    """One message of ``user``'s outbox; 404 ``not_found`` outside it."""
    message = outbox_visible_to(user).select_related("cancelled_by").filter(pk=message_id).first()
    if message is None:
        raise NotFoundError("not_found", _("No such message."))
    return message


def outbox_audit(message: OutboxMessage) -> list[AuditLog]:
    """What operators did to ``message`` (queued again, cancelled), newest first, with who."""
    target_type = ContentType.objects.get_for_model(OutboxMessage)
    rows = AuditLog.objects.filter(target_type=target_type, target_id=message.pk).select_related("user")
    return list(rows.order_by("-id"))


def recipient_users(messages: Iterable[OutboxMessage]) -> dict[str, User]:
    """The users the in-app messages among ``messages`` go to, by recipient (their id as text); one query."""
    ids = {int(m.recipient) for m in messages if m.channel == MessageChannel.IN_APP and m.recipient.isdigit()}
    return {str(u.pk): u for u in User.objects.filter(pk__in=ids)} if ids else {}
