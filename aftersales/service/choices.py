"""Enumerations of the service context. Status moves live in ``transitions.py``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    ON_SITE = "on_site", _("On site")
    WAITING = "waiting", _("Waiting")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Badge colours (Bootstrap "text-bg-*" picks a readable text colour), registered as "service.OrderStatus".
ORDER_STATUS_BADGES = {
    OrderStatus.NEW: "text-bg-primary",
    OrderStatus.ACCEPTED: "text-bg-info",
    OrderStatus.DISPATCHED: "text-bg-info",
    OrderStatus.ON_SITE: "text-bg-dark",
    OrderStatus.WAITING: "text-bg-warning",
    OrderStatus.COMPLETED: "text-bg-success",
    OrderStatus.CLOSED: "text-bg-secondary",
    OrderStatus.CANCELLED: "text-bg-light border",
}

OPEN_STATUSES = (
    OrderStatus.NEW,
    OrderStatus.ACCEPTED,
    OrderStatus.DISPATCHED,
    OrderStatus.ON_SITE,
    OrderStatus.WAITING,
)
# A technician's jobs: the open orders someone is out on ("My jobs", the dispatch board's load).
JOB_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ON_SITE, OrderStatus.WAITING)


class WaitingFor(models.TextChoices):
    PARTS = "parts", _("Parts")
    CUSTOMER = "customer", _("Customer")
    FACTORY = "factory", _("Factory")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WALK_IN = "walk_in", _("Walk-in")
    WEB = "web", _("Web")
    PORTAL = "portal", _("Customer portal")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class OrderKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation & commissioning")
    MAINTENANCE = "maintenance", _("Maintenance / inspection")
    COMPLAINT = "complaint", _("Complaint")
    EXCHANGE = "exchange", _("Exchange")
    RETURN_TO_FACTORY = "return_to_factory", _("Return to factory")


class Resolution(models.TextChoices):
    REMOTE = "remote", _("By phone / remote")
    ON_SITE = "on_site", pgettext_lazy("agreed resolution", "On site")
    EXCHANGE = "exchange", _("Exchange")
    RETURN_TO_FACTORY = "return_to_factory", _("Return to factory")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")


# The states the SLA sweep tells people about (a clock turning at risk or overdue); the state it
# remembers per order and clock is one of these or "" (on track or done).
ALERTED_SLA_STATES = (SlaState.AT_RISK, SlaState.OVERDUE)

SLA_STATE_BADGES = {  # registered as "service.SlaState"
    SlaState.ON_TRACK: "text-bg-success",
    SlaState.AT_RISK: "text-bg-warning",
    SlaState.OVERDUE: "text-bg-danger",
    SlaState.DONE: "text-bg-secondary",
}


class OldParts(models.TextChoices):
    HANDED_TO_CUSTOMER = "handed_to_customer", _("Handed to the customer")
    KEPT = "kept", _("Kept by us (customer did not want them)")
    NONE = "none", _("No parts replaced")


class UnsignedReason(models.TextChoices):
    """Why a visit ended without the customer's signature (the next visit is a new record)."""

    CUSTOMER_ABSENT = "customer_absent", _("Nobody on site to sign")
    RETURN_NEEDED = "return_needed", _("Not finished: another visit is needed")
    REFUSED = "refused", _("The customer refused to sign")
    OTHER = "other", _("Other (say why)")


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS_CHANGED = "status_changed", _("Status changed")
    FIELDS_CHANGED = "fields_changed", _("Fields changed")
    WARRANTY_DECIDED = "warranty_decided", _("Warranty decided")
    WARRANTY_OVERRIDDEN = "warranty_overridden", _("Warranty overridden")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Reassigned")
    DUE_EXTENDED = "due_extended", _("Due date extended")
    DUE_RECOMPUTED = "due_recomputed", _("Due date moved by a calendar change")
    VISIT_RECORDED = "visit_recorded", _("Visit recorded")
    SIGNED = "signed", _("Signed by the customer")
    VISIT_ENDED_UNSIGNED = "visit_ended_unsigned", _("Visit ended without a signature")
    ATTACHMENT_ADDED = "attachment_added", _("Photo added")
