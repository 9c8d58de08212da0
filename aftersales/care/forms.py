from operator import methodcaller
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.care.choices import CampaignKind, ComplaintCause, ContactChannel, Direction, Outcome
from aftersales.care.models import Campaign, FollowUpRule, ScriptQuestion
from aftersales.catalog.forms import NewUnitModelField
from aftersales.catalog.models import ProductModel
from aftersales.core.forms import OfferedChoiceField
from aftersales.core.phones import PHONE_INPUT_MAX_LENGTH
from aftersales.core.widgets import DateInput
from aftersales.customers.models import Contact, Customer, Site
from aftersales.installed_base.models import Unit


class FollowUpRuleForm(forms.ModelForm):
    class Meta:
        model = FollowUpRule
        fields = [
            "kind",
            "callback",
            "callback_opens",
            "callback_closes",
            "first",
            "first_opens",
            "first_closes",
            "second",
            "second_opens",
            "second_closes",
        ]


class ScriptQuestionForm(forms.ModelForm):
    class Meta:
        model = ScriptQuestion
        fields = ["position", "text", "answer_type", "choices", "required", "active"]


SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
NPS = [("", "—")] + [(str(n), str(n)) for n in range(0, 11)]


class CallForm(forms.Form):
    """The call screen: the outcome, the scores and notes; the script's answers are read from the
    POST by question id (``answer-<id>``)."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    score = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)
    expected = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)
    perceived = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)
    nps = forms.TypedChoiceField(choices=NPS, coerce=int, empty_value=None, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    complaint = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactChannel.choices)
    direction = forms.ChoiceField(choices=Direction.choices)
    person = forms.CharField(required=False, max_length=100)
    summary = forms.CharField(max_length=500)
    needs = forms.CharField(required=False, max_length=300)


class ComplaintForm(forms.Form):
    cause = forms.ChoiceField(choices=ComplaintCause.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ResolveForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class EscalateForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class AcceptForm(forms.Form):
    accepted = forms.TypedChoiceField(choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1")
    note = forms.CharField(required=False, max_length=500)


def _campaign_label(name: str) -> str:
    return capfirst(Campaign._meta.get_field(name).verbose_name)


class CampaignForm(forms.Form):
    # The template writes ``field.label``: each label is the model field's translated name (the
    # field names' English showed on the Chinese screen, QA 2026-12-07).
    title = forms.CharField(label=_campaign_label("title"), max_length=200)
    kind = forms.ChoiceField(label=_campaign_label("kind"), choices=CampaignKind.choices)
    message = forms.CharField(
        label=_campaign_label("message"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    event_on = forms.DateField(label=_campaign_label("event_on"), widget=DateInput())
    product_model = forms.ModelChoiceField(
        label=_campaign_label("product_model"), queryset=ProductModel.objects.order_by("code"), required=False
    )
    province = forms.CharField(label=_campaign_label("province"), max_length=50, required=False)
    older_than_years = forms.IntegerField(
        label=_campaign_label("older_than_years"), min_value=0, max_value=50, required=False
    )
    late_reason = forms.CharField(label=_campaign_label("late_reason"), max_length=300, required=False)


# ---- the customer file's own records (the services of customers and installed_base check them again) ----
class CustomerEditForm(BootstrapFormMixin, forms.Form):
    """``customers.services.update_customer``: the name and the notes."""

    name = Customer._meta.get_field("name").formfield()
    notes = Customer._meta.get_field("notes").formfield(widget=forms.Textarea(attrs={"rows": 4}))


class CustomerContactForm(BootstrapFormMixin, forms.Form):
    """``customers.services.add_contact``: a person to call (not the contact log's ``ContactForm``)."""

    name = Contact._meta.get_field("name").formfield()
    # Typed as people write it ("138 0013 8000", "+86 …"); the service stores E.164.
    mobile = forms.CharField(
        label=capfirst(Contact._meta.get_field("mobile").verbose_name), max_length=PHONE_INPUT_MAX_LENGTH
    )
    is_primary = Contact._meta.get_field("is_primary").formfield()


class CustomerContactEditForm(CustomerContactForm):
    """``customers.services.update_contact`` (``PATCH /customers/{id}/contacts/{contact_id}``)."""

    reason = forms.CharField(label=_("Why it is corrected"), max_length=500, required=False)


class CustomerSiteForm(BootstrapFormMixin, forms.Form):
    """``customers.services.add_site``: where the units stand."""

    name = Site._meta.get_field("name").formfield()
    province = Site._meta.get_field("province").formfield()
    city = Site._meta.get_field("city").formfield()
    address = Site._meta.get_field("address").formfield()


class CustomerSiteEditForm(CustomerSiteForm):
    """``customers.services.update_site`` (``PATCH /customers/{id}/sites/{site_id}``)."""

    reason = forms.CharField(label=_("Why it is corrected"), max_length=500, required=False)


class InUseForm(BootstrapFormMixin, forms.Form):
    """``set_contact_in_use`` / ``set_site_in_use``: take a contact or site out of use, or put it back."""

    in_use = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class UnitRegisterForm(BootstrapFormMixin, forms.Form):
    """``installed_base.services.register_unit`` (``POST /units``) for the customer of the file: an active
    model, one of their sites in use (the service refuses a model retired or a site taken out of use while
    the form was open, at the field)."""

    serial_number = Unit._meta.get_field("serial_number").formfield()
    product_model = NewUnitModelField(label=capfirst(Unit._meta.get_field("product_model").verbose_name))
    # The customer's sites in use are offered; one taken out of use meanwhile is refused by the service.
    site = OfferedChoiceField(
        label=capfirst(Unit._meta.get_field("site").verbose_name),
        queryset=Site.objects.none(),
        offered=methodcaller("in_use"),
        required=False,
    )
    purchase_date = Unit._meta.get_field("purchase_date").formfield(widget=DateInput())
    seller = Unit._meta.get_field("seller").formfield()
    dealer_name = Unit._meta.get_field("dealer_name").formfield()
    proof_reference = Unit._meta.get_field("proof_reference").formfield()
    installed_on = Unit._meta.get_field("installed_on").formfield(widget=DateInput())

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = customer.sites.order_by("id")  # type: ignore[attr-defined]


class ProofFileForm(BootstrapFormMixin, forms.Form):
    """``installed_base.services.attach_proof_of_purchase`` (``POST /units/{id}/proof``): the service checks
    the size and the type read from the bytes, as for the API."""

    file = forms.FileField(
        label=_("Invoice (JPEG, PNG, WebP or PDF)"),
        required=False,  # "Choose a file." comes from the service, as in the API
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class ProofForm(BootstrapFormMixin, forms.Form):
    """``installed_base.services.update_proof_of_purchase`` (``PUT /units/{id}/proof``)."""

    purchase_date = Unit._meta.get_field("purchase_date").formfield(widget=DateInput())
    seller = Unit._meta.get_field("seller").formfield()
    dealer_name = Unit._meta.get_field("dealer_name").formfield()
    proof_reference = Unit._meta.get_field("proof_reference").formfield()
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500, required=False)
