"""The part picker's options (core.widgets.SearchPicker): the catalogue's parts whose number or name contains
what was typed."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.parts.permissions import parts_visible_to

PICKER_ROWS = 15
QUERY_MAX = 40


@login_required
@require_GET
def picker_options(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    found = []
    if text:
        parts = parts_visible_to(request.user).filter(active=True)
        found = list(
            parts.filter(Q(number__icontains=text) | Q(name__icontains=text)).order_by("number")[: PICKER_ROWS + 1]
        )
    context = {
        "options": [{"value": p.pk, "label": str(p), "detail": ""} for p in found[:PICKER_ROWS]],
        "more": len(found) > PICKER_ROWS,
        "query": text,
        "hint": _("Type part of the part number or name."),
    }
    return render(request, "core/widgets/picker_options.html", context)


urlpatterns = [path("picker/", picker_options, name="picker")]
