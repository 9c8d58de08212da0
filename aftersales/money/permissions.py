"""Who may see and do what with money: every list, detail, export and API endpoint asks here.

Charges and quotes belong to an order and are seen by whoever sees the order; invoices, payments and
the ledger by finance and the managers of the order's centre. Only finance issues invoices and records
payments; only managers override who bears a line.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import centre_filter
from aftersales.money.models import ChargeLine, Exchange, FactoryReturn, Installation, Invoice, Price, Quote
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import order_in_scope, orders_visible_to

_FIELD_AND_DESK = (Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN)

CAPABILITIES = (
    capability(
        "money.view_charges",
        _("See the charges and quotes of the orders one sees"),
        *_FIELD_AND_DESK,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
    ),
    capability("money.add_charges", _("Add charge lines and send quotes"), *_FIELD_AND_DESK),
    capability("money.override_bearer", _("Override who bears a charge line"), Role.MANAGER, Role.ADMIN),
    capability("money.manage_prices", _("Keep the price list"), Role.MANAGER, Role.ADMIN),
    capability("money.invoice", _("Issue invoices and credit notes, record payments"), Role.FINANCE),
    capability(
        "money.view_invoices",
        _("See invoices, receivables and the fee ledger"),
        Role.FINANCE,
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("money.watch_quotes", _("Watch quotes waiting for customers on the home page"), Role.MANAGER),
    capability("money.approve_exchange", _("Approve or refuse an exchange of a unit"), Role.MANAGER, Role.ADMIN),
)


def _centre(order: ServiceOrder | None) -> int | None:
    return None if order is None else order.service_center_id


def can_view_charges(user: User, order: ServiceOrder | None = None) -> bool:
    if not has_capability(user, "money.view_charges", centre_id=_centre(order)):
        return False
    return order is None or order_in_scope(user, order)


def can_add_charges(user: User, order: ServiceOrder | None = None) -> bool:
    if not has_capability(user, "money.add_charges", centre_id=_centre(order)):
        return False
    return order is None or order_in_scope(user, order)


def can_override_bearer(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(user, "money.override_bearer", centre_id=_centre(order))


def can_manage_prices(user: User) -> bool:
    return has_capability(user, "money.manage_prices")


def can_invoice(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(user, "money.invoice", centre_id=_centre(order))


def can_view_invoices(user: User) -> bool:
    return has_capability(user, "money.view_invoices") or has_capability(user, "money.invoice")


def watches_quotes(user: User) -> bool:
    return has_capability(user, "money.watch_quotes")


def prices_visible_to(user: User) -> QuerySet[Price]:
    """The price list is public (明码标价): everyone signed in reads it."""
    return Price.objects.all()


def charge_lines_visible_to(user: User) -> QuerySet[ChargeLine]:
    if not can_view_charges(user):
        return ChargeLine.objects.none()
    return ChargeLine.objects.filter(order__in=orders_visible_to(user).values("pk"))


def quotes_visible_to(user: User) -> QuerySet[Quote]:
    if not can_view_charges(user):
        return Quote.objects.none()
    return Quote.objects.filter(order__in=orders_visible_to(user).values("pk"))


def invoices_visible_to(user: User) -> QuerySet[Invoice]:
    """Finance and managers see the invoices of their centre's orders; the general manager all."""
    if not can_view_invoices(user):
        return Invoice.objects.none()
    condition = centre_filter(user, field="order__service_center")
    qs = Invoice.objects.all()
    return qs if condition is None else qs.filter(condition)


def factory_returns_visible_to(user: User) -> QuerySet[FactoryReturn]:
    if not can_view_charges(user):
        return FactoryReturn.objects.none()
    return FactoryReturn.objects.filter(order__in=orders_visible_to(user).values("pk"))


def can_approve_exchange(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(user, "money.approve_exchange", centre_id=_centre(order))


def exchanges_visible_to(user: User) -> QuerySet[Exchange]:
    if not can_view_charges(user):
        return Exchange.objects.none()
    return Exchange.objects.filter(order__in=orders_visible_to(user).values("pk"))


def installations_visible_to(user: User) -> QuerySet[Installation]:
    if not can_view_charges(user):
        return Installation.objects.none()
    return Installation.objects.filter(order__in=orders_visible_to(user).values("pk"))
