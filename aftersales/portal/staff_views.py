"""Staff's portal screens: who has portal access (revoke, restore, administrator, send a code) and
the units' QR labels (one code as SVG or PNG, a printable A4 sheet, reissue). Every record through
the staff member's scope; out of scope answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.pagination import keyset_page
from aftersales.core.phones import phone_search_key
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to
from aftersales.portal import qr, services
from aftersales.portal.forms import ContactSearchForm
from aftersales.portal.models import PortalAccess
from aftersales.portal.permissions import (
    can_manage_access,
    can_print_labels,
    contacts_visible_to,
    label_units_visible_to,
)

PAGE = 50
# Labels on one printed sheet run: an A4 page holds 12 (3 × 4).
SHEET_MOST = 240

ACTIONS = {
    "revoke": lambda contact_id, by: services.set_access_revoked(contact_id=contact_id, by=by, revoked=True),
    "restore": lambda contact_id, by: services.set_access_revoked(contact_id=contact_id, by=by, revoked=False),
    "make-admin": lambda contact_id, by: services.set_portal_admin(contact_id=contact_id, by=by, is_admin=True),
    "clear-admin": lambda contact_id, by: services.set_portal_admin(contact_id=contact_id, by=by, is_admin=False),
    "send-code": lambda contact_id, by: services.send_code_for_contact(contact_id=contact_id, by=by),
}


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def access_list(request: HttpRequest) -> HttpResponse:
    """Every contact of the customers one sees, with their portal standing."""
    user = _staff(request)
    _need(can_manage_access(user))
    return _access_page(request, user)


def _access_page(request: HttpRequest, user: User, *, status: int = 200) -> HttpResponse:
    form = ContactSearchForm(request.GET or None)
    qs = contacts_visible_to(user).select_related("customer", "portal_access")
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if text:
        phone = phone_search_key(text) if sum(c.isdigit() for c in text) >= 7 else None
        qs = (
            qs.filter(mobile=phone) if phone else qs.filter(Q(name__icontains=text) | Q(customer__name__icontains=text))
        )
    page = keyset_page(qs, cursor=request.GET.get("cursor"), limit=PAGE)
    rows = []
    for contact in page.items:
        try:
            access: PortalAccess | None = contact.portal_access
        except PortalAccess.DoesNotExist:
            access = None
        rows.append((contact, access))
    context = {"form": form, "page": page, "rows": rows, "q": text}
    return render(request, "portal/staff/access_list.html", context, status=status)


@login_required
@require_POST
def access_action(request: HttpRequest, contact_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    _need(can_manage_access(user))
    run = ACTIONS.get(action)
    if run is None:
        raise Http404
    try:
        run(contact_id, user)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from exc
        messages.error(request, exc.detail)
        return _access_page(request, user, status=exc.status)
    messages.success(request, _("Done."))
    return redirect("portal_staff:access_list")


def _customer(request: HttpRequest, user: User) -> Customer | None:
    raw = request.GET.get("customer", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    customer = customers_visible_to(user).filter(pk=int(raw)).first()
    if customer is None:
        raise Http404
    return customer


@login_required
@require_GET
def label_list(request: HttpRequest) -> HttpResponse:
    """Pick a customer (or search a serial), see its units' codes, print the sheet."""
    user = _staff(request)
    _need(can_print_labels(user))
    customer = _customer(request, user)
    serial = request.GET.get("serial", "").strip()[:64]
    units = label_units_visible_to(user).select_related("product_model", "customer").order_by("pk")
    if customer is not None:
        units = units.filter(customer=customer)
    elif serial:
        units = units.filter(serial_number=serial.upper())
    else:
        units = units.none()
    unit_list = list(units[:SHEET_MOST])
    # Each row's picture is a request of its own (unit_qr): with the tokens made here, in one insert, the
    # pictures only read. Made there, a first visit sent as many inserts at once as there are units (on
    # the browser tests' shared in-memory SQLite one of them failed: "database table is locked").
    services.ensure_unit_tokens(unit_list)
    customers = customers_visible_to(user).order_by("name")[:500]
    context = {"units": unit_list, "customer": customer, "serial": serial, "customers": customers}
    return render(request, "portal/staff/label_list.html", context)


@login_required
@require_GET
def label_sheet(request: HttpRequest) -> HttpResponse:
    """A printable A4 sheet of labels (12 a page): the code, the model and the serial under it."""
    user = _staff(request)
    _need(can_print_labels(user))
    customer = _customer(request, user)
    ids = [int(v) for v in request.GET.getlist("unit") if v.isdigit()][:SHEET_MOST]
    units = label_units_visible_to(user).select_related("product_model").order_by("pk")
    if customer is not None:
        units = units.filter(customer=customer)
    elif ids:
        units = units.filter(pk__in=ids)
    else:
        raise Http404
    unit_list = list(units[:SHEET_MOST])
    if not unit_list:
        raise Http404
    tokens = services.ensure_unit_tokens(unit_list)
    # segno's own SVG of our own URL: nobody's input reaches the markup.
    labels = [(unit, mark_safe(qr.svg_inline(qr.label_url(request, tokens[unit.pk])))) for unit in unit_list]  # noqa: S308
    return render(request, "portal/staff/label_sheet.html", {"labels": labels, "customer": customer})


@login_required
@require_GET
def unit_qr(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponse:
    """One unit's code as an SVG or PNG file (a single label, a sticker printer)."""
    user = _staff(request)
    _need(can_print_labels(user))
    unit = label_units_visible_to(user).filter(pk=unit_id).first()
    if unit is None or fmt not in ("svg", "png"):
        raise Http404
    url = qr.label_url(request, services.ensure_unit_tokens([unit])[unit.pk])
    body, content_type = (qr.svg(url), "image/svg+xml") if fmt == "svg" else (qr.png(url), "image/png")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="qr-{unit.serial_number}.{fmt}"'
    return response


@login_required
@require_POST
def label_reissue(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = _staff(request)
    _need(can_print_labels(user))
    try:
        token = services.reissue_unit_token(unit_id=unit_id, by=user)
    except DomainError as exc:
        raise Http404(exc.detail) from exc
    messages.success(request, _("New code issued: labels printed before no longer work. Print the new label."))
    return redirect(f"{reverse('portal_staff:label_list')}?customer={token.unit.customer_id}")
