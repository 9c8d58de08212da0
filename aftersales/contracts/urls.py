"""Contract screens under /contracts/."""

from django.urls import path

from aftersales.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("new/", views.contract_create, name="contract_create"),
    path("visits/", views.visit_calendar, name="visit_calendar"),
    path("<int:contract_id>/", views.contract_detail, name="contract_detail"),
    path("<int:contract_id>/plans/", views.contract_add_plan, name="contract_add_plan"),
    path("<int:contract_id>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("<int:contract_id>/generate/", views.contract_generate, name="contract_generate"),
    path("<int:contract_id>/ledger/", views.contract_ledger, name="contract_ledger"),
    path("<int:contract_id>/ledger/book/", views.ledger_book, name="ledger_book"),
    path("<int:contract_id>/ledger/release/", views.ledger_release, name="ledger_release"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:project_id>/print/", views.project_print, name="project_print"),
    path("projects/<int:project_id>/problems/", views.project_add_problem, name="project_add_problem"),
    path("projects/<int:project_id>/problems/<int:problem_id>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("projects/<int:project_id>/sign-off/", views.project_sign_off, name="project_sign_off"),
]
