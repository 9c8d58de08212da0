"""Maintenance contracts (维保合同 / 延保), their visit plans and visits, the deposit and fee ledger, and
project after-sales with its problem sheet (domain.md Contracts and scheduled visits §12, §11)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter
from aftersales.contracts.choices import (
    Billing,
    ContractAccount,
    ContractKind,
    ContractStatus,
    EntryKind,
    PlanKind,
    ProblemStatus,
    Severity,
    VisitStatus,
)
from aftersales.contracts.rules import describe_rule
from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Contact, Customer
from aftersales.installed_base.models import Unit
from aftersales.service.models import ServiceOrder


def money(label: str, **kwargs: object) -> models.DecimalField:
    """CNY to the fen."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def percent(label: str) -> models.PositiveSmallIntegerField:
    """How much of a cost the contract bears: 100 included, 0 excluded, anything between a share."""
    return models.PositiveSmallIntegerField(label, default=100)


class Contract(TimeStampedModel):
    """A maintenance contract or an extended warranty of one customer over a term: the units it
    covers, what it covers (labour, parts, travel), its price and billing, its warranty deposit."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ContractKind.choices, default=ContractKind.MAINTENANCE)
    status = models.CharField(_("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    labour_percent = percent(_("labour covered (%)"))
    parts_percent = percent(_("parts covered (%)"))
    travel_percent = percent(_("travel covered (%)"))
    response_hours = models.PositiveSmallIntegerField(_("response within (hours)"), null=True, blank=True)
    resolution_days = models.PositiveSmallIntegerField(_("resolved within (working days)"), null=True, blank=True)
    price = money(_("price"), default=0)
    billing = models.CharField(_("billing"), max_length=10, choices=Billing.choices, default=Billing.YEARLY)
    deposit_amount = money(_("warranty deposit"), default=0)
    deposit_release_on = models.DateField(_("deposit released on"), null=True, blank=True)
    block_on_missed_visits = models.BooleanField(_("missed visits block the deposit's release"), default=True)
    block_on_open_complaints = models.BooleanField(_("open complaints block the deposit's release"), default=True)
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    renewal_of = models.ForeignKey(
        "self", verbose_name=_("renews"), null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units"), through="ContractUnit", related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["service_center", "-id"], name="contract_centre_idx"),
            models.Index(fields=["ends_on"], name="contract_ends_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[ContractStatus.ACTIVE, ContractStatus.CANCELLED]), name="contract_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=ContractKind.values), name="contract_kind_valid"),
            models.CheckConstraint(
                condition=Q(labour_percent__lte=100, parts_percent__lte=100, travel_percent__lte=100),
                name="contract_percent_valid",
            ),
            models.CheckConstraint(condition=Q(price__gte=0, deposit_amount__gte=0), name="contract_amounts_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def state(self, on: datetime.date) -> str:
        """Active, cancelled, or expired once the term is over."""
        if self.status == ContractStatus.CANCELLED:
            return ContractStatus.CANCELLED
        return ContractStatus.EXPIRED if on > self.ends_on else ContractStatus.ACTIVE


class ContractUnit(models.Model):
    """A unit covered by a contract. One unit is under at most one live contract on a day (the
    service checks the terms; the unique pair keeps a unit from being listed twice)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="covered")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("covered unit")
        verbose_name_plural = _("covered units")
        constraints = [models.UniqueConstraint(fields=["contract", "unit"], name="contract_unit_uniq")]
        indexes = [models.Index(fields=["unit"], name="contract_unit_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.unit_id}"


class VisitPlan(TimeStampedModel):
    """A recurring visit of a contract (月访, 季度巡检, or any RFC 5545 rule) with its checklist; the
    visits it generates go to its technician, or to the centre's pool when it names none."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices)
    rule = models.CharField(_("rule (RFC 5545)"), max_length=300)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checklist = models.TextField(_("checklist"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="visit_plan_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.rule})"

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    def rule_text(self) -> str:
        """The rule in words ("每月 9 日"); the raw rule when it is not one the screen can say."""
        return describe_rule(self.rule)


class ContractVisit(TimeStampedModel):
    """One planned visit: the day the rule gave (``planned_on``) and the working day it falls on
    (``due_on``); its service order once opened; done when the order is completed, missed when not
    done in time."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.PROTECT, related_name="visits")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="visits")
    planned_on = models.DateField(_("planned on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    order = models.OneToOneField(
        ServiceOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract visit")
        verbose_name_plural = _("contract visits")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["contract", "due_on"], name="contract_visit_due_idx"),
            models.Index(fields=["status", "due_on"], name="contract_visit_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "planned_on"], name="contract_visit_once"),
            models.CheckConstraint(condition=Q(status__in=VisitStatus.values), name="contract_visit_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.due_on}"


class LedgerEntry(models.Model):
    """One append-only entry of a contract's deposit or fee ledger (§12), CNY. Expected amounts are
    positive; money received and a release are booked with their own kinds; a correction is a new
    entry with its reason. Entries are never changed or deleted."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(_("account"), max_length=10, choices=ContractAccount.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = money(_("amount"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract ledger entry")
        verbose_name_plural = _("contract ledger entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["contract", "account", "id"], name="contract_ledger_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(account__in=ContractAccount.values), name="contract_ledger_account"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="contract_ledger_kind"),
            # A deposit is released once: the second of two concurrent releases fails here at the latest.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(account=ContractAccount.DEPOSIT, kind=EntryKind.RELEASED),
                name="contract_deposit_released_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.kind} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only: book a correcting entry instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are append-only: book a correcting entry instead.")


class Project(TimeStampedModel):
    """An implementation project's after-sales record, opened at acceptance (§11): the project
    manager is first responsible, the development manager second; its problem sheet is signed off
    by the customer."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    accepted_on = models.DateField(_("accepted on"))
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("project manager"), on_delete=models.PROTECT, related_name="+"
    )
    development_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("development manager"), on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    sign_off_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-id"]
        indexes = [models.Index(fields=["service_center", "-id"], name="project_centre_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Problem(TimeStampedModel):
    """One line of a project's problem tracking sheet (问题跟踪表)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="problems")
    reporter = models.CharField(_("reported by"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    description = models.TextField(_("problem"), max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    order = models.OneToOneField(
        ServiceOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="problem_severity_valid"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
