"""Every workforce write service, called by a user of another service centre, refuses (404 for a
record out of their scope, 403 for what they may not do or someone else's record) and writes nothing.
``aftersales/tests/test_write_services_scope.py`` lists these services as proved here;
``test_every_workforce_service_is_listed`` fails when a new one is neither here nor exempt."""

import datetime
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.core.errors import DomainError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.workforce.models import ApprovalStep, Course, TrainingSession, WorkingPattern
from aftersales.workforce.services import attendance, claims, overtime, training, trips
from aftersales.workforce.services import settings as wf_settings
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

T, M, F, P, G, D = Role.TECHNICIAN, Role.MANAGER, Role.FINANCE, Role.PARTS_KEEPER, Role.GENERAL_MANAGER, Role.DISPATCHER


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    staff: dict[str, User]
    draft: Any
    submitted: Any
    line: Any
    materials: Any
    absence: Any
    overtime: Any
    trip: Any
    certificate: Any
    session: Any
    visit: Any
    customer: Any
    pattern: Any = None


@pytest.fixture
def world(db: Any) -> World:
    home = ServiceCenterFactory(code="SH")
    away = ServiceCenterFactory(code="BJ")
    staff = {role: UserFactory(username=f"{role}-sh", role=role, service_center=home) for role in Role.values}
    for role in Role.values:
        UserFactory(username=f"{role}-bj", role=role, service_center=away)
    tech = staff[T]
    order = job_for(staff)
    draft = claims.create_claim(by=tech)
    line = claims.add_expense_line(
        claim_id=draft.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY,
        amount="20",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    submitted = claims.create_claim(by=tech)
    materials = claims.add_expense_line(
        claim_id=submitted.pk,
        by=tech,
        kind="materials",
        spent_on=TUESDAY,
        amount="20",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=submitted.pk, by=tech, now=at(TUESDAY))
    now = timezone.now()
    absence = attendance.request_absence(
        by=tech, starts_at=now + datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(hours=5), reason="x"
    )
    extra = overtime.record_overtime(by=tech, day=timezone.localdate())
    trip = trips.start_trip(by=tech, destination="苏州", starts_on=timezone.localdate(), ends_on=timezone.localdate())
    certificate = training.issue_certificate(
        by=staff[M], person=tech, category="空压机", issued_on=datetime.date(2026, 1, 1)
    )
    course = Course.objects.create(code="C1", name="空压机", category="空压机")
    session = TrainingSession.objects.create(course=course, service_center=home, held_on=datetime.date(2026, 1, 1))
    customer = CustomerFactory(service_center=home)
    visit = training.record_store_visit(by=tech, customer_id=customer.pk)
    pattern = WorkingPattern.objects.create(service_center=home)
    if not ApprovalStep.objects.exists():  # a flushed database (transaction tests) has no migration rows
        ApprovalStep.objects.create(position=1, role="manager")
    return World(
        staff, draft, submitted, line, materials, absence, extra, trip, certificate, session, visit, customer, pattern
    )


@dataclass(frozen=True)
class Case:
    service: str
    role: str
    status: int
    call: Callable[[World, User], Any]

    def __str__(self) -> str:
        return f"{self.service.rsplit('.', 1)[1]}-{self.role}"


A = "aftersales.workforce.services."
CASES = [
    Case(A + "attendance.check_in", T, 403, lambda w, by: attendance.check_in(by=by, person=w.staff[T])),
    Case(A + "attendance.check_out", T, 403, lambda w, by: attendance.check_out(by=by, person=w.staff[T])),
    Case(
        A + "attendance.request_absence",
        T,
        403,
        lambda w, by: attendance.request_absence(
            by=by, person=w.staff[T], starts_at=at(TUESDAY), ends_at=at(TUESDAY, 12), reason="x"
        ),
    ),
    Case(
        A + "attendance.decide_absence",
        M,
        404,
        lambda w, by: attendance.decide_absence(absence_id=w.absence.pk, by=by, approve=True),
    ),
    Case(
        A + "attendance.cancel_absence", T, 404, lambda w, by: attendance.cancel_absence(absence_id=w.absence.pk, by=by)
    ),
    Case(A + "claims.create_claim", T, 403, lambda w, by: claims.create_claim(by=by, person=w.staff[T])),
    Case(
        A + "claims.add_expense_line",
        T,
        404,
        lambda w, by: claims.add_expense_line(
            claim_id=w.draft.pk,
            by=by,
            kind="meals",
            spent_on=TUESDAY,
            amount="1",
            description="x",
            order_id=1,
            today=TUESDAY,
        ),
    ),
    Case(A + "claims.remove_expense_line", T, 404, lambda w, by: claims.remove_expense_line(line_id=w.line.pk, by=by)),
    Case(
        A + "claims.attach_receipt", T, 404, lambda w, by: claims.attach_receipt(line_id=w.line.pk, by=by, file=_png())
    ),
    Case(
        A + "claims.submit_claim",
        T,
        404,
        lambda w, by: claims.submit_claim(claim_id=w.draft.pk, by=by, now=at(TUESDAY)),
    ),
    Case(
        A + "claims.decide_claim",
        M,
        404,
        lambda w, by: claims.decide_claim(claim_id=w.submitted.pk, by=by, decision="approved"),
    ),
    Case(
        A + "claims.decide_claim",
        F,
        404,
        lambda w, by: claims.decide_claim(claim_id=w.submitted.pk, by=by, decision="rejected", reason="x"),
    ),
    Case(A + "claims.confirm_materials", P, 404, lambda w, by: claims.confirm_materials(line_id=w.materials.pk, by=by)),
    Case(
        A + "claims.mark_claims_exported",
        F,
        404,
        lambda w, by: claims.mark_claims_exported(claim_ids=[w.submitted.pk], by=by),
    ),
    Case(
        A + "claims.mark_claims_exported",
        T,
        403,
        lambda w, by: claims.mark_claims_exported(claim_ids=[w.submitted.pk], by=by),
    ),
    Case(
        A + "overtime.record_overtime",
        T,
        403,
        lambda w, by: overtime.record_overtime(by=by, person=w.staff[T], day=TUESDAY),
    ),
    Case(
        A + "overtime.decide_overtime",
        M,
        404,
        lambda w, by: overtime.decide_overtime(overtime_id=w.overtime.pk, by=by, approve=True),
    ),
    Case(
        A + "trips.start_trip",
        T,
        403,
        lambda w, by: trips.start_trip(by=by, person=w.staff[T], destination="x", starts_on=TUESDAY, ends_on=TUESDAY),
    ),
    Case(A + "trips.return_from_trip", T, 404, lambda w, by: trips.return_from_trip(trip_id=w.trip.pk, by=by)),
    Case(
        A + "trips.submit_daily_report",
        T,
        403,
        lambda w, by: trips.submit_daily_report(by=by, person=w.staff[T], text="x"),
    ),
    Case(
        A + "trips.submit_weekly_summary",
        T,
        403,
        lambda w, by: trips.submit_weekly_summary(
            by=by, person=w.staff[T], week_start=datetime.date(2026, 11, 30), text="x"
        ),
    ),
    Case(
        A + "settings.create_approval_step",
        M,
        403,
        lambda w, by: wf_settings.create_approval_step(by=by, position=9, role="finance"),
    ),
    Case(
        A + "settings.update_approval_step",
        M,
        403,
        lambda w, by: wf_settings.update_approval_step(
            by=by, step=ApprovalStep.objects.get(position=1), position=1, role="finance"
        ),
    ),
    Case(
        A + "settings.create_working_pattern",
        M,
        404,
        lambda w, by: wf_settings.create_working_pattern(
            by=by, service_center=w.staff[T].service_center, day_start=datetime.time(8), day_end=datetime.time(17)
        ),
    ),
    Case(
        A + "settings.update_working_pattern",
        M,
        404,
        lambda w, by: wf_settings.update_working_pattern(
            by=by,
            pattern=w.pattern,
            service_center=w.pattern.service_center,
            day_start=datetime.time(8),
            day_end=datetime.time(17),
        ),
    ),
    Case(A + "training.create_course", T, 403, lambda w, by: training.create_course(by=by, code="C9", name="x")),
    Case(
        A + "training.issue_certificate",
        M,
        404,
        lambda w, by: training.issue_certificate(by=by, person=w.staff[T], category="x", issued_on=TUESDAY),
    ),
    Case(
        A + "training.revoke_certificate",
        M,
        404,
        lambda w, by: training.revoke_certificate(certificate_id=w.certificate.pk, by=by),
    ),
    Case(
        A + "training.schedule_session",
        M,
        404,
        lambda w, by: training.schedule_session(
            by=by, course=w.session.course, held_on=TUESDAY, customer_id=w.customer.pk
        ),
    ),
    Case(
        A + "training.record_attendee",
        M,
        404,
        lambda w, by: training.record_attendee(session_id=w.session.pk, by=by, name="操作员", score=Decimal("90")),
    ),
    Case(
        A + "training.record_store_visit",
        T,
        404,
        lambda w, by: training.record_store_visit(by=by, customer_id=w.customer.pk),
    ),
    Case(
        A + "training.sign_store_visit",
        T,
        404,
        lambda w, by: training.sign_store_visit(visit_id=w.visit.pk, by=by, signer_name="店长", signature=_png()),
    ),
]


def _workforce_services() -> set[str]:
    package = importlib.import_module("aftersales.workforce.services")
    found = set()
    for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and obj.__module__ == module.__name__:
                found.add(f"{module.__name__}.{name}")
    return found


def test_every_workforce_service_is_listed() -> None:
    assert _workforce_services() == {case.service for case in CASES}


def _fingerprint() -> dict[str, list[dict[str, Any]]]:
    return {
        m._meta.label: list(m.objects.order_by("pk").values()) for m in apps.get_app_config("workforce").get_models()
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_called_from_another_centre_refuses_and_writes_nothing(case: Case, world: World) -> None:
    caller = User.objects.get(username=f"{case.role}-bj")
    before = _fingerprint()

    with pytest.raises(DomainError) as caught:
        case.call(world, caller)

    assert caught.value.status == case.status, caught.value.as_dict()
    assert _fingerprint() == before


SCREEN_ACTIONS: list[tuple[str, str, Callable[[World], str], dict[str, str]]] = [
    ("trip_return", T, lambda w: f"/workforce/me/trip/{w.trip.pk}/return/", {}),
    ("claim_submit", T, lambda w: f"/workforce/claims/{w.draft.pk}/submit/", {}),
    ("claim_decide", M, lambda w: f"/workforce/claims/{w.submitted.pk}/decide/", {"decision": "approved"}),
    ("line_remove", T, lambda w: f"/workforce/lines/{w.line.pk}/remove/", {}),
    ("line_confirm", M, lambda w: f"/workforce/lines/{w.materials.pk}/confirm/", {}),
    ("absence_decide", M, lambda w: f"/workforce/absences/{w.absence.pk}/decide/", {"approve": "1"}),
    ("overtime_decide", M, lambda w: f"/workforce/overtime/{w.overtime.pk}/decide/", {"approve": "1"}),
    ("certificate_revoke", M, lambda w: f"/workforce/certificates/{w.certificate.pk}/revoke/", {}),
]


@pytest.mark.parametrize(("name", "role", "url", "data"), SCREEN_ACTIONS, ids=[a[0] for a in SCREEN_ACTIONS])
def test_a_screen_action_on_another_centres_record_is_a_404_and_writes_nothing(
    client: Any, world: World, name: str, role: str, url: Callable[[World], str], data: dict[str, str]
) -> None:
    # Each was a redirect with "no such …" above the next page, where every other app answers 404 (found
    # by a helper's probe, 2026-12-07).
    client.force_login(User.objects.get(username=f"{role}-bj"))
    before = _fingerprint()

    answer = client.post(url(world), data)

    assert answer.status_code == 404
    assert _fingerprint() == before


def test_ending_another_centres_stand_in_is_a_404(client: Any, world: World) -> None:
    from aftersales.accounts.models import StandIn
    from aftersales.accounts.services import create_stand_in

    manager = world.staff[M]
    today = timezone.localdate()
    stand_in = create_stand_in(
        from_user=manager, to_user=world.staff[D], starts_on=today, ends_on=today, reason="外出", by=manager
    )
    client.force_login(User.objects.get(username="manager-bj"))

    assert client.post(f"/workforce/stand-ins/{stand_in.pk}/end/").status_code == 404
    assert StandIn.objects.get(pk=stand_in.pk).ends_on == today
