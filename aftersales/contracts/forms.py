from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.contracts.choices import Billing, ContractAccount, ContractKind, EntryKind, PlanKind, Severity
from aftersales.core.forms import PickedRecordsField
from aftersales.core.widgets import DateInput
from aftersales.customers.widgets import customer_picker
from aftersales.installed_base.widgets import units_picker

DATE = DateInput()
BOOKABLE = [(k.value, k.label) for k in (EntryKind.EXPECTED, EntryKind.RECEIVED, EntryKind.CORRECTION)]


class ContractForm(BootstrapFormMixin, forms.Form):
    customer = forms.ModelChoiceField(queryset=None, label=_("Customer"), widget=customer_picker())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContractKind.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    units = PickedRecordsField(queryset=None, label=_("Units"), widget=units_picker())
    price = forms.DecimalField(label=_("Price (CNY)"), max_digits=14, decimal_places=2, min_value=0, initial=0)
    billing = forms.ChoiceField(label=_("Billing"), choices=Billing.choices, initial=Billing.YEARLY)
    deposit_amount = forms.DecimalField(
        label=_("Warranty deposit (CNY)"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    deposit_release_on = forms.DateField(label=_("Deposit released on"), widget=DATE, required=False)
    labour_percent = forms.IntegerField(label=_("Labour covered (%)"), min_value=0, max_value=100, initial=100)
    parts_percent = forms.IntegerField(label=_("Parts covered (%)"), min_value=0, max_value=100, initial=100)
    travel_percent = forms.IntegerField(label=_("Travel covered (%)"), min_value=0, max_value=100, initial=100)
    response_hours = forms.IntegerField(label=_("Response within (hours)"), min_value=1, required=False)
    resolution_days = forms.IntegerField(label=_("Resolved within (working days)"), min_value=1, required=False)
    block_on_missed_visits = forms.BooleanField(
        label=_("Missed visits block the deposit's release"), required=False, initial=True
    )
    block_on_open_complaints = forms.BooleanField(
        label=_("Open complaints block the deposit's release"), required=False, initial=True
    )

    def __init__(self, *args: object, customers: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class PlanForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    rule = forms.CharField(
        label=_("Rule (RFC 5545)"),
        max_length=300,
        required=False,
        help_text=_("Empty: the kind's rule. Example: FREQ=MONTHLY;BYMONTHDAY=5"),
    )
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)
    technician = forms.ModelChoiceField(queryset=None, label=_("Technician"), required=False)
    checklist = forms.CharField(
        label=_("Checklist"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("One item a line")
    )

    def __init__(self, *args: object, technicians: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["technician"].queryset = technicians  # type: ignore[attr-defined]


class EntryForm(BootstrapFormMixin, forms.Form):
    account = forms.ChoiceField(label=_("Account"), choices=ContractAccount.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=BOOKABLE, initial=EntryKind.RECEIVED)
    amount = forms.DecimalField(label=_("Amount (CNY)"), max_digits=14, decimal_places=2)
    due_on = forms.DateField(label=_("Day"), widget=DATE, required=False)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False, help_text=_("Required for a correction"))


class ReleaseForm(BootstrapFormMixin, forms.Form):
    override_reason = forms.CharField(
        label=_("Override reason"), max_length=500, required=False, help_text=_("Only to release a blocked deposit")
    )


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ProjectForm(BootstrapFormMixin, forms.Form):
    customer = forms.ModelChoiceField(queryset=None, label=_("Customer"), widget=customer_picker())
    name = forms.CharField(label=_("Name"), max_length=200)
    accepted_on = forms.DateField(label=_("Accepted on"), widget=DATE)
    project_manager = forms.ModelChoiceField(queryset=None, label=_("Project manager (first responsible)"))
    development_manager = forms.ModelChoiceField(queryset=None, label=_("Development manager (second responsible)"))

    def __init__(self, *args: object, customers: object, staff: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        self.fields["project_manager"].queryset = staff  # type: ignore[attr-defined]
        self.fields["development_manager"].queryset = staff  # type: ignore[attr-defined]


class ProblemForm(BootstrapFormMixin, forms.Form):
    reporter = forms.CharField(label=_("Reported by"), max_length=100)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.NORMAL)
    description = forms.CharField(
        label=pgettext_lazy("contracts", "Problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolution = forms.CharField(label=pgettext_lazy("how a problem was resolved", "Resolution"), max_length=4000)


class SignOffForm(BootstrapFormMixin, forms.Form):
    signed_by = forms.CharField(label=_("Signed by (the customer)"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
