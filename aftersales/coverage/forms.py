"""The settings forms of the coverage data; writes go through ``coverage.services``."""

from django import forms

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.catalog.models import ProductModel
from aftersales.coverage.models import MAX_GRACE_MONTHS, SERIAL_MAX_LENGTH, LifetimeItem, SerialDateRule


class SerialDateRuleForm(BootstrapFormMixin, forms.ModelForm):
    product_model = forms.ModelChoiceField(
        ProductModel.objects.order_by("code"),
        required=False,
        label=SerialDateRule._meta.get_field("product_model").verbose_name,
    )
    date_position = forms.IntegerField(
        label=SerialDateRule._meta.get_field("date_position").verbose_name,
        help_text=SerialDateRule._meta.get_field("date_position").help_text,
        min_value=1,
        max_value=SERIAL_MAX_LENGTH,
    )
    grace_months = forms.IntegerField(
        label=SerialDateRule._meta.get_field("grace_months").verbose_name,
        help_text=SerialDateRule._meta.get_field("grace_months").help_text,
        min_value=0,
        max_value=MAX_GRACE_MONTHS,
        initial=0,
    )

    class Meta:
        model = SerialDateRule
        fields = ["product_model", "serial_prefix", "date_format", "date_position", "grace_months", "is_active", "note"]

    def validate_unique(self) -> None:
        """The service checks duplicates and names the field (``duplicate_rule``)."""

    def validate_constraints(self) -> None:
        """The service checks the rule's scope and range and names the field (``scope_required``): the
        model's constraints answered "Constraint “serial_rule_has_scope” is violated." above the form
        (found by a helper's probe, 2026-12-06)."""


class LifetimeItemForm(BootstrapFormMixin, forms.ModelForm):
    product_model = forms.ModelChoiceField(
        ProductModel.objects.order_by("code"), label=LifetimeItem._meta.get_field("product_model").verbose_name
    )

    class Meta:
        model = LifetimeItem
        fields = ["product_model", "code", "name", "is_active", "note"]
