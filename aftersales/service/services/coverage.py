"""An order's warranty decision, always made by ``coverage.decide_coverage`` (docs/coverage.md)."""

import datetime
from typing import Any

from django.utils import timezone

from aftersales.core.text import site_language
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageDecision, Misuse, Override
from aftersales.coverage.selectors import decide_coverage
from aftersales.service.models import ServiceOrder


def coverage_day(received_at: datetime.datetime) -> datetime.date:
    """An order's coverage is judged on the local day the call came in."""
    return timezone.localtime(received_at).date()


def decide_order_coverage(**arguments: Any) -> CoverageDecision:
    """``decide_coverage`` for an order to store: its detail written in the company's language
    (``LANGUAGE_CODE``), like the printed service form, whoever took the call. An order opened by an
    English reader kept "In warranty until …" on the Chinese form (found by a helper's probe, 2026-12-06)."""
    with site_language():
        return decide_coverage(**arguments)


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
    return decide_order_coverage(
        unit=order.unit, on=coverage_day(order.received_at), kind=order.kind, misuse=misuse, override=override
    )
