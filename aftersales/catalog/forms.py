"""The product model form of the settings screens; writes go through ``catalog.services``."""

from operator import methodcaller
from typing import Any

from django import forms
from django.utils.text import capfirst

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.catalog.models import ProductModel
from aftersales.core.forms import OfferedChoiceField


class NewUnitModelField(OfferedChoiceField):
    """The product model of a new unit (the intake, the installation plan, registering a unit on the
    customer file): the drop-down offers the active models only, but a model retired while the form was
    open still parses, so the service refuses it with its own sentence (``model_retired``,
    ``installed_base.services.require_active_model``) instead of the form's "Select a valid choice"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=ProductModel.objects.order_by("code"), offered=methodcaller("active"), **kwargs)


class ProductModelForm(BootstrapFormMixin, forms.ModelForm):
    # The range of the database constraint, checked here so the error sits next to the field.
    warranty_months = forms.IntegerField(
        label=capfirst(ProductModel._meta.get_field("warranty_months").verbose_name), min_value=0, max_value=240
    )

    class Meta:
        model = ProductModel
        fields = ["code", "name", "category", "warranty_months", "warranty_terms", "active"]
        widgets = {"warranty_terms": forms.Textarea(attrs={"rows": 4})}
