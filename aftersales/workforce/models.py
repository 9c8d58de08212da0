"""The field workforce (domain.md "Field staff" §12, §5, §4; "Training" §13 3.5): working hours and
attendance, absences, field trips with daily reports and weekly summaries, expense claims through an
approval chain kept as data, overtime, field trainers' store visits, training and certificates.

Every record names its ``person`` and that person's ``service_center`` (copied when written), the
field ``permissions.workforce_scope`` filters on.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.models import ServiceCenter
from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Customer
from aftersales.service.models import ServiceOrder
from aftersales.workforce.choices import (
    AbsenceStatus,
    ApprovalRole,
    Audience,
    Decision,
    ExpenseClaimStatus,
    ExpenseKind,
    OvertimeStatus,
    TripStatus,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 12, "decimal_places": 2}


class WorkingPattern(TimeStampedModel):
    """A centre's working hours (§12: 9:00–17:30, Monday to Friday) and how far ahead an absence must
    be asked for (§12: 2 hours). A centre without one works the defaults (``rules.py``)."""

    service_center = models.OneToOneField(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.CASCADE, related_name="working_pattern"
    )
    day_start = models.TimeField(_("day starts"), default=datetime.time(9, 0))
    day_end = models.TimeField(_("day ends"), default=datetime.time(17, 30))
    absence_notice_hours = models.PositiveSmallIntegerField(
        _("absence notice (hours)"), default=2, validators=[MaxValueValidator(168)]
    )

    class Meta:
        verbose_name = _("working pattern")
        verbose_name_plural = _("working patterns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_end__gt=models.F("day_start")), name="wf_pattern_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_center}: {self.day_start:%H:%M}–{self.day_end:%H:%M}"


class PersonRecord(TimeStampedModel):
    """A record about one member of staff, scoped by their centre."""

    person = models.ForeignKey(USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Attendance(PersonRecord):
    """One working day of one person: check-in and check-out from the phone, with the position when the
    browser gives it. ``late`` / ``left_early`` are judged against the centre's working pattern."""

    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    in_latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    in_longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    out_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    out_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    late = models.BooleanField(pgettext_lazy("arrived after the working day began", "late"), default=False)
    left_early = models.BooleanField(_("left early"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-day", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="wf_attendance_person_day_uniq"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True)
                | models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="wf_attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["service_center", "-day"], name="wf_attendance_centre_day")]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"

    @property
    def hours(self) -> Decimal:
        if self.checked_out_at is None:
            return Decimal("0")
        seconds = (self.checked_out_at - self.checked_in_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class Absence(PersonRecord):
    """Time off asked for at least the centre's notice ahead (§12: 2 hours), approved by the manager.
    An approved absence keeps the person off the dispatch board for its time."""

    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=AbsenceStatus.choices, default=AbsenceStatus.REQUESTED
    )
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="wf_absence_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(status__in=AbsenceStatus.values), name="wf_absence_status_valid"),
        ]
        indexes = [models.Index(fields=["person", "status", "ends_at"], name="wf_absence_person_status")]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"


class FieldTrip(PersonRecord):
    """A trip out on jobs (外出): destination, the orders, the dates; registered on return (§12 第三节)."""

    destination = models.CharField(_("destination"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("planned return"))
    orders = models.ManyToManyField(ServiceOrder, verbose_name=_("orders"), blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=TripStatus.choices, default=TripStatus.OUT)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_note = models.CharField(_("return note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("field trip")
        verbose_name_plural = _("field trips")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="wf_trip_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(status__in=TripStatus.values), name="wf_trip_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.destination} {self.starts_on}"


class DailyReport(PersonRecord):
    """The daily report to the manager while out (§12 第三节 7): one per person and day."""

    day = models.DateField(_("day"))
    trip = models.ForeignKey(
        FieldTrip, verbose_name=_("field trip"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    text = models.TextField(_("report"), max_length=4000)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="wf_report_person_day_uniq")]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


class WeeklySummary(PersonRecord):
    """The weekly summary (§12 第三节 7), drafted from the week's orders, visits and reports, edited and
    handed in by the person."""

    week_start = models.DateField(_("week of"))  # the Monday
    text = models.TextField(_("summary"), max_length=8000)
    submitted_at = models.DateTimeField(_("handed in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly summary")
        verbose_name_plural = _("weekly summaries")
        ordering = ["-week_start", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "week_start"], name="wf_summary_person_week_uniq")]

    def __str__(self) -> str:
        return f"{self.person} {self.week_start}"


class ApprovalStep(TimeStampedModel):
    """One step of the expense claims' approval chain, kept as data (§12: manager → finance → general
    manager). A step with ``min_total`` applies only to claims above it (a large claim adds a step)."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    role = models.CharField(_("approved by"), max_length=20, choices=ApprovalRole.choices)
    min_total = models.DecimalField(_("only above (CNY)"), null=True, blank=True, **MONEY)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=ApprovalRole.values), name="wf_step_role_valid"),
            models.CheckConstraint(
                condition=models.Q(min_total__isnull=True) | models.Q(min_total__gte=0),
                name="wf_step_min_total_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_role_display()}"


class ExpenseClaim(PersonRecord):
    """An expense claim (报销单): lines, handed in (§12: on Tuesdays), approved step by step along the
    chain, exported for payment. ``step`` is the position of the step it waits for (0 when not in
    approval). Status moves only through ``services.claims``."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseClaimStatus.choices, default=ExpenseClaimStatus.DRAFT
    )
    step = models.PositiveSmallIntegerField(_("waiting for step"), default=0)
    step_role = models.CharField(_("waiting for approver"), max_length=20, choices=ApprovalRole.choices, blank=True)
    total = models.DecimalField(_("total (CNY)"), default=Decimal("0.00"), **MONEY)
    submitted_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExpenseClaimStatus.values), name="wf_claim_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="wf_claim_total_positive"),
        ]
        indexes = [
            models.Index(fields=["service_center", "status", "-id"], name="wf_claim_centre_status"),
            models.Index(fields=["person", "-id"], name="wf_claim_person"),
        ]

    def __str__(self) -> str:
        return self.number


class ExpenseLine(TimeStampedModel):
    """One expense of a claim, linked to a service order or a field trip of the claimant. ``late``:
    spent longer ago than the hand-in rule allows (flagged, or refused, by ``rules.py``). Materials
    bought on site are confirmed by purchasing before finance approves (§12)."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=ExpenseKind.choices)
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(_("amount (CNY)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    description = models.CharField(_("description"), max_length=200)
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("service order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trip = models.ForeignKey(
        FieldTrip, verbose_name=_("field trip"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.ImageField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    late = models.BooleanField(pgettext_lazy("an expense claimed after its window", "claimed late"), default=False)
    confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        ordering = ["spent_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="wf_line_amount_positive"),
            models.CheckConstraint(condition=models.Q(kind__in=ExpenseKind.values), name="wf_line_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(order__isnull=False) | models.Q(trip__isnull=False), name="wf_line_linked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def needs_confirmation(self) -> bool:
        return self.kind == ExpenseKind.MATERIALS and self.confirmed_at is None


class ClaimDecision(models.Model):
    """One step of a claim's history (submitted, approved, rejected, sent back, materials confirmed,
    exported): who, for which step, on whose behalf (a stand-in), why. Never changed."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    step = models.PositiveSmallIntegerField(_("step"), default=0)
    role = models.CharField(_("as"), max_length=20, choices=ApprovalRole.choices, blank=True)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim decision")
        verbose_name_plural = _("claim decisions")
        ordering = ["claim_id", "pk"]

    def __str__(self) -> str:
        return f"{self.claim} {self.decision}"


class Overtime(PersonRecord):
    """A day worked outside the normal shift (§12 第五节: 60 per day), approved by the manager and
    exported with the claims. ``no_work_recorded``: no check-in, visit or report that day (flagged)."""

    day = models.DateField(_("day"))
    allowance = models.DecimalField(_("allowance (CNY)"), **MONEY)
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("service order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OvertimeStatus.choices, default=OvertimeStatus.REQUESTED
    )
    no_work_recorded = models.BooleanField(_("no work recorded"), default=False)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("decision reason"), max_length=200, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("overtime")
        verbose_name_plural = _("overtime")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="wf_overtime_person_day_uniq"),
            models.CheckConstraint(condition=models.Q(allowance__gte=0), name="wf_overtime_allowance_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=OvertimeStatus.values), name="wf_overtime_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.day}"


class StoreVisit(PersonRecord):
    """A field trainer's day at a store (§4: at least 20 days a month), with the form signed by the
    store on the phone."""

    customer = models.ForeignKey(Customer, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signature = models.ImageField(_("store's signature"), upload_to="store_visits/%Y/%m/", blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("store visit")
        verbose_name_plural = _("store visits")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "customer", "day"], name="wf_storevisit_uniq")]

    def __str__(self) -> str:
        return f"{self.person} {self.customer} {self.day}"


class Course(TimeStampedModel):
    """A training course (§13 3.5): syllabus, for technicians or customers' operators; passing it
    certifies the product ``category`` for ``valid_months``."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.TECHNICIANS)
    category = models.CharField(_("product category"), max_length=100, blank=True)
    syllabus = models.TextField(_("syllabus"), max_length=8000, blank=True)
    pass_score = models.DecimalField(_("pass score"), max_digits=5, decimal_places=1, default=Decimal("60"))
    valid_months = models.PositiveSmallIntegerField(_("certificate valid (months)"), default=24)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(audience__in=Audience.values), name="wf_course_audience_valid")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TrainingSession(TimeStampedModel):
    """One run of a course (the plan, time and place); at a customer's for their operators (training
    delivered at installation), or in-house for technicians."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions")
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.ForeignKey(
        USER, verbose_name=_("trainer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("service order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effectiveness = models.TextField(_("effectiveness"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.held_on}"


class Attendee(TimeStampedModel):
    """Someone at a session: a member of staff, or a customer's operator by name; the exam score."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100, blank=True)
    attended = models.BooleanField(_("attended"), default=True)
    score = models.DecimalField(
        _("exam score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["session_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(name=""), name="wf_attendee_named"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | (models.Q(score__gte=0) & models.Q(score__lte=100)),
                name="wf_attendee_score_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.name)


class Certificate(PersonRecord):
    """A technician's certificate for a product category, valid until ``expires_on``: the dispatch
    check offers an order on a category only to holders of a valid one (when ``rules`` require it)."""

    category = models.CharField(_("product category"), max_length=100)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["expires_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("issued_on")), name="wf_cert_expires_after_issue"
            ),
        ]
        indexes = [models.Index(fields=["person", "category", "expires_on"], name="wf_cert_person_category")]

    def __str__(self) -> str:
        return f"{self.person} {self.category} → {self.expires_on}"
