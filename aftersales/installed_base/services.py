"""Writes on units: registration and proof of purchase."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.uploads import check_upload
from aftersales.core.validation import not_in_future, require_choice, require_text
from aftersales.customers.models import Customer, Site
from aftersales.customers.permissions import can_edit_customers
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.models import Unit

PROOF_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


@transaction.atomic
def register_unit(
    *,
    by: User,
    serial_number: str,
    product_model: ProductModel,
    customer: Customer,
    site: Site | None = None,
    purchase_date: datetime.date | None = None,
    seller: str = Seller.OWN,
    dealer_name: str = "",
    proof_reference: str = "",
    installed_on: datetime.date | None = None,
) -> Unit:
    """Add a unit to the installed base. The serial number is unique across all customers."""
    if not can_edit_customers(by, centre_id=customer.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not register units for this customer."))
    serial = require_text(serial_number, field="serial_number", max_length=64).upper()
    require_choice(seller, field="seller", choices=Seller)
    not_in_future(purchase_date, field="purchase_date")
    not_in_future(installed_on, field="installed_on")
    if installed_on and purchase_date and installed_on < purchase_date:
        raise ValidationFailed(
            "before_purchase", _("Installation cannot be before the purchase."), field="installed_on"
        )
    if site is not None and site.customer_id != customer.pk:
        raise ValidationFailed("wrong_site", _("The site belongs to another customer."), field="site_id")
    if seller == Seller.DEALER and not dealer_name.strip():
        raise ValidationFailed("required", _("Name the dealer who sold the unit."), field="dealer_name")
    if Unit.objects.filter(serial_number=serial).exists():
        raise ConflictError(
            "duplicate_serial",
            _("Serial number %(serial)s is registered already.") % {"serial": serial},
            field="serial_number",
        )
    try:
        with transaction.atomic():
            return Unit.objects.create(
                serial_number=serial,
                product_model=product_model,
                customer=customer,
                site=site,
                purchase_date=purchase_date,
                seller=seller,
                dealer_name=require_text(dealer_name, field="dealer_name", max_length=200, required=False),
                proof_reference=require_text(proof_reference, field="proof_reference", max_length=100, required=False),
                installed_on=installed_on,
            )
    except IntegrityError as exc:  # a concurrent registration of the same serial
        raise ConflictError(
            "duplicate_serial",
            _("Serial number %(serial)s is registered already.") % {"serial": serial},
            field="serial_number",
        ) from exc


@transaction.atomic
def attach_proof_of_purchase(*, unit: Unit, by: User, file: UploadedFile) -> Unit:
    """Store an invoice image or PDF as the unit's proof of purchase."""
    if not can_edit_customers(by, centre_id=unit.customer.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not change this unit."))
    check_upload(file, field="file", allowed_types=PROOF_TYPES)
    unit.proof_file.save(file.name or "proof", file, save=True)
    return unit
