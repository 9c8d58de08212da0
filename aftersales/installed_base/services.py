"""Writes on units: registration and proof of purchase."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.bulk import bulk_insert
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.uploads import clean_upload
from aftersales.core.validation import Checks, field_max_length, not_in_future, require_choice, require_text
from aftersales.customers.models import Customer, Site
from aftersales.customers.permissions import require_may_edit_customer
from aftersales.history.services import changed, created_values, record_activities, record_activity, snapshot
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.models import Unit

PROOF_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
UNIT_FIELDS = (
    "serial_number",
    "product_model",
    "customer",
    "site",
    "purchase_date",
    "seller",
    "dealer_name",
    "proof_reference",
    "installed_on",
)
# What the warranty decision reads from the proof of purchase (domain.md: warranty).
PROOF_FIELDS = ("purchase_date", "seller", "dealer_name", "proof_reference")


@dataclass(frozen=True)
class NewUnit:
    """A unit checked by ``clean_unit``, ready for ``register_units``."""

    serial_number: str
    product_model: ProductModel
    customer: Customer
    site: Site | None
    purchase_date: datetime.date | None
    seller: str
    dealer_name: str
    proof_reference: str
    installed_on: datetime.date | None


def _serial_taken(serial: str) -> bool:
    return Unit.objects.filter(serial_number=serial).exists()


def _duplicate_serial(serial: str) -> ConflictError:
    return ConflictError(
        "duplicate_serial",
        _("Serial number %(serial)s is registered already.") % {"serial": serial},
        field="serial_number",
    )


def require_active_model(product_model: ProductModel, *, field: str = "product_model_id") -> None:
    """A new unit is of an active model: a retired one (``catalog``: ``active=False``) is refused with
    ``model_retired``. Units registered before it was retired keep it."""
    if not product_model.active:
        raise ValidationFailed(
            "model_retired",
            _("Product model %(code)s is retired: new units cannot be registered with it.")
            % {"code": product_model.code},
            field=field,
        )


def clean_unit(
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
    serial_taken: Callable[[str], bool] = _serial_taken,
    retired_model_ok: bool = False,
) -> NewUnit:
    """Every check of a new unit, writing nothing (the form, the API and the import all come here).
    ``serial_taken(serial)`` answers whether a unit has that serial already; an import passes a
    lookup of its batch's serials read in one query. ``retired_model_ok`` is for an order under way
    whose unit's model was retired meanwhile (an exchange's replacement, an accepted installation).
    Every field's problem is found, the first raised with the others in its ``errors`` (``Checks``)."""
    require_may_edit_customer(by, centre_id=customer.service_center_id, field="customer_id")
    checks = Checks()
    if not retired_model_ok:
        checks.run(require_active_model, product_model)
    serial = (
        checks.run(
            require_text, serial_number, field="serial_number", max_length=field_max_length(Unit, "serial_number")
        )
        or ""
    ).upper()
    checks.run(_check_proof, purchase_date=purchase_date, seller=seller, dealer_name=dealer_name)
    checks.run(not_in_future, installed_on, field="installed_on")
    if installed_on and purchase_date and installed_on < purchase_date and not checks.failed("installed_on"):
        checks.add(
            ValidationFailed("before_purchase", _("Installation cannot be before the purchase."), field="installed_on")
        )
    if site is not None and site.customer_id != customer.pk:
        checks.add(ValidationFailed("wrong_site", _("The site belongs to another customer."), field="site_id"))
    elif site is not None and not site.in_use:
        checks.add(ValidationFailed("not_in_use", _("This site is not in use any more."), field="site_id"))
    if serial and not checks.failed("serial_number") and serial_taken(serial):
        checks.add(_duplicate_serial(serial))
    clean_dealer = checks.run(
        require_text, dealer_name, field="dealer_name", max_length=field_max_length(Unit, "dealer_name"), required=False
    )
    proof = checks.run(
        require_text,
        proof_reference,
        field="proof_reference",
        max_length=field_max_length(Unit, "proof_reference"),
        required=False,
    )
    checks.done()
    return NewUnit(
        serial_number=serial,
        product_model=product_model,
        customer=customer,
        site=site,
        purchase_date=purchase_date,
        seller=seller,
        dealer_name=clean_dealer or "",
        proof_reference=proof or "",
        installed_on=installed_on,
    )


@transaction.atomic
def register_units(*, by: User, units: list[NewUnit]) -> list[Unit]:
    """Write units checked by ``clean_unit`` with their history rows, one INSERT per table (an
    import's batch; a single unit is a batch of one). A serial registered meanwhile by someone else
    raises ``IntegrityError`` for a batch, ``duplicate_serial`` for a single unit."""
    rows = [Unit(**new.__dict__) for new in units]
    if len(rows) == 1:
        try:
            with transaction.atomic():
                rows[0].save(force_insert=True)
        except IntegrityError as exc:  # a concurrent registration of the same serial
            raise _duplicate_serial(rows[0].serial_number) from exc
    else:
        rows = bulk_insert(rows)
    record_activities(
        targets=list(rows), type="unit.registered", by=by, changes=lambda unit: created_values(unit, UNIT_FIELDS)
    )
    return list(rows)


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
    retired_model_ok: bool = False,
) -> Unit:
    """Add a unit to the installed base. The serial number is unique across all customers; the model
    is an active one (``clean_unit``)."""
    new = clean_unit(
        by=by,
        serial_number=serial_number,
        product_model=product_model,
        customer=customer,
        site=site,
        purchase_date=purchase_date,
        seller=seller,
        dealer_name=dealer_name,
        proof_reference=proof_reference,
        installed_on=installed_on,
        retired_model_ok=retired_model_ok,
    )
    return register_units(by=by, units=[new])[0]


def _check_proof(*, purchase_date: datetime.date | None, seller: str, dealer_name: str) -> None:
    checks = Checks()
    checks.run(require_choice, seller, field="seller", choices=Seller)
    checks.run(not_in_future, purchase_date, field="purchase_date")
    if seller == Seller.DEALER and not dealer_name.strip():
        checks.add(ValidationFailed("required", _("Name the dealer who sold the unit."), field="dealer_name"))
    checks.done()


@transaction.atomic
def attach_proof_of_purchase(*, unit: Unit, by: User, file: UploadedFile) -> Unit:
    """Store an invoice image or PDF as the unit's proof of purchase."""
    require_may_edit_customer(by, centre_id=unit.customer.service_center_id, not_found=_("No such unit."))
    upload = clean_upload(file, field="file", allowed_types=PROOF_TYPES)
    previous = unit.proof_file.name or ""
    unit.proof_file.save(upload.name, upload.file, save=True)
    if previous and previous != unit.proof_file.name:
        # The replaced file goes once the new one is committed; a rollback keeps it (the row still names it).
        storage = unit.proof_file.storage
        transaction.on_commit(lambda: storage.delete(previous))
    record_activity(
        target=unit, type="unit.proof_attached", by=by, changes={"proof_file": (previous, unit.proof_file.name)}
    )
    return unit


@transaction.atomic
def update_proof_of_purchase(
    *,
    unit: Unit,
    by: User,
    purchase_date: datetime.date | None,
    seller: str,
    dealer_name: str = "",
    proof_reference: str = "",
    reason: str = "",
) -> Unit:
    """Correct the proof of purchase: purchase (invoice) date, seller, dealer and invoice number.

    These decide every later warranty decision (decisions already recorded on orders stay as made),
    so the change is kept in the unit's history with old → new and the reason given. The same checks
    as at registration: no date in the future, a dealer's sale names the dealer, installation not
    before the purchase.
    """
    unit = Unit.objects.select_for_update(of=("self",), no_key=True).select_related("customer").get(pk=unit.pk)
    require_may_edit_customer(by, centre_id=unit.customer.service_center_id, not_found=_("No such unit."))
    _check_proof(purchase_date=purchase_date, seller=seller, dealer_name=dealer_name)
    if unit.installed_on and purchase_date and unit.installed_on < purchase_date:
        raise ValidationFailed(
            "before_purchase", _("The purchase cannot be after the installation."), field="purchase_date"
        )
    fields = {
        "purchase_date": purchase_date,
        "seller": seller,
        "dealer_name": require_text(
            dealer_name, field="dealer_name", max_length=field_max_length(Unit, "dealer_name"), required=False
        ),
        "proof_reference": require_text(
            proof_reference,
            field="proof_reference",
            max_length=field_max_length(Unit, "proof_reference"),
            required=False,
        ),
    }
    clean_reason = require_text(reason, field="reason", max_length=500, required=False)
    changes = changed(snapshot(unit, PROOF_FIELDS), fields)
    if not changes:
        return unit
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.save(update_fields=[*fields, "updated_at"])
    record_activity(target=unit, type="unit.proof_updated", by=by, reason=clean_reason, changes=changes)
    return unit
