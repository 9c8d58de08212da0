"""An order's warranty decision, always made by ``coverage.decide_coverage`` (docs/coverage.md)."""

import datetime

from django.utils import timezone

from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageDecision, Misuse, Override
from aftersales.coverage.selectors import decide_coverage
from aftersales.service.models import ServiceOrder


def coverage_day(received_at: datetime.datetime) -> datetime.date:
    """An order's coverage is judged on the local day the call came in."""
    return timezone.localtime(received_at).date()


def redecide_order_coverage(
    order: ServiceOrder, *, misuse: Misuse | None = None, override: Override | None = None
) -> CoverageDecision:
    """Decide the order's coverage again with a new finding or override, keeping what the order
    recorded before: an earlier override stays in the chain (a later misuse replaces it), and misuse
    found earlier stays too (a later override replaces it)."""
    if override is None and order.warranty_reason == CoverageReason.OVERRIDDEN:
        override = Override(order.warranty_covered, order.warranty_detail, order.warranty_decided_at)
    if misuse is None and order.misuse_found:
        # Misuse that is no longer the verdict was overridden afterwards: it was found no later
        # than the call itself as far as the chain is concerned.
        found = order.warranty_decided_at if order.warranty_reason == CoverageReason.MISUSE else order.received_at
        misuse = Misuse(found_at=found)
    return decide_coverage(
        unit=order.unit, on=coverage_day(order.received_at), kind=order.kind, misuse=misuse, override=override
    )
