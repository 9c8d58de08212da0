"""The price list: prices are added, never edited (a later ``valid_from`` replaces an earlier one)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import require_choice, require_in_range, require_text
from aftersales.money.choices import PriceKind
from aftersales.money.conf import default_tax_rate
from aftersales.money.models import Price
from aftersales.money.permissions import can_manage_prices
from aftersales.money.services.common import require_amount, require_tax_rate


@transaction.atomic
def add_price(
    *,
    by: User,
    code: str,
    name: str,
    kind: str,
    amount: Any,
    valid_from: datetime.date,
    unit: str = "次",
    standard_hours: Any = None,
    tax_rate: Any = None,
) -> Price:
    """A price from ``valid_from`` on. The same code and date twice answers 409 ``price_exists``."""
    if not can_manage_prices(by):
        raise PermissionDeniedError("forbidden", _("Your role may not change the price list."))
    code = require_text(code, field="code", max_length=30).upper()
    name = require_text(name, field="name", max_length=100)
    kind = require_choice(kind, field="kind", choices=PriceKind)
    amount = require_amount(amount, field="amount")
    unit = require_text(unit, field="unit", max_length=10)
    rate = default_tax_rate() if tax_rate is None else require_tax_rate(tax_rate)
    if require_in_range(valid_from, field="valid_from") is None:
        raise ValidationFailed("required", _("Give the date the price applies from."), field="valid_from")
    hours: Decimal | None = None
    if standard_hours not in (None, ""):
        hours = require_amount(standard_hours, field="standard_hours", allow_zero=False)
    if kind == PriceKind.LABOUR_JOB and hours is None:
        raise ValidationFailed("required", _("A standard job needs its standard hours."), field="standard_hours")
    if Price.objects.filter(code=code, valid_from=valid_from).exists():
        raise ConflictError("price_exists", _("This code has a price from that date already."), field="valid_from")
    try:
        with transaction.atomic():
            return Price.objects.create(
                code=code,
                name=name,
                kind=kind,
                amount=amount,
                unit=unit,
                standard_hours=hours,
                tax_rate=rate,
                valid_from=valid_from,
                created_by=by,
            )
    except IntegrityError as exc:  # the same price added twice at once
        raise ConflictError(
            "price_exists", _("This code has a price from that date already."), field="valid_from"
        ) from exc
