"""Who may see what through the portal: the one scope of a signed-in customer, and the staff's
capabilities (portal access, QR labels).

A customer is a verified mobile: every contact with that mobile and access not revoked is one of
their accounts (a person who is a contact of two customers sees both). The company's administrator
(``PortalAccess.is_admin``) sees every order of the company; another contact sees the orders they
reported (``PORTAL_CONTACTS_SEE_COMPANY_ORDERS`` widens that to the company's). Every contact sees the
company's units. Anything outside this scope answers 404.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers.models import Contact
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to
from aftersales.portal.conf import flag
from aftersales.service.models import ServiceOrder

CAPABILITIES = (
    capability(
        "portal.manage_access",
        _("See who has portal access, send codes, revoke access"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.ADMIN,
    ),
    capability(
        "portal.print_labels",
        _("Print and reissue units' QR labels"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.PARTS_KEEPER,
        Role.ADMIN,
    ),
)


@dataclass(frozen=True)
class PortalUser:
    """A signed-in customer: the verified mobile and the contacts (with their customers) it stands for."""

    mobile: str
    contacts: tuple[Contact, ...]
    admin_contact_ids: frozenset[int]

    @property
    def contact_ids(self) -> list[int]:
        return [c.pk for c in self.contacts]

    @property
    def customer_ids(self) -> list[int]:
        return sorted({c.customer_id for c in self.contacts})

    @property
    def admin_customer_ids(self) -> list[int]:
        everyone = flag("PORTAL_CONTACTS_SEE_COMPANY_ORDERS")
        return sorted({c.customer_id for c in self.contacts if everyone or c.pk in self.admin_contact_ids})

    @property
    def name(self) -> str:
        return self.contacts[0].name if self.contacts else ""

    def contact_for(self, customer_id: int) -> Contact | None:
        return next((c for c in self.contacts if c.customer_id == customer_id), None)

    def is_admin_of(self, customer_id: int) -> bool:
        return customer_id in self.admin_customer_ids


def contacts_with_access(mobile: str) -> QuerySet[Contact]:
    """The contacts a verified ``mobile`` signs in as: in use (staff took out of use who left or was
    entered wrongly) and not revoked."""
    return (
        Contact.objects.in_use()
        .filter(mobile=mobile)
        .filter(Q(portal_access__isnull=True) | Q(portal_access__revoked_at__isnull=True))
        .select_related("customer", "portal_access")
        .order_by("pk")
    )


def portal_units(user: PortalUser) -> QuerySet[Unit]:
    """The units a customer sees: those of their companies."""
    return Unit.objects.filter(customer_id__in=user.customer_ids)


def portal_orders(user: PortalUser) -> QuerySet[ServiceOrder]:
    """The orders a customer sees: all of a company they administer, else those they reported."""
    own = Q(customer_id__in=user.customer_ids) & (Q(contact_id__in=user.contact_ids) | Q(reporter_phone=user.mobile))
    return ServiceOrder.objects.filter(Q(customer_id__in=user.admin_customer_ids) | own)


# ---- staff ------------------------------------------------------------------------------------------
def can_manage_access(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "portal.manage_access", centre_id=centre_id)


def can_print_labels(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "portal.print_labels", centre_id=centre_id)


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """The contacts whose portal access a staff member manages: those of the customers they see."""
    return Contact.objects.filter(customer__in=customers_visible_to(user))


def label_units_visible_to(user: User) -> QuerySet[Unit]:
    return units_visible_to(user)
