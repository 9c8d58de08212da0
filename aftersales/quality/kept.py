"""The failure statistics kept for a while and refreshed on a schedule, as the report dashboards are
(``core.kept``; docs/quality.md "Kept figures"): the figures of one reader, one language and one window
are computed (``selectors.failure_report``) and kept, with the customers the window's failures name
(the filter's choices); the page shows when they were computed and a "recompute now" link. What is
kept is numbers and labels; the click-through lists and the API always compute now."""

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from aftersales.accounts.capabilities import scope_fingerprint
from aftersales.accounts.models import User
from aftersales.core import kept as core_kept
from aftersales.core.errors import DomainError
from aftersales.customers.models import Customer
from aftersales.quality import statistics as stats
from aftersales.quality.filters import parse_window
from aftersales.quality.permissions import can_view_failures
from aftersales.quality.selectors import FailureReport, failure_report
from aftersales.reports.filters import Filters

log = logging.getLogger(__name__)
KIND = "quality"
SCREEN = "failures"
CUSTOMER_CHOICES = 500


@dataclass(frozen=True)
class FailureScreen:
    report: FailureReport
    customers: list[dict[str, Any]]  # the customer filter's choices: {"pk", "name"}


def _compute(user: User, window: Filters) -> FailureScreen:
    customer_ids = stats.failures(user, window).order_by().values("customer_id").distinct()
    customers = Customer.objects.filter(pk__in=customer_ids).order_by("name").values("pk", "name")
    return FailureScreen(report=failure_report(user, window), customers=list(customers[:CUSTOMER_CHOICES]))


def _pack(screen: FailureScreen) -> dict[str, Any]:
    report = {f.name: getattr(screen.report, f.name) for f in dataclasses.fields(screen.report) if f.name != "window"}
    return {"report": report, "customers": screen.customers}


def _unpack(packed: dict[str, Any], window: Filters) -> FailureScreen:
    return FailureScreen(report=FailureReport(window=window, **packed["report"]), customers=packed["customers"])


def failure_screen(user: User, window: Filters, *, fresh: bool = False) -> core_kept.Kept[FailureScreen]:
    """The failure statistics of ``window``: the kept copy when there is one (and ``fresh`` is not
    asked), else computed now and kept. Remembers the read for the refresh job."""
    return core_kept.kept_or_computed(
        KIND,
        user,
        scope_fingerprint(user),
        SCREEN,
        window.as_params(),
        compute=lambda: _compute(user, window),
        pack=_pack,
        unpack=lambda packed: _unpack(packed, window),
        fresh=fresh,
    )


def _recompute(key: str, user: User, screen: str, params: dict[str, Any]) -> bool:
    if screen != SCREEN or not can_view_failures(user):
        return False
    try:
        window = parse_window(user, params)
    except DomainError:  # a centre, model or customer since taken out of the reader's scope
        return False
    core_kept.compute_and_keep(key, lambda: _compute(user, window), _pack)
    return True


def refresh_failures() -> int:
    """Recompute the failure statistics read within ``REPORTS_RECENT_SECONDS`` (the periodic job); a
    reader who no longer may see them, or is gone, is forgotten. Returns how many were recomputed."""
    done = core_kept.refresh_recent(KIND, _recompute, scope_fingerprint)
    log.info("quality: %d failure statistics recomputed", done)
    return done
