"""Training screens (domain.md Training §13 3.5): courses with their syllabus, sessions with attendance
and exam scores (a pass certifies the course's product category), and certificates with their expiry,
issued and revoked by hand. Who sees: ``sees_staff`` (managers, dispatchers, finance, the general
manager); who changes: ``can_manage_training``. Every row goes through ``workforce_scope``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.history.views import record_panel
from aftersales.service.forms_field import show_domain_error
from aftersales.workforce import selectors
from aftersales.workforce.forms import AttendeeForm, CertificateForm, CourseForm, SessionForm
from aftersales.workforce.models import Certificate, Course, TrainingSession
from aftersales.workforce.permissions import can_manage_training, sees_staff, workforce_scope
from aftersales.workforce.services import training
from aftersales.workforce.views import PAGE, _act, _flag, _require


def _staff(user: User) -> QuerySet[User]:
    """The people ``user`` looks after (their centre's; all for the general manager), by name."""
    people = User.objects.filter(system_kind="", is_active=True).order_by("first_name", "last_name", "username")
    return workforce_scope(user, people, person="pk")


def _choices(people: Any, *, blank: bool = False) -> list[tuple[str, str]]:
    rows = [(str(p.pk), str(p)) for p in people]
    return [("", "—"), *rows] if blank else rows


def _person(user: User, value: str) -> User | None:
    return _staff(user).filter(pk=value).first() if value else None


@login_required
@require_http_methods(["GET", "POST"])
def training_view(request: HttpRequest) -> HttpResponse:
    """Courses and sessions; a manager creates a course (``?form=course``) or schedules a session."""
    user = request.user
    _require(sees_staff(user))
    manage = can_manage_training(user)
    courses = list(Course.objects.order_by("code")[:PAGE])
    course_form = CourseForm(request.POST if request.POST.get("form") == "course" else None)
    session_form = SessionForm(request.POST if request.POST.get("form") == "session" else None)
    session_form.fields["course"].choices = [(str(c.pk), f"{c.code} {c.name}") for c in courses]
    session_form.fields["trainer"].choices = _choices(_staff(user), blank=True)
    if request.method == "POST":
        _require(manage)
        try:
            if course_form.is_bound and course_form.is_valid():
                training.create_course(by=user, **course_form.cleaned_data)
                messages.success(request, _("Course created."))
                return redirect("workforce:training")
            if session_form.is_bound and session_form.is_valid():
                data = session_form.cleaned_data
                session = training.schedule_session(
                    by=user,
                    course=Course.objects.get(pk=data["course"]),
                    held_on=data["held_on"],
                    place=data["place"],
                    trainer=_person(user, data["trainer"]),
                )
                messages.success(request, _("Session scheduled."))
                return redirect("workforce:training_session", session.pk)
        except DomainError as error:
            show_domain_error(course_form if course_form.is_bound else session_form, error)
    sessions = list(
        workforce_scope(user, TrainingSession.objects.all(), person="trainer")
        .select_related("course", "trainer", "customer")
        .order_by("-held_on", "-pk")[:PAGE]
    )
    context = {
        "courses": courses,
        "sessions": sessions,
        "course_form": course_form if manage else None,
        "session_form": session_form if manage and courses else None,
    }
    bad = course_form.errors or session_form.errors
    return render(request, "workforce/training.html", context, status=400 if bad else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session with its attendees and exam scores; a manager records one (a pass certifies)."""
    user = request.user
    _require(sees_staff(user))
    session = (
        workforce_scope(user, TrainingSession.objects.all(), person="trainer")
        .select_related("course", "trainer", "customer")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    manage = can_manage_training(user, centre_id=session.service_center_id)
    form = AttendeeForm(request.POST or None)
    form.fields["person"].choices = _choices(
        _staff(user).filter(service_center_id=session.service_center_id), blank=True
    )
    if request.method == "POST":
        _require(manage)
        if form.is_valid():
            data = form.cleaned_data
            try:
                training.record_attendee(
                    session_id=session.pk,
                    by=user,
                    person=_person(user, data["person"]),
                    name=data["name"],
                    attended=data["attended"],
                    score=data["score"],
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("Attendee recorded."))
                return redirect("workforce:training_session", session.pk)
    context = {
        "session": session,
        "attendees": list(session.attendees.select_related("person").order_by("pk")),
        "form": form if manage else None,
        "history_panel": record_panel(request, session),
    }
    return render(request, "workforce/training_session.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def certificates_view(request: HttpRequest) -> HttpResponse:
    """Certificates of the staff one looks after (``?expiring=1``: those about to expire); a manager
    records one by hand."""
    user = request.user
    _require(sees_staff(user))
    manage = can_manage_training(user)
    form = CertificateForm(request.POST or None)
    form.fields["person"].choices = _choices(_staff(user))
    if request.method == "POST":
        _require(manage)
        if form.is_valid():
            data = form.cleaned_data
            person = _person(user, data["person"])
            try:
                if person is None:
                    raise DomainError("not_found", _("No such person."), field="person")
                training.issue_certificate(
                    by=user,
                    person=person,
                    category=data["category"],
                    issued_on=data["issued_on"],
                    expires_on=data["expires_on"],
                    number=data["number"],
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("Certificate recorded."))
                return redirect("workforce:certificates")
    expiring, refused = _flag(request, "expiring")
    if expiring:
        rows = selectors.expiring_certificates(user=user)
    else:
        rows = workforce_scope(user, Certificate.objects.all()).select_related("person", "course")
        rows = rows.order_by("person__first_name", "person__username", "category", "-expires_on")
    context = {
        "certificates": list(rows[:PAGE]),
        "expiring": expiring,
        "today": timezone.localdate(),
        "form": form if manage else None,
        "may_revoke": manage,
    }
    return render(request, "workforce/certificate_list.html", context, status=400 if form.errors or refused else 200)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    _require(sees_staff(request.user))
    _act(
        request,
        lambda: training.revoke_certificate(certificate_id=certificate_id, by=request.user),
        _("Certificate revoked."),
    )
    return redirect("workforce:certificates")
