"""Service orders (工单), their events, visits with the customer's signature, SLA policies."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter
from aftersales.core.models import TimeStampedModel
from aftersales.coverage.choices import CoverageReason
from aftersales.customers.models import Contact, Customer, Site
from aftersales.installed_base.models import Unit
from aftersales.service.choices import (
    ALERTED_SLA_STATES,
    JOB_STATUSES,
    OPEN_STATUSES,
    Channel,
    EventType,
    OldParts,
    OrderKind,
    OrderStatus,
    Priority,
    Resolution,
    UnsignedReason,
    WaitingFor,
)
from aftersales.service.querysets import ServiceOrderQuerySet


class SlaPolicy(TimeStampedModel):
    """Time limits per order kind (domain.md, Intake §9 and Repair §6 1.3.3).

    Response is counted in clock hours from the call; resolution in working days from the first
    working day after the day of receipt. ``at_risk_working_days`` before the due date the order
    turns "at risk".
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices, unique=True)
    response_hours = models.PositiveSmallIntegerField(_("respond within (hours)"), default=24)
    resolution_working_days = models.PositiveSmallIntegerField(
        _("resolve within (working days)"), null=True, blank=True
    )
    at_risk_working_days = models.PositiveSmallIntegerField(_("at risk (working days before due)"), default=1)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceOrder(TimeStampedModel):
    """A service order (工单): from the call to the manager's review. Status moves only through
    ``service.services.orders.transition_order``."""

    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # varchar_pattern_ops index for LIKE lookups, which nothing does on the number (exact match only).
    number = models.CharField(_("number"), max_length=20)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.NEW)
    waiting_for = models.CharField(_("waiting for"), max_length=10, choices=WaitingFor.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.HOTLINE)
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    resolution = models.CharField(
        _("agreed resolution"), max_length=20, choices=Resolution.choices, default=Resolution.ON_SITE
    )
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # No single-column index on service_center, customer, unit or technician: each leads a composite
    # index in Meta.indexes, which serves the same lookups (every insert maintains every index).
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    reporter_name = models.CharField(_("reporter"), max_length=100)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20)
    description = models.TextField(_("problem description"), max_length=5000)
    consultation_answer = models.TextField(_("answer given"), blank=True, max_length=5000)

    received_at = models.DateTimeField(_("received at"), db_index=True)
    respond_by = models.DateTimeField(_("respond by"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    at_risk_at = models.DateTimeField(_("at risk from"))
    calendar_warning = models.CharField(_("calendar warning"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=500, blank=True)

    warranty_covered = models.BooleanField(_("in warranty"), default=False)
    warranty_reason = models.CharField(_("warranty reason"), max_length=12, choices=CoverageReason.choices)
    warranty_detail = models.CharField(_("warranty detail"), max_length=500, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    warranty_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warranty_decided_at = models.DateTimeField(_("warranty decided at"))
    misuse_found = models.BooleanField(_("damage by misuse"), default=False)

    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_orders",
        db_index=False,
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("helpers"), blank=True, related_name="helping_orders"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ServiceOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        indexes = [
            models.Index(fields=["service_center", "status", "-id"], name="order_centre_status_idx"),
            models.Index(fields=["status", "-id"], name="order_status_idx"),
            models.Index(fields=["technician", "status", "-id"], name="order_tech_status_idx"),
            models.Index(fields=["service_center", "due_at"], name="order_centre_due_idx"),
            # The open orders of a centre, newest first, with the times of both SLA clocks: the
            # SLA-state filters and the SLA sweep read only this small index (benchmarks/README.md).
            # With the status and the technician too, the home page's counts of open orders read it
            # alone (service.home.state_counts).
            models.Index(
                fields=["service_center", "-id", "due_at", "at_risk_at", "respond_by", "responded_at"],
                include=["status", "technician"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="order_centre_open_idx",
            ),
            models.Index(fields=["due_at"], name="order_due_idx"),
            # A technician's jobs by due time ("My jobs", a page at a time): with only order_due_idx in
            # that order, PostgreSQL walked every order's due date, closed ones first, past 121,584 rows
            # for a page of the busiest technician's (benchmarks/README.md item 19).
            models.Index(
                fields=["technician", "due_at", "id"],
                condition=models.Q(status__in=JOB_STATUSES),
                name="order_tech_jobs_idx",
            ),
            # A caller's orders newest first: a page of the phone search is a range of it (service.filters).
            models.Index(fields=["reporter_phone", "-id"], name="order_phone_idx"),
            models.Index(fields=["customer", "-id"], name="order_customer_idx"),
            # A unit's orders by time: its history, and the repeat-failure test (another order on the
            # unit within 30 days of a completion) read the index alone (benchmarks/README.md
            # "Reports": first-time fix 3.7 s -> 0.6 s at 1,000,000 orders).
            models.Index(fields=["unit", "received_at"], include=["status", "id"], name="order_unit_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="order_number_unique"),
            models.CheckConstraint(condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=OrderKind.values), name="order_kind_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="order_channel_valid"),
            models.CheckConstraint(condition=models.Q(resolution__in=Resolution.values), name="order_resolution_valid"),
            models.CheckConstraint(condition=models.Q(priority__in=Priority.values), name="order_priority_valid"),
            models.CheckConstraint(
                condition=models.Q(status=OrderStatus.WAITING, waiting_for__in=WaitingFor.values)
                | (~models.Q(status=OrderStatus.WAITING) & models.Q(waiting_for="")),
                name="order_waiting_for_iff_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class SlaAlert(models.Model):
    """What the SLA sweep last told an order's centre about its two clocks: ``at_risk``, ``overdue``
    or "" (on track or done). A row exists only while one of them is at risk or overdue; the sweep
    notifies when the state now differs (``services/sla_alerts.py``). Kept apart from the order so
    that the sweep neither locks nor rewrites order rows."""

    order = models.OneToOneField(ServiceOrder, primary_key=True, on_delete=models.CASCADE, related_name="sla_alert")
    response = models.CharField(_("response state notified"), max_length=8, blank=True)
    resolution = models.CharField(_("resolution state notified"), max_length=8, blank=True)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response__in=("", *ALERTED_SLA_STATES))
                & models.Q(resolution__in=("", *ALERTED_SLA_STATES)),
                name="sla_alert_states_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.response or '-'} / {self.resolution or '-'}"


class OrderEvent(models.Model):
    """One business change to an order: who, when, what (``data`` holds old → new values).

    The timeline, SLA reports and the portal's history read these rows.
    """

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.CASCADE, related_name="events", db_index=False
    )  # event_order_idx leads with it
    type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        indexes = [models.Index(fields=["order", "id"], name="event_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"


class Visit(TimeStampedModel):
    """The on-site record (售后服务记录单, domain.md Repair §6 1.3.4–1.3.6): one per trip."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="visits")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    arrived_at = models.DateTimeField(_("arrived at"))
    arrival_confirmed_by = models.CharField(_("arrival confirmed by"), max_length=100, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True, max_length=5000)
    work_done = models.TextField(_("work done"), blank=True, max_length=5000)
    parts_replaced = models.TextField(_("parts replaced"), blank=True, max_length=2000)
    old_parts = models.CharField(_("old parts"), max_length=20, choices=OldParts.choices, default=OldParts.NONE)
    misuse_found = models.BooleanField(_("damage by misuse found"), default=False)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    signature = models.ImageField(_("customer signature"), upload_to="signatures/%Y/%m/", blank=True)
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("customer rating (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    customer_remarks = models.TextField(_("customer remarks"), blank=True, max_length=2000)
    # A visit that ended without the customer's signature, and why: it is closed like a signed one, and the
    # next visit is a new record (services.visits.end_visit_unsigned).
    unsigned_reason = models.CharField(
        _("ended without signature because"), max_length=20, choices=UnsignedReason.choices, blank=True
    )
    unsigned_note = models.CharField(_("note on the missing signature"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["order", "id"], name="visit_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="visit_rating_range",
            ),
            models.CheckConstraint(condition=models.Q(old_parts__in=OldParts.values), name="visit_old_parts_valid"),
            models.CheckConstraint(
                condition=models.Q(unsigned_reason="") | models.Q(unsigned_reason__in=UnsignedReason.values),
                name="visit_unsigned_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(unsigned_reason="") | models.Q(signed_at__isnull=True),
                name="visit_signed_or_ended_unsigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.arrived_at:%Y-%m-%d %H:%M}"

    @property
    def is_signed(self) -> bool:
        return bool(self.signature and self.signed_at)

    @property
    def is_open(self) -> bool:
        """Still being recorded: neither signed nor ended without a signature."""
        return self.signed_at is None and not self.unsigned_reason


# The visits still being recorded (Visit.is_open, as a filter).
OPEN_VISIT = models.Q(signed_at__isnull=True, unsigned_reason="")


class Attachment(TimeStampedModel):
    """A photo on an order or a visit (images only, size-limited at upload)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="attachments")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("file"), upload_to="photos/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.file.name
