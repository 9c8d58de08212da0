"""Installation and commissioning (安装调试, domain.md §6 2): small sales are shipped and guided by
phone, large ones commissioned on site by appointment, imported equipment by the factory's engineers
with training of the customer's operators. The product model's checklist is ticked, readings are taken
before and after (§3), and the customer's signed acceptance registers the units in the installed base
with their warranty from that day and releases the invoice: the customer's draft lines of the order
are approved by the acceptance (no separate quote), ready for finance.
"""

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.services import system_actor
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import site_language
from aftersales.core.uploads import clean_upload
from aftersales.core.validation import require_choice, require_text
from aftersales.installed_base.services import clean_unit, register_units, require_active_model
from aftersales.money.choices import Bearer, InstallationMode, InstallationStatus, LineStatus
from aftersales.money.conf import commissioning_checklist
from aftersales.money.models import Installation
from aftersales.money.permissions import can_add_charges, installations_visible_to
from aftersales.money.services.customer_sms import APPOINTMENT_SET, tell_reporter
from aftersales.service.choices import OPEN_STATUSES, OrderKind
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order

MAX_UNITS = 50


def get_installation(*, user: User, installation_id: int) -> Installation:
    found = installations_visible_to(user).select_related("order").filter(pk=installation_id).first()
    if found is None:
        raise NotFoundError("not_found", _("No such installation."))
    return found


def _require(by: User, order: ServiceOrder | None = None) -> None:
    if not can_add_charges(by, order):
        raise PermissionDeniedError("forbidden", _("Your role may not handle installations."))


def _lock(inst: Installation, *, by: User) -> Installation:
    _require(by)
    order = lock_order(inst.order, by=by)
    _require(by, order)
    inst = Installation.objects.select_for_update(of=("self",)).select_related("order", "product_model").get(pk=inst.pk)
    if inst.status == InstallationStatus.ACCEPTED:
        raise ConflictError("installation_accepted", _("The customer has accepted this installation already."))
    return inst


@transaction.atomic
def plan_installation(
    order: ServiceOrder,
    *,
    by: User,
    mode: str,
    product_model_id: int | None = None,
    appointment_at: datetime.datetime | None = None,
    engineers: str = "",
) -> Installation:
    """Start the installation of an installation order: how, the appointment (large and imported), the
    factory's engineers (imported); the checklist is the product model's."""
    _require(by)
    order = lock_order(order, by=by)
    _require(by, order)
    if order.kind != OrderKind.INSTALLATION:
        raise ConflictError("not_an_installation", _("Only an installation order is commissioned."), field="order")
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Only an open order is commissioned."))
    if Installation.objects.filter(order=order).exists():
        raise ConflictError("installation_exists", _("This order's installation is planned already."))
    mode = require_choice(mode, field="mode", choices=InstallationMode)
    model = None
    if product_model_id is not None:
        model = ProductModel.objects.filter(pk=product_model_id).first()
        if model is None:
            raise NotFoundError("not_found", _("No such product model."), field="product_model_id")
        require_active_model(model)  # the unit to install is a new one
    if mode != InstallationMode.SMALL and appointment_at is None:
        raise ValidationFailed(
            "appointment_required", _("An on-site installation needs an appointment."), field="appointment_at"
        )
    engineers = require_text(engineers, field="engineers", max_length=200, required=mode == InstallationMode.IMPORTED)
    inst = Installation.objects.create(
        order=order,
        mode=mode,
        product_model=model,
        appointment_at=appointment_at,
        engineers=engineers,
        checklist=[{"item": item, "done": False} for item in commissioning_checklist(model.code if model else None)],
        created_by=by,
    )
    if appointment_at is not None:
        _tell_appointment(inst)
    return inst


def _tell_appointment(inst: Installation) -> None:
    """The reporter learns the appointment (§6 2: large orders commissioned on site by appointment) and,
    when one is assigned, the technician's name (never their phone: the customer calls the hotline)."""
    order = inst.order
    name = order.technician.get_full_name() if order.technician_id else ""  # type: ignore[union-attr]
    values = {"number": order.number, "at": f"{timezone.localtime(inst.appointment_at):%Y-%m-%d %H:%M}", "name": name}
    with site_language():
        if name:
            text = _(
                "The installation for your service order %(number)s is booked for %(at)s; our technician %(name)s"
                " will come."
            )
        else:
            text = _("The installation for your service order %(number)s is booked for %(at)s.")
        text %= values
    tell_reporter(
        order,
        kind=APPOINTMENT_SET,
        text=text,
        key=f"order-{order.pk}-installation-{inst.pk}-appointment-reporter-sms",
        about=order,
    )


@transaction.atomic
def record_commissioning(
    inst: Installation,
    *,
    by: User,
    done: list[int] | None = None,
    readings_before: str | None = None,
    readings_after: str | None = None,
    training_done: bool | None = None,
) -> Installation:
    """Tick checklist items (by their index), record readings before/after and the operators' training."""
    inst = _lock(inst, by=by)
    if done is not None:
        for index in done:
            if not 0 <= index < len(inst.checklist):
                raise ValidationFailed("unknown_item", _("No such checklist item."), field="done")
        inst.checklist = [{**row, "done": row["done"] or i in done} for i, row in enumerate(inst.checklist)]
    if readings_before is not None:
        inst.readings_before = require_text(readings_before, field="readings_before", max_length=2000, required=False)
    if readings_after is not None:
        inst.readings_after = require_text(readings_after, field="readings_after", max_length=2000, required=False)
    if training_done is not None:
        inst.training_done = training_done
    inst.save()
    return inst


@transaction.atomic
def accept_installation(
    inst: Installation,
    *,
    by: User,
    name: str,
    signature: UploadedFile | None,
    units: list[dict[str, Any]],
) -> Installation:
    """The customer accepts the commissioned installation with a drawn signature: every checklist item
    done, readings after taken, imported equipment's operators trained. The units (serial numbers) are
    registered on the customer's site with their warranty from today; the customer's draft lines of the
    order are approved (the acceptance is the customer's agreement), so finance can invoice them."""
    inst = _lock(inst, by=by)
    name = require_text(name, field="name", max_length=100)
    open_items = [row["item"] for row in inst.checklist if not row["done"]]
    if open_items:
        raise ConflictError(
            "checklist_incomplete",
            _("Finish the checklist first: %(items)s.") % {"items": "; ".join(open_items)},
            field="checklist",
        )
    if not inst.readings_after.strip():
        raise ConflictError(
            "readings_missing", _("Record the readings after commissioning first."), field="readings_after"
        )
    if inst.mode == InstallationMode.IMPORTED and not inst.training_done:
        raise ConflictError(
            "training_missing", _("The customer's operators are trained before acceptance."), field="training_done"
        )
    if not units:
        raise ValidationFailed("required", _("Give the serial number of each unit installed."), field="units")
    if len(units) > MAX_UNITS:
        raise ValidationFailed("too_many_lines", _("At most %(n)d units at once.") % {"n": MAX_UNITS}, field="units")
    if signature is None:
        raise ValidationFailed("signature_required", _("The customer signs on the screen."), field="signature")
    upload = clean_upload(signature, field="signature", allowed_types=("image/png",), max_bytes=1024 * 1024)
    order = inst.order
    today = timezone.localdate()
    registrar = system_actor("importer")  # the acceptance registers them, whoever recorded it
    models = ProductModel.objects.in_bulk([row.get("product_model_id") for row in units if row.get("product_model_id")])
    seen: set[str] = set()
    new_units = []
    for index, row in enumerate(units):
        model = models.get(row.get("product_model_id")) if row.get("product_model_id") else inst.product_model
        if model is None:
            raise ValidationFailed(
                "required", _("Say which product model this unit is."), field=f"units.{index}.product_model_id"
            )
        serial = str(row.get("serial_number") or "").strip().upper()
        if serial in seen:
            raise ValidationFailed(
                "duplicate_serial", _("The same serial number twice."), field=f"units.{index}.serial_number"
            )
        seen.add(serial)
        try:
            new_units.append(
                clean_unit(
                    by=registrar,
                    serial_number=serial,
                    product_model=model,
                    customer=order.customer,
                    site=order.site,
                    purchase_date=today,
                    proof_reference=order.number,
                    installed_on=today,
                    # The model planned with the order stays good if retired since; another must be active.
                    retired_model_ok=model.pk == inst.product_model_id,
                )
            )
        except (ValidationFailed, ConflictError) as exc:
            exc.field = f"units.{index}.{exc.field or 'serial_number'}"
            raise
    registered = register_units(by=registrar, units=new_units)
    inst.signature.save(upload.name, upload.file, save=False)
    inst.status = InstallationStatus.ACCEPTED
    inst.accepted_at = timezone.now()
    inst.accepted_by_name = name
    inst.recorded_by = by
    inst.save()
    inst.units.set(registered)
    order.charge_lines.filter(bearer=Bearer.CUSTOMER, status=LineStatus.DRAFT).update(
        status=LineStatus.APPROVED, updated_at=timezone.now()
    )
    return inst
