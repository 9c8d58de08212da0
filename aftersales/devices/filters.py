"""One FilterSet for devices: the health list (screen) and ``GET /devices`` (API)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.devices.choices import LinkState
from aftersales.devices.models import Device


class DeviceFilter(django_filters.FilterSet):
    serial = django_filters.CharFilter(field_name="serial", max_length=64, label=_("Device id"))
    link_state = django_filters.ChoiceFilter(field_name="state__link_state", choices=LinkState.choices, label=_("Link"))
    unit_id = django_filters.NumberFilter(method="filter_unit", label=_("Unit"))

    class Meta:
        model = Device
        fields: list[str] = []

    def filter_unit(self, qs: QuerySet[Device], name: str, value: int) -> QuerySet[Device]:
        return qs.filter(bindings__unit_id=value, bindings__unbound_at__isnull=True)
