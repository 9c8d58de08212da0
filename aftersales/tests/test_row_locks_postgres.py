"""Row locks take only the rows they mean to, proved on PostgreSQL with a second connection that tries
the lock at once (``NOWAIT``) while the write's transaction is still open:

- while an invoice, a charge line, a return to the factory or a unit's proof of purchase is being
  changed, the customer's row is free for a contact write (``FOR NO KEY UPDATE``,
  ``customers.services._lock_customer``) and for a new order or unit of the customer (its foreign key
  takes ``FOR KEY SHARE``). A lock that joined the customer without ``of=`` held its row
  ``FOR UPDATE`` until the write committed;
- a row locked only as a mutex is locked ``FOR NO KEY UPDATE``: the same writes still wait for each
  other, rows referring to it do not wait."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.tests.locks import KEY_SHARE, NO_KEY_UPDATE, taken_while
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base import services as installed_base
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.money import services as money
from aftersales.money.choices import ChargeKind
from aftersales.money.services.quotes import quote_from_token, quote_token
from aftersales.money.tests.factories import order_with
from aftersales.pay import services as pay
from aftersales.pay.tests.factories import MAY, default_plan
from aftersales.portal.services import reissue_unit_token
from aftersales.workforce.services import attendance

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are proved on PostgreSQL"),
]


def _customer(order: Any) -> list[tuple[str, str, int]]:
    return [
        (NO_KEY_UPDATE, "customers_customer", order.customer_id),
        (KEY_SHARE, "customers_customer", order.customer_id),
    ]


@pytest.fixture
def agent(users: dict[str, Any]) -> Any:
    return users[Role.AGENT]


def test_a_charge_line_being_voided_leaves_the_customer_to_others(agent: Any):
    order = order_with("expired", by=agent)
    line = money.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100.00")

    outcomes = taken_while(lambda: money.void_charge(line, by=agent, reason="重复"), *_customer(order))

    assert outcomes == ["taken", "taken"]


def test_an_invoice_being_changed_leaves_the_customer_to_others(agent: Any, users: dict[str, Any]):
    finance = users[Role.FINANCE]
    order = order_with("expired", by=agent)
    money.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100.00")
    quote = money.send_quote(order, by=agent)
    money.answer_quote(quote_from_token(quote_token(quote)), approve=True, name="王经理")
    invoice = money.create_invoice(order, by=finance)

    outcomes = taken_while(lambda: money.update_invoice(invoice, by=finance, buyer_name="王经理"), *_customer(order))

    assert outcomes == ["taken", "taken"]


def test_a_return_to_the_factory_being_recorded_leaves_the_customer_to_others(agent: Any):
    order = order_with("expired", by=agent)
    shipped = money.ship_to_factory(order, by=agent, factory="无锡压缩机厂", carrier="顺丰", waybill="SF1234567890")

    outcomes = taken_while(
        lambda: money.record_factory_shipment_back(shipped, by=agent, carrier="顺丰", waybill="SF0987654321"),
        *_customer(order),
    )

    assert outcomes == ["taken", "taken"]


def test_a_proof_of_purchase_being_corrected_leaves_the_customer_and_new_orders_of_the_unit_to_others(
    agent: Any,
):
    """The unit itself is locked ``FOR NO KEY UPDATE``: two corrections still wait for each other, but
    an order opened for the unit (its foreign key) does not wait for the correction."""
    order = order_with("in_warranty", by=agent)
    unit = order.unit

    outcomes = taken_while(
        lambda: installed_base.update_proof_of_purchase(
            unit=unit, by=agent, purchase_date=unit.purchase_date, seller="dealer", dealer_name="国美电器"
        ),
        *_customer(order),
        (KEY_SHARE, "installed_base_unit", unit.pk),
        (NO_KEY_UPDATE, "installed_base_unit", unit.pk),
    )

    assert outcomes[:3] == ["taken", "taken", "taken"]
    assert "could not obtain lock" in outcomes[3]


# A row used only as a mutex ("one pay run per centre at a time", "one request per person at a time",
# "one reissue of a unit's label at a time") is locked FOR NO KEY UPDATE: the same writes still wait
# for each other, but new rows referring to it (an order of the centre, anything the person writes,
# an order for the unit) do not wait for the whole write.


def test_a_pay_run_being_computed_leaves_the_centre_to_new_rows_but_not_to_another_run(
    centre: Any, users: dict[str, Any]
):
    default_plan()

    outcomes = taken_while(
        lambda: pay.create_run(by=users[Role.MANAGER], centre=centre, period=MAY),
        (KEY_SHARE, "accounts_servicecenter", centre.pk),
        (NO_KEY_UPDATE, "accounts_servicecenter", centre.pk),
    )

    assert outcomes[0] == "taken"
    assert "could not obtain lock" in outcomes[1]


def test_an_absence_being_requested_leaves_the_person_to_new_rows_but_not_to_another_request(
    users: dict[str, Any],
):
    tech = users[Role.TECHNICIAN]
    now = timezone.now()

    outcomes = taken_while(
        lambda: attendance.request_absence(
            by=tech,
            starts_at=now + datetime.timedelta(hours=3),
            ends_at=now + datetime.timedelta(hours=5),
            reason="看病",
        ),
        (KEY_SHARE, "accounts_user", tech.pk),
        (NO_KEY_UPDATE, "accounts_user", tech.pk),
    )

    assert outcomes[0] == "taken"
    assert "could not obtain lock" in outcomes[1]


def test_a_label_being_reissued_leaves_the_unit_to_new_orders_but_not_to_another_reissue(agent: Any, centre: Any):
    unit = UnitFactory(customer=CustomerFactory(service_center=centre))

    outcomes = taken_while(
        lambda: reissue_unit_token(unit_id=unit.pk, by=agent),
        (KEY_SHARE, "installed_base_unit", unit.pk),
        (NO_KEY_UPDATE, "installed_base_unit", unit.pk),
    )

    assert outcomes[0] == "taken"
    assert "could not obtain lock" in outcomes[1]
