"""Every role × every endpoint, cross-centre access and the technician's scope (issue 2, §2 and §9).

The expectations are written out here, not derived from ``permissions.py``, so a change to a
predicate that nobody meant shows up as a failing cell.
"""

import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.core.testing import shared_test_data
from aftersales.customers.tests.factories import CustomerFactory, SiteFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.tests.factories import make_order

ALL = frozenset(Role.values)
DESK = frozenset({Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN})
DISPATCH = frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
FIELD = frozenset({Role.TECHNICIAN, Role.MANAGER, Role.ADMIN})
PHOTO = DESK | {Role.TECHNICIAN}


def png(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    customer: Any
    site: Any
    unit: Any
    product_model: Any
    order: Any
    dispatched: Any
    visit: Any
    technician: Any
    second_technician: Any


def build_world(*, centre: Any, users: dict[str, Any]) -> World:
    """Two orders in ``centre`` assigned to ``users[technician]``: one on site with an unsigned visit,
    one dispatched (assignable)."""
    customer = CustomerFactory(service_center=centre)
    site = SiteFactory(customer=customer)
    unit = UnitFactory(customer=customer)
    technician = users[Role.TECHNICIAN]
    second = UserFactory(username="tech2-" + centre.code, role=Role.TECHNICIAN, service_center=centre)
    order = make_order(by=users[Role.AGENT], customer=customer, unit=unit)
    order = services.assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    visit = services.record_visit(order, by=technician, diagnosis="轴承磨损")
    order.refresh_from_db()
    dispatched = make_order(by=users[Role.AGENT], customer=customer, unit=unit)
    dispatched = services.assign_technician(dispatched, by=users[Role.DISPATCHER], technician=technician)
    return World(customer, site, unit, unit.product_model, order, dispatched, visit, technician, second)


@pytest.fixture
def world(centre: Any, users: dict[str, Any]) -> World:
    return build_world(centre=centre, users=users)


def order_body(w: World) -> dict[str, Any]:
    return {
        "kind": "repair",
        "customer_id": w.customer.pk,
        "unit_id": w.unit.pk,
        "reporter_name": "王五",
        "reporter_phone": "13900001111",
        "description": "压缩机异响",
    }


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with the World's attributes
    ok: int
    allowed: frozenset[str]
    body: Any = None  # callable(World) -> dict
    multipart: bool = False


ENDPOINTS: dict[str, Endpoint] = {
    "me": Endpoint("get", "/api/v1/me", 200, ALL),
    "service_centers": Endpoint("get", "/api/v1/service-centers", 200, ALL),
    "orders_list": Endpoint("get", "/api/v1/orders", 200, ALL),
    "orders_get": Endpoint("get", "/api/v1/orders/{w.order.pk}", 200, ALL),
    "orders_create": Endpoint("post", "/api/v1/orders", 201, DESK, order_body),
    "orders_patch": Endpoint(
        "patch", "/api/v1/orders/{w.order.pk}", 200, DESK, lambda w: {"version": w.order.version, "priority": "high"}
    ),
    "orders_transition": Endpoint(
        "post",
        "/api/v1/orders/{w.order.pk}/transitions",
        200,
        DESK,
        lambda w: {"to": "cancelled", "reason": "客户撤回"},
    ),
    "orders_assign": Endpoint(
        "post",
        "/api/v1/orders/{w.dispatched.pk}/assign",
        200,
        DISPATCH,
        lambda w: {"technician_id": w.second_technician.pk, "reason": "原技术员请假"},
    ),
    "orders_warranty_override": Endpoint(
        "post",
        "/api/v1/orders/{w.order.pk}/warranty-override",
        200,
        MANAGERS,
        lambda w: {"covered": False, "reason": "发票不符"},
    ),
    "orders_extend_due": Endpoint(
        "post",
        "/api/v1/orders/{w.order.pk}/extend-due",
        200,
        DISPATCH,
        lambda w: {"working_days": 2, "reason": "等待配件"},
    ),
    "orders_events": Endpoint("get", "/api/v1/orders/{w.order.pk}/events", 200, ALL),
    "visits_list": Endpoint("get", "/api/v1/orders/{w.order.pk}/visits", 200, ALL),
    # On the dispatched order: the order on site has an unsigned visit, which refuses another arrival.
    "visits_create": Endpoint(
        "post", "/api/v1/orders/{w.dispatched.pk}/visits", 201, FIELD, lambda w: {"diagnosis": "复查"}
    ),
    "visits_patch": Endpoint("patch", "/api/v1/visits/{w.visit.pk}", 200, FIELD, lambda w: {"work_done": "更换轴承"}),
    "visits_signature": Endpoint(
        "post",
        "/api/v1/visits/{w.visit.pk}/signature",
        200,
        FIELD,
        lambda w: {"signer_name": "王五", "signature": png("sig.png")},
        multipart=True,
    ),
    "photos_create": Endpoint(
        "post", "/api/v1/orders/{w.order.pk}/photos", 201, PHOTO, lambda w: {"file": png()}, multipart=True
    ),
    "technicians": Endpoint("get", "/api/v1/technicians", 200, ALL),
    "customers_list": Endpoint("get", "/api/v1/customers", 200, ALL),
    "customers_get": Endpoint("get", "/api/v1/customers/{w.customer.pk}", 200, ALL),
    "customers_create": Endpoint(
        "post",
        "/api/v1/customers",
        201,
        DESK,
        lambda w: {"name": "新客户有限公司", "contacts": [{"name": "赵六", "mobile": "13800138000"}]},
    ),
    "customers_patch": Endpoint("patch", "/api/v1/customers/{w.customer.pk}", 200, DESK, lambda w: {"notes": "VIP"}),
    "customers_contacts": Endpoint(
        "post",
        "/api/v1/customers/{w.customer.pk}/contacts",
        201,
        DESK,
        lambda w: {"name": "钱七", "mobile": "13700137000"},
    ),
    "customers_sites": Endpoint(
        "post",
        "/api/v1/customers/{w.customer.pk}/sites",
        201,
        DESK,
        lambda w: {"name": "二号厂房", "address": "嘉定区1号"},
    ),
    "units_list": Endpoint("get", "/api/v1/units", 200, ALL),
    "units_get": Endpoint("get", "/api/v1/units/{w.unit.pk}", 200, ALL),
    "units_warranty": Endpoint("get", "/api/v1/units/{w.unit.pk}/warranty", 200, ALL),
    "units_create": Endpoint(
        "post",
        "/api/v1/units",
        201,
        DESK,
        lambda w: {
            "serial_number": "NEW-0001",
            "product_model_id": w.product_model.pk,
            "customer_id": w.customer.pk,
            "purchase_date": "2026-01-05",
            "proof_reference": "INV-9",
        },
    ),
    "units_proof": Endpoint(
        "post", "/api/v1/units/{w.unit.pk}/proof", 200, DESK, lambda w: {"file": png("inv.png")}, multipart=True
    ),
    "product_models_list": Endpoint("get", "/api/v1/product-models", 200, ALL),
    "product_models_get": Endpoint("get", "/api/v1/product-models/{w.product_model.pk}", 200, ALL),
    "product_models_create": Endpoint(
        "post",
        "/api/v1/product-models",
        201,
        MANAGERS,
        lambda w: {"code": "NEW-PM", "name": "螺杆机", "category": "空压机"},
    ),
}


def call(client: Client, endpoint: Endpoint, w: World) -> Any:
    path = endpoint.path.format(w=w)
    send = getattr(client, endpoint.method)
    if endpoint.body is None:
        return send(path)
    body = endpoint.body(w)
    if endpoint.multipart:
        return send(path, body)
    return send(path, body, content_type="application/json")


@dataclass(frozen=True)
class Shared:
    """One world for the role × endpoint cells, built once for the module (``shared_test_data``): a user
    per role in its centre, one per scoped role in another centre, an API key for each. Every request
    runs in its own savepoint, so a cell that writes leaves nothing for the next."""

    world: World
    users: dict[str, Any]
    outsiders: dict[str, Any]
    keys: dict[int, str]

    def client(self, user: Any) -> Client:
        return Client(headers={"Authorization": f"Bearer {self.keys[user.pk]}"})


def build_shared() -> Shared:
    centre = ServiceCenterFactory(code="MX", name="矩阵网点")
    other = ServiceCenterFactory(code="MY", name="矩阵外网点")
    users = {role: UserFactory(username=f"{role}-mx", role=role, service_center=centre) for role in Role.values}
    outsiders = {role: UserFactory(username=f"{role}-my", role=role, service_center=other) for role in SCOPED_ROLES}
    keys = {}
    for user in [*users.values(), *outsiders.values()]:
        keys[user.pk] = secrets.token_urlsafe(16)
        ApiToken.objects.create(user=user, name="matrix", key_hash=ApiToken.hash_key(keys[user.pk]))
    return Shared(build_world(centre=centre, users=users), users, outsiders, keys)


@pytest.fixture(scope="module")
def shared(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Shared]:
    with shared_test_data(django_db_blocker, build_shared) as built:
        yield built


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", Role.values)
def test_endpoint_status_matches_role_matrix(role, name, shared):
    endpoint = ENDPOINTS[name]
    expected = endpoint.ok if role in endpoint.allowed else 403

    response = call(shared.client(shared.users[role]), endpoint, shared.world)

    assert response.status_code == expected, response.content
    if expected == 403:
        assert response.json()["code"] == "forbidden"


# ---- cross-centre ---------------------------------------------------------------------------------
SCOPED_ROLES = [r for r in Role.values if r not in (Role.GENERAL_MANAGER, Role.ADMIN)]

CROSS_CENTRE = [
    "orders_get",
    "orders_patch",
    "orders_transition",
    "orders_assign",
    "orders_warranty_override",
    "orders_extend_due",
    "orders_events",
    "visits_list",
    "visits_create",
    "visits_patch",
    "visits_signature",
    "photos_create",
    "orders_create",  # for another centre's customer and unit
    "customers_get",
    "customers_patch",
    "customers_contacts",
    "customers_sites",
    "units_get",
    "units_warranty",
    "units_create",  # for another centre's customer
    "units_proof",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CROSS_CENTRE)
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_other_centre_user_gets_404_on_every_record(role, name, shared):
    response = call(shared.client(shared.outsiders[role]), ENDPOINTS[name], shared.world)

    if name == "orders_create" and role not in DESK:
        # A role that may not open orders at all is refused before any record is looked up.
        assert response.status_code == 403, response.content
        return
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "key"),
    [("/api/v1/orders", "order"), ("/api/v1/customers", "customer"), ("/api/v1/units", "unit")],
)
@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_other_centre_user_does_not_see_records_in_lists(role, path, key, world, other_centre, users, api_client):
    outsider = UserFactory(username=f"{role}-bj", role=role, service_center=other_centre)
    staff = {r: UserFactory(username=f"{r}-bj-own", role=r, service_center=other_centre) for r in Role.values}
    if role == Role.TECHNICIAN:
        staff[Role.TECHNICIAN] = outsider
    own = build_world(centre=other_centre, users=staff)

    ids = [row["id"] for row in api_client(outsider).get(path).json()["items"]]

    assert getattr(world, key).pk not in ids
    assert getattr(own, key).pk in ids


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.ADMIN])
def test_all_centre_roles_see_other_centres_order(role, world, other_centre, api_client):
    viewer = UserFactory(username=f"{role}-bj", role=role, service_center=other_centre)

    response = api_client(viewer).get(f"/api/v1/orders/{world.order.pk}")

    assert response.status_code == 200


# ---- the technician's scope -------------------------------------------------------------------------
TECHNICIAN_HIDDEN = [
    "orders_get",
    "orders_patch",
    "orders_transition",
    "orders_events",
    "visits_list",
    "visits_create",
    "visits_patch",
    "visits_signature",
    "photos_create",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", TECHNICIAN_HIDDEN)
def test_technician_gets_404_on_order_assigned_to_someone_else(name, world, api_client):
    colleague = world.second_technician

    response = call(api_client(colleague), ENDPOINTS[name], world)

    assert response.status_code == 404, response.content


@pytest.mark.django_db
def test_technician_lists_only_orders_assigned_to_them(world, users, api_client):
    unassigned = make_order(by=users[Role.AGENT], customer=world.customer, unit=world.unit)

    ids = [row["id"] for row in api_client(users[Role.TECHNICIAN]).get("/api/v1/orders").json()["items"]]

    assert sorted(ids) == sorted([world.order.pk, world.dispatched.pk])
    assert unassigned.pk not in ids


@pytest.mark.django_db
def test_technician_sees_order_they_help_on(world, users, api_client):
    helper = UserFactory(username="helper-sh", role=Role.TECHNICIAN, service_center=world.order.service_center)
    services.assign_technician(
        world.dispatched,
        by=users[Role.DISPATCHER],
        technician=world.technician,
        helpers=[helper],
        reason="加派助手",
    )

    response = api_client(helper).get(f"/api/v1/orders/{world.dispatched.pk}")

    assert response.status_code == 200
