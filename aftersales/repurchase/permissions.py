"""Who sees and keeps sales with a repurchase clause: finance keeps them (creates, posts, reverses);
finance, the general manager, administrators and a centre's manager read them. ``contracts_visible_to``
is the one scoping of every list, detail and export (out of scope answers 404)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.repurchase.models import JournalEntry, RepurchaseContract

CAPABILITIES = (
    capability(
        "repurchase.view",
        _("See sales with a repurchase clause and their entries"),
        Role.MANAGER,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("repurchase.post", _("Record repurchase clauses and post their entries"), Role.FINANCE),
)


def can_see_repurchase(user: User) -> bool:
    return has_capability(user, "repurchase.view") or has_capability(user, "repurchase.post")


def can_post(user: User, centre_id: int | None = None) -> bool:
    return has_capability(user, "repurchase.post", centre_id=centre_id)


def contracts_visible_to(user: User) -> QuerySet[RepurchaseContract]:
    """Every contract of the centres the user sees, for those who may see them at all."""
    if not can_see_repurchase(user):
        return RepurchaseContract.objects.none()
    return scope_by_centre(RepurchaseContract.objects.all(), user, field="service_center")


def entries_visible_to(user: User) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(contract__in=contracts_visible_to(user))
