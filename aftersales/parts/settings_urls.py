"""The settings section of stock locations, mounted at /settings/part-locations/ (before the generic
settings screens, which serve the suppliers)."""

from django.urls import path

from aftersales.parts import views_settings

app_name = "parts_settings"

urlpatterns = [
    path("", views_settings.LocationListView.as_view(), name="location_list"),
    path("new/", views_settings.LocationCreateView.as_view(), name="location_create"),
    path("<int:pk>/", views_settings.LocationUpdateView.as_view(), name="location_edit"),
]
