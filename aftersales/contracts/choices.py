from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ContractKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance contract")
    EXTENDED = "extended", _("Extended warranty")


class ContractStatus(models.TextChoices):
    """Stored: active or cancelled. "Expired" is read from the term (``Contract.state``)."""

    ACTIVE = "active", pgettext_lazy("contract status", "Active")
    CANCELLED = "cancelled", pgettext_lazy("contract status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("contract status", "Expired")


CONTRACT_STATUS_BADGES = {
    ContractStatus.ACTIVE: "text-bg-success",
    ContractStatus.CANCELLED: "text-bg-secondary",
    ContractStatus.EXPIRED: "text-bg-warning",
}


class Billing(models.TextChoices):
    """When the contract's price falls due: the fee ledger's expected entries follow it."""

    ONCE = "once", _("Once, at the start")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


BILLING_MONTHS = {Billing.MONTHLY: 1, Billing.QUARTERLY: 3, Billing.YEARLY: 12}


class PlanKind(models.TextChoices):
    MONTHLY_VISIT = "monthly", _("Monthly visit")
    QUARTERLY_INSPECTION = "quarterly", _("Quarterly inspection")
    CUSTOM = "custom", _("Custom rule")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ORDERED = "ordered", _("Order opened")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", pgettext_lazy("visit status", "Cancelled")


VISIT_STATUS_BADGES = {
    VisitStatus.PLANNED: "text-bg-light border",
    VisitStatus.ORDERED: "text-bg-primary",
    VisitStatus.DONE: "text-bg-success",
    VisitStatus.MISSED: "text-bg-danger",
    VisitStatus.CANCELLED: "text-bg-secondary",
}


class ContractAccount(models.TextChoices):
    DEPOSIT = "deposit", _("Warranty deposit")
    FEE = "fee", _("Contract fee")


class EntryKind(models.TextChoices):
    """Expected amounts (due), money received, a deposit's release and corrections (a new entry, never an edit)."""

    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", pgettext_lazy("contracts", "Received")
    RELEASED = "released", pgettext_lazy("contracts", "Released")
    CORRECTION = "correction", _("Correction")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_BADGES = {
    Severity.LOW: "text-bg-light border",
    Severity.NORMAL: "text-bg-info",
    Severity.HIGH: "text-bg-warning",
    Severity.CRITICAL: "text-bg-danger",
}


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "Open")
    RESOLVED = "resolved", _("Resolved")
    SIGNED_OFF = "signed_off", _("Signed off by the customer")


PROBLEM_STATUS_BADGES = {
    ProblemStatus.OPEN: "text-bg-danger",
    ProblemStatus.RESOLVED: "text-bg-warning",
    ProblemStatus.SIGNED_OFF: "text-bg-success",
}
