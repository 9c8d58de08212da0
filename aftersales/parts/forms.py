"""Forms of the spare-parts screens. They only shape the input: the services check the rules (and
answer with the field), and ``add_service_error`` puts a service's refusal beside that field."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.errors import DomainError
from aftersales.core.widgets import DateInput
from aftersales.parts.models import Location, Part

# A service names the API's field (``part_id``); the screens' forms name the thing (``part``).
SERVICE_FIELDS = {
    "part_id": "part",
    "location_id": "location",
    "order_id": "order",
    "holder_id": "holder",
    "supplier_id": "supplier",
}


def add_service_error(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's refusal beside its field (or above the form when the form has no such field)."""
    name = SERVICE_FIELDS.get(exc.field or "", exc.field or "")
    form.add_error(name if name in form.fields else None, exc.detail)


class PartForm(forms.ModelForm):
    """A part of the catalogue (the settings section "Spare parts catalogue"). A list price given
    here is a new price from its day on: earlier prices stay in force for the days before."""

    list_price = forms.DecimalField(label=_("List price"), required=False, min_value=0, max_digits=12, decimal_places=2)
    price_from = forms.DateField(
        label=_("Price valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Today when empty."),
    )

    class Meta:
        model = Part
        fields = [
            "number",
            "name",
            "unit",
            "cost",
            "supplier",
            "supplier_warranty_months",
            "warranty_critical",
            "turnover",
            "active",
            "compatible_models",
        ]
        widgets = {"compatible_models": forms.CheckboxSelectMultiple}


class PartNumberField(forms.CharField):
    """A part typed by its number (the catalogue may hold thousands: no drop-down)."""

    def __init__(self, *, queryset: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Part number"))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Part.objects.filter(active=True)

    def clean(self, value: Any) -> Part:
        number = super().clean(value).strip().upper()
        part = self.queryset.filter(number=number).select_related("supplier").first()
        if part is None:
            raise forms.ValidationError(_("No active part has the number %(number)s.") % {"number": number[:40]})
        return part


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.code} {obj.name}"


class ClaimForm(forms.Form):
    """Open a supplier claim (the parts keeper)."""

    part = PartNumberField()
    serial = forms.CharField(label=_("Serial number"), max_length=60, required=False)
    fitted_on = forms.DateField(label=_("Fitted or bought on"), widget=DateInput())
    failure = forms.CharField(label=_("Failure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.CharField(label=_("Order number"), max_length=30, required=False)
    location = LocationChoiceField(
        label=_("Old part kept at"), queryset=Location.objects.none(), required=False, empty_label=_("Not kept")
    )
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    photo = forms.FileField(label=_("Photo"), required=False)

    def __init__(self, *args: Any, locations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations if locations is not None else Location.objects.none()


class LoanForm(forms.Form):
    """Lend a turnover spare for an order (the parts keeper)."""

    part = PartNumberField(queryset=Part.objects.filter(active=True, turnover=True))
    serial = forms.CharField(label=_("Serial number"), max_length=60)
    location = LocationChoiceField(label=pgettext_lazy("lent out of", "From"), queryset=Location.objects.none())
    order = forms.CharField(label=_("Order number"), max_length=30)
    due_back = forms.DateField(label=_("Due back"), widget=DateInput())

    def __init__(self, *args: Any, locations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations if locations is not None else Location.objects.none()
        if not self.is_bound:
            self.initial.setdefault("due_back", timezone.localdate() + datetime.timedelta(days=30))


class ReserveForm(forms.Form):
    """Set parts aside for an order, or wait for them (dispatcher, technician, parts keeper)."""

    part = PartNumberField()
    location = LocationChoiceField(label=_("At"), queryset=Location.objects.none())
    quantity = forms.CharField(
        label=_("Quantity"), max_length=14, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    wait = forms.BooleanField(label=_("Wait for the part when too few are available"), required=False)

    def __init__(self, *args: Any, locations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations if locations is not None else Location.objects.none()
