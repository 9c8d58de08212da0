"""The outbox screen (/settings/outbox/): the messages with their counts, one message, queue again, cancel.

A settings section (``notifications.manage_outbox``: service managers and administrators; 403 for
anyone else signed in). Reads go through ``outbox_visible_to``; the actions call the services the API
and the Django admin call, which check, write and audit.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.core.errors import DomainError, NotFoundError
from aftersales.core.filtering import screen_filterset_refusal
from aftersales.core.settings_views import SettingsSectionMixin
from aftersales.notifications import services
from aftersales.notifications.choices import GAVE_UP, STUCK, MessageStatus
from aftersales.notifications.filters import STATUS_CHOICES
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.outbox_display import mark_states, shown_body, shown_recipient, source_of
from aftersales.notifications.permissions import can_see_recipients
from aftersales.notifications.selectors import (
    outbox_audit,
    outbox_counts,
    outbox_filter,
    outbox_message,
    outbox_page,
    recipient_users,
)

SECTION = "outbox"
PAGE_SIZE = 50
COUNTED = (
    MessageStatus.QUEUED,
    MessageStatus.SENDING,
    STUCK,
    MessageStatus.SENT,
    MessageStatus.FAILED,
    GAVE_UP,
    MessageStatus.CANCELLED,
)


def _query(params: QueryDict, **changes: str) -> str:
    query = params.copy()
    query.pop("cursor", None)
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


class OutboxListView(SettingsSectionMixin, TemplateView):
    """The outbox, newest first, 50 a page (keyset: "Older"), with the counts of each status at the
    top. A refused filter answers 400 with the reason above an empty table."""

    template_name = "notifications/outbox_list.html"
    section = SECTION
    title = gettext_lazy("Outbox")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(**kwargs)
        fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
        template = "notifications/_outbox_results.html" if fragment else self.template_name
        response = render(request, template, context, status=400 if context["error"] else 200)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        data = {name: value for name, value in params.items() if name != "cursor" and value != ""}
        rows, counts, next_cursor = [], {}, None
        # A refused filter in the words of every screen's (core.filtering), not the API's "name: reason".
        error = screen_filterset_refusal(outbox_filter(user, data))
        if not error:
            try:
                counts = outbox_counts(user, data)
                page = outbox_page(user, data, cursor=params.get("cursor") or None, limit=PAGE_SIZE)
            except DomainError as exc:  # a cursor it cannot read
                error = exc.detail
            else:
                rows, next_cursor = page.items, page.next_cursor
        full, users = can_see_recipients(user), recipient_users(rows)
        mark_states(rows)
        for message in rows:
            message.shown_recipient = shown_recipient(message, full=full, users=users)
            message.shown_body = shown_body(message)  # never a secret's text (a sign-in code), as on the detail
        status = str(data.get("status", ""))
        context.update(
            form=outbox_filter(user, params).form,
            messages_page=rows,
            error=error,
            status=status,
            counts=[
                {
                    "status": key,
                    "label": dict(STATUS_CHOICES)[key],
                    "count": counts.get(key, 0),
                    "url": _query(params, status=key),
                    "active": key == status,
                    "alert": key in (STUCK, GAVE_UP) and counts.get(key, 0) > 0,
                }
                for key in COUNTED
            ]
            if counts
            else [],
            all_url=_query(params, status=""),
            older_url=_query(params, cursor=next_cursor) if next_cursor else "",
            first_url=_query(params) if params.get("cursor") else "",
        )
        return context


class OutboxDetailView(SettingsSectionMixin, TemplateView):
    """One message: text, attempts, the last failure, times, the record it is about, what operators
    did to it, and the two actions when its status allows them."""

    template_name = "notifications/outbox_detail.html"
    section = SECTION

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(message_id=kwargs["message_id"])

    def page(self, *, message_id: int, error: DomainError | None = None, action: str = "") -> HttpResponse:
        try:
            message = outbox_message(self.request.user, message_id)
        except NotFoundError as exc:
            raise Http404(exc.detail) from exc
        full = can_see_recipients(self.request.user)
        mark_states([message])
        context = self.get_context_data(
            message=message,
            shown_recipient=shown_recipient(message, full=full, users=recipient_users([message])),
            body=shown_body(message),
            source=source_of(message),
            audit=outbox_audit(message),
            can_requeue=services.can_requeue(message),
            can_cancel=services.can_cancel(message),
            error=error,
            error_action=action,
            error_in_form=(action == "requeue" and services.can_requeue(message))
            or (action == "cancel" and services.can_cancel(message)),
            reason=self.request.POST.get("reason", "") if error else "",
            list_url=reverse("notifications_outbox:list"),
        )
        context["title"] = _("Outbox message %(id)s") % {"id": message.pk}
        return self.render_to_response(context, status=error.status if error else 200)


class _OutboxActionView(SettingsSectionMixin, View):
    """POST: call the action's service; back to the message with a note, or the page again with the
    refusal in place (400 bad input, 409 a status that does not allow it, 404 out of scope)."""

    http_method_names = ["post"]
    section = SECTION
    action = ""
    done_message: Any = ""

    def call(self, message_id: int, reason: str) -> OutboxMessage:
        raise NotImplementedError

    def done(self, message: OutboxMessage) -> str:
        return str(self.done_message)

    def post(self, request: HttpRequest, message_id: int) -> HttpResponse:
        reason = request.POST.get("reason", "")
        try:
            message = self.call(message_id, reason)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            if exc.status == 404:
                raise Http404(exc.detail) from exc
            detail = OutboxDetailView(request=request, kwargs={"message_id": message_id})
            return detail.page(message_id=message_id, error=exc, action=self.action)
        messages.success(request, self.done(message))
        return HttpResponseRedirect(reverse("notifications_outbox:detail", args=[message_id]))


class OutboxRequeueView(_OutboxActionView):
    action = "requeue"
    done_message = gettext_lazy("Queued again: the relay sends it shortly.")

    def call(self, message_id: int, reason: str) -> OutboxMessage:
        return services.requeue_message(by=self.request.user, message_id=message_id, reason=reason)  # type: ignore[arg-type]

    def done(self, message: OutboxMessage) -> str:
        leaves = message.next_attempt_at
        if leaves is not None and leaves > timezone.now():  # a customer SMS held through the quiet hours
            return _("Queued again: it leaves at %(time)s, when the customers' quiet hours end.") % {
                "time": f"{timezone.localtime(leaves):%H:%M}"
            }
        return str(self.done_message)


class OutboxCancelView(_OutboxActionView):
    action = "cancel"
    done_message = gettext_lazy("Cancelled: the message will not be sent.")

    def call(self, message_id: int, reason: str) -> OutboxMessage:
        return services.cancel_message(by=self.request.user, message_id=message_id, reason=reason)  # type: ignore[arg-type]
