"""Console URLs of connected equipment (mounted at /devices/)."""

from django.urls import path

from aftersales.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.health, name="health"),
    path("map/", views.device_map, name="map"),
    path("<int:device_id>/", views.device_detail, name="device"),
    path("units/<int:unit_id>/track/", views.track, name="track"),
]
