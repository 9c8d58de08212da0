"""Input checks shared by the parts services: quantities, money, scope."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.amounts import FEN
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.parts.models import Location, Part
from aftersales.parts.permissions import can_manage_location, location_in_scope

QTY_MAX = Decimal("999999999")
MONEY_MAX = Decimal("9999999999")


def clean_quantity(value: Any, *, part: Part, field: str = "quantity", allow_zero: bool = False) -> Decimal:
    """A positive quantity with at most three decimals; whole units (pieces, sets) take whole numbers.
    ``allow_zero``: 0 is a quantity too (a count, a stock level), so only a negative one is refused, and said
    so (QA, 2026-12-07: a count of -1 answered "must be more than zero" though 0 is taken)."""
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed("invalid_quantity", _("Enter a number."), field=field) from None
    if not quantity.is_finite():
        raise ValidationFailed("invalid_quantity", _("Enter a number."), field=field)
    if allow_zero and quantity == 0:
        return Decimal(0)
    if quantity < 0 and allow_zero:
        raise ValidationFailed("invalid_quantity", _("The quantity cannot be negative."), field=field)
    if quantity <= 0:
        raise ValidationFailed("invalid_quantity", _("The quantity must be more than zero."), field=field)
    if quantity > QTY_MAX or quantity.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValidationFailed("invalid_quantity", _("At most three decimal places, below a billion."), field=field)
    if part.whole_units and quantity != quantity.to_integral_value():
        raise ValidationFailed(
            "fractional_quantity",
            _("%(part)s is counted in whole units: no fractions.") % {"part": part.number},
            field=field,
        )
    return quantity


def clean_money(value: Any, *, field: str, required: bool = True) -> Decimal | None:
    """CNY to the fen, not negative."""
    if value is None or value == "":
        if required:
            raise ValidationFailed("required", _("This field is required."), field=field)
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed("invalid_amount", _("Enter an amount in yuan."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX:
        raise ValidationFailed("invalid_amount", _("Enter an amount from 0 to 9,999,999,999."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed("invalid_amount", _("An amount has at most two decimals (fen)."), field=field)
    return amount.quantize(FEN)  # "0" is answered as "0.00", like every amount


def require_location_in_scope(location: Location, *, by: User) -> None:
    if not location_in_scope(by, location):
        raise NotFoundError("not_found", _("No such stock location."), field="location")


def require_manages(location: Location, *, by: User) -> None:
    """404 outside the caller's scope, 403 when they may read it but not move its stock."""
    require_location_in_scope(location, by=by)
    if not can_manage_location(by, location):
        raise PermissionDeniedError("forbidden", _("Only the parts keeper moves stock at %(loc)s.") % {"loc": location})


def lock_in_status[M: Model](record: M, *, status: str, related: tuple[str, ...] = ()) -> M:
    """``record`` read again under a row lock; 409 ``invalid_transition`` unless it is in ``status``
    (a request, loan or stock-take moves only from the state its action needs)."""
    model = type(record)
    locked = model._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)
    if locked.status != status:  # type: ignore[attr-defined]
        raise ConflictError(
            "invalid_transition",
            _("%(record)s %(number)s is %(status)s.")
            % {
                "record": str(model._meta.verbose_name).capitalize(),
                "number": locked.number,  # type: ignore[attr-defined]
                "status": locked.get_status_display(),  # type: ignore[attr-defined]
            },
            field="status",
        )
    return locked
