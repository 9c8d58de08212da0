"""Enumerations of the field workforce, with their badge colours (registered in ``apps.py``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AbsenceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


ABSENCE_STATUS_BADGES = {
    AbsenceStatus.REQUESTED: "text-bg-warning",
    AbsenceStatus.APPROVED: "text-bg-success",
    AbsenceStatus.REJECTED: "text-bg-danger",
    AbsenceStatus.CANCELLED: "text-bg-light border",
}


class TripStatus(models.TextChoices):
    OUT = "out", _("Out")
    RETURNED = "returned", _("Returned")


TRIP_STATUS_BADGES = {TripStatus.OUT: "text-bg-info", TripStatus.RETURNED: "text-bg-secondary"}


class ExpenseClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPORTED = "exported", _("Exported for payment")


CLAIM_STATUS_BADGES = {
    ExpenseClaimStatus.DRAFT: "text-bg-light border",
    ExpenseClaimStatus.SUBMITTED: "text-bg-warning",
    ExpenseClaimStatus.APPROVED: "text-bg-success",
    ExpenseClaimStatus.REJECTED: "text-bg-danger",
    ExpenseClaimStatus.EXPORTED: "text-bg-secondary",
}


class ExpenseKind(models.TextChoices):
    """The source's 报销内容 (§12 第四节): travel, materials bought on site, and the rest."""

    TRANSPORT = "transport", _("Transport")
    LODGING = "lodging", _("Lodging")
    MEALS = "meals", _("Meals")
    MATERIALS = "materials", _("Materials bought on site")
    OTHER = "other", _("Other")


class ApprovalRole(models.TextChoices):
    """Who decides a step of the approval chain: each maps to one capability (``permissions.py``)."""

    MANAGER = "manager", _("Service manager")
    FINANCE = "finance", _("Finance")
    GENERAL_MANAGER = "general_manager", _("General manager")


class Decision(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back")
    MATERIALS_CONFIRMED = "materials_confirmed", _("Materials confirmed")
    EXPORTED = "exported", _("Exported for payment")


class ApproverDecision(models.TextChoices):
    """What the approver of a claim's step decides (``decide_claim``): the ``Decision`` rows an approver
    writes, the others (submitted, materials confirmed, exported) being written by other steps."""

    APPROVED = Decision.APPROVED.value, Decision.APPROVED.label
    REJECTED = Decision.REJECTED.value, Decision.REJECTED.label
    SENT_BACK = Decision.SENT_BACK.value, Decision.SENT_BACK.label


class OvertimeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPORTED = "exported", _("Exported for payment")


OVERTIME_STATUS_BADGES = {
    OvertimeStatus.REQUESTED: "text-bg-warning",
    OvertimeStatus.APPROVED: "text-bg-success",
    OvertimeStatus.REJECTED: "text-bg-danger",
    OvertimeStatus.EXPORTED: "text-bg-secondary",
}


class Audience(models.TextChoices):
    """Training for our technicians, or for customers' operators (§13 3.5)."""

    TECHNICIANS = "technicians", _("Technicians")
    OPERATORS = "operators", _("Customers' operators")
