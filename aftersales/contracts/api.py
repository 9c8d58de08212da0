"""Contracts and project after-sales: contracts with their visit plans and visits, the deposit and
fee ledger with the deposit's release, projects and their problem sheet. Every list and detail reads
through ``permissions.in_scope`` (404 outside). Amounts are strings in CNY ("1200.00"), never floats."""

import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from aftersales.accounts.models import User
from aftersales.care.choices import TaskStatus
from aftersales.contracts import selectors, services
from aftersales.contracts.choices import (
    Billing,
    ContractAccount,
    ContractKind,
    ContractStatus,
    EntryKind,
    PlanKind,
    ProblemStatus,
    Severity,
    VisitStatus,
)
from aftersales.contracts.models import Contract, ContractVisit, LedgerEntry, Problem, Project, VisitPlan
from aftersales.core.api import Input, page_limit
from aftersales.core.errors import ValidationFailed
from aftersales.core.idempotency import Created, idempotent
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import AmountText, Choice, Day, answers, model_field
from aftersales.customers.models import Contact
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.permissions import units_visible_to

router = Router(tags=["contracts"])


# ---- contracts ----------------------------------------------------------------------------------------
class VisitPlanOut(Schema):
    id: int
    kind: Annotated[str, Choice(PlanKind)]
    rule: str
    mandatory: bool
    technician_id: int | None
    checklist: list[str]

    @staticmethod
    def resolve_checklist(plan: VisitPlan) -> list[str]:
        return plan.checklist_items()


class ContractOut(Schema):
    id: int
    number: str
    kind: Annotated[str, Choice(ContractKind)]
    status: Annotated[str, Choice(ContractStatus)]
    state: Annotated[str, Choice(ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.CANCELLED)] = Field(
        description="active, expired (term over) or cancelled"
    )
    service_center_id: int
    customer_id: int
    customer_name: str
    contact_id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    labour_percent: int
    parts_percent: int
    travel_percent: int
    response_hours: int | None
    resolution_days: int | None
    price: str
    billing: Annotated[str, Choice(Billing)]
    deposit_amount: str
    deposit_release_on: datetime.date | None
    block_on_missed_visits: bool
    block_on_open_complaints: bool

    @staticmethod
    def resolve_state(contract: Contract) -> str:
        return contract.state(timezone.localdate())  # the business day, not the machine's (UTC) date

    @staticmethod
    def resolve_customer_name(contract: Contract) -> str:
        return contract.customer.name

    @staticmethod
    def resolve_price(contract: Contract) -> str:
        return str(contract.price)

    @staticmethod
    def resolve_deposit_amount(contract: Contract) -> str:
        return str(contract.deposit_amount)


class ContractDetailOut(ContractOut):
    unit_ids: list[int]
    plans: list[VisitPlanOut]

    @staticmethod
    def resolve_unit_ids(contract: Contract) -> list[int]:
        return [unit.pk for unit in contract.units.all()]

    @staticmethod
    def resolve_plans(contract: Contract) -> list[VisitPlan]:
        return list(contract.plans.all())


class ContractPage(Schema):
    items: list[ContractOut]
    next_cursor: str | None


class ContractQuery(Schema):
    state: str = Field("all", description="active, expiring, expired, cancelled or all", max_length=10)
    expiring_days: int = Field(60, ge=1, le=3660, description="The window of state=expiring, in days")
    q: str = Field("", max_length=100)
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/contracts", response=answers(ContractPage, 400))
def list_contracts(request: HttpRequest, filters: Query[ContractQuery]) -> Page:
    """The contracts of your centre, newest first; ``state=expiring`` lists those ending within the window."""
    if filters.state not in selectors.CONTRACT_STATES:
        raise ValidationFailed(
            "invalid_filter",
            _("state: one of %(states)s.") % {"states": ", ".join(selectors.CONTRACT_STATES)},
            field="state",
        )
    contracts = selectors.contract_list(
        user=request.user, state=filters.state, expiring_days=filters.expiring_days, q=filters.q
    )
    return keyset_page(contracts, cursor=filters.cursor, limit=page_limit(filters.limit))


def contract_or_404(request: HttpRequest, contract_id: int) -> Contract:
    contract = selectors.contract_detail(user=request.user, contract_id=contract_id)
    if contract is None:
        raise Http404
    return contract


class ContractIn(Input):
    customer_id: int
    contact_id: int
    title: str = model_field(Contract, "title")
    kind: ContractKind = ContractKind.MAINTENANCE
    starts_on: Day
    ends_on: Day
    unit_ids: list[int] = Field(max_length=500)
    price: AmountText = "0"
    billing: Billing = Billing.YEARLY
    deposit_amount: AmountText = "0"
    deposit_release_on: Day | None = None
    labour_percent: int = Field(100, description="0 excluded, 100 included, or a share")
    parts_percent: int = 100
    travel_percent: int = 100
    response_hours: int | None = Field(None, description="Overrides the SLA policy's response limit")
    resolution_days: int | None = Field(None, description="Overrides the SLA policy's working days")
    block_on_missed_visits: bool = True
    block_on_open_complaints: bool = True
    renewal_of_id: int | None = None


@router.post("/contracts", response=answers(ContractDetailOut, 400, 403, 404, 409, 422, status=201))
def create_contract(request: HttpRequest, payload: ContractIn) -> Created:
    """A contract and the units it covers; its fees and deposit are booked as expected on its ledger."""

    def create() -> tuple[int, Any]:
        customer = customers_visible_to(request.user).filter(pk=payload.customer_id).first()
        if customer is None:
            raise ValidationFailed("invalid_customer", _("No such customer."), field="customer_id")
        contact = Contact.objects.filter(pk=payload.contact_id, customer=customer).first()
        if contact is None:
            raise ValidationFailed("wrong_contact", _("The contact belongs to another customer."), field="contact_id")
        units = list(units_visible_to(request.user).filter(pk__in=payload.unit_ids))
        if len(units) != len(set(payload.unit_ids)):
            raise ValidationFailed("invalid_unit", _("No such unit."), field="unit_ids")
        renewal_of = None
        if payload.renewal_of_id is not None:
            renewal_of = selectors.contract_detail(user=request.user, contract_id=payload.renewal_of_id)
            if renewal_of is None:
                raise ValidationFailed("wrong_contract", _("No such contract."), field="renewal_of_id")
        data = payload.model_dump(exclude={"customer_id", "contact_id", "unit_ids", "renewal_of_id"})
        contract = services.create_contract(
            by=request.user, customer=customer, contact=contact, units=units, renewal_of=renewal_of, **data
        )
        return 201, ContractDetailOut.from_orm(contract_or_404(request, contract.pk))

    return idempotent(request, create)


@router.get("/contracts/{contract_id}", response=answers(ContractDetailOut, 404))
def get_contract(request: HttpRequest, contract_id: int) -> Contract:
    return contract_or_404(request, contract_id)


class CancelIn(Input):
    reason: str = model_field(Contract, "cancel_reason")


@router.post("/contracts/{contract_id}/cancel", response=answers(ContractDetailOut, 400, 403, 404, 409))
def cancel_contract(request: HttpRequest, contract_id: int, payload: CancelIn) -> Contract:
    services.cancel_contract(contract_or_404(request, contract_id), by=request.user, reason=payload.reason)
    return contract_or_404(request, contract_id)


class VisitPlanIn(Input):
    kind: PlanKind
    rule: str = Field("", max_length=300, description="RFC 5545 (FREQ=MONTHLY;BYMONTHDAY=5); empty: the kind's")
    mandatory: bool = True
    technician_id: int | None = None
    checklist: str = model_field(VisitPlan, "checklist", "")


@router.post("/contracts/{contract_id}/plans", response=answers(VisitPlanOut, 400, 403, 404, 409, 422, status=201))
def add_plan(request: HttpRequest, contract_id: int, payload: VisitPlanIn) -> Created:
    """A recurring visit; its visits over the term are generated at once on working days."""

    def create() -> tuple[int, Any]:
        contract = contract_or_404(request, contract_id)
        technician = None
        if payload.technician_id is not None:
            technician = User.objects.filter(pk=payload.technician_id).first()
            if technician is None:
                raise ValidationFailed("invalid_technician", _("No such technician."), field="technician_id")
        plan = services.add_visit_plan(
            contract,
            by=request.user,
            kind=payload.kind,
            rule=payload.rule,
            mandatory=payload.mandatory,
            technician=technician,
            checklist=payload.checklist,
        )
        return 201, VisitPlanOut.from_orm(plan)

    return idempotent(request, create)


class ContractVisitOut(Schema):
    id: int
    plan_id: int
    kind: Annotated[str, Choice(PlanKind)]
    planned_on: datetime.date
    due_on: datetime.date
    moved: bool = Field(description="The rule's day was not a working day: moved to the next one")
    status: Annotated[str, Choice(VisitStatus)]
    order_id: int | None
    order_number: str | None
    callback_id: int | None = Field(description="Customer care's call-back task after the visit")
    callback_status: Annotated[str, Choice(TaskStatus)] | None


def _visit_out(row: selectors.VisitRow) -> dict[str, Any]:
    visit: ContractVisit = row.visit
    callback: Any = row.callback
    return {
        "id": visit.pk,
        "plan_id": visit.plan_id,
        "kind": visit.plan.kind,
        "planned_on": visit.planned_on,
        "due_on": visit.due_on,
        "moved": visit.planned_on != visit.due_on,
        "status": visit.status,
        "order_id": visit.order_id,
        "order_number": visit.order.number if visit.order_id else None,
        "callback_id": callback.pk if callback else None,
        "callback_status": callback.status if callback else None,
    }


@router.get("/contracts/{contract_id}/visits", response=answers(list[ContractVisitOut], 404))
def list_visits(request: HttpRequest, contract_id: int) -> list[dict[str, Any]]:
    """Every visit of the contract by day (at most the plans' limit over the term), with its call-back."""
    return [_visit_out(row) for row in selectors.visit_rows(contract_or_404(request, contract_id))]


class GeneratedOut(Schema):
    created: int
    orders_opened: int


@router.post("/contracts/{contract_id}/generate-visits", response=answers(GeneratedOut, 403, 404))
def generate_visits(request: HttpRequest, contract_id: int) -> dict[str, int]:
    """Generate the contract's visits (nothing new the second time) and open the orders now due."""
    contract = contract_or_404(request, contract_id)
    return services.generate_for_contract(contract, by=request.user)


# ---- ledger -------------------------------------------------------------------------------------------
class ContractEntryOut(Schema):
    id: int
    account: Annotated[str, Choice(ContractAccount)]
    kind: Annotated[str, Choice(EntryKind)]
    amount: str
    due_on: datetime.date | None
    memo: str
    override_reason: str
    actor_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_amount(entry: LedgerEntry) -> str:
        return str(entry.amount)


class BalanceOut(Schema):
    expected: str
    received: str
    released: str
    held: str
    outstanding: str
    due_unpaid: str


class ContractLedgerOut(Schema):
    contract_id: int
    entries: list[ContractEntryOut]
    deposit: BalanceOut
    fee: BalanceOut
    release_blockers: list[str]


def _balance(balance: selectors.Balance) -> dict[str, str]:
    return {
        "expected": str(balance.expected),
        "received": str(balance.received),
        "released": str(balance.released),
        "held": str(balance.held),
        "outstanding": str(balance.outstanding),
        "due_unpaid": str(balance.due_unpaid),
    }


def _ledger(contract: Contract) -> dict[str, Any]:
    figures = selectors.balances(contract)
    return {
        "contract_id": contract.pk,
        "entries": list(selectors.ledger_of(contract)),
        "deposit": _balance(figures["deposit"]),
        "fee": _balance(figures["fee"]),
        "release_blockers": selectors.release_blockers(contract),
    }


@router.get("/contracts/{contract_id}/ledger", response=answers(ContractLedgerOut, 404))
def get_ledger(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    """The deposit and fee entries, their balances, and why the deposit may not be released now."""
    return _ledger(contract_or_404(request, contract_id))


class EntryIn(Input):
    account: ContractAccount
    kind: EntryKind = Field(description="expected, received or correction (a release has its own endpoint)")
    amount: AmountText
    due_on: Day | None = None
    memo: str = model_field(LedgerEntry, "memo", "")


@router.post("/contracts/{contract_id}/ledger", response=answers(ContractEntryOut, 400, 403, 404, 409, 422, status=201))
def book_entry(request: HttpRequest, contract_id: int, payload: EntryIn) -> Created:
    def create() -> tuple[int, Any]:
        entry = services.book_entry(contract_or_404(request, contract_id), by=request.user, **payload.model_dump())
        return 201, ContractEntryOut.from_orm(entry)

    return idempotent(request, create)


class ReleaseIn(Input):
    override_reason: str = model_field(LedgerEntry, "override_reason", "")


@router.post(
    "/contracts/{contract_id}/deposit/release", response=answers(ContractEntryOut, 400, 403, 404, 409, status=201)
)
def release_deposit(request: HttpRequest, contract_id: int, payload: ReleaseIn) -> Status:
    """Release the held deposit: 409 ``release_blocked`` with the reasons, unless a manager overrides
    with a reason; 409 ``already_released`` the second time."""
    entry = services.release_deposit(
        contract_or_404(request, contract_id), by=request.user, override_reason=payload.override_reason
    )
    return Status(201, entry)


# ---- projects -----------------------------------------------------------------------------------------
class ProblemOut(Schema):
    id: int
    reporter: str
    severity: Annotated[str, Choice(Severity)]
    description: str
    owner_id: int
    status: Annotated[str, Choice(ProblemStatus)]
    resolution: str
    resolved_at: datetime.datetime | None
    order_id: int | None


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    service_center_id: int
    customer_id: int
    contract_id: int | None
    accepted_on: datetime.date
    project_manager_id: int
    development_manager_id: int
    signed_off_at: datetime.datetime | None
    signed_by: str
    sign_off_note: str


class ProjectDetailOut(ProjectOut):
    problems: list[ProblemOut]

    @staticmethod
    def resolve_problems(project: Project) -> list[Problem]:
        return list(project.problems.all())


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_cursor: str | None


class ContractListQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/projects", response=answers(ProjectPage, 400))
def list_projects(request: HttpRequest, filters: Query[ContractListQuery]) -> Page:
    return keyset_page(
        selectors.project_list(user=request.user), cursor=filters.cursor, limit=page_limit(filters.limit)
    )


def project_or_404(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_detail(user=request.user, project_id=project_id)
    if project is None:
        raise Http404
    return project


def _staff(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed("invalid_person", _("No such person."), field=field)
    return user


class ProjectIn(Input):
    customer_id: int
    name: str = model_field(Project, "name")
    accepted_on: Day
    project_manager_id: int
    development_manager_id: int
    contract_id: int | None = None


@router.post("/projects", response=answers(ProjectDetailOut, 400, 403, 404, 422, status=201))
def open_project(request: HttpRequest, payload: ProjectIn) -> Created:
    """The after-sales record of an accepted implementation project (§11)."""

    def create() -> tuple[int, Any]:
        customer = customers_visible_to(request.user).filter(pk=payload.customer_id).first()
        if customer is None:
            raise ValidationFailed("invalid_customer", _("No such customer."), field="customer_id")
        contract = None
        if payload.contract_id is not None:
            contract = selectors.contract_detail(user=request.user, contract_id=payload.contract_id)
            if contract is None:
                raise ValidationFailed("wrong_contract", _("No such contract."), field="contract_id")
        project = services.open_project(
            by=request.user,
            customer=customer,
            name=payload.name,
            accepted_on=payload.accepted_on,
            project_manager=_staff(payload.project_manager_id, "project_manager_id"),
            development_manager=_staff(payload.development_manager_id, "development_manager_id"),
            contract=contract,
        )
        return 201, ProjectDetailOut.from_orm(project_or_404(request, project.pk))

    return idempotent(request, create)


@router.get("/projects/{project_id}", response=answers(ProjectDetailOut, 404))
def get_project(request: HttpRequest, project_id: int) -> Project:
    return project_or_404(request, project_id)


class ProblemIn(Input):
    reporter: str = model_field(Problem, "reporter")
    description: str = model_field(Problem, "description")
    severity: Severity = Severity.NORMAL
    owner_id: int | None = None


@router.post("/projects/{project_id}/problems", response=answers(ProblemOut, 400, 403, 404, 409, 422, status=201))
def add_problem(request: HttpRequest, project_id: int, payload: ProblemIn) -> Created:
    def create() -> tuple[int, Any]:
        problem = services.add_problem(
            project_or_404(request, project_id),
            by=request.user,
            reporter=payload.reporter,
            description=payload.description,
            severity=payload.severity,
            owner=_staff(payload.owner_id, "owner_id"),
        )
        return 201, ProblemOut.from_orm(problem)

    return idempotent(request, create)


def problem_or_404(request: HttpRequest, problem_id: int) -> Problem:
    problem = selectors.problem_detail(user=request.user, problem_id=problem_id)
    if problem is None:
        raise Http404
    return problem


class ProblemResolveIn(Input):
    resolution: str = model_field(Problem, "resolution")


@router.post("/problems/{problem_id}/resolve", response=answers(ProblemOut, 400, 403, 404, 409))
def resolve_problem(request: HttpRequest, problem_id: int, payload: ProblemResolveIn) -> Problem:
    return services.resolve_problem(problem_or_404(request, problem_id), by=request.user, resolution=payload.resolution)


class RaiseIn(Input):
    reporter_phone: str = Field(max_length=30, description="Whom the technician calls")


@router.post("/problems/{problem_id}/order", response=answers(ProblemOut, 400, 403, 404, 409))
def raise_order(request: HttpRequest, problem_id: int, payload: RaiseIn) -> Problem:
    """A problem that needs a visit becomes a repair order of the project's customer."""
    return services.raise_problem_order(
        problem_or_404(request, problem_id), by=request.user, reporter_phone=payload.reporter_phone
    )


class SignOffIn(Input):
    signed_by: str = model_field(Project, "signed_by")
    note: str = model_field(Project, "sign_off_note", "")


@router.post("/projects/{project_id}/sign-off", response=answers(ProjectDetailOut, 400, 403, 404, 409))
def sign_off(request: HttpRequest, project_id: int, payload: SignOffIn) -> Project:
    """The customer signs the problem sheet off (every problem resolved)."""
    services.sign_off_sheet(
        project_or_404(request, project_id), by=request.user, signed_by=payload.signed_by, note=payload.note
    )
    return project_or_404(request, project_id)
