"""The kinds of SMS money sends a customer, registered in ``MoneyConfig.ready`` (notifications.kinds):
each goes through ``notifications.customer_sms.send_customer_sms`` — signed 【company】, ending with the
hotline, in the site's language, held through the quiet hours, once per key — and each can be switched
off in settings → 客户短信. The texts say what the customer needs to know (an amount, a date, a waybill),
never the staff's notes (a factory's or a manager's reason stays on the record)."""

import datetime

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from aftersales.notifications.customer_sms import send_customer_sms
from aftersales.notifications.kinds import CustomerSmsKind, customer_sms_kinds
from aftersales.notifications.models import OutboxMessage
from aftersales.service.models import ServiceOrder

APPOINTMENT_SET = "installation_appointment"
QUOTE_SENT = "quote_sent"
FACTORY_SHIPPED = "factory_shipped"
FACTORY_CHASED = "factory_chased"
FACTORY_BACK = "factory_back"
EXCHANGE_ANSWERED = "exchange_answered"
PAYMENT_REMINDER = "payment_reminder"

KINDS = (
    CustomerSmsKind(
        APPOINTMENT_SET,
        _("Installation appointment"),
        25,
        _("An on-site installation is planned: the appointment and the technician's name."),
    ),
    CustomerSmsKind(
        QUOTE_SENT,
        _("Quote sent"),
        50,
        _("A quote is sent: its amount and the link to approve or decline it."),
    ),
    CustomerSmsKind(
        FACTORY_SHIPPED,
        _("Unit sent to the factory"),
        60,
        _("The unit leaves for repair at its factory: the waybill and when it is expected back."),
    ),
    CustomerSmsKind(
        FACTORY_CHASED,
        _("Factory chased"),
        61,
        _("Each time the factory is chased about the unit: when it is expected back."),
    ),
    CustomerSmsKind(
        FACTORY_BACK,
        _("Unit back from the factory"),
        62,
        _("The unit is back from the factory: we will contact the customer to return it."),
    ),
    CustomerSmsKind(
        EXCHANGE_ANSWERED,
        _("Exchange answered by the factory"),
        70,
        _("The factory agrees to exchange the unit, or refuses and another solution will be agreed."),
    ),
    CustomerSmsKind(
        PAYMENT_REMINDER,
        _("Payment reminder"),
        80,
        _("An invoice is overdue, on each reminder step (days overdue): the amount still open."),
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        customer_sms_kinds.register(kind)


def tell_reporter(
    order: ServiceOrder,
    *,
    kind: str,
    text: str,
    key: str,
    about: Model,
    subject: str = "",
    now: datetime.datetime | None = None,
) -> OutboxMessage | None:
    """``text`` (in the site's language) to the order's reporter as a customer SMS of ``kind``, about the
    record ``about``, with the order's number as its subject unless another is given; None when none
    is written (no mobile, switched off)."""
    return send_customer_sms(
        kind=kind,
        recipient=order.reporter_phone,
        subject=subject or order.number,
        text=text,
        key=key,
        now=now,
        about=about,
    )
