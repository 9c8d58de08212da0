"""The customer picker every form and filter that chooses one customer uses (core.widgets.SearchPicker)."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import SearchPicker


def customer_picker(*, queryset: QuerySet[Any] | None = None, attrs: dict[str, Any] | None = None) -> SearchPicker:
    return SearchPicker(
        options_url=reverse_lazy("customers:picker"),
        placeholder=_("Name or phone number"),
        queryset=queryset,
        attrs=attrs,
    )
