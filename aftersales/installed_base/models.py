"""The installed base: every unit sold, by serial number, with its proof of purchase."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Customer, Site
from aftersales.installed_base.choices import Seller


class Unit(TimeStampedModel):
    """One physical unit. Its purchase date counts only with proof (a reference, a file or our own sale)."""

    serial_number = models.CharField(_("serial number"), max_length=64, unique=True)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), on_delete=models.PROTECT, related_name="units"
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="units")
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    purchase_date = models.DateField(_("purchase (invoice) date"), null=True, blank=True)
    seller = models.CharField(_("seller"), max_length=10, choices=Seller.choices, default=Seller.OWN)
    dealer_name = models.CharField(_("dealer"), max_length=200, blank=True)
    proof_reference = models.CharField(_("proof of purchase (invoice no.)"), max_length=100, blank=True)
    proof_file = models.FileField(_("proof of purchase (file)"), upload_to="proofs/%Y/%m/", blank=True)
    installed_on = models.DateField(_("installation date"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(condition=models.Q(seller__in=Seller.values), name="unit_seller_valid"),
        ]

    def __str__(self) -> str:
        return self.serial_number

    @property
    def has_proof_of_purchase(self) -> bool:
        """A registered own sale is its own proof; a dealer's sale needs an invoice reference or file."""
        return bool(self.proof_reference or self.proof_file or self.seller == Seller.OWN)
