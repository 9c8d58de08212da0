from django.conf import settings
from django.http import HttpRequest

from aftersales.accounts.selectors import Company, company_profile


def branding(request: HttpRequest | None = None) -> dict[str, str | Company]:
    """The company profile (``company``: name, hotline, address, the seller's particulars) and logo for
    page headers, prints and the portal, read from the cache, not the database. A page renders its panels
    with the request too, so the profile read is kept on the request: one cache read per request. Also
    called with no request for what is rendered outside one (a scheduled report's PDF)."""
    company = getattr(request, "_company_profile", None)
    if company is None:
        company = company_profile()
        if request is not None:
            request._company_profile = company  # type: ignore[attr-defined]
    return {
        "company": company,
        "company_name": company.name,
        "company_logo": settings.AFTERSALES["COMPANY_LOGO"],
    }
