"""Phone numbers: parsed and normalised with ``phonenumbers`` (mainland China by default)."""

import re

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

# A number as people type it ("+86 138 0013 8000", with spaces or dashes) before it is normalised to
# E.164 (at most 16 characters, what the model fields hold).
PHONE_INPUT_MAX_LENGTH = 30


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """Return the number in E.164 (``+8613812345678``) or raise ``invalid_phone``."""
    text = (raw or "").strip()
    try:
        parsed = phonenumbers.parse(text, settings.AFTERSALES["DEFAULT_PHONE_REGION"])
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(
            "invalid_phone", _("“%(value)s” is not a valid phone number.") % {"value": text[:40]}, field=field
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# The 客服热线 of many companies is a 95xxx service number (national, 5 or 6 digits: 95105, 95588) or a
# 96xxx one (local, 5 or 6 digits); ``phonenumbers`` knows them as short numbers only, which its
# ``is_valid_number`` refuses. Other short numbers (110, 10086, 12345) are nobody's company hotline.
SERVICE_NUMBER_PREFIXES = ("95", "96")


def normalize_hotline(raw: str, *, field: str = "hotline") -> str:
    """A number customers are told to call, in the form it is shown and printed: a 95xxx/96xxx service
    number as its digits (``95105``), any number ``normalize_phone`` accepts (a 400 or 800 number, a
    landline, a mobile) as ``display_phone`` shows it (``400 800 1234``); anything else raises
    ``invalid_phone``. For hotlines only: a person's or a centre's phone is never a service number."""
    text = (raw or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    if digits.startswith(SERVICE_NUMBER_PREFIXES):
        region = settings.AFTERSALES["DEFAULT_PHONE_REGION"]
        try:
            parsed = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is not None and phonenumbers.is_valid_short_number_for_region(parsed, region):
            return str(parsed.national_number)
    return display_phone(normalize_phone(text, field=field))


def phone_search_key(raw: str) -> str | None:
    """The E.164 form for a lookup, or ``None`` when the text is not a phone number."""
    try:
        return normalize_phone(raw)
    except ValidationFailed:
        return None


def display_phone(e164: str) -> str:
    """For screens: a mainland number in the national format (``138 1234 5678``), any other with its
    country code (``+1 202-555-0100``; the national format dropped the +1, found by hand, 2026-12-06)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    mainland = parsed.country_code == 86
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if mainland else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, fmt)


MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def is_mobile(e164: str) -> bool:
    """Whether a stored number can receive an SMS: a mobile (``+8613812345678``), not a landline, a
    400/800 number or a centre's switchboard (a reporter may have given any of them)."""
    try:
        parsed = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in MOBILE_TYPES
