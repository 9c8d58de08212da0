"""Training and certificates (domain.md "Training" §13 3.5: syllabus, plan, exam, records,
effectiveness; for technicians and for customers' operators), and field trainers' store visits (§4)."""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.uploads import clean_upload
from aftersales.core.validation import field_max_length, require_choice, require_text
from aftersales.customers.models import Customer
from aftersales.customers.permissions import customers_visible_to
from aftersales.history.services import record_activity
from aftersales.workforce.choices import Audience
from aftersales.workforce.common import locked, not_in_future, person_fields, require_self
from aftersales.workforce.models import Attendee, Certificate, Course, StoreVisit, TrainingSession
from aftersales.workforce.permissions import can_manage_training, workforce_scope


def _require_training(by: User, *, centre_id: int | None = None) -> None:
    if not can_manage_training(by, centre_id=centre_id):
        raise PermissionDeniedError("forbidden", _("Only service managers keep training records."))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def create_course(
    *,
    by: User,
    code: str,
    name: str,
    audience: str = Audience.TECHNICIANS,
    category: str = "",
    syllabus: str = "",
    pass_score: Decimal = Decimal("60"),
    valid_months: int = 24,
) -> Course:
    """A course; passing one for technicians with a ``category`` certifies that product category."""
    _require_training(by)
    code = require_text(code, field="code", max_length=field_max_length(Course, "code"))
    if Course.objects.filter(code=code).exists():
        raise ConflictError("duplicate_code", _("A course with this code exists."), field="code")
    if not Decimal(0) <= Decimal(pass_score) <= Decimal(100):
        raise ValidationFailed("invalid_score", _("A score lies between 0 and 100."), field="pass_score")
    if not 1 <= valid_months <= 120:
        raise ValidationFailed("invalid_months", _("A certificate is valid 1 to 120 months."), field="valid_months")
    course = Course.objects.create(
        code=code,
        name=require_text(name, field="name", max_length=field_max_length(Course, "name")),
        audience=require_choice(audience, field="audience", choices=Audience),
        category=require_text(category, field="category", max_length=100, required=False),
        syllabus=require_text(syllabus, field="syllabus", max_length=8000, required=False),
        pass_score=pass_score,
        valid_months=valid_months,
    )
    record_activity(target=course, type="course.created", by=by, data={"code": code, "category": course.category})
    return course


@transaction.atomic
def issue_certificate(
    *,
    by: User,
    person: User,
    category: str,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    course: Course | None = None,
    number: str = "",
) -> Certificate:
    """Record a certificate of a member of staff of the caller's centre (404 outside it)."""
    if not workforce_scope(by, User.objects.filter(pk=person.pk), person="pk").exists():
        raise NotFoundError("not_found", _("No such person."), field="person_id")
    _require_training(by, centre_id=person.service_center_id)
    if person.service_center_id is None:
        raise ValidationFailed("no_centre", _("This person belongs to no service centre."), field="person_id")
    category = require_text(category, field="category", max_length=100)
    not_in_future(issued_on, field="issued_on", today=timezone.localdate())
    expires_on = expires_on or _add_months(issued_on, course.valid_months if course else 24)
    if expires_on < issued_on:
        raise ValidationFailed("invalid_dates", _("A certificate expires after it is issued."), field="expires_on")
    certificate = Certificate.objects.create(
        **person_fields(person),
        category=category,
        course=course,
        number=require_text(number, field="number", max_length=40, required=False),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    _certificate_issued(certificate, by=by)
    return certificate


def _certificate_issued(certificate: Certificate, *, by: User) -> None:
    record_activity(
        target=certificate,
        type="certificate.issued",
        by=by,
        data={
            "person": str(certificate.person),
            "category": certificate.category,
            "expires_on": certificate.expires_on.isoformat(),
        },
    )


@transaction.atomic
def revoke_certificate(*, certificate_id: int, by: User) -> Certificate:
    certificate = locked(Certificate.objects.all(), certificate_id, by=by, what=_("certificate"))
    _require_training(by, centre_id=certificate.service_center_id)
    if certificate.revoked_at is not None:
        raise ConflictError("already_revoked", _("This certificate is revoked already."))
    certificate.revoked_at = timezone.now()
    certificate.save()
    record_activity(target=certificate, type="certificate.revoked", by=by)
    return certificate


@transaction.atomic
def schedule_session(
    *,
    by: User,
    course: Course,
    held_on: datetime.date,
    place: str = "",
    trainer: User | None = None,
    customer_id: int | None = None,
) -> TrainingSession:
    """A session of a course in the caller's centre; for operators, at a customer of the centre."""
    _require_training(by, centre_id=by.service_center_id)
    if by.service_center_id is None:
        raise ValidationFailed("no_centre", _("You belong to no service centre."))
    customer = None
    if customer_id is not None:
        customer = customers_visible_to(by).filter(pk=customer_id).first()
        if customer is None:
            raise NotFoundError("not_found", _("No such customer."), field="customer_id")
    session = TrainingSession.objects.create(
        course=course,
        service_center_id=by.service_center_id,
        held_on=held_on,
        place=require_text(place, field="place", max_length=200, required=False),
        trainer=trainer,
        customer=customer,
    )
    record_activity(
        target=session, type="training_session.scheduled", by=by, data={"course": course.code, "held_on": str(held_on)}
    )
    return session


@transaction.atomic
def record_attendee(
    *,
    session_id: int,
    by: User,
    person: User | None = None,
    name: str = "",
    attended: bool = True,
    score: Decimal | None = None,
) -> Attendee:
    """Someone at a session with their exam score; a technician who passes a course with a product
    category gets the certificate for it, valid for the course's months from the session's day."""
    session = TrainingSession.objects.select_related("course").filter(pk=session_id).first()
    if (
        session is None
        or not workforce_scope(by, TrainingSession.objects.filter(pk=session_id), person="trainer").exists()
    ):
        raise NotFoundError("not_found", _("No such training session."))
    _require_training(by, centre_id=session.service_center_id)
    if person is None and not name.strip():
        raise ValidationFailed("required", _("Name the attendee."), field="name")
    if person is not None and person.service_center_id != session.service_center_id:
        raise NotFoundError("not_found", _("No such person."), field="person_id")
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        raise ValidationFailed("invalid_score", _("A score lies between 0 and 100."), field="score")
    attendee = Attendee.objects.create(
        session=session,
        person=person,
        name=require_text(name, field="name", max_length=100, required=False),
        attended=attended,
        score=score,
    )
    course = session.course
    record_activity(
        target=session,
        type="training_session.attendee",
        by=by,
        data={"name": str(person) if person else attendee.name, "attended": attended, "score": str(score or "")},
    )
    if person is not None and attended and score is not None and score >= course.pass_score and course.category:
        certificate = Certificate.objects.create(
            **person_fields(person),
            category=course.category,
            course=course,
            issued_on=session.held_on,
            expires_on=_add_months(session.held_on, course.valid_months),
        )
        _certificate_issued(certificate, by=by)
    return attendee


@transaction.atomic
def record_store_visit(
    *, by: User, customer_id: int, day: datetime.date | None = None, notes: str = "", person: User | None = None
) -> StoreVisit:
    """A field trainer's day at a store (§4), once per store and day (409 ``visit_exists``). The store
    is a customer of the trainer's centre (not only of their jobs: the trainer visits stores unasked)."""
    require_self(by, person)
    customer = Customer.objects.filter(pk=customer_id, service_center_id=by.service_center_id).first()
    if customer is None:
        raise NotFoundError("not_found", _("No such customer."), field="customer_id")
    day = not_in_future(day or timezone.localdate(), field="day", today=timezone.localdate())
    try:
        with transaction.atomic():
            visit = StoreVisit.objects.create(
                **person_fields(by),
                customer=customer,
                day=day,
                notes=require_text(
                    notes, field="notes", max_length=field_max_length(StoreVisit, "notes"), required=False
                ),
            )
    except IntegrityError:
        raise ConflictError("visit_exists", _("This store visit is recorded already."), field="day") from None
    record_activity(target=visit, type="store_visit.recorded", by=by, data={"store": customer.name, "day": str(day)})
    return visit


@transaction.atomic
def sign_store_visit(*, visit_id: int, by: User, signer_name: str, signature: UploadedFile) -> StoreVisit:
    """The store signs the visit form on the trainer's phone (PNG); a signed form is final."""
    visit: Any = locked(StoreVisit.objects.all(), visit_id, by=by, what=_("store visit"))
    require_self(by, visit.person)
    if visit.signed_at is not None:
        raise ConflictError("visit_signed", _("The store has signed this form already."))
    signer = require_text(signer_name, field="signer_name", max_length=100)
    clean = clean_upload(signature, field="signature", allowed_types=("image/png",), max_bytes=1024 * 1024)
    visit.signature.save(clean.name, clean.file, save=False)
    visit.signer_name, visit.signed_at = signer, timezone.now()
    visit.save()
    record_activity(target=visit, type="store_visit.signed", by=by, data={"signer": signer})
    return visit
