"""The workforce screens: the technician's day on the phone (check-in and out, the daily report, the
trip, overtime, the weekly summary), expense claims with their approval chain, absences and overtime
to approve, and the field staff. Each action is a small view: bind the form, call the service, show
its refusal next to the field or above the form."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError, NotFoundError
from aftersales.core.filtering import screen_filter
from aftersales.core.validation import query_choice, query_flag, require_yes_no
from aftersales.history.views import record_panel
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.forms_field import show_domain_error
from aftersales.service.permissions import jobs_visible_to, orders_visible_to
from aftersales.workforce import selectors
from aftersales.workforce.choices import AbsenceStatus, Decision, ExpenseClaimStatus, ExpenseKind, OvertimeStatus
from aftersales.workforce.common import week_start_of
from aftersales.workforce.forms import (
    AbsenceForm,
    DecideForm,
    LineForm,
    OvertimeForm,
    PositionForm,
    ReportForm,
    ReturnForm,
    SummaryForm,
    TripForm,
)
from aftersales.workforce.models import (
    Absence,
    Attendance,
    Certificate,
    ClaimDecision,
    DailyReport,
    ExpenseClaim,
    ExpenseLine,
    FieldTrip,
    Overtime,
    WeeklySummary,
)
from aftersales.workforce.permissions import (
    approves_claims,
    can_approve_absences,
    can_approve_overtime,
    can_confirm_materials,
    can_export_claims,
    claims_visible_to,
    keeps_own_records,
    may_approve_step,
    sees_only_own_claims,
    sees_staff,
    sees_workforce,
)
from aftersales.workforce.rules import rules
from aftersales.workforce.services import attendance, claims, overtime, trips

PAGE = 100


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; its refusal becomes a message above the page. The record the address names being
    out of the user's scope (or gone) is a 404, as everywhere else, not a redirect with a message."""
    try:
        action()
    except NotFoundError as error:
        if error.field:
            messages.error(request, error.detail)
            return False
        raise Http404(error.detail) from error
    except DomainError as error:
        messages.error(request, error.detail)
        return False
    messages.success(request, success)
    return True


def _flag(request: HttpRequest, name: str) -> tuple[bool, bool]:
    """A list's on/off filter (``?waiting=1``) and whether it was refused."""
    return screen_filter(request, lambda params: query_flag(params, name), False)


def _my_orders(user: Any) -> list[Any]:
    """The open jobs a trip may list: those assigned to the user and those they help on."""
    return list(
        jobs_visible_to(user).filter(status__in=OPEN_STATUSES).select_related("customer").order_by("due_at")[:30]
    )


def _expense_orders(user: Any) -> list[Any]:
    """The jobs an expense may name: the open ones, and those finished within the days an expense may
    still be claimed (the usual case: the taxi back from a job completed yesterday), latest first."""
    since = timezone.now() - datetime.timedelta(days=rules().claim_within_days + 1)
    return list(
        jobs_visible_to(user)
        .filter(Q(status__in=OPEN_STATUSES) | Q(completed_at__gte=since))
        .select_related("customer")
        .order_by("-received_at")[:30]
    )


# --- the technician's day ---------------------------------------------------------------------------


@login_required
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    """The phone view: check-in, today's report, the trip out, overtime, the week, my claims."""
    _require(keeps_own_records(request.user))
    user = request.user
    today = timezone.localdate()
    profile = selectors.technician_profile(person=user)
    report = DailyReport.objects.filter(person=user, day=today).first()
    orders = _my_orders(user)
    trip_form = TripForm(initial={"starts_on": today, "ends_on": today + datetime.timedelta(days=2)})
    trip_form.fields["order_ids"].choices = [(o.pk, f"{o.number} {o.customer.name}") for o in orders]
    context = {
        "profile": profile,
        "today": today,
        "position_form": PositionForm(),
        "report_form": ReportForm(initial={"text": report.text if report else ""}),
        "report": report,
        "trip_form": trip_form,
        "return_form": ReturnForm(),
        "overtime_form": OvertimeForm(initial={"day": today}),
        "absence_form": AbsenceForm(),
        "claims": list(claims_visible_to(user).filter(person=user).order_by("-pk")[:5]),
        "overtime": list(Overtime.objects.filter(person=user).order_by("-day")[:5]),
        "absences": list(Absence.objects.filter(person=user, ends_at__gte=timezone.now()).order_by("starts_at")[:5]),
    }
    return render(request, "workforce/me.html", context)


def _position(request: HttpRequest) -> dict[str, Any]:
    form = PositionForm(request.POST)
    if not form.is_valid():
        return {}
    return {"latitude": form.cleaned_data["latitude"], "longitude": form.cleaned_data["longitude"]}


@login_required
@require_POST
def check_in_view(request: HttpRequest) -> HttpResponse:
    _act(request, lambda: attendance.check_in(by=request.user, **_position(request)), _("Checked in."))
    return redirect("workforce:me")


@login_required
@require_POST
def check_out_view(request: HttpRequest) -> HttpResponse:
    _act(request, lambda: attendance.check_out(by=request.user, **_position(request)), _("Checked out."))
    return redirect("workforce:me")


@login_required
@require_POST
def daily_report_view(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: trips.submit_daily_report(by=request.user, text=form.cleaned_data["text"]),
            _("Report sent."),
        )
    else:
        messages.error(request, _("Write the report first."))
    return redirect("workforce:me")


@login_required
@require_POST
def trip_view(request: HttpRequest) -> HttpResponse:
    form = TripForm(request.POST)
    form.fields["order_ids"].choices = [(str(o.pk), o.number) for o in _my_orders(request.user)]
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: trips.start_trip(
                by=request.user,
                destination=data["destination"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                order_ids=[int(i) for i in data["order_ids"]],
            ),
            _("Trip started."),
        )
    else:
        messages.error(request, _("Give the destination and the dates."))
    return redirect("workforce:me")


@login_required
@require_POST
def trip_return_view(request: HttpRequest, trip_id: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _act(request, lambda: trips.return_from_trip(trip_id=trip_id, by=request.user, note=note), _("Return registered."))
    return redirect("workforce:me")


@login_required
@require_POST
def overtime_create_view(request: HttpRequest) -> HttpResponse:
    form = OvertimeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: overtime.record_overtime(by=request.user, day=data["day"], note=data["note"]),
            _("Overtime recorded."),
        )
    else:
        messages.error(request, _("Give the day."))
    return redirect("workforce:me")


@login_required
@require_http_methods(["GET", "POST"])
def weekly_summary_view(request: HttpRequest) -> HttpResponse:
    """The week's summary, drafted from its visits, reports and claims; edited and handed in."""
    _require(keeps_own_records(request.user))
    today = timezone.localdate()
    monday = week_start_of(today)
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                trips.submit_weekly_summary(by=request.user, week_start=data["week_start"], text=data["text"])
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("Weekly summary handed in."))
                return redirect("workforce:me")
    else:
        existing = WeeklySummary.objects.filter(person=request.user, week_start=monday).first()
        text = existing.text if existing else selectors.draft_weekly_summary(person=request.user, week_start=monday)
        form = SummaryForm(initial={"week_start": monday, "text": text})
    return render(request, "workforce/weekly_summary.html", {"form": form, "monday": monday})


# --- expense claims -----------------------------------------------------------------------------------


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    _require(sees_workforce(request.user))
    waiting, refused = _flag(request, "waiting")
    status, bad_status = screen_filter(request, lambda params: query_choice(params, "status", ExpenseClaimStatus), "")
    qs = selectors.claims_waiting_for(request.user) if waiting else claims_visible_to(request.user).order_by("-pk")
    if status:
        qs = qs.filter(status=status)
    context = {
        "claims": list(qs[:PAGE]),
        "waiting": waiting,
        "status": status,
        "statuses": ExpenseClaimStatus.choices,
        "may_claim": keeps_own_records(request.user),
        "own_only": sees_only_own_claims(request.user),
        "approves": approves_claims(request.user),
        "may_export": can_export_claims(request.user),
    }
    return render(request, "workforce/claim_list.html", context, status=400 if refused or bad_status else 200)


@login_required
@require_POST
def claim_create(request: HttpRequest) -> HttpResponse:
    try:
        claim = claims.create_claim(by=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("workforce:claims")
    return redirect("workforce:claim_detail", claim.pk)


def _claim(request: HttpRequest, claim_id: int) -> ExpenseClaim:
    return get_object_or_404(
        claims_visible_to(request.user).prefetch_related(
            Prefetch("lines", queryset=ExpenseLine.objects.select_related("order", "trip", "confirmed_by")),
            Prefetch("decisions", queryset=ClaimDecision.objects.select_related("actor", "on_behalf_of")),
        ),
        pk=claim_id,
    )


def _line_form(request: HttpRequest, data: Any = None, files: Any = None) -> LineForm:
    form = LineForm(data, files, initial={"spent_on": timezone.localdate()})
    orders = _expense_orders(request.user)
    trip_rows = FieldTrip.objects.filter(person=request.user).order_by("-starts_on")[:10]
    form.fields["link"].choices = [(f"order:{o.pk}", f"{o.number} {o.customer.name}") for o in orders] + [
        (f"trip:{t.pk}", _("Trip: %(destination)s %(day)s") % {"destination": t.destination, "day": t.starts_on})
        for t in trip_rows
    ]
    return form


@login_required
@require_GET
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(request, claim_id)
    return render(request, "workforce/claim_detail.html", _claim_context(request, claim))


def _claim_context(request: HttpRequest, claim: ExpenseClaim, **forms: Any) -> dict[str, Any]:
    user = request.user
    own_draft = claim.person_id == user.pk and claim.status == ExpenseClaimStatus.DRAFT
    may_decide = (
        claim.status == ExpenseClaimStatus.SUBMITTED
        and claim.person_id != user.pk
        and may_approve_step(user, claim.step_role, centre_id=claim.service_center_id)
    )
    lines = list(claim.lines.all())
    order_ids = {line.order_id for line in lines if line.order_id}
    # Only the orders this viewer may open are links: a link to an order outside their scope would 404.
    openable = (
        set(orders_visible_to(user).filter(pk__in=order_ids).values_list("pk", flat=True)) if order_ids else set()
    )
    return {
        "claim": claim,
        "lines": lines,
        "openable_orders": openable,
        "decisions": list(claim.decisions.all()),
        "own_draft": own_draft,
        "may_decide": may_decide,
        "may_confirm": can_confirm_materials(user, centre_id=claim.service_center_id)
        and claim.status in (ExpenseClaimStatus.DRAFT, ExpenseClaimStatus.SUBMITTED),
        "line_form": forms.get("line_form") or (_line_form(request) if own_draft else None),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "materials": ExpenseKind.MATERIALS,
        "history_panel": record_panel(request, claim),
    }


@login_required
@require_POST
def claim_add_line(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = _claim(request, claim_id)
    form = _line_form(request, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        kind, _sep, pk = data["link"].partition(":")
        try:
            claims.add_expense_line(
                claim_id=claim.pk,
                by=request.user,
                kind=data["kind"],
                spent_on=data["spent_on"],
                amount=data["amount"],
                description=data["description"],
                order_id=int(pk) if kind == "order" else None,
                trip_id=int(pk) if kind == "trip" else None,
                receipt=data.get("receipt"),
            )
        except DomainError as error:
            show_domain_error(form, error, {"order_id": "link", "trip_id": "link"})
        else:
            messages.success(request, _("Expense added."))
            return redirect("workforce:claim_detail", claim.pk)
    claim = _claim(request, claim_id)
    return render(request, "workforce/claim_detail.html", _claim_context(request, claim, line_form=form), status=400)


@login_required
@require_POST
def claim_submit(request: HttpRequest, claim_id: int) -> HttpResponse:
    _act(request, lambda: claims.submit_claim(claim_id=claim_id, by=request.user), _("Claim handed in."))
    return redirect("workforce:claim_detail", claim_id)


@login_required
@require_POST
def claim_decide(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = DecideForm(request.POST)
    decision = request.POST.get("decision", "")
    step = request.POST.get("step", "")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    words = {Decision.APPROVED: _("Approved."), Decision.REJECTED: _("Rejected."), Decision.SENT_BACK: _("Sent back.")}
    _act(
        request,
        lambda: claims.decide_claim(
            claim_id=claim_id,
            by=request.user,
            decision=decision,
            reason=reason,
            step=int(step) if step.isdigit() else None,
        ),
        str(words.get(decision, "")),  # type: ignore[call-overload]
    )
    return redirect("workforce:claim_detail", claim_id)


@login_required
@require_POST
def line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = ExpenseLine.objects.filter(pk=line_id).values_list("claim_id", flat=True).first()
    _act(request, lambda: claims.remove_expense_line(line_id=line_id, by=request.user), _("Expense removed."))
    return redirect("workforce:claim_detail", line) if line else redirect("workforce:claims")


@login_required
@require_POST
def line_confirm(request: HttpRequest, line_id: int) -> HttpResponse:
    line = ExpenseLine.objects.filter(pk=line_id).values_list("claim_id", flat=True).first()
    _act(request, lambda: claims.confirm_materials(line_id=line_id, by=request.user), _("Materials confirmed."))
    return redirect("workforce:claim_detail", line) if line else redirect("workforce:claims")


# --- absences, overtime, staff -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def absence_list(request: HttpRequest) -> HttpResponse:
    """Absences: a technician asks for time off here; the manager approves or refuses."""
    _require(sees_workforce(request.user))
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendance.request_absence(
                by=request.user, starts_at=data["starts_at"], ends_at=data["ends_at"], reason=data["reason"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Absence requested."))
            return redirect("workforce:absences")
    rows = list(selectors.absence_list(user=request.user)[:PAGE])
    context = {
        "absences": rows,
        # Every absence the reader sees (not only the latest shown here).
        "export_url": reverse("exchange:export", kwargs={"kind": "absences", "fmt": "xlsx"}),
        "form": form if keeps_own_records(request.user) else None,
        "may_decide": can_approve_absences(request.user),
        "requested": AbsenceStatus.REQUESTED,
    }
    return render(request, "workforce/absence_list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def absence_decide(request: HttpRequest, absence_id: int) -> HttpResponse:
    answer = request.POST.get("approve")
    reason = request.POST.get("reason", "")
    _act(
        request,
        lambda: attendance.decide_absence(
            absence_id=absence_id,
            by=request.user,
            approve=require_yes_no(answer, field="approve", yes="1", no="0"),
            reason=reason,
        ),
        _("Approved.") if answer == "1" else _("Refused."),
    )
    return redirect("workforce:absences")


@login_required
@require_GET
def overtime_list(request: HttpRequest) -> HttpResponse:
    _require(sees_workforce(request.user))
    rows = list(selectors.overtime_list(user=request.user)[:PAGE])
    context = {
        "rows": rows,
        "may_decide": can_approve_overtime(request.user),
        "requested": OvertimeStatus.REQUESTED,
        "export_url": reverse("exchange:export", kwargs={"kind": "overtime", "fmt": "xlsx"}),
    }
    return render(request, "workforce/overtime_list.html", context)


@login_required
@require_POST
def overtime_decide(request: HttpRequest, overtime_id: int) -> HttpResponse:
    answer = request.POST.get("approve")
    reason = request.POST.get("reason", "")
    _act(
        request,
        lambda: overtime.decide_overtime(
            overtime_id=overtime_id,
            by=request.user,
            approve=require_yes_no(answer, field="approve", yes="1", no="0"),
            reason=reason,
        ),
        _("Approved.") if answer == "1" else _("Refused."),
    )
    return redirect("workforce:overtime")


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    """The field staff a manager looks after: load, today's check-in, skills, certificates expiring."""
    _require(sees_staff(request.user))
    today = timezone.localdate()
    people = list(selectors.people_visible_to(request.user)[:200])
    ids = [p.pk for p in people]
    checked = {a.person_id: a for a in Attendance.objects.filter(person__in=ids, day=today)}
    skills: dict[int, list[Any]] = {}
    for cert in Certificate.objects.filter(
        person__in=ids, issued_on__lte=today, expires_on__gte=today, revoked_at__isnull=True
    ).order_by("category"):
        skills.setdefault(cert.person_id, []).append(cert)
    away = {
        a.person_id: a
        for a in Absence.objects.filter(
            person__in=ids, status=AbsenceStatus.APPROVED, starts_at__lte=timezone.now(), ends_at__gt=timezone.now()
        )
    }
    rows = [
        {"person": p, "attendance": checked.get(p.pk), "skills": skills.get(p.pk, []), "away": away.get(p.pk)}
        for p in people
    ]
    context = {"rows": rows, "expiring": list(selectors.expiring_certificates(user=request.user)[:50]), "today": today}
    return render(request, "workforce/staff_list.html", context)
