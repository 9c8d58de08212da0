"""The data of the coverage sources: how to read a production date from a serial number, and the
items each model covers for life (domain.md Warranty §6 1.1.1.3, §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.coverage.choices import SerialDateFormat

SERIAL_MAX_LENGTH = 64  # installed_base.Unit.serial_number
MAX_GRACE_MONTHS = 60


class SerialDateRule(TimeStampedModel):
    """Where a product model's (or a brand's) serial numbers carry the production date. Used when a
    unit has no proof of purchase: the warranty then runs from the production date plus
    ``grace_months`` (the time a unit usually waits to be sold), per the product's manual (§6 1.1.1.3).

    A rule names a product model, a serial prefix (a brand's, say) or both; the most specific rule
    that matches a unit applies (a model's before a prefix-only one, a longer prefix first)."""

    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="serial_date_rules",
    )
    serial_prefix = models.CharField(
        _("serial prefix"), max_length=20, blank=True, help_text=_("Empty: every serial of the product model.")
    )
    date_position = models.PositiveSmallIntegerField(
        _("date position"), help_text=_("Where the date starts in the serial number; 1 is the first character.")
    )
    date_format = models.CharField(_("date format"), max_length=6, choices=SerialDateFormat.choices)
    grace_months = models.PositiveSmallIntegerField(
        _("grace months"), default=0, help_text=_("The warranty starts this many months after production.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("serial-date rule")
        verbose_name_plural = _("serial-date rules")
        ordering = ["product_model__code", "serial_prefix", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product_model__isnull=False) | ~models.Q(serial_prefix=""),
                name="serial_rule_has_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(date_position__gte=1, date_position__lte=SERIAL_MAX_LENGTH),
                name="serial_rule_position_range",
            ),
            models.CheckConstraint(
                condition=models.Q(grace_months__lte=MAX_GRACE_MONTHS), name="serial_rule_grace_range"
            ),
            models.CheckConstraint(
                condition=models.Q(date_format__in=SerialDateFormat.values), name="serial_rule_format_valid"
            ),
            models.UniqueConstraint(
                fields=["product_model", "serial_prefix"],
                condition=models.Q(product_model__isnull=False),
                name="serial_rule_unique_model_prefix",
            ),
            models.UniqueConstraint(
                fields=["serial_prefix"],
                condition=models.Q(product_model__isnull=True),
                name="serial_rule_unique_brand_prefix",
            ),
        ]

    def __str__(self) -> str:
        scope = " ".join(
            part for part in (self.product_model.code if self.product_model else "", self.serial_prefix) if part
        )
        return f"{scope}: {self.date_format}@{self.date_position}"


class LifetimeItem(TimeStampedModel):
    """A part of a product model replaced free of charge for the unit's life (终身免费更换, §1)."""

    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), on_delete=models.PROTECT, related_name="lifetime_items"
    )
    code = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lifetime-covered item")
        verbose_name_plural = _("lifetime-covered items")
        ordering = ["product_model__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["product_model", "code"], name="lifetime_item_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
