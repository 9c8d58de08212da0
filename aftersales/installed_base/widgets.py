"""The unit picker of the forms that choose a customer's units (core.widgets.SearchPicker)."""

from typing import Any

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import SearchPicker


def units_picker(*, customer_field: str = "customer", attrs: dict[str, Any] | None = None) -> SearchPicker:
    """Several units, offered from the customer the form's ``customer_field`` has chosen."""
    return SearchPicker(
        options_url=reverse_lazy("installed_base:picker"),
        placeholder=_("Serial number"),
        multiple=True,
        send=(customer_field,),
        attrs=attrs,
    )
