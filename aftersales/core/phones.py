"""Phone numbers: parsed and normalised with ``phonenumbers`` (mainland China by default)."""

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
