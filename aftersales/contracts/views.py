"""Contract screens: the list, a new contract, a contract with its plans and visits, the year's
visit calendar, the deposit and fee ledger, projects with their problem sheet and its sign-off.
Each action is one small view (bind form → call service → redirect); a refusal (``DomainError``)
is shown next to its field with the service's status, nothing written."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.choices import WEEKDAY_HEADS
from aftersales.contracts import selectors, services
from aftersales.contracts.choices import ContractStatus
from aftersales.contracts.forms import (
    CancelForm,
    ContractForm,
    EntryForm,
    PlanForm,
    ProblemForm,
    ProjectForm,
    ReleaseForm,
    ResolveForm,
    SignOffForm,
)
from aftersales.contracts.models import Contract, Project
from aftersales.contracts.permissions import (
    can_generate_visits,
    can_keep_ledger,
    can_manage_contracts,
    can_override_release,
    can_track_problems,
    can_view_contracts,
)
from aftersales.core.errors import DomainError
from aftersales.core.pagination import keyset_page
from aftersales.customers.models import Contact, Customer
from aftersales.customers.permissions import customers_visible_to
from aftersales.history.views import record_panel
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service.forms_field import errors_above_the_page, run_form

PAGE = 50
STATES = (
    # Lazy: read at import, a plain gettext froze the tabs in the language of the first request
    # (the English console showed 全部 and 60 天内到期; found by hand, 2026-12-06).
    ("all", gettext_lazy("All")),
    ("active", ContractStatus.ACTIVE.label),
    ("expiring", gettext_lazy("Expiring within 60 days")),
    ("expired", ContractStatus.EXPIRED.label),
    ("cancelled", ContractStatus.CANCELLED.label),
)


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _staff(user: User, centre_id: int) -> Any:
    return User.objects.filter(is_active=True, system_kind="", service_center_id=centre_id).order_by("username")


# ---- contracts ----------------------------------------------------------------------------------------
@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    _need(can_view_contracts(request.user))
    state = request.GET.get("state", "all")
    if state not in selectors.CONTRACT_STATES:
        state = "all"
    contracts = selectors.contract_list(user=request.user, state=state)
    page = keyset_page(contracts, cursor=request.GET.get("cursor"), limit=PAGE)
    today = timezone.localdate()
    rows = [(contract, contract.state(today)) for contract in page.items]
    context = {
        "page": page,
        "rows": rows,
        "state": state,
        "states": STATES,
        "can_create": can_manage_contracts(request.user),
        # The ledger of the tab (contracts/exports.py): every contract of it, not only this page.
        "export_url": reverse("exchange:export", kwargs={"kind": "contracts", "fmt": "xlsx"})
        + "?"
        + urlencode({"state": state}),
    }
    return render(request, "contracts/contract_list.html", context)


def _contract_form(request: HttpRequest, data: Any = None) -> ContractForm:
    return ContractForm(
        data,
        customers=customers_visible_to(request.user).order_by("name"),
        units=units_visible_to(request.user).select_related("customer").order_by("serial_number"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest) -> HttpResponse:
    _need(can_manage_contracts(request.user))
    form = _contract_form(request, request.POST or None)
    status = 200
    without_contact: list[Customer] = []  # the customer whose file the refusal points to
    if request.method == "POST":
        created: list[Contract] = []

        def run(data: dict[str, Any]) -> None:
            customer = data.pop("customer")
            contact = Contact.objects.in_use().filter(customer=customer).order_by("-is_primary", "id").first()
            if contact is None:
                without_contact.append(customer)
                if Contact.objects.filter(customer=customer).exists():  # every one taken out of use
                    message = _(
                        "None of the customer's contacts is in use: put one back in use, or add one, "
                        "in the customer file."
                    )
                else:
                    message = _("The customer has no contact yet.")
                raise DomainError("contact_required", message, field="customer")
            units = list(data.pop("units"))
            created.append(
                services.create_contract(
                    by=request.user,
                    customer=customer,
                    contact=contact,
                    units=units,
                    **{**data, "price": str(data["price"]), "deposit_amount": str(data["deposit_amount"])},
                )
            )

        status = run_form(form, run)
        if status == 0:
            messages.success(request, _("Contract %(number)s created.") % {"number": created[0].number})
            return redirect("contracts:contract_detail", created[0].pk)
    context = {"form": form, "customer_file": without_contact[0] if without_contact else None}
    return render(request, "contracts/contract_form.html", context, status=status)


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    contract = selectors.contract_detail(user=request.user, contract_id=contract_id)
    if contract is None:
        raise Http404
    return contract


def _render_contract(request: HttpRequest, contract: Contract, *, status: int = 200, **forms_: Any) -> HttpResponse:
    centre = contract.service_center_id
    figures = selectors.balances(contract)
    context = {
        "contract": contract,
        "state": contract.state(timezone.localdate()),
        "rows": selectors.visit_rows(contract),
        "deposit": figures["deposit"],
        "fee": figures["fee"],
        "blockers": selectors.release_blockers(contract),
        "plan_form": forms_.get("plan_form")
        or PlanForm(technicians=_staff(request.user, centre).filter(role=Role.TECHNICIAN)),
        "cancel_form": forms_.get("cancel_form") or CancelForm(),
        "can_manage": can_manage_contracts(request.user, centre_id=centre) and contract.status == ContractStatus.ACTIVE,
        "can_generate": can_generate_visits(request.user, centre_id=centre),
        "history_panel": record_panel(request, contract),
    }
    return render(request, "contracts/contract_detail.html", context, status=status)


@login_required
@require_GET
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _render_contract(request, _contract(request, contract_id))


@login_required
@require_POST
def contract_add_plan(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = PlanForm(
        request.POST, technicians=_staff(request.user, contract.service_center_id).filter(role=Role.TECHNICIAN)
    )
    status = run_form(form, lambda data: services.add_visit_plan(contract, by=request.user, **data))
    if status:
        return _render_contract(request, contract, status=status, plan_form=form)
    messages.success(request, _("Visit plan added; its visits are on the calendar."))
    return redirect("contracts:contract_detail", contract.pk)


@login_required
@require_POST
def contract_cancel(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = CancelForm(request.POST)
    status = run_form(form, lambda data: services.cancel_contract(contract, by=request.user, reason=data["reason"]))
    if status:
        return _render_contract(request, contract, status=status, cancel_form=form)
    messages.success(request, _("Contract cancelled."))
    return redirect("contracts:contract_detail", contract.pk)


@login_required
@require_POST
def contract_generate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    try:
        result = services.generate_for_contract(contract, by=request.user)
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(
        request,
        _("%(created)d visit(s) generated, %(opened)d order(s) opened.")
        % {"created": result["created"], "opened": result["orders_opened"]},
    )
    return redirect("contracts:contract_detail", contract.pk)


@login_required
@require_GET
def visit_calendar(request: HttpRequest) -> HttpResponse:
    _need(can_view_contracts(request.user))
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    contract = None
    if request.GET.get("contract"):
        try:
            contract = _contract(request, int(request.GET["contract"]))
        except ValueError as exc:
            raise Http404 from exc
    months = selectors.year_calendar(user=request.user, year=year, contract=contract)
    context = {
        "months": months,
        "year": year,
        "contract": contract,
        "today": timezone.localdate(),
        "weekdays": WEEKDAY_HEADS,
    }
    return render(request, "contracts/visit_calendar.html", context)


# ---- ledger -------------------------------------------------------------------------------------------
def _render_ledger(request: HttpRequest, contract: Contract, *, status: int = 200, **forms_: Any) -> HttpResponse:
    figures = selectors.balances(contract)
    context = {
        "contract": contract,
        "entries": selectors.ledger_of(contract),
        "deposit": figures["deposit"],
        "fee": figures["fee"],
        "blockers": selectors.release_blockers(contract),
        "entry_form": forms_.get("entry_form") or EntryForm(initial={"due_on": timezone.localdate()}),
        "release_form": forms_.get("release_form") or ReleaseForm(),
        "can_book": can_keep_ledger(request.user, centre_id=contract.service_center_id),
        # A blocked deposit is released only with an override: who may not override sees why it is blocked.
        "can_override": can_override_release(request.user, centre_id=contract.service_center_id),
    }
    return render(request, "contracts/ledger.html", context, status=status)


@login_required
@require_GET
def contract_ledger(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _render_ledger(request, _contract(request, contract_id))


@login_required
@require_POST
def ledger_book(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = EntryForm(request.POST)
    status = run_form(
        form,
        lambda data: services.book_entry(contract, by=request.user, **{**data, "amount": str(data["amount"])}),
    )
    if status:
        return _render_ledger(request, contract, status=status, entry_form=form)
    messages.success(request, _("Entry booked."))
    return redirect("contracts:contract_ledger", contract.pk)


@login_required
@require_POST
def ledger_release(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract(request, contract_id)
    form = ReleaseForm(request.POST)
    status = run_form(form, lambda data: services.release_deposit(contract, by=request.user, **data))
    if status:
        return _render_ledger(request, contract, status=status, release_form=form)
    messages.success(request, _("Deposit released."))
    return redirect("contracts:contract_ledger", contract.pk)


# ---- projects -----------------------------------------------------------------------------------------
@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    _need(can_view_contracts(request.user))
    page = keyset_page(selectors.project_list(user=request.user), cursor=request.GET.get("cursor"), limit=PAGE)
    context = {
        "page": page,
        "can_create": can_manage_contracts(request.user),
        # Every project of the list, not only this page (contracts/exports.py).
        "export_url": reverse("exchange:export", kwargs={"kind": "projects", "fmt": "xlsx"}),
    }
    return render(request, "contracts/project_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    _need(can_manage_contracts(request.user))
    staff = User.objects.filter(is_active=True, system_kind="").order_by("username")
    if request.user.service_center_id is not None and not request.user.sees_all_centres:
        staff = staff.filter(service_center_id=request.user.service_center_id)
    form = ProjectForm(request.POST or None, customers=customers_visible_to(request.user).order_by("name"), staff=staff)
    status = 200
    if request.method == "POST":
        created: list[Project] = []
        status = run_form(form, lambda data: created.append(services.open_project(by=request.user, **data)))
        if status == 0:
            return redirect("contracts:project_detail", created[0].pk)
    return render(request, "contracts/project_form.html", {"form": form}, status=status)


def _project(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_detail(user=request.user, project_id=project_id)
    if project is None:
        raise Http404
    return project


def _render_project(request: HttpRequest, project: Project, *, status: int = 200, **forms_: Any) -> HttpResponse:
    problems = list(project.problems.all())
    can_track = can_track_problems(request.user, centre_id=project.service_center_id) and project.signed_off_at is None
    if not can_track:
        # A page drawn before the sheet was signed off: the page has no forms now.
        errors_above_the_page(request, *forms_.values())
    context = {
        "project": project,
        "problems": problems,
        "open_count": sum(1 for p in problems if p.status == "open"),
        "problem_form": forms_.get("problem_form") or ProblemForm(),
        "resolve_form": forms_.get("resolve_form") or ResolveForm(),
        "resolve_id": forms_.get("resolve_id"),
        "sign_form": forms_.get("sign_form") or SignOffForm(),
        "can_track": can_track,
        "history_panel": record_panel(request, project),
    }
    return render(request, "contracts/project_detail.html", context, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    return _render_project(request, _project(request, project_id))


@login_required
@require_GET
def project_print(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    return render(
        request,
        "contracts/project_print.html",
        {"project": project, "problems": list(project.problems.all()), "today": timezone.localdate()},
    )


@login_required
@require_POST
def project_add_problem(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = ProblemForm(request.POST)
    status = run_form(form, lambda data: services.add_problem(project, by=request.user, **data))
    if status:
        return _render_project(request, project, status=status, problem_form=form)
    return redirect("contracts:project_detail", project.pk)


@login_required
@require_POST
def problem_resolve(request: HttpRequest, project_id: int, problem_id: int) -> HttpResponse:
    project = _project(request, project_id)
    problem = next((p for p in project.problems.all() if p.pk == problem_id), None)
    if problem is None:
        raise Http404
    form = ResolveForm(request.POST)
    status = run_form(form, lambda data: services.resolve_problem(problem, by=request.user, **data))
    if status:
        return _render_project(request, project, status=status, resolve_form=form, resolve_id=problem.pk)
    return redirect("contracts:project_detail", project.pk)


@login_required
@require_POST
def project_sign_off(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form = SignOffForm(request.POST)
    status = run_form(form, lambda data: services.sign_off_sheet(project, by=request.user, **data))
    if status:
        return _render_project(request, project, status=status, sign_form=form)
    messages.success(request, _("The problem sheet is signed off."))
    return redirect("contracts:project_detail", project.pk)
