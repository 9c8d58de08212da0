"""Customer care (客户关怀, domain.md Follow-up §15, §12, §13): follow-up rules and tasks with their
calls, the call script, complaints that escalate by themselves, and the contact log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter
from aftersales.care.choices import (
    AnswerType,
    CampaignKind,
    ComplaintCause,
    ComplaintLevel,
    ComplaintSource,
    ComplaintStatus,
    ContactChannel,
    Direction,
    Outcome,
    Purpose,
    TaskStatus,
)
from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OrderKind
from aftersales.service.models import ServiceOrder

SCORE_RANGE = Q(score__isnull=True) | Q(score__gte=1, score__lte=5)


class FollowUpRule(TimeStampedModel):
    """When the follow-up calls of a closed order of one kind fall, in working days.

    Defaults from the source (domain.md Follow-up §15 4–5, §12): a call-back on the 1st–2nd working
    day after the hand-back; the first follow-up from the 3rd working day to a week (5 working days)
    after it; the second in the 7 days (5 working days) after the week that follows the first call.
    A day counts when it is a working day on the calendar (调休 included); the start never counts.
    """

    kind = models.CharField(_("order kind"), max_length=20, choices=OrderKind.choices, unique=True)
    callback = models.BooleanField(_("call-back after the job"), default=True)
    callback_opens = models.PositiveSmallIntegerField(_("call-back from (working days after hand-back)"), default=1)
    callback_closes = models.PositiveSmallIntegerField(_("call-back until (working days after hand-back)"), default=2)
    first = models.BooleanField(_("first follow-up"), default=True)
    first_opens = models.PositiveSmallIntegerField(_("first from (working days after hand-back)"), default=3)
    first_closes = models.PositiveSmallIntegerField(_("first until (working days after hand-back)"), default=5)
    second = models.BooleanField(_("second follow-up"), default=True)
    second_opens = models.PositiveSmallIntegerField(_("second from (working days after the first call)"), default=6)
    second_closes = models.PositiveSmallIntegerField(_("second until (working days after the first call)"), default=10)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrderKind.values), name="care_rule_kind_valid"),
            models.CheckConstraint(
                condition=Q(callback_closes__gte=models.F("callback_opens"))
                & Q(first_closes__gte=models.F("first_opens"))
                & Q(second_closes__gte=models.F("second_opens")),
                name="care_rule_windows_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @staticmethod
    def _window(on: bool, opens: int, closes: int) -> str:
        return f"{opens}–{closes}" if on else "—"

    def callback_window(self) -> str:
        return self._window(self.callback, self.callback_opens, self.callback_closes)

    def first_window(self) -> str:
        return self._window(self.first, self.first_opens, self.first_closes)

    def second_window(self) -> str:
        return self._window(self.second, self.second_opens, self.second_closes)


class ScriptQuestion(TimeStampedModel):
    """One question of the follow-up call script, asked in ``position`` order (inactive: not asked)."""

    position = models.PositiveSmallIntegerField(_("position"), default=10)
    text = models.CharField(_("question"), max_length=300)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=AnswerType.choices)
    choices = models.CharField(
        _("choices (separated by |)"), max_length=500, blank=True, help_text=_("For “one of a list” only.")
    )
    required = models.BooleanField(_("required"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("script question")
        verbose_name_plural = _("script questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(answer_type__in=AnswerType.values), name="care_question_type_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.split("|") if c.strip()]


class FollowUpTask(TimeStampedModel):
    """A follow-up call to make between ``opens_on`` and ``closes_on`` (both included). Assigned to a
    clerk, or to the centre's pool while ``assigned_to`` is empty. Open past ``closes_on``: overdue."""

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("after"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField(_("from"))
    closes_on = models.DateField(_("until"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_on = models.DateField(_("retry on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    calendar_warning = models.CharField(_("calendar warning"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [
            models.Index(fields=["service_center", "status", "closes_on"], name="care_task_centre_idx"),
            models.Index(fields=["assigned_to", "status", "closes_on"], name="care_task_clerk_idx"),
            models.Index(fields=["customer", "-id"], name="care_task_customer_idx"),
            # The open tasks, a few among every call ever made (1,310 of 730,225 in the benchmark's
            # data): the home panel's counts and the due lists across every centre read this alone.
            models.Index(fields=["closes_on"], condition=Q(status=TaskStatus.OPEN), name="care_task_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="care_task_purpose_valid"),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="care_task_status_valid"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="care_task_window_ordered"),
            # One live task per order and purpose: a closing announced twice makes no second call.
            models.UniqueConstraint(
                fields=["order", "purpose"],
                condition=~Q(status=TaskStatus.CANCELLED) & Q(order__isnull=False),
                name="care_task_order_purpose_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.customer_id} {self.opens_on}–{self.closes_on}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN


class FollowUpCall(models.Model):
    """One call attempt on a task: the outcome, the answers to the script, the score (1–5), expected
    vs. perceived (satisfaction is perceived against expected, domain.md §13) and the NPS answer (0–10)."""

    task = models.ForeignKey(FollowUpTask, on_delete=models.PROTECT, related_name="calls")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    expected = models.PositiveSmallIntegerField(_("expected (1-5)"), null=True, blank=True)
    perceived = models.PositiveSmallIntegerField(_("perceived (1-5)"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("would recommend (0-10)"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        indexes = [models.Index(fields=["task", "id"], name="care_call_task_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="care_call_outcome_valid"),
            models.CheckConstraint(condition=SCORE_RANGE, name="care_call_score_range"),
            models.CheckConstraint(
                condition=Q(expected__isnull=True) | Q(expected__gte=1, expected__lte=5),
                name="care_call_expected_range",
            ),
            models.CheckConstraint(
                condition=Q(perceived__isnull=True) | Q(perceived__gte=1, perceived__lte=5),
                name="care_call_perceived_range",
            ),
            models.CheckConstraint(condition=Q(nps__isnull=True) | Q(nps__lte=10), name="care_call_nps_range"),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.REACHED, score__isnull=False) | ~Q(outcome=Outcome.REACHED),
                name="care_call_reached_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.outcome} {self.at:%Y-%m-%d %H:%M}"

    @property
    def gap(self) -> int | None:
        """Perceived minus expected: below zero the service fell short of what the customer expected."""
        if self.expected is None or self.perceived is None:
            return None
        return self.perceived - self.expected


class Complaint(TimeStampedModel):
    """A complaint (投诉): an owner answers it by ``due_at``; left unresolved it escalates to the
    supervisor, then to the manager (``level``). Resolved, the customer accepts it (closed) or not
    (open again)."""

    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    level = models.PositiveSmallIntegerField(_("level"), choices=ComplaintLevel.choices, default=ComplaintLevel.OWNER)
    source = models.CharField(_("source"), max_length=10, choices=ComplaintSource.choices)
    cause = models.CharField(_("cause"), max_length=10, choices=ComplaintCause.choices, default=ComplaintCause.OTHER)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    orders = models.ManyToManyField(ServiceOrder, verbose_name=_("orders"), blank=True, related_name="+")
    units = models.ManyToManyField(Unit, verbose_name=_("units"), blank=True, related_name="+")
    follow_up_call = models.ForeignKey(
        FollowUpCall,
        verbose_name=_("follow-up call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("answer due"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted by the customer"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["service_center", "status", "-id"], name="care_complaint_centre_idx"),
            models.Index(fields=["status", "due_at"], name="care_complaint_due_idx"),
            models.Index(fields=["customer", "-id"], name="care_complaint_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="care_complaint_status_valid"),
            models.CheckConstraint(condition=Q(level__in=ComplaintLevel.values), name="care_complaint_level_valid"),
            models.CheckConstraint(condition=Q(source__in=ComplaintSource.values), name="care_complaint_source_valid"),
            models.CheckConstraint(condition=Q(cause__in=ComplaintCause.values), name="care_complaint_cause_valid"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"TS{self.pk:06d}" if self.pk else "TS"


class ContactEntry(models.Model):
    """One contact with a customer, inbound or outbound (every call and letter is logged, domain.md
    Follow-up §15 7–8): who, when, by which channel, what, and the follow-up it needs."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contact_log"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.CharField(_("with"), max_length=100, blank=True)
    summary = models.CharField(_("what"), max_length=500)
    needs = models.CharField(_("follow-up needed"), max_length=300, blank=True)
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call = models.OneToOneField(
        FollowUpCall, null=True, blank=True, on_delete=models.PROTECT, related_name="contact_entry"
    )
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    # The outbox message this entry records (SMS, e-mail, letter): its delivery status is the message's.
    message_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contact log")
        indexes = [models.Index(fields=["customer", "-at"], name="care_contact_customer_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=ContactChannel.values), name="care_contact_channel_valid"),
            models.CheckConstraint(condition=Q(direction__in=Direction.values), name="care_contact_direction_valid"),
            models.UniqueConstraint(
                fields=["message_key"], condition=~Q(message_key=""), name="care_contact_message_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel} {self.direction} {self.at:%Y-%m-%d %H:%M}"


class Campaign(TimeStampedModel):
    """An event or offer announced to a chosen set of a centre's customers (domain.md Follow-up §15 6):
    by phone or SMS two weeks ahead (``event_on`` at least 14 days after ``decided_on`` unless
    ``late_reason`` says why), letters sent within 2 working days of the decision (``letters_due_on``)."""

    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CampaignKind.choices, default=CampaignKind.EVENT)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message (SMS)"), max_length=500)
    event_on = models.DateField(_("event day"))
    decided_on = models.DateField(_("decided on"))
    letters_due_on = models.DateField(_("letters due"))
    letters_sent_at = models.DateTimeField(_("letters sent at"), null=True, blank=True)
    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("owners of the model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.CharField(_("province"), max_length=50, blank=True)
    older_than_years = models.PositiveSmallIntegerField(_("units older than (years)"), null=True, blank=True)
    late_reason = models.CharField(_("why less than two weeks ahead"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["service_center", "-id"], name="care_campaign_centre_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CampaignKind.values), name="care_campaign_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignRecipient(models.Model):
    """One customer a campaign is announced to: the mobile the SMS went to (none: letter only) and the
    outbox key of that message (its delivery status is the message's)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    message_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="care_recipient_campaign_customer_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.customer_id}"
