from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from aftersales.api import api
from aftersales.console import views as console_views
from aftersales.core.views import healthz

# Under /api/ a 400 answered by Django itself (a body or a form over its limits) is JSON, like every
# other API answer (core.http_errors); screens keep Django's page.
handler400 = "aftersales.core.http_errors.bad_request"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: under /portal/ the customer's own 404, whose logo and "back" lead to the portal's
    home; the console's (404.html) leads to /, which sends a customer to the staff sign-in (QA 2026-12-07)."""
    template = "portal/404.html" if request.path.startswith("/portal/") else "404.html"
    return defaults.page_not_found(request, exception, template_name=template)


handler404 = page_not_found

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # The admin's own login, throttled like /login/ (answers 429 during a back-off).
    path("admin/login/", console_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", console_views.set_language, name="set_language"),
    path("calendar/", include("aftersales.calendars.urls")),
    path("history/", include("aftersales.history.urls")),
    path("notifications/", include("aftersales.notifications.urls")),
    path("pay/", include("aftersales.pay.urls")),
    path("workforce/", include("aftersales.workforce.urls")),
    path("devices/", include("aftersales.devices.urls")),
    path("", include("aftersales.exchange.urls")),
    path("settings/product-models/", include("aftersales.catalog.urls")),
    path("settings/part-locations/", include("aftersales.parts.settings_urls")),
    path("settings/outbox/", include("aftersales.notifications.outbox_urls")),
    path("settings/", include("aftersales.accounts.urls")),
    path("money/", include("aftersales.money.urls")),
    path("q/", include("aftersales.money.public_urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("contracts/", include("aftersales.contracts.urls")),
    path("quality/", include("aftersales.quality.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("portal-admin/", include("aftersales.portal.staff_urls")),
    path("repurchase/", include("aftersales.repurchase.urls")),
    path("reports/", include("aftersales.reports.urls")),
    path("customers/", include("aftersales.customers.urls")),  # before care's customers/<id>/ screens
    path("units/", include("aftersales.installed_base.urls")),
    path("", include("aftersales.service.urls")),
    path("", include("aftersales.care.urls")),
    path("", include("aftersales.console.urls")),
    # Last: /settings/ and the sections served by the generic settings screens (/settings/<key>/).
    path("settings/", include("aftersales.core.settings_urls")),
]
