"""Console pages of the notifications app, mounted at /notifications/."""

from django.urls import path

from aftersales.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("<int:notice_id>/read/", views.notice_read, name="read"),
    path("<int:notice_id>/open/", views.notice_open, name="open"),
]
