"""Who may see and act on service orders: every list, detail, export and API endpoint asks here."""

from django.db.models import Q, QuerySet

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import centre_filter, has_any_role
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder


def order_scope(user: User) -> Q | None:
    """Technicians see the orders they are assigned to or help on; desk roles their centre's;
    general managers and admins all (``None``)."""
    if user.is_authenticated and user.is_active and user.role == Role.TECHNICIAN and not user.is_superuser:
        helping = ServiceOrder.helpers.through.objects.filter(user_id=user.pk).values("serviceorder_id")
        return Q(technician_id=user.pk) | Q(pk__in=helping)
    return centre_filter(user, field="service_center")


HELPER_MOVES = frozenset({OrderStatus.ON_SITE, OrderStatus.WAITING})


def orders_visible_to(user: User) -> QuerySet[ServiceOrder]:
    condition = order_scope(user)
    qs = ServiceOrder.objects.all()
    return qs if condition is None else qs.filter(condition)


def customers_of_jobs(user: User) -> QuerySet[ServiceOrder]:
    """The customer ids of the orders ``user`` may see: for a technician, the customers of their jobs
    (registered with ``customers.permissions.register_technician_customers`` in ServiceConfig.ready)."""
    return orders_visible_to(user).values("customer_id")


def can_browse_orders(user: User) -> bool:
    """The order list is for the desk; a technician works from "My jobs"."""
    return user.is_superuser or user.role != Role.TECHNICIAN


def has_own_jobs(user: User) -> bool:
    """Technicians have a phone view of their own jobs ("My jobs")."""
    return user.is_superuser or user.role == Role.TECHNICIAN


def can_open_orders(user: User) -> bool:
    return has_any_role(user, (Role.AGENT, Role.DISPATCHER, Role.MANAGER))


def can_assign(user: User, order: ServiceOrder | None = None) -> bool:
    """Dispatchers and managers, for orders of their own centre (all centres for admins)."""
    if not has_any_role(user, (Role.DISPATCHER, Role.MANAGER)):
        return False
    return order is None or in_order_centre(user, order)


def in_order_centre(user: User, order: ServiceOrder) -> bool:
    return user.sees_all_centres or user.service_center_id == order.service_center_id


def can_override_warranty(user: User) -> bool:
    return has_any_role(user, (Role.MANAGER,))


def can_extend_due(user: User) -> bool:
    return has_any_role(user, (Role.MANAGER, Role.DISPATCHER))


def can_edit_order(user: User) -> bool:
    return has_any_role(user, (Role.AGENT, Role.DISPATCHER, Role.MANAGER))


def can_record_visit(user: User, order: ServiceOrder) -> bool:
    """The assigned technician and the helpers record visits; managers may correct them."""
    if has_any_role(user, (Role.MANAGER,)):
        return True
    if user.role != Role.TECHNICIAN:
        return False
    return order.technician_id == user.pk or order.helpers.filter(pk=user.pk).exists()


def can_make_move(user: User, order: ServiceOrder, roles: frozenset[str], *, to: str = "") -> bool:
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role not in roles:
        return False
    if user.role == Role.TECHNICIAN:
        if order.technician_id == user.pk:
            return True
        # A helper who arrives first puts the order on site, or reports what it waits for; the
        # responsible technician alone declares the work completed.
        return to in HELPER_MOVES and order.helpers.filter(pk=user.pk).exists()
    return in_order_centre(user, order)


# --- what the home page shows whom (each is a list of "what waits for me") ------------------------


def watches_new_orders(user: User) -> bool:
    return user.role == Role.AGENT


def watches_unassigned(user: User) -> bool:
    return user.role == Role.DISPATCHER


def reviews_completed(user: User) -> bool:
    return user.role == Role.MANAGER


def watches_parts(user: User) -> bool:
    return user.role == Role.PARTS_KEEPER


def watches_overdue(user: User) -> bool:
    """Managers, and everyone whose desk has no list of its own (finance, general manager, admin)."""
    return user.role not in (Role.AGENT, Role.DISPATCHER, Role.PARTS_KEEPER, Role.TECHNICIAN)
