"""Reads of the spare-parts context with domain names. Every list goes through the scoping
functions of ``permissions``; money reads a part's list price through ``list_price``."""

import datetime
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from aftersales.accounts.models import User
from aftersales.parts.models import Location, Part, PartPrice, Stock, StockMove, StockTake
from aftersales.parts.permissions import locations_visible_to, stock_takes_visible_to


def list_price(part: Part | int, *, on: datetime.date) -> Decimal | None:
    """The list price (明码标价) of ``part`` in force on ``on``: the latest price valid from that day
    or before; ``None`` when it has none yet. The public selector money reads prices through."""
    part_id = part if isinstance(part, int) else part.pk
    row = (
        PartPrice.objects.filter(part_id=part_id, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("price", flat=True)
        .first()
    )
    return row


def list_prices(part_ids: list[int], *, on: datetime.date) -> dict[int, Decimal]:
    """``list_price`` for many parts in one query."""
    prices: dict[int, Decimal] = {}
    rows = (
        PartPrice.objects.filter(part_id__in=part_ids, valid_from__lte=on)
        .order_by("part_id", "-valid_from")
        .values_list("part_id", "price")
    )
    for part_id, price in rows:
        prices.setdefault(part_id, price)
    return prices


def parts_matching(q: str = "") -> QuerySet[Part]:
    """The catalogue, optionally searched by number or name."""
    qs = Part.objects.select_related("supplier").order_by("number")
    q = q.strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q))
    return qs


def catalogue_scope(user: User, parts: QuerySet[Part]) -> QuerySet[Part]:
    """The catalogue's settings list: every part (the predicate decides who edits), with its supplier."""
    return parts.select_related("supplier")


def stock_visible_to(user: User) -> QuerySet[Stock]:
    return Stock.objects.filter(location__in=locations_visible_to(user).values("pk"))


def stock_of(part: Part, *, location: Location) -> Stock | None:
    return Stock.objects.filter(part=part, location=location).first()


def shortages(*, locations: QuerySet[Location]) -> QuerySet[Stock]:
    """The balances below their minimum (available + in transit < minimum) at ``locations``,
    warranty-critical parts first."""
    return (
        Stock.objects.filter(location__in=locations.values("pk"), min_qty__gt=0)
        .filter(on_hand__lt=F("min_qty") + F("reserved") - F("in_transit"))
        .select_related("part", "location")
        .order_by("-part__warranty_critical", "location__code", "part__number")
    )


def ledger_of(*, part: Part | None = None, location: Location | None = None) -> QuerySet[StockMove]:
    qs = StockMove.objects.select_related("part", "location", "actor", "order").order_by("-id")
    if part is not None:
        qs = qs.filter(part=part)
    if location is not None:
        qs = qs.filter(location=location)
    return qs


def stock_take_list(*, user: User) -> QuerySet[StockTake]:
    """The stock-take list's rows and its export's: the counts of the locations ``user`` sees, newest first."""
    return stock_takes_visible_to(user).select_related("location").order_by("-id")
