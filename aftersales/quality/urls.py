"""Quality feedback screens: /quality/failures/ (statistics and their records), /quality/cases/."""

from django.urls import path

from aftersales.quality import views

app_name = "quality"

urlpatterns = [
    path("failures/", views.failures, name="failures"),
    path("failures/orders/", views.failure_orders, name="failure_orders"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:case_id>/move/", views.case_move, name="case_move"),
    path("cases/<int:case_id>/comment/", views.case_comment, name="case_comment"),
]
