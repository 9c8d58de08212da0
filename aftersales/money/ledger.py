"""The fee ledger (§12): one function appends an entry; nothing updates or deletes one."""

from decimal import Decimal
from typing import Any

from aftersales.money.models import LedgerEntry


def book(*, account: str, kind: str, amount: Decimal, actor: Any, memo: str = "", **links: Any) -> LedgerEntry:
    """Append one entry (inside the caller's transaction). ``links``: customer, order, invoice,
    charge_line, payment."""
    return LedgerEntry.objects.create(account=account, kind=kind, amount=amount, actor=actor, memo=memo[:200], **links)
