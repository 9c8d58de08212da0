"""The portal's settings (``settings.AFTERSALES``), each with its default here (docs/portal.md)."""

from django.conf import settings

DEFAULTS: dict[str, int | bool] = {
    # A one-time sign-in code: digits, lifetime, wrong tries before it is spent.
    "PORTAL_CODE_DIGITS": 6,
    "PORTAL_CODE_SECONDS": 600,
    "PORTAL_CODE_TRIES": 5,
    # Codes requested for one mobile: at most one a minute and this many an hour; from one address:
    # this many an hour over every mobile (whether the number is known or not).
    "PORTAL_CODE_INTERVAL_SECONDS": 60,
    "PORTAL_CODES_PER_MOBILE_PER_HOUR": 5,
    "PORTAL_CODES_PER_ADDRESS_PER_HOUR": 20,
    # A customer's session: ended after this many idle minutes, and this many hours after sign-in.
    "PORTAL_SESSION_IDLE_MINUTES": 60,
    "PORTAL_SESSION_MAX_HOURS": 72,
    # Fault reports one person may send in 24 hours, and photos per report.
    "PORTAL_REPORTS_PER_DAY": 10,
    "PORTAL_PHOTOS_PER_REPORT": 3,
    # A contact who is not the company's administrator sees only the orders they reported (False) or
    # every order of the company (True). Every contact sees the company's units.
    "PORTAL_CONTACTS_SEE_COMPANY_ORDERS": False,
}


def setting(name: str) -> int:
    return int(settings.AFTERSALES.get(name, DEFAULTS[name]))


def flag(name: str) -> bool:
    return bool(settings.AFTERSALES.get(name, DEFAULTS[name]))
