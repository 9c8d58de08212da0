"""The product model form of the settings screens; writes go through ``catalog.services``."""

from django import forms
from django.utils.text import capfirst

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.catalog.models import ProductModel


class ProductModelForm(BootstrapFormMixin, forms.ModelForm):
    # The range of the database constraint, checked here so the error sits next to the field.
    warranty_months = forms.IntegerField(
        label=capfirst(ProductModel._meta.get_field("warranty_months").verbose_name), min_value=0, max_value=240
    )

    class Meta:
        model = ProductModel
        fields = ["code", "name", "category", "warranty_months", "warranty_terms", "active"]
        widgets = {"warranty_terms": forms.Textarea(attrs={"rows": 4})}
