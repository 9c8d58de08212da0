"""Console URLs of the service context: each screen module contributes its own patterns."""

from aftersales.service.views import dispatch, intake, orders, settings, technician

app_name = "service"

urlpatterns = [
    *orders.urlpatterns,
    *intake.urlpatterns,
    *dispatch.urlpatterns,
    *technician.urlpatterns,
    *settings.urlpatterns,
]
