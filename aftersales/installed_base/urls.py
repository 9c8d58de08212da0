"""/units/picker/: the unit picker's options. The unit screens themselves are care's (the customer file)."""

from django.urls import path

from aftersales.installed_base import views

app_name = "installed_base"

urlpatterns = [
    path("picker/", views.picker, name="picker"),
]
