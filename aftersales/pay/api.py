"""Pay and performance over REST: plans, figures, profiles, pay runs and statements (docs/pay.md).

Lists are keyset-paged; every list and detail goes through ``permissions.runs_visible_to`` /
``statements_visible_to`` (out of scope answers 404). The export for payroll is
``GET /exports/pay_statements.xlsx?run=<id>`` (the exchange app's exports).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.errors import NotFoundError
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.registry import figure_sources
from aftersales.core.schemas import Choice, Day, SignedMoney, answers
from aftersales.pay import permissions, services
from aftersales.pay.choices import Release, RunStatus, Sex, YearEndDecision
from aftersales.pay.engine import describe_warning
from aftersales.pay.models import PayPlan, PayProfile, PayRun, PayStatement
from aftersales.pay.plan import read_plan

router = Router(tags=["pay"])


class PayFigureOut(Schema):
    key: str
    label: str
    unit: str = Field(description="amount (CNY), count or score")
    missing: str = Field(description="Why it reads as zero (the app that records it is not installed), or empty")


class PayPlanOut(Schema):
    id: int
    name: str
    effective_from: datetime.date
    asked: list[str] = Field(description="Values the source leaves blank: the plan asks for them")
    document: dict[str, Any]

    @staticmethod
    def resolve_asked(plan: PayPlan) -> list[str]:
        return read_plan(plan.document).asked()


class PayPlanIn(Input):
    effective_from: Day = Field(description="The first day of the month from which the plan is in force")
    document: dict[str, Any] = Field(description="The plan (docs/pay.md, The plan document)")


class ProfileIn(Input):
    education: str = Field(max_length=30)
    posts: list[str] = Field(min_length=1, max_length=5)
    joined_on: Day
    allowances: list[str] = Field(default_factory=list, max_length=10)
    sex: Sex | Literal[""] = Field("", description="For the attendance rule's thresholds; empty: the higher applies")
    active: bool = True


class PayProfileOut(Schema):
    user_id: int
    education: str
    posts: list[str]
    allowances: list[str]
    joined_on: datetime.date
    sex: Annotated[str, Choice(Sex, blank=True)]
    active: bool


class RunIn(Input):
    centre_id: int
    period: Day = Field(description="The first day of the month paid")


class RunOut(Schema):
    id: int
    centre_id: int = Field(alias="service_center_id")
    period: datetime.date
    plan_id: int
    status: RunStatus
    version: int
    computed_at: datetime.datetime | None
    approved_at: datetime.datetime | None


class RunPage(Schema):
    items: list[RunOut]
    next_cursor: str | None


class MoveIn(Input):
    to: RunStatus


class StatementOut(Schema):
    id: int
    run_id: int
    user_id: int
    period: datetime.date
    status: RunStatus
    posts: list[str]
    entries: dict[str, Any]
    base: Decimal
    performance: Decimal
    allowances: Decimal
    quarterly: Decimal
    year_end: Decimal
    adjustments: Decimal
    gross: Decimal
    holdback: Decimal
    release: Decimal
    net: Decimal
    warnings: list[str] = Field(
        description="Values the plan asks for that were blank or not measured: the plan's path, then why."
    )

    @staticmethod
    def resolve_warnings(s: PayStatement) -> list[str]:
        return [describe_warning(warning) for warning in s.warnings]

    @staticmethod
    def resolve_period(s: PayStatement) -> datetime.date:
        return s.run.period

    @staticmethod
    def resolve_status(s: PayStatement) -> str:
        return s.run.status


class StatementDetailOut(StatementOut):
    lines: list[dict[str, Any]] = Field(description="Each line with its formula, values and tiers")
    figures: dict[str, Any] = Field(description="Each figure used, with the orders behind it ([id, number, amount])")


class StatementPage(Schema):
    items: list[StatementOut]
    next_cursor: str | None


class PayListQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class StatementQuery(PayListQuery):
    run: int | None = Field(None, description="Only this run's statements")


class EntriesIn(Input):
    coefficients: dict[str, Decimal] | None = Field(None, description="The assessment coefficient per post")
    values: dict[str, Decimal] | None = Field(None, description="Entered values, e.g. emergency_allowance")
    scores: dict[str, Decimal] | None = Field(None, description="Quarterly scores: target (% done), service, training")
    release: Release | None = Field(None, description="At the release month: met / not_met")
    award: YearEndDecision | None = Field(None, description="At the year-end month: the year's task met / not_met")
    attendance: dict[str, Decimal] | None = Field(
        None,
        description="The person's attendance (%) over the `quarter` (quarterly bonus) or the `year` (year-end "
        "award) where it is kept outside the check-ins (office staff); wins over the measured rate. "
        "An empty object goes back to the measured rates.",
    )


class PayAdjustmentIn(Input):
    corrects: int = Field(description="The approved statement corrected")
    amount: SignedMoney = Field(description="Paid on top of the statement (below zero: taken back).")
    reason: str = Field(max_length=500)


class AdjustmentOut(Schema):
    id: int
    run_id: int
    user_id: int
    corrects_id: int
    amount: Decimal
    reason: str


@router.get("/pay/figures", response=answers(list[PayFigureOut]))
def list_figures(request: HttpRequest) -> list[dict[str, Any]]:
    """The figures a formula may read, and whether each is measured yet."""
    return [{"key": s.key, "label": str(s.label), "unit": s.unit, "missing": str(s.missing)} for s in figure_sources]


@router.get("/pay/plans", response=answers(list[PayPlanOut]))
def list_plans(request: HttpRequest) -> Any:
    """Every plan version, newest first (few: one a change)."""
    return permissions.plans_visible_to(request.user).order_by("-effective_from")


@router.get("/pay/plans/{plan_id}", response=answers(PayPlanOut, 404))
def get_plan(request: HttpRequest, plan_id: int) -> PayPlan:
    return get_object_or_404(permissions.plans_visible_to(request.user), pk=plan_id)


@router.post("/pay/plans", response=answers(PayPlanOut, 400, 403, 409, 422, status=201))
def create_plan(request: HttpRequest, payload: PayPlanIn) -> Any:
    """Save a new plan version, checked (formulas, tiers, ranges) before anything is written."""

    def create() -> tuple[int, Any]:
        plan = services.save_plan(by=request.user, document=payload.document, effective_from=payload.effective_from)
        return 201, PayPlanOut.from_orm(plan)

    return idempotent(request, create)


@router.put("/pay/plans/{plan_id}", response=answers(PayPlanOut, 400, 403, 404, 409))
def update_plan(request: HttpRequest, plan_id: int, payload: PayPlanIn) -> PayPlan:
    """Change a plan no run has used yet (else 409 ``plan_in_use``: save a new version)."""
    plan = get_object_or_404(permissions.plans_visible_to(request.user), pk=plan_id)
    return services.save_plan(
        by=request.user, document=payload.document, effective_from=payload.effective_from, plan=plan
    )


@router.put("/pay/profiles/{user_id}", response=answers(PayProfileOut, 400, 403, 404, 409))
def put_profile(request: HttpRequest, user_id: int, payload: ProfileIn) -> PayProfile:
    """A person's education, posts, joining day and allowances (the codes of the plan in force)."""
    person = User.objects.filter(pk=user_id, system_kind="").first()
    if person is None:
        raise NotFoundError("not_found", _("No such person."))
    return services.set_profile(by=request.user, user=person, **payload.dict())


@router.get("/pay/runs", response=answers(RunPage, 400))
def list_runs(request: HttpRequest, params: Query[PayListQuery]) -> Any:
    page = keyset_page(permissions.runs_visible_to(request.user), cursor=params.cursor, limit=page_limit(params.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/pay/runs", response=answers(RunOut, 400, 403, 404, 409, 422, status=201))
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    """Start a centre's pay for a month and compute every statement."""
    centre: ServiceCenter | None = centres_visible_to(request.user).filter(pk=payload.centre_id).first()
    if centre is None:
        centre = (
            ServiceCenter.objects.filter(pk=payload.centre_id).first()
            if permissions.sees_all_pay(request.user)
            else None
        )
    if centre is None:
        raise NotFoundError("not_found", _("No such centre."), field="centre_id")
    found = centre

    def create() -> tuple[int, Any]:
        return 201, RunOut.from_orm(services.create_run(by=request.user, centre=found, period=payload.period))

    return idempotent(request, create)


def _run(request: HttpRequest, run_id: int) -> PayRun:
    return get_object_or_404(permissions.runs_visible_to(request.user), pk=run_id)


@router.get("/pay/runs/{run_id}", response=answers(RunOut, 404))
def get_run(request: HttpRequest, run_id: int) -> PayRun:
    return _run(request, run_id)


@router.post("/pay/runs/{run_id}/recompute", response=answers(RunOut, 403, 404, 409))
def recompute_run(request: HttpRequest, run_id: int) -> PayRun:
    """Measure the month again (a draft run only; the entries are kept)."""
    return services.recompute_run(by=request.user, run=_run(request, run_id))


@router.post("/pay/runs/{run_id}/transition", response=answers(RunOut, 400, 403, 404, 409))
def move_run(request: HttpRequest, run_id: int, payload: MoveIn) -> PayRun:
    """draft → reviewed → approved (final), or reviewed → draft to reopen."""
    return services.transition_run(by=request.user, run=_run(request, run_id), to=payload.to)


@router.post("/pay/runs/{run_id}/adjustments", response=answers(AdjustmentOut, 400, 403, 404, 409, 422, status=201))
def add_adjustment(request: HttpRequest, run_id: int, payload: PayAdjustmentIn) -> Any:
    """Correct an approved statement of an earlier month in this draft run."""
    corrects = found_or_404(
        permissions.statements_visible_to(request.user),
        payload.corrects,
        field="corrects",
        missing=_("No such statement."),
    )
    run = _run(request, run_id)

    def create() -> tuple[int, Any]:
        adjustment = services.add_adjustment(
            by=request.user, run=run, corrects=corrects, amount=payload.amount, reason=payload.reason
        )
        return 201, AdjustmentOut.from_orm(adjustment)

    return idempotent(request, create)


@router.get("/pay/statements", response=answers(StatementPage, 400, 404))
def list_statements(request: HttpRequest, params: Query[StatementQuery]) -> Any:
    """The statements you may see (your own once approved; your centre's; every centre's), newest first.
    ``run``: a run you see, or one holding a statement of yours you see; any other answers 404 (it
    answered an empty list, as if the run had none: QA 2026-12-07)."""
    qs = permissions.statements_visible_to(request.user).select_related("run")
    if params.run is not None:
        qs = qs.filter(run_id=params.run)
        if not (permissions.runs_visible_to(request.user).filter(pk=params.run).exists() or qs.exists()):
            raise NotFoundError("not_found", _("No such pay run."), field="run")
    page = keyset_page(qs, cursor=params.cursor, limit=page_limit(params.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


def _statement(request: HttpRequest, statement_id: int) -> PayStatement:
    return get_object_or_404(permissions.statements_visible_to(request.user).select_related("run"), pk=statement_id)


@router.get("/pay/statements/{statement_id}", response=answers(StatementDetailOut, 404))
def get_statement(request: HttpRequest, statement_id: int) -> PayStatement:
    """One statement with its lines (formulas, values, tiers) and the orders behind each figure."""
    return _statement(request, statement_id)


@router.patch("/pay/statements/{statement_id}/entries", response=answers(StatementDetailOut, 400, 403, 404, 409))
def enter_statement(request: HttpRequest, statement_id: int, payload: EntriesIn) -> PayStatement:
    """The manager's entries (coefficients, entered values, quarterly scores, release) on a draft."""
    statement = services.enter_statement(by=request.user, statement=_statement(request, statement_id), **payload.dict())
    return PayStatement.objects.select_related("run").get(pk=statement.pk)
