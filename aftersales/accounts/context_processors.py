import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from aftersales.accounts.selectors import Company, company_profile, default_company

logger = logging.getLogger(__name__)


def branding(request: HttpRequest | None = None) -> dict[str, str | Company]:
    """The company profile (``company``: name, hotline, address, the seller's particulars) and logo for
    page headers, prints and the portal, read from the cache, not the database. A page renders its panels
    with the request too, so the profile read is kept on the request: one cache read per request. Also
    called with no request for what is rendered outside one (a scheduled report's PDF).

    With the database down (or not migrated) and the profile not cached, a page shows the environment's
    name (``AFTERSALES["COMPANY_NAME"]``) instead of answering 500: the sign-in page and the error
    pages need no other query. Nothing is cached then, so the saved profile shows once it is read."""
    company = getattr(request, "_company_profile", None)
    if company is None:
        try:
            company = company_profile()
        except DatabaseError:
            logger.warning("company profile unreadable, showing AFTERSALES['COMPANY_NAME']", exc_info=True)
            company = default_company()
        if request is not None:
            request._company_profile = company  # type: ignore[attr-defined]
    return {
        "company": company,
        "company_name": company.name,
        "company_logo": settings.AFTERSALES["COMPANY_LOGO"],
    }
