"""Form helpers every app's console forms share: the red mark on a refused field, and the choice of a
record that can be retired while a form is open. No business rule lives here."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BoundField
from django.forms.models import ModelChoiceIterator

from aftersales.core.validation import is_record_id


class ConsoleBoundField(BoundField):
    """Marks a field with errors ``is-invalid`` so Bootstrap shows it red (Django adds aria-invalid)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not isinstance(widget, forms.HiddenInput):
            css = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


class _Offered(ModelChoiceIterator):
    def __init__(self, field: "OfferedChoiceField") -> None:
        super().__init__(field)
        self.queryset = field.offered(self.queryset)


class OfferedChoiceField(forms.ModelChoiceField):
    """The choice of a record that can be retired: a product model (``active``), a contact or a site
    (``in_use``). The drop-down offers ``offered(queryset)``, the records usable now, but any record of
    ``queryset`` parses: one retired after the page was rendered reaches the service, which refuses it
    with its own sentence at the field (``model_retired``, ``not_in_use``) instead of the form's "Select a
    valid choice. That choice is not one of the available choices." A record outside ``queryset`` (another
    customer's site, a made-up id) still gets that generic answer."""

    iterator = _Offered

    def __init__(
        self, *, queryset: QuerySet[Any] | None, offered: Callable[[QuerySet[Any]], QuerySet[Any]], **kwargs: Any
    ) -> None:
        self.offered = offered  # before the queryset is set: that renders the choices
        super().__init__(queryset=queryset, **kwargs)


class PickedRecordsField(forms.ModelMultipleChoiceField):
    """Records chosen with a multiple ``core.widgets.SearchPicker`` (a customer's units). A value no record
    can have as its id (letters, 2**70) is refused as a choice not offered before any query: Django reads
    the values with ``pk__in``, which SQLite cannot bind past 2**63 and PostgreSQL refuses (a 500)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if not is_record_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)
