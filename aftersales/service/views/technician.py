"""The technician's phone view: today's jobs, then per job arrival, the on-site record (售后服务记录单)
with photos from the camera and the customer's signature drawn with a finger, and "completed".

Only the assigned technician or a helper (or a manager correcting a record) opens a job; for anyone
else it does not exist (404). Buttons appear only when the service would accept them.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.pagination import Page, keyset_page
from aftersales.service.choices import JOB_STATUSES, OrderStatus
from aftersales.service.forms_field import VISIT_SERVICE_FIELDS, ArrivalForm, VisitEndForm, VisitForm, show_domain_error
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import can_record_visit, jobs_visible_to
from aftersales.service.selectors import available_moves, get_order, order_visits
from aftersales.service.services import (
    add_photo,
    end_visit_unsigned,
    record_visit,
    sign_visit,
    transition_order,
    update_visit,
)
from aftersales.service.services.orders import visits_let_complete
from aftersales.service.services.visits import VISIT_STATUSES
from aftersales.service.sla import sla_state
from aftersales.service.views.orders import is_htmx_fragment

# Cards a page of "My jobs" shows; "More jobs" adds the next page below.
JOBS_PAGE_SIZE = 20


def _my_jobs(user: User) -> QuerySet[ServiceOrder]:
    """Open jobs the user is assigned to or helps on, by due time, with what a job card shows."""
    return (
        jobs_visible_to(user)
        .filter(status__in=JOB_STATUSES)
        .select_related("customer", "contact", "site", "unit__product_model", "unit__site")
        .order_by("due_at", "id")
    )


def _job(user: User, order_id: int) -> ServiceOrder:
    """The order if the user may work on it; 404 otherwise (outside the scope it does not exist)."""
    order = get_order(user=user, order_id=order_id)
    if not can_record_visit(user, order):
        raise Http404("No such job.")
    return order


def _may_complete(user: User, order: ServiceOrder, visits: list[Visit]) -> bool:
    signed = visits_let_complete(visits)
    return OrderStatus.COMPLETED in available_moves(user=user, order=order, visits_signed=signed)


def _job_context(user: User, order: ServiceOrder, **forms: Any) -> dict[str, Any]:
    visits = list(order_visits(order=order))
    open_visit = next((v for v in reversed(visits) if v.is_open), None)
    # A completed, closed or cancelled order's records are final (update_visit refuses them): a draft
    # left unsigned is shown as it is, without the form and the signature pad.
    editable = order.is_open
    contact = order.contact
    site = order.site or (order.unit.site if order.unit else None)
    order.sla = sla_state(order)  # type: ignore[attr-defined]
    context = {
        "order": order,
        "visits": visits,
        "visit": open_visit if editable else None,
        "finished": not editable,
        "draft": None if editable else open_visit,
        "site": site,
        "call_phone": contact.mobile if contact else order.reporter_phone,
        # A first arrival, or a return after waiting (parts, customer) or a re-dispatch.
        "may_arrive": open_visit is None
        and order.status in VISIT_STATUSES
        and (not visits or order.status != OrderStatus.ON_SITE),
        "may_complete": _may_complete(user, order, visits),
        "arrival_form": forms.get("arrival_form")
        or ArrivalForm(initial={"arrival_confirmed_by": contact.name if contact else order.reporter_name}),
    }
    if not editable and forms.get("visit_form") is not None:
        context["refusals"] = forms["visit_form"].non_field_errors()  # a post the service refused
    if editable and open_visit is not None:
        context["end_form"] = forms.get("end_form") or VisitEndForm()
        context["visit_form"] = forms.get("visit_form") or VisitForm(
            initial={
                **{f: getattr(open_visit, f) for f in VisitForm.VISIT_FIELDS},
                "signer_name": open_visit.arrival_confirmed_by,
            }
        )
    return context


@login_required
@require_GET
def tech_jobs(request: HttpRequest) -> HttpResponse:
    """The open jobs in order of their due time, ``JOBS_PAGE_SIZE`` at a time (keyset paging by due time).

    "More jobs" is a link to the next page; htmx swaps it for that page's cards and the next link, so
    the phone's list grows in place. The badge counts every open job (one count more, only when the
    first page does not hold them all)."""
    jobs = _my_jobs(request.user)
    cursor = request.GET.get("cursor") or None
    page, error = Page(items=[], next_cursor=None), ""
    try:
        page = keyset_page(jobs, ordering=("due_at", "id"), cursor=cursor, limit=JOBS_PAGE_SIZE)
    except DomainError as exc:
        error = exc.detail
    now = timezone.now()
    for job in page.items:
        job.sla = sla_state(job, now=now)  # type: ignore[attr-defined]
    context = {"jobs": page.items, "next_url": f"?cursor={page.next_cursor}" if page.next_cursor else ""}
    if is_htmx_fragment(request) and not error:
        template = "service/_tech_jobs_page.html"
    else:
        template = "service/tech_jobs.html"
        whole = cursor is None and page.next_cursor is None and not error
        context |= {"error": error, "paged": cursor is not None, "total": len(page.items) if whole else jobs.count()}
    response = render(request, template, context, status=400 if error else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def tech_order(request: HttpRequest, order_id: int) -> HttpResponse:
    return tech_order_page(request, order_id)


def tech_order_page(request: HttpRequest, order_id: int, *, status: int = 200) -> HttpResponse:
    """The job's phone page; also the answer of another app's action refused on it (parts' "use this part",
    whose panel then shows the refusal beside its form, 400)."""
    order = _job(request.user, order_id)
    return render(request, "service/tech_order.html", _job_context(request.user, order), status=status)


@login_required
@require_POST
def tech_arrive(request: HttpRequest, order_id: int) -> HttpResponse:
    """Record the arrival (the order goes on site), confirmed by the customer's name."""
    order = _job(request.user, order_id)
    form = ArrivalForm(request.POST)
    if form.is_valid():
        try:
            record_visit(order, by=request.user, arrival_confirmed_by=form.cleaned_data["arrival_confirmed_by"])
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, _("Arrival recorded."))
            return redirect("service:tech_order", order_id=order.pk)
    order = _job(request.user, order_id)
    context = _job_context(request.user, order, arrival_form=form)
    return render(request, "service/tech_order.html", context, status=400)


@login_required
@require_http_methods(["POST"])
def tech_visit(request: HttpRequest, order_id: int, visit_id: int) -> HttpResponse:
    """Save the on-site record, its photos and — when drawn — the customer's signature, all or nothing."""
    order = _job(request.user, order_id)
    visit = get_object_or_404(order.visits, pk=visit_id)
    form = VisitForm(request.POST, request.FILES)
    if form.is_valid():
        signature = form.cleaned_data["signature"]
        try:
            with transaction.atomic():
                visit = update_visit(visit, by=request.user, **form.visit_fields())
                for photo in form.cleaned_data["photos"]:
                    add_photo(order, by=request.user, file=photo, visit=visit)
                if signature is not None:
                    visit = sign_visit(
                        visit, by=request.user, signer_name=form.cleaned_data["signer_name"], image=signature
                    )
        except DomainError as exc:
            show_domain_error(form, exc, VISIT_SERVICE_FIELDS)
        else:
            if signature is not None:
                messages.success(request, _("Signed by %(name)s. The record is final.") % {"name": visit.signer_name})
            else:
                messages.success(request, _("Record saved. Collect the customer's signature when the work is done."))
            return redirect("service:tech_order", order_id=order.pk)
    order = _job(request.user, order_id)
    context = _job_context(request.user, order, visit_form=form)
    context["photos_dropped"] = bool(request.FILES)
    return render(request, "service/tech_order.html", context, status=400)


@login_required
@require_POST
def tech_end_visit(request: HttpRequest, order_id: int, visit_id: int) -> HttpResponse:
    """End the open visit without the customer's signature, with the reason; the order goes to waiting.

    The button is part of the record's form, so what the technician typed in the record comes with it and
    is saved first, in the same transaction: all of it or, when either is refused, nothing (found in the
    review of 2026-12-07: the page only warned that the typed text was not sent, and it was lost). A post
    without the record's fields (an older page) ends the visit as it is. A signature drawn is not taken:
    the visit ends unsigned."""
    order = _job(request.user, order_id)
    visit = get_object_or_404(order.visits, pk=visit_id)
    form = VisitEndForm(request.POST)
    with_record = any(name in request.POST for name in VisitForm.VISIT_FIELDS)
    record = VisitForm(request.POST, request.FILES) if with_record else None
    valid = form.is_valid()
    if record is not None and not record.is_valid():
        valid = False
    if valid:
        try:
            with transaction.atomic():
                if record is not None:
                    visit = update_visit(visit, by=request.user, **record.visit_fields())
                    for photo in record.cleaned_data["photos"]:
                        add_photo(order, by=request.user, file=photo, visit=visit)
                end_visit_unsigned(visit, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            # The record's own fields (diagnosis, old parts …) get their refusal there, the rest at the end form.
            target = record if record is not None and exc.field in record.fields else form
            show_domain_error(target, exc, VISIT_SERVICE_FIELDS if target is record else None)
        else:
            messages.success(request, _("Visit ended without a signature. The next arrival starts a new record."))
            return redirect("service:tech_order", order_id=order.pk)
    order = _job(request.user, order_id)
    context = _job_context(request.user, order, end_form=form, visit_form=record)
    context["photos_dropped"] = bool(request.FILES)
    return render(request, "service/tech_order.html", context, status=400)


@login_required
@require_POST
def tech_complete(request: HttpRequest, order_id: int) -> HttpResponse:
    """Mark the job completed; the service needs a signed visit (§6 1.3.6)."""
    order = _job(request.user, order_id)
    try:
        transition_order(order, to=OrderStatus.COMPLETED, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("service:tech_order", order_id=order.pk)
    messages.success(request, _("%(number)s completed. Thank you!") % {"number": order.number})
    return redirect("service:tech_jobs")


urlpatterns = [
    path("tech/", tech_jobs, name="tech_jobs"),
    path("tech/orders/<int:order_id>/", tech_order, name="tech_order"),
    path("tech/orders/<int:order_id>/arrive/", tech_arrive, name="tech_arrive"),
    path("tech/orders/<int:order_id>/visits/<int:visit_id>/", tech_visit, name="tech_visit"),
    path("tech/orders/<int:order_id>/visits/<int:visit_id>/end/", tech_end_visit, name="tech_end_visit"),
    path("tech/orders/<int:order_id>/complete/", tech_complete, name="tech_complete"),
]
