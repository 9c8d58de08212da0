"""Forms of the repurchase screens. They parse input only; ``repurchase.services`` validates and writes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.widgets import DateInput
from aftersales.customers.widgets import customer_picker
from aftersales.repurchase.choices import Holder
from aftersales.repurchase.models import RepurchaseContract

MONEY = {"max_digits": 14, "decimal_places": 2}
INCENTIVE_CHOICES = (("", _("Not answered")), ("yes", _("Yes")), ("no", _("No")))


class ContractForm(BootstrapFormMixin, forms.Form):
    """A sale with its repurchase clause: the inputs of the classification."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None, widget=customer_picker())
    units = forms.CharField(
        label=_("Units sold"),
        required=False,
        max_length=2000,
        help_text=_("Serial numbers, separated by commas or spaces"),
    )
    number = forms.CharField(label=_("Contract number"), max_length=40)
    asset = forms.CharField(label=_("Asset sold"), max_length=200)
    sale_date = forms.DateField(label=_("Date of sale"), widget=DateInput)
    price = forms.DecimalField(label=_("Selling price (CNY)"), **MONEY)
    cost = forms.DecimalField(label=_("Cost of the asset (CNY)"), required=False, **MONEY)
    holder = forms.ChoiceField(label=_("Repurchase clause"), choices=Holder.choices)
    repurchase_price = forms.DecimalField(label=_("Repurchase price (CNY)"), **MONEY)
    deadline = forms.DateField(label=_("Repurchase on or before"), widget=DateInput)
    market_value = forms.DecimalField(
        label=_("Expected market value at the repurchase date (CNY)"), required=False, **MONEY
    )
    incentive = forms.ChoiceField(
        label=_("Customer has a significant economic incentive to exercise the put"),
        choices=INCENTIVE_CHOICES,
        required=False,
    )
    incentive_reason = forms.CharField(
        label=_("Why (the incentive)"),
        required=False,
        max_length=RepurchaseContract._meta.get_field("incentive_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers

    def clean_incentive(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("incentive") or "")

    def serials(self) -> list[str]:
        raw = self.cleaned_data.get("units") or ""
        return [s.upper() for s in raw.replace(",", " ").replace("，", " ").split() if s]

    def terms(self) -> dict[str, Any]:
        """The cleaned inputs the services take (not the customer and units)."""
        data = dict(self.cleaned_data)
        data.pop("customer", None)
        data.pop("units", None)
        return data


class ExerciseForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("Bought back on"), widget=DateInput)


class LapseForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("Lapsed on"), widget=DateInput)
    cost = forms.DecimalField(label=_("Cost of the asset (CNY)"), required=False, **MONEY)


class ReverseForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("Reversal dated"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=500)
