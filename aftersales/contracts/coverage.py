"""What a contract adds to the shared decisions: the coverage source (a unit under a live
contract is covered, the contract named in the words) and who bears a charge on a covered order."""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.contracts.choices import ContractStatus
from aftersales.contracts.models import ContractUnit
from aftersales.core.compiled import CompiledRead
from aftersales.core.prepared import prepared_statements
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import CoverageQuery, Verdict
from aftersales.money.choices import Bearer, ChargeKind
from aftersales.service.models import ServiceOrder

# After misuse (200) and the unit check (300), before the unit's own warranty (400-700): a contract
# covers a unit whose warranty expired, never misuse (docs/coverage.md).
PRECEDENCE = 350

SHARES = {ChargeKind.LABOUR: "labour_percent", ChargeKind.PARTS: "parts_percent", ChargeKind.TRAVEL: "travel_percent"}


# Set by ``prepared_terms`` while many units' decisions are made (an export, an import, the intake).
_prepared: ContextVar[dict[int, tuple["Term", ...]] | None] = ContextVar("contracts_prepared_terms", default=None)


@dataclass(frozen=True)
class Term:
    """A live contract as the decisions read it (plain values)."""

    id: int
    number: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    labour_percent: int
    parts_percent: int
    travel_percent: int


_TERM_COLUMNS = (
    "unit_id",
    "contract_id",
    "contract__number",
    "contract__title",
    "contract__starts_on",
    "contract__ends_on",
    "contract__labour_percent",
    "contract__parts_percent",
    "contract__travel_percent",
)


def _live() -> QuerySet:
    return (
        ContractUnit.objects.filter(contract__status=ContractStatus.ACTIVE)
        .order_by("contract__starts_on", "id")
        .values(*_TERM_COLUMNS)
    )


_one_unit = CompiledRead(lambda unit_id: _live().filter(unit_id=unit_id))


def read_terms(unit_ids: Sequence[int]) -> dict[int, tuple[Term, ...]]:
    """The live contracts of each unit (every id asked is a key; no contract is an empty tuple), in
    one statement through ``contract_unit_idx``: only the units asked are read, never every
    covered unit (a company with thousands of contracts has over 100,000)."""
    found: dict[int, list[Term]] = {unit_id: [] for unit_id in unit_ids}
    # One unit (every order opened) runs a statement compiled once per process and planned once per
    # connection (prepared: its plan is the index's, whatever the unit).
    if len(found) == 1:
        with prepared_statements():
            rows = _one_unit(unit_ids[0])
    else:
        rows = _live().filter(unit_id__in=found)
    for row in rows:
        unit_id, *term = row.values()
        found[unit_id].append(Term(*term))
    return {unit_id: tuple(terms) for unit_id, terms in found.items()}


@contextmanager
def prepared_terms(unit_ids: Sequence[int]) -> Iterator[None]:
    """The coverage source's ``prepare``: the units' terms read at once for the decisions inside."""
    token = _prepared.set(read_terms(unit_ids))
    try:
        yield
    finally:
        _prepared.reset(token)


def terms_of(unit_id: int) -> tuple[Term, ...]:
    prepared = _prepared.get()
    if prepared is not None and unit_id in prepared:
        return prepared[unit_id]
    return read_terms([unit_id])[unit_id]


def term_for(*, unit_id: int, on: datetime.date) -> Term | None:
    """The live contract covering the unit on the day (at most one by the overlap rule)."""
    return next((t for t in terms_of(unit_id) if t.starts_on <= on <= t.ends_on), None)


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
