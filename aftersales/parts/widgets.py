"""The part picker of the forms that name one part of the catalogue (core.widgets.SearchPicker)."""

from typing import Any

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import SearchPicker


def part_picker(*, attrs: dict[str, Any] | None = None) -> SearchPicker:
    """Searches the parts of ``parts_visible_to``, retired ones too (marked): give the form field that queryset."""
    return SearchPicker(options_url=reverse_lazy("parts:picker"), placeholder=_("Part number or name"), attrs=attrs)
