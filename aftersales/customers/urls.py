"""/customers/picker/: the customer picker's options. The customer screens themselves are care's."""

from django.urls import path

from aftersales.customers import views

app_name = "customers"

urlpatterns = [
    path("picker/", views.picker, name="picker"),
]
