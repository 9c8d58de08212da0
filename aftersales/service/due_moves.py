"""Which open orders' due dates a calendar change moves (the preview; ``services/due_moves.py`` applies).

An order's due date is computed once, at intake, on the calendar of that moment
(``sla.deadlines_for``). A calendar entry made afterwards (a new holiday, a working weekend, a year's
calendar entered) leaves it as it was; this module computes what it would be on today's calendar:

- **resolution due** (``due_at``): the N-th working day after the local day of receipt, at the end
  of business, where N is the kind's policy (``sla.policy_for``: kind, or return to factory as the
  agreed resolution) **plus every extension** the order got (``extend_due`` events: an extension of
  M working days counts from the old due day, itself a working day, so the sum is exact);
- **at risk** (``at_risk_at``): the end of the working day the policy's at-risk days before it;
- **calendar warning**: whether the count passed through a year with no calendar.

The response time (``respond_by``) is clock hours and never moves. An order whose policy has no
working days (a consultation) moves only when it was extended: its extension counts from the local
day of ``respond_by``.

Set-based: the open orders are read as values in two queries (orders, extension events), the
admin's calendar entries once (``calendars.selectors.WorkingCalendar``: from the cache, which any
calendar change forgets), and each distinct
(start day, working days, at-risk days) is counted once, however many orders share it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.calendars.selectors import (
    WorkingCalendar,
    business_day_end,
    business_timezone,
    calendar_warning,
)
from aftersales.service.choices import EventType
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.permissions import orders_visible_to
from aftersales.service.sla import policy_for

LATER = "later"
EARLIER = "earlier"
UNCHANGED = "unchanged"

ROW_FIELDS = (
    "id",
    "number",
    "customer__name",
    "service_center_id",
    "kind",
    "resolution",
    "received_at",
    "respond_by",
    "due_at",
    "at_risk_at",
    "calendar_warning",
    "version",
)


@dataclass(frozen=True)
class DueMove:
    """One open order whose stored due date (or calendar warning) differs from today's calendar."""

    order_id: int
    number: str
    customer_name: str
    old_due_at: dt.datetime
    new_due_at: dt.datetime
    old_at_risk_at: dt.datetime
    new_at_risk_at: dt.datetime
    old_warning: str
    new_warning: str

    @property
    def direction(self) -> str:
        if self.new_due_at > self.old_due_at:
            return LATER
        if self.new_due_at < self.old_due_at:
            return EARLIER
        return UNCHANGED

    @property
    def is_later(self) -> bool:
        return self.direction == LATER

    @property
    def warning_cleared(self) -> bool:
        return bool(self.old_warning) and not self.new_warning

    @property
    def warning_added(self) -> bool:
        return not self.old_warning and bool(self.new_warning)


@dataclass(frozen=True)
class DueMovesPreview:
    """The moves, by order number; ``later``/``earlier``: how many due dates move each way."""

    moves: list[DueMove]

    @property
    def count(self) -> int:
        return len(self.moves)

    @property
    def later(self) -> int:
        return sum(move.direction == LATER for move in self.moves)

    @property
    def earlier(self) -> int:
        return sum(move.direction == EARLIER for move in self.moves)


@dataclass(frozen=True)
class _Target:
    due_at: dt.datetime
    at_risk_at: dt.datetime
    unknown_years: tuple[int, ...]


class _Recomputer:
    """Counts each distinct (start day, working days, at-risk days) once on one preloaded calendar."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar
        self._memo: dict[tuple[dt.date, int, int], _Target] = {}

    def target(self, *, start: dt.date, working_days: int, at_risk_days: int) -> _Target:
        key = (start, working_days, at_risk_days)
        found = self._memo.get(key)
        if found is None:
            result = self._calendar.add_working_days(start=start, days=working_days)
            risk_day = self._calendar.working_days_before(day=result.day, days=max(at_risk_days, 0))
            found = _Target(
                due_at=business_day_end(day=result.day),
                at_risk_at=business_day_end(day=risk_day),
                unknown_years=result.unknown_years,
            )
            self._memo[key] = found
        return found


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(business_timezone()).date()


def _count_of(row: dict[str, Any], extension_days: int) -> tuple[dt.date, int, int] | None:
    """(start day, working days, at-risk days) of an order on today's policy, or ``None`` when its
    due date does not depend on the calendar (no working days and never extended)."""
    _hours, working_days, at_risk_days = policy_for(kind=row["kind"], resolution=row["resolution"])
    if working_days:
        return _local_day(row["received_at"]), working_days + extension_days, at_risk_days
    if extension_days:
        return _local_day(row["respond_by"]), extension_days, at_risk_days
    return None


def extension_days_of(order_ids: QuerySet[ServiceOrder, Any] | Iterable[int]) -> dict[int, int]:
    """The working days each order was extended by (``extend_due`` events), in one query."""
    totals: dict[int, int] = defaultdict(int)
    events = OrderEvent.objects.filter(type=EventType.DUE_EXTENDED, order_id__in=order_ids)
    for order_id, data in events.values_list("order_id", "data"):
        totals[order_id] += int((data or {}).get("working_days") or 0)
    return totals


def moves_for_rows(rows: list[dict[str, Any]], *, extensions: dict[int, int]) -> list[DueMove]:
    """The moves among ``rows`` (values of ``ROW_FIELDS``), by order number."""
    counts = {row["id"]: _count_of(row, extensions.get(row["id"], 0)) for row in rows}
    if all(count is None for count in counts.values()):
        return []
    # The admin's calendar entries read once (from the cache, or two queries) for every count.
    recompute = _Recomputer(WorkingCalendar())
    moves = []
    for row in rows:
        count = counts[row["id"]]
        if count is None:
            continue
        target = recompute.target(start=count[0], working_days=count[1], at_risk_days=count[2])
        new_warning = row["calendar_warning"]
        if bool(new_warning) != bool(target.unknown_years):
            new_warning = calendar_warning(unknown_years=target.unknown_years)
        if (target.due_at, target.at_risk_at, new_warning) == (
            row["due_at"],
            row["at_risk_at"],
            row["calendar_warning"],
        ):
            continue
        moves.append(
            DueMove(
                order_id=row["id"],
                number=row["number"],
                customer_name=row["customer__name"],
                old_due_at=row["due_at"],
                new_due_at=target.due_at,
                old_at_risk_at=row["at_risk_at"],
                new_at_risk_at=target.at_risk_at,
                old_warning=row["calendar_warning"],
                new_warning=new_warning,
            )
        )
    moves.sort(key=lambda move: move.number)
    return moves


def due_date_moves(*, user: User) -> DueMovesPreview:
    """The open orders ``user`` may see whose due date today's calendar moves (three queries)."""
    orders = orders_visible_to(user).open()  # type: ignore[attr-defined]
    rows = list(orders.values(*ROW_FIELDS))
    extensions = extension_days_of(orders.values("id"))
    return DueMovesPreview(moves=moves_for_rows(rows, extensions=extensions))
