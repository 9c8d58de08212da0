"""The report dashboards (/reports/) and the records behind any figure (/reports/<figure>/records/)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import centres_visible_to
from aftersales.catalog.permissions import product_models_visible_to
from aftersales.core.errors import DomainError, NotFoundError, ValidationFailed
from aftersales.core.panels import render_record_panels
from aftersales.core.text import label_colon
from aftersales.core.validation import query_flag, require_yes_no
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.widgets import customer_picker
from aftersales.history.display import describe
from aftersales.reports.charts import chart_data
from aftersales.reports.engine import UnknownCell, records
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import Filters, parse_filters
from aftersales.reports.forms import ScheduleForm
from aftersales.reports.kept import screen_figures
from aftersales.reports.periodic import build_report, filename, pdf_bytes, xlsx_bytes
from aftersales.reports.periods import KINDS, Period, last_ended, parse_period
from aftersales.reports.permissions import can_schedule_reports, can_view_reports, schedules_visible_to
from aftersales.reports.present import present
from aftersales.reports.record_lists import record_columns
from aftersales.reports.screens import SCREENS, screen
from aftersales.reports.selectors import schedule_changes
from aftersales.reports.services import create_schedule, delete_schedule, set_active, update_schedule
from aftersales.service.forms_field import run_form

PAGE_SIZE = 50


def _need_reports(request: HttpRequest) -> None:
    if not can_view_reports(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest) -> tuple[Filters | None, DomainError | None]:
    try:
        return parse_filters(request.user, request.GET), None
    except NotFoundError:
        raise Http404 from None
    except DomainError as error:
        return None, error


BAR_FIELDS = frozenset({"from", "to", "centre", "model", "customer"})


def _without(request: HttpRequest, error: DomainError | None) -> Filters:
    """The filters to show beside a refused one: the others the reader asked for (a customer of another
    centre keeps the period and the centre), else the defaults."""
    kept = {name: value for name, value in request.GET.items() if error is None or name != error.field}
    try:
        return parse_filters(request.user, kept)
    except DomainError:
        return parse_filters(request.user, {})


def _filter_bar(request: HttpRequest, filters: Filters) -> dict[str, Any]:
    picker = customer_picker(
        queryset=customers_visible_to(request.user), attrs={"id": "f-customer", "class": "form-control form-control-sm"}
    )
    return {
        "centres": list(centres_visible_to(request.user).order_by("code").values("pk", "name")),
        "models": list(product_models_visible_to(request.user).order_by("code").values("pk", "code", "name")),
        # A company has more customers than a drop-down holds: the customer is searched by name or phone.
        "customer_picker": picker.render("customer", filters.customer),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    current = screen(request.GET.get("screen"))
    filters, error = _filters(request)
    status = 200
    results = []
    if filters is None:
        status = 400
        filters = _without(request, error)
    try:
        fresh = query_flag(request.GET, "fresh")
    except ValidationFailed as exc:  # ``?fresh=yes`` was read as "the kept figures" without a word
        fresh, error, status = False, error or exc, 400
    kept = screen_figures(request.user, current, filters, fresh=fresh)
    for result in kept.results:
        results.append({"figure": present(result), "chart": chart_data(result)})
    context = {
        "screens": SCREENS,
        "screen": current,
        "filters": filters,
        "params": filters.as_params(),
        "error": error,
        # A refused filter's reason is shown beside it in the bar; another (none yet) over the figures.
        "error_in_bar": error is not None and error.field in BAR_FIELDS,
        "results": results,
        "computed_at": kept.computed_at,
        "kept": kept.kept,
        **_filter_bar(request, filters),
    }
    return render(request, "reports/dashboard.html", context, status=status)


@login_required
@require_GET
def figure_records(request: HttpRequest, figure: str) -> HttpResponse:
    _need_reports(request)
    spec = FIGURES.get(figure.replace("-", "_"))
    if spec is None:
        raise Http404
    filters, error = _filters(request)
    if filters is None:
        return render(request, "reports/records.html", {"error": error, "spec": spec}, status=400)
    try:
        source, qs = records(
            spec,
            request.user,
            filters,
            measure=request.GET.get("measure", ""),
            grouping=request.GET.get("by", ""),
            row=request.GET.get("row", ""),
        )
    except UnknownCell as cell:
        return render(request, "reports/records.html", {"spec": spec, "bad_field": cell.args[0]}, status=400)
    columns, prepared = record_columns(source, qs)
    page = Paginator(prepared, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "spec": spec,
        "filters": filters,
        "count": page.paginator.count,
        "columns": columns,
        "page": page,
        "rows": [[(c.value(obj), c.link(obj)) for c in columns] for obj in page.object_list],
        "query": query.urlencode(),
        "measure": request.GET.get("measure", ""),
        "row_label": request.GET.get("label", ""),
    }
    return render(request, "reports/records.html", context)


# ---- the periodic reports --------------------------------------------------------------------------
def _period(request: HttpRequest) -> tuple[Period, DomainError | None]:
    try:
        return parse_period(request.GET.get("kind"), request.GET.get("period")), None
    except DomainError as error:
        return last_ended("monthly"), error


@login_required
@require_GET
def periodic(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    period, error = _period(request)
    sections = build_report(user=request.user, period=period)
    context_extra = {"kinds": list(KINDS.items()), "error": error, "can_schedule": can_schedule_reports(request.user)}
    return render(
        request,
        "reports/periodic_print.html",
        {"period": period, "sections": sections, "pdf": False, "reader": request.user, **context_extra},
        status=400 if error else 200,
    )


@login_required
@require_GET
def periodic_pdf(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    period, error = _period(request)
    if error is not None:
        return HttpResponse(
            f"{error.field}{label_colon()}{error.detail}", status=400, content_type="text/plain; charset=utf-8"
        )
    sections = build_report(user=request.user, period=period)
    response = HttpResponse(
        pdf_bytes(user=request.user, period=period, sections=sections, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename(period, "pdf")}"'
    return response


@login_required
@require_GET
def periodic_xlsx(request: HttpRequest) -> HttpResponse:
    _need_reports(request)
    period, error = _period(request)
    if error is not None:
        return HttpResponse(
            f"{error.field}{label_colon()}{error.detail}", status=400, content_type="text/plain; charset=utf-8"
        )
    sections = build_report(user=request.user, period=period)
    response = HttpResponse(
        xlsx_bytes(period=period, sections=sections),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(period, "xlsx")}"'
    return response


# ---- report schedules -------------------------------------------------------------------------------
@login_required
def schedules(request: HttpRequest) -> HttpResponse:
    if not can_schedule_reports(request.user):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = run_form(
            form,
            lambda data: create_schedule(
                by=request.user, kind=data["kind"], recipient_ids=[u.pk for u in data["recipients"]]
            ),
        )
        if status == 0:
            messages.success(request, _("The report will be e-mailed after each period ends."))
            return redirect("reports:schedules")
    listed = schedules_visible_to(request.user).prefetch_related("recipients").order_by("-pk")
    changes = [describe(activity) for activity in schedule_changes(request.user)]
    return render(
        request, "reports/schedules.html", {"form": form, "schedules": listed, "changes": changes}, status=status
    )


@login_required
def schedule_detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """One schedule: change its report and recipients, stop, resume or delete it, and its history."""
    if not can_schedule_reports(request.user):
        raise PermissionDenied
    schedule = get_object_or_404(schedules_visible_to(request.user).prefetch_related("recipients"), pk=schedule_id)
    initial = {"kind": schedule.kind, "recipients": list(schedule.recipients.all())}
    form = ScheduleForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = run_form(
            form,
            lambda data: update_schedule(
                by=request.user,
                schedule_id=schedule.pk,
                kind=data["kind"],
                recipient_ids=[u.pk for u in data["recipients"]],
            ),
        )
        if status == 0:
            messages.success(request, _("The report e-mail is saved."))
            return redirect("reports:schedule_detail", schedule_id=schedule.pk)
    context = {"schedule": schedule, "form": form, "panels": render_record_panels(request, schedule)}
    return render(request, "reports/schedule_detail.html", context, status=status)


def _schedule_action(request: HttpRequest, action: Callable[[], object]) -> None:
    if not can_schedule_reports(request.user):
        raise PermissionDenied
    try:
        action()
    except NotFoundError:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.detail)


@login_required
@require_POST
def schedule_active(request: HttpRequest, schedule_id: int) -> HttpResponse:
    answer = request.POST.get("active")
    _schedule_action(
        request,
        lambda: set_active(
            by=request.user, schedule_id=schedule_id, active=require_yes_no(answer, field="active", yes="1", no="0")
        ),
    )
    if request.POST.get("next") == "detail":
        return redirect("reports:schedule_detail", schedule_id=schedule_id)
    return redirect("reports:schedules")


@login_required
@require_POST
def schedule_delete(request: HttpRequest, schedule_id: int) -> HttpResponse:
    _schedule_action(request, lambda: delete_schedule(by=request.user, schedule_id=schedule_id))
    messages.success(request, _("The report e-mail is deleted: nobody gets it any more."))
    return redirect("reports:schedules")
