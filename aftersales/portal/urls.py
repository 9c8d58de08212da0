"""The customer's portal (``/portal/``) and the QR code's public page (``/portal/u/<token>/``)."""

from django.urls import path

from aftersales.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in_view, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("report/", views.report, name="report"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/record/", views.order_record, name="order_record"),
    path("orders/<int:order_id>/visits/<int:visit_id>/signature.png", views.visit_signature, name="visit_signature"),
    path("orders/<int:order_id>/photos/<int:photo_id>", views.order_photo, name="order_photo"),
    path("u/<str:token>/", views.unit_public, name="unit_public"),
    path("u/<str:token>/report/", views.unit_public_report, name="unit_public_report"),
]
