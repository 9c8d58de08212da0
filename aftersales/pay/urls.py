"""Console pages of the pay context, mounted at /pay/."""

from django.urls import path

from aftersales.pay import views

app_name = "pay"
urlpatterns = [
    path("", views.pay_index, name="index"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/recompute/", views.run_recompute, name="run_recompute"),
    path("runs/<int:run_id>/transition/", views.run_transition, name="run_transition"),
    path("statements/<int:statement_id>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:statement_id>/entries/", views.statement_entries, name="statement_entries"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/<int:user_id>/", views.profile_edit, name="profile_edit"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
]
