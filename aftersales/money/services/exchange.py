"""Exchange of a unit (调换, domain.md Exchange §6 1.4; Warranty §6 1.5.2).

Request (in warranty only: out of warranty there is no exchange or return) → the manager approves or
refuses → the factory agrees or refuses (then another resolution is agreed with the customer) → the old
unit goes back in its original packaging → the new unit is delivered: registered on the customer's
site with its warranty from the day of delivery, the old unit's history says it was returned. Freight
on either leg is a charge line, borne as the rule says (the company's in warranty).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.services import system_actor
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import site_language
from aftersales.core.validation import require_in_range, require_text
from aftersales.history.services import record_activity
from aftersales.installed_base.models import Unit
from aftersales.installed_base.services import register_unit
from aftersales.money.choices import ChargeKind, ExchangeStatus
from aftersales.money.conf import default_tax_rate
from aftersales.money.models import Exchange
from aftersales.money.permissions import can_add_charges, can_approve_exchange, exchanges_visible_to
from aftersales.money.services.charges import insert_line
from aftersales.money.services.common import require_amount
from aftersales.money.services.customer_sms import EXCHANGE_ANSWERED, tell_reporter
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order

S = ExchangeStatus
CLOSED = (S.REFUSED, S.DELIVERED)


def get_exchange(*, user: User, exchange_id: int) -> Exchange:
    found = exchanges_visible_to(user).select_related("order").filter(pk=exchange_id).first()
    if found is None:
        raise NotFoundError("not_found", _("No such exchange."))
    return found


def _require(by: User, order: ServiceOrder | None = None) -> None:
    if not can_add_charges(by, order):
        raise PermissionDeniedError("forbidden", _("Your role may not handle exchanges."))


def _lock(ex: Exchange, *, by: User) -> Exchange:
    lock_order(ex.order, by=by)
    return Exchange.objects.select_for_update(of=("self",)).select_related("order", "old_unit").get(pk=ex.pk)


def _state(ex: Exchange, *wanted: str) -> None:
    if ex.status in wanted:
        return
    if ex.status in (S.REQUESTED, S.APPROVED):
        raise ConflictError(
            "exchange_not_approved",
            _("The exchange needs the manager's approval and the factory's agreement first."),
            field="status",
        )
    raise ConflictError(
        "exchange_state",
        _("This step does not fit an exchange that is %(status)s.") % {"status": ex.get_status_display()},
        field="status",
    )


def _freight(ex: Exchange, *, by: User, amount: Any, leg: str, key: str) -> None:
    if amount in (None, ""):
        return
    price = require_amount(amount, field="freight")
    if price == 0:
        return
    insert_line(
        ex.order,
        by=by,
        kind=ChargeKind.FREIGHT,
        description=_("Freight of the exchange (%(leg)s)") % {"leg": leg},
        quantity=Decimal("1"),
        unit_price=price,
        tax_rate=default_tax_rate(),
        source=f"exchange-{ex.pk}-{key}",
    )


@transaction.atomic
def request_exchange(order: ServiceOrder, *, by: User, reason: str) -> Exchange:
    """Ask for an exchange of the order's unit. Out of warranty (expired, no proof, misuse) answers 409
    ``exchange_out_of_warranty``; one exchange at a time."""
    _require(by)
    order = lock_order(order, by=by)
    _require(by, order)
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Only an open order's unit can be exchanged."))
    reason = require_text(reason, field="reason", max_length=500)
    if order.unit_id is None:
        raise ConflictError("no_unit", _("The order names no unit to exchange."), field="unit")
    if not order.warranty_covered:
        raise ConflictError(
            "exchange_out_of_warranty",
            _("Out of warranty a unit is neither exchanged nor returned (%(why)s).")
            % {"why": order.get_warranty_reason_display()},
            field="unit",
        )
    if order.exchanges.exclude(status__in=CLOSED).exists():
        raise ConflictError("exchange_open", _("An exchange of this unit is under way already."))
    return Exchange.objects.create(order=order, old_unit_id=order.unit_id, reason=reason, created_by=by)


@transaction.atomic
def decide_exchange(ex: Exchange, *, by: User, approve: bool, note: str = "") -> Exchange:
    """The service manager approves the exchange (then the factory is asked) or refuses it (with a note)."""
    if not can_approve_exchange(by):
        raise PermissionDeniedError("forbidden", _("Only a service manager approves an exchange."))
    ex = _lock(ex, by=by)
    if not can_approve_exchange(by, ex.order):
        raise PermissionDeniedError("forbidden", _("Only a service manager approves an exchange."))
    note = require_text(note, field="note", max_length=500, required=not approve)
    if ex.status != S.REQUESTED:
        raise ConflictError("exchange_state", _("The manager has decided on this exchange already."), field="status")
    ex.status = S.APPROVED if approve else S.REFUSED
    ex.decided_by = by
    ex.decided_at = timezone.now()
    ex.decision_note = note
    ex.save()
    return ex


@transaction.atomic
def record_factory_answer(ex: Exchange, *, by: User, agreed: bool, note: str = "") -> Exchange:
    """The factory agrees to the exchange or refuses it; on a refusal the customer is told that another
    resolution will be agreed with them (a customer SMS, kind ``exchange_answered``; the factory's note
    is the staff's and stays on the exchange)."""
    _require(by)
    ex = _lock(ex, by=by)
    _require(by, ex.order)
    if ex.status == S.REQUESTED:
        _state(ex, S.APPROVED)  # 409 exchange_not_approved
    if ex.status != S.APPROVED:
        raise ConflictError("exchange_state", _("The factory has answered already."), field="status")
    ex.factory_agreed = agreed
    ex.factory_note = require_text(note, field="note", max_length=500, required=not agreed)
    ex.factory_answered_at = timezone.now()
    ex.status = S.AGREED if agreed else S.REFUSED
    ex.save()
    order = ex.order
    with site_language():
        if agreed:
            body = _("The factory agreed to exchange your unit (order %(order)s). We will arrange the shipment.")
        else:
            body = _(
                "The factory did not agree to exchange your unit (order %(order)s). We will call you to agree "
                "another solution."
            )
    tell_reporter(
        order,
        kind=EXCHANGE_ANSWERED,
        text=body % {"order": order.number},
        key=f"exchange-{ex.pk}-factory",
        about=ex,
    )
    return ex


@transaction.atomic
def ship_old_unit(
    ex: Exchange,
    *,
    by: User,
    carrier: str,
    waybill: str,
    original_packaging: bool,
    shipped_on: datetime.date | None = None,
    freight: Any = None,
) -> Exchange:
    """The old unit goes back to the factory in its original packaging (before the factory agreed:
    409 ``exchange_not_approved``)."""
    _require(by)
    ex = _lock(ex, by=by)
    _require(by, ex.order)
    _state(ex, S.AGREED)
    carrier = require_text(carrier, field="carrier", max_length=50)
    waybill = require_text(waybill, field="waybill", max_length=50)
    if not original_packaging:
        raise ValidationFailed(
            "original_packaging_required",
            _("The old unit goes back in its original packaging."),
            field="original_packaging",
        )
    today = timezone.localdate()
    day = require_in_range(shipped_on, field="shipped_on") or today
    if day > today:
        raise ValidationFailed("date_in_future", _("A shipment cannot leave in the future."), field="shipped_on")
    ex.carrier, ex.waybill, ex.shipped_on, ex.original_packaging = carrier, waybill, day, True
    ex.status = S.SHIPPED
    ex.save()
    _freight(ex, by=by, amount=freight, leg=_("old unit back"), key="old")
    return ex


@transaction.atomic
def deliver_new_unit(
    ex: Exchange,
    *,
    by: User,
    serial_number: str,
    delivered_on: datetime.date | None = None,
    freight: Any = None,
) -> Exchange:
    """The new unit reaches the customer: it is registered on the old unit's site with its warranty from
    today (its own purchase date, our own sale), and the old unit's history says it was returned."""
    _require(by)
    ex = _lock(ex, by=by)
    _require(by, ex.order)
    _state(ex, S.SHIPPED)
    today = timezone.localdate()
    day = require_in_range(delivered_on, field="delivered_on") or today
    if day > today:
        raise ValidationFailed("date_in_future", _("A delivery cannot be in the future."), field="delivered_on")
    if ex.shipped_on and day < ex.shipped_on:
        raise ValidationFailed(
            "before_shipped", _("The new unit cannot arrive before the old one left."), field="delivered_on"
        )
    old: Unit = ex.old_unit
    # The unit is the customer's by the exchange the manager approved, whoever records the delivery.
    new = register_unit(
        by=system_actor("importer"),
        serial_number=serial_number,
        product_model=old.product_model,
        customer=old.customer,
        site=old.site,
        purchase_date=day,
        proof_reference=ex.order.number,
        installed_on=day,
        # The exchange was approved for this unit: its model may have been retired since.
        retired_model_ok=True,
    )
    record_activity(
        target=old,
        type="unit.returned",
        by=by,
        reason=_("Exchanged for %(serial)s (order %(order)s)")
        % {"serial": new.serial_number, "order": ex.order.number},
        data={"exchange": ex.pk, "new_unit": new.pk},
    )
    ex.new_unit, ex.delivered_on, ex.status = new, day, S.DELIVERED
    ex.save()
    _freight(ex, by=by, amount=freight, leg=_("new unit out"), key="new")
    return ex
