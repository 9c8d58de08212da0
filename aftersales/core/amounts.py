"""Amounts of money (CNY, Decimal end to end): the fen they are rounded to, and the text an amount is
written in wherever one is typed (the API's ``core.schemas.Money``, the console's expense forms)."""

import re
from decimal import Decimal

FEN = Decimal("0.01")

# Plain decimal digits, no sign: Decimal() alone also reads "1e9", "Infinity" and full-width digits.
DECIMAL_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")
# The same with an optional "-": a decimal as the API takes it where the service checks the sign itself.
SIGNED_DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

# An amount as the API takes it: at most ten digits before the point and two after.
AMOUNT_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
AMOUNT_TEXT = re.compile(AMOUNT_PATTERN)
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"
