"""Project after-sales (domain.md §11): opened at acceptance with the project manager first
responsible and the development manager second; the problem tracking sheet (问题跟踪表) that the
customer signs off once every problem is resolved."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.contracts.choices import ProblemStatus, Severity
from aftersales.contracts.models import Contract, Problem, Project
from aftersales.contracts.permissions import can_manage_contracts, can_track_problems
from aftersales.contracts.services.common import lock_project, require
from aftersales.core.errors import ConflictError, NotFoundError, ValidationFailed
from aftersales.core.numbering import next_number
from aftersales.core.validation import not_in_future, require_choice, require_text
from aftersales.customers.models import Customer
from aftersales.history.services import record_activity
from aftersales.service.choices import OrderKind
from aftersales.service.services.orders import open_order


def _person(user: User | None, *, centre_id: int, field: str) -> User:
    if (
        user is None
        or not user.is_active
        or user.is_system
        or (user.service_center_id is not None and user.service_center_id != centre_id)
    ):
        raise NotFoundError("not_found", _("No such person."), field=field)
    return user


@transaction.atomic
def open_project(
    *,
    by: User,
    customer: Customer,
    name: str,
    accepted_on: datetime.date,
    project_manager: User | None,
    development_manager: User | None,
    contract: Contract | None = None,
) -> Project:
    """The after-sales record of an implementation project, opened at its acceptance."""
    require(can_manage_contracts(by), _("Only service managers open project records."))
    require(
        can_manage_contracts(by, centre_id=customer.service_center_id), _("Only service managers open project records.")
    )
    centre = customer.service_center_id
    name = require_text(name, field="name", max_length=200)
    accepted = not_in_future(accepted_on, field="accepted_on")
    if accepted is None:
        raise ValidationFailed("required", _("Give the day the project was accepted."), field="accepted_on")
    pm = _person(project_manager, centre_id=centre, field="project_manager_id")
    dm = _person(development_manager, centre_id=centre, field="development_manager_id")
    if pm.pk == dm.pk:
        raise ValidationFailed(
            "same_person",
            _("The development manager is second responsible: name someone other than the project manager."),
            field="development_manager_id",
        )
    if contract is not None and contract.customer_id != customer.pk:
        raise ValidationFailed("wrong_contract", _("The contract belongs to another customer."), field="contract_id")
    project = Project.objects.create(
        number=next_number(prefix="XM", day=timezone.localdate(), width=4),
        name=name,
        service_center_id=centre,
        customer=customer,
        contract=contract,
        accepted_on=accepted,
        project_manager=pm,
        development_manager=dm,
    )
    record_activity(target=project, type="project.opened", by=by, data={"number": project.number})
    return project


def _require_tracker(by: User, project: Project) -> None:
    require(can_track_problems(by, centre_id=project.service_center_id), _("Your role may not edit the problem sheet."))


def _open_sheet(project: Project) -> None:
    if project.signed_off_at is not None:
        raise ConflictError("sheet_signed", _("The customer has signed the problem sheet off."))


@transaction.atomic
def add_problem(
    project: Project,
    *,
    by: User,
    reporter: str,
    description: str,
    severity: str = Severity.NORMAL,
    owner: User | None = None,
) -> Problem:
    """A problem on the sheet; its owner is the project manager unless another is named."""
    require(can_track_problems(by), _("Your role may not edit the problem sheet."))
    project = lock_project(project, by=by)
    _require_tracker(by, project)
    _open_sheet(project)
    require_choice(severity, field="severity", choices=Severity)
    problem = Problem.objects.create(
        project=project,
        reporter=require_text(reporter, field="reporter", max_length=100),
        description=require_text(description, field="description", max_length=4000),
        severity=severity,
        owner=project.project_manager
        if owner is None
        else _person(owner, centre_id=project.service_center_id, field="owner_id"),
    )
    record_activity(target=project, type="project.problem_added", by=by, data={"problem": problem.pk})
    return problem


def _lock_problem(problem: Problem, *, by: User) -> tuple[Project, Problem]:
    project = lock_project(problem.project, by=by)
    return project, Problem.objects.select_for_update().get(pk=problem.pk)


@transaction.atomic
def resolve_problem(problem: Problem, *, by: User, resolution: str) -> Problem:
    require(can_track_problems(by), _("Your role may not edit the problem sheet."))
    project, problem = _lock_problem(problem, by=by)
    _require_tracker(by, project)
    _open_sheet(project)
    text = require_text(resolution, field="resolution", max_length=4000)
    if problem.status != ProblemStatus.OPEN:
        raise ConflictError("problem_resolved", _("The problem is resolved already."))
    problem.status = ProblemStatus.RESOLVED
    problem.resolution = text
    problem.resolved_at = timezone.now()
    problem.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    record_activity(
        target=project,
        type="project.problem_resolved",
        by=by,
        data={"problem": problem.pk},
        # Named through the relation so the history reads the problem's status with its words, not the
        # project's (which has none) with the raw codes.
        changes={"problems.status": (ProblemStatus.OPEN.value, ProblemStatus.RESOLVED.value)},
    )
    return problem


@transaction.atomic
def raise_problem_order(problem: Problem, *, by: User, reporter_phone: str) -> Problem:
    """A problem that needs a visit becomes a repair order of the project's customer (one per problem)."""
    require(can_track_problems(by), _("Your role may not edit the problem sheet."))
    project, problem = _lock_problem(problem, by=by)
    _require_tracker(by, project)
    _open_sheet(project)
    if problem.order_id is not None:
        raise ConflictError("order_raised", _("The problem has its service order already."))
    if problem.status != ProblemStatus.OPEN:
        raise ConflictError("problem_resolved", _("The problem is resolved already."))
    order = open_order(
        by=by,
        kind=OrderKind.REPAIR,
        customer=project.customer,
        reporter_name=problem.reporter,
        reporter_phone=reporter_phone,
        description=_("Project %(number)s: %(problem)s") % {"number": project.number, "problem": problem.description},
    )
    problem.order = order
    problem.save(update_fields=["order", "updated_at"])
    record_activity(
        target=project, type="project.order_raised", by=by, data={"problem": problem.pk, "order": order.number}
    )
    return problem


@transaction.atomic
def sign_off_sheet(project: Project, *, by: User, signed_by: str, note: str = "") -> Project:
    """The customer signs the sheet off: every problem resolved (409 ``problems_open`` otherwise),
    once (409 ``sheet_signed``); each resolved problem is signed off with it."""
    require(can_track_problems(by), _("Your role may not edit the problem sheet."))
    project = lock_project(project, by=by)
    _require_tracker(by, project)
    _open_sheet(project)
    signer = require_text(signed_by, field="signed_by", max_length=100)
    note = require_text(note, field="note", max_length=500, required=False)
    problems = list(project.problems.select_for_update())
    still_open = [p for p in problems if p.status == ProblemStatus.OPEN]
    if still_open:
        raise ConflictError(
            "problems_open",
            _("%(count)d problem(s) on the sheet are still open.") % {"count": len(still_open)},
            field="signed_by",
        )
    now = timezone.now()
    Problem.objects.filter(project=project, status=ProblemStatus.RESOLVED).update(
        status=ProblemStatus.SIGNED_OFF, updated_at=now
    )
    project.signed_off_at = now
    project.signed_by = signer
    project.sign_off_note = note
    project.save(update_fields=["signed_off_at", "signed_by", "sign_off_note", "updated_at"])
    record_activity(
        target=project, type="project.signed_off", by=by, data={"signed_by": signer, "problems": len(problems)}
    )
    return project
