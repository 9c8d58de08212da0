"""Who may see and move spare parts: every list, detail and write of the app asks here.

The parts keeper manages the stock of their centre's locations (and the central warehouse, which
belongs to no centre); a technician sees and uses their own van and their centre's store; other
staff read their centre's stock. A location outside the user's scope answers 404.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import User
from aftersales.parts.choices import LocationKind, RequestKind, RequestStatus
from aftersales.parts.models import Loan, Location, Part, StockRequest, StockTake, Supplier, SupplierClaim, Tool

_STAFF = (
    Role.AGENT,
    Role.DISPATCHER,
    Role.TECHNICIAN,
    Role.MANAGER,
    Role.PARTS_KEEPER,
    Role.FINANCE,
    Role.GENERAL_MANAGER,
    Role.ADMIN,
)

CAPABILITIES = (
    capability("parts.view_stock", _("See spare parts and stock"), *_STAFF, systems=SystemActor.values),
    capability("parts.manage_catalogue", _("Edit the parts catalogue and list prices"), Role.PARTS_KEEPER, Role.ADMIN),
    capability(
        "parts.manage_stock",
        _("Receive, transfer, adjust and scrap stock"),
        Role.PARTS_KEEPER,
        Role.ADMIN,
        systems=(SystemActor.IMPORTER,),
    ),
    capability("parts.use_parts", _("Use parts on a visit"), Role.TECHNICIAN, Role.PARTS_KEEPER, Role.MANAGER),
    capability(
        "parts.reserve_parts",
        _("Reserve parts for an order"),
        Role.DISPATCHER,
        Role.TECHNICIAN,
        Role.PARTS_KEEPER,
        Role.MANAGER,
    ),
    capability("parts.approve_stock_take", _("Approve stock-takes"), Role.MANAGER, Role.ADMIN),
    capability("parts.manage_tools", _("Hand out tools and record calibrations"), Role.PARTS_KEEPER, Role.ADMIN),
    capability("parts.watch_stock", _("Watch shortages, transfers and claims on the home page"), Role.PARTS_KEEPER),
    capability(
        "parts.stock_alerts",
        _("Be told when a warranty-critical part falls below its minimum"),
        Role.PARTS_KEEPER,
        Role.MANAGER,
    ),
)


def can_view_stock(user: User) -> bool:
    return has_capability(user, "parts.view_stock")


def can_manage_catalogue(user: User) -> bool:
    return has_capability(user, "parts.manage_catalogue")


def can_manage_stock(user: User) -> bool:
    return has_capability(user, "parts.manage_stock")


def watches_stock(user: User) -> bool:
    return has_capability(user, "parts.watch_stock")


def _is_technician_only(user: User) -> bool:
    return has_capability(user, "parts.use_parts") and not has_capability(user, "service.view_centre_orders")


def location_scope(user: User) -> Q | None:
    """The locations ``user`` may see (``None``: all). The central warehouse is seen by every reader."""
    if not (user.is_authenticated and user.is_active and can_view_stock(user)):
        return Q(pk__in=[])
    if user.sees_all_centres:
        return None
    warehouse = Q(kind=LocationKind.WAREHOUSE, service_center__isnull=True)
    if user.service_center_id is None:
        return warehouse
    centre = Q(service_center_id=user.service_center_id)
    if _is_technician_only(user):
        return warehouse | (centre & ~Q(kind=LocationKind.VAN)) | Q(holder_id=user.pk)
    return warehouse | centre


def locations_visible_to(user: User) -> QuerySet[Location]:
    condition = location_scope(user)
    qs = Location.objects.all()
    return qs if condition is None else qs.filter(condition)


def location_in_scope(user: User, location: Location) -> bool:
    condition = location_scope(user)
    return condition is None or Location.objects.filter(condition, pk=location.pk).exists()


def can_manage_location(user: User, location: Location) -> bool:
    """Receive, send, adjust and scrap at ``location``: the parts keeper of its centre (any keeper
    for the central warehouse, which belongs to no centre)."""
    return has_capability(user, "parts.manage_stock", centre_id=location.service_center_id)


def can_take_from(user: User, location: Location) -> bool:
    """Issue or reserve from ``location``: its keeper; a technician from their own van and their
    centre's store; a manager or dispatcher from their centre's locations."""
    if can_manage_location(user, location):
        return True
    if location.kind == LocationKind.VAN:
        return location.holder_id == user.pk or (
            has_capability(user, "parts.reserve_parts", centre_id=location.service_center_id)
            and not _is_technician_only(user)
        )
    if location.service_center_id is None:
        return False
    centre = location.service_center_id
    return has_capability(user, "parts.use_parts", centre_id=centre) or has_capability(
        user, "parts.reserve_parts", centre_id=centre
    )


def manageable_locations(user: User) -> QuerySet[Location]:
    """The active locations in scope whose stock ``user`` manages (the keeper's forms)."""
    visible = locations_visible_to(user).filter(active=True).order_by("kind", "code")
    return visible.filter(pk__in=[loc.pk for loc in visible if can_manage_location(user, loc)])


def reservable_locations(user: User) -> QuerySet[Location]:
    """The active locations in scope ``user`` may reserve or take parts from."""
    visible = locations_visible_to(user).filter(active=True).order_by("kind", "code")
    return visible.filter(pk__in=[loc.pk for loc in visible if can_take_from(user, loc)])


def may_reserve(user: User) -> bool:
    return has_capability(user, "parts.reserve_parts")


def may_use_parts(user: User) -> bool:
    return has_capability(user, "parts.use_parts")


def requests_visible_to(user: User) -> QuerySet[StockRequest]:
    """A request is seen by whoever sees the location it fills or the one it comes from, but the central
    warehouse, which every reader sees, does not make every centre's requests from it theirs: those are
    seen by the keepers, who send from it. (Beijing's manager saw Shanghai's transfers from the
    warehouse, with buttons that answered 403; found by a helper's probe, 2026-12-06.)"""
    locations = locations_visible_to(user)
    central = Q(kind=LocationKind.WAREHOUSE, service_center__isnull=True)
    if user.service_center_id is not None and not user.sees_all_centres and not can_manage_stock(user):
        locations = locations.exclude(central)
    ids = locations.values("pk")
    return StockRequest.objects.filter(Q(location__in=ids) | Q(source__in=ids))


def request_actions(user: User, request: StockRequest) -> set[str]:
    """What ``user`` may do with ``request`` now: the rules of ``services.requests`` (send from its
    source, or for a purchase at its location; receive and cancel at its location)."""
    if request.status == RequestStatus.OPEN:
        transfer = request.kind == RequestKind.TRANSFER and request.source is not None
        sender = request.source if transfer else request.location
        places = (("send", sender), ("cancel", request.location))
        return {name for name, place in places if can_manage_location(user, place)}
    if request.status == RequestStatus.SENT and can_manage_location(user, request.location):
        return {"receive"}
    return set()


def parts_visible_to(user: User) -> QuerySet[Part]:
    """The catalogue is read by every member of staff who reads stock (its history too)."""
    return Part.objects.all() if can_view_stock(user) else Part.objects.none()


def suppliers_visible_to(user: User) -> QuerySet[Supplier]:
    """Suppliers are read, like the catalogue, by every member of staff who reads stock (their history too)."""
    return Supplier.objects.all() if can_view_stock(user) else Supplier.objects.none()


def can_manage_locations(user: User) -> bool:
    """The settings section of stock locations: whoever manages stock somewhere (a centre's parts keeper,
    an administrator); each location is then edited only by whom ``can_manage_location`` allows."""
    return has_capability(user, "parts.manage_stock")


def can_edit_location(user: User, location: Location) -> bool:
    """Create or change ``location`` (``services.catalogue``): a centre's store or van by the parts keeper
    of that centre; the central warehouse, of no centre, by whoever edits the catalogue."""
    if location.service_center_id is None:
        return can_manage_catalogue(user)
    return can_manage_location(user, location)


def claims_visible_to(user: User) -> QuerySet[SupplierClaim]:
    """Claims of the locations the user sees (or with no location: of their centre's orders)."""
    if not can_view_stock(user):
        return SupplierClaim.objects.none()
    if user.sees_all_centres:
        return SupplierClaim.objects.all()
    locations = locations_visible_to(user).values("pk")
    return SupplierClaim.objects.filter(
        Q(location__in=locations) | Q(location__isnull=True, created_by__service_center_id=user.service_center_id)
    )


def loans_visible_to(user: User) -> QuerySet[Loan]:
    return Loan.objects.filter(location__in=locations_visible_to(user).values("pk"))


def stock_takes_visible_to(user: User) -> QuerySet[StockTake]:
    return StockTake.objects.filter(location__in=locations_visible_to(user).values("pk"))


def tools_visible_to(user: User) -> QuerySet[Tool]:
    if not can_view_stock(user):
        return Tool.objects.none()
    if user.sees_all_centres:
        return Tool.objects.all()
    if _is_technician_only(user):
        return Tool.objects.filter(holder_id=user.pk)
    return Tool.objects.filter(service_center_id=user.service_center_id)


def can_approve_stock_take(user: User) -> bool:
    return has_capability(user, "parts.approve_stock_take")


def can_manage_tools(user: User) -> bool:
    return has_capability(user, "parts.manage_tools")
