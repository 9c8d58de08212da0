"""Console screens of spare parts, mounted at /parts/: stock by location, shortages and requests, a
part's ledger. Each view checks its own predicate; every list goes through the scoping functions."""

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import DomainError
from aftersales.parts import selectors
from aftersales.parts.forms import ReceiveForm, RowRefusal, add_service_error, refusal_for_rows
from aftersales.parts.models import Location, Part, StockRequest
from aftersales.parts.permissions import (
    can_manage_location,
    can_view_stock,
    locations_visible_to,
    request_actions,
    requests_visible_to,
)
from aftersales.parts.services import requests as request_services
from aftersales.parts.services import visits
from aftersales.parts.services.stock import receive_stock
from aftersales.service.models import Visit
from aftersales.service.permissions import has_own_jobs, orders_visible_to
from aftersales.service.views.technician import tech_order_page

LIST_LIMIT = 300
# The inputs of the phone's "use this part" form, and the service's fields each stands for.
USE_FIELDS = ("stock_id", "quantity", "old_part_fate")
USE_FIELD_OF = {"part_id": "stock_id", "location_id": "stock_id", "lines": "stock_id"}


def _int(raw: str | None) -> int:
    """A posted id, or 0 (matches nothing) when it is not a small number."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 18 else 0


def _require_reader(request: HttpRequest) -> None:
    if not can_view_stock(request.user):
        raise PermissionDenied


def row_refusal(
    exc: DomainError, *, row: int, action: str = "", typed: dict[str, str] | None = None, fields: tuple[str, ...] = ()
) -> RowRefusal:
    """A service's refusal of a row action, to show beside the row: 403 and 404 stay what they are (the
    record or a location it names is out of the user's scope); ``fields`` are the inputs of the row's
    form, so a refusal naming one of them is shown beside it."""
    if exc.status == 403:
        raise PermissionDenied from exc
    if exc.status == 404:
        raise Http404 from exc
    name = exc.field if exc.field in fields else ""
    return RowRefusal(row=row, detail=exc.detail, action=action, field=name or "", typed=typed or {})


def _location_param(request: HttpRequest, locations: Any) -> Location | None:
    raw = request.GET.get("location") or ""
    if not raw.isdigit():
        return None
    location = locations.filter(pk=int(raw)).first()
    if location is None:
        raise Http404
    return location


@login_required
@require_GET
def stock_view(request: HttpRequest) -> HttpResponse:
    """Stock by location: on hand, reserved, available, in transit, the levels and the bin."""
    _require_reader(request)
    return stock_page(request)


def stock_page(
    request: HttpRequest, *, location: Location | None = None, form: ReceiveForm | None = None, status: int = 200
) -> HttpResponse:
    """The stock list (``?location=``, ``?q=``) with the keeper's receive form of the chosen location; a
    refused receipt shows the page again with the form as typed and the refusal beside its field."""
    locations = locations_visible_to(request.user).select_related("service_center", "holder").order_by("kind", "code")
    if location is None:
        location = _location_param(request, locations)
    q = (request.GET.get("q") or "").strip()[:60]
    rows = (
        selectors.stock_visible_to(request.user)
        .select_related("part", "location")
        .order_by("location__code", "part__number")
    )
    if location is not None:
        rows = rows.filter(location=location)
    if q:
        rows = rows.filter(part__in=selectors.parts_matching(q).values("pk"))
    can_receive = location is not None and can_manage_location(request.user, location)
    context = {
        "locations": locations,
        "location": location,
        "q": q,
        "rows": list(rows[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
        "can_receive": can_receive,
        "receive_form": (form or ReceiveForm()) if can_receive else None,
    }
    return render(request, "parts/stock.html", context, status=status)


@login_required
@require_POST
def receive_view(request: HttpRequest, location_id: int) -> HttpResponse:
    _require_reader(request)
    location = get_object_or_404(locations_visible_to(request.user), pk=location_id)
    if not can_manage_location(request.user, location):
        raise PermissionDenied
    form = ReceiveForm(request.POST)
    if form.is_valid():
        part = form.cleaned_data["part"]
        try:
            move = receive_stock(
                by=request.user,
                location=location,
                part=part,
                quantity=form.cleaned_data["quantity"],
                unit_cost=form.cleaned_data["unit_cost"] or None,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Received %(qty)s × %(part)s.") % {"qty": move.quantity.normalize(), "part": part}
            )
            return redirect(f"{reverse('parts:stock')}?location={location.pk}")
    return stock_page(request, location=location, form=form, status=400)


@login_required
@require_GET
def shortages_view(request: HttpRequest) -> HttpResponse:
    """The parts below their minimum at the locations the user sees, and the open requests."""
    _require_reader(request)
    return shortages_page(request)


def shortages_page(request: HttpRequest, *, refusal: RowRefusal | None = None, status: int = 200) -> HttpResponse:
    """The shortages and open requests; a refused send, receipt or cancellation beside its request."""
    locations = locations_visible_to(request.user)
    rows = list(selectors.shortages(locations=locations)[:LIST_LIMIT])
    for row in rows:
        row.suggested = request_services.suggested_quantity(row)
    open_requests = list(
        requests_visible_to(request.user)
        .filter(status__in=("open", "sent"))
        .select_related("location", "source", "supplier")
        .prefetch_related("lines__part")
        .order_by("-id")[:100]
    )
    for stock_request in open_requests:  # only the buttons the user may press (others answered 403)
        stock_request.actions = request_actions(request.user, stock_request)
    manageable = [loc for loc in locations.order_by("code") if can_manage_location(request.user, loc)]
    context = {
        "rows": rows,
        "requests": open_requests,
        "manageable": manageable,
        "sources": locations.order_by("code"),
        "refusal_elsewhere": refusal_for_rows(open_requests, refusal),
    }
    return render(request, "parts/shortages.html", context, status=status)


def _request_or_404(request: HttpRequest, request_id: int) -> StockRequest:
    return get_object_or_404(requests_visible_to(request.user), pk=request_id)


@login_required
@require_POST
def request_shortages_view(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    locations = locations_visible_to(request.user)
    location = get_object_or_404(locations, pk=_int(request.POST.get("location_id")))
    source_id = request.POST.get("source_id") or ""
    source = get_object_or_404(locations, pk=int(source_id)) if source_id.isdigit() else None
    try:
        made = request_services.request_shortages(by=request.user, location=location, source=source)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.detail)
    else:
        if made is None:
            messages.info(request, _("Nothing is short at %(loc)s.") % {"loc": location.name})
        else:
            messages.success(request, _("Request %(number)s made.") % {"number": made.number})
    return redirect("parts:shortages")


@login_required
@require_POST
def request_action_view(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    _require_reader(request)
    stock_request = _request_or_404(request, request_id)
    service = {
        "send": request_services.send_request,
        "receive": request_services.receive_request,
        "cancel": request_services.cancel_request,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(by=request.user, request=stock_request)
    except DomainError as exc:
        return shortages_page(request, refusal=row_refusal(exc, row=stock_request.pk, action=action), status=400)
    return redirect("parts:shortages")


@login_required
@require_POST
def visit_use_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The phone view's "use this part": one line from a balance the technician picked."""
    visible = orders_visible_to(request.user).values("pk")
    visit = get_object_or_404(Visit.objects.select_related("order").filter(order__in=visible), pk=visit_id)
    stock_row = get_object_or_404(
        selectors.stock_visible_to(request.user).select_related("part", "location"),
        pk=_int(request.POST.get("stock_id")),
    )
    typed = {name: (request.POST.get(name) or "")[:50] for name in USE_FIELDS}
    try:
        lines = visits.clean_lines(
            [
                {
                    "part_id": stock_row.part_id,
                    "location_id": stock_row.location_id,
                    "quantity": typed["quantity"],
                    "old_part_fate": typed["old_part_fate"],
                }
            ]
        )
        visits.use_parts(by=request.user, visit=visit, lines=lines)
    except DomainError as exc:
        # Nothing was written: the phone page again (400), the refusal beside the field of the panel's form it
        # names (``lines.0.quantity`` → quantity; the part or its location → the picked row), as typed.
        named = str(exc.field or "").rsplit(".", 1)[-1]
        refusal = row_refusal(exc, row=visit.pk, action="use", typed=typed, fields=USE_FIELDS)
        refusal = dataclasses.replace(refusal, field=USE_FIELD_OF.get(named, named if named in USE_FIELDS else ""))
        request.parts_refusal = refusal  # type: ignore[attr-defined]  # read by parts.panels
        return tech_order_page(request, visit.order_id, status=400)
    messages.success(request, _("Used %(part)s.") % {"part": stock_row.part})
    if has_own_jobs(request.user) and visit.order.technician_id == request.user.pk:
        return redirect("service:tech_order", order_id=visit.order_id)
    return redirect("service:order_detail", order_id=visit.order_id)


@login_required
@require_GET
def ledger_view(request: HttpRequest, part_id: int) -> HttpResponse:
    """A part's ledger entries at the locations the user sees, newest first."""
    _require_reader(request)
    part = get_object_or_404(Part, pk=part_id)
    locations = locations_visible_to(request.user)
    moves = selectors.ledger_of(part=part).filter(location__in=locations.values("pk"))[:LIST_LIMIT]
    balances = (
        selectors.stock_visible_to(request.user).filter(part=part).select_related("location").order_by("location__code")
    )
    context = {"part": part, "moves": list(moves), "balances": list(balances), "limit": LIST_LIMIT}
    return render(request, "parts/ledger.html", context)


urlpatterns = [
    path("", stock_view, name="stock"),
    path("locations/<int:location_id>/receive/", receive_view, name="receive"),
    path("shortages/", shortages_view, name="shortages"),
    path("shortages/request/", request_shortages_view, name="request_shortages"),
    path("requests/<int:request_id>/<slug:action>/", request_action_view, name="request_action"),
    path("<int:part_id>/ledger/", ledger_view, name="ledger"),
    path("visits/<int:visit_id>/use/", visit_use_view, name="visit_use"),
]
