"""UnitFilter: the unit list's filters (API, screens and the export share it)."""

import pytest

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.filters import UnitFilter
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory


def filtered(**data: object) -> set[Unit]:
    filterset = UnitFilter(data=data, queryset=Unit.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["SN-2026-0001", "sn-2026-0001", "  Sn-2026-0001 "])
def test_unit_filter_serial_number_is_exact_in_any_case(typed):
    wanted = UnitFactory(serial_number="SN-2026-0001")
    UnitFactory(serial_number="SN-2026-00011")

    assert filtered(serial_number=typed) == {wanted}


@pytest.mark.django_db
def test_unit_filter_serial_number_is_not_a_prefix_search():
    UnitFactory(serial_number="SN-2026-0001")

    assert filtered(serial_number="SN-2026") == set()


@pytest.mark.django_db
def test_unit_filter_customer_and_product_model(centre):
    customer = CustomerFactory(service_center=centre)
    model = ProductModelFactory()
    both = UnitFactory(customer=customer, product_model=model)
    customers_other = UnitFactory(customer=customer)
    models_other = UnitFactory(product_model=model)

    assert filtered(customer_id=customer.pk) == {both, customers_other}
    assert filtered(product_model_id=str(model.pk)) == {both, models_other}
    assert filtered(customer_id=customer.pk, product_model_id=model.pk) == {both}


@pytest.mark.django_db
def test_unit_filter_blank_values_filter_nothing():
    everything = {UnitFactory(), UnitFactory()}

    assert filtered(serial_number="", customer_id="", product_model_id="") == everything


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"customer_id": "abc"}, "customer_id"),
        ({"product_model_id": "x1"}, "product_model_id"),
        ({"serial_number": "S" * 65}, "serial_number"),
    ],
)
def test_unit_filter_invalid_value_is_an_error_on_its_field(data, field):
    filterset = UnitFilter(data=data, queryset=Unit.objects.none())

    assert not filterset.is_valid()
    assert list(filterset.errors) == [field]
