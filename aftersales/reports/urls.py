"""Report screens: /reports/ (the dashboards), /reports/<figure>/records/ (the records behind a figure),
/reports/periodic/ (the monthly, quarterly and yearly report, its PDF and xlsx), /reports/schedules/."""

from django.urls import path

from aftersales.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("periodic/", views.periodic, name="periodic"),
    path("periodic/pdf/", views.periodic_pdf, name="periodic_pdf"),
    path("periodic/xlsx/", views.periodic_xlsx, name="periodic_xlsx"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<int:schedule_id>/", views.schedule_detail, name="schedule_detail"),
    path("schedules/<int:schedule_id>/active/", views.schedule_active, name="schedule_active"),
    path("schedules/<int:schedule_id>/delete/", views.schedule_delete, name="schedule_delete"),
    path("<slug:figure>/records/", views.figure_records, name="records"),
]
