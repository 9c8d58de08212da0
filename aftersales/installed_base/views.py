"""The unit picker's options (core.widgets.SearchPicker): the units in the reader's scope, of the customer the
form has chosen when it sends one (all of them on an empty search), else those whose serial number starts
with what was typed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.validation import is_record_id
from aftersales.core.widgets import picker_options
from aftersales.installed_base.permissions import units_visible_to

QUERY_MAX = 64


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:QUERY_MAX].upper()
    customer = request.GET.get("customer", "")
    units = units_visible_to(request.user)
    if customer and not is_record_id(customer):
        units = units.none()  # letters, or a number no customer's id can be (2**70: a 500 on the query)
    elif customer:
        units = units.filter(customer_id=int(customer), serial_number__contains=text)
    elif text:
        units = units.filter(serial_number__startswith=text)
    else:
        units = units.none()
    return picker_options(
        request,
        units.select_related("product_model").order_by("serial_number"),
        option=lambda u: (u.pk, u.serial_number, u.product_model.name),
        query=text,
        hint=_("Choose the customer first, or type the start of a serial number."),
    )
