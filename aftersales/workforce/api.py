"""The field workforce's API: attendance, absences, trips and reports, expense claims through the
approval chain, overtime, certificates and training, store visits. Every list and detail goes through
``permissions.workforce_scope``; a record outside it answers 404."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from aftersales.accounts.models import User
from aftersales.core.api import Input, TextBool, found_or_404, page_limit
from aftersales.core.errors import NotFoundError
from aftersales.core.idempotency import Created, idempotent
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, Day, Moment, Money, answers, model_field, page_schema
from aftersales.workforce import selectors
from aftersales.workforce.choices import (
    AbsenceStatus,
    ApprovalRole,
    ApproverDecision,
    Audience,
    Decision,
    ExpenseClaimStatus,
    ExpenseKind,
    OvertimeStatus,
    TripStatus,
)
from aftersales.workforce.common import week_start_of
from aftersales.workforce.models import (
    Absence,
    Attendance,
    Attendee,
    Certificate,
    ClaimDecision,
    Course,
    DailyReport,
    ExpenseClaim,
    ExpenseLine,
    FieldTrip,
    Overtime,
    StoreVisit,
    TrainingSession,
    WeeklySummary,
)
from aftersales.workforce.permissions import claims_visible_to, workforce_scope
from aftersales.workforce.services import attendance, claims, overtime, training, trips

router = Router(tags=["workforce"])


class WorkforcePageQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None
    person_id: int | None = Field(None, description="Only this person's records.")


def _page(request: HttpRequest, qs, query: WorkforcePageQuery) -> Page:  # type: ignore[no-untyped-def]
    qs = workforce_scope(request.user, qs)
    if query.person_id is not None:
        qs = qs.filter(person_id=query.person_id)
    return keyset_page(qs.select_related("person"), cursor=query.cursor, limit=page_limit(query.limit))


def _lister(name: str, path: str, page: type[Schema], qs: Callable[[], QuerySet], doc: str = "") -> None:
    """Register ``GET path``: the records of ``qs()`` the caller may see (``workforce_scope``), filtered by
    ``person_id``, keyset-paged (latest first). One shape for every person's-records list."""

    def endpoint(request: HttpRequest, query: Query[WorkforcePageQuery]) -> Page:
        return _page(request, qs(), query)

    endpoint.__name__ = endpoint.__qualname__ = name  # the operation id: aftersales_workforce_api_<name>
    endpoint.__doc__ = doc or None
    router.get(path, response=answers(page, 400))(endpoint)


def _create(request: HttpRequest, schema: type[Schema], make: Callable[[], object]) -> Created:
    """A create that honours ``Idempotency-Key``: a retry answers the first answer and makes nothing."""
    return idempotent(request, lambda: (201, schema.from_orm(make())))


def _person(person_id: int | None) -> User | None:
    """The person a record is for, as the client named them (the service refuses anyone but the caller)."""
    return None if person_id is None else User(pk=person_id)


class PersonOut(Schema):
    person_id: int
    person_name: str
    service_center_id: int

    @staticmethod
    def resolve_person_name(obj: object) -> str:
        return str(obj.person)  # type: ignore[attr-defined]


# --- profile ---------------------------------------------------------------------------------------


class SkillOut(Schema):
    category: str
    expires_on: datetime.date


class WorkforceProfileOut(Schema):
    id: int
    name: str
    service_center_id: int | None
    region: str
    day_start: datetime.time
    day_end: datetime.time
    open_orders: int
    checked_in: bool
    skills: list[SkillOut]
    trip_id: int | None


@router.get("/workforce/profile", response=answers(WorkforceProfileOut, 404))
def profile(request: HttpRequest, person_id: int | None = None) -> WorkforceProfileOut:
    """A technician's profile (yourself by default): centre, region, skills from valid certificates,
    working hours, open orders, checked in today, the trip out."""
    person = request.user
    if person_id is not None:
        person = (
            workforce_scope(request.user, User.objects.filter(system_kind=""), person="pk").filter(pk=person_id).first()
        )
        if person is None:
            raise NotFoundError("not_found", _("No such person."))
    data = selectors.technician_profile(person=person)
    return WorkforceProfileOut(
        id=person.pk,
        name=str(person),
        service_center_id=person.service_center_id,
        region=data.region,
        day_start=data.day_start,
        day_end=data.day_end,
        open_orders=data.open_orders,
        checked_in=data.checked_in is not None,
        skills=[SkillOut(category=c.category, expires_on=c.expires_on) for c in data.skills],
        trip_id=data.trip.pk if data.trip else None,
    )


# --- attendance and absence ------------------------------------------------------------------------


class PositionIn(Input):
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    person_id: int | None = Field(None, description="Only yourself: anyone else answers 403 `not_yourself`.")


class AttendanceOut(PersonOut):
    id: int
    day: datetime.date
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime | None
    in_latitude: Decimal | None
    in_longitude: Decimal | None
    late: bool
    left_early: bool


AttendancePage = page_schema(AttendanceOut)


@router.post("/workforce/check-in", response=answers(AttendanceOut, 400, 403, 409, 422, status=201))
def check_in(request: HttpRequest, payload: PositionIn) -> Created:
    """Check in for today, with the phone's position when there is one (once a day). ``Idempotency-Key``
    is honoured (a retried tap answers the first answer)."""
    return _create(
        request,
        AttendanceOut,
        lambda: attendance.check_in(
            by=request.user, person=_person(payload.person_id), latitude=payload.latitude, longitude=payload.longitude
        ),
    )


@router.post("/workforce/check-out", response=answers(AttendanceOut, 400, 403, 409))
def check_out(request: HttpRequest, payload: PositionIn) -> Attendance:
    return attendance.check_out(
        by=request.user, person=_person(payload.person_id), latitude=payload.latitude, longitude=payload.longitude
    )


_lister(
    "list_attendance",
    "/workforce/attendance",
    AttendancePage,
    Attendance.objects.all,
    "Check-ins you may see (yours; a manager's centre), latest first.",
)


class AbsenceIn(Input):
    starts_at: Moment
    ends_at: Moment
    reason: str = model_field(Absence, "reason", min_length=1)


class AbsenceOut(PersonOut):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str
    status: AbsenceStatus
    decided_by_id: int | None
    decision_reason: str


AbsencePage = page_schema(AbsenceOut)


class ApprovalIn(Input):
    approve: bool
    reason: str = Field("", max_length=200, description="Required to refuse.")


@router.post("/workforce/absences", response=answers(AbsenceOut, 400, 403, 409, 422, status=201))
def request_absence(request: HttpRequest, payload: AbsenceIn) -> Created:
    """Ask for time off at least the centre's notice ahead (2 hours: 400 `short_notice`)."""
    return _create(
        request,
        AbsenceOut,
        lambda: attendance.request_absence(
            by=request.user, starts_at=payload.starts_at, ends_at=payload.ends_at, reason=payload.reason
        ),
    )


_lister("list_absences", "/workforce/absences", AbsencePage, Absence.objects.all)


@router.post("/workforce/absences/{absence_id}/decision", response=answers(AbsenceOut, 400, 403, 404, 409))
def decide_absence(request: HttpRequest, absence_id: int, payload: ApprovalIn) -> Absence:
    """The service manager approves or refuses (with a reason); an approved absence keeps the person off
    the dispatch board for its time."""
    return attendance.decide_absence(
        absence_id=absence_id, by=request.user, approve=payload.approve, reason=payload.reason
    )


@router.post("/workforce/absences/{absence_id}/cancel", response=answers(AbsenceOut, 403, 404, 409))
def cancel_absence(request: HttpRequest, absence_id: int) -> Absence:
    return attendance.cancel_absence(absence_id=absence_id, by=request.user)


# --- trips, daily reports, weekly summaries -------------------------------------------------------


class TripIn(Input):
    destination: str = model_field(FieldTrip, "destination", min_length=1)
    starts_on: Day
    ends_on: Day
    order_ids: list[int] = Field(default_factory=list, max_length=50)


class TripOut(PersonOut):
    id: int
    destination: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: Annotated[str, Choice(TripStatus)]
    returned_at: datetime.datetime | None
    return_note: str
    order_ids: list[int]

    @staticmethod
    def resolve_order_ids(trip: FieldTrip) -> list[int]:
        return [o.pk for o in trip.orders.all()]


TripPage = page_schema(TripOut)


class ReturnIn(Input):
    note: str = model_field(FieldTrip, "return_note", "")


@router.post("/workforce/trips", response=answers(TripOut, 400, 403, 409, 422, status=201))
def start_trip(request: HttpRequest, payload: TripIn) -> Created:
    """Go out on a trip to your own jobs (one trip out at a time)."""
    return _create(
        request,
        TripOut,
        lambda: trips.start_trip(
            by=request.user,
            destination=payload.destination,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            order_ids=payload.order_ids,
        ),
    )


_lister("list_trips", "/workforce/trips", TripPage, lambda: FieldTrip.objects.prefetch_related("orders"))


@router.post("/workforce/trips/{trip_id}/return", response=answers(TripOut, 400, 403, 404, 409))
def return_from_trip(request: HttpRequest, trip_id: int, payload: ReturnIn) -> FieldTrip:
    """Registration on return (返回登记)."""
    return trips.return_from_trip(trip_id=trip_id, by=request.user, note=payload.note)


class ReportIn(Input):
    text: str = model_field(DailyReport, "text", min_length=1)
    day: Day | None = Field(None, description="Today when left out.")


class ReportOut(PersonOut):
    id: int
    day: datetime.date
    trip_id: int | None
    text: str


ReportPage = page_schema(ReportOut)


@router.post("/workforce/daily-reports", response=answers(ReportOut, 400, 403))
def submit_daily_report(request: HttpRequest, payload: ReportIn) -> DailyReport:
    """The day's report to the manager (sent again the same day, it replaces the text)."""
    return trips.submit_daily_report(by=request.user, text=payload.text, day=payload.day)


_lister("list_daily_reports", "/workforce/daily-reports", ReportPage, DailyReport.objects.all)


class SummaryIn(Input):
    week_start: Day = Field(description="The Monday of the week.")
    text: str = model_field(WeeklySummary, "text", min_length=1)


class WorkforceSummaryOut(PersonOut):
    id: int
    week_start: datetime.date
    text: str
    submitted_at: datetime.datetime | None


SummaryPage = page_schema(WorkforceSummaryOut)


class DraftOut(Schema):
    week_start: datetime.date
    text: str


@router.get("/workforce/weekly-summaries/draft", response=answers(DraftOut, 400))
def draft_weekly_summary(request: HttpRequest, week_start: Day) -> DraftOut:
    """Your week's summary drafted from its visits, daily reports and claims, to edit and hand in."""
    monday = week_start_of(week_start)
    return DraftOut(week_start=monday, text=selectors.draft_weekly_summary(person=request.user, week_start=monday))


@router.post("/workforce/weekly-summaries", response=answers(WorkforceSummaryOut, 400, 403))
def submit_weekly_summary(request: HttpRequest, payload: SummaryIn) -> WeeklySummary:
    return trips.submit_weekly_summary(by=request.user, week_start=payload.week_start, text=payload.text)


_lister("list_weekly_summaries", "/workforce/weekly-summaries", SummaryPage, WeeklySummary.objects.all)


# --- expense claims --------------------------------------------------------------------------------


class ExpenseLineOut(Schema):
    id: int
    kind: Annotated[str, Choice(ExpenseKind)]
    spent_on: datetime.date
    amount: Decimal
    description: str
    order_id: int | None
    trip_id: int | None
    late: bool
    has_receipt: bool
    confirmed_by_id: int | None
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_has_receipt(line: ExpenseLine) -> bool:
        return bool(line.receipt)


class DecisionOut(Schema):
    decision: Annotated[str, Choice(Decision)]
    step: int
    role: Annotated[str, Choice(ApprovalRole, blank=True)]
    actor_id: int
    actor_name: str
    on_behalf_of_id: int | None
    reason: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_actor_name(row: ClaimDecision) -> str:
        return str(row.actor)


class ExpenseClaimOut(PersonOut):
    id: int
    number: str
    status: ExpenseClaimStatus
    step: int = Field(description="The position of the step it waits for; 0 when not in approval.")
    step_role: Annotated[str, Choice(ApprovalRole, blank=True)] = Field(
        description="Who decides that step: manager, finance or general_manager."
    )
    total: Decimal
    note: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    exported_at: datetime.datetime | None


class ClaimDetailOut(ExpenseClaimOut):
    lines: list[ExpenseLineOut]
    decisions: list[DecisionOut]


ClaimPage = page_schema(ExpenseClaimOut)


class ClaimQuery(WorkforcePageQuery):
    status: ExpenseClaimStatus | None = None
    waiting: TextBool = Field(False, description="Only those waiting for a step you decide.")


class ExpenseClaimIn(Input):
    note: str = model_field(ExpenseClaim, "note", "")


class LineIn(Input):
    kind: ExpenseKind = model_field(ExpenseLine, "kind", choices=ExpenseKind)
    spent_on: Day
    amount: Money = Field(
        description='CNY as a decimal text with at most two places, e.g. "128.50"; a number, a negative '
        "amount or more places are refused (400 `invalid_amount`), zero too (`amount_not_positive`)."
    )
    description: str = model_field(ExpenseLine, "description", min_length=1)
    order_id: int | None = Field(None, description="One of your own orders (or give `trip_id`).")
    trip_id: int | None = None


class ClaimDecisionIn(Input):
    decision: ApproverDecision = Field(description="Approve, reject or send back the step the claim waits for.")
    reason: str = Field("", max_length=500, description="Required to reject or send back.")
    step: int | None = Field(None, description="The step you saw; 409 when the claim is elsewhere.")


class ExportIn(Input):
    claim_ids: list[int] = Field(min_length=1, max_length=500)


def _claim(request: HttpRequest, claim_id: int) -> ExpenseClaim:
    return get_object_or_404(claims_visible_to(request.user).prefetch_related("lines", "decisions__actor"), pk=claim_id)


@router.get("/workforce/claims", response=answers(ClaimPage, 400))
def list_claims(request: HttpRequest, query: Query[ClaimQuery]) -> Page:
    """Expense claims you may see (yours; a manager's or finance's centre; all for the general
    manager), newest first."""
    qs = selectors.claims_waiting_for(request.user) if query.waiting else claims_visible_to(request.user)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.person_id is not None:
        qs = qs.filter(person_id=query.person_id)
    return keyset_page(qs.order_by(), cursor=query.cursor, limit=page_limit(query.limit))


@router.post("/workforce/claims", response=answers(ClaimDetailOut, 400, 403, 422, status=201))
def create_claim(request: HttpRequest, payload: ExpenseClaimIn) -> Created:
    """Start a draft claim (``Idempotency-Key`` honoured)."""

    def create() -> tuple[int, ClaimDetailOut]:
        claim = claims.create_claim(by=request.user, note=payload.note)
        return 201, ClaimDetailOut.from_orm(_claim(request, claim.pk))

    return idempotent(request, create)


@router.post("/workforce/claims/exported", response=answers(list[ExpenseClaimOut], 400, 403, 404, 409))
def mark_exported(request: HttpRequest, payload: ExportIn) -> list[ExpenseClaim]:
    """Finance marks approved claims as handed to payment (after downloading `/exports/payable_claims.xlsx`)."""
    return claims.mark_claims_exported(claim_ids=payload.claim_ids, by=request.user)


@router.get("/workforce/claims/{claim_id}", response=answers(ClaimDetailOut, 404))
def get_claim(request: HttpRequest, claim_id: int) -> ExpenseClaim:
    return _claim(request, claim_id)


@router.post("/workforce/claims/{claim_id}/lines", response=answers(ClaimDetailOut, 400, 403, 404, 409))
def add_line(request: HttpRequest, claim_id: int, payload: LineIn) -> ExpenseClaim:
    """Add an expense to your draft claim, linked to one of your orders or trips; older than the rule
    allows it is refused (400 `expense_too_old`) or flagged `late`."""
    claims.add_expense_line(
        claim_id=claim_id,
        by=request.user,
        kind=payload.kind,
        spent_on=payload.spent_on,
        amount=payload.amount,
        description=payload.description,
        order_id=payload.order_id,
        trip_id=payload.trip_id,
    )
    return _claim(request, claim_id)


@router.post("/workforce/expense-lines/{line_id}/receipt", response=answers(ExpenseLineOut, 400, 403, 404, 409))
def attach_receipt(request: HttpRequest, line_id: int, file: File[UploadedFile]) -> ExpenseLine:
    """The photo of the line's receipt (multipart `file`)."""
    return claims.attach_receipt(line_id=line_id, by=request.user, file=file)


@router.delete("/workforce/expense-lines/{line_id}", response=answers(ClaimDetailOut, 403, 404, 409))
def remove_line(request: HttpRequest, line_id: int) -> ExpenseClaim:
    claim = claims.remove_expense_line(line_id=line_id, by=request.user)
    return _claim(request, claim.pk)


@router.post("/workforce/claims/{claim_id}/submit", response=answers(ClaimDetailOut, 400, 403, 404, 409))
def submit_claim(request: HttpRequest, claim_id: int) -> ExpenseClaim:
    """Hand in your claim (on a claim weekday: Tuesday; 400 `not_claim_day`)."""
    claims.submit_claim(claim_id=claim_id, by=request.user)
    return _claim(request, claim_id)


@router.post("/workforce/claims/{claim_id}/decision", response=answers(ClaimDetailOut, 400, 403, 404, 409))
def decide_claim(request: HttpRequest, claim_id: int, payload: ClaimDecisionIn) -> ExpenseClaim:
    """Approve, reject or send back the step the claim waits for. Your own claim: 403 `own_claim`; a
    later step's approver: 409 `step_not_reached`."""
    claims.decide_claim(
        claim_id=claim_id, by=request.user, decision=payload.decision, reason=payload.reason, step=payload.step
    )
    return _claim(request, claim_id)


@router.post("/workforce/expense-lines/{line_id}/confirm", response=answers(ExpenseLineOut, 400, 403, 404, 409))
def confirm_materials(request: HttpRequest, line_id: int) -> ExpenseLine:
    """Purchasing confirms materials bought on site (before finance approves)."""
    return claims.confirm_materials(line_id=line_id, by=request.user)


# --- overtime ---------------------------------------------------------------------------------------


class OvertimeIn(Input):
    day: Day
    note: str = model_field(Overtime, "note", "")
    order_id: int | None = None


class OvertimeOut(PersonOut):
    id: int
    day: datetime.date
    allowance: Decimal
    order_id: int | None
    note: str
    status: OvertimeStatus
    no_work_recorded: bool = Field(description="No check-in, visit or daily report that day: flagged for the manager.")
    decision_reason: str


OvertimePage = page_schema(OvertimeOut)


@router.post("/workforce/overtime", response=answers(OvertimeOut, 400, 403, 409, 422, status=201))
def record_overtime(request: HttpRequest, payload: OvertimeIn) -> Created:
    """A day of overtime at the configured allowance (60 a day), for the manager to approve."""
    return _create(
        request,
        OvertimeOut,
        lambda: overtime.record_overtime(
            by=request.user, day=payload.day, note=payload.note, order_id=payload.order_id
        ),
    )


_lister("list_overtime", "/workforce/overtime", OvertimePage, Overtime.objects.all)


@router.post("/workforce/overtime/{overtime_id}/decision", response=answers(OvertimeOut, 400, 403, 404, 409))
def decide_overtime(request: HttpRequest, overtime_id: int, payload: ApprovalIn) -> Overtime:
    return overtime.decide_overtime(
        overtime_id=overtime_id, by=request.user, approve=payload.approve, reason=payload.reason
    )


# --- certificates, store visits ---------------------------------------------------------------------


class CertificateIn(Input):
    person_id: int
    category: str = model_field(Certificate, "category", min_length=1)
    issued_on: Day
    expires_on: Day | None = None
    number: str = model_field(Certificate, "number", "")


class CertificateOut(PersonOut):
    id: int
    category: str
    course_id: int | None
    number: str
    issued_on: datetime.date
    expires_on: datetime.date
    revoked_at: datetime.datetime | None


CertificatePage = page_schema(CertificateOut)


class CertificateQuery(WorkforcePageQuery):
    expiring: TextBool = Field(False, description="Only valid ones expiring within the warning days (30).")


@router.get("/workforce/certificates", response=answers(CertificatePage, 400))
def list_certificates(request: HttpRequest, query: Query[CertificateQuery]) -> Page:
    if query.expiring:
        qs = selectors.expiring_certificates(user=request.user)
        return keyset_page(qs.order_by(), cursor=query.cursor, limit=page_limit(query.limit))
    return _page(request, Certificate.objects.all(), query)


@router.post("/workforce/certificates", response=answers(CertificateOut, 400, 403, 404, 422, status=201))
def issue_certificate(request: HttpRequest, payload: CertificateIn) -> Created:
    person = User.objects.filter(pk=payload.person_id, system_kind="").first()
    if person is None:
        raise NotFoundError("not_found", _("No such person."), field="person_id")
    return _create(
        request,
        CertificateOut,
        lambda: training.issue_certificate(
            by=request.user,
            person=person,
            category=payload.category,
            issued_on=payload.issued_on,
            expires_on=payload.expires_on,
            number=payload.number,
        ),
    )


@router.post("/workforce/certificates/{certificate_id}/revoke", response=answers(CertificateOut, 403, 404, 409))
def revoke_certificate(request: HttpRequest, certificate_id: int) -> Certificate:
    return training.revoke_certificate(certificate_id=certificate_id, by=request.user)


class StoreVisitIn(Input):
    customer_id: int
    day: Day | None = None
    notes: str = model_field(StoreVisit, "notes", "")


class StoreVisitOut(PersonOut):
    id: int
    customer_id: int
    day: datetime.date
    notes: str
    signer_name: str
    signed_at: datetime.datetime | None


StoreVisitPage = page_schema(StoreVisitOut)


@router.post("/workforce/store-visits", response=answers(StoreVisitOut, 400, 403, 404, 409, 422, status=201))
def record_store_visit(request: HttpRequest, payload: StoreVisitIn) -> Created:
    """A field trainer's day at a store (§4: at least 20 days a month)."""
    return _create(
        request,
        StoreVisitOut,
        lambda: training.record_store_visit(
            by=request.user, customer_id=payload.customer_id, day=payload.day, notes=payload.notes
        ),
    )


_lister("list_store_visits", "/workforce/store-visits", StoreVisitPage, StoreVisit.objects.all)


@router.post("/workforce/store-visits/{visit_id}/signature", response=answers(StoreVisitOut, 400, 403, 404, 409))
def sign_store_visit(
    request: HttpRequest, visit_id: int, signer_name: Form[str], signature: File[UploadedFile]
) -> StoreVisit:
    """The store signs the visit form on the phone (PNG)."""
    return training.sign_store_visit(visit_id=visit_id, by=request.user, signer_name=signer_name, signature=signature)


# --- training -----------------------------------------------------------------------------------------


class CourseIn(Input):
    code: str = model_field(Course, "code", min_length=1)
    name: str = model_field(Course, "name", min_length=1)
    audience: Audience = Audience.TECHNICIANS
    category: str = model_field(Course, "category", "")
    syllabus: str = model_field(Course, "syllabus", "")
    pass_score: Decimal = Field(Decimal("60"), ge=0, le=100, max_digits=4, decimal_places=1)
    valid_months: int = Field(24, ge=1, le=120)


class CourseOut(Schema):
    id: int
    code: str
    name: str
    audience: Annotated[str, Choice(Audience)]
    category: str
    syllabus: str
    pass_score: Decimal
    valid_months: int


class SessionIn(Input):
    course_id: int
    held_on: Day
    place: str = model_field(TrainingSession, "place", "")
    trainer_id: int | None = None
    customer_id: int | None = Field(None, description="For customers' operators: the customer (of your centre).")


class AttendeeOut(Schema):
    id: int
    person_id: int | None
    name: str
    attended: bool
    score: Decimal | None


class SessionOut(Schema):
    id: int
    course_id: int
    service_center_id: int
    held_on: datetime.date
    place: str
    trainer_id: int | None
    customer_id: int | None
    attendees: list[AttendeeOut]


class AttendeeIn(Input):
    person_id: int | None = Field(None, description="A member of staff of the session's centre, or give `name`.")
    name: str = model_field(Attendee, "name", "")
    attended: bool = True
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)


@router.get("/workforce/courses", response=answers(list[CourseOut]))
def list_courses(request: HttpRequest) -> object:
    """Every course (syllabus, audience, the product category it certifies)."""
    return Course.objects.order_by("code")[:500]


@router.post("/workforce/courses", response=answers(CourseOut, 400, 403, 409, 422, status=201))
def create_course(request: HttpRequest, payload: CourseIn) -> Created:
    return _create(request, CourseOut, lambda: training.create_course(by=request.user, **payload.model_dump()))


@router.get("/workforce/training-sessions", response=answers(list[SessionOut]))
def list_sessions(request: HttpRequest) -> object:
    """Sessions of your centre (all for the general manager), latest first, with attendees and scores."""
    qs = workforce_scope(request.user, TrainingSession.objects.all(), person="trainer")
    return qs.prefetch_related("attendees").order_by("-held_on", "-pk")[:200]


@router.post("/workforce/training-sessions", response=answers(SessionOut, 400, 403, 404, 422, status=201))
def schedule_session(request: HttpRequest, payload: SessionIn) -> Created:
    course = found_or_404(Course, payload.course_id, field="course_id", missing=_("No such course."))
    trainer = None
    if payload.trainer_id is not None:
        trainer = (
            workforce_scope(request.user, User.objects.filter(system_kind=""), person="pk")
            .filter(pk=payload.trainer_id)
            .first()
        )
        if trainer is None:
            raise NotFoundError("not_found", _("No such person."), field="trainer_id")
    return _create(
        request,
        SessionOut,
        lambda: training.schedule_session(
            by=request.user,
            course=course,
            held_on=payload.held_on,
            place=payload.place,
            trainer=trainer,
            customer_id=payload.customer_id,
        ),
    )


@router.post("/workforce/training-sessions/{session_id}/attendees", response=answers(AttendeeOut, 400, 403, 404))
def record_attendee(request: HttpRequest, session_id: int, payload: AttendeeIn) -> Attendee:
    """An attendee and their exam score; a technician passing a course with a category is certified."""
    person = None
    if payload.person_id is not None:
        person = User.objects.filter(pk=payload.person_id, system_kind="").first()
        if person is None:
            raise NotFoundError("not_found", _("No such person."), field="person_id")
    return training.record_attendee(
        session_id=session_id,
        by=request.user,
        person=person,
        name=payload.name,
        attended=payload.attended,
        score=payload.score,
    )
