"""The part picker's options (core.widgets.SearchPicker): the catalogue's parts whose number or name contains
what was typed, those in use first, then the retired ones marked 停用. A failure is reported on the part an
old unit carries, and the catalogue retires parts the field still holds (quality cases, domain.md §13 3.7)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from aftersales.core.widgets import picker_options
from aftersales.parts.models import Part
from aftersales.parts.permissions import parts_visible_to

QUERY_MAX = 40


def _option(part: Part) -> tuple[int, str, str]:
    return part.pk, str(part), "" if part.active else pgettext("a part no longer in the catalogue", "Retired")


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    parts = parts_visible_to(request.user)
    found = parts.filter(Q(number__icontains=text) | Q(name__icontains=text)) if text else parts.none()
    return picker_options(
        request,
        found.order_by("-active", "number"),
        option=_option,
        query=text,
        hint=_("Type part of the part number or name."),
    )


urlpatterns = [path("picker/", picker, name="picker")]
