from django.contrib import admin
from django.urls import include, path

from aftersales.api import api
from aftersales.console import views as console_views
from aftersales.core.views import healthz

# Under /api/ a 400 answered by Django itself (a body or a form over its limits) is JSON, like every
# other API answer (core.http_errors); screens keep Django's page.
handler400 = "aftersales.core.http_errors.bad_request"

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
    path("", include("aftersales.service.urls")),
    path("", include("aftersales.care.urls")),
    path("", include("aftersales.console.urls")),
    # Last: /settings/ and the sections served by the generic settings screens (/settings/<key>/).
    path("settings/", include("aftersales.core.settings_urls")),
]
