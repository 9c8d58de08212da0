from django.urls import path

from aftersales.money import views

app_name = "money"

urlpatterns = [
    path("orders/<int:order_id>/", views.order_charges, name="order_charges"),
    path("orders/<int:order_id>/charges/", views.charge_add, name="charge_add"),
    path("orders/<int:order_id>/quotes/", views.quote_send, name="quote_send"),
    path("orders/<int:order_id>/invoice/", views.invoice_create, name="invoice_create"),
    path("charges/<int:line_id>/bearer/", views.charge_bearer, name="charge_bearer"),
    path("charges/<int:line_id>/void/", views.charge_void, name="charge_void"),
    path("quotes/<int:quote_id>/withdraw/", views.quote_withdraw, name="quote_withdraw"),
    path("quotes/<int:quote_id>/print/", views.quote_print, name="quote_print"),
    path("quotes/<int:quote_id>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("quotes/<int:quote_id>/sign/", views.quote_sign, name="quote_sign"),
    path("quotes/<int:quote_id>/signature.png", views.quote_signature, name="quote_signature"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/print/", views.invoice_print, name="invoice_print"),
    path("invoices/<int:invoice_id>/<slug:action>/", views.invoice_action, name="invoice_action"),
    path("receivables/", views.receivables, name="receivables"),
    path("logistics/", views.logistics_view, name="logistics"),
    path("logistics/<int:request_id>/pickup-notice/", views.pickup_notice, name="pickup_notice"),
    path("orders/<int:order_id>/factory/", views.factory_ship, name="factory_ship"),
    path("factory-returns/<int:return_id>/<slug:action>/", views.factory_action, name="factory_action"),
    path("orders/<int:order_id>/exchange/", views.exchange_request, name="exchange_request"),
    path("exchanges/<int:exchange_id>/<slug:action>/", views.exchange_action, name="exchange_action"),
    path("orders/<int:order_id>/installation/", views.installation_plan, name="installation_plan"),
    path(
        "installations/<int:installation_id>/commissioning/",
        views.installation_commissioning,
        name="installation_commissioning",
    ),
    path("installations/<int:installation_id>/accept/", views.installation_accept, name="installation_accept"),
    path(
        "installations/<int:installation_id>/signature.png",
        views.installation_signature,
        name="installation_signature",
    ),
]
