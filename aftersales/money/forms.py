"""Console forms of money: they only read the fields; the services decide (and their refusals come
back next to the field)."""

import base64
import binascii
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.forms import NewUnitModelField
from aftersales.core.widgets import DateInput
from aftersales.money.choices import Bearer, ChargeKind, InstallationMode, PaymentMethod, PriceKind
from aftersales.money.models import Price
from aftersales.parts.models import Part
from aftersales.service.forms_field import ConsoleForm


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control form-control-sm", **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


def _decimal(**attrs: Any) -> forms.TextInput:
    # Text, not a number input: a browser's number field may turn "0.10" into 0.1 and back through a float.
    return forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal", **attrs})


class ChargeForm(ConsoleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChargeKind.choices, widget=_select())
    price_code = forms.CharField(label=_("Price code"), required=False, max_length=30, widget=_text())
    part_number = forms.CharField(
        label=_("Part number"),
        required=False,
        max_length=40,
        widget=_text(),
        help_text=_("A parts line of this part, at its list price."),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200, widget=_text())
    quantity = forms.CharField(label=_("Quantity"), initial="1", max_length=14, widget=_decimal())
    unit_price = forms.CharField(
        label=_("Unit price (CNY, before tax)"), required=False, max_length=14, widget=_decimal()
    )
    tax_rate = forms.CharField(label=_("Tax rate (%)"), required=False, max_length=6, widget=_decimal())
    supplier_claim = forms.BooleanField(
        label=_("Part claimed from its supplier"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_part_number(self) -> int | None:
        number = self.cleaned_data.get("part_number", "").strip()
        if not number:
            return None
        part = Part.objects.filter(number__iexact=number, active=True).first()
        if part is None:
            raise forms.ValidationError(_("No such part."))
        return part.pk

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("unit_price", "tax_rate"):
            if not data[key]:
                data[key] = None
        data["part_id"] = data.pop("part_number")
        return data


class BearerForm(ConsoleForm):
    bearer = forms.ChoiceField(label=_("Borne by"), choices=Bearer.choices, widget=_select())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=_text())


class QuoteForm(ConsoleForm):
    valid_days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=7,
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    diagnosis_fee = forms.CharField(
        label=_("Diagnosis fee if declined (CNY)"), initial="0.00", max_length=14, widget=_decimal()
    )


class AnswerForm(ConsoleForm):
    """The customer's answer: through the link (name) or on site (name and a drawn signature)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    note = forms.CharField(
        label=_("Remark (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-signature-value": ""}))

    def clean_signature(self) -> SimpleUploadedFile | None:
        value = (self.cleaned_data.get("signature") or "").strip()
        if not value:
            return None
        header, _sep, payload = value.partition(",")
        if not header.startswith("data:image/png;base64") or not payload:
            raise forms.ValidationError(_("The signature could not be read. Please sign again."))
        try:
            raw = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise forms.ValidationError(_("The signature could not be read. Please sign again.")) from exc
        return SimpleUploadedFile("signature.png", raw, content_type="image/png")


class InvoiceBuyerForm(ConsoleForm):
    buyer_name = forms.CharField(label=_("Buyer"), max_length=200, widget=_text())
    buyer_tax_number = forms.CharField(label=_("Buyer's tax number"), required=False, max_length=20, widget=_text())


class FapiaoForm(ConsoleForm):
    fapiao_number = forms.CharField(label=_("Fapiao number"), max_length=20, widget=_text())


class PaymentForm(ConsoleForm):
    amount = forms.CharField(label=_("Amount (CNY)"), max_length=14, widget=_decimal())
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, widget=_select())
    reference = forms.CharField(label=_("Reference"), required=False, max_length=60, widget=_text())
    advance = forms.BooleanField(
        label=_("Keep what exceeds the invoice as an advance"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class CreditForm(ConsoleForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=_text())


class PriceForm(forms.ModelForm):
    """A new price (prices are never edited: a later date replaces an earlier one)."""

    amount = forms.CharField(
        label=_("Price (CNY, before tax)"),
        max_length=14,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    tax_rate = forms.CharField(
        label=_("Tax rate (%)"),
        initial="13.00",
        max_length=6,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    standard_hours = forms.CharField(
        label=_("Standard hours"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PriceKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )

    class Meta:
        model = Price
        fields = ["code", "name", "kind", "amount", "unit", "standard_hours", "tax_rate", "valid_from"]
        widgets = {
            "code": forms.TextInput(attrs={"class": "form-control"}),
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "unit": forms.TextInput(attrs={"class": "form-control"}),
            "valid_from": DateInput(attrs={"class": "form-control"}),
        }

    def _post_clean(self) -> None:
        # The service checks and writes (add_price); the model form only collects the fields.
        pass


class FactoryShipForm(ConsoleForm):
    factory = forms.CharField(label=_("Factory"), max_length=100, widget=_text())
    carrier = forms.CharField(label=_("Carrier"), max_length=50, widget=_text())
    waybill = forms.CharField(label=_("Waybill"), max_length=50, widget=_text())


class FactoryQuoteForm(ConsoleForm):
    diagnosis = forms.CharField(label=_("Factory's diagnosis"), max_length=2000, widget=_text())
    amount = forms.CharField(label=_("Factory's quote (CNY, before tax)"), max_length=14, widget=_decimal())
    margin_percent = forms.CharField(label=_("Our margin (%)"), required=False, max_length=6, widget=_decimal())


class FactoryBackForm(ConsoleForm):
    carrier = forms.CharField(label=_("Carrier"), max_length=50, widget=_text())
    waybill = forms.CharField(label=_("Waybill"), max_length=50, widget=_text())


def _date(required: bool = False, label: Any = None) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )


def _freight() -> forms.CharField:
    return forms.CharField(
        label=_("Freight (CNY, before tax)"), required=False, max_length=14, widget=_decimal(placeholder="0.00")
    )


class ExchangeRequestForm(ConsoleForm):
    reason = forms.CharField(label=_("Why exchange the unit"), max_length=500, widget=_text())


class ExchangeNoteForm(ConsoleForm):
    """The manager's decision or the factory's answer: the button says yes or no; a no needs a note."""

    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=_text())


class ExchangeShipForm(ConsoleForm):
    carrier = forms.CharField(label=_("Carrier"), max_length=50, widget=_text())
    waybill = forms.CharField(label=_("Waybill"), max_length=50, widget=_text())
    shipped_on = _date(label=_("Shipped on"))
    original_packaging = forms.BooleanField(
        label=_("In its original packaging"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    freight = _freight()


class ExchangeDeliverForm(ConsoleForm):
    serial_number = forms.CharField(label=_("Serial number of the new unit"), max_length=64, widget=_text())
    delivered_on = _date(label=_("Delivered on"))
    freight = _freight()


class InstallationPlanForm(ConsoleForm):
    mode = forms.ChoiceField(label=_("Kind of installation"), choices=InstallationMode.choices, widget=_select())
    # The unit to install is a new one: active models offered, one retired meanwhile refused by the service.
    product_model = NewUnitModelField(label=_("Product model"), required=False, widget=_select())
    appointment_at = forms.DateTimeField(
        label=_("Appointment"),
        required=False,
        widget=forms.DateTimeInput(
            attrs={"class": "form-control form-control-sm", "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    engineers = forms.CharField(label=_("Factory's engineers"), required=False, max_length=200, widget=_text())

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        model = data.pop("product_model")
        data["product_model_id"] = model.pk if model else None
        return data


class CommissioningForm(ConsoleForm):
    readings_before = forms.CharField(
        label=_("Readings before"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
    )
    readings_after = forms.CharField(
        label=_("Readings after"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
    )
    training_done = forms.BooleanField(
        label=_("The customer's operators are trained"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class AcceptanceForm(AnswerForm):
    """The customer's acceptance on site: name, the serial numbers installed, a drawn signature."""

    serials = forms.CharField(
        label=_("Serial numbers installed (one a line)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 3}),
    )
    field_order = ["name", "serials", "signature"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]
