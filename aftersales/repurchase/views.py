"""Console pages of sale and repurchase: the clauses by deadline, the create form with a live preview of
the classification and the entries (htmx), a contract with its reasoning and journal, and one small
view per posting. Thin: bind a form, call a service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError
from aftersales.core.filtering import apply_filters
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.permissions import units_visible_to
from aftersales.repurchase import permissions, rules, selectors, services
from aftersales.repurchase.choices import Classification, Holder, Status
from aftersales.repurchase.conf import remind_days
from aftersales.repurchase.filters import ContractFilter
from aftersales.repurchase.forms import ContractForm, ExerciseForm, LapseForm, ReverseForm
from aftersales.repurchase.models import RepurchaseContract

LIST_FILTERS = ("q", "holder", "classification", "status")
PAGE_SIZE = 100


def _customers(request: HttpRequest) -> Any:
    return customers_visible_to(request.user).order_by("name")


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    """The clauses by deadline, soonest first; open ones due within the reminder window are marked."""
    if not permissions.can_see_repurchase(request.user):
        raise PermissionDenied
    data = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
    try:
        contracts = apply_filters(ContractFilter, data=data, queryset=selectors.contracts_for_list(request.user))
    except DomainError:
        contracts, data = selectors.contracts_for_list(request.user), {}
    today = timezone.localdate()
    rows = list(contracts[:PAGE_SIZE])
    days = remind_days()
    for contract in rows:
        contract.due_soon = contract.status == Status.OPEN and (contract.deadline - today).days <= days
    context = {
        "contracts": rows,
        "filters": data,
        "holders": Holder.choices,
        "classifications": Classification.choices,
        "statuses": Status.choices,
        "can_post": permissions.can_post(request.user),
        "remind_days": days,
    }
    return render(request, "repurchase/contract_list.html", context)


def _form_context(form: ContractForm, request: HttpRequest) -> dict[str, Any]:
    return {"form": form, "preview": _preview(form, request) if form.is_bound else None}


def _preview(form: ContractForm, request: HttpRequest) -> dict[str, Any]:
    """The classification and its entries for the form's inputs, or the first error (nothing written)."""
    if not form.is_valid():
        return {"incomplete": True}
    terms = form.terms()
    terms.pop("number", None)
    terms.pop("asset", None)
    try:
        checked, outcome = services.check_terms(**terms)
    except DomainError as exc:
        return {"error": exc.detail, "field": exc.field}
    suggested, why = rules.suggested_incentive(checked)
    return {
        "outcome": outcome,
        "suggested": suggested,
        "suggestion": why if checked.holder == Holder.CUSTOMER_OPTION else "",
        "entries": selectors.planned_entries(checked, outcome.classification, holder=checked.holder),
    }


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_post(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = ContractForm(customers=_customers(request))
        return render(request, "repurchase/contract_form.html", _form_context(form, request))
    form = ContractForm(request.POST, customers=_customers(request))
    if form.is_valid():
        serials = form.serials()
        units = list(units_visible_to(request.user).filter(serial_number__in=serials))
        if len(units) != len(set(serials)):
            form.add_error(
                "units",
                _("No such unit: %(serials)s")
                % {"serials": ", ".join(sorted(set(serials) - {u.serial_number for u in units}))},
            )
        else:
            try:
                contract = services.create_contract(
                    by=request.user, customer=form.cleaned_data["customer"], units=units, **form.terms()
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            else:
                messages.success(
                    request, _("Repurchase clause recorded: %(c)s.") % {"c": contract.get_classification_display()}
                )
                return HttpResponseRedirect(reverse("repurchase:detail", args=[contract.pk]))
    return render(request, "repurchase/contract_form.html", _form_context(form, request), status=400)


@login_required
@require_POST
def contract_preview(request: HttpRequest) -> HttpResponse:
    """The create form's preview (htmx): classification, reasoning and entries; writes nothing."""
    if not permissions.can_post(request.user):
        raise PermissionDenied
    form = ContractForm(request.POST, customers=_customers(request))
    return render(request, "repurchase/_preview.html", {"preview": _preview(form, request)})


def _contract(request: HttpRequest, contract_id: int) -> RepurchaseContract:
    return get_object_or_404(selectors.contract_with_entries(request.user), pk=contract_id)


def _detail(
    request: HttpRequest, contract: RepurchaseContract, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    forms = forms or {}
    entries = list(contract.entries.all())
    for entry in entries:
        entry.shown = selectors.shown_lines(entry.lines.all())
    terms = selectors.terms_of(contract)
    suggested, why = rules.suggested_incentive(terms)
    context = {
        "contract": contract,
        "reasoning": selectors.reasoning(contract),
        "suggestion": why if contract.holder == Holder.CUSTOMER_OPTION else "",
        "suggested": suggested,
        "entries": entries,
        "planned": selectors.planned_entries(terms, contract.classification, holder=contract.holder)
        if contract.status == Status.DRAFT
        else [],
        "can_post": permissions.can_post(request.user, centre_id=contract.service_center_id),
        "exercise_form": forms.get("exercise") or ExerciseForm(initial={"on": min(today, contract.deadline)}),
        "lapse_form": forms.get("lapse") or LapseForm(initial={"on": max(today, contract.deadline)}),
        "reverse_form": forms.get("reverse") or ReverseForm(initial={"on": today}),
        "can_lapse": contract.holder != Holder.SELLER_OBLIGED,
        "needs_cost": contract.cost is None and contract.classification != Classification.SALE_WITH_RETURN,
        "units": list(contract.units.all()),
    }
    return render(request, "repurchase/contract_detail.html", context, status=status)


@login_required
@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _detail(request, _contract(request, contract_id))


def _offers(contract: RepurchaseContract, name: str) -> bool:
    """Whether the detail page shows the form of step ``name`` for the contract as it is now."""
    if name == "exercise":
        return contract.status == Status.OPEN
    if name == "lapse":
        return contract.status == Status.OPEN and contract.holder != Holder.SELLER_OBLIGED
    if name == "reverse":
        return contract.status != Status.DRAFT
    return True


def _act(request: HttpRequest, contract_id: int, name: str, form: Any, call: Any, done: str) -> HttpResponse:
    contract = _contract(request, contract_id)
    if form is not None and not _offers(contract, name):
        # A page drawn before the contract moved on (another tab, a second click): the page now has no form
        # for this step, so its refusal put on the form was a 400 that showed no message at all.
        messages.error(
            request,
            _("This step no longer applies: the contract is %(status)s.") % {"status": contract.get_status_display()},
        )
        return HttpResponseRedirect(reverse("repurchase:detail", args=[contract_id]))
    if form is None or form.is_valid():
        try:
            call(contract, form.cleaned_data if form is not None else {})
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.detail)
                return HttpResponseRedirect(reverse("repurchase:detail", args=[contract_id]))
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("repurchase:detail", args=[contract_id]))
    return _detail(request, contract, forms={name: form}, status=400)


@login_required
@require_POST
def contract_post(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        "post",
        None,
        lambda c, _d: services.post_inception(by=request.user, contract=c),
        _("Entries at the sale posted."),
    )


@login_required
@require_POST
def contract_exercise(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        "exercise",
        ExerciseForm(request.POST),
        lambda c, d: services.post_exercise(by=request.user, contract=c, on=d["on"]),
        _("Buy-back posted."),
    )


@login_required
@require_POST
def contract_lapse(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        "lapse",
        LapseForm(request.POST),
        lambda c, d: services.post_lapse(by=request.user, contract=c, on=d["on"], cost=d.get("cost")),
        _("Lapse posted."),
    )


@login_required
@require_POST
def contract_reverse(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _act(
        request,
        contract_id,
        "reverse",
        ReverseForm(request.POST),
        lambda c, d: services.reverse_posting(by=request.user, contract=c, on=d["on"], reason=d["reason"]),
        _("Entries reversed."),
    )
