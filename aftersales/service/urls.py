"""Console URLs of the service context: each screen module contributes its own patterns."""

from aftersales.service.views import dispatch, due_moves, intake, orders, settings, technician

app_name = "service"

urlpatterns = [
    *orders.urlpatterns,
    *due_moves.urlpatterns,
    *intake.urlpatterns,
    *dispatch.urlpatterns,
    *technician.urlpatterns,
    *settings.urlpatterns,
]
