"""Customer care screens: /customers/, /units/<id>/, /care/follow-ups/, /care/complaints/."""

from django.urls import path

from aftersales.care import views, views_reports

app_name = "care"

urlpatterns = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/contacts/", views.customer_log_contact, name="customer_log_contact"),
    path("customers/<int:customer_id>/complaints/", views.customer_open_complaint, name="customer_open_complaint"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/contact-people/new/", views.customer_add_contact, name="customer_add_contact"),
    path("customers/<int:customer_id>/sites/new/", views.customer_add_site, name="customer_add_site"),
    path("customers/<int:customer_id>/units/new/", views.customer_add_unit, name="customer_add_unit"),
    path(
        "customers/<int:customer_id>/contact-people/<int:contact_id>/edit/",
        views.customer_edit_contact,
        name="customer_edit_contact",
    ),
    path(
        "customers/<int:customer_id>/contact-people/<int:contact_id>/in-use/",
        views.customer_contact_in_use,
        name="customer_contact_in_use",
    ),
    path("customers/<int:customer_id>/sites/<int:site_id>/edit/", views.customer_edit_site, name="customer_edit_site"),
    path(
        "customers/<int:customer_id>/sites/<int:site_id>/in-use/",
        views.customer_site_in_use,
        name="customer_site_in_use",
    ),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/proof/", views.unit_proof, name="unit_proof"),
    path("units/<int:unit_id>/proof/file/", views.unit_proof_file, name="unit_proof_file"),
    path("units/<int:unit_id>/proof/file/download/", views.unit_proof_download, name="unit_proof_download"),
    path("care/follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("care/follow-ups/<int:task_id>/", views.follow_up_detail, name="follow_up_detail"),
    path("care/follow-ups/<int:task_id>/call/", views.follow_up_call, name="follow_up_call"),
    path("care/complaints/", views.complaint_list, name="complaint_list"),
    path("care/complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path("care/complaints/<int:complaint_id>/resolve/", views.complaint_resolve, name="complaint_resolve"),
    path("care/complaints/<int:complaint_id>/escalate/", views.complaint_escalate, name="complaint_escalate"),
    path("care/complaints/<int:complaint_id>/accept/", views.complaint_accept, name="complaint_accept"),
    path("care/campaigns/", views.campaign_list, name="campaign_list"),
    path("care/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("care/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("care/campaigns/<int:campaign_id>/letters/", views.campaign_letters, name="campaign_letters"),
    path("care/reports/", views_reports.report_month, name="report_month"),
    path("care/reports/year/", views_reports.report_year, name="report_year"),
]
