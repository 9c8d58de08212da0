"""Who may see and act on service orders: every list, detail, export and API endpoint asks here."""

import functools
import operator

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import User
from aftersales.accounts.permissions import can_manage_settings, centre_filter
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder, SlaPolicy

_DESK = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
_OFFICE = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.PARTS_KEEPER, Role.FINANCE, Role.GENERAL_MANAGER)

# The service rows of the capability table (registered by ServiceConfig.ready()). General managers
# read every centre's orders and act on none.
CAPABILITIES = (
    capability(
        "service.view_centre_orders",
        _("See the orders of one's centre"),
        *_OFFICE,
        Role.ADMIN,
        systems=SystemActor.values,
    ),
    capability("service.work_assigned", _("Be assigned orders and work on them"), Role.TECHNICIAN),
    # A scheduled job (contract visits) or a connected machine (a fault alert) opens orders too.
    capability(
        "service.open_order",
        _("Open service orders"),
        *_DESK,
        systems=(SystemActor.SCHEDULER, SystemActor.MACHINE, SystemActor.IMPORTER, SystemActor.PORTAL),
    ),
    # The customer portal adds the photos a customer sends with a fault report (and nothing else).
    capability("service.add_customer_photos", _("Add the photos a customer sends"), systems=(SystemActor.PORTAL,)),
    capability("service.edit_order", _("Edit service orders"), *_DESK),
    capability("service.accept_order", _("Accept new orders"), *_DESK),
    capability("service.cancel_order", _("Cancel open orders"), *_DESK),
    capability("service.close_consultation", _("Close a consultation answered at intake"), *_DESK),
    capability("service.assign_order", _("Assign orders to technicians"), Role.DISPATCHER, Role.MANAGER, Role.ADMIN),
    capability(
        "service.record_progress",
        _("Record arrival, waiting and completion"),
        Role.TECHNICIAN,
        Role.DISPATCHER,
        Role.MANAGER,
        Role.ADMIN,
    ),
    # Assign a technician a dispatch check refuses (no valid certificate), with a reason.
    capability(
        "service.override_dispatch_checks",
        _("Assign despite a dispatch rule (e.g. no certificate)"),
        Role.MANAGER,
        Role.ADMIN,
    ),
    capability("service.review_order", _("Close or send back completed orders"), Role.MANAGER, Role.ADMIN),
    capability("service.reopen_order", _("Reopen closed orders"), Role.MANAGER, Role.ADMIN),
    capability("service.override_warranty", _("Override the warranty decision"), Role.MANAGER, Role.ADMIN),
    capability(
        "service.import_orders", _("Import historical orders (keeping their numbers)"), Role.MANAGER, Role.ADMIN
    ),
    capability("service.extend_due", _("Extend the due time"), Role.DISPATCHER, Role.MANAGER, Role.ADMIN),
    # A calendar change moves due dates of every centre: managers see their centre's moves, an
    # administrator (who changes the calendar) applies them.
    capability(
        "service.review_due_moves",
        _("See which due dates a calendar change moves"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("service.apply_due_moves", _("Move due dates after a calendar change"), Role.ADMIN),
    capability("service.correct_visits", _("Correct any technician's visit records"), Role.MANAGER, Role.ADMIN),
    # What waits for whom on the home page.
    capability("service.watch_new_orders", _("Watch the new orders on the home page"), Role.AGENT),
    capability("service.watch_unassigned", _("Watch unassigned and at-risk orders on the home page"), Role.DISPATCHER),
    capability("service.watch_completed", _("Watch completed orders awaiting review on the home page"), Role.MANAGER),
    capability("service.watch_parts", _("Watch orders waiting for parts on the home page"), Role.PARTS_KEEPER),
    capability(
        "service.sla_alerts",
        _("Be told when an order of one's centre turns at risk or overdue"),
        Role.DISPATCHER,
        Role.MANAGER,
    ),
    capability(
        "service.watch_overdue",
        _("Watch overdue orders on the home page"),
        Role.MANAGER,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
)


def sees_centre_orders(user: User) -> bool:
    """Desk roles see their centre's orders; without this a user sees only the jobs given to them."""
    return has_capability(user, "service.view_centre_orders")


# Beyond this many orders helped on, the jobs condition keeps them as a subquery.
HELPING_IDS_LIMIT = 1000


def jobs_of(user: User) -> Q:
    """The orders ``user`` is assigned to or helps on (none for a user without an id): the ``OR`` of
    ``jobs_parts(user)``.

    The orders they help on are read first (one indexed read, usually none), so the condition is
    ``technician_id = X`` — a range of ``order_tech_status_idx`` whatever else is filtered, generic
    plans included — or ``technician_id = X OR id IN (…)``. Written with the helpers as a subquery,
    PostgreSQL could use neither index: a technician's page of new orders walked all 1,000,000 orders
    (0.6 s) and "My jobs" joined whole tables (0.6 s; benchmarks/README.md "Other scopes"). The ids
    are those of the moment the condition is built: build it after changing helpers, not before."""
    return functools.reduce(operator.or_, jobs_parts(user))


def jobs_parts(user: User) -> list[Q]:
    """``jobs_of(user)`` as the conditions whose union it is, each one index range: the orders assigned to
    ``user`` (``order_tech_status_idx``) and, for a user who helps on orders, those (by primary key; an
    order may be in both). A page read from each and merged (``core.pagination.keyset_page``'s
    ``union``) reads a few rows of each range, where the page of their ``OR``, sorted by id, walked the
    primary key past every other order (27 ms for a technician's closed orders at 1,000,000 orders)."""
    if user.pk is None:
        return [Q(pk__in=[])]
    through = ServiceOrder.helpers.through.objects.filter(user_id=user.pk)
    helping = list(through.values_list("serviceorder_id", flat=True)[: HELPING_IDS_LIMIT + 1])
    if not helping:
        return [Q(technician_id=user.pk)]
    if len(helping) > HELPING_IDS_LIMIT:
        return [Q(technician_id=user.pk), Q(pk__in=through.values("serviceorder_id"))]
    # One array parameter (core.lookups.AnyOf): one prepared statement for any number of orders helped on.
    return [Q(technician_id=user.pk), Q(pk__any=helping)]


def sees_own_jobs_only(user: User) -> bool:
    """Whether ``order_scope`` is ``user``'s jobs (a technician's), not a centre or everything."""
    return user.is_authenticated and user.is_active and not sees_centre_orders(user)


def order_scope(user: User) -> Q | None:
    """Technicians see the orders they are assigned to or help on (``jobs_of``); desk roles their
    centre's; general managers and admins all (``None``)."""
    parts = order_scope_parts(user)
    return None if parts is None else functools.reduce(operator.or_, parts)


def order_scope_parts(user: User) -> list[Q] | None:
    """``order_scope(user)`` as the conditions whose union it is: several only for a technician who helps
    on orders (``jobs_parts``), one otherwise; ``None`` for every order."""
    if sees_own_jobs_only(user):
        return jobs_parts(user)
    condition = centre_filter(user, field="service_center")
    return None if condition is None else [condition]


HELPER_MOVES = frozenset({OrderStatus.ON_SITE, OrderStatus.WAITING})


def orders_visible_to(user: User, *, queryset: QuerySet[ServiceOrder] | None = None) -> QuerySet[ServiceOrder]:
    """``queryset`` (every order by default) narrowed to what ``user`` may see."""
    condition = order_scope(user)
    qs = ServiceOrder.objects.all() if queryset is None else queryset
    return qs if condition is None else qs.filter(condition)


def jobs_visible_to(user: User) -> QuerySet[ServiceOrder]:
    """The orders ``user`` works on (``jobs_of``) within what they may see: a technician's scope is
    their jobs already; a desk role's, the centre's, is narrowed to their own jobs (not applied twice:
    a second ``jobs_of`` would read the helpers again)."""
    if sees_centre_orders(user):
        return orders_visible_to(user).filter(jobs_of(user))
    return orders_visible_to(user)


def customers_of_jobs(user: User) -> QuerySet[ServiceOrder]:
    """The customer ids of the orders ``user`` may see: for a technician, the customers of their jobs
    (registered with ``customers.permissions.register_technician_customers`` in ServiceConfig.ready)."""
    return orders_visible_to(user).values("customer_id")


def can_browse_orders(user: User) -> bool:
    """The order list is for the desk; a technician works from "My jobs"."""
    return sees_centre_orders(user)


def has_own_jobs(user: User) -> bool:
    """Technicians have a phone view of their own jobs ("My jobs")."""
    return has_capability(user, "service.work_assigned")


def can_override_dispatch_checks(user: User, order: ServiceOrder) -> bool:
    return has_capability(user, "service.override_dispatch_checks", centre_id=order.service_center_id)


def can_manage_sla_policies(user: User) -> bool:
    """The SLA policies are a settings section: whoever opens the settings screens."""
    return can_manage_settings(user)


def can_open_orders(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "service.open_order", centre_id=centre_id)


def can_assign(user: User, order: ServiceOrder | None = None) -> bool:
    """Dispatchers and managers, for orders of their own centre (all centres for admins)."""
    return has_capability(user, "service.assign_order", centre_id=None if order is None else order.service_center_id)


def technician_gone(order: ServiceOrder) -> str:
    """Why the order's technician can no longer work it, or "": deactivated, or moved to another centre
    (the dispatch board flags such jobs; ``ServiceOrderQuerySet.technician_gone_condition`` in SQL)."""
    technician = order.technician
    if technician is None:
        return ""
    if not technician.is_active:
        return str(_("%(name)s is deactivated.") % {"name": technician})
    if technician.service_center_id != order.service_center_id:
        return str(_("%(name)s now works for another centre.") % {"name": technician})
    return ""


def in_order_centre(user: User, order: ServiceOrder) -> bool:
    return user.sees_all_centres or (
        user.service_center_id is not None and user.service_center_id == order.service_center_id
    )


def order_in_scope(user: User, order: ServiceOrder) -> bool:
    """Whether ``order`` is among ``orders_visible_to(user)``, without a query for desk staff (the
    write services ask this before they change anything: out of scope answers 404)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_centre_orders(user):
        return in_order_centre(user, order)
    return is_on_job(user, order)


def can_override_warranty(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(
        user, "service.override_warranty", centre_id=None if order is None else order.service_center_id
    )


def can_extend_due(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(user, "service.extend_due", centre_id=None if order is None else order.service_center_id)


def can_review_due_moves(user: User) -> bool:
    """The preview of the due dates a calendar change moves (orders of the user's scope)."""
    return has_capability(user, "service.review_due_moves")


def can_apply_due_moves(user: User) -> bool:
    return has_capability(user, "service.apply_due_moves")


def can_add_customer_photos(user: User) -> bool:
    """The customer portal's actor adds the photos sent with a fault report (the portal checks the
    customer's own scope before it calls ``add_photo``)."""
    return has_capability(user, "service.add_customer_photos")


def can_edit_order(user: User, order: ServiceOrder | None = None) -> bool:
    return has_capability(user, "service.edit_order", centre_id=None if order is None else order.service_center_id)


def is_on_job(user: User, order: ServiceOrder) -> bool:
    """The assigned technician or one of the helpers."""
    return order.technician_id == user.pk or order.helpers.filter(pk=user.pk).exists()


def may_record_visits(user: User) -> bool:
    """Records visits on some orders: a technician on their jobs, a manager correcting them."""
    return has_capability(user, "service.work_assigned") or has_capability(user, "service.correct_visits")


def can_record_visit(user: User, order: ServiceOrder) -> bool:
    """The assigned technician and the helpers record visits; managers of the order's centre may
    correct them."""
    if has_capability(user, "service.correct_visits", centre_id=order.service_center_id):
        return True
    if not has_capability(user, "service.work_assigned"):
        return False
    return is_on_job(user, order)


def can_make_move(user: User, order: ServiceOrder, capability_name: str, *, to: str = "") -> bool:
    """Whether ``user`` may make a move that needs ``capability_name`` (from the transitions table).

    Desk staff act on their centre's orders; a technician only on their own jobs.
    """
    if not has_capability(user, capability_name):
        return False
    if sees_centre_orders(user) and in_order_centre(user, order):
        return True
    if not has_capability(user, "service.work_assigned"):
        return False
    if order.technician_id == user.pk:
        return True
    # A helper who arrives first puts the order on site, or reports what it waits for; the
    # responsible technician alone declares the work completed.
    return to in HELPER_MOVES and order.helpers.filter(pk=user.pk).exists()


# --- what the home page shows whom (each is a list of "what waits for me") ------------------------


def watches_new_orders(user: User) -> bool:
    return has_capability(user, "service.watch_new_orders")


def watches_unassigned(user: User) -> bool:
    return has_capability(user, "service.watch_unassigned")


def reviews_completed(user: User) -> bool:
    return has_capability(user, "service.watch_completed")


def watches_parts(user: User) -> bool:
    return has_capability(user, "service.watch_parts")


def watches_overdue(user: User) -> bool:
    """Managers, and everyone whose desk has no list of its own (finance, general manager, admin)."""
    return has_capability(user, "service.watch_overdue")


def sla_policies_visible_to(user: User) -> QuerySet[SlaPolicy]:
    """SLA policies are settings: those who open the settings screens see them (and their history)."""
    return SlaPolicy.objects.all() if can_manage_settings(user) else SlaPolicy.objects.none()


def can_import_orders(user: User, *, centre_id: int | None = None) -> bool:
    """The historical order import (issue 7 §4): it keeps old numbers and moves the day counters,
    a migration step for managers and admins."""
    return has_capability(user, "service.import_orders", centre_id=centre_id)


def can_export_orders(user: User) -> bool:
    """The order export: anyone signed in gets the orders in their own scope (it may be empty)."""
    return bool(user.is_authenticated and user.is_active)
