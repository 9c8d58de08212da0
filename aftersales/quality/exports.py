"""The quality case ledger (质量问题台账) as xlsx/CSV: the "quality_cases" export kind, registered in
``registrations.register`` and served by ``exchange``. The rows are the case list's in the caller's scope
(``selectors.case_list``), filtered by the list's tab (``status``: a status, or ``active``), with how far
each case went (analysis, decision and its design change, release, close); no phone numbers, so no
audit row."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from aftersales.core.filtering import list_tab
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, display
from aftersales.quality import selectors
from aftersales.quality.choices import CaseStatus

CASE_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Title"),
    gettext_lazy("Status"),
    gettext_lazy("Source"),
    gettext_lazy("Product model"),
    gettext_lazy("Part"),
    gettext_lazy("Fault code"),
    gettext_lazy("Service centre"),
    gettext_lazy("Owner"),
    gettext_lazy("Orders"),
    gettext_lazy("Opened"),
    gettext_lazy("Analysis started"),
    gettext_lazy("Change decided"),
    gettext_lazy("Design change reference"),
    gettext_lazy("Change released"),
    gettext_lazy("Closed"),
    gettext_lazy("Description"),
    gettext_lazy("Decision"),
)


def case_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The cases of the list's tab, newest first (every case when ``status`` is not given)."""
    status = list_tab(params, "status", ("all", "active", *CaseStatus.values), default="all")
    cases = capped(selectors.case_list(user, status="" if status == "all" else status).order_by("-id"))

    def generate() -> Iterator[list[Any]]:
        for case in cases.iterator(chunk_size=CHUNK_SIZE):
            yield [
                case.number,
                case.title,
                display(case, "status"),
                display(case, "source"),
                case.product_model.name,
                f"{case.part.number} {case.part.name}" if case.part else "",
                case.fault_code,
                case.service_center.name if case.service_center else "",
                str(case.owner) if case.owner else "",
                case.order_count,
                case.created_at,
                case.analysis_started_at,
                case.decided_at,
                case.design_change_ref,
                case.released_at,
                case.closed_at,
                case.description,
                case.decision,
            ]

    return ExportRows(rows=generate(), filters={"status": status})
