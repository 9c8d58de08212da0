"""The portal's forms: plain fields, the rules are the services' (a refusal comes back on its field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import DateInput
from aftersales.portal.choices import TimeSlot


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "inputmode": "tel", "autocomplete": "tel"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )


class ReportForm(forms.Form):
    unit = forms.IntegerField(label=_("Unit"), widget=forms.Select(attrs={"class": "form-select"}))
    description = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
    preferred_day = forms.DateField(
        label=_("Preferred day"),
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
    )
    preferred_slot = forms.ChoiceField(
        label=_("Time of day"),
        choices=TimeSlot.choices,
        initial=TimeSlot.ANY,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: object, units: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].widget.choices = units  # type: ignore[attr-defined]


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Customer, contact or mobile"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
