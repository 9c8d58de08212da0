"""Service centres, edited in settings."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import (
    can_create_centre,
    can_edit_centre,
    can_manage_settings,
    can_see_centre,
)
from aftersales.accounts.services.common import _announce, _audit, _changed
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.core.validation import require_text


def _centre_fields(*, code: str, name: str, region: str, phone: str, address: str) -> dict[str, str]:
    return {
        "code": require_text(code, field="code", max_length=20).upper(),
        "name": require_text(name, field="name", max_length=100),
        "region": require_text(region, field="region", max_length=100),
        "phone": require_text(phone, field="phone", max_length=20, required=False),
        "address": require_text(address, field="address", max_length=255, required=False),
    }


def _check_centre_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    taken = ServiceCenter.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ConflictError("duplicate_code", _("A service centre with this code exists."), field="code")


@transaction.atomic
def create_service_center(
    *, by: User, code: str, name: str, region: str, phone: str = "", address: str = ""
) -> ServiceCenter:
    """Add a service centre (服务网点). Administrators only; the code is unique (imports name centres by it)."""
    if not can_create_centre(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may add service centres."))
    fields = _centre_fields(code=code, name=name, region=region, phone=phone, address=address)
    _check_centre_code_free(fields["code"])
    centre = ServiceCenter.objects.create(**fields)
    _audit(by=by, action="accounts.create_service_center", detail={"centre": centre.pk, **fields}, target=centre)
    _announce(
        target=centre,
        type="service_center.created",
        by=by,
        changes=_changed({}, {k: v for k, v in fields.items() if v}),
    )
    return centre


@transaction.atomic
def update_service_center(
    *, centre: ServiceCenter, by: User, code: str, name: str, region: str, phone: str = "", address: str = ""
) -> ServiceCenter:
    """Edit a centre: administrators any, a service manager their own (its code stays: imports use it)."""
    if not can_manage_settings(by):
        raise PermissionDeniedError("forbidden", _("You may not edit this service centre."))
    centre = ServiceCenter.objects.select_for_update().get(pk=centre.pk)
    if not can_see_centre(by, centre.pk):
        raise NotFoundError("not_found", _("No such service centre."))
    if not can_edit_centre(by, centre):
        raise PermissionDeniedError("forbidden", _("You may not edit this service centre."))
    fields = _centre_fields(code=code, name=name, region=region, phone=phone, address=address)
    if fields["code"] != centre.code:
        if not can_create_centre(by):
            raise PermissionDeniedError("forbidden", _("Only administrators may change a centre's code."), field="code")
        _check_centre_code_free(fields["code"], exclude_pk=centre.pk)
    previous = {key: getattr(centre, key) for key in fields}
    for key, value in fields.items():
        setattr(centre, key, value)
    centre.save(update_fields=[*fields, "updated_at"])
    _audit(
        by=by,
        action="accounts.update_service_center",
        detail={"centre": centre.pk, "previous": previous, "new": fields},
        target=centre,
    )
    _announce(target=centre, type="service_center.updated", by=by, changes=_changed(previous, fields))
    return centre
