"""The settings sections of suppliers (/settings/suppliers/, generic) and stock locations
(/settings/part-locations/): list, create, edit, a refused input writes nothing, who may."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.history.models import Activity
from aftersales.parts.choices import LocationKind
from aftersales.parts.models import Location, Supplier
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up, store, van

pytestmark = pytest.mark.django_db
SUPPLIERS = "/settings/suppliers/"
LOCATIONS = "/settings/part-locations/"


# ---- suppliers ---------------------------------------------------------------------------------
def test_keeper_adds_a_supplier_and_the_part_form_offers_it(client, keeper):
    client.force_login(keeper)

    response = client.post(f"{SUPPLIERS}new/", {"code": "skf", "name": "斯凯孚", "outside": "on", "contact": ""})

    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert (supplier.code, supplier.outside) == ("SKF", True)
    listing = client.get(SUPPLIERS).content.decode()
    assert "SKF" in listing and f'href="{SUPPLIERS}{supplier.pk}/"' in listing
    assert f'value="{supplier.pk}"' in client.get("/settings/parts-catalogue/new/").content.decode()


def test_keeper_edits_a_supplier(client, keeper):
    supplier = SupplierFactory(code="SKF", name="斯凯孚", outside=True)
    client.force_login(keeper)

    page = client.get(f"{SUPPLIERS}{supplier.pk}/")
    response = client.post(f"{SUPPLIERS}{supplier.pk}/", {"code": "SKF", "name": "斯凯孚（中国）", "contact": "王"})

    assert page.status_code == 200 and "斯凯孚" in page.content.decode()
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.name, supplier.outside, supplier.contact) == ("斯凯孚（中国）", False, "王")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "SKF", "name": "别家"}, "code"),  # the service's duplicate_code, beside the field
        ({"code": "", "name": "别家"}, "code"),
        ({"code": "NEW", "name": ""}, "name"),
        ({"code": "X" * 21, "name": "别家"}, "code"),
    ],
)
def test_a_refused_supplier_is_shown_beside_its_field_and_writes_nothing(client, keeper, data, field):
    SupplierFactory(code="SKF")
    client.force_login(keeper)

    response = client.post(f"{SUPPLIERS}new/", data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (Supplier.objects.count(), Activity.objects.count()) == (1, 0)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.AGENT, Role.FINANCE])
def test_suppliers_are_for_the_keeper_and_admin(client, users, role):
    supplier = SupplierFactory(code="SKF", name="斯凯孚")
    client.force_login(users[role])

    assert client.get(SUPPLIERS).status_code == 403
    assert client.post(f"{SUPPLIERS}new/", {"code": "NEW", "name": "新"}).status_code == 403
    assert client.post(f"{SUPPLIERS}{supplier.pk}/", {"code": "SKF", "name": "改"}).status_code == 403
    assert list(Supplier.objects.values_list("code", "name")) == [("SKF", "斯凯孚")]


def test_admin_opens_the_suppliers(client, users):
    client.force_login(users[Role.ADMIN])

    body = client.get(SUPPLIERS).content.decode()

    assert f'href="{SUPPLIERS}new/"' in body and f'href="{LOCATIONS}"' in body


# ---- stock locations ---------------------------------------------------------------------------
def test_keeper_adds_the_centres_store_and_receives_into_it(client, keeper, centre):
    client.force_login(keeper)

    response = client.post(
        f"{LOCATIONS}new/", {"code": "st-sh", "name": "上海库房", "kind": "store", "service_center": centre.pk}
    )

    assert response.status_code == 302
    location = Location.objects.get()
    assert (location.code, location.kind, location.service_center_id) == ("ST-SH", "store", centre.pk)
    assert "ST-SH" in client.get(LOCATIONS).content.decode()
    stock_page = client.get("/parts/").content.decode()
    assert "上海库房" in stock_page


def test_keeper_adds_a_van_for_a_technician_of_the_centre(client, keeper, centre):
    technician = UserFactory(username="tech-1", role=Role.TECHNICIAN, service_center=centre)
    client.force_login(keeper)

    response = client.post(
        f"{LOCATIONS}new/", {"code": "VAN-1", "name": "沪A 12345", "kind": "van", "holder": technician.pk}
    )

    assert response.status_code == 302
    assert Location.objects.get().holder_id == technician.pk


def test_admin_adds_the_central_warehouse(client, users):
    client.force_login(users[Role.ADMIN])

    response = client.post(f"{LOCATIONS}new/", {"code": "WH", "name": "中央仓库", "kind": "warehouse"})

    assert response.status_code == 302
    assert Location.objects.get().service_center_id is None


def test_the_form_offers_only_the_keepers_own_centre_and_technicians(client, keeper, centre, other_centre):
    UserFactory(username="tech-sh", role=Role.TECHNICIAN, service_center=centre)
    UserFactory(username="tech-bj", role=Role.TECHNICIAN, service_center=other_centre)
    client.force_login(keeper)

    form = client.get(f"{LOCATIONS}new/").context["form"]

    assert list(form.fields["service_center"].queryset) == [centre]
    assert [u.username for u in form.fields["holder"].queryset] == ["tech-sh"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "VAN-1", "name": "车", "kind": "van"}, "holder"),  # the service's required, not a constraint name
        ({"code": "ST-1", "name": "库", "kind": "store"}, "service_center"),
        ({"code": "", "name": "库", "kind": "store"}, "code"),
        ({"code": "ST-1", "name": "库", "kind": "shed"}, "kind"),
    ],
)
def test_a_refused_location_is_shown_beside_its_field_and_writes_nothing(client, keeper, data, field):
    client.force_login(keeper)

    response = client.post(f"{LOCATIONS}new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and "location_" not in str(errors)
    assert (Location.objects.count(), Activity.objects.count()) == (0, 0)


def test_keeper_renames_a_store_and_its_kind_and_centre_stay(client, keeper, shop):
    client.force_login(keeper)

    page = client.get(f"{LOCATIONS}{shop.pk}/")
    response = client.post(f"{LOCATIONS}{shop.pk}/", {"code": shop.code, "name": "上海总库", "active": "on"})

    form = page.context["form"]
    assert "kind" not in form.fields and "service_center" not in form.fields and "holder" not in form.fields
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.kind, shop.active) == ("上海总库", LocationKind.CENTRE_STORE, True)


def test_a_location_with_stock_stays_in_use(client, keeper, shop):
    stock_up(shop, PartFactory(), 2, by=keeper)
    client.force_login(keeper)

    response = client.post(f"{LOCATIONS}{shop.pk}/", {"code": shop.code, "name": shop.name})

    assert response.status_code == 200
    assert "active" in response.context["form"].errors
    assert Location.objects.get(pk=shop.pk).active


def test_another_centres_location_answers_404(client, other_centre, centre):
    theirs = store(other_centre)
    keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=centre)
    client.force_login(keeper)

    assert client.get(f"{LOCATIONS}{theirs.pk}/").status_code == 404
    assert client.post(f"{LOCATIONS}{theirs.pk}/", {"code": "X", "name": "改"}).status_code == 404
    assert "ST-BJ" not in client.get(LOCATIONS).content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.GENERAL_MANAGER, Role.FINANCE])
def test_locations_are_for_the_keeper_and_admin(client, users, centre, role):
    shop = store(centre)
    client.force_login(users[role])

    assert client.get(LOCATIONS).status_code == 403
    assert client.post(f"{LOCATIONS}new/", {"code": "ST-2", "name": "库", "kind": "store"}).status_code == 403
    assert client.post(f"{LOCATIONS}{shop.pk}/", {"code": shop.code, "name": "改"}).status_code == 403
    assert list(Location.objects.values_list("code", "name")) == [(shop.code, shop.name)]


# ---- N+1 ---------------------------------------------------------------------------------------
def test_the_supplier_list_runs_constant_queries(client, keeper):
    client.force_login(keeper)
    SupplierFactory()
    client.get(SUPPLIERS)
    with CaptureQueriesContext(connection) as few:
        client.get(SUPPLIERS)
    SupplierFactory.create_batch(10)

    with CaptureQueriesContext(connection) as many:
        response = client.get(SUPPLIERS)

    assert response.status_code == 200 and len(response.context["rows"]) == 11
    assert len(many) == len(few)


def test_the_location_list_runs_constant_queries(client, keeper, centre):
    client.force_login(keeper)
    van(UserFactory(role=Role.TECHNICIAN, service_center=centre), code="VAN-0")
    client.get(LOCATIONS)
    with CaptureQueriesContext(connection) as few:
        client.get(LOCATIONS)
    for n in range(1, 11):
        van(UserFactory(role=Role.TECHNICIAN, service_center=centre), code=f"VAN-{n}")
    Location.objects.create(code="WH", name="中央仓库", kind=LocationKind.WAREHOUSE)

    with CaptureQueriesContext(connection) as many:
        response = client.get(LOCATIONS)

    assert response.status_code == 200 and len(response.context["rows"]) == 12
    assert all(row.edit_url for row in response.context["rows"])
    assert len(many) == len(few)
