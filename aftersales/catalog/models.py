"""Product models: what the company sells and how long each is under warranty."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import TimeStampedModel

WARRANTY_MONTHS_MAX = 240  # twenty years: beyond it a typo, not a warranty


class ProductModelQuerySet(models.QuerySet):
    def active(self) -> "ProductModelQuerySet":
        """The models offered for new units (intake, registration, import, installation); a retired
        model stays on its units, orders, coverage and reports."""
        return self.filter(active=True)


class ProductModel(TimeStampedModel):
    """A sellable model (型号) with its warranty period and terms (domain.md, Warranty)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty months"), default=12, validators=[MinValueValidator(0), MaxValueValidator(WARRANTY_MONTHS_MAX)]
    )
    warranty_terms = models.TextField(_("warranty terms"), blank=True, max_length=4000)
    active = models.BooleanField(
        pgettext_lazy("product model", "active"),
        default=True,
        help_text=_("A retired model is no longer offered for new units."),
    )

    objects = ProductModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(warranty_months__lte=240), name="product_warranty_months_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
