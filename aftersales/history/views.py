"""The History panel on a record's page, and its "older" pages (htmx; opened directly, a page)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from aftersales.history.display import describe
from aftersales.history.registry import HistoryTarget, target_for_model, target_named
from aftersales.history.selectors import activity_page

PANEL_ROWS = 10


def _rows_context(target: HistoryTarget, obj: Any, *, cursor: str | None) -> dict[str, Any]:
    page = activity_page(obj, cursor=cursor, limit=PANEL_ROWS)
    more_url = None
    if page.next_cursor:
        more_url = reverse("history:rows", args=[target.name, obj.pk]) + f"?cursor={page.next_cursor}"
    return {"entries": [describe(a) for a in page.items], "more_url": more_url}


def record_panel(request: HttpRequest, obj: Any) -> str:
    """``core.panels`` hook: the History card of ``obj``, or "" if its kind has no history or the user
    may not see the record."""
    target = target_for_model(type(obj))
    if target is None or not target.visible_to(request.user).filter(pk=obj.pk).exists():
        return ""
    return render_to_string("history/_panel.html", _rows_context(target, obj, cursor=None), request=request)


@login_required
@require_GET
def history_rows(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    """The next rows of a record's History panel (the "Older changes" button), 404 outside scope."""
    registered = target_named(target)
    if registered is None:
        raise Http404
    obj = get_object_or_404(registered.visible_to(request.user), pk=pk)
    context = _rows_context(registered, obj, cursor=request.GET.get("cursor") or None)
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true":
        response = HttpResponse(render_to_string("history/_rows.html", context, request=request))
    else:
        # Opened directly (a link, docs/care.md's "full rows", the browser's back button): the page,
        # not an unstyled fragment (QA 2026-12-07).
        url = getattr(obj, "get_absolute_url", None)
        context |= {"record": obj, "record_kind": obj._meta.verbose_name, "record_url": url() if url else None}
        response = render(request, "history/record_history.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
