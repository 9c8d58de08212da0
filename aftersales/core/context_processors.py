from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict[str, str]:
    """Company name and logo for page headers and the printable service form."""
    return {
        "company_name": settings.AFTERSALES["COMPANY_NAME"],
        "company_logo": settings.AFTERSALES["COMPANY_LOGO"],
    }
