"""What a contract adds to the shared decisions: the coverage source (a unit under a live
contract is covered, the contract named in the words) and who bears a charge on a covered order."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.contracts.choices import ContractStatus
from aftersales.contracts.models import ContractUnit
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageQuery, Verdict
from aftersales.money.choices import Bearer, ChargeKind
from aftersales.service.models import ServiceOrder

# After misuse (200) and the unit check (300), before the unit's own warranty (400-700): a contract
# covers a unit whose warranty expired, never misuse (docs/coverage.md).
PRECEDENCE = 350

SHARES = {ChargeKind.LABOUR: "labour_percent", ChargeKind.PARTS: "parts_percent", ChargeKind.TRAVEL: "travel_percent"}


CACHE_KEY = "contracts:covered-units"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Term:
    """A live contract as the decisions read it (plain values, cached)."""

    id: int
    number: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    labour_percent: int
    parts_percent: int
    travel_percent: int


def covered_units() -> dict[int, list[Term]]:
    """Every unit under a live contract with its contracts' terms, cached: every coverage decision
    asks, so a unit export or a list of decisions reads no row per unit. The services forget the
    cache when a contract is created or cancelled."""
    terms = cache.get(CACHE_KEY)
    if terms is None:
        found: dict[int, list[Term]] = defaultdict(list)
        rows = ContractUnit.objects.filter(contract__status=ContractStatus.ACTIVE).select_related("contract")
        for row in rows.order_by("contract__starts_on", "id"):
            c = row.contract
            found[row.unit_id].append(
                Term(
                    c.pk, c.number, c.title, c.starts_on, c.ends_on, c.labour_percent, c.parts_percent, c.travel_percent
                )
            )
        terms = dict(found)
        cache.set(CACHE_KEY, terms, CACHE_SECONDS)
    return terms


def forget_covered_units() -> None:
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def term_for(*, unit_id: int, on: datetime.date) -> Term | None:
    """The live contract covering the unit on the day (at most one by the overlap rule)."""
    return next((t for t in covered_units().get(unit_id, ()) if t.starts_on <= on <= t.ends_on), None)


def contract_covers(query: CoverageQuery) -> Verdict | None:
    if query.unit is None or query.unit.pk is None:
        return None
    contract = term_for(unit_id=query.unit.pk, on=query.on)
    if contract is None:
        return None
    return Verdict(
        True,
        CoverageReason.IN_WARRANTY,
        _("Covered by contract %(number)s (%(title)s) from %(start)s until %(end)s.")
        % {
            "number": contract.number,
            "title": contract.title,
            "start": contract.starts_on.isoformat(),
            "end": contract.ends_on.isoformat(),
        },
        contract.starts_on,
        contract.ends_on,
    )


def contract_bears(order: ServiceOrder, kind: str) -> str | None:
    """A labour, parts or travel line of an order on a unit under contract, where the contract
    includes that cost in full, is the contract's; a share or an exclusion leaves the default rule
    (the line is not split)."""
    share = SHARES.get(kind)  # type: ignore[call-overload]
    if share is None or order.unit_id is None or order.warranty_reason == CoverageReason.MISUSE:
        return None
    contract = term_for(unit_id=order.unit_id, on=order.received_at.date())
    if contract is None or getattr(contract, share) != 100:
        return None
    return Bearer.CONTRACT
