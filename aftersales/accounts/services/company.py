"""The company profile (公司信息): one row administrators save in settings."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import CompanyProfile, User
from aftersales.accounts.permissions import (
    can_edit_company_profile,
)
from aftersales.accounts.services.common import _announce, _audit, _changed
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.phones import PHONE_INPUT_MAX_LENGTH, normalize_hotline
from aftersales.core.tax_numbers import require_credit_code
from aftersales.core.validation import require_text

POSTCODE = re.compile(r"[0-9]{6}")


BANK_ACCOUNT = re.compile(r"[0-9]{8,32}")


def _company_fields(
    *,
    name: str,
    hotline: str,
    address: str,
    postcode: str,
    email: str,
    credit_code: str,
    bank_name: str,
    bank_account: str,
) -> dict[str, str]:
    hotline = require_text(hotline, field="hotline", max_length=PHONE_INPUT_MAX_LENGTH, required=False)
    postcode = require_text(postcode, field="postcode", max_length=6, required=False)
    if postcode and not POSTCODE.fullmatch(postcode):
        raise ValidationFailed("invalid_postcode", _("A postcode has 6 digits."), field="postcode")
    email = require_text(email, field="email", max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed("invalid_email", _("Enter a valid e-mail address."), field="email") from None
    # Typed with spaces or dashes as printed on a bank slip; kept as digits only.
    account = re.sub(r"[\s-]", "", require_text(bank_account, field="bank_account", max_length=40, required=False))
    if account and not BANK_ACCOUNT.fullmatch(account):
        raise ValidationFailed("invalid_bank_account", _("A bank account has 8 to 32 digits."), field="bank_account")
    fields = {
        "name": require_text(name, field="name", max_length=100),
        "hotline": normalize_hotline(hotline, field="hotline") if hotline else "",
        "address": require_text(address, field="address", max_length=255, required=False),
        "postcode": postcode,
        "email": email,
        "credit_code": require_credit_code(credit_code, field="credit_code"),
        "bank_name": require_text(bank_name, field="bank_name", max_length=100, required=False),
        "bank_account": account,
    }
    if fields["bank_account"] and not fields["bank_name"]:
        raise ValidationFailed("required", _("Name the bank of this account."), field="bank_name")
    if fields["bank_name"] and not fields["bank_account"]:
        raise ValidationFailed("required", _("Enter the account at this bank."), field="bank_account")
    return fields


@transaction.atomic
def update_company_profile(
    *,
    by: User,
    name: str,
    hotline: str = "",
    address: str = "",
    postcode: str = "",
    email: str = "",
    credit_code: str = "",
    bank_name: str = "",
    bank_account: str = "",
) -> CompanyProfile:
    """Save the company profile (administrators only): the name every header, print and SMS shows
    instead of ``AFTERSALES["COMPANY_NAME"]`` from then on, the 客服热线, the address and the seller's
    particulars on quotes and invoices. The name is required; the hotline is a 95xxx/96xxx service
    number, a 400/800 number, a landline or a mobile, kept as it is shown (``core.phones.normalize_hotline``);
    the unified social credit code has its check character (GB 32100); a bank account comes with its bank. The first save creates the
    one row; every save is audited and leaves a history row with what changed. The cached profile is
    forgotten by the model's signals (``accounts.selectors``)."""
    if not can_edit_company_profile(by):
        raise PermissionDeniedError("forbidden", _("Only administrators may change the company profile."))
    fields = _company_fields(
        name=name,
        hotline=hotline,
        address=address,
        postcode=postcode,
        email=email,
        credit_code=credit_code,
        bank_name=bank_name,
        bank_account=bank_account,
    )
    profile = CompanyProfile.objects.select_for_update().filter(pk=CompanyProfile.SINGLETON_ID).first()
    previous = {} if profile is None else {key: getattr(profile, key) for key in fields}
    if profile is None:
        profile = CompanyProfile.objects.create(pk=CompanyProfile.SINGLETON_ID, **fields)
    else:
        for key, value in fields.items():
            setattr(profile, key, value)
        profile.save(update_fields=[*fields, "updated_at"])
    _audit(
        by=by,
        action="accounts.update_company_profile",
        detail={"previous": previous, "new": fields},
        target=profile,
    )
    changes = _changed(previous, {k: v for k, v in fields.items() if v or k in previous})
    _announce(target=profile, type="company_profile.updated", by=by, changes=changes)
    return profile
