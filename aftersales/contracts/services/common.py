"""Checks the contracts services share."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.contracts.models import Contract, Project
from aftersales.contracts.permissions import in_scope
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed

CENT = Decimal("0.01")


def require(allowed: bool, detail: str) -> None:
    if not allowed:
        raise PermissionDeniedError("forbidden", detail)


def lock_contract(contract: Contract, *, by: User) -> Contract:
    """Re-read the contract under a row lock: 404 when it is outside ``by``'s scope."""
    locked = in_scope(Contract.objects.select_for_update(of=("self",)), by).filter(pk=contract.pk).first()
    if locked is None:
        raise NotFoundError("not_found", _("No such contract."))
    return locked


def lock_project(project: Project, *, by: User) -> Project:
    locked = in_scope(Project.objects.select_for_update(of=("self",)), by).filter(pk=project.pk).first()
    if locked is None:
        raise NotFoundError("not_found", _("No such project."))
    return locked


def require_amount(value: object, *, field: str, allow_zero: bool = True, allow_negative: bool = False) -> Decimal:
    """An amount in CNY to the fen (a string or a Decimal; a float is refused so no binary fraction
    sneaks in)."""
    if isinstance(value, float) or value is None or isinstance(value, bool):
        raise ValidationFailed("invalid_amount", _("Give the amount in yuan, e.g. 1200.00."), field=field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed("invalid_amount", _("Give the amount in yuan, e.g. 1200.00."), field=field) from exc
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= Decimal("1000000000000"):
        raise ValidationFailed("invalid_amount", _("Give the amount in yuan to the fen, e.g. 1200.00."), field=field)
    if amount < 0 and not allow_negative:
        raise ValidationFailed("invalid_amount", _("The amount cannot be negative."), field=field)
    if amount == 0 and not allow_zero:
        raise ValidationFailed("invalid_amount", _("The amount cannot be zero."), field=field)
    return amount.quantize(CENT)
