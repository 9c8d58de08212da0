"""Form widgets shared by every app's screens."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from aftersales.core.validation import is_record_id

ISO_DAY = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">``, whose value is always ISO (``2027-01-05``) whatever the language: a browser
    drops any other, so a day filled in by the server in Chinese (``2027/01/05``) showed as empty (found by a
    helper's probe, 2026-12-06)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format=format or ISO_DAY)


class SearchPicker(forms.Widget):
    """The choice of records among more than a drop-down can hold (a company's customers and units: tens of
    thousands). A search box asks ``options_url`` (``?q=`` what was typed, with the values of the form's
    fields named in ``send``) for the records that match and shows them under the box; picking one puts its
    id in a hidden input named after the field (``multiple``: adds it to those chosen, each shown with a
    remove button). Only the chosen records are read to render the form again; the field's queryset still
    decides what parses. Behaviour: static/js/picker.js. Outside a form, give ``queryset`` (the records the
    reader may see)."""

    template_name = "core/widgets/picker.html"

    def __init__(
        self,
        *,
        options_url: str | Promise,
        placeholder: str | Promise = "",
        queryset: QuerySet[Any] | None = None,
        multiple: bool = False,
        send: tuple[str, ...] = (),
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.options_url = options_url
        self.placeholder = placeholder
        self.queryset = queryset
        self.multiple = multiple
        self.send = send

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the box holds a search, not the choice: the form says what is missing

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return (
            data.getlist(name)
            if self.multiple and hasattr(data, "getlist")
            else super().value_from_datadict(data, files, name)
        )

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False if self.multiple else super().value_omitted_from_data(data, files, name)

    def format_value(self, value: Any) -> list[str]:  # type: ignore[override]
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def _chosen(self, values: list[str]) -> list[dict[str, str]]:
        """The chosen records in the order given, as {"value", "label"}; an id not in the queryset (made up,
        out of scope, too large for a column) is left out, so it is neither shown nor sent again."""
        queryset = (
            self.queryset if self.queryset is not None else getattr(getattr(self, "choices", None), "queryset", None)
        )
        values = [v for v in values if is_record_id(v)]
        if not values or queryset is None:
            return []
        try:
            found = {str(record.pk): str(record) for record in queryset.filter(pk__in=values)}
        except (ValueError, TypeError, ValidationError):
            return []
        return [{"value": v, "label": found[v]} for v in values if v in found]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = self._chosen(context["widget"]["value"])
        context["widget"].update(
            options_url=str(self.options_url),
            placeholder=str(self.placeholder),
            multiple=self.multiple,
            send=" ".join(self.send),
            chosen=chosen,
            label="" if self.multiple or not chosen else chosen[0]["label"],
        )
        return context


# A picker's options shown at once: enough to pick from, few enough to read; more typed narrows them.
PICKER_ROWS = 15


def picker_options(
    request: HttpRequest,
    found: QuerySet[Any],
    *,
    option: Callable[[Any], tuple[Any, str, str]],
    query: str,
    hint: str,
) -> HttpResponse:
    """A SearchPicker's options: the first ``PICKER_ROWS`` of ``found`` (already scoped, searched and
    ordered by the app that owns them) as ``option(record)`` = (value, label, detail), saying when more
    match; ``hint`` when nothing was typed."""
    rows = list(found[: PICKER_ROWS + 1])
    options = [dict(zip(("value", "label", "detail"), option(row), strict=True)) for row in rows[:PICKER_ROWS]]
    context = {"options": options, "more": len(rows) > PICKER_ROWS, "query": query, "hint": hint}
    return render(request, "core/widgets/picker_options.html", context)
