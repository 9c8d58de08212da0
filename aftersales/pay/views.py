"""Console pages of the pay context: the runs, a run's statements, one statement with the orders behind
its figures and the manager's entries, and the plans. Thin: bind a form, call a service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.errors import DomainError
from aftersales.core.registry import figure_sources
from aftersales.core.text import label_colon
from aftersales.pay import permissions, services
from aftersales.pay.choices import RunStatus
from aftersales.pay.engine import describe_warning
from aftersales.pay.forms import EntriesForm, PlanForm, ProfileForm, RunForm
from aftersales.pay.models import PayPlan, PayRun, PayStatement
from aftersales.pay.plan import PlanDoc, read_plan
from aftersales.pay.selectors import next_month, plan_in_force

SCORE_LABELS = {
    "target": pgettext_lazy("quarterly score", "Target"),
    "service": pgettext_lazy("quarterly score", "Service"),
    "training": pgettext_lazy("quarterly score", "Training"),
}
SECTIONS = ("base", "allowance", "performance", "quarterly", "year_end", "adjustment", "holdback", "release")


def _centres(request: HttpRequest) -> Any:
    if permissions.sees_all_pay(request.user):
        return ServiceCenter.objects.order_by("code")
    return centres_visible_to(request.user).order_by("code")


def _index(request: HttpRequest, run_form: RunForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    if not permissions.can_see_pay(user):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        "runs": permissions.runs_visible_to(user).select_related("service_center", "plan")[:36],
        "mine": permissions.own_statements(user).select_related("run")[:24],
        "plans": permissions.plans_visible_to(user).order_by("-effective_from"),
        "can_run": permissions.can_run_pay(user),
        "run_form": run_form
        or RunForm(
            centres=_centres(request), initial={"period": today.replace(day=1), "centre": user.service_center_id}
        ),
        # Linked only for those who may open it (a technician's link answered 404; a helper's probe, 2026-12-06).
        "plan_now": plan_in_force(today.replace(day=1)) if permissions.manages_pay(user) else None,
    }
    return render(request, "pay/index.html", context, status=status)


@login_required
@require_GET
def pay_index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_pay(request.user):
        raise PermissionDenied
    form = RunForm(request.POST, centres=_centres(request))
    if form.is_valid():
        try:
            run = services.create_run(
                by=request.user, centre=form.cleaned_data["centre"], period=form.cleaned_data["period"]
            )
        except DomainError as exc:
            form.add_error("period" if exc.field == "period" else None, exc.detail)
        else:
            messages.success(request, _("Pay run started: %(n)s statements.") % {"n": run.statements.count()})
            return HttpResponseRedirect(reverse("pay:run_detail", args=[run.pk]))
    return _index(request, run_form=form, status=400)


def _run(request: HttpRequest, run_id: int) -> PayRun:
    return get_object_or_404(
        permissions.runs_visible_to(request.user).select_related("service_center", "plan"), pk=run_id
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    statements = list(run.statements.select_related("user").order_by("user__username"))
    plan = read_plan(run.plan.document)
    for statement in statements:
        statement.post_labels = [plan.posts[code].label if code in plan.posts else code for code in statement.posts]
        statement.warning_text = "; ".join(describe_warning(warning, plan) for warning in statement.warnings)
    totals = {
        name: sum((getattr(s, name) for s in statements), 0)
        for name in (
            "base",
            "performance",
            "allowances",
            "quarterly",
            "year_end",
            "adjustments",
            "gross",
            "holdback",
            "release",
            "net",
        )
    }
    user = request.user
    context = {
        "run": run,
        "statements": statements,
        "totals": totals,
        "warnings": sum(len(s.warnings) for s in statements),
        "can_run": permissions.can_run_pay(user, run.service_center_id),
        "can_approve": permissions.can_approve_pay(user, run.service_center_id),
        "missing": sorted({_(f["missing"]) for s in statements for f in s.figures.values() if f.get("missing")}),
        "draft": run.status == RunStatus.DRAFT,
        "reviewed": run.status == RunStatus.REVIEWED,
    }
    return render(request, "pay/run_detail.html", context)


@login_required
@require_POST
def run_recompute(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        services.recompute_run(by=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Recomputed from this month's orders."))
    return HttpResponseRedirect(reverse("pay:run_detail", args=[run.pk]))


@login_required
@require_POST
def run_transition(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    try:
        run = services.transition_run(by=request.user, run=run, to=request.POST.get("to", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The pay run is now %(status)s.") % {"status": run.get_status_display()})
    return HttpResponseRedirect(reverse("pay:run_detail", args=[run.pk]))


def _statement(request: HttpRequest, statement_id: int) -> PayStatement:
    return get_object_or_404(
        permissions.statements_visible_to(request.user).select_related("run__service_center", "run__plan", "user"),
        pk=statement_id,
    )


def _statement_page(
    request: HttpRequest, statement: PayStatement, form: EntriesForm | None = None, status: int = 200
) -> HttpResponse:
    run = statement.run
    plan = read_plan(run.plan.document)
    may_enter = run.status == RunStatus.DRAFT and permissions.can_run_pay(request.user, run.service_center_id)
    if may_enter and form is None:
        form = EntriesForm(plan=plan, posts=statement.posts, period=run.period, entries=statement.entries)
    labels = _figure_labels()
    names = _formula_names(plan, labels)
    lines = [
        {
            **line,
            "missing": [_(text) for text in line.get("missing", [])],
            # The formula reads codes; the reader is told what each one is.
            "named_values": [(key, names.get(key, ""), value) for key, value in line.get("values", {}).items()],
            "named_points": [(SCORE_LABELS.get(key, key), value) for key, value in line.get("points", {}).items()],
        }
        for line in statement.lines
    ]
    sections = [(name, [line for line in lines if line["section"] == name]) for name in SECTIONS]
    figures = [
        {**f, "label": labels.get(f["code"], f["code"]), "missing": _(f["missing"]) if f.get("missing") else ""}
        for f in sorted(statement.figures.values(), key=lambda f: (f["scope"], f["code"]))
    ]
    context = {
        "statement": statement,
        "post_labels": [plan.posts[code].label if code in plan.posts else code for code in statement.posts],
        "warnings": [describe_warning(warning, plan) for warning in statement.warnings],
        "run": run,
        "run_open": permissions.can_open_run(request.user, run),  # else no link
        "sections": [(name, lines) for name, lines in sections if lines],
        "figures": figures,
        "form": form if may_enter else None,
        "corrections": statement.corrections.select_related("run"),
    }
    return render(request, "pay/statement_detail.html", context, status=status)


def _figure_labels() -> dict[str, str]:
    return {s.key: str(s.label) for s in figure_sources}


def _formula_names(plan: PlanDoc, figures: dict[str, str]) -> dict[str, str]:
    """What each name a formula may read is, in the reader's words: the figures' labels and the plan's."""
    names = dict(figures)
    for group in (plan.tiers, plan.allowances, plan.entered, plan.averages):
        names.update({code: part.label for code, part in group.items()})
    names["coefficient"] = pgettext("pay formula", "assessment coefficient")
    return names


@login_required
@require_GET
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    return _statement_page(request, _statement(request, statement_id))


@login_required
@require_POST
def statement_entries(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    plan = read_plan(statement.run.plan.document)
    form = EntriesForm(
        request.POST, plan=plan, posts=statement.posts, period=statement.run.period, entries=statement.entries
    )
    if form.is_valid():
        try:
            services.enter_statement(by=request.user, statement=statement, **form.entries())
        except DomainError as exc:
            form.add_error(form.field_for(exc.field), exc.detail)
        else:
            messages.success(request, _("Entries saved; the run is recomputed."))
            return HttpResponseRedirect(reverse("pay:statement_detail", args=[statement.pk]))
    return _statement_page(request, statement, form=form, status=400)


def _plan(request: HttpRequest, plan_id: int) -> PayPlan:
    return get_object_or_404(permissions.plans_visible_to(request.user), pk=plan_id)


def _plan_page(request: HttpRequest, plan: PayPlan) -> HttpResponse:
    doc = read_plan(plan.document)
    context = {
        "plan": plan,
        "doc": doc,
        "asked": [(path, doc.describe(path)) for path in doc.asked()],
        "levels": sorted(doc.levels.items()),
        "posts": sorted(doc.posts.items(), key=lambda item: (-(item[1].level or 0), item[0])),
        "can_edit": permissions.can_edit_plans(request.user),
        "runs": plan.runs.select_related("service_center").filter(
            Q(service_center__in=_centres(request)) if not permissions.sees_all_pay(request.user) else Q()
        )[:12],
        "versions": PayPlan.objects.order_by("-effective_from"),
    }
    return render(request, "pay/plan_detail.html", context)


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, _plan(request, plan_id))


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's values as a form, saved as a new version in force from the month given (the months
    before keep the version they were paid under); the version's own month changes it in place while
    no pay run has used it."""
    plan = _plan(request, plan_id)
    if not permissions.can_edit_plans(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = PlanForm(request.POST, base=plan.document)
        if form.is_valid():
            start = form.cleaned_data["effective_from"]
            try:
                saved = services.save_plan(
                    by=request.user,
                    document=form.document(),
                    effective_from=start,
                    plan=plan if start == plan.effective_from else None,
                )
            except DomainError as exc:
                field = form.field_for(exc.field)
                detail = f"{exc.field}{label_colon()}{exc.detail}" if exc.field else exc.detail
                form.add_error(field, exc.detail if field else detail)
            else:
                messages.success(
                    request, _("Plan saved, in force from %(month)s.") % {"month": f"{saved.effective_from:%Y-%m}"}
                )
                return HttpResponseRedirect(reverse("pay:plan_detail", args=[saved.pk]))
        status = 400
    else:
        latest = PayPlan.objects.order_by("-effective_from").values_list("effective_from", flat=True).first()
        start = next_month(max(latest or plan.effective_from, timezone.localdate().replace(day=1)))
        form = PlanForm(base=plan.document, initial={"effective_from": start})
        status = 200
    return render(request, "pay/plan_form.html", {"plan": plan, "form": form}, status=status)


def _require_runner(request: HttpRequest) -> None:
    if not permissions.can_run_pay(request.user):
        raise PermissionDenied


def _staff(request: HttpRequest) -> Any:
    people = User.objects.filter(system_kind="", is_active=True).exclude(service_center=None)
    if not permissions.sees_all_pay(request.user):
        people = people.filter(service_center_id=request.user.service_center_id)
    return people.select_related("service_center", "pay_profile").order_by("service_center__code", "username")


@login_required
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    """The people of your centre (every centre for finance) and what their pay is computed from."""
    _require_runner(request)
    plan_row = plan_in_force(timezone.localdate().replace(day=1))
    plan = read_plan(plan_row.document) if plan_row else None
    rows = []
    for person in _staff(request):
        profile = getattr(person, "pay_profile", None)
        labels = []
        if profile is not None and plan is not None:
            labels = [plan.posts[c].label if c in plan.posts else c for c in profile.posts]
        rows.append({"person": person, "profile": profile, "posts": labels})
    return render(request, "pay/profile_list.html", {"rows": rows, "plan": plan_row})


@login_required
def profile_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """A person's education, posts, joining day and allowances (the plan in force's codes)."""
    _require_runner(request)
    person = get_object_or_404(_staff(request), pk=user_id)
    plan_row = plan_in_force(timezone.localdate().replace(day=1))
    if plan_row is None:
        messages.error(request, _("No pay plan is in force yet."))
        return HttpResponseRedirect(reverse("pay:profiles"))
    plan = read_plan(plan_row.document)
    profile = getattr(person, "pay_profile", None)
    initial = (
        {
            "education": profile.education,
            "posts": profile.posts,
            "allowances": profile.allowances,
            "joined_on": profile.joined_on,
            "sex": profile.sex,
            "active": profile.active,
        }
        if profile
        else {"active": True}
    )
    form = ProfileForm(request.POST or None, plan=plan, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_profile(by=request.user, user=person, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            else:
                messages.success(
                    request, _("Pay profile saved: %(name)s") % {"name": person.get_full_name() or person.username}
                )
                return HttpResponseRedirect(reverse("pay:profiles"))
        status = 400
    return render(request, "pay/profile_form.html", {"person": person, "form": form, "profile": profile}, status=status)
