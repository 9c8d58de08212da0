"""The customer picker's options (core.widgets.SearchPicker): the customers in the reader's scope that match
what was typed, by name or by a contact's phone number, as the customer list's search finds them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.customers.filters import search_customers
from aftersales.customers.permissions import customers_visible_to

# Options shown at once: enough to pick from, few enough to read; more typed narrows them.
PICKER_ROWS = 15
QUERY_MAX = 100


@login_required
@require_GET
def picker_options(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    found = []
    if text:
        customers = search_customers(customers_visible_to(request.user), text)
        found = list(customers.select_related("service_center").order_by("name", "pk")[: PICKER_ROWS + 1])
    options = [{"value": c.pk, "label": c.name, "detail": c.service_center.name} for c in found[:PICKER_ROWS]]
    context = {
        "options": options,
        "more": len(found) > PICKER_ROWS,
        "query": text,
        "hint": _("Type part of the name or a phone number."),
    }
    return render(request, "core/widgets/picker_options.html", context)
