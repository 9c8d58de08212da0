"""The customer picker's options (core.widgets.SearchPicker): the customers in the reader's scope that match
what was typed, by name or by a contact's phone number, as the customer list's search finds them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.widgets import picker_options
from aftersales.customers.filters import search_customers
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to

QUERY_MAX = 100


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    found = search_customers(customers_visible_to(request.user), text) if text else Customer.objects.none()
    return picker_options(
        request,
        found.select_related("service_center").order_by("name", "pk"),
        option=lambda c: (c.pk, c.name, c.service_center.name),
        query=text,
        hint=_("Type part of the name or a phone number."),
    )
