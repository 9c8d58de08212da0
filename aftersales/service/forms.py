"""Forms of the order screens (list filters, detail actions, edit).

Forms only shape and type the input; every rule is checked by the service the view calls, and a
``DomainError`` lands on the form through ``add_domain_error``.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.errors import DomainError
from aftersales.core.phones import display_phone
from aftersales.core.widgets import DateInput
from aftersales.service.choices import OrderKind, OrderStatus, Priority, Resolution, SlaState, WaitingFor
from aftersales.service.forms_field import show_domain_error
from aftersales.service.models import ServiceOrder

# Columns the order list sorts by: URL value -> keyset ordering (the last field must be unique).
SORTS: dict[str, tuple[str, ...]] = {
    "-received": ("-received_at", "-id"),
    "received": ("received_at", "id"),
    "-due": ("-due_at", "-id"),
    "due": ("due_at", "id"),
    "-number": ("-number", "-id"),
    "number": ("number", "id"),
}
DEFAULT_SORT = "-received"
PAGE_SIZES = (25, 50, 100)


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or above the form) and keep what was typed;
    each field's, when it refused several (``show_domain_error``)."""
    show_domain_error(form, error)


def prepare_filter_form(
    form: forms.Form, *, centres: Iterable[ServiceCenter] | None, technicians: Iterable[User] | None
) -> forms.Form:
    """Dress the ``ServiceOrderFilter`` form for the list screen: choices instead of raw ids, date
    pickers, Bootstrap classes. ``centres``/``technicians`` ``None`` hides that filter (the user sees
    one centre / is the technician)."""
    fields = form.fields
    if centres is None:
        fields.pop("service_center", None)
    else:
        fields["service_center"] = forms.TypedChoiceField(
            label=_("Service centre"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("All centres")), *((c.pk, c.name) for c in centres)],
        )
    if technicians is None:
        fields.pop("technician", None)
    else:
        fields["technician"] = forms.TypedChoiceField(
            label=_("Technician"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", _("All technicians")), *((t.pk, str(t)) for t in technicians)],
        )
    for name in ("customer", "unit"):  # reachable by link (customer / unit pages), not shown
        if name in fields:
            fields[name].widget = forms.HiddenInput()
    fields["status"].widget = forms.CheckboxSelectMultiple(attrs={"class": "btn-check"})
    fields["status"].choices = OrderStatus.choices
    fields["received_from"].widget = DateInput()
    fields["received_to"].widget = DateInput()
    fields["q"].widget = forms.TextInput(
        attrs={
            "type": "search",
            "placeholder": _("Number, customer, phone or serial number"),
            "autocomplete": "off",
            "maxlength": 100,
        }
    )
    fields["q"].label = _("Search")
    for name, choices in (
        ("kind", OrderKind),
        ("priority", Priority),
        ("sla_state", SlaState),
        ("response_state", SlaState),
        ("resolution_state", SlaState),
        ("waiting_for", WaitingFor),
    ):
        # django-filter's ChoiceField puts ``empty_label`` first when its choices are (re)set.
        fields[name].empty_label = _("All")
        fields[name].choices = choices.choices
    fields["unassigned"].widget = forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
    return form


class TransitionForm(forms.Form):
    """One status move offered on the detail page (the target comes from ``moves_for``)."""

    to = forms.ChoiceField(choices=OrderStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    waiting_for = forms.ChoiceField(
        label=_("Waiting for"),
        required=False,
        choices=[("", "—"), *WaitingFor.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class OrderEditForm(forms.Form):
    """The order's descriptive fields, with the version read: a stale copy is refused with 409."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    resolution = forms.ChoiceField(
        label=_("Agreed resolution"), choices=Resolution.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    reporter_name = forms.CharField(
        label=_("Reporter"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    reporter_phone = forms.CharField(
        label=_("Reporter phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "tel", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Problem description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )

    EDITABLE = ("priority", "resolution", "reporter_name", "reporter_phone", "description")

    @classmethod
    def for_order(cls, order: ServiceOrder, data: Any = None) -> "OrderEditForm":
        initial = {name: getattr(order, name) for name in cls.EDITABLE}
        initial["reporter_phone"] = display_phone(order.reporter_phone)
        initial["version"] = order.version
        return cls(data=data, initial=initial)

    def changes(self) -> dict[str, Any]:
        """What the service receives: the editable fields as typed (it keeps only real changes)."""
        return {name: self.cleaned_data[name] for name in self.EDITABLE}


class WarrantyOverrideForm(forms.Form):
    """The service manager's own warranty decision, with the reason kept on the order."""

    covered = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("In warranty (free of charge)")), ("no", _("Not in warranty (billable)"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class ExtendDueForm(forms.Form):
    """Push the due date by working days; the customer is told by SMS."""

    working_days = forms.IntegerField(
        label=_("Working days"),
        min_value=1,
        max_value=60,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
