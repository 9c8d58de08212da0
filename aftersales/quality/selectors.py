"""Reads of quality feedback: the whole failure report of a window, and the quality cases."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from aftersales.accounts.models import User
from aftersales.parts.models import VisitPart
from aftersales.quality import statistics as stats
from aftersales.quality.choices import CaseStatus
from aftersales.quality.models import CaseComment, QualityCase
from aftersales.quality.permissions import cases_visible_to
from aftersales.reports.filters import Filters
from aftersales.service.models import Attachment, ServiceOrder
from aftersales.service.permissions import orders_visible_to


@dataclass(frozen=True)
class FailureReport:
    window: Filters
    totals: dict[str, Any]
    by_model: list[dict[str, Any]]
    by_part: list[dict[str, Any]]
    by_fault_code: list[dict[str, Any]]
    by_batch: list[dict[str, Any]]
    by_age: list[dict[str, Any]]

    def chart_data(self) -> dict[str, Any]:
        """What the page's charts draw (a JSON data block read by static/quality/js/failures.js)."""

        def series(rows: list[dict[str, Any]], limit: int = 15) -> dict[str, list[Any]]:
            rows = rows[:limit]
            return {"labels": [str(row["label"]) for row in rows], "values": [row["failures"] for row in rows]}

        return {
            "model": series(self.by_model),
            "part": series(self.by_part),
            "fault": series(self.by_fault_code),
            "batch": series(self.by_batch),
            "age": series(self.by_age),
        }


def failure_report(user: User, window: Filters) -> FailureReport:
    """Every figure of the window; the headline and the model table share their statements (the counts
    per model; one pass over the units' failures in order for the repeats and the MTBF)."""
    counts = stats.model_counts(user, window)
    history = stats.history_figures(user, window)
    totals = stats.totals(user, window, counts=counts, repeats_=history.repeats)
    return FailureReport(
        window=window,
        totals=totals,
        by_model=stats.by_model(user, window, counts=counts, mtbf=history.mtbf_days),
        by_part=stats.by_part(user, window),
        by_fault_code=stats.by_fault_code(user, window, total=totals["failures"]),
        by_batch=stats.by_batch(user, window),
        by_age=stats.by_age(user, window),
    )


def figure_order_rows(user: User, window: Filters, *, figure: str, key: str) -> QuerySet[ServiceOrder]:
    """The click-through list, with what its rows show read in the same query."""
    return stats.figure_orders(user, window, figure=figure, key=key).select_related(
        "unit__product_model", "customer", "service_center"
    )


def case_list(user: User, *, status: str = "") -> QuerySet[QualityCase]:
    qs = cases_visible_to(user).select_related("product_model", "part", "owner", "service_center")
    if status == "active":
        qs = qs.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.REJECTED))
    elif status:
        qs = qs.filter(status=status)
    return qs.annotate(order_count=Count("evidence"))


def case_detail(user: User, case_id: int) -> QualityCase | None:
    return (
        cases_visible_to(user)
        .select_related("product_model", "part", "owner", "opened_by", "service_center")
        .prefetch_related(Prefetch("comments", queryset=CaseComment.objects.select_related("author")))
        .filter(pk=case_id)
        .first()
    )


def case_evidence(user: User, case: QualityCase) -> list[ServiceOrder]:
    """The case's orders the user may see, each with its photos and the parts fitted on it."""
    return list(
        orders_visible_to(user, queryset=case.orders.all())
        .select_related("unit", "customer", "service_center")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
            Prefetch("parts_used", queryset=VisitPart.objects.select_related("part").order_by("id")),
        )
        .order_by("received_at", "id")
    )


def active_cases_of_order(user: User, order: ServiceOrder) -> list[QualityCase]:
    return list(cases_visible_to(user).filter(evidence__order=order).order_by("-id"))
