"""The public price list (明码标价, domain.md §1): parts with the list price in force today, and labour
rates, for anyone the company chooses (``AFTERSALES["PRICE_LIST_VISIBILITY"]``: "public" or
"signed_in")."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery

from aftersales.core.amounts import FEN
from aftersales.core.pagination import Page, keyset_page
from aftersales.parts.models import LabourRate, Part, PartPrice


def price_list_is_public() -> bool:
    return settings.AFTERSALES.get("PRICE_LIST_VISIBILITY", "public") == "public"


def may_see_price_list(user: Any) -> bool:
    return price_list_is_public() or bool(user is not None and user.is_authenticated and user.is_active)


def priced_parts(*, on: datetime.date, q: str = "") -> QuerySet[Part]:
    """Active parts that have a list price on ``on``, annotated with it (``price``)."""
    current = (
        PartPrice.objects.filter(part=OuterRef("pk"), valid_from__lte=on).order_by("-valid_from").values("price")[:1]
    )
    qs = (
        Part.objects.filter(active=True)
        .annotate(price=Subquery(current, output_field=DecimalField(max_digits=12, decimal_places=2)))
        .filter(price__isnull=False)
    )
    q = q.strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(name__icontains=q))
    return qs


def price_page(*, on: datetime.date, q: str = "", cursor: str | None = None, limit: int = 50) -> Page:
    page = keyset_page(priced_parts(on=on, q=q), ordering=("number",), cursor=cursor, limit=limit)
    for part in page.items:  # SQLite hands a subquery's decimal back unscaled (80, not 80.00)
        part.price = Decimal(part.price).quantize(FEN)
    return page


def labour_rates() -> list[LabourRate]:
    return list(LabourRate.objects.filter(active=True).order_by("code"))
