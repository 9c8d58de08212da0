"""Customers (companies or people), their contacts and their sites."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter
from aftersales.core.models import TimeStampedModel
from aftersales.customers.choices import CustomerKind
from aftersales.customers.querysets import ContactQuerySet, CustomerQuerySet, SiteQuerySet


class Customer(TimeStampedModel):
    """Who owns units and calls for service. Belongs to the service centre that looks after it."""

    kind = models.CharField(_("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="customers"
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["service_center", "name"], name="customer_centre_name_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=CustomerKind.values), name="customer_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """A person to call at a customer. ``mobile`` is stored in E.164 for lookups. A customer has at
    most one primary contact, and only a contact in use may be it: both are constraints of the
    database, so two requests at once cannot leave two primaries (docs/care.md)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    mobile = models.CharField(_("mobile"), max_length=20, db_index=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # Orders, contracts and the portal refer to a contact, so a wrong or departed one is taken out of
    # use instead of deleted: old records still show it, new orders cannot pick it, it cannot sign in.
    in_use = models.BooleanField(_("in use"), default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "mobile"], name="contact_customer_mobile_uniq"),
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(is_primary=True), name="contact_one_primary_per_customer"
            ),
            # Taken out of use a contact stops being the primary one (``set_contact_in_use``).
            models.CheckConstraint(
                condition=models.Q(in_use=True) | models.Q(is_primary=False), name="contact_primary_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.mobile}"


class Site(TimeStampedModel):
    """An address where the customer's units stand and technicians go."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255)
    # Like a contact's: a site that is gone stays on the orders and units that name it.
    in_use = models.BooleanField(_("in use"), default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.name} ({self.full_address})"

    @property
    def full_address(self) -> str:
        """Province, city and street as one line, each place named once: the four municipalities are
        their own province (上海市 + 上海市), and an address is often typed with its city already in it.
        (Found by a screen review, 2026-12-07: "上海市上海市闵行区…" on the intake, the order and the
        technician's navigation link.)"""
        street = self.address
        places: list[str] = []
        for place in (self.province, self.city):
            if place and place not in places:
                places.append(place)
        for place in places:
            street = street.removeprefix(place)
        return "".join(places) + street
