from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.accounts.models import User
from aftersales.parts.models import Part
from aftersales.parts.widgets import part_picker
from aftersales.quality.choices import CaseSource, CaseStatus
from aftersales.quality.models import CaseComment, QualityCase
from aftersales.service.models import ServiceOrder


class OrderChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceOrder) -> str:
        return f"{obj.number} · {obj.unit.serial_number if obj.unit else ''} · {obj.received_at:%Y-%m-%d}"


class CaseForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    orders = OrderChoices(
        queryset=ServiceOrder.objects.none(), label=_("Evidence (failure orders)"), widget=forms.CheckboxSelectMultiple
    )
    part = forms.ModelChoiceField(queryset=Part.objects.none(), label=_("Part"), required=False, widget=part_picker())
    fault_code = forms.CharField(label=_("Fault code"), max_length=32, required=False)
    description = forms.CharField(
        label=_("What design should look at"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Owner"), required=False)

    def __init__(self, *args: Any, orders: Any, parts: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orders"].queryset = orders  # type: ignore[attr-defined]
        self.fields["part"].queryset = parts  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CaseEditForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    design_change_ref = forms.CharField(label=_("Design change reference"), max_length=100, required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Owner"))

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class MoveForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=CaseStatus.choices)
    design_change_ref = forms.CharField(
        label=_("Design change reference"),
        max_length=QualityCase._meta.get_field("design_change_ref").max_length,
        required=False,
        help_text=_("Required to decide a design change (e.g. ECN-2026-017)."),
    )
    decision = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, help_text=_("Required to reject."))


class CommentForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=CaseComment._meta.get_field("text").max_length,
    )
