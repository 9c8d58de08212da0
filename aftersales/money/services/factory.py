"""Return to factory (返厂, domain.md Repair §6 1.3.3.2): ship the unit to its factory, take the
factory's diagnosis and quote with our margin on top as a charge line (the factory bears it in
warranty; out of warranty the customer's quote follows), chase the factory at an interval and tell the
customer each time, take the unit back. The order's clock stands still while the unit is away.
"""

import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import add_working_days
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import in_site_language, site_language
from aftersales.core.validation import require_in_range, require_text
from aftersales.money.amounts import HUNDRED, to_fen
from aftersales.money.choices import ChargeKind, FactoryReturnStatus, PauseReason
from aftersales.money.conf import factory_chase_days, factory_days, factory_margin
from aftersales.money.models import FactoryReturn
from aftersales.money.permissions import can_add_charges, factory_returns_visible_to
from aftersales.money.services.charges import add_charge
from aftersales.money.services.common import require_amount, require_tax_rate
from aftersales.money.services.customer_sms import FACTORY_BACK, FACTORY_CHASED, FACTORY_SHIPPED, tell_reporter
from aftersales.money.services.pauses import end_pause, start_pause
from aftersales.notifications.services import notify_user
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import ServiceOrder
from aftersales.service.services.common import lock_order

S = FactoryReturnStatus


def get_factory_return(*, user: User, return_id: int) -> FactoryReturn:
    found = factory_returns_visible_to(user).select_related("order").filter(pk=return_id).first()
    if found is None:
        raise NotFoundError("not_found", _("No such return to the factory."))
    return found


def _require(by: User, order: ServiceOrder | None = None) -> None:
    if not can_add_charges(by, order):
        raise PermissionDeniedError("forbidden", _("Your role may not handle returns to the factory."))


def _lock(fr: FactoryReturn, *, by: User) -> FactoryReturn:
    _require(by)
    order = lock_order(fr.order, by=by)
    _require(by, order)
    return (
        FactoryReturn.objects.select_for_update(of=("self",)).select_related("order", "order__customer").get(pk=fr.pk)
    )


def _tell_customer(
    fr: FactoryReturn, *, kind: str, message: str, key: str, now: datetime.datetime | None = None
) -> None:
    """A customer SMS to the order's reporter (signed, held through the quiet hours, switchable): what
    happens to the unit, never the factory's diagnosis nor the staff's notes."""
    tell_reporter(fr.order, kind=kind, text=message, key=key, now=now, about=fr)


@transaction.atomic
def ship_to_factory(
    order: ServiceOrder,
    *,
    by: User,
    factory: str,
    carrier: str,
    waybill: str,
    shipped_on: datetime.date | None = None,
    chase_every_days: int | None = None,
) -> FactoryReturn:
    """The unit leaves for its factory: expected back within ``AFTERSALES["FACTORY_RETURN_DAYS"]`` (15)
    working days; the order's clock stands still until it is back; the customer is told."""
    _require(by)
    order = lock_order(order, by=by)
    _require(by, order)
    if order.status not in OPEN_STATUSES:
        raise ConflictError("order_not_open", _("Only an open order's unit can go to the factory."))
    if order.factory_returns.exclude(status=S.RECEIVED).exists():
        raise ConflictError("factory_return_open", _("The unit is at the factory already."))
    factory = require_text(factory, field="factory", max_length=100)
    carrier = require_text(carrier, field="carrier", max_length=50)
    waybill = require_text(waybill, field="waybill", max_length=50)
    today = timezone.localdate()
    day = require_in_range(shipped_on, field="shipped_on") or today
    if day > today:
        raise ValidationFailed("date_in_future", _("A shipment cannot leave in the future."), field="shipped_on")
    every = factory_chase_days() if chase_every_days is None else chase_every_days
    if not 1 <= every <= 30:
        raise ValidationFailed(
            "out_of_range", _("Chase the factory every 1 to 30 working days."), field="chase_every_days"
        )
    fr = FactoryReturn.objects.create(
        order=order,
        factory=factory,
        carrier=carrier,
        waybill=waybill,
        shipped_on=day,
        expected_by=add_working_days(start=day, days=factory_days()).day,
        chase_every_days=every,
        next_chase_on=add_working_days(start=day, days=every).day,
        margin_percent=factory_margin(),
        created_by=by,
    )
    start_pause(order, reason=PauseReason.FACTORY, note=f"{factory} {waybill}")
    with site_language():
        _tell_customer(
            fr,
            kind=FACTORY_SHIPPED,
            message=_(
                "Your unit (order %(order)s) was sent to the factory for repair (%(carrier)s %(waybill)s); expected back by %(day)s."
            )
            % {"order": order.number, "carrier": carrier, "waybill": waybill, "day": f"{fr.expected_by:%Y-%m-%d}"},
            key=f"factory-{fr.pk}-shipped",
        )
    return fr


@transaction.atomic
def record_factory_quote(
    fr: FactoryReturn, *, by: User, diagnosis: str, amount: Any, margin_percent: Any = None
) -> FactoryReturn:
    """The factory's diagnosis and quote: a factory-repair line of the quote plus our margin, rounded to
    the fen (domain.md Fees: factory repairs are the factory's quote plus margin). In warranty the
    factory bears it; out of warranty it is the customer's and waits for the customer's quote."""
    fr = _lock(fr, by=by)
    if fr.status != S.SHIPPED:
        raise ConflictError(
            "factory_return_state", _("The factory has quoted already, or the unit is on its way back.")
        )
    diagnosis = require_text(diagnosis, field="diagnosis", max_length=2000)
    quote = require_amount(amount, field="amount")
    margin = (
        fr.margin_percent if margin_percent in (None, "") else require_tax_rate(margin_percent, field="margin_percent")
    )
    price = to_fen(quote * (HUNDRED + margin) / HUNDRED)
    line = add_charge(
        fr.order,
        by=by,
        kind=ChargeKind.FACTORY_REPAIR,
        description=_("Factory repair: %(factory)s (factory's quote ¥%(quote)s + %(margin)s%%)")
        % {"factory": fr.factory, "quote": quote, "margin": margin},
        unit_price=price,
        source=f"factory-return-{fr.pk}",
    )
    fr.factory_diagnosis = diagnosis
    fr.factory_quote = quote
    fr.margin_percent = margin
    fr.charge_line = line
    fr.status = S.QUOTED
    fr.save()
    return fr


@transaction.atomic
def record_factory_shipment_back(
    fr: FactoryReturn, *, by: User, carrier: str, waybill: str, returned_on: datetime.date | None = None
) -> FactoryReturn:
    fr = _lock(fr, by=by)
    if fr.status not in (S.SHIPPED, S.QUOTED):
        raise ConflictError("factory_return_state", _("The unit is on its way back or back already."))
    fr.return_carrier = require_text(carrier, field="carrier", max_length=50)
    fr.return_waybill = require_text(waybill, field="waybill", max_length=50)
    fr.returned_on = require_in_range(returned_on, field="returned_on") or timezone.localdate()
    if fr.returned_on < fr.shipped_on:
        raise ValidationFailed("before_shipped", _("The unit cannot come back before it left."), field="returned_on")
    fr.status = S.RETURNING
    fr.next_chase_on = None
    fr.save()
    return fr


@transaction.atomic
def receive_from_factory(fr: FactoryReturn, *, by: User, received_on: datetime.date | None = None) -> FactoryReturn:
    """The unit is back: the clock runs again (the due date moves by the working days it was away)."""
    fr = _lock(fr, by=by)
    if fr.status == S.RECEIVED:
        raise ConflictError("factory_return_state", _("The unit is back already."))
    day = require_in_range(received_on, field="received_on") or timezone.localdate()
    if day < fr.shipped_on:
        raise ValidationFailed("before_shipped", _("The unit cannot come back before it left."), field="received_on")
    fr.received_on = day
    fr.status = S.RECEIVED
    fr.next_chase_on = None
    fr.save()
    end_pause(fr.order, reason=PauseReason.FACTORY, by=by)
    with site_language():
        _tell_customer(
            fr,
            kind=FACTORY_BACK,
            message=_("Your unit (order %(order)s) is back from the factory; we will contact you to return it.")
            % {"order": fr.order.number},
            key=f"factory-{fr.pk}-received",
        )
    return fr


@in_site_language
def chase_factory_returns(now: datetime.datetime | None = None) -> int:
    """The periodic job: every return due a chase today gets one — a notice to whoever shipped it (ask
    the factory) and an SMS to the customer (Repair §6 1.3.3.2: ask regularly, tell the customer); the
    next chase is ``chase_every_days`` working days later. Returns how many were chased."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        FactoryReturn.objects.filter(next_chase_on__lte=today)
        .exclude(status__in=(S.RETURNING, S.RECEIVED))
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            fr = FactoryReturn.objects.select_for_update(of=("self",)).select_related("order", "created_by").get(pk=pk)
            if fr.next_chase_on is None or fr.next_chase_on > today or fr.status in (S.RETURNING, S.RECEIVED):
                continue
            fr.chase_count += 1
            fr.last_chased_at = now
            fr.next_chase_on = add_working_days(start=today, days=fr.chase_every_days).day
            fr.save(update_fields=["chase_count", "last_chased_at", "next_chase_on", "updated_at"])
            order = fr.order
            notify_user(
                user=fr.created_by,
                message=_("Ask %(factory)s about order %(order)s (waybill %(waybill)s): expected back by %(day)s.")
                % {
                    "factory": fr.factory,
                    "order": order.number,
                    "waybill": fr.waybill,
                    "day": f"{fr.expected_by:%Y-%m-%d}",
                },
                subject=order.number,
                url=reverse("money:order_charges", kwargs={"order_id": order.pk}),
                target=order,
                key=f"factory-{fr.pk}-chase-{fr.chase_count}",
                sms=False,
            )
            with site_language():
                _tell_customer(
                    fr,
                    kind=FACTORY_CHASED,
                    now=now,
                    message=_(
                        "We have asked the factory about your unit (order %(order)s); it is expected back by %(day)s."
                    )
                    % {"order": order.number, "day": f"{fr.expected_by:%Y-%m-%d}"},
                    key=f"factory-{fr.pk}-chase-{fr.chase_count}-customer",
                )
    return len(due)
