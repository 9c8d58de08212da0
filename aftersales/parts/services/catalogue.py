"""The parts catalogue, suppliers, list prices, locations and stock levels (the keeper's settings)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import can_see_centre
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import field_max_length, require_choice, require_in_range, require_text
from aftersales.history.services import changed, created_values, record_activity
from aftersales.parts.choices import LocationKind, ReservationStatus, UnitOfMeasure
from aftersales.parts.models import Location, Part, PartPrice, Reservation, Stock, Supplier
from aftersales.parts.permissions import can_manage_catalogue, can_manage_location
from aftersales.parts.services.common import clean_money, clean_quantity, require_manages

PART_FIELDS = (
    "number",
    "name",
    "unit",
    "cost",
    "supplier_id",
    "supplier_warranty_months",
    "warranty_critical",
    "turnover",
    "active",
)
SUPPLIER_WARRANTY_MONTHS_MAX = 120
SUPPLIER_FIELDS = ("code", "name", "outside", "contact")
LOCATION_FIELDS = ("code", "name", "kind", "service_center", "holder", "active")  # related records with their names


def _require_catalogue(by: User) -> None:
    if not can_manage_catalogue(by):
        raise PermissionDeniedError("forbidden", _("Only the parts keeper edits the parts catalogue."))


def clean_part_fields(
    *,
    number: str,
    name: str,
    unit: str,
    cost: Any = Decimal(0),
    supplier: Supplier | None = None,
    supplier_warranty_months: int = 0,
    warranty_critical: bool = False,
    turnover: bool = False,
    active: bool = True,
) -> dict[str, Any]:
    """The checked fields of a part (the import's preview and the services share it)."""
    months = int(supplier_warranty_months or 0)
    if not 0 <= months <= SUPPLIER_WARRANTY_MONTHS_MAX:
        raise ValidationFailed(
            "out_of_range",
            _("Supplier warranty months must be between 0 and %(max)d.") % {"max": SUPPLIER_WARRANTY_MONTHS_MAX},
            field="supplier_warranty_months",
        )
    unit = require_choice(unit, field="unit", choices=UnitOfMeasure)
    if turnover and unit not in (UnitOfMeasure.PIECE, UnitOfMeasure.SET):
        raise ValidationFailed("invalid_unit", _("A turnover spare is counted in whole units."), field="unit")
    return {
        "number": require_text(number, field="number", max_length=field_max_length(Part, "number")).upper(),
        "name": require_text(name, field="name", max_length=field_max_length(Part, "name")),
        "unit": unit,
        "cost": clean_money(cost if cost not in (None, "") else 0, field="cost"),
        "supplier_id": supplier.pk if supplier else None,
        "supplier_warranty_months": months,
        "warranty_critical": bool(warranty_critical),
        "turnover": bool(turnover),
        "active": bool(active),
    }


@transaction.atomic
def create_part(
    *,
    by: User,
    compatible_models: list[ProductModel] | None = None,
    list_price: Any = None,
    price_from: datetime.date | None = None,
    **fields: Any,
) -> Part:
    """Add a part to the catalogue, with its first list price when given."""
    _require_catalogue(by)
    values = clean_part_fields(**fields)
    if Part.objects.filter(number=values["number"]).exists():
        raise ConflictError("duplicate_number", _("A part with this number exists."), field="number")
    part = Part.objects.create(**values)
    if compatible_models:
        part.compatible_models.set(compatible_models)
    record_activity(target=part, type="part.created", by=by, changes=created_values(part, PART_FIELDS))
    if list_price not in (None, ""):
        set_list_price(by=by, part=part, price=list_price, valid_from=price_from or timezone.localdate())
    return part


@transaction.atomic
def create_parts(*, by: User, rows: list[dict[str, Any]]) -> list[Part]:
    """The import's write: each row as ``create_part`` (already checked by the preview)."""
    return [create_part(by=by, **row) for row in rows]


@transaction.atomic
def update_part(
    *,
    by: User,
    part: Part,
    compatible_models: list[ProductModel] | None = None,
    list_price: Any = None,
    price_from: datetime.date | None = None,
    **fields: Any,
) -> Part:
    """Change a part of the catalogue; a ``list_price`` given is a new price from ``price_from``
    (today when not given), as ``set_list_price``. All or nothing."""
    _require_catalogue(by)
    part = Part.objects.select_for_update().get(pk=part.pk)
    values = clean_part_fields(**fields)
    if Part.objects.filter(number=values["number"]).exclude(pk=part.pk).exists():
        raise ConflictError("duplicate_number", _("A part with this number exists."), field="number")
    previous = {key: getattr(part, key) for key in values}
    for key, value in values.items():
        setattr(part, key, value)
    part.save()
    if compatible_models is not None:
        part.compatible_models.set(compatible_models)
    changes = changed(previous, values)
    if changes:
        record_activity(target=part, type="part.updated", by=by, changes=changes)
    if list_price not in (None, ""):
        set_list_price(by=by, part=part, price=list_price, valid_from=price_from or timezone.localdate())
    return part


@transaction.atomic
def set_list_price(*, by: User, part: Part, price: Any, valid_from: datetime.date) -> PartPrice:
    """A new list price from ``valid_from`` on. Prices are versioned by date: an earlier price stays
    in force for the days before; a second price for the same day answers 409."""
    _require_catalogue(by)
    amount = clean_money(price, field="price") or Decimal(0)
    require_in_range(valid_from, field="valid_from")
    if PartPrice.objects.filter(part=part, valid_from=valid_from).exists():
        raise ConflictError("duplicate_price", _("This part already has a price from that day."), field="valid_from")
    row = PartPrice.objects.create(part=part, valid_from=valid_from, price=amount, created_by=by)
    record_activity(
        target=part, type="part.price_set", by=by, changes={"list_price": ("", f"{amount} ({valid_from:%Y-%m-%d})")}
    )
    return row


def _clean_supplier_fields(*, code: str, name: str, outside: bool, contact: str) -> dict[str, Any]:
    return {
        "code": require_text(code, field="code", max_length=field_max_length(Supplier, "code")).upper(),
        "name": require_text(name, field="name", max_length=field_max_length(Supplier, "name")),
        "outside": bool(outside),
        "contact": require_text(
            contact, field="contact", max_length=field_max_length(Supplier, "contact"), required=False
        ),
    }


@transaction.atomic
def create_supplier(*, by: User, code: str, name: str, outside: bool = True, contact: str = "") -> Supplier:
    """Add a supplier (the parts keeper, an administrator). ``outside``: another company, whose own
    warranty is claimed back (domain.md §9 五). The code is kept upper-case and is unique (409)."""
    _require_catalogue(by)
    values = _clean_supplier_fields(code=code, name=name, outside=outside, contact=contact)
    if Supplier.objects.filter(code=values["code"]).exists():
        raise ConflictError("duplicate_code", _("A supplier with this code exists."), field="code")
    supplier = Supplier.objects.create(**values)
    record_activity(target=supplier, type="supplier.created", by=by, changes=created_values(supplier, SUPPLIER_FIELDS))
    return supplier


@transaction.atomic
def update_supplier(
    *, by: User, supplier: Supplier, code: str, name: str, outside: bool = True, contact: str = ""
) -> Supplier:
    """Change a supplier. Its parts, receipts and claims keep pointing at it; a changed ``outside``
    applies to claims opened from now on (claims already open stay as they are)."""
    _require_catalogue(by)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    values = _clean_supplier_fields(code=code, name=name, outside=outside, contact=contact)
    if Supplier.objects.filter(code=values["code"]).exclude(pk=supplier.pk).exists():
        raise ConflictError("duplicate_code", _("A supplier with this code exists."), field="code")
    previous = {key: getattr(supplier, key) for key in values}
    for key, value in values.items():
        setattr(supplier, key, value)
    supplier.save()
    changes = changed(previous, values)
    if changes:
        record_activity(target=supplier, type="supplier.updated", by=by, changes=changes)
    return supplier


def _require_location_manager(location: Location, *, by: User) -> None:
    """A centre's store or van: its parts keeper (404 outside their scope); the central warehouse,
    which belongs to no centre: whoever edits the catalogue. A new location is not in any scope yet,
    so its centre decides: another centre's is unknown to the caller (404), their own needs the right."""
    if location.service_center_id is None:
        _require_catalogue(by)
    elif location.pk is not None:
        require_manages(location, by=by)
    elif not can_manage_location(by, location):
        if not can_see_centre(by, location.service_center_id):
            raise NotFoundError("not_found", _("No such service centre."), field="service_center_id")
        raise PermissionDeniedError(
            "forbidden",
            _("Only the parts keeper of %(centre)s adds its locations.") % {"centre": location.service_center},
        )


@transaction.atomic
def create_location(
    *,
    by: User,
    code: str,
    name: str,
    kind: str,
    service_center: ServiceCenter | None = None,
    holder: User | None = None,
) -> Location:
    """A stock location: the central warehouse (no centre), a centre's store, a technician's van (of the
    technician's centre unless another is given)."""
    kind = require_choice(kind, field="kind", choices=LocationKind)
    if kind == LocationKind.VAN:
        if holder is None:
            raise ValidationFailed("required", _("A van belongs to a technician."), field="holder_id")
        service_center = service_center or holder.service_center
    if kind != LocationKind.WAREHOUSE and service_center is None:
        raise ValidationFailed("required", _("A store or van belongs to a service centre."), field="service_center_id")
    location = Location(
        code=require_text(code, field="code", max_length=field_max_length(Location, "code")).upper(),
        name=require_text(name, field="name", max_length=field_max_length(Location, "name")),
        kind=kind,
        service_center=service_center,
        holder=holder if kind == LocationKind.VAN else None,
    )
    _require_location_manager(location, by=by)
    if Location.objects.filter(code=location.code).exists():
        raise ConflictError("duplicate_code", _("A location with this code exists."), field="code")
    location.save()
    record_activity(
        target=location, type="part_location.created", by=by, changes=created_values(location, LOCATION_FIELDS)
    )
    return location


@transaction.atomic
def update_location(
    *, by: User, location: Location, code: str, name: str, holder: User | None = None, active: bool = True
) -> Location:
    """Change a location's code, name, the technician of a van (one of the van's centre) or whether it
    is in use. Its kind and centre stay as made: its stock and ledger belong to them. A location is
    taken out of use only when it holds nothing (on hand, reserved, in transit or defective) and no
    reservation waits there (409 ``location_has_stock``): move or scrap its stock first."""
    location = Location.objects.select_for_update().get(pk=location.pk)
    _require_location_manager(location, by=by)
    values: dict[str, Any] = {
        "code": require_text(code, field="code", max_length=field_max_length(Location, "code")).upper(),
        "name": require_text(name, field="name", max_length=field_max_length(Location, "name")),
        "active": bool(active),
    }
    if location.kind == LocationKind.VAN:
        if holder is None:
            raise ValidationFailed("required", _("A van belongs to a technician."), field="holder_id")
        if holder.service_center_id != location.service_center_id:
            raise ValidationFailed(
                "wrong_centre", _("A van is held by someone of its own service centre."), field="holder_id"
            )
        values["holder"] = holder
    if Location.objects.filter(code=values["code"]).exclude(pk=location.pk).exists():
        raise ConflictError("duplicate_code", _("A location with this code exists."), field="code")
    if location.active and not values["active"] and _holds_anything(location):
        raise ConflictError(
            "location_has_stock",
            _("%(loc)s still holds stock or awaits parts: move or scrap its stock first.") % {"loc": location},
            field="active",
        )
    previous = {key: getattr(location, key) for key in values}
    for key, value in values.items():
        setattr(location, key, value)
    location.save()
    changes = changed(previous, values)
    if changes:
        record_activity(target=location, type="part_location.updated", by=by, changes=changes)
    return location


def _holds_anything(location: Location) -> bool:
    stocked = Q(on_hand__gt=0) | Q(reserved__gt=0) | Q(in_transit__gt=0) | Q(defective__gt=0)
    if Stock.objects.filter(stocked, location=location).exists():
        return True
    return Reservation.objects.filter(location=location, status=ReservationStatus.WAITING).exists()


@transaction.atomic
def set_stock_levels(*, by: User, location: Location, part: Part, min_qty: Any, max_qty: Any, bin: str = "") -> Stock:
    """The minimum and maximum of ``part`` at ``location`` (0: none) and its bin (货位)."""
    require_manages(location, by=by)
    low = Decimal(0) if min_qty in (None, "") else clean_quantity(min_qty, part=part, field="min_qty", allow_zero=True)
    high = Decimal(0) if max_qty in (None, "") else clean_quantity(max_qty, part=part, field="max_qty", allow_zero=True)
    if high and high < low:
        raise ValidationFailed("invalid_levels", _("The maximum is below the minimum."), field="max_qty")
    stock, _created = Stock.objects.get_or_create(location=location, part=part)
    Stock.objects.filter(pk=stock.pk).update(
        min_qty=low, max_qty=high, bin=require_text(bin, field="bin", max_length=20, required=False)
    )
    stock.refresh_from_db()
    return stock
