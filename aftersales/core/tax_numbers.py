"""Tax numbers (纳税人识别号) and the unified social credit code (统一社会信用代码, GB 32100-2015).

A buyer's tax number on an invoice may still be an older 15- or 20-character one; a company's own
code (the seller on quotes and invoices) is the 18-character unified code, whose last character is a
check character over the other 17 (GB 32100 §4.2: characters 0-9 and A-Z without I, O, S, V, Z).
"""

import re

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import require_text

# Digits and capital letters: 18 (the unified code), or 15 or 20 on older ones. "abc" was taken as a
# buyer's number (found by hand, 2026-12-06).
TAX_NUMBER = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{18}|[0-9A-Z]{20}")
TAX_NUMBER_MAX_LENGTH = 20

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are ``first17``."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def is_credit_code(code: str) -> bool:
    """Whether ``code`` (upper case) is an 18-character unified social credit code with its check character."""
    if len(code) != CREDIT_CODE_LENGTH or any(c not in CREDIT_CODE_CHARS for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def require_tax_number(value: str | None, *, field: str, required: bool = False) -> str:
    """A buyer's tax number, upper-cased: 18 digits and capital letters (15 or 20 on older ones)."""
    number = require_text(value, field=field, max_length=TAX_NUMBER_MAX_LENGTH, required=required).upper()
    if number and not TAX_NUMBER.fullmatch(number):
        raise ValidationFailed(
            "invalid_tax_number",
            _("A tax number has 18 digits and capital letters (15 or 20 on older ones)."),
            field=field,
        )
    return number


def require_credit_code(value: str | None, *, field: str, required: bool = False) -> str:
    """A company's own unified social credit code, upper-cased: the buyer's check first, then the
    18-character form with a correct check character (a typo on every quote and invoice is caught here)."""
    code = require_tax_number(value, field=field, required=required)
    if code and not is_credit_code(code):
        raise ValidationFailed(
            "invalid_credit_code",
            _("Not a unified social credit code: 18 characters whose last one is the check character."),
            field=field,
        )
    return code
