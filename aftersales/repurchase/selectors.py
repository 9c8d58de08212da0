"""Reads of sale and repurchase: the contract with its journal, a clause's reasoning in words, the
preview of a classification and its entries before anything is written, the deadlines coming up."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from aftersales.accounts.models import User
from aftersales.repurchase import rules
from aftersales.repurchase.choices import Account, Event, Side, Status
from aftersales.repurchase.conf import account_codes
from aftersales.repurchase.models import EntryLine, JournalEntry, RepurchaseContract
from aftersales.repurchase.permissions import contracts_visible_to


def terms_of(contract: RepurchaseContract) -> rules.Terms:
    return rules.Terms(
        holder=contract.holder,
        price=contract.price,
        repurchase_price=contract.repurchase_price,
        cost=contract.cost,
        market_value=contract.market_value,
        incentive=contract.incentive,
    )


def reasoning(contract: RepurchaseContract) -> str:
    """The rule that classified ``contract`` and why, in the current language."""
    return rules.classify(terms_of(contract)).reasoning


def contracts_for_list(user: User) -> QuerySet[RepurchaseContract]:
    """The user's contracts with what a list row shows, by deadline."""
    return (
        contracts_visible_to(user)
        .select_related("customer", "service_center")
        .prefetch_related("units")
        .order_by("deadline", "id")
    )


def contract_with_entries(user: User) -> QuerySet[RepurchaseContract]:
    """The detail's queryset: the contract, its units and its entries with their lines, in a fixed
    number of queries."""
    entries = JournalEntry.objects.select_related("reverses", "reversed_by", "posted_by").prefetch_related(
        Prefetch("lines", queryset=EntryLine.objects.order_by("position"))
    )
    return contracts_for_list(user).prefetch_related(Prefetch("entries", queryset=entries.order_by("seq")))


@dataclass(frozen=True)
class ShownLine:
    account: str
    account_name: str
    account_code: str
    side: str
    amount: Decimal

    @property
    def debit(self) -> Decimal | None:
        return self.amount if self.side == Side.DEBIT else None

    @property
    def credit(self) -> Decimal | None:
        return self.amount if self.side == Side.CREDIT else None


def shown_lines(lines: Any) -> list[ShownLine]:
    """Stored lines or planned ``(account, side, amount)`` tuples, with account names and codes."""
    codes = account_codes()
    names = dict(Account.choices)
    shown = []
    for line in lines:
        account, side, amount = (line.account, line.side, line.amount) if isinstance(line, EntryLine) else line
        shown.append(ShownLine(str(account), str(names[account]), codes[str(account)], str(side), amount))
    return shown


@dataclass(frozen=True)
class Planned:
    event: str
    memo: str
    lines: list[ShownLine]


def planned_entries(terms: rules.Terms, classification: str, *, holder: str) -> list[Planned]:
    """Every entry the contract's life would post: at the sale, at the buy-back and (unless a forward)
    at the lapse — the preview of the create form and of a contract not yet settled."""
    planned = [
        Planned(Event.INCEPTION, p.memo, shown_lines(p.lines)) for p in rules.inception_entries(terms, classification)
    ]
    planned += [
        Planned(Event.EXERCISE, p.memo, shown_lines(p.lines)) for p in rules.exercise_entries(terms, classification)
    ]
    if holder != "seller_obliged":
        planned += [
            Planned(Event.LAPSE, p.memo, shown_lines(p.lines)) for p in rules.lapse_entries(terms, classification)
        ]
    return planned


def due_soon(user: User, *, today: datetime.date, days: int) -> QuerySet[RepurchaseContract]:
    """Open contracts whose deadline is at most ``days`` away (or passed), soonest first."""
    return contracts_for_list(user).filter(status=Status.OPEN, deadline__lte=today + datetime.timedelta(days=days))
