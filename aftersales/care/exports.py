"""The care ledgers as xlsx/CSV, registered in ``CareConfig.ready()`` and served by ``exchange``: the
complaint ledger (投诉台账, "complaints"), the follow-up ledger (回访记录, "follow_ups") and the campaigns
("campaigns"). The rows are those of the list screen in the caller's scope (``complaints_visible_to``,
``follow_ups_visible_to``, ``campaigns_visible_to``), filtered as the screen's tab is (``status``,
``list``; the campaign list has none); no phone numbers, so no audit row."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.care import selectors
from aftersales.care.choices import ComplaintStatus
from aftersales.care.models import FollowUpCall
from aftersales.core.filtering import list_tab
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display
from aftersales.service.models import ServiceOrder

COMPLAINT_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Opened at"),
    gettext_lazy("Customer"),
    gettext_lazy("Service centre"),
    gettext_lazy("Source"),
    gettext_lazy("Cause"),
    gettext_lazy("Status"),
    gettext_lazy("Handled by"),
    gettext_lazy("Owner"),
    gettext_lazy("Answer due"),
    gettext_lazy("Escalated at"),
    gettext_lazy("Orders"),
    gettext_lazy("Description"),
    pgettext_lazy("how a problem was resolved", "Resolution"),
    gettext_lazy("Resolved at"),
    gettext_lazy("Accepted by the customer"),
    gettext_lazy("Closed at"),
)


def complaint_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The complaints of the list's tab (``status``; every complaint when not given), newest first, with
    what each was about and how it ended: the list's own selector, so the same rows."""
    status = list_tab(params, "status", ("all", *ComplaintStatus.values), default="all")
    complaints = capped(
        selectors.complaint_list(user=user, status="" if status == "all" else status)
        .select_related("service_center")
        .prefetch_related(Prefetch("orders", queryset=ServiceOrder.objects.only("id", "number").order_by("id")))
    )

    def generate() -> Iterator[list[Any]]:
        for complaint in complaints.iterator(chunk_size=CHUNK_SIZE):
            yield [
                complaint.number,
                complaint.opened_at,
                complaint.customer.name,
                complaint.service_center.name,
                display(complaint, "source"),
                display(complaint, "cause"),
                display(complaint, "status"),
                display(complaint, "level"),
                str(complaint.owner),
                complaint.due_at,
                complaint.escalated_at,
                ", ".join(order.number for order in complaint.orders.all()),
                complaint.description,
                complaint.resolution,
                complaint.resolved_at,
                complaint.accepted,
                complaint.closed_at,
            ]

    return ExportRows(rows=generate(), filters={"status": status})


FOLLOW_UP_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Customer"),
    gettext_lazy("Purpose"),
    gettext_lazy("Order"),
    gettext_lazy("Serial number"),
    gettext_lazy("From"),
    gettext_lazy("Until"),
    gettext_lazy("Status"),
    gettext_lazy("Clerk"),
    gettext_lazy("Attempts"),
    gettext_lazy("Last call"),
    gettext_lazy("Outcome"),
    gettext_lazy("Satisfaction (1-5)"),
    gettext_lazy("Expected (1-5)"),
    gettext_lazy("Perceived (1-5)"),
    gettext_lazy("Would recommend (0-10)"),
    gettext_lazy("Notes"),
    gettext_lazy("Done at"),
)


def follow_up_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The follow-ups of the list's tab (``list``: due, overdue, retry, upcoming, done, all; ``due`` when
    not given), in the list's order, each with its last call."""
    which = list_tab(params, "list", selectors.TASK_LISTS, default="due")
    last_calls = FollowUpCall.objects.order_by("task_id", "-at", "-id")
    tasks = capped(selectors.task_list(user=user, which=which).prefetch_related(Prefetch("calls", queryset=last_calls)))

    def generate() -> Iterator[list[Any]]:
        for task in tasks.iterator(chunk_size=CHUNK_SIZE):
            calls = list(task.calls.all())
            last = calls[0] if calls else None
            yield [
                task.pk,
                task.customer.name,
                display(task, "purpose"),
                task.order.number if task.order else "",
                task.unit.serial_number if task.unit else "",
                task.opens_on,
                task.closes_on,
                display(task, "status"),
                str(task.assigned_to) if task.assigned_to else "",
                task.attempts,
                last.at if last else None,
                display(last, "outcome") if last else "",
                last.score if last else None,
                last.expected if last else None,
                last.perceived if last else None,
                last.nps if last else None,
                last.notes if last else "",
                task.done_at,
            ]

    return ExportRows(rows=generate(), filters={"list": which})


CAMPAIGN_COLUMNS = (
    gettext_lazy("Title"),
    gettext_lazy("Kind"),
    gettext_lazy("Service centre"),
    gettext_lazy("Event day"),
    gettext_lazy("Decided on"),
    gettext_lazy("Recipients"),
    gettext_lazy("Letters due"),
    gettext_lazy("Letters sent at"),
    gettext_lazy("Owners of the model"),
    gettext_lazy("Province"),
    gettext_lazy("Units older than (years)"),
    gettext_lazy("Message (SMS)"),
    gettext_lazy("Why less than two weeks ahead"),
    gettext_lazy("Announced by"),
)


def campaign_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every campaign of the list (``selectors.campaign_list``: the reader's centres, newest first), with
    how many customers each was announced to and whom it chose."""
    campaigns = capped(selectors.campaign_list(user=user).select_related("service_center"))

    def generate() -> Iterator[list[Any]]:
        for campaign in campaigns.iterator(chunk_size=CHUNK_SIZE):
            yield [
                campaign.title,
                display(campaign, "kind"),
                campaign.service_center.name,
                campaign.event_on,
                campaign.decided_on,
                campaign.recipient_count,
                campaign.letters_due_on,
                campaign.letters_sent_at,
                str(campaign.product_model) if campaign.product_model else "",
                campaign.province,
                campaign.older_than_years,
                campaign.message,
                campaign.late_reason,
                str(campaign.created_by),
            ]

    return ExportRows(rows=generate(), filters={})
