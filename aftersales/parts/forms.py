"""Forms of the spare-parts screens. They only shape the input: the services check the rules (and
answer with the field), and ``add_service_error`` puts a service's refusal beside that field."""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.capabilities import users_with_capability
from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to, users_visible_to
from aftersales.core.errors import DomainError
from aftersales.core.widgets import DateInput
from aftersales.parts.choices import LocationKind
from aftersales.parts.models import Location, Part, Supplier

# A service names the API's field (``part_id``); the screens' forms name the thing (``part``).
SERVICE_FIELDS = {
    "part_id": "part",
    "location_id": "location",
    "order_id": "order",
    "holder_id": "holder",
    "supplier_id": "supplier",
    "service_center_id": "service_center",
}


def add_service_error(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's refusal beside its field (or above the form when the form has no such field)."""
    name = SERVICE_FIELDS.get(exc.field or "", exc.field or "")
    form.add_error(name if name in form.fields else None, exc.detail)


@dataclasses.dataclass(frozen=True)
class RowRefusal:
    """A one-click row action refused by its service (send, receive or cancel a request, move a claim on,
    return or inspect a spare, hand a tool, record a calibration): the list is shown again with 400, the
    refusal beside the row's ``field`` (an input of the row's ``action`` form; empty: beside the row's
    buttons) and what was ``typed`` in the row as typed. Nothing was written. A row no longer listed (a
    request received meanwhile) gets it above the list instead."""

    row: int
    detail: str
    action: str = ""
    field: str = ""
    typed: Mapping[str, str] = dataclasses.field(default_factory=dict)


def refusal_for_rows(rows: Iterable[Any], refusal: RowRefusal | None) -> RowRefusal | None:
    """Give each listed record its ``refusal`` attribute (``None`` but on the refused row); the refusal
    when no listed record is its row, to be shown above the list."""
    shown = False
    for row in rows:
        row.refusal = refusal if refusal is not None and refusal.row == row.pk else None
        shown = shown or row.refusal is not None
    return refusal if refusal is not None and not shown else None


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


class SupplierForm(BootstrapFormMixin, forms.ModelForm):
    """A supplier (the settings section "Suppliers"); ``services.catalogue`` checks the code is unique."""

    class Meta:
        model = Supplier
        fields = ["code", "name", "outside", "contact"]
        help_texts = {
            "code": _("The code an import of parts names (e.g. SKF); kept in capitals."),
            "outside": _("Another company, whose own warranty is claimed back. Clear it for our own factory."),
        }

    def validate_unique(self) -> None:
        """The service checks the code and names the field (``duplicate_code``)."""


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class LocationForm(BootstrapFormMixin, forms.ModelForm):
    """A stock location (the settings section "Stock locations"). New: code, name, kind, centre and, for
    a van, its technician; the centres and technicians offered are those ``by`` may manage. Editing:
    the kind and the centre stay as made (the stock and ledger belong to them), so only the code, the
    name, a van's technician and whether it is in use are offered."""

    holder = HolderChoiceField(label=_("Technician (van)"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Location
        fields = ["code", "name", "kind", "service_center", "holder", "active"]
        help_texts = {"service_center": _("Empty for the central warehouse; a store or van belongs to a centre.")}

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centres = centres_visible_to(by).order_by("code")
        technicians = users_with_capability("service.work_assigned", users_visible_to(by)).order_by("username")
        if self.instance.pk is None:
            del self.fields["active"]
            self.fields["service_center"].queryset = centres
            self.fields["holder"].queryset = technicians
            return
        del self.fields["kind"], self.fields["service_center"]
        if self.instance.kind != LocationKind.VAN:
            del self.fields["holder"]
        else:
            self.fields["holder"].queryset = technicians.filter(service_center_id=self.instance.service_center_id)

    def validate_unique(self) -> None:
        """The service checks the code and names the field (``duplicate_code``)."""

    def validate_constraints(self) -> None:
        """The service says what a store or a van lacks, beside its field (``required``), instead of the
        model's "Constraint “location_van_has_holder” is violated." above the form."""


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


class PartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Part) -> str:
        return f"{obj.number} {obj.name}"


class ReceiveForm(BootstrapFormMixin, forms.Form):
    """Receive a part at a location (入库, the parts keeper on the stock screen). The quantity and the
    cost are parsed by ``receive_stock``, whose refusal is shown beside its field with what was typed."""

    part = PartChoiceField(label=_("Part"), queryset=Part.objects.none(), empty_label=None)
    quantity = forms.CharField(
        label=_("Quantity"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit_cost = forms.CharField(
        label=_("Unit cost"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.filter(active=True).order_by("number")  # type: ignore[attr-defined]


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
