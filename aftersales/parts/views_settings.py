"""The settings section of stock locations (/settings/part-locations/), on the generic settings views.

Its own views rather than a section declared by model and form: the form offers only the centres and
technicians the user may manage, and a row links to its edit page only for whom may change it (the
suppliers need neither and are a generic section, ``apps.py``)."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.settings_views import Column, SettingsFormView, SettingsListView
from aftersales.parts.forms import LocationForm, add_service_error
from aftersales.parts.models import Location
from aftersales.parts.permissions import can_edit_location, locations_visible_to
from aftersales.parts.services.catalogue import create_location, update_location

SECTION = "part-locations"


def _scope(user: User) -> QuerySet[Location]:
    return locations_visible_to(user).select_related("service_center", "holder")


class LocationListView(SettingsListView):
    model = Location
    title = _("Stock locations")
    section = SECTION
    columns = (
        Column(_("Code"), "code", kind="mono", link=True),
        Column(_("Name"), "name", link=True),
        Column(pgettext_lazy("stock location", "Kind"), "get_kind_display"),
        Column(_("Service centre"), "service_center.name"),
        Column(_("Technician (van)"), "holder.get_full_name"),
        Column(_("Status"), "active", kind="active"),
    )
    edit_url_name = "parts_settings:location_edit"
    create_url_name = "parts_settings:location_create"
    create_label = _("New location")
    empty_text = _("No stock locations yet: add the central warehouse, each centre's store and the technicians' vans.")

    def scope(self, qs: QuerySet) -> QuerySet:
        return _scope(self.request.user).order_by("-active", "kind", "code")

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_edit_location(user, obj)


class _LocationFormView(SettingsFormView):
    model = Location
    form_class = LocationForm
    section = SECTION
    list_url_name = "parts_settings:location_list"
    template_name = "parts/location_form.html"

    def scope(self, qs: QuerySet) -> QuerySet:
        return _scope(self.request.user)

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_edit_location(user, obj)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "by": self.request.user}

    def form_valid(self, form: BaseForm) -> HttpResponse:
        # As the generic view, but a service's field (``holder_id``) is put beside the form's (``holder``).
        try:
            saved = self.get_service()(by=self.request.user, **self.service_kwargs(form))
        except DomainError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.success_message} {saved}")
        return HttpResponseRedirect(self.get_success_url())


class LocationCreateView(_LocationFormView):
    title = _("New stock location")
    service = create_location
    success_message = _("Stock location added:")


class LocationUpdateView(_LocationFormView):
    title = _("Edit stock location")
    service = update_location
    object_kwarg = "location"
    success_message = _("Stock location saved:")
