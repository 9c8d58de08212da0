"""The writes behind the settings sections of suppliers and stock locations: who may, what is checked,
and the history row each leaves."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import DomainError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for
from aftersales.parts.choices import LocationKind
from aftersales.parts.models import Location, Supplier
from aftersales.parts.services.catalogue import create_location, create_supplier, update_location, update_supplier
from aftersales.parts.services.reservations import reserve_parts
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up, van
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_create_supplier_keeps_the_code_in_capitals_and_records_it(keeper):
    supplier = create_supplier(by=keeper, code=" skf ", name="斯凯孚", contact="王经理 021-5555")

    assert (supplier.code, supplier.outside) == ("SKF", True)
    [activity] = activity_for(supplier)
    assert activity.type == "supplier.created"
    assert activity.data["changes"]["code"] == {"old": None, "new": "SKF"}


def test_update_supplier_records_the_changed_fields_only(keeper):
    supplier = SupplierFactory(code="SKF", name="斯凯孚", outside=True)

    update_supplier(by=keeper, supplier=supplier, code="SKF", name="斯凯孚（中国）", outside=False, contact="")

    supplier.refresh_from_db()
    assert (supplier.name, supplier.outside) == ("斯凯孚（中国）", False)
    [activity] = activity_for(supplier)
    assert set(activity.data["changes"]) == {"name", "outside"}


def test_update_supplier_refuses_another_suppliers_code_and_writes_nothing(keeper):
    SupplierFactory(code="SKF")
    supplier = SupplierFactory(code="NSK", name="恩斯克")

    with pytest.raises(DomainError) as caught:
        update_supplier(by=keeper, supplier=supplier, code="skf", name="恩斯克")

    assert (caught.value.code, caught.value.field, caught.value.status) == ("duplicate_code", "code", 409)
    supplier.refresh_from_db()
    assert supplier.code == "NSK" and not Activity.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.FINANCE])
def test_only_the_keeper_and_admin_change_suppliers(users, role):
    supplier = SupplierFactory(code="SKF", name="斯凯孚")

    with pytest.raises(DomainError) as caught:
        update_supplier(by=users[role], supplier=supplier, code="SKF", name="改")

    assert caught.value.status == 403
    assert Supplier.objects.get().name == "斯凯孚"


def test_create_location_records_it(keeper, centre):
    location = create_location(by=keeper, code="st-sh", name="上海库房", kind="store", service_center=centre)

    assert location.code == "ST-SH"
    assert [a.type for a in activity_for(location)] == ["part_location.created"]


def test_update_location_renames_and_hands_a_van_to_another_technician(keeper, centre):
    first = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    second = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    car = van(first, code="VAN-1")

    update_location(by=keeper, location=car, code="van-01", name="沪A 12345", holder=second)

    car.refresh_from_db()
    assert (car.code, car.name, car.holder_id) == ("VAN-01", "沪A 12345", second.pk)
    [activity] = activity_for(car)
    assert activity.type == "part_location.updated"
    assert set(activity.data["changes"]) == {"code", "name", "holder"}
    assert activity.data["changes"]["holder"]["new"] == {"id": second.pk, "label": str(second)}


def test_a_van_goes_only_to_someone_of_its_centre(keeper, centre, other_centre):
    car = van(UserFactory(role=Role.TECHNICIAN, service_center=centre), code="VAN-1")
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)

    with pytest.raises(DomainError) as caught:
        update_location(by=keeper, location=car, code="VAN-1", name=car.name, holder=stranger)

    assert (caught.value.code, caught.value.field) == ("wrong_centre", "holder_id")


def test_a_location_holding_stock_is_not_taken_out_of_use(keeper, shop):
    stock_up(shop, PartFactory(), 1, by=keeper)

    with pytest.raises(DomainError) as caught:
        update_location(by=keeper, location=shop, code=shop.code, name=shop.name, active=False)

    assert (caught.value.code, caught.value.field, caught.value.status) == ("location_has_stock", "active", 409)
    assert Location.objects.get(pk=shop.pk).active


def test_a_location_awaiting_parts_is_not_taken_out_of_use(keeper, shop, centre):
    order = make_order(customer=CustomerFactory(service_center=centre))
    reserve_parts(by=keeper, order=order, part=PartFactory(), location=shop, quantity=1, wait=True)

    with pytest.raises(DomainError) as caught:
        update_location(by=keeper, location=shop, code=shop.code, name=shop.name, active=False)

    assert caught.value.code == "location_has_stock"


def test_an_empty_location_is_taken_out_of_use(keeper, shop):
    update_location(by=keeper, location=shop, code=shop.code, name=shop.name, active=False)

    assert not Location.objects.get(pk=shop.pk).active


def test_another_centres_keeper_does_not_see_the_location(shop, other_centre):
    outsider = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)

    with pytest.raises(DomainError) as caught:
        update_location(by=outsider, location=shop, code=shop.code, name="改", active=True)

    assert caught.value.status == 404


def test_a_manager_may_not_change_the_central_warehouse(users):
    warehouse = Location.objects.create(code="WH", name="中央仓库", kind=LocationKind.WAREHOUSE)

    with pytest.raises(DomainError) as caught:
        update_location(by=users[Role.MANAGER], location=warehouse, code="WH", name="改")

    assert caught.value.status == 403


def test_a_centres_keeper_adds_its_van(keeper, centre):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)

    car = create_location(by=keeper, code="VAN-SH-1", name="沪A 12345", kind="van", holder=technician)

    assert (car.service_center_id, car.holder_id) == (centre.pk, technician.pk)


def test_a_keeper_adds_no_location_to_another_centre(other_centre, centre):
    outsider = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)

    with pytest.raises(DomainError) as caught:
        create_location(by=outsider, code="ST-X", name="库", kind="store", service_center=centre)

    assert (caught.value.status, caught.value.field) == (404, "service_center_id")
    assert not Location.objects.exists()


def test_a_manager_adds_no_location_to_their_centre(users, centre):
    with pytest.raises(DomainError) as caught:
        create_location(by=users[Role.MANAGER], code="ST-X", name="库", kind="store", service_center=centre)

    assert caught.value.status == 403
    assert not Location.objects.exists()
