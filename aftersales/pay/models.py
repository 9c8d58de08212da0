"""Pay plans (versioned by date), the people's pay profiles, monthly pay runs and their statements."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.pay.choices import RunStatus, Sex

MONEY = {"max_digits": 12, "decimal_places": 2, "default": 0}


class PayPlan(TimeStampedModel):
    """A pay plan in force from ``effective_from`` (the first of a month) until the next plan's date.

    The rules are one checked document (``plan.PlanDoc``). A plan a run has used is never changed:
    editing it for a later month saves a new version, so the statements computed under it stay as they are.
    """

    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("in force from"), unique=True)
    document = models.JSONField(_("plan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("pay plan")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m})"


class PayProfile(TimeStampedModel):
    """What a person's pay is computed from: education, posts (paid at the highest level), the day they
    joined (seniority), and the fixed allowances they draw. Codes are the plan's."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pay_profile")
    education = models.CharField(_("education"), max_length=30)
    posts = models.JSONField(_("posts"), default=list)
    allowances = models.JSONField(_("allowances"), default=list, blank=True)
    joined_on = models.DateField(_("joined on"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True, default="")
    active = models.BooleanField(_("paid in runs"), default=True)

    class Meta:
        verbose_name = _("pay profile")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.posts)})"


class PayRun(TimeStampedModel):
    """A centre's pay for one month: draft → reviewed → approved (final). One run per centre and month."""

    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("month"))
    plan = models.ForeignKey(PayPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period", "service_center_id"]
        constraints = [
            models.UniqueConstraint(fields=["service_center", "period"], name="pay_run_centre_period_uniq"),
            models.CheckConstraint(condition=models.Q(status__in=RunStatus.values), name="pay_run_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.service_center_id} {self.period:%Y-%m}"


class PayStatement(TimeStampedModel):
    """One person's pay for a run: the lines (with formulas, tiers and values), the figures with the
    orders behind them, the manager's entries and the totals. Never edited once the run is approved."""

    run = models.ForeignKey(PayRun, on_delete=models.PROTECT, related_name="statements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pay_statements")
    posts = models.JSONField(_("posts"), default=list)
    entries = models.JSONField(_("entries"), default=dict, blank=True)
    lines = models.JSONField(default=list)
    figures = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    base = models.DecimalField(_("base pay"), **MONEY)
    performance = models.DecimalField(_("performance pay"), **MONEY)
    allowances = models.DecimalField(_("allowances"), **MONEY)
    quarterly = models.DecimalField(_("quarterly bonus"), **MONEY)
    year_end = models.DecimalField(_("year-end award"), **MONEY)
    adjustments = models.DecimalField(_("adjustments"), **MONEY)
    gross = models.DecimalField(_("gross pay"), **MONEY)
    holdback = models.DecimalField(_("held back"), **MONEY)
    release = models.DecimalField(_("holdback released"), **MONEY)
    net = models.DecimalField(_("to pay"), **MONEY)

    class Meta:
        ordering = ["run_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="pay_statement_run_user_uniq")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.run}"


class PayAdjustment(TimeStampedModel):
    """A correction of an approved statement, paid in a later run of the same person (never an edit)."""

    run = models.ForeignKey(PayRun, on_delete=models.PROTECT, related_name="adjustments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey(PayStatement, on_delete=models.PROTECT, related_name="corrections")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.amount} → {self.corrects_id}"
