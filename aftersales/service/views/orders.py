"""Order screens: the list (filters, search, sort, keyset paging, export), the detail with only the
actions this user may take now, each action as one small view (bind form → call service →
redirect), the printable service record form (售后服务记录单), and the permission-checked files.

Every write goes through ``aftersales.service.services``; a refusal (``DomainError``) is shown next to
the field it names, with what was typed kept, and nothing is written.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to, scope_by_centre
from aftersales.core.errors import DomainError
from aftersales.core.pagination import Page, keyset_page
from aftersales.core.registry import timeline_for
from aftersales.history.display import describe
from aftersales.history.selectors import recent_activity
from aftersales.service import selectors, services
from aftersales.service.choices import OrderStatus
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.forms import (
    DEFAULT_SORT,
    PAGE_SIZES,
    SORTS,
    ExtendDueForm,
    OrderEditForm,
    TransitionForm,
    WarrantyOverrideForm,
    add_domain_error,
    prepare_filter_form,
)
from aftersales.service.models import Attachment, ServiceOrder, Visit
from aftersales.service.panels import render_order_panels
from aftersales.service.permissions import (
    can_assign,
    can_edit_order,
    can_extend_due,
    can_override_warranty,
    sees_centre_orders,
)
from aftersales.service.selectors import available_moves
from aftersales.service.services.orders import visits_let_complete
from aftersales.service.sla import sla_states
from aftersales.service.transitions import REASON_REQUIRED

LIST_PARAMS_NOT_FILTERS = ("cursor", "sort")


# ---- list --------------------------------------------------------------------------------------
def is_htmx_fragment(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore after a reload wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _list_query(request: HttpRequest, **changes: str) -> str:
    """The list's query string without the cursor (and sort), plus ``changes``."""
    query: QueryDict = request.GET.copy()
    for name in LIST_PARAMS_NOT_FILTERS:
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the URL that sorts by it (toggling the direction) and its current state."""
    links = {}
    for column in ("received", "due", "number"):
        if current == column:
            target, state = f"-{column}", "ascending"
        elif current == f"-{column}":
            target, state = column, "descending"
        else:
            target, state = (f"-{column}" if column == "received" else column), "none"
        links[column] = {"url": "?" + _list_query(request, sort=target), "state": state}
    return links


def _filter_choices(user: User) -> tuple[list[Any] | None, list[User] | None]:
    """Centres only for users who see several; technicians for everyone but technicians."""
    centres = list(centres_visible_to(user).order_by("code")) if user.sees_all_centres else None
    technicians = None
    if sees_centre_orders(user):
        technicians = list(
            scope_by_centre(users_with_capability("service.work_assigned"), user, field="service_center")
            .select_related(None)
            .order_by("last_name", "first_name", "username")
        )
    return centres, technicians


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders in the user's scope: filters, search, sortable columns, keyset paging, export.

    Runs a constant number of queries whatever the page size: the page (one query with its joins),
    the centre and technician choices."""
    user = request.user
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    if per_page not in PAGE_SIZES:
        per_page = PAGE_SIZES[0]

    filterset = ServiceOrderFilter(data=request.GET, queryset=selectors.order_list(user=user), search_as_parts=True)
    centres, technicians = _filter_choices(user)
    form = prepare_filter_form(filterset.form, centres=centres, technicians=technicians)
    page, error = Page(items=[], next_cursor=None), ""
    if filterset.is_valid():
        try:
            qs = filterset.qs  # the search left in search_parts: a page read under each, merged
            page = keyset_page(
                qs,
                ordering=SORTS[sort],
                cursor=request.GET.get("cursor") or None,
                limit=per_page,
                any_of=filterset.search_parts,
            )
        except DomainError as exc:
            error = exc.detail
    now = timezone.now()
    for order in page.items:
        order.clocks = sla_states(order, now=now)
        order.sla = order.clocks.combined
    context = {
        "form": form,
        "orders": page.items,
        "error": error,
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "sort_links": _sort_links(request, sort),
        "next_url": ("?" + _list_query(request, sort=sort, cursor=page.next_cursor)) if page.next_cursor else "",
        "first_url": ("?" + _list_query(request, sort=sort)) if request.GET.get("cursor") else "",
        "export_url": reverse("exchange:order_export") + "?" + _list_query(request),
        "show_centre": centres is not None,
        # The number on the phone's filter toggle: the filters given a value (the page size is no filter).
        "active_filters": sum(1 for name in form.fields if any(request.GET.getlist(name))),
        "fragment": is_htmx_fragment(request),
    }
    template = "service/_order_results.html" if context["fragment"] else "service/order_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# ---- detail and its actions --------------------------------------------------------------------
# What the button says for a move: (from, to) first, then the target alone.
MOVE_LABELS: dict[tuple[str, str] | str, Any] = {
    (OrderStatus.NEW, OrderStatus.ACCEPTED): gettext_lazy("Accept"),
    (OrderStatus.NEW, OrderStatus.CLOSED): gettext_lazy("Close (answered)"),
    (OrderStatus.CLOSED, OrderStatus.ACCEPTED): gettext_lazy("Reopen"),
    (OrderStatus.COMPLETED, OrderStatus.ON_SITE): gettext_lazy("Send back on site"),
    (OrderStatus.COMPLETED, OrderStatus.CLOSED): gettext_lazy("Close after review"),
    (OrderStatus.WAITING, OrderStatus.DISPATCHED): gettext_lazy("Back to dispatched"),
    (OrderStatus.WAITING, OrderStatus.ON_SITE): gettext_lazy("Back on site"),
    OrderStatus.ON_SITE: gettext_lazy("Mark on site"),
    OrderStatus.WAITING: gettext_lazy("Set waiting"),
    OrderStatus.COMPLETED: gettext_lazy("Mark completed"),
    OrderStatus.CANCELLED: gettext_lazy("Cancel order"),
}
MOVE_STYLES = {
    OrderStatus.CANCELLED: "btn-outline-danger",
    OrderStatus.CLOSED: "btn-success",
    OrderStatus.COMPLETED: "btn-success",
    OrderStatus.ACCEPTED: "btn-primary",
}


def offered_moves(user: User, order: ServiceOrder, *, visits: list[Visit]) -> list[str]:
    """What the service would accept from this user now (dispatching happens on the board)."""
    signed = visits_let_complete(visits)
    return available_moves(user=user, order=order, visits_signed=signed)


def _move_actions(order: ServiceOrder, moves: list[str], failed: TransitionForm | None) -> list[dict[str, Any]]:
    actions = []
    for to in moves:
        form = failed if failed is not None and failed.data.get("to") == to else None
        actions.append(
            {
                "to": to,
                "label": MOVE_LABELS.get((order.status, to)) or MOVE_LABELS.get(to) or OrderStatus(to).label,
                "style": MOVE_STYLES.get(to, "btn-outline-primary"),
                "needs_reason": (order.status, to) in REASON_REQUIRED,
                "needs_waiting_for": to == OrderStatus.WAITING,
                "form": form or TransitionForm(initial={"to": to, "version": order.version}),
                "failed": form is not None,
            }
        )
    return actions


# What the order page shows of its unit's and customer's history: the changes after they were entered
# (a corrected proof of purchase changes the next warranty decision), not their creation.
RECORD_CHANGE_TYPES = (
    "unit.proof_updated",
    "unit.proof_attached",
    "customer.updated",
    "customer.contact_added",
    "customer.site_added",
    "customer.contact_updated",
    "customer.contact_retired",
    "customer.contact_reinstated",
    "customer.site_updated",
    "customer.site_retired",
    "customer.site_reinstated",
)


def _render_detail(
    request: HttpRequest,
    order: ServiceOrder,
    *,
    status: int = 200,
    transition_form: TransitionForm | None = None,
    warranty_form: WarrantyOverrideForm | None = None,
    extend_form: ExtendDueForm | None = None,
) -> HttpResponse:
    user = request.user
    timeline = timeline_for("service.ServiceOrder", order, user=user)
    visits = list(selectors.order_visits(order=order))
    photos = list(order.attachments.filter(visit__isnull=True).order_by("id"))
    moves = offered_moves(user, order, visits=visits)
    clocks = sla_states(order)
    # A refused move that is not (or no longer) offered here still shows why, above the buttons.
    action_errors: list[str] = []
    if transition_form is not None and transition_form.data.get("to") not in moves:
        action_errors = [str(e) for errors in transition_form.errors.values() for e in errors]
    context = {
        "order": order,
        "sla": clocks.combined,
        "clocks": clocks,
        "timeline": timeline,
        "visits": visits,
        "photos": photos,
        "helpers": list(order.helpers.all()),
        "move_actions": _move_actions(order, moves, transition_form),
        "action_errors": action_errors,
        "can_edit": can_edit_order(user) and order.is_open,
        "can_assign": can_assign(user) and order.is_open,
        "warranty_form": (warranty_form or WarrantyOverrideForm()) if can_override_warranty(user) else None,
        "extend_form": (extend_form or ExtendDueForm()) if can_extend_due(user) and order.is_open else None,
        "warranty_open": warranty_form is not None,
        # A proof of purchase or a customer changed since intake changes the next warranty decision.
        "record_changes": [
            describe(a) for a in recent_activity([order.unit, order.customer], types=RECORD_CHANGE_TYPES, limit=5)
        ],
        "extend_open": extend_form is not None,
        "order_panels": render_order_panels(request, order),
    }
    return render(request, "service/order_detail.html", context, status=status)


def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    return selectors.get_order(user=request.user, order_id=order_id)


def _back_to(order: ServiceOrder) -> HttpResponse:
    return redirect("service:order_detail", order_id=order.pk)


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """Everything about one order, and only the actions this user may take on it now."""
    return _render_detail(request, _order(request, order_id))


def _act(
    request: HttpRequest,
    order: ServiceOrder,
    form: forms.Form,
    *,
    form_key: str,
    run: Callable[[dict[str, Any]], object],
    success: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """One workflow action: bind the form, call the service, go back to the order. A refusal is shown
    next to its field with the service's status (400/403/409) and what was typed stays."""
    status = 400
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, success(form.cleaned_data))
            return _back_to(order)
    return _render_detail(request, order, status=status, **{form_key: form})


@login_required
@require_POST
def order_transition(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    return _act(
        request,
        order,
        TransitionForm(request.POST),
        form_key="transition_form",
        run=lambda data: services.transition_order(
            order,
            to=data["to"],
            by=request.user,
            reason=data["reason"],
            waiting_for=data["waiting_for"],
            expected_version=data["version"],
        ),
        success=lambda data: (
            _("%(number)s is now “%(status)s”.") % {"number": order.number, "status": OrderStatus(data["to"]).label}
        ),
    )


@login_required
@require_POST
def order_warranty(request: HttpRequest, order_id: int) -> HttpResponse:
    """The service manager's warranty decision (override) with its reason."""
    order = _order(request, order_id)
    return _act(
        request,
        order,
        WarrantyOverrideForm(request.POST),
        form_key="warranty_form",
        run=lambda data: services.override_warranty(
            order, by=request.user, covered=data["covered"], reason=data["reason"]
        ),
        success=lambda data: _("The warranty decision was changed."),
    )


@login_required
@require_POST
def order_extend_due(request: HttpRequest, order_id: int) -> HttpResponse:
    """Extend the due date by working days, with a reason (the customer is told by SMS)."""
    order = _order(request, order_id)
    return _act(
        request,
        order,
        ExtendDueForm(request.POST),
        form_key="extend_form",
        run=lambda data: services.extend_due(
            order, by=request.user, working_days=data["working_days"], reason=data["reason"]
        ),
        success=lambda data: _("The due date was extended; the customer will be told by SMS."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, order_id: int) -> HttpResponse:
    """Edit priority, resolution, reporter and description. The version read travels in a hidden
    field; someone else's change in between answers 409 and the typed values stay."""
    order = _order(request, order_id)
    if not can_edit_order(request.user):
        raise PermissionDenied
    if request.method == "GET" and not order.is_open:
        # An old link or tab: the order was closed meanwhile. Say so, not "your role may not".
        messages.info(request, _("Order %(number)s is closed and can no longer be edited.") % {"number": order.number})
        return _back_to(order)
    form = OrderEditForm.for_order(order, data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_order(
                    order, by=request.user, expected_version=form.cleaned_data["version"], changes=form.changes()
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The order was saved."))
                return _back_to(order)
    return render(request, "service/order_edit.html", {"order": order, "form": form}, status=status)


# ---- print and files ---------------------------------------------------------------------------
@login_required
@require_GET
def order_print(request: HttpRequest, order_id: int) -> HttpResponse:
    """The service record form (售后服务记录单) laid out for A4: print or save as PDF from the browser."""
    order = _order(request, order_id)
    visits = list(selectors.order_visits(order=order))
    return render(
        request,
        "service/print_service_record.html",
        {
            "order": order,
            "visits": visits,
            "helpers": list(order.helpers.all()),
            "printed_at": timezone.now(),
            # The customer's confirmation under the form is for a record to sign, not one that ended without.
            "last_ended_unsigned": bool(visits) and bool(visits[-1].unsigned_reason),
        },
    )


def _private_file(file: Any, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True, max_age=3600)
    return response


@login_required
@require_GET
def visit_signature(request: HttpRequest, order_id: int, visit_id: int) -> FileResponse:
    """The customer's signature image, for users who may see the order (404 for everyone else)."""
    order = _order(request, order_id)
    visit = get_object_or_404(Visit.objects.only("id", "order_id", "signature"), order=order, pk=visit_id)
    if not visit.signature:
        raise Http404("No signature.")
    return _private_file(visit.signature, "image/png")


@login_required
@require_GET
def order_photo(request: HttpRequest, order_id: int, photo_id: int) -> FileResponse:
    """A photo of the order or one of its visits, for users who may see the order."""
    order = _order(request, order_id)
    photo = get_object_or_404(Attachment, order=order, pk=photo_id)
    return _private_file(photo.file, photo.content_type)


urlpatterns = [
    path("orders/", order_list, name="order_list"),
    path("orders/<int:order_id>/", order_detail, name="order_detail"),
    path("orders/<int:order_id>/edit/", order_edit, name="order_edit"),
    path("orders/<int:order_id>/transition/", order_transition, name="order_transition"),
    path("orders/<int:order_id>/warranty/", order_warranty, name="order_warranty"),
    path("orders/<int:order_id>/extend-due/", order_extend_due, name="order_extend_due"),
    path("orders/<int:order_id>/print/", order_print, name="order_print"),
    path("orders/<int:order_id>/visits/<int:visit_id>/signature.png", visit_signature, name="visit_signature"),
    path("orders/<int:order_id>/photos/<int:photo_id>", order_photo, name="order_photo"),
]
