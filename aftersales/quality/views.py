"""Quality feedback screens: the failure statistics with their charts, the records behind each figure,
and the quality cases (list, send to design, detail with the evidence, edit, move, comment)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.permissions import centres_visible_to
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.core.pagination import keyset_page
from aftersales.core.text import label_colon
from aftersales.core.validation import query_flag
from aftersales.history.views import record_panel
from aftersales.installed_base.models import Unit
from aftersales.parts.permissions import parts_visible_to
from aftersales.quality import selectors, services
from aftersales.quality import statistics as stats
from aftersales.quality.choices import CASE_MOVES, Breakdown, CaseSource, CaseStatus
from aftersales.quality.filters import check_figure_key, parse_window
from aftersales.quality.forms import CaseEditForm, CaseForm, CommentForm, MoveForm
from aftersales.quality.kept import failure_screen
from aftersales.quality.models import QualityCase
from aftersales.quality.permissions import can_send_to_design, can_view_failures, can_work_case
from aftersales.quality.statistics import FAILURE
from aftersales.reports.filters import Filters
from aftersales.service.forms_field import run_form
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

PAGE = 50


def _need_failures(request: HttpRequest) -> None:
    if not can_view_failures(request.user):
        raise PermissionDenied


def _window(request: HttpRequest) -> tuple[Filters, str, int]:
    """The window of the query string; a bad parameter shows its reason over the default window (400); a
    centre, model or customer out of the reader's scope is 404, as on the report dashboards."""
    try:
        return parse_window(request.user, request.GET), "", 200
    except NotFoundError:
        raise Http404 from None
    except ValidationFailed as exc:
        # The filter's own label, not the query's name: "to: 期间的结束早于开始。" (found by a helper's probe).
        labels = {
            "from": _("From"),
            "to": _("To"),
            "centre": _("Service centre"),
            "model": _("Product model"),
            "customer": _("Customer"),
            "month": pgettext("a calendar month, as a filter", "Month"),
        }
        label = labels.get(exc.field or "", exc.field)
        return parse_window(request.user, {}), f"{label}{label_colon()}{exc.detail}" if label else exc.detail, 400


@login_required
@require_GET
def failures(request: HttpRequest) -> HttpResponse:
    _need_failures(request)
    window, error, status = _window(request)
    try:
        fresh = query_flag(request.GET, "fresh")
    except ValidationFailed as exc:  # ``?fresh=yes`` was read as "the kept figures" without a word
        fresh, error, status = False, " ".join(filter(None, (error, exc.detail))), 400
    kept = failure_screen(request.user, window, fresh=fresh)
    report = kept.value.report
    query = urlencode(window.as_params())
    context = {
        "report": report,
        "window": window,
        "error": error,
        # A refused window is shown over the default one; the dates stay as typed, to be corrected.
        "typed": {"start": request.GET.get("from", ""), "end": request.GET.get("to", "")} if error else None,
        "query": query,
        "chart_data": report.chart_data(),
        "centres": centres_visible_to(request.user).order_by("code"),
        "models": ProductModel.objects.order_by("code"),
        "customers": kept.value.customers,
        "computed_at": kept.computed_at,
        "kept": kept.kept,
    }
    return render(request, "quality/failures.html", context, status=status)


@login_required
@require_GET
def failure_orders(request: HttpRequest) -> HttpResponse:
    """The orders behind one figure: its count is the figure."""
    _need_failures(request)
    figure = request.GET.get("figure", "")
    if figure not in Breakdown.values:
        return render(request, "quality/failure_orders.html", {"error": _("No such figure.")}, status=400)
    window, error, status = _window(request)
    key = request.GET.get("key", "")[:64]
    if not error:
        try:
            check_figure_key(figure, key)
        except ValidationFailed as exc:
            error, status = exc.detail, 400
    if error:
        # A list of another window, or of no row, would read as that figure's failures: the reason alone
        # (QA 2026-12-07: a key that names no row listed nothing, as if there were no failures).
        again = _("Open the figure again from the failure statistics.")
        return render(request, "quality/failure_orders.html", {"error": f"{error} {again}"}, status=status)
    qs = selectors.figure_order_rows(request.user, window, figure=figure, key=key)
    page = keyset_page(qs, cursor=request.GET.get("cursor") or None, limit=PAGE)
    query = urlencode({**window.as_params(), "figure": figure, "key": key})
    groups = list(
        qs.order_by()
        .values("unit__product_model_id", "unit__product_model__code")
        .annotate(n=Count("pk"))
        .order_by("unit__product_model__code")
    )
    context = {
        "figure": Breakdown(figure),
        "key": key,
        "key_label": _key_label(figure, key, groups),
        "window": window,
        "page": page,
        "count": qs.count(),
        "query": query,
        "error": error,
        "groups": groups,
        "can_send": can_send_to_design(request.user),
        "repeats": figure in stats.REPEAT_DAYS,
    }
    return render(request, "quality/failure_orders.html", context, status=status)


def _key_label(figure: str, key: str, groups: list[dict[str, Any]]) -> str:
    """The key as the statistics name it; a model's code from the list's own groups (no query more)."""
    if figure == Breakdown.MODEL and groups:
        return str(groups[0]["unit__product_model__code"])
    return stats.key_label(figure, key) if key or figure == Breakdown.FAULT else ""


# ---- send to design ---------------------------------------------------------------------------------------
def _evidence_choices(request: HttpRequest) -> tuple[QuerySet[ServiceOrder], ProductModel, dict[str, Any]]:
    """The orders the form offers and what it starts with: a unit's failures (``unit``: a repeat failure)
    or one model's orders of a figure (``group_model`` with the figure's parameters: a failure group)."""
    params = request.GET
    if params.get("unit"):
        unit = Unit.objects.select_related("product_model").filter(pk=_number(params["unit"])).first()
        orders = orders_visible_to(request.user).filter(FAILURE, unit=unit)
        if unit is None or not orders.exists():
            raise Http404
        title = _("Repeat failures of unit %(serial)s") % {"serial": unit.serial_number}
        return orders, unit.product_model, {"source": CaseSource.REPEAT, "title": title}
    model = ProductModel.objects.filter(pk=_number(params.get("group_model", ""))).first()
    figure = params.get("figure", "")
    if model is None or figure not in Breakdown.values:
        raise Http404
    try:
        window = parse_window(request.user, params)
    except (ValidationFailed, NotFoundError):
        raise Http404 from None
    key = params.get("key", "")[:64]
    orders = stats.figure_orders(request.user, window, figure=figure, key=key).filter(unit__product_model=model)
    initial: dict[str, Any] = {"source": CaseSource.GROUP}
    if figure == Breakdown.PART:
        initial["part"] = _number(key)
    if figure == Breakdown.FAULT:
        initial["fault_code"] = key
    label = Breakdown(figure).label
    initial["title"] = f"{model.code}: {label} {key}".strip() if figure != Breakdown.MODEL else model.code
    return orders, model, initial


def _number(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _owners() -> QuerySet:
    return users_with_capability("quality.work_cases").filter(is_active=True).order_by("username")


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not can_send_to_design(request.user):
        raise PermissionDenied
    orders, model, initial = _evidence_choices(request)
    first = orders.order_by("received_at", "id").values("pk")[: services.MAX_EVIDENCE]
    orders = ServiceOrder.objects.filter(pk__in=first).select_related("unit").order_by("received_at", "id")
    # The parts the picker offers (parts_visible_to, retired ones too): the form takes no other.
    kwargs = {"orders": orders, "parts": parts_visible_to(request.user), "owners": _owners()}
    if request.method == "POST":
        form = CaseForm(request.POST, **kwargs)
        case: list[QualityCase] = []

        def run(data: dict[str, Any]) -> None:
            case.append(
                services.open_case(
                    by=request.user,
                    product_model=model,
                    order_ids=[order.pk for order in data["orders"]],
                    title=data["title"],
                    source=data["source"],
                    part=data["part"],
                    fault_code=data["fault_code"],
                    description=data["description"],
                    owner=data["owner"],
                )
            )

        status = run_form(form, run)
        if not status:
            messages.success(request, _("Sent to design as quality case %(number)s.") % {"number": case[0].number})
            return redirect("quality:case_detail", case[0].pk)
    else:
        status = 200
        form = CaseForm(initial={**initial, "orders": [o.pk for o in orders], "owner": request.user.pk}, **kwargs)
    context = {"form": form, "model": model, "query": request.GET.urlencode()}
    return render(request, "quality/case_form.html", context, status=status)


# ---- cases ----------------------------------------------------------------------------------------------
@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    _need_failures(request)
    status = request.GET.get("status", "")
    if status not in ("", "active", *CaseStatus.values):
        status = ""
    page = keyset_page(
        selectors.case_list(request.user, status=status), cursor=request.GET.get("cursor") or None, limit=PAGE
    )
    # The ledger of the tab (quality/exports.py): every case of it, not only this page.
    export_url = reverse("exchange:export", kwargs={"kind": "quality_cases", "fmt": "xlsx"})
    if status:
        export_url += "?" + urlencode({"status": status})
    context = {"page": page, "status": status, "statuses": CaseStatus.choices, "export_url": export_url}
    return render(request, "quality/case_list.html", context)


def _case(request: HttpRequest, case_id: int) -> QualityCase:
    _need_failures(request)
    case = selectors.case_detail(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _detail(request: HttpRequest, case: QualityCase, status: int = 200, **forms_: Any) -> HttpResponse:
    can_work = can_work_case(request.user, case)
    moves = [(value, CaseStatus(value).label) for value in CaseStatus.values if value in CASE_MOVES[case.status]]
    move_form = forms_.get("move_form") or MoveForm(initial={"design_change_ref": case.design_change_ref})
    move_form.fields["to"].choices = moves
    context = {
        "case": case,
        "evidence": selectors.case_evidence(request.user, case),
        "can_work": can_work and case.is_active,
        "moves": moves,
        "move_form": move_form,
        "edit_form": forms_.get("edit_form")
        or CaseEditForm(
            initial={
                "title": case.title,
                "description": case.description,
                "design_change_ref": case.design_change_ref,
                "owner": case.owner_id,
            },
            owners=_owners(),
        ),
        "comment_form": forms_.get("comment_form") or CommentForm(),
        "can_comment": can_work,
        "history_panel": record_panel(request, case),
    }
    return render(request, "quality/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, _case(request, case_id))


@login_required
@require_POST
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = CaseEditForm(request.POST, owners=_owners())
    status = run_form(
        form,
        lambda data: services.update_case(
            case,
            by=request.user,
            title=data["title"],
            description=data["description"],
            design_change_ref=data["design_change_ref"],
            owner=data["owner"],
        ),
    )
    if status:
        return _detail(request, case, status, edit_form=form)
    messages.success(request, _("Case saved."))
    return redirect("quality:case_detail", case.pk)


@login_required
@require_POST
def case_move(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = MoveForm(request.POST)
    status = run_form(
        form,
        lambda data: services.transition_case(
            case,
            to=data["to"],
            by=request.user,
            design_change_ref=data["design_change_ref"],
            decision=data["decision"],
            reason=data["reason"],
        ),
    )
    if status:
        return _detail(request, case, status, move_form=form)
    messages.success(request, _("Case moved."))
    return redirect("quality:case_detail", case.pk)


@login_required
@require_POST
def case_comment(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = CommentForm(request.POST)
    status = run_form(form, lambda data: services.comment_case(case, by=request.user, text=data["text"]))
    if status:
        return _detail(request, case, status, comment_form=form)
    return redirect("quality:case_detail", case.pk)


def order_panel(request: HttpRequest, order: ServiceOrder) -> str:
    """``service.panels.order_panels``: "in quality case X" on the order page."""
    if request is None or not can_view_failures(request.user):
        return ""
    cases = selectors.active_cases_of_order(request.user, order)
    if not cases:
        return ""
    return render_to_string("quality/_order_panel.html", {"cases": cases}, request=request)
