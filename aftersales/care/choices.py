"""Enumerations of customer care (客户关怀), with the badge colours of those that show as badges."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Purpose(models.TextChoices):
    """Why a follow-up call is made (domain.md, Follow-up §15, §12)."""

    CALLBACK = "callback", _("Call-back after the job")
    FIRST = "first", _("First follow-up")
    SECOND = "second", _("Second follow-up")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    UNREACHABLE = "unreachable", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


TASK_STATUS_BADGES = {  # registered as "care.TaskStatus"
    TaskStatus.OPEN: "text-bg-primary",
    TaskStatus.DONE: "text-bg-success",
    TaskStatus.REFUSED: "text-bg-warning",
    TaskStatus.UNREACHABLE: "text-bg-secondary",
    TaskStatus.CANCELLED: "text-bg-light border",
}


class Outcome(models.TextChoices):
    """What one call attempt came to: reached closes the task, not reached leaves it to retry."""

    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached (retry)")
    REFUSED = "refused", _("Refused")


class AnswerType(models.TextChoices):
    SCORE = "score", _("Score 1-5")
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One of a list")
    TEXT = "text", _("Free text")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    RESOLVED = "resolved", _("Resolved, awaiting the customer")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


COMPLAINT_STATUS_BADGES = {  # registered as "care.ComplaintStatus"
    ComplaintStatus.OPEN: "text-bg-danger",
    ComplaintStatus.RESOLVED: "text-bg-warning",
    ComplaintStatus.CLOSED: "text-bg-secondary",
}


class ComplaintLevel(models.IntegerChoices):
    """Who answers for the complaint now: its owner, then the supervisor (业务主管), then the manager."""

    OWNER = 0, _("Owner")
    SUPERVISOR = 1, _("Supervisor")
    MANAGER = 2, _("Manager")


class ComplaintSource(models.TextChoices):
    AGENT = "agent", _("Opened by an agent")
    FOLLOW_UP = "follow_up", _("From a follow-up answer")
    LOW_SCORE = "low_score", _("Low score (automatic)")
    ORDER = "order", _("Complaint order")


class ComplaintCause(models.TextChoices):
    RESPONSE = "response", _("Slow response")
    REPAIR = "repair", _("Repair quality")
    ATTITUDE = "attitude", _("Staff attitude")
    PARTS = "parts", _("Parts")
    PRICE = "price", _("Charges")
    PRODUCT = "product", _("Product quality")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    WECOM = "wecom", _("WeCom")


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class CampaignKind(models.TextChoices):
    EVENT = "event", _("Customer event")
    OFFER = "offer", _("Offer")
    FREE_SERVICE = "free_service", _("Free service")
