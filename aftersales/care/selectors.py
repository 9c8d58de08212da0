"""Reads of customer care: work lists, the customer file with its one timeline, a unit's history."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import WorkingCalendar, business_timezone
from aftersales.care import config
from aftersales.care.choices import ComplaintStatus, Purpose, TaskStatus
from aftersales.care.models import Campaign, CampaignRecipient, Complaint, ContactEntry, FollowUpCall, FollowUpTask
from aftersales.care.permissions import (
    campaigns_visible_to,
    complaints_visible_to,
    contacts_visible_to,
    follow_ups_visible_to,
)
from aftersales.core.phones import display_phone
from aftersales.core.text import join_clauses, label_colon
from aftersales.coverage.decision import CoverageDecision
from aftersales.coverage.selectors import decide_coverage
from aftersales.customers.filters import search_customers
from aftersales.customers.models import Contact, Customer
from aftersales.customers.permissions import can_edit_customers
from aftersales.history.display import describe
from aftersales.history.models import Activity
from aftersales.history.selectors import recent_activity
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to
from aftersales.notifications.models import OutboxMessage
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.permissions import orders_visible_to

# How many rows of each kind the customer file reads for its timeline (the newest).
TIMELINE_ROWS = 100


def today() -> datetime.date:
    return timezone.now().astimezone(business_timezone()).date()


# ---- follow-ups ------------------------------------------------------------------------------------
TASK_LISTS = ("due", "overdue", "retry", "upcoming", "done", "all")
# The home panel's rows: overdue or due today.
PANEL_LIST = "open_now"


def task_list(*, user: User, which: str = "due", on: datetime.date | None = None) -> QuerySet[FollowUpTask]:
    """The follow-ups ``user`` sees: ``due`` (open, window open today), ``overdue`` (open past the
    window), ``retry`` (open, called without reaching the customer), ``upcoming``, ``done``, ``all``."""
    on = on or today()
    tasks = follow_ups_visible_to(user).select_related("customer", "order", "unit", "assigned_to")
    open_ = Q(status=TaskStatus.OPEN)
    conditions = {
        "due": open_ & Q(opens_on__lte=on, closes_on__gte=on),
        "overdue": open_ & Q(closes_on__lt=on),
        "retry": open_ & Q(attempts__gt=0),
        "upcoming": open_ & Q(opens_on__gt=on),
        PANEL_LIST: open_ & Q(opens_on__lte=on),
        "done": ~open_,
        "all": Q(),
    }
    ordering = ("-done_at", "-id") if which == "done" else ("closes_on", "id")
    return tasks.filter(conditions.get(which, conditions["due"])).order_by(*ordering)


def task_counts(*, user: User, on: datetime.date | None = None) -> dict[str, int]:
    """Due today, overdue and to retry in one query (the clerk's home panel), over the open tasks alone
    (``care_task_open_idx``, or the centre's index): counting them among every task ever made read the
    whole table, 47 ms at 730,225 tasks (benchmarks/README.md "The home page")."""
    on = on or today()
    return (
        follow_ups_visible_to(user)
        .filter(status=TaskStatus.OPEN)
        .aggregate(
            due=Count("pk", filter=Q(opens_on__lte=on, closes_on__gte=on)),
            overdue=Count("pk", filter=Q(closes_on__lt=on)),
            retry=Count("pk", filter=Q(attempts__gt=0)),
        )
    )


def task_state(task: FollowUpTask, *, on: datetime.date | None = None) -> str:
    """ "overdue", "due", "upcoming" for an open task; its status otherwise."""
    on = on or today()
    if task.status != TaskStatus.OPEN:
        return task.status
    if task.closes_on < on:
        return "overdue"
    return "due" if task.opens_on <= on else "upcoming"


def task_detail(*, user: User, task_id: int) -> FollowUpTask | None:
    calls = FollowUpCall.objects.select_related("by").order_by("id")
    return (
        follow_ups_visible_to(user)
        .select_related("customer", "order", "unit__product_model", "assigned_to", "service_center")
        .prefetch_related(Prefetch("calls", queryset=calls), Prefetch("customer__contacts", queryset=_contacts()))
        .filter(pk=task_id)
        .first()
    )


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.order_by("-is_primary", "id")


# ---- complaints -------------------------------------------------------------------------------------
def complaint_list(*, user: User, status: str = "") -> QuerySet[Complaint]:
    complaints = complaints_visible_to(user).select_related("customer", "owner").order_by("-id")
    if status:
        complaints = complaints.filter(status=status)
    return complaints


def complaint_detail(*, user: User, complaint_id: int) -> Complaint | None:
    return (
        complaints_visible_to(user)
        .select_related("customer", "owner", "service_center", "follow_up_call")
        .prefetch_related("orders", "units__product_model")
        .filter(pk=complaint_id)
        .first()
    )


def is_overdue(complaint: Complaint, *, now: datetime.datetime | None = None) -> bool:
    return complaint.status == ComplaintStatus.OPEN and complaint.due_at < (now or timezone.now())


# ---- the customer file ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FileGap:
    key: str
    label: str
    url: str = ""


@dataclass
class FileCheck:
    """The completeness of a customer file: what is missing, and the day it must be complete by
    (``CARE_FILE_WORKING_DAYS`` working days after the first contact, domain.md Follow-up §15 2)."""

    due_on: datetime.date
    gaps: list[FileGap] = field(default_factory=list)
    overdue: bool = False


def file_check(
    customer: Customer, *, units: list[Unit], on: datetime.date | None = None, editable: bool = False
) -> FileCheck:
    """What the file lacks; for a user who may edit customers (``editable``) each gap links to the form
    that closes it."""
    first_contact = customer.created_at.astimezone(business_timezone()).date()
    due = WorkingCalendar().add_working_days(start=first_contact, days=config.file_complete_within_working_days()).day
    gaps = []
    # Only records in use count: a file whose one contact was taken out of use needs a new one.
    if not any(contact.in_use for contact in customer.contacts.all()):
        url = reverse("care:customer_add_contact", args=[customer.pk]) if editable else ""
        gaps.append(FileGap("contact", _("Add a contact with a mobile number"), url))
    if not any(site.in_use for site in customer.sites.all()):
        url = reverse("care:customer_add_site", args=[customer.pk]) if editable else ""
        gaps.append(FileGap("site", _("Add a site (where the units stand)"), url))
    if not units:
        url = reverse("care:customer_add_unit", args=[customer.pk]) if editable else ""
        gaps.append(FileGap("unit", _("Register the customer's units"), url))
    for unit in units:
        if not unit.has_proof_of_purchase:
            gaps.append(
                FileGap(
                    f"proof-{unit.pk}",
                    _("Proof of purchase for unit %(serial)s") % {"serial": unit.serial_number},
                    reverse("care:unit_proof" if editable else "care:unit_detail", args=[unit.pk]),
                )
            )
    return FileCheck(due_on=due, gaps=gaps, overdue=bool(gaps) and (on or today()) > due)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime.datetime
    kind: str  # order, visit, contact, call, complaint, record
    icon: str
    title: str
    detail: str = ""
    url: str = ""
    badge: str = ""  # a logged message's outbox status (notifications.MessageStatus), shown by its label


def _order_items(orders: list[ServiceOrder]) -> list[TimelineItem]:
    items = []
    for order in orders:
        url = reverse("service:order_detail", kwargs={"order_id": order.pk})
        items.append(
            TimelineItem(
                order.received_at,
                "order",
                "card-list",
                _("Order %(number)s opened (%(kind)s)") % {"number": order.number, "kind": order.get_kind_display()},
                order.description[:200],
                url,
            )
        )
        if order.closed_at:
            items.append(
                TimelineItem(
                    order.closed_at,
                    "order",
                    "check2-circle",
                    _("Order %(number)s closed") % {"number": order.number},
                    "",
                    url,
                )
            )
    return items


def _visit_items(visits: list[Visit]) -> list[TimelineItem]:
    items = []
    for visit in visits:
        detail = visit.work_done or visit.diagnosis
        if visit.rating:
            detail = _("Rated %(rating)d/5 at signing. %(detail)s") % {"rating": visit.rating, "detail": detail}
        items.append(
            TimelineItem(
                visit.arrived_at,
                "visit",
                "tools",
                _("Visit by %(technician)s (order %(number)s)")
                % {"technician": visit.technician, "number": visit.order.number},
                detail[:200],
                reverse("service:order_detail", kwargs={"order_id": visit.order_id}),
            )
        )
    return items


def _contact_items(entries: list[ContactEntry], statuses: dict[str, str]) -> list[TimelineItem]:
    return [
        TimelineItem(
            entry.at,
            "contact",
            "telephone-inbound" if entry.direction == "in" else "telephone-outbound",
            f"{entry.get_channel_display()} · {entry.get_direction_display()}"
            + (f" · {display_phone(entry.person)}" if entry.person else "")  # an SMS's is its number
            + (f" · {entry.by}" if entry.by_id else ""),
            entry.summary + (f" — {_('Needs')}{label_colon()}{entry.needs}" if entry.needs else ""),
            badge=statuses.get(entry.message_key, ""),
        )
        for entry in entries
    ]


def _complaint_items(complaints: list[Complaint]) -> list[TimelineItem]:
    items = []
    for complaint in complaints:
        url = reverse("care:complaint_detail", args=[complaint.pk])
        items.append(
            TimelineItem(
                complaint.opened_at,
                "complaint",
                "exclamation-octagon",
                _("Complaint %(number)s opened (%(source)s)")
                % {"number": complaint.number, "source": complaint.get_source_display()},
                complaint.description[:200],
                url,
            )
        )
        if complaint.escalated_at:
            items.append(
                TimelineItem(
                    complaint.escalated_at,
                    "complaint",
                    "arrow-up-circle",
                    _("Complaint %(number)s escalated to the %(level)s")
                    % {"number": complaint.number, "level": complaint.get_level_display()},
                    "",
                    url,
                )
            )
        if complaint.resolved_at:
            items.append(
                TimelineItem(
                    complaint.resolved_at,
                    "complaint",
                    "check2-circle",
                    _("Complaint %(number)s resolved") % {"number": complaint.number},
                    complaint.resolution[:200],
                    url,
                )
            )
    return items


# The changes of the file's own records (its contacts and sites) kept in the customer's history.
RECORD_TYPES = (
    "customer.contact_added",
    "customer.contact_updated",
    "customer.contact_retired",
    "customer.contact_reinstated",
    "customer.site_added",
    "customer.site_updated",
    "customer.site_retired",
    "customer.site_reinstated",
)


E164 = re.compile(r"\+\d{8,15}")


def _phones_shown(text: str) -> str:
    """A contact's label and mobile as the rest of the file shows numbers (``138 1234 5678``)."""
    return E164.sub(lambda match: display_phone(match.group()), text)


def _record_items(activities: list[Activity]) -> list[TimelineItem]:
    """A contact or site added, corrected, taken out of use or put back: what changed (old → new), why,
    and who did it."""
    items = []
    for activity in activities:
        view = describe(activity)
        label = activity.data.get("label")  # the record as it was named before the change
        title = f"{view.label} · {label}" if label else view.label
        changes = join_clauses(
            f"{change.label}{label_colon()}{change.old_display} → {change.new_display}"
            for change in view.changes
            if change.old is not None  # an addition: the title and its new value say it
        )
        if not changes:
            changes = join_clauses(change.new_display for change in view.changes)
        detail = changes + (f" — {activity.reason}" if activity.reason else "")
        items.append(
            TimelineItem(
                activity.created_at,
                "record",
                "geo-alt" if activity.type.startswith("customer.site_") else "person-lines-fill",
                _phones_shown(f"{title} · {view.actor}"),
                _phones_shown(detail)[:300],
            )
        )
    return items


@dataclass
class CustomerFile:
    customer: Customer
    units: list[Unit]
    open_orders: list[ServiceOrder]
    past_orders: list[ServiceOrder]
    follow_ups: list[FollowUpTask]
    complaints: list[Complaint]
    ratings: list[FollowUpCall]
    timeline: list[TimelineItem]
    check: FileCheck


def message_statuses(keys: list[str]) -> dict[str, str]:
    """The outbox status of each message key (a logged SMS or e-mail: queued, sent, failed)."""
    keys = [k for k in keys if k]
    if not keys:
        return {}
    return dict(OutboxMessage.objects.filter(key__in=keys).values_list("key", "status"))


def customer_file(*, user: User, customer: Customer) -> CustomerFile:
    """Everything about one customer the user may see, in a constant number of queries."""
    units = list(
        units_visible_to(user)
        .filter(customer=customer)
        .select_related("product_model", "site")
        .order_by("serial_number")
    )
    orders = list(
        orders_visible_to(user)
        .filter(customer=customer)
        .select_related("unit", "technician")
        .order_by("-received_at")[:TIMELINE_ROWS]
    )
    visits = list(
        Visit.objects.filter(order__in=orders_visible_to(user).filter(customer=customer))
        .select_related("technician", "order")
        .order_by("-arrived_at")[:TIMELINE_ROWS]
    )
    contacts = list(
        contacts_visible_to(user).filter(customer=customer).select_related("by").order_by("-at")[:TIMELINE_ROWS]
    )
    complaints = list(
        complaints_visible_to(user)
        .filter(customer=customer)
        .select_related("owner")
        .prefetch_related("orders", "units")
        .order_by("-id")
    )
    follow_ups = list(
        FollowUpTask.objects.filter(customer=customer)
        .filter(service_center_id=customer.service_center_id)
        .select_related("customer", "order", "assigned_to")
        .order_by("-opens_on", "-id")[:TIMELINE_ROWS]
    )
    ratings = list(
        FollowUpCall.objects.filter(task__customer=customer, score__isnull=False)
        .select_related("task", "by")
        .order_by("-at")[:TIMELINE_ROWS]
    )
    # One query whether or not the customer was sent a message (a count that stays put).
    statuses = dict(
        OutboxMessage.objects.filter(
            key__in=ContactEntry.objects.filter(customer=customer).exclude(message_key="").values("message_key")
        ).values_list("key", "status")
    )
    records = recent_activity([customer], types=RECORD_TYPES, limit=TIMELINE_ROWS)
    timeline = [
        *_order_items(orders),
        *_visit_items(visits),
        *_contact_items(contacts, statuses),
        *_complaint_items(complaints),
        *_record_items(records),
    ]
    timeline.sort(key=lambda item: item.at, reverse=True)
    return CustomerFile(
        customer=customer,
        units=units,
        open_orders=[o for o in orders if o.is_open],
        past_orders=[o for o in orders if not o.is_open],
        follow_ups=follow_ups,
        complaints=complaints,
        ratings=ratings,
        timeline=timeline,
        check=file_check(
            customer, units=units, editable=can_edit_customers(user, centre_id=customer.service_center_id)
        ),
    )


def customer_list(*, user: User, q: str = "") -> QuerySet[Customer]:
    from aftersales.care.permissions import care_customers_visible_to

    customers = care_customers_visible_to(user).select_related("service_center").order_by("-id")
    return search_customers(customers, q)


# ---- a unit's history ------------------------------------------------------------------------------
@dataclass
class UnitHistory:
    unit: Unit
    warranty: CoverageDecision
    orders: list[tuple[ServiceOrder, list[Visit]]]
    follow_ups: list[FollowUpTask]
    complaints: list[Complaint]


def unit_history(*, user: User, unit: Unit) -> UnitHistory:
    """The unit's whole service history by serial: its orders with their visits, the follow-ups and
    complaints about it, and its warranty today with the reason (the one coverage decision)."""
    orders = list(orders_visible_to(user).filter(unit=unit).select_related("technician").order_by("-received_at"))
    visits: dict[int, list[Visit]] = {}
    # A subquery, not the ids: one query whether or not the unit has orders (a count that stays put).
    in_scope = orders_visible_to(user).filter(unit=unit).values("pk")
    for visit in Visit.objects.filter(order__in=in_scope).select_related("technician").order_by("arrived_at"):
        visits.setdefault(visit.order_id, []).append(visit)
    return UnitHistory(
        unit=unit,
        warranty=decide_coverage(unit=unit, on=today(), kind=""),
        orders=[(order, visits.get(order.pk, [])) for order in orders],
        follow_ups=list(
            FollowUpTask.objects.filter(unit=unit, service_center_id=unit.customer.service_center_id)
            .select_related("customer", "order", "assigned_to")
            .order_by("-opens_on")
        ),
        complaints=list(complaints_visible_to(user).filter(units=unit).order_by("-id")),
    )


# ---- campaigns --------------------------------------------------------------------------------------
def campaign_list(*, user: User) -> QuerySet[Campaign]:
    return (
        campaigns_visible_to(user)
        .select_related("product_model", "created_by")
        .annotate(recipient_count=Count("recipients"))
        .order_by("-id")
    )


@dataclass
class CampaignView:
    campaign: Campaign
    recipients: list[tuple[CampaignRecipient, str]]  # with the delivery status of its SMS
    letters_late: bool


def campaign_detail(*, user: User, campaign_id: int) -> CampaignView | None:
    campaign = campaigns_visible_to(user).select_related("product_model", "created_by").filter(pk=campaign_id).first()
    if campaign is None:
        return None
    recipients = list(campaign.recipients.select_related("customer").order_by("customer__name", "pk"))
    statuses = message_statuses([r.message_key for r in recipients])
    late = campaign.letters_sent_at is None and today() > campaign.letters_due_on
    if campaign.letters_sent_at is not None:
        late = campaign.letters_sent_at.astimezone(business_timezone()).date() > campaign.letters_due_on
    return CampaignView(campaign, [(r, statuses.get(r.message_key, "")) for r in recipients], late)


# ---- for the areas above care (contracts): read by order, unit and customer ------------------------
def open_complaint_count(*, customer_id: int, unit_ids: list[int], order_ids: list[int]) -> int:
    """Complaints of the customer not closed yet that name one of ``unit_ids`` or ``order_ids``, or
    name no unit and no order (about the customer's service as a whole). One query."""
    units, orders = Complaint.units.through.objects, Complaint.orders.through.objects
    about = (
        Q(pk__in=units.filter(unit_id__in=unit_ids).values("complaint_id"))
        | Q(pk__in=orders.filter(serviceorder_id__in=order_ids).values("complaint_id"))
        | (~Q(pk__in=units.values("complaint_id")) & ~Q(pk__in=orders.values("complaint_id")))
    )
    return Complaint.objects.filter(about, customer_id=customer_id).exclude(status=ComplaintStatus.CLOSED).count()


def callbacks_for_orders(order_ids: list[int]) -> dict[int, FollowUpTask]:
    """The live call-back task of each order that has one (one query)."""
    tasks = FollowUpTask.objects.filter(order_id__in=order_ids, purpose=Purpose.CALLBACK).exclude(
        status=TaskStatus.CANCELLED
    )
    return {task.order_id: task for task in tasks.order_by("id") if task.order_id is not None}
