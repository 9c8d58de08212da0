"""The customer's pages (mobile first, 375 px): sign-in with a code, my units, report a fault, my
orders with the timeline meant for customers, the signed service record. Every record is read
through the customer's one scope (``permissions.portal_units`` / ``portal_orders``): anything else
answers 404 with nothing of it in the body."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.throttle import client_ip
from aftersales.core.errors import DomainError
from aftersales.portal import selectors, services
from aftersales.portal.forms import CodeForm, MobileForm, ReportForm
from aftersales.portal.permissions import PortalUser, portal_units
from aftersales.portal.sessions import (
    PENDING,
    current_user,
    customer_required,
    private,
    safe_next,
    sign_in,
    sign_out,
)
from aftersales.service.models import ServiceOrder


def _user(request: HttpRequest) -> PortalUser:
    return request.portal_user  # type: ignore[attr-defined,no-any-return]


def _refused(form: Any, error: DomainError) -> int:
    form.add_error(error.field if error.field in form.fields else None, error.detail)
    return error.status


def _retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    if error is not None and error.extra.get("retry_after"):
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


# ---- sign-in --------------------------------------------------------------------------------------
@private
@require_http_methods(["GET", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the mobile number. Whatever number is typed, the answer is the same."""
    next_url = safe_next(request, reverse("portal:home"))
    if current_user(request) is not None:
        return redirect(next_url)
    form = MobileForm(request.POST or None)
    status, error = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                mobile = services.request_code(mobile=form.cleaned_data["mobile"], address=client_ip(request))
            except DomainError as exc:
                status, error = _refused(form, exc), exc
            else:
                request.session[PENDING] = mobile
                return redirect(f"{reverse('portal:sign_in_code')}?next={next_url}")
    response = render(request, "portal/sign_in.html", {"form": form, "next": next_url}, status=status)
    return _retry_after(response, error)


@private
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS."""
    next_url = safe_next(request, reverse("portal:home"))
    mobile = request.session.get(PENDING)
    if not mobile:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST or None)
    status, error = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.verify_code(mobile=mobile, code=form.cleaned_data["code"], address=client_ip(request))
            except DomainError as exc:
                status, error = _refused(form, exc), exc
            else:
                sign_in(request, user)
                return redirect(next_url)
    context = {"form": form, "next": next_url, "mobile": mobile}
    return _retry_after(render(request, "portal/sign_in_code.html", context, status=status), error)


@private
@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("portal:sign_in")


# ---- the customer's pages ----------------------------------------------------------------------
@customer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(selectors.units_of(user))
    orders = list(selectors.open_orders_of(user)[:20])
    context = {
        "units": selectors.warranties_today(units),
        "orders": orders,
        "portal_user": user,
        "tab": "home",
    }
    return render(request, "portal/home.html", context)


@customer_required
@require_GET
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = _user(request)
    unit = get_object_or_404(selectors.units_of(user), pk=unit_id)
    orders = list(selectors.orders_of(user).filter(unit=unit)[:50])
    context = {
        "unit": unit,
        "warranty": selectors.warranty_today(unit),
        "orders": orders,
        "portal_user": user,
        "tab": "home",
    }
    return render(request, "portal/unit_detail.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Report a fault: one of my units (pre-filled from the QR code), what happened, a preferred time,
    photos from the camera. Opens the order through the service, as the hotline does."""
    user = _user(request)
    units = list(selectors.units_of(user))
    choices = [(u.pk, f"{u.product_model.name} · {u.serial_number}") for u in units]
    initial = {"unit": request.GET.get("unit", "")}
    form = ReportForm(request.POST or None, units=choices, initial=initial)
    status, photo_error = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.report_fault(
                    user=user,
                    unit_id=data["unit"],
                    description=data["description"],
                    preferred_day=data["preferred_day"],
                    preferred_slot=data["preferred_slot"],
                    photos=request.FILES.getlist("photos"),
                )
            except DomainError as exc:
                if exc.field == "photos":
                    status, photo_error = exc.status, exc.detail
                else:
                    status = _refused(form, exc)
            else:
                return redirect("portal:order_detail", order_id=order.pk)
    context = {"form": form, "has_units": bool(units), "portal_user": user, "photo_error": photo_error, "tab": "report"}
    return render(request, "portal/report.html", context, status=status)


@customer_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    orders = list(selectors.orders_of(user)[:100])
    context = {"orders": orders, "portal_user": user, "tab": "orders"}
    return render(request, "portal/order_list.html", context)


def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    return get_object_or_404(selectors.orders_of(_user(request)), pk=order_id)


@customer_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    context = {
        "order": order,
        "technician": selectors.technician_name(order),
        "steps": selectors.customer_timeline(order),
        "photos": list(selectors.customer_photos(order)),
        "quotes": selectors.quote_links(order),
        "has_record": selectors.signed_visits(order).exists(),
        "portal_user": _user(request),
        "tab": "orders",
    }
    return render(request, "portal/order_detail.html", context)


@customer_required
@require_GET
def order_record(request: HttpRequest, order_id: int) -> HttpResponse:
    """The signed service record (售后服务记录单), to print or save as PDF."""
    order = _order(request, order_id)
    visits = list(selectors.signed_visits(order))
    if not visits:
        raise Http404(_("No signed record yet."))
    context = {"order": order, "visits": visits, "technician": selectors.technician_name(order)}
    return render(request, "portal/order_record.html", context)


def _file(file: Any, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True)
    return response


@customer_required
@require_GET
def visit_signature(request: HttpRequest, order_id: int, visit_id: int) -> FileResponse:
    order = _order(request, order_id)
    visit = get_object_or_404(selectors.signed_visits(order), pk=visit_id)
    return _file(visit.signature, "image/png")


@customer_required
@require_GET
def order_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    order = _order(request, order_id)
    photo = get_object_or_404(selectors.customer_photos(order), pk=photo_id)
    return _file(photo.file, photo.content_type)


# ---- the QR code's public page ------------------------------------------------------------------
@private
@require_GET
def unit_public(request: HttpRequest, token: str) -> HttpResponse:
    """What anyone holding the label sees: the model, the serial's last digits and the warranty
    state; never a name, phone or address."""
    try:
        unit = services.unit_from_token(token)
    except DomainError as exc:
        raise Http404(exc.detail) from exc
    context = {
        "unit": unit,
        "serial_tail": unit.serial_number[-4:],
        "warranty": selectors.warranty_today(unit),
        "token": token,
    }
    response = render(request, "portal/unit_public.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@customer_required
@require_GET
def unit_public_report(request: HttpRequest, token: str) -> HttpResponse:
    """ "Report a fault" from the label: after sign-in, the report form with this unit chosen; a unit
    that is not the customer's answers 404."""
    try:
        unit = services.unit_from_token(token)
    except DomainError as exc:
        raise Http404(exc.detail) from exc
    if not portal_units(_user(request)).filter(pk=unit.pk).exists():
        raise Http404(_("No such unit."))
    return redirect(f"{reverse('portal:report')}?unit={unit.pk}")
