"""Contracts for the repurchase tests: the source's examples and variations of them."""

import datetime
from decimal import Decimal
from itertools import count
from typing import Any

from aftersales.accounts.models import User
from aftersales.customers.models import Customer
from aftersales.repurchase import services
from aftersales.repurchase.examples import DEADLINE, SOLD, Example
from aftersales.repurchase.models import RepurchaseContract

_numbers = count(1)


def terms(**overrides: Any) -> dict[str, Any]:
    """例1's inputs (a forward at 75 万元), with ``overrides``."""
    base: dict[str, Any] = {
        "holder": "seller_obliged",
        "sale_date": SOLD,
        "price": Decimal("1000000.00"),
        "repurchase_price": Decimal("750000.00"),
        "deadline": DEADLINE,
    }
    return base | overrides


def contract(*, by: User, customer: Customer, example: Example | None = None, **overrides: Any) -> RepurchaseContract:
    inputs = terms(**(dict(example.inputs) if example else {})) | overrides
    inputs.setdefault("number", f"HT-{next(_numbers):04d}")
    inputs.setdefault("asset", "挖掘机 SY215C")
    return services.create_contract(by=by, customer=customer, **inputs)


def lines_of(contract: RepurchaseContract, event: str) -> list[list[tuple[str, str, Decimal]]]:
    """Each entry of ``event`` as its (account, side, amount) lines."""
    return [
        [(line.account, line.side, line.amount) for line in entry.lines.order_by("position")]
        for entry in contract.entries.filter(event=event).order_by("seq")
    ]


def same(entries: list[list[tuple[str, str, Decimal]]]) -> list[list[tuple[str, str, Decimal]]]:
    """Entries compared line for line, in any order within an entry (the source lists credits in
    either order: 例1 lease income then cash, 例3 cash then lease income)."""
    return [sorted((str(a), str(s), Decimal(v)) for a, s, v in entry) for entry in entries]


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
