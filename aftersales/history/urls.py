"""Console pages of the history app, mounted at /history/."""

from django.urls import path

from aftersales.history import views

app_name = "history"
urlpatterns = [
    path("<str:target>/<int:pk>/", views.history_rows, name="rows"),
]
