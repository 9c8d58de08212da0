"""QR label tokens: one in force per unit, unguessable (128 bits), revoked and replaced on demand."""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import NotFoundError, PermissionDeniedError
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit
from aftersales.portal.models import UnitToken
from aftersales.portal.permissions import can_print_labels, label_units_visible_to


def new_token() -> str:
    return secrets.token_urlsafe(16)


def ensure_unit_tokens(units: Iterable[Unit]) -> dict[int, str]:
    """The token in force of each unit, made for those without one (a label printed for the first
    time): ``{unit_id: token}``, two queries whatever the number of units."""
    ids = [unit.pk for unit in units]
    tokens = dict(UnitToken.objects.filter(unit_id__in=ids, revoked_at__isnull=True).values_list("unit_id", "token"))
    missing = [pk for pk in ids if pk not in tokens]
    if missing:
        rows = [UnitToken(unit_id=pk, token=new_token()) for pk in missing]
        # Two printers at once: the partial unique index keeps one token per unit; read the winners.
        UnitToken.objects.bulk_create(rows, ignore_conflicts=True)
        tokens.update(
            UnitToken.objects.filter(unit_id__in=missing, revoked_at__isnull=True).values_list("unit_id", "token")
        )
    return tokens


def unit_from_token(token: str) -> Unit:
    """The unit a label's token is in force for; 404 ``not_found`` for a forged or revoked one."""
    text = (token or "").strip()
    row = (
        UnitToken.objects.filter(token=text, revoked_at__isnull=True).select_related("unit__product_model").first()
        if 16 <= len(text) <= 43
        else None
    )
    if row is None:
        raise NotFoundError("not_found", _("This code is not (or no longer) valid."), field="token")
    return row.unit


@transaction.atomic
def reissue_unit_token(*, unit_id: int, by: User) -> UnitToken:
    """Revoke the unit's token (its printed labels stop working) and issue a new one."""
    if not can_print_labels(by):
        raise PermissionDeniedError("forbidden", _("Your role may not print QR labels."))
    unit = label_units_visible_to(by).select_related("customer").filter(pk=unit_id).first()
    if unit is None or not can_print_labels(by, centre_id=unit.customer.service_center_id):
        raise NotFoundError("not_found", _("No such unit."), field="unit_id")
    Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).first()  # one reissue of a unit at a time
    UnitToken.objects.filter(unit=unit, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token = UnitToken.objects.create(unit=unit, token=new_token())
    record_activity(target=unit, type="portal.label_reissued", by=by)
    return token
