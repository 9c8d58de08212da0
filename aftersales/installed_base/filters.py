"""One FilterSet for units: the unit list (API and screens) and the unit export."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.installed_base.models import Unit


class UnitFilter(django_filters.FilterSet):
    serial_number = django_filters.CharFilter(method="filter_serial_number", max_length=64, label=_("Serial number"))
    customer_id = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    product_model_id = django_filters.NumberFilter(field_name="product_model_id", label=_("Product model"))

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_serial_number(self, qs: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        # Serials are stored upper-case (services.register_unit): an exact match on the unique
        # index, whatever case the caller typed.
        return qs.filter(serial_number=value.upper()) if value else qs
