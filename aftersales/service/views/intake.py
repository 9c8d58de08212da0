"""Hotline intake (来电登记): one form for a call in progress, with a live lookup by phone or serial.

The submit is one transaction: a new customer, a new unit, the order and its photos are written
together or not at all, so a refused photo leaves no orphan customer behind.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.phones import phone_search_key
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageDecision
from aftersales.coverage.selectors import coverage_prepared, decide_coverage
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.selectors import customers_by_phone
from aftersales.customers.services import ContactData, SiteData, create_customer
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to
from aftersales.installed_base.services import register_unit
from aftersales.service.choices import OrderStatus
from aftersales.service.forms_field import (
    INTAKE_CUSTOMER_FIELDS,
    INTAKE_ORDER_FIELDS,
    INTAKE_PHOTO_FIELDS,
    INTAKE_UNIT_FIELDS,
    IntakeForm,
    show_domain_error,
)
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import can_open_orders, orders_visible_to
from aftersales.service.services import add_photo, open_order

LOOKUP_LIMIT = 10
SERIAL_PREFIX_MIN = 4


@dataclass
class UnitMatch:
    unit: Unit
    warranty: CoverageDecision

    @property
    def reason_label(self) -> str:
        return str(CoverageReason(self.warranty.reason).label)


@dataclass
class CustomerMatch:
    customer: Customer
    contacts: list[Contact]
    sites: list[Site]
    units: list[UnitMatch]
    open_orders: list[ServiceOrder] = field(default_factory=list)


def _lookup(*, user: User, phone: str, serial: str) -> list[CustomerMatch]:
    """Customers matching the caller's phone or a unit's serial, with their units (and each unit's
    warranty today) and open orders — five queries whatever the number of matches."""
    phone, serial = phone.strip(), serial.strip().upper()
    ids: list[int] = []
    if phone:
        ids += list(customers_by_phone(user=user, phone=phone).values_list("pk", flat=True)[:LOOKUP_LIMIT])
    if len(serial) >= SERIAL_PREFIX_MIN:
        units = units_visible_to(user).filter(serial_number__startswith=serial)
        ids += list(units.values_list("customer_id", flat=True)[:LOOKUP_LIMIT])
    if not ids:
        return []
    customers = (
        customers_visible_to(user)
        .filter(pk__in=ids)
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.in_use().order_by("-is_primary", "id")),
            Prefetch("sites", queryset=Site.objects.in_use().order_by("id")),
            Prefetch("units", queryset=Unit.objects.select_related("product_model", "site").order_by("serial_number")),
        )
        .order_by("name")[:LOOKUP_LIMIT]
    )
    today = timezone.localdate()
    caller = phone_search_key(phone) if phone else None
    with coverage_prepared(u for c in customers for u in c.units.all()):
        matches = {
            c.pk: CustomerMatch(
                customer=c,
                # The contact on the line first: picking the customer picks them as the reporter.
                contacts=sorted(c.contacts.all(), key=lambda contact: contact.mobile != caller),
                sites=list(c.sites.all()),
                units=[UnitMatch(unit=u, warranty=decide_coverage(unit=u, on=today, kind="")) for u in c.units.all()],
            )
            for c in customers
        }
    orders = orders_visible_to(user).open().filter(customer_id__in=matches).select_related("unit").order_by("due_at")
    for order in orders[: LOOKUP_LIMIT * 5]:
        matches[order.customer_id].open_orders.append(order)
    return list(matches.values())


def _require_intake(user: User) -> None:
    if not can_open_orders(user):
        raise PermissionDenied(_("Your role may not open service orders."))


class IntakeRefused(Exception):
    """A service refused part of the intake; carries the error and the form field to show it at."""

    def __init__(self, error: DomainError, mapping: dict[str, str | None]) -> None:
        super().__init__(error.detail)
        self.error = error
        self.mapping = mapping


def _calling(mapping: dict[str, str | None], function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except DomainError as exc:
        raise IntakeRefused(exc, mapping) from exc


def _chosen_customer(user: User, form: IntakeForm) -> tuple[Customer, Contact | None]:
    data = form.cleaned_data
    if data.get("customer_id"):
        customer = customers_visible_to(user).filter(pk=data["customer_id"]).first()
        if customer is None:
            raise IntakeRefused(DomainError("not_found", _("No such customer."), field="customer_id"), {})
        contacts = customer.contacts.order_by("-is_primary", "id")
        if data.get("contact_id"):
            contact = contacts.filter(pk=data["contact_id"]).first()
        else:  # the contact on the line, else the primary one
            caller = phone_search_key(data["phone"]) if data["phone"] else None
            contacts = contacts.in_use()  # one taken out of use is not picked for a new order
            contact = (caller and contacts.filter(mobile=caller).first()) or contacts.first()
        return customer, contact
    if not form.has_new_customer():
        raise IntakeRefused(
            DomainError(
                "required",
                _("Pick the caller's customer from the lookup, or enter a new customer."),
                field="customer_id",
            ),
            {},
        )
    mobile = data["new_contact_mobile"] or data["phone"]
    address = data["new_site_address"]
    customer = _calling(
        INTAKE_CUSTOMER_FIELDS,
        create_customer,
        by=user,
        name=data["new_customer_name"],
        kind=data["new_customer_kind"],
        contacts=[ContactData(name=data["new_contact_name"], mobile=mobile, is_primary=True)],
        sites=[SiteData(name=_("Main site"), address=address, city=data["new_site_city"])] if address else [],
    )
    return customer, customer.contacts.first()


def _chosen_unit(user: User, form: IntakeForm, customer: Customer) -> Unit | None:
    data = form.cleaned_data
    if data.get("unit_id") and not form.has_new_unit():
        unit = units_visible_to(user).select_related("product_model", "site").filter(pk=data["unit_id"]).first()
        if unit is None:
            raise IntakeRefused(DomainError("not_found", _("No such unit."), field="unit_id"), {})
        return unit
    if not form.has_new_unit():
        return None
    if data.get("new_unit_model") is None:
        raise IntakeRefused(
            DomainError("required", _("Choose the product model."), field="product_model"), INTAKE_UNIT_FIELDS
        )
    return _calling(
        INTAKE_UNIT_FIELDS,
        register_unit,
        by=user,
        serial_number=data["new_unit_serial"],
        product_model=data["new_unit_model"],
        customer=customer,
        site=customer.sites.in_use().order_by("id").first(),
        purchase_date=data["new_unit_purchase_date"],
        proof_reference=data["new_unit_proof_ref"],
    )


def _submit(user: User, form: IntakeForm) -> ServiceOrder:
    """Everything the agent entered, through the services, in one transaction (the caller's)."""
    data = form.cleaned_data
    customer, contact = _chosen_customer(user, form)
    unit = _chosen_unit(user, form, customer)
    order = _calling(
        INTAKE_ORDER_FIELDS,
        open_order,
        by=user,
        kind=data["kind"],
        customer=customer,
        contact=contact,
        unit=unit,
        channel=data["channel"],
        resolution=data["resolution"],
        priority=data["priority"],
        reporter_name=data["reporter_name"] or (contact.name if contact else ""),
        reporter_phone=data["reporter_phone"] or data["phone"] or (contact.mobile if contact else ""),
        description=data["description"],
        consultation_answer=data["consultation_answer"],
        close_now=data["close_now"],
    )
    for photo in data["photos"]:
        _calling(INTAKE_PHOTO_FIELDS, add_photo, order=order, by=user, file=photo)
    return order


def _success_message(order: ServiceOrder) -> str:
    warranty = _("in warranty") if order.warranty_covered else _("not covered")
    due = date_format(timezone.localtime(order.due_at), "Y-m-d H:i")
    text = _("Order %(number)s opened. Warranty: %(warranty)s — %(detail)s Due by %(due)s.") % {
        "number": order.number,
        "warranty": warranty,
        "detail": order.warranty_detail,
        "due": due,
    }
    if order.status == OrderStatus.CLOSED:
        text += " " + _("The consultation was answered and closed.")
    return text


def _flag_blank_description(form: IntakeForm) -> None:
    """A refusal of the customer or the unit stops the intake before the order's own checks run; an
    empty description is marked too, so that one submit shows every missing entry. (Found by a screen
    review, 2026-12-07: a submit without a customer and without a description showed only the customer,
    and the next submit only then refused the description.)"""
    if "description" not in form.errors and not form.cleaned_data.get("description", "").strip():
        form.add_error("description", _("This field is required."))


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """The intake form; a valid submit opens the order and goes to its detail page."""
    _require_intake(request.user)
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    order = _submit(request.user, form)
            except IntakeRefused as refused:
                show_domain_error(form, refused.error, refused.mapping)
                _flag_blank_description(form)
            else:
                messages.success(request, _success_message(order))
                return redirect(reverse("service:order_detail", args=[order.pk]))
        status = 400
    else:
        form = IntakeForm(initial={"phone": request.GET.get("phone", "")})
        status = 200
    form.enable_lookup(reverse("service:intake_lookup"))
    phone = str(form["phone"].value() or "")
    serial = str(form["serial"].value() or "")
    context = {
        "form": form,
        "matches": _lookup(user=request.user, phone=phone, serial=serial),
        "looked_up": bool(phone.strip() or serial.strip()),
        "photos_dropped": request.method == "POST" and bool(request.FILES),
        "picked_customer": str(form["customer_id"].value() or ""),
        "picked_unit": str(form["unit_id"].value() or ""),
    }
    return render(request, "service/intake.html", context, status=status)


@login_required
@require_GET
def intake_lookup(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the phone/serial fields, refreshed while the agent types."""
    _require_intake(request.user)
    phone, serial = request.GET.get("phone", "")[:40], request.GET.get("serial", "")[:64]
    context = {
        "matches": _lookup(user=request.user, phone=phone, serial=serial),
        "looked_up": bool(phone.strip() or serial.strip()),
        "picked_customer": request.GET.get("customer_id", ""),
        "picked_unit": request.GET.get("unit_id", ""),
    }
    return render(request, "service/_intake_lookup.html", context)


urlpatterns = [
    path("intake/", intake, name="intake"),
    path("intake/lookup/", intake_lookup, name="intake_lookup"),
]
