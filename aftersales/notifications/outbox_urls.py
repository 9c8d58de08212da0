"""The outbox screen, a settings section mounted at /settings/outbox/ (before the generic settings screens)."""

from django.urls import path

from aftersales.notifications import views_outbox

app_name = "notifications_outbox"

urlpatterns = [
    path("", views_outbox.OutboxListView.as_view(), name="list"),
    path("<int:message_id>/", views_outbox.OutboxDetailView.as_view(), name="detail"),
    path("<int:message_id>/requeue/", views_outbox.OutboxRequeueView.as_view(), name="requeue"),
    path("<int:message_id>/cancel/", views_outbox.OutboxCancelView.as_view(), name="cancel"),
]
