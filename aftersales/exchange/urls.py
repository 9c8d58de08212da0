"""The import screen (/import/) and the screens' downloads (/exports/)."""

from django.urls import path

from aftersales.exchange import views

app_name = "exchange"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/preview/", views.import_preview, name="preview"),
    path("import/run/", views.import_run, name="run"),
    path("import/jobs/<uuid:job_id>/", views.import_status, name="job"),
    path("import/template/<str:kind>.<str:fmt>", views.import_template, name="template"),
    path("exports/orders.xlsx", views.order_export, name="order_export"),
    path("exports/<slug:kind>.<slug:fmt>", views.export_download, name="export"),
]
