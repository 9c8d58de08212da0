"""The writes of the pay context: plans, profiles, pay runs and their statements.

Every write checks the caller's capability and scope (403 ``forbidden``, 404 ``not_found``), runs in
one transaction and records one history activity. ``transition_run`` is the only code that assigns a
run's status; an approved run is final (its statements are never edited: corrections are adjustments
in a later run). docs/pay.md.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import can_see_centre
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.registry import figure_sources
from aftersales.core.validation import require_in_range
from aftersales.history.services import record_activity
from aftersales.pay import engine, permissions
from aftersales.pay.choices import RUN_MOVES, Release, RunStatus, Sex, YearEndDecision
from aftersales.pay.default_plan import DEFAULT_PLAN
from aftersales.pay.models import PayAdjustment, PayPlan, PayProfile, PayRun, PayStatement
from aftersales.pay.plan import PlanDoc, check_plan, read_plan
from aftersales.pay.selectors import (
    approved_statements,
    figure_keys,
    measure_month,
    measure_span,
    next_month,
    plan_in_force,
    working_days,
)

SCORE_NAMES = ("target", "service", "training")
ATTENDANCE_SPANS = ("quarter", "year")


def _forbidden() -> PermissionDeniedError:
    return PermissionDeniedError("forbidden", _("You may not do this."))


def _first_of_month(day: datetime.date, field: str) -> datetime.date:
    # A month outside the product's years (9999-12 typed on the screen) overflowed the month arithmetic
    # of the figures: a 500 on "start a run" (found by a helper's form probe, 2026-12-07).
    require_in_range(day, field=field)
    if day.day != 1:
        raise ValidationFailed("invalid_period", _("A pay month is given by its first day."), field=field)
    return day


# ---- plans ----------------------------------------------------------------------------------------
def save_plan(*, by: User, document: Any, effective_from: datetime.date, plan: PayPlan | None = None) -> PayPlan:
    """Save a checked plan in force from ``effective_from``. A new version for a later month leaves the
    runs of earlier months as they are; a version a run has used is never changed (409 ``plan_in_use``)."""
    if not permissions.can_edit_plans(by):
        raise _forbidden()
    _first_of_month(effective_from, "effective_from")
    checked = check_plan(document, figure_keys=figure_keys())
    stored = checked.model_dump(mode="json", by_alias=True)
    with transaction.atomic():
        clash = PayPlan.objects.filter(effective_from=effective_from)
        if plan is not None:
            clash = clash.exclude(pk=plan.pk)
        if clash.exists():
            raise ConflictError(
                "plan_exists", _("A plan is already in force from that month: edit it instead."), field="effective_from"
            )
        if plan is None:
            plan = PayPlan.objects.create(
                name=checked.name, effective_from=effective_from, document=stored, created_by=by
            )
            record_activity(target=plan, type="pay_plan.created", by=by, data={"effective_from": effective_from})
            return plan
        plan = PayPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.runs.exists():
            raise ConflictError(
                "plan_in_use", _("Pay runs use this plan: save the change as a new version for a later month.")
            )
        old = (plan.name, plan.effective_from)
        plan.name, plan.effective_from, plan.document = checked.name, effective_from, stored
        plan.save()
        record_activity(
            target=plan,
            type="pay_plan.changed",
            by=by,
            changes={"name": (old[0], plan.name), "effective_from": (old[1], effective_from)},
        )
        return plan


def load_default_plan(*, by: User, effective_from: datetime.date) -> PayPlan:
    """The source's plan (篇十四) as a plan in force from ``effective_from``."""
    return save_plan(by=by, document=DEFAULT_PLAN, effective_from=effective_from)


# ---- profiles -------------------------------------------------------------------------------------
def set_profile(
    *,
    by: User,
    user: User,
    education: str,
    posts: list[str],
    joined_on: datetime.date,
    allowances: list[str] | None = None,
    active: bool = True,
    sex: str = "",
) -> PayProfile:
    """What ``user``'s pay is computed from; the codes must be those of the plan in force today."""
    if not permissions.can_run_pay(by):
        raise _forbidden()
    if not (permissions.sees_all_pay(by) or can_see_centre(by, user.service_center_id)):
        raise NotFoundError("not_found", _("No such person."))
    plan_row = plan_in_force(timezone.localdate())
    if plan_row is None:
        raise ConflictError("no_plan", _("No pay plan is in force yet."))
    plan = read_plan(plan_row.document)
    if education not in plan.education:
        raise ValidationFailed("invalid_choice", _("The plan has no such education."), field="education")
    if not posts or len(posts) != len(set(posts)):
        raise ValidationFailed("invalid_choice", _("Give one or more different posts."), field="posts")
    for code in posts:
        if code not in plan.posts:
            raise ValidationFailed(
                "invalid_choice", _("The plan has no post “%(code)s”.") % {"code": code}, field="posts"
            )
    for code in allowances or []:
        if code not in plan.allowances:
            raise ValidationFailed(
                "invalid_choice", _("The plan has no allowance “%(code)s”.") % {"code": code}, field="allowances"
            )
    if sex not in ("", *Sex.values):
        raise ValidationFailed("invalid_choice", _("Male, female or not given."), field="sex")
    values = {
        "sex": sex,
        "education": education,
        "posts": posts,
        "joined_on": joined_on,
        "allowances": allowances or [],
        "active": active,
    }
    with transaction.atomic():
        profile = PayProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = PayProfile.objects.create(user=user, **values)
            record_activity(target=profile, type="pay_profile.created", by=by, data=values)
            return profile
        changes = {
            key: (getattr(profile, key), value) for key, value in values.items() if getattr(profile, key) != value
        }
        for key, value in values.items():
            setattr(profile, key, value)
        profile.save()
        if changes:
            record_activity(target=profile, type="pay_profile.changed", by=by, changes=changes)
        return profile


# ---- runs -----------------------------------------------------------------------------------------
def create_run(*, by: User, centre: ServiceCenter, period: datetime.date) -> PayRun:
    """Start the pay of ``centre`` for the month ``period`` under the plan in force then, and compute
    every statement. A month already approved answers 409 ``period_approved``; one with a draft, 409
    ``run_exists`` (recompute it instead)."""
    if not permissions.can_run_pay(by, centre.pk):
        raise _forbidden() if not permissions.can_run_pay(by) else NotFoundError("not_found", _("No such centre."))
    _first_of_month(period, "period")
    plan = plan_in_force(period)
    if plan is None:
        raise ConflictError("no_plan", _("No pay plan is in force for that month."), field="period")
    with transaction.atomic():
        ServiceCenter.objects.select_for_update(no_key=True).get(pk=centre.pk)  # one run per centre and month at a time
        existing = PayRun.objects.filter(service_center=centre, period=period).first()
        if existing is not None:
            if existing.status == RunStatus.APPROVED:
                raise ConflictError("period_approved", _("That month's pay is already approved."), field="period")
            raise ConflictError("run_exists", _("That month already has a pay run: recompute it."), field="period")
        run = PayRun.objects.create(service_center=centre, period=period, plan=plan, created_by=by)
        _compute(run)
        record_activity(target=run, type="pay_run.created", by=by, data={"period": period, "plan": plan})
        return run


def _locked_run(run: PayRun, by: User, capability: str = "pay.run_pay") -> PayRun:
    if not permissions.runs_visible_to(by).filter(pk=run.pk).exists():
        raise NotFoundError("not_found", _("No such pay run."))
    run = PayRun.objects.select_for_update().get(pk=run.pk)
    if capability == "pay.run_pay" and not permissions.can_run_pay(by, run.service_center_id):
        raise _forbidden()
    return run


def _require_draft(run: PayRun) -> None:
    if run.status == RunStatus.APPROVED:
        raise ConflictError(
            "statement_approved", _("The pay run is approved: correct it with an adjustment in a later run.")
        )
    if run.status != RunStatus.DRAFT:
        raise ConflictError("run_not_draft", _("The pay run is reviewed: reopen it to change it."))


def recompute_run(*, by: User, run: PayRun) -> PayRun:
    """Measure the month again and recompute every statement of a draft run (entries are kept)."""
    with transaction.atomic():
        run = _locked_run(run, by)
        _require_draft(run)
        _compute(run)
        record_activity(target=run, type="pay_run.recomputed", by=by)
        return run


def transition_run(*, by: User, run: PayRun, to: str) -> PayRun:
    """Draft → reviewed (the manager), reviewed → draft (reopen), reviewed → approved (finance or the
    general manager; final)."""
    with transaction.atomic():
        if not permissions.runs_visible_to(by).filter(pk=run.pk).exists():
            raise NotFoundError("not_found", _("No such pay run."))
        run = PayRun.objects.select_for_update().get(pk=run.pk)
        needed = RUN_MOVES.get((run.status, to))
        if needed is None:
            if run.status == RunStatus.APPROVED:
                raise ConflictError("statement_approved", _("The pay run is approved and final."))
            raise ConflictError(
                "transition_not_allowed",
                _("A %(from)s pay run cannot move to %(to)s.") % {"from": run.status, "to": to},
                allowed=[t for (f, t) in RUN_MOVES if f == run.status],
            )
        allowed = (
            permissions.can_approve_pay(by, run.service_center_id)
            if needed == "pay.approve_pay"
            else permissions.can_run_pay(by, run.service_center_id)
        )
        if not allowed:
            raise _forbidden()
        old = run.status
        run.status = to
        run.version += 1
        if to == RunStatus.APPROVED:
            run.approved_at, run.approved_by = timezone.now(), by
        run.save()
        record_activity(target=run, type=f"pay_run.{to}", by=by, changes={"status": (old, to)})
        return run


# ---- statements -----------------------------------------------------------------------------------
def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed("invalid_input", _("Not a number."), field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ValidationFailed("invalid_input", _("Not a number."), field=field)
    return number


def enter_statement(
    *,
    by: User,
    statement: PayStatement,
    coefficients: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    scores: dict[str, Any] | None = None,
    release: str | None = None,
    award: str | None = None,
    attendance: dict[str, Any] | None = None,
) -> PayStatement:
    """The manager's entries on a draft statement: the assessment coefficient per post (inside the
    post's range), entered values (救急补贴), the quarterly scores, the holdback release, the year-end
    decision and the person's attendance (%) over the quarter or the year where it is kept outside the
    check-ins; then the run is recomputed (an adviser's entries move the front desk's average)."""
    with transaction.atomic():
        if not permissions.statements_visible_to(by).filter(pk=statement.pk).exists():
            raise NotFoundError("not_found", _("No such statement."))
        run = _locked_run(statement.run, by)
        _require_draft(run)
        statement = PayStatement.objects.select_for_update().get(pk=statement.pk)
        plan = read_plan(run.plan.document)
        entries = dict(statement.entries)
        if coefficients is not None:
            entries["coefficients"] = _coefficients(plan, statement.posts, coefficients)
        if values is not None:
            for code in values:
                if code not in plan.entered:
                    raise ValidationFailed(
                        "invalid_choice",
                        _("The plan has no entered value “%(code)s”.") % {"code": code},
                        field=f"values.{code}",
                    )
            entries["values"] = {code: str(_decimal(value, f"values.{code}")) for code, value in values.items()}
        if scores is not None:
            entries["scores"] = _numbers_in_range(
                scores,
                "scores",
                names=SCORE_NAMES,
                unknown=_("Scores are target, service and training."),
                high=Decimal(200),
                code="score_out_of_range",
                out_of_range=_("A score lies between 0 and 200."),
            )
        if release is not None:
            if release not in Release.values:
                raise ValidationFailed("invalid_input", _("Not a release choice."), field="release")
            entries["release"] = release
        if award is not None:
            if award not in YearEndDecision.values:
                raise ValidationFailed("invalid_input", _("Not a year-end choice."), field="award")
            entries["award"] = award
        if attendance is not None:
            entries["attendance"] = _attendance(attendance)
        old = statement.entries
        statement.entries = entries
        statement.save(update_fields=["entries", "updated_at"])
        _compute(run)
        statement.refresh_from_db()
        record_activity(target=statement, type="pay_statement.entered", by=by, changes={"entries": (old, entries)})
        return statement


def _coefficients(plan: PlanDoc, posts: list[str], given: dict[str, Any]) -> dict[str, str]:
    checked = {}
    for post, value in given.items():
        field = f"coefficients.{post}"
        if post not in posts:
            raise ValidationFailed("invalid_choice", _("This person does not hold that post."), field=field)
        number = _decimal(value, field)
        spec = plan.posts[post].coefficient
        low = spec.min if spec.min is not None else Decimal(0)
        high = spec.max
        if number < low or (high is not None and number > high):
            raise ValidationFailed(
                "coefficient_out_of_range",
                _("The coefficient of %(post)s lies between %(low)s and %(high)s.")
                % {"post": plan.posts[post].label, "low": low, "high": high if high is not None else "—"},
                field=field,
            )
        checked[post] = str(number)
    return checked


# What one person's corrections in one run may add up to, either way: far above any month's pay, and far
# below the statement's columns (12 digits), which an adjustment of -9,999,999,999.99 overflowed: the run's
# statements, recompute and export answered 500 from then on (found by a helper's probe, 2026-12-06).
ADJUSTMENTS_LIMIT = Decimal("1000000.00")


def _check_adjustment_amount(run: PayRun, user_id: int, amount: Decimal) -> None:
    if amount == 0:
        raise ValidationFailed("invalid_amount", _("A correction of nothing corrects nothing."), field="amount")
    earlier = run.adjustments.filter(user_id=user_id).values_list("amount", flat=True)
    if abs(sum(earlier, Decimal(0)) + amount) > ADJUSTMENTS_LIMIT:
        raise ValidationFailed(
            "amount_too_large",
            _("One person's corrections in a run add up to at most %(limit)s yuan either way.")
            % {"limit": f"{ADJUSTMENTS_LIMIT:,}"},
            field="amount",
        )


def add_adjustment(*, by: User, run: PayRun, corrects: PayStatement, amount: Decimal, reason: str) -> PayAdjustment:
    """Correct an approved statement in a later draft run of the same centre: a new line, never an edit.
    Not zero; one person's corrections in the run add up to at most ``ADJUSTMENTS_LIMIT`` either way."""
    reason = (reason or "").strip()
    with transaction.atomic():
        run = _locked_run(run, by)
        _require_draft(run)
        if not permissions.statements_visible_to(by).filter(pk=corrects.pk).exists():
            raise NotFoundError("not_found", _("No such statement."))
        corrects = PayStatement.objects.select_related("run").get(pk=corrects.pk)
        if corrects.run.status != RunStatus.APPROVED or corrects.run.period >= run.period:
            raise ValidationFailed(
                "adjustment_invalid",
                _("Only an approved statement of an earlier month is corrected."),
                field="corrects",
            )
        if not reason:
            raise ValidationFailed("required", _("Say why."), field="reason")
        if not run.statements.filter(user_id=corrects.user_id).exists():
            raise ValidationFailed(
                "adjustment_invalid", _("That person has no statement in this run."), field="corrects"
            )
        _check_adjustment_amount(run, corrects.user_id, amount)
        adjustment = PayAdjustment.objects.create(
            run=run, user_id=corrects.user_id, corrects=corrects, amount=amount, reason=reason[:500], created_by=by
        )
        _compute(run)
        record_activity(
            target=run,
            type="pay_run.adjusted",
            by=by,
            data={"corrects": corrects.pk, "amount": amount, "reason": reason},
        )
        return adjustment


def _attendance(entered: dict[str, Any]) -> dict[str, str]:
    """The attendance rates entered: ``quarter`` and ``year``, each a per cent from 0 to 100."""
    return _numbers_in_range(
        entered,
        "attendance",
        names=ATTENDANCE_SPANS,
        unknown=_("Attendance is entered for the quarter or the year."),
        high=Decimal(100),
        code="attendance_out_of_range",
        out_of_range=_("An attendance rate lies between 0 and 100 %."),
    )


def _numbers_in_range(
    given: dict[str, Any],
    group: str,
    *,
    names: tuple[str, ...],
    unknown: str,
    high: Decimal,
    code: str,
    out_of_range: str,
) -> dict[str, str]:
    """Entered numbers by name (scores, attendance): each name one of ``names`` (400 ``invalid_choice``),
    each value a number from 0 to ``high`` (400 ``code``), kept as text; the field is ``<group>.<name>``."""
    checked = {}
    for name, value in given.items():
        field = f"{group}.{name}"
        if name not in names:
            raise ValidationFailed("invalid_choice", unknown, field=field)
        number = _decimal(value, field)
        if not 0 <= number <= high:
            raise ValidationFailed(code, out_of_range, field=field)
        checked[name] = str(number)
    return checked


# ---- computing a run --------------------------------------------------------------------------------
def _entries(raw: dict[str, Any]) -> engine.Entries:
    return engine.Entries(
        coefficients={k: Decimal(v) for k, v in raw.get("coefficients", {}).items()},
        values={k: Decimal(v) for k, v in raw.get("values", {}).items()},
        scores={k: Decimal(v) for k, v in raw.get("scores", {}).items()},
        release=raw.get("release", ""),
        award=raw.get("award", ""),
        attendance={k: Decimal(v) for k, v in raw.get("attendance", {}).items()},
    )


def _rate(days: Decimal, working: int) -> Decimal:
    return engine.fen(days * 100 / working) if working else Decimal(100)


def _period_figures(plan: PlanDoc, run: PayRun, people: list[PayProfile]) -> dict[str, Any]:
    """What a quarter's end or the year-end month needs beyond the month: the centre's completion of the
    quarter's target, and each person's attendance (%) over the quarter and the year so far."""
    period, end = run.period, next_month(run.period)
    quarter_start = period.replace(month=(period.month - 1) // 3 * 3 + 1)
    found: dict[str, Any] = {"completion": None, "detail": {}, "quarter": {}, "year": {}}
    quarter_end = period.month in engine.QUARTER_ENDS
    year_end = plan.year_end is not None and period.month == plan.year_end.month
    completion = plan.quarterly.completion
    if quarter_end and completion is not None:
        target = plan.quarterly.targets.get(str((period.month - 1) // 3 + 1), {}).get(completion.target)
        span = measure_span(
            plan=plan, keys=completion.figures, centre_id=run.service_center_id, start=quarter_start, end=end
        )
        done = sum((span.centre[key].value for key in completion.figures if key in span.centre), engine.ZERO)
        if target:
            found["completion"] = engine.fen(done * 100 / target)
            found["detail"] = {"measured": str(done), "target": str(target), "figures": "+".join(completion.figures)}
    rule = plan.attendance
    measured_here = rule is not None and not any(s.missing for s in figure_sources if s.key == rule.figure)
    for name, start, wanted in (("quarter", quarter_start, quarter_end), ("year", period.replace(month=1), year_end)):
        if rule is None or not wanted or not measured_here:
            continue
        span = measure_span(plan=plan, keys=[rule.figure], centre_id=run.service_center_id, start=start, end=end)
        working = working_days(start, end)
        for profile in people:
            measured = span.of(profile.user_id).get(rule.figure, engine.Measured())
            found[name][profile.user_id] = _rate(measured.value, working)
    return found


def _compute(run: PayRun) -> None:
    """(Re)compute every statement of a draft run: the centre's active profiles, the month's figures,
    the averages, the quarter's and the year's approved statements; the entries are kept."""
    plan = read_plan(run.plan.document)
    formulas = plan.formulas(figure_keys())
    profiles = list(
        PayProfile.objects.filter(active=True, user__service_center_id=run.service_center_id, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    people = [p for p in profiles if all(code in plan.posts for code in p.posts)]
    month = measure_month(plan=plan, centre_id=run.service_center_id, period=run.period)
    user_ids = [p.user_id for p in people]
    quarter_start = run.period.replace(month=(run.period.month - 1) // 3 * 3 + 1)
    quarter_before: dict[int, dict[str, Decimal]] = {}
    year_before: dict[int, Decimal] = {}
    for earlier in approved_statements(user_ids, since=run.period.replace(month=1), before=run.period):
        year_before[earlier.user_id] = year_before.get(earlier.user_id, engine.ZERO) - earlier.holdback
    for earlier in approved_statements(user_ids, since=quarter_start, before=run.period):
        per_post = quarter_before.setdefault(earlier.user_id, {})
        for line in earlier.lines:
            if line["section"] == "performance":
                per_post[line["code"]] = per_post.get(line["code"], engine.ZERO) + Decimal(line["amount"])
    adjustments: dict[int, list[tuple[Decimal, str]]] = {}
    for adj in run.adjustments.select_related("corrects__run").order_by("pk"):
        label = f"调整 {adj.corrects.run.period:%Y-%m}：{adj.reason}"
        adjustments.setdefault(adj.user_id, []).append((adj.amount, label))
    existing = {s.user_id: s for s in run.statements.all()}
    holders: dict[str, int] = {}
    for profile in people:
        for post in profile.posts:
            holders[post] = holders.get(post, 0) + 1
    span = _period_figures(plan, run, people)

    def context(user_id: int) -> engine.Context:
        return engine.Context(
            own=month.of(user_id),
            centre=month.centre,
            averages=averages,
            averaged=averaged,
            quarter_before=quarter_before.get(user_id, {}),
            year_holdback_before=year_before.get(user_id, engine.ZERO),
            adjustments=adjustments.get(user_id, []),
            quarter_completion=span["completion"],
            completion_detail=span["detail"],
            quarter_attendance=span["quarter"].get(user_id),
            year_attendance=span["year"].get(user_id),
            holders=holders,
        )

    averages: dict[str, Decimal] = {}
    averaged: dict[str, list[tuple[str, Decimal]]] = {}
    for code, average in plan.averages.items():
        averaged_over = [p for p in people if average.post in p.posts]
        if averaged_over and average.post in formulas:
            amounts = [
                engine.commission_without_coefficient(plan, formulas, average.post, context(p.user_id))
                for p in averaged_over
            ]
            averages[code] = engine.fen(sum(amounts, engine.ZERO) / len(amounts))
            averaged[code] = [
                (p.user.get_full_name() or p.user.username, a) for p, a in zip(averaged_over, amounts, strict=True)
            ]
    keep = []
    for profile in people:
        person = engine.Person(
            user_id=profile.user_id,
            education=profile.education,
            posts=tuple(profile.posts),
            joined_on=profile.joined_on,
            allowances=tuple(profile.allowances),
            sex=profile.sex,
        )
        statement = existing.get(profile.user_id) or PayStatement(run=run, user_id=profile.user_id)
        result = engine.compute_statement(
            plan=plan,
            formulas=formulas,
            person=person,
            period=run.period,
            entries=_entries(statement.entries),
            ctx=context(profile.user_id),
        )
        statement.posts = list(profile.posts)
        statement.lines, statement.figures, statement.warnings = result.lines, result.figures, result.warnings
        statement.base = result.total("base")
        statement.performance = result.total("performance")
        statement.allowances = result.total("allowance")
        statement.quarterly = result.total("quarterly")
        statement.year_end = result.total("year_end")
        statement.adjustments = result.total("adjustment")
        statement.gross = result.total("base", "allowance", "performance", "quarterly", "year_end", "adjustment")
        statement.holdback = -result.total("holdback")
        statement.release = result.total("release")
        statement.net = statement.gross - statement.holdback + statement.release
        statement.save()
        keep.append(statement.pk)
    stale = run.statements.exclude(pk__in=keep)
    if stale.exists():
        PayAdjustment.objects.filter(run=run, user_id__in=stale.values("user_id")).delete()
        stale.delete()
    run.computed_at = timezone.now()
    run.save(update_fields=["computed_at", "updated_at"])
