"""/settings/: the index (first section the user may open) and the screens of the sections that
are declared by a model, a form and services. Mounted last, so an app's own settings URLs win."""

from django.urls import path

from aftersales.core import settings_views

app_name = "core_settings"

urlpatterns = [
    path("", settings_views.SettingsIndexView.as_view(), name="index"),
    path("<slug:section>/", settings_views.SectionListView.as_view(), name="list"),
    path("<slug:section>/new/", settings_views.SectionFormView.as_view(), name="create"),
    path("<slug:section>/<int:pk>/", settings_views.SectionFormView.as_view(), name="edit"),
]
