"""The import screen, mounted at /import/."""

from django.urls import path

from aftersales.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.import_page, name="import"),
    path("preview/", views.import_preview, name="preview"),
    path("run/", views.import_run, name="run"),
    path("jobs/<uuid:job_id>/", views.import_status, name="job"),
    path("template/<str:kind>.<str:fmt>", views.import_template, name="template"),
]
