"""Bad input to the workforce's services answers the documented code with its field and writes
nothing: attendance, absences, overtime, claims, training, store visits and the settings."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import DomainError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.workforce.models import (
    Absence,
    ApprovalStep,
    Attendance,
    Certificate,
    Course,
    ExpenseLine,
    Overtime,
    StoreVisit,
    WorkingPattern,
)
from aftersales.workforce.services import attendance, claims, overtime, settings, training
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db
LAST_MONTH = datetime.date(2026, 11, 2)


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def refused(call, code=None, field=None):
    with pytest.raises(DomainError) as error:
        call()
    if code is not None:
        assert error.value.code == code, error.value
    if field is not None:
        assert error.value.field == field, error.value
    return error.value


def png(name="s.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_attendance_refusals(tech):
    refused(lambda: attendance.check_out(by=tech, now=at(TUESDAY, 17)), "not_checked_in")
    attendance.check_in(by=tech, now=at(TUESDAY, 9))
    refused(lambda: attendance.check_out(by=tech, now=at(TUESDAY, 8)), "before_check_in")
    attendance.check_out(by=tech, now=at(TUESDAY, 17, 30))
    refused(lambda: attendance.check_out(by=tech, now=at(TUESDAY, 18)), "already_checked_out")
    assert Attendance.objects.get().left_early is False


def test_absence_refusals_and_withdrawal(users, tech):
    now = timezone.now()
    refused(
        lambda: attendance.request_absence(
            by=tech, starts_at=now + datetime.timedelta(days=2), ends_at=now + datetime.timedelta(days=1), reason="x"
        ),
        "invalid_dates",
        "ends_at",
    )
    refused(
        lambda: attendance.request_absence(
            by=tech, starts_at=now + datetime.timedelta(days=2), ends_at=now + datetime.timedelta(days=400), reason="x"
        ),
        "invalid_dates",
        "ends_at",
    )
    assert not Absence.objects.exists()
    absence = attendance.request_absence(
        by=tech,
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=3),
        reason="x",
    )
    refused(lambda: attendance.cancel_absence(absence_id=absence.pk, by=users[Role.MANAGER]), "not_yourself")
    refused(
        lambda: attendance.decide_absence(absence_id=absence.pk, by=users[Role.AGENT], approve=True),
    )
    attendance.cancel_absence(absence_id=absence.pk, by=tech)
    refused(lambda: attendance.cancel_absence(absence_id=absence.pk, by=tech), "already_decided")
    refused(
        lambda: attendance.decide_absence(absence_id=absence.pk, by=users[Role.MANAGER], approve=True),
        "already_decided",
    )
    absence.refresh_from_db()
    assert absence.status == "cancelled"
    assert list(
        Activity.objects.filter(target_id=absence.pk, type__startswith="absence.").values_list("type", flat=True)
    ) == ["absence.requested", "absence.cancelled"]


def test_overtime_refusals(users, tech):
    refused(
        lambda: overtime.record_overtime(by=tech, day=timezone.localdate(), order_id=999999),
        "not_your_order",
        "order_id",
    )
    row = overtime.record_overtime(by=tech, day=timezone.localdate(), order_id=job_for(users).pk)
    refused(lambda: overtime.record_overtime(by=tech, day=timezone.localdate()), "overtime_exists", "day")
    refused(lambda: overtime.decide_overtime(overtime_id=row.pk, by=tech, approve=True))
    refused(lambda: overtime.decide_overtime(overtime_id=row.pk, by=users[Role.AGENT], approve=True))
    overtime.decide_overtime(overtime_id=row.pk, by=users[Role.MANAGER], approve=True)
    refused(
        lambda: overtime.decide_overtime(overtime_id=row.pk, by=users[Role.MANAGER], approve=False, reason="x"),
        "already_decided",
    )
    assert Overtime.objects.get().status == "approved"


def test_claim_line_refusals(users, tech):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    today = timezone.localdate()

    def line(**kwargs):
        values = {"kind": "meals", "spent_on": today, "amount": "10", "description": "x", "order_id": order.pk}
        return claims.add_expense_line(claim_id=claim.pk, by=tech, **{**values, **kwargs})

    refused(lambda: line(order_id=None), "line_unlinked", "order_id")
    refused(lambda: line(order_id=None, trip_id=999999), "not_your_trip", "trip_id")
    refused(
        lambda: line(order_id=job_for(users, UserFactory(role=Role.TECHNICIAN, service_center=tech.service_center)).pk),
        "not_your_order",
        "order_id",
    )
    refused(
        lambda: claims.add_expense_line(
            claim_id=claim.pk,
            by=users[Role.MANAGER],
            kind="meals",
            spent_on=today,
            amount="1",
            description="x",
            order_id=order.pk,
        )
    )
    refused(lambda: claims.remove_expense_line(line_id=999999, by=tech), "not_found")
    refused(lambda: claims.attach_receipt(line_id=999999, by=tech, file=png()), "not_found")
    refused(lambda: claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY)), "claim_empty")
    assert not ExpenseLine.objects.exists()

    added = line(receipt=png("r.png"))
    line(kind="materials", description="密封圈")  # purchasing sees a claim holding materials
    claims.attach_receipt(line_id=added.pk, by=tech, file=png("r2.png"))
    refused(lambda: claims.confirm_materials(line_id=added.pk, by=users[Role.PARTS_KEEPER]), "not_materials")
    refused(lambda: claims.confirm_materials(line_id=999999, by=users[Role.PARTS_KEEPER]), "not_found")
    refused(lambda: claims.mark_claims_exported(claim_ids=[claim.pk], by=tech))
    refused(lambda: claims.mark_claims_exported(claim_ids=[claim.pk], by=users[Role.FINANCE]), "claim_not_approved")
    refused(lambda: claims.mark_claims_exported(claim_ids=[999999], by=users[Role.FINANCE]), "not_found")
    refused(lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="maybe"), "invalid_choice")
    refused(
        lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="approved"),
        "claim_not_in_approval",
    )


def test_the_chain_refuses_a_stale_step_and_a_stranger(users, tech):
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY,
        amount="10",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))

    refused(
        lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="approved", step=2),
        "step_not_reached",
    )
    refused(lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.AGENT], decision="approved"))
    refused(
        lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="rejected"),
        "required",
        "reason",
    )
    claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="approved", step=1)
    refused(
        lambda: claims.decide_claim(claim_id=claim.pk, by=users[Role.MANAGER], decision="approved", step=1), "step_done"
    )


def test_training_refusals(users, tech, other_centre):
    manager = users[Role.MANAGER]
    refused(lambda: training.create_course(by=tech, code="C", name="x"))
    refused(
        lambda: training.create_course(by=manager, code="C", name="x", pass_score=Decimal("101")),
        "invalid_score",
        "pass_score",
    )
    refused(
        lambda: training.create_course(by=manager, code="C", name="x", valid_months=0), "invalid_months", "valid_months"
    )
    assert not Course.objects.exists()
    course = training.create_course(by=manager, code="C", name="x", category="空压机")
    refused(
        lambda: training.issue_certificate(
            by=manager,
            person=tech,
            category="空压机",
            issued_on=LAST_MONTH,
            expires_on=LAST_MONTH - datetime.timedelta(days=1),
        ),
        "invalid_dates",
        "expires_on",
    )
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    refused(
        lambda: training.issue_certificate(by=manager, person=stranger, category="空压机", issued_on=LAST_MONTH),
        "not_found",
        "person_id",
    )
    assert not Certificate.objects.exists()
    session = training.schedule_session(by=manager, course=course, held_on=LAST_MONTH)
    refused(
        lambda: training.schedule_session(by=manager, course=course, held_on=LAST_MONTH, customer_id=999999),
        "not_found",
        "customer_id",
    )
    refused(lambda: training.record_attendee(session_id=session.pk, by=manager), "required", "name")
    refused(
        lambda: training.record_attendee(session_id=session.pk, by=manager, person=stranger), "not_found", "person_id"
    )
    refused(
        lambda: training.record_attendee(session_id=session.pk, by=manager, name="x", score=Decimal("120")),
        "invalid_score",
        "score",
    )
    refused(lambda: training.record_attendee(session_id=999999, by=manager, name="x"), "not_found")


def test_store_visit_refusals(tech):
    store = CustomerFactory(service_center=tech.service_center)
    refused(lambda: training.record_store_visit(by=tech, customer_id=999999), "not_found", "customer_id")
    visit = training.record_store_visit(by=tech, customer_id=store.pk)
    refused(lambda: training.record_store_visit(by=tech, customer_id=store.pk), "visit_exists", "day")
    training.sign_store_visit(visit_id=visit.pk, by=tech, signer_name="店长", signature=png())
    refused(
        lambda: training.sign_store_visit(visit_id=visit.pk, by=tech, signer_name="店长", signature=png()),
        "visit_signed",
    )
    assert StoreVisit.objects.get().signer_name == "店长"


def test_settings_refusals_and_history(users, centre, other_centre):
    admin, manager = users[Role.ADMIN], users[Role.MANAGER]
    refused(lambda: settings.create_approval_step(by=manager, position=9, role="finance"))
    refused(
        lambda: settings.create_approval_step(by=admin, position=0, role="finance"),
        "invalid_position_number",
        "position",
    )
    refused(
        lambda: settings.create_approval_step(by=admin, position=9, role="finance", min_total=Decimal("-1")),
        "amount_not_positive",
        "min_total",
    )
    step = settings.create_approval_step(by=admin, position=9, role="finance", min_total=Decimal("5000"))
    refused(
        lambda: settings.create_approval_step(by=admin, position=9, role="finance"), "duplicate_position", "position"
    )
    first = ApprovalStep.objects.get(position=1)
    refused(
        lambda: settings.update_approval_step(by=admin, step=first, position=9, role="manager"), "duplicate_position"
    )
    refused(lambda: settings.update_approval_step(by=manager, step=step, position=9, role="manager"))
    settings.update_approval_step(by=admin, step=step, position=9, role="general_manager", min_total=Decimal("5000"))
    step.refresh_from_db()
    assert step.role == "general_manager"

    nine, five = datetime.time(9), datetime.time(17, 30)
    refused(
        lambda: settings.create_working_pattern(by=manager, service_center=other_centre, day_start=nine, day_end=five),
        "not_found",
    )
    refused(
        lambda: settings.create_working_pattern(by=manager, service_center=centre, day_start=five, day_end=nine),
        "invalid_hours",
        "day_end",
    )
    refused(
        lambda: settings.create_working_pattern(
            by=manager, service_center=centre, day_start=nine, day_end=five, absence_notice_hours=200
        ),
        "invalid_hours",
        "absence_notice_hours",
    )
    pattern = settings.create_working_pattern(by=manager, service_center=centre, day_start=nine, day_end=five)
    refused(
        lambda: settings.create_working_pattern(by=manager, service_center=centre, day_start=nine, day_end=five),
        "duplicate_pattern",
    )
    refused(
        lambda: settings.update_working_pattern(
            by=manager, pattern=pattern, service_center=other_centre, day_start=nine, day_end=five
        ),
        "not_found",
    )
    settings.update_working_pattern(
        by=manager, pattern=pattern, service_center=centre, day_start=datetime.time(8), day_end=five
    )
    assert WorkingPattern.objects.get().day_start == datetime.time(8)
    assert Activity.objects.filter(type="working_pattern.saved").count() == 2
    assert Activity.objects.filter(type="approval_step.saved").count() == 2
