"""What the reporter of an order is told by SMS, and when (domain.md Intake §6 1.1.2: keep the customer
informed; §6 1.3.3.1: tell the customer in advance when the due date moves).

Each function is called by the service that makes the change, in its transaction, and goes through
``notifications.customer_sms.send_customer_sms``: signed 【company】, ending with the hotline, written
in the site's language, held through the quiet hours, once per key (a key naming the order, the event
and the kind), nothing for a reporter without a mobile or a kind the company switched off. The texts
say what the customer needs to know, never the staff's internal notes (a dispatcher's reason for an
extension stays on the timeline) nor a technician's own phone: the customer calls the hotline.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import SystemActor
from aftersales.accounts.models import User
from aftersales.core.text import site_language
from aftersales.notifications.customer_sms import send_customer_sms
from aftersales.notifications.kinds import CustomerSmsKind, customer_sms_kinds
from aftersales.notifications.models import OutboxMessage
from aftersales.service.models import OrderEvent, ServiceOrder

ORDER_RECEIVED = "order_received"
TECHNICIAN_ASSIGNED = "technician_assigned"
ORDER_COMPLETED = "order_completed"
DUE_MOVED = "due_moved"

KINDS = (
    CustomerSmsKind(
        ORDER_RECEIVED,
        gettext_lazy("Order received"),
        10,
        gettext_lazy("An order is opened: its number and when we will be in touch."),
    ),
    CustomerSmsKind(
        TECHNICIAN_ASSIGNED,
        gettext_lazy("Technician assigned"),
        20,
        gettext_lazy("An order is assigned or reassigned: the technician's name."),
    ),
    CustomerSmsKind(
        ORDER_COMPLETED,
        gettext_lazy("Order completed"),
        30,
        gettext_lazy("The work is completed: thanks, and the hotline to call if anything is wrong."),
    ),
    CustomerSmsKind(
        DUE_MOVED,
        gettext_lazy("Due date moved"),
        40,
        gettext_lazy("The due date is extended or moved later by a calendar change: the new date."),
    ),
)

# Orders nobody reported: a contract's planned visit (the scheduler), a device's alarm (the machine,
# whose "reporter" may be the centre's own phone). The customer hears from us once a technician is
# assigned, not "we received your report".
UNREPORTED_BY = (SystemActor.SCHEDULER, SystemActor.MACHINE)


def register_kinds() -> None:
    for kind in KINDS:
        customer_sms_kinds.register(kind)


def _local(moment: object) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]


def _send(order: ServiceOrder, *, kind: str, text: str, key: str) -> OutboxMessage | None:
    return send_customer_sms(
        kind=kind,
        recipient=order.reporter_phone,
        subject=order.number,
        text=text,
        key=f"order-{order.pk}-{key}-reporter-sms",
        about=order,
    )


def tell_order_received(order: ServiceOrder, *, by: User) -> None:
    """The order's number and what happens next (we are in touch by the response time, §9 一). Not for
    an order nobody reported (``UNREPORTED_BY``), nor a consultation answered on the call."""
    if by.system_kind in UNREPORTED_BY:
        return
    with site_language():
        text = _(
            "Your service order %(number)s has been received. We will contact you by %(respond_by)s to arrange"
            " the service."
        ) % {"number": order.number, "respond_by": _local(order.respond_by)}
    _send(order, kind=ORDER_RECEIVED, text=text, key="received")


def tell_technician_assigned(order: ServiceOrder, *, technician: User, event: OrderEvent) -> None:
    """Who will serve the customer (assigned or reassigned): the technician's name, never their phone."""
    name = technician.get_full_name()
    with site_language():
        if name:
            text = _(
                "Your service order %(number)s has been assigned to our technician %(name)s, who will contact you"
                " shortly."
            ) % {"number": order.number, "name": name}
        else:
            text = _(
                "A technician has been assigned to your service order %(number)s and will contact you shortly."
            ) % {"number": order.number}
    _send(order, kind=TECHNICIAN_ASSIGNED, text=text, key=f"event-{event.pk}-assigned")


def tell_order_completed(order: ServiceOrder, *, event: OrderEvent) -> None:
    """Thanks, and how to reach us (the signature ends with the hotline)."""
    with site_language():
        text = _(
            "The work on your service order %(number)s has been completed. Thank you for your trust; if anything"
            " is not right, please contact us."
        ) % {"number": order.number}
    _send(order, kind=ORDER_COMPLETED, text=text, key=f"event-{event.pk}-completed")


def tell_due_moved(order: ServiceOrder, *, event: OrderEvent) -> OutboxMessage | None:
    """The new due date (§6 1.3.3.1), whoever moved it and why: the reason is the staff's, on the timeline.
    Returns the message, or None when none was written (no mobile, switched off)."""
    with site_language():
        text = _(
            "Your service order %(number)s will now be completed by %(due)s. We are sorry for the wait; for any"
            " question please contact us."
        ) % {"number": order.number, "due": _local(order.due_at)}
    return _send(order, kind=DUE_MOVED, text=text, key=f"event-{event.pk}-due-moved")
