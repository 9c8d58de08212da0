"""The part picker's options (core.widgets.SearchPicker): the catalogue's parts in use whose number or name
contains what was typed."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.widgets import picker_options
from aftersales.parts.permissions import parts_visible_to

QUERY_MAX = 40


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    parts = parts_visible_to(request.user).filter(active=True)
    found = parts.filter(Q(number__icontains=text) | Q(name__icontains=text)) if text else parts.none()
    return picker_options(
        request,
        found.order_by("number"),
        option=lambda p: (p.pk, str(p), ""),
        query=text,
        hint=_("Type part of the part number or name."),
    )


urlpatterns = [path("picker/", picker, name="picker")]
