"""Who may see and do what with contracts and projects: every list, detail and write asks here.

Contracts and projects belong to the customer's service centre: its desk sees them (the general
manager and admins see all). ``in_scope`` is the one scoping function of the app: a record outside
it answers 404."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import User
from aftersales.accounts.permissions import scope_by_centre

CAPABILITIES = (
    capability(
        "contracts.view",
        _("See the contracts and projects of one's centre"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
        systems=(SystemActor.SCHEDULER,),
    ),
    capability("contracts.manage", _("Write contracts, their visit plans and projects"), Role.MANAGER, Role.ADMIN),
    capability(
        "contracts.generate_visits",
        _("Generate contract visits and open their orders"),
        Role.MANAGER,
        Role.DISPATCHER,
        Role.ADMIN,
        systems=(SystemActor.SCHEDULER,),
    ),
    capability("contracts.keep_ledger", _("Book contract fees and deposits"), Role.FINANCE, Role.MANAGER, Role.ADMIN),
    capability(
        "contracts.override_release",
        _("Release a deposit that is blocked, with a reason"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability(
        "contracts.track_problems",
        _("Record and resolve problems on a project's sheet"),
        Role.AGENT,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.ADMIN,
    ),
)


def can_view_contracts(user: User) -> bool:
    return has_capability(user, "contracts.view")


def can_manage_contracts(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "contracts.manage", centre_id=centre_id)


def can_generate_visits(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "contracts.generate_visits", centre_id=centre_id)


def can_keep_ledger(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "contracts.keep_ledger", centre_id=centre_id)


def can_override_release(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "contracts.override_release", centre_id=centre_id)


def can_track_problems(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "contracts.track_problems", centre_id=centre_id)


def in_scope[M: QuerySet](qs: M, user: User) -> M:
    """The one scoping function of contracts, visits, ledger entries, projects and problems: the
    records of the user's centre (all for those who see all centres), none for those who may not
    see contracts. ``qs`` is a queryset of a model with ``service_center`` or one linked to a
    contract or a project through ``contract`` / ``project``."""
    if not can_view_contracts(user):
        return qs.none()
    names = {f.name for f in qs.model._meta.get_fields()}
    field = "service_center"
    if "service_center" not in names:
        field = "contract__service_center" if "contract" in names else "project__service_center"
    return scope_by_centre(qs, user, field=field)
