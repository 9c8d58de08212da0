"""Console screens of spare parts, part two: supplier claims with the recovery report, turnover loans
(overdue first), stock-take count sheets (printable, and on a phone), tools, and the price list."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.validation import require_yes_no
from aftersales.parts import selectors
from aftersales.parts.choices import CLAIM_MOVES, LoanStatus, StockTakeStatus, SupplierClaimStatus
from aftersales.parts.forms import ClaimForm, LoanForm, RowRefusal, refusal_for_rows
from aftersales.parts.models import StockTake
from aftersales.parts.permissions import (
    can_approve_stock_take,
    can_manage_location,
    can_manage_stock,
    can_manage_tools,
    claims_visible_to,
    loans_visible_to,
    locations_visible_to,
    manageable_locations,
    stock_takes_visible_to,
    tools_visible_to,
)
from aftersales.parts.pricelist import labour_rates, may_see_price_list, price_page
from aftersales.parts.services import claims, loans, stocktakes
from aftersales.parts.views import _require_reader, row_refusal

LIST_LIMIT = 300
# The inputs of the rows' forms: a refusal naming one is shown beside it, with what was typed.
CLAIM_MOVE_FIELDS = ("to", "amount_recovered", "reason")
INSPECT_FIELDS = ("note", "usable")


def _refused_in_place(exc: DomainError) -> None:
    """403 and 404 stay what they are; any other refusal is shown in place, with 400."""
    if exc.status == 403:
        raise PermissionDenied from exc
    if exc.status == 404:
        raise Http404 from exc


def _day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        return None


# ---- claims -------------------------------------------------------------------------------------
@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return claim_page(request)


def claim_page(
    request: HttpRequest, *, form: ClaimForm | None = None, refusal: RowRefusal | None = None, status: int = 200
) -> HttpResponse:
    """The claims and the recovery report; the keeper's form to open one (with its errors, if any); a
    refused step beside its claim, as typed."""
    can_act = can_manage_stock(request.user)
    if can_act and form is None:
        form = ClaimForm(locations=manageable_locations(request.user))
    visible = claims_visible_to(request.user)
    rows = list(visible.select_related("part", "supplier", "order").order_by("-id")[:LIST_LIMIT])
    for claim in rows:
        claim.moves = [m for m in CLAIM_MOVES[SupplierClaimStatus(claim.status)]]
    context = {
        "claims": rows,
        "recovery": claims.recovery_by_supplier(visible),
        "can_act": can_act,
        "labels": dict(SupplierClaimStatus.choices),
        "form": form,
        "refusal_elsewhere": refusal_for_rows(rows, refusal),
    }
    return render(request, "parts/claims.html", context, status=status)


@login_required
@require_POST
def claim_move(request: HttpRequest, claim_id: int) -> HttpResponse:
    _require_reader(request)
    claim = get_object_or_404(claims_visible_to(request.user), pk=claim_id)
    location = None
    if (raw := request.POST.get("location_id") or "").isdigit():
        location = get_object_or_404(locations_visible_to(request.user), pk=int(raw))
    elif request.POST.get("to") == SupplierClaimStatus.REPLACED:
        location = claim.location
    typed = {name: request.POST.get(name, "")[:500] for name in CLAIM_MOVE_FIELDS}
    try:
        claims.move_claim(
            by=request.user,
            claim=claim,
            to=typed["to"],
            reason=typed["reason"],
            amount_recovered=typed["amount_recovered"] or None,
            replacement_location=location,
        )
    except DomainError as exc:
        refusal = row_refusal(exc, row=claim.pk, action="move", typed=typed, fields=CLAIM_MOVE_FIELDS)
        return claim_page(request, refusal=refusal, status=400)
    return redirect("parts:claims")


# ---- turnover loans -----------------------------------------------------------------------------
@login_required
@require_GET
def loan_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return loan_page(request)


def loan_page(
    request: HttpRequest, *, form: LoanForm | None = None, refusal: RowRefusal | None = None, status: int = 200
) -> HttpResponse:
    """The spares lent out, overdue first; the keeper's form to lend one (with its errors, if any); a
    refused return or inspection beside its loan, as typed."""
    can_act = can_manage_stock(request.user)
    if can_act and form is None:
        form = LoanForm(locations=manageable_locations(request.user))
    visible = loans_visible_to(request.user).select_related("part", "location", "order")
    today = timezone.localdate()
    rows = list(
        visible.exclude(status__in=(LoanStatus.RESTOCKED, LoanStatus.SCRAPPED)).order_by("due_back", "id")[:LIST_LIMIT]
    )
    context = {
        "overdue": list(loans.overdue_loans(visible, today=today)[:LIST_LIMIT]),
        "loans": rows,
        "today": today,
        "can_act": can_act,
        "form": form,
        "refusal_elsewhere": refusal_for_rows(rows, refusal),
    }
    return render(request, "parts/loans.html", context, status=status)


@login_required
@require_POST
def loan_action(request: HttpRequest, loan_id: int, action: str) -> HttpResponse:
    _require_reader(request)
    loan = get_object_or_404(loans_visible_to(request.user), pk=loan_id)
    typed = {name: request.POST.get(name, "")[:500] for name in INSPECT_FIELDS} if action == "inspect" else {}
    try:
        if action == "return":
            loans.return_spare(by=request.user, loan=loan)
        elif action == "inspect":
            loans.inspect_spare(
                by=request.user,
                loan=loan,
                usable=require_yes_no(typed["usable"], field="usable", yes="1", no="0"),
                note=typed["note"],
            )
        else:
            raise Http404
    except DomainError as exc:
        refusal = row_refusal(exc, row=loan.pk, action=action, typed=typed, fields=INSPECT_FIELDS)
        return loan_page(request, refusal=refusal, status=400)
    return redirect("parts:loans")


# ---- stock-takes --------------------------------------------------------------------------------
@login_required
@require_GET
def stock_take_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return stock_take_list_page(request)


def stock_take_list_page(
    request: HttpRequest, *, location_id: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    """The counts, and the form to start one; a refused start (the location is being counted already)
    beside the form, the location chosen still chosen."""
    locations = [
        loc for loc in locations_visible_to(request.user).order_by("code") if can_manage_location(request.user, loc)
    ]
    takes = selectors.stock_take_list(user=request.user)[:100]
    # Every count of the list (not only the latest shown here), with how many lines differ.
    export_url = reverse("exchange:export", kwargs={"kind": "stock_takes", "fmt": "xlsx"})
    context = {
        "takes": takes,
        "locations": locations,
        "export_url": export_url,
        "chosen": location_id,
        "start_error": error,
    }
    return render(request, "parts/stock_takes.html", context, status=status)


@login_required
@require_POST
def stock_take_start(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    raw = request.POST.get("location_id") or ""
    location = get_object_or_404(
        locations_visible_to(request.user), pk=int(raw) if raw.isdigit() and len(raw) < 18 else 0
    )
    try:
        take = stocktakes.start_stock_take(by=request.user, location=location)
    except DomainError as exc:
        _refused_in_place(exc)
        return stock_take_list_page(request, location_id=raw, error=exc.detail, status=400)
    return redirect("parts:stock_take", take_id=take.pk)


def _take(request: HttpRequest, take_id: int) -> StockTake:
    return get_object_or_404(stock_takes_visible_to(request.user).select_related("location"), pk=take_id)


@login_required
@require_GET
def stock_take_sheet(request: HttpRequest, take_id: int) -> HttpResponse:
    """The count sheet: fill in on a phone, or print it (``?print=1``) and count on paper."""
    _require_reader(request)
    return stock_take_page(request, _take(request, take_id))


def stock_take_page(
    request: HttpRequest,
    take: StockTake,
    *,
    typed: dict[int, str] | None = None,
    error: DomainError | None = None,
    decide_error: str = "",
    note: str = "",
    status: int = 200,
) -> HttpResponse:
    """The sheet; after a refused count, the counts as typed (nothing was saved) and the refusal beside
    its line (``counts.<line id>``) or above the sheet; after a refused decision, the refusal beside the
    manager's buttons and the note as typed."""
    lines = list(take.lines.select_related("part").order_by("part__number"))
    error_field = error.field if error is not None else None
    for line in lines:
        line.typed = (typed or {}).get(line.pk)
        line.error = error.detail if error is not None and error_field == f"counts.{line.pk}" else ""
    context: dict[str, Any] = {
        "take": take,
        "lines": lines,
        "can_count": take.status == StockTakeStatus.COUNTING and can_manage_location(request.user, take.location),
        "can_decide": take.status == StockTakeStatus.SUBMITTED and can_approve_stock_take(request.user),
        "refused": error is not None,
        "sheet_error": error.detail if error is not None and not any(line.error for line in lines) else "",
        "decide_error": decide_error,
        "note": note,
    }
    template = "parts/stock_take_print.html" if request.GET.get("print") else "parts/stock_take.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def stock_take_action(request: HttpRequest, take_id: int, action: str) -> HttpResponse:
    _require_reader(request)
    take = _take(request, take_id)
    counts: dict[int, str] = {}
    note = (request.POST.get("note") or "")[:500]
    try:
        if action == "count":
            counts = {
                int(key.removeprefix("line-")): value.strip()
                for key, value in request.POST.items()
                if key.startswith("line-") and key.removeprefix("line-").isdigit()
            }
            stocktakes.record_counts(by=request.user, stock_take=take, counts=counts)
            if request.POST.get("submit"):
                stocktakes.submit_stock_take(by=request.user, stock_take=take)
        elif action in ("approve", "reject"):
            stocktakes.decide_stock_take(by=request.user, stock_take=take, approve=action == "approve", note=note)
        else:
            raise Http404
    except DomainError as exc:
        _refused_in_place(exc)
        take = _take(request, take_id)  # as it is now (a refusal may say it was decided meanwhile)
        if action == "count":
            # The sheet again with every count as typed, the refusal beside its line or above the sheet.
            return stock_take_page(request, take, typed=counts, error=exc, status=400)
        return stock_take_page(request, take, decide_error=exc.detail, note=note, status=400)
    return redirect("parts:stock_take", take_id=take.pk)


# ---- tools --------------------------------------------------------------------------------------
@login_required
@require_GET
def tool_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return tool_page(request)


def tool_page(request: HttpRequest, *, refusal: RowRefusal | None = None, status: int = 200) -> HttpResponse:
    """Who holds which tool since when, calibration due; the keeper hands them out (one query for
    the people of every centre listed, not one per tool); a refused hand-out or calibration beside its
    tool, as typed."""
    today = timezone.localdate()
    rows = list(
        tools_visible_to(request.user).select_related("holder").order_by("calibration_due", "code")[:LIST_LIMIT]
    )
    can_act = can_manage_tools(request.user)
    if can_act:
        people: dict[int, list[User]] = {}
        staff = User.objects.filter(
            is_active=True, system_kind="", service_center_id__in={t.service_center_id for t in rows}
        ).order_by("username")
        for person in staff:
            people.setdefault(person.service_center_id or 0, []).append(person)
        for tool in rows:
            tool.candidates = people.get(tool.service_center_id, [])
    context = {
        "tools": rows,
        "today": today,
        "soon": today + datetime.timedelta(days=30),
        "can_act": can_act,
        "refusal_elsewhere": refusal_for_rows(rows, refusal),
    }
    return render(request, "parts/tools.html", context, status=status)


# ---- the price list -----------------------------------------------------------------------------
@require_GET
def price_list(request: HttpRequest) -> HttpResponse:
    """明码标价: parts with today's list price and labour rates, public or for signed-in users."""
    if not may_see_price_list(request.user):
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    q = (request.GET.get("q") or "").strip()[:60]
    try:
        page = price_page(on=today, q=q, cursor=request.GET.get("cursor") or None, limit=50)
    except DomainError:
        raise Http404 from None
    context = {
        "rows": page.items,
        "next_cursor": page.next_cursor,
        "q": q,
        "today": today,
        "labour": labour_rates(),
        "zero": Decimal(0),
        "export_url": "",
    }
    if request.user.is_authenticated:  # the export is for signed-in users; a public visitor reads the page
        # The whole list of the search (not only this page) with the labour rates.
        export_url = reverse("exchange:export", kwargs={"kind": "price_list", "fmt": "xlsx"})
        context["export_url"] = export_url + ("?" + urlencode({"q": q}) if q else "")
    return render(request, "parts/price_list.html", context)


urlpatterns = [
    path("claims/", claim_list, name="claims"),
    path("claims/<int:claim_id>/move/", claim_move, name="claim_move"),
    path("loans/", loan_list, name="loans"),
    path("loans/<int:loan_id>/<slug:action>/", loan_action, name="loan_action"),
    path("stock-takes/", stock_take_list, name="stock_takes"),
    path("stock-takes/start/", stock_take_start, name="stock_take_start"),
    path("stock-takes/<int:take_id>/", stock_take_sheet, name="stock_take"),
    path("stock-takes/<int:take_id>/<slug:action>/", stock_take_action, name="stock_take_action"),
    path("tools/", tool_list, name="tools"),
    path("price-list/", price_list, name="price_list"),
]
