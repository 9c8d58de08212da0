"""Console pages of the notifications app, mounted at /notifications/: the list, mark read, the bell."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.notifications import services
from aftersales.notifications.models import Notification
from aftersales.notifications.selectors import notice_page, unread_notice_count

PAGE_SIZE = 30


def _list_url(show: str, cursor: str | None = None) -> str:
    url = reverse("notifications:list")
    params = [f"show={show}"] if show == "unread" else []
    if cursor:
        params.append(f"cursor={cursor}")
    return url + ("?" + "&".join(params) if params else "")


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """Your notices, newest first, 30 a page; ``?show=unread`` for the unread ones only."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    try:
        page = notice_page(
            request.user, unread_only=show == "unread", cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except ValidationFailed as exc:
        return HttpResponseBadRequest(exc.detail)
    context = {
        "notices": page.items,
        "show": show,
        "unread_count": unread_notice_count(request.user),
        "older_url": _list_url(show, page.next_cursor) if page.next_cursor else None,
        "is_later_page": bool(request.GET.get("cursor")),
        "first_page_url": _list_url(show),
        "all_url": _list_url("all"),
        "unread_url": _list_url("unread"),
    }
    return render(request, "notifications/notification_list.html", context)


def _mark(request: HttpRequest, notice_id: int) -> Notification:
    try:
        return services.mark_notice_read(user=request.user, notice_id=notice_id)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


@login_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one notice read. htmx: the row again and the bell (out of band); otherwise back to the list."""
    notice = _mark(request, notice_id)
    if request.headers.get("HX-Request"):
        context: dict[str, Any] = {"notice": notice, "unread_count": unread_notice_count(request.user), "oob": True}
        return render(request, "notifications/_notice_row.html", context)
    return redirect(_safe_next(request) or reverse("notifications:list"))


@login_required
@require_POST
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one notice read and go where it leads (its record's page), or back to the list."""
    notice = _mark(request, notice_id)
    target = notice.url if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else ""
    return redirect(target or reverse("notifications:list"))


@login_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_notices_read(user=request.user)
    if count:
        messages.success(request, _("All notices marked as read."))
    return redirect(reverse("notifications:list"))


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, for htmx to refresh the count every minute."""
    return render(request, "notifications/_bell.html", {"unread_count": unread_notice_count(request.user)})


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else ""
