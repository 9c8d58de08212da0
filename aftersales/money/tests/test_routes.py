"""The exchange (调换) and installation (安装调试) routes end to end through the API: each step, who may
take it, bad input answered with the field and nothing written, and each route's money to the fen."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.installed_base.models import Unit
from aftersales.money.models import Exchange, Installation, LedgerEntry
from aftersales.money.tests.factories import order_with, png
from aftersales.notifications.models import OutboxMessage
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def desk(users, api_client):
    return api_client(users[Role.AGENT])


@pytest.fixture
def manager(users, api_client):
    return api_client(users[Role.MANAGER])


def exchange_through(desk, manager, order):
    ex = post(desk, f"/orders/{order.pk}/exchanges", {"reason": "压缩机三次维修仍故障"})
    assert ex.status_code == 201, ex.content
    ex_id = ex.json()["id"]
    assert post(manager, f"/exchanges/{ex_id}/decision", {"approve": True}).json()["status"] == "approved"
    return ex_id


# ---- exchange -----------------------------------------------------------------------------------
def test_exchange_approved_end_to_end_registers_the_new_unit_and_books_the_freight_to_the_fen(
    users, desk, manager, api_client
):
    order = order_with("in_warranty", by=users[Role.AGENT])
    old = order.unit
    ex_id = exchange_through(desk, manager, order)

    agreed = post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": True})
    assert agreed.json()["status"] == "agreed"
    shipped = post(
        desk,
        f"/exchanges/{ex_id}/ship-old",
        {"carrier": "顺丰", "waybill": "SF1", "original_packaging": True, "freight": "33.33"},
    )
    assert shipped.status_code == 200, shipped.content
    delivered = post(desk, f"/exchanges/{ex_id}/deliver", {"serial_number": "new-0001", "freight": "66.67"})
    assert delivered.status_code == 200, delivered.content

    new = Unit.objects.get(pk=delivered.json()["new_unit_id"])
    today = timezone.localdate()
    assert (new.serial_number, new.customer_id, new.site_id, new.product_model_id) == (
        "NEW-0001",
        old.customer_id,
        old.site_id,
        old.product_model_id,
    )
    assert (new.purchase_date, new.installed_on) == (today, today), "its warranty runs from the delivery"
    assert Activity.objects.filter(type="unit.returned", target_id=old.pk).exists()
    # In warranty the company bears both legs: 33.33 + 66.67 = 100.00 net on the warranty cost account.
    lines = list(order.charge_lines.order_by("id").values_list("bearer", "net", "tax", "gross"))
    assert lines == [
        ("company", Decimal("33.33"), Decimal("4.33"), Decimal("37.66")),
        ("company", Decimal("66.67"), Decimal("8.67"), Decimal("75.34")),
    ]
    booked = sum(LedgerEntry.objects.filter(order=order, account="warranty_cost").values_list("amount", flat=True))
    assert booked == Decimal("100.00")
    finance = api_client(users[Role.FINANCE])
    assert post(finance, f"/orders/{order.pk}/invoices").json()["code"] == "nothing_to_invoice"


def test_exchange_for_a_unit_of_a_model_retired_since_still_delivers_the_new_unit(users, desk, manager):
    order = order_with("in_warranty", by=users[Role.AGENT])
    ex_id = exchange_through(desk, manager, order)
    post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": True})
    post(desk, f"/exchanges/{ex_id}/ship-old", {"carrier": "顺丰", "waybill": "SF1", "original_packaging": True})
    ProductModel.objects.filter(pk=order.unit.product_model_id).update(active=False)

    delivered = post(desk, f"/exchanges/{ex_id}/deliver", {"serial_number": "new-0002"})

    assert delivered.status_code == 200, delivered.content
    assert Unit.objects.get(pk=delivered.json()["new_unit_id"]).product_model_id == order.unit.product_model_id


def test_exchange_refused_by_the_factory_tells_the_customer_and_allows_another_request(users, desk, manager):
    order = order_with("in_warranty", by=users[Role.AGENT])
    ex_id = exchange_through(desk, manager, order)

    no_note = post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": False})
    assert (no_note.status_code, no_note.json()["field"]) == (400, "note")
    refused = post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": False, "note": "厂家要求先维修"})
    assert refused.json()["status"] == "refused"
    assert OutboxMessage.objects.get(key=f"exchange-{ex_id}-factory").recipient == order.reporter_phone
    again = post(desk, f"/exchanges/{ex_id}/ship-old", {"carrier": "顺丰", "waybill": "1", "original_packaging": True})
    assert (again.status_code, again.json()["code"]) == (409, "exchange_state")
    assert post(desk, f"/orders/{order.pk}/exchanges", {"reason": "再次申请"}).status_code == 201


def test_exchange_refused_by_the_manager_needs_a_note(users, desk, manager):
    order = order_with("in_warranty", by=users[Role.AGENT])
    ex_id = post(desk, f"/orders/{order.pk}/exchanges", {"reason": "客户要求"}).json()["id"]
    assert post(manager, f"/exchanges/{ex_id}/decision", {"approve": False}).json()["field"] == "note"
    refused = post(manager, f"/exchanges/{ex_id}/decision", {"approve": False, "note": "可以维修"})
    assert refused.json()["status"] == "refused"
    twice = post(manager, f"/exchanges/{ex_id}/decision", {"approve": True})
    assert (twice.status_code, twice.json()["code"]) == (409, "exchange_state")


@pytest.mark.parametrize("coverage", ["expired", "no_proof"])
def test_no_exchange_out_of_warranty(users, desk, coverage):
    order = order_with(coverage, by=users[Role.AGENT])
    answer = post(desk, f"/orders/{order.pk}/exchanges", {"reason": "坏了"})
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (
        409,
        "exchange_out_of_warranty",
        "unit",
    )
    assert not Exchange.objects.exists()


def test_exchange_bad_input_and_order_of_steps_answer_with_the_field_and_write_nothing(users, desk, manager):
    order = order_with("in_warranty", by=users[Role.AGENT])
    assert post(desk, f"/orders/{order.pk}/exchanges", {"reason": " "}).json()["field"] == "reason"
    assert not Exchange.objects.exists()
    ex_id = post(desk, f"/orders/{order.pk}/exchanges", {"reason": "换机"}).json()["id"]
    assert post(desk, f"/orders/{order.pk}/exchanges", {"reason": "换机"}).json()["code"] == "exchange_open"

    early = post(desk, f"/exchanges/{ex_id}/ship-old", {"carrier": "顺丰", "waybill": "1", "original_packaging": True})
    assert (early.status_code, early.json()["code"]) == (409, "exchange_not_approved")
    assert post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": True}).json()["code"] == "exchange_not_approved"
    assert post(desk, f"/exchanges/{ex_id}/decision", {"approve": True}).status_code == 403, "managers approve"
    post(manager, f"/exchanges/{ex_id}/decision", {"approve": True})
    post(desk, f"/exchanges/{ex_id}/factory-answer", {"agreed": True})
    for body, field in (
        ({"carrier": "顺丰", "waybill": "1", "original_packaging": False}, "original_packaging"),
        ({"carrier": "顺丰", "waybill": "1", "original_packaging": True, "freight": "-5"}, "freight"),
        ({"carrier": "顺丰", "waybill": "1", "original_packaging": True, "shipped_on": "2999-01-01"}, "shipped_on"),
    ):
        answer = post(desk, f"/exchanges/{ex_id}/ship-old", body)
        assert (answer.status_code, answer.json()["field"]) == (400, field), body
    assert Exchange.objects.get(pk=ex_id).status == "agreed" and not order.charge_lines.exists()
    post(desk, f"/exchanges/{ex_id}/ship-old", {"carrier": "顺丰", "waybill": "1", "original_packaging": True})
    taken = post(desk, f"/exchanges/{ex_id}/deliver", {"serial_number": order.unit.serial_number})
    assert (taken.status_code, taken.json()["code"]) == (409, "duplicate_serial")
    assert Exchange.objects.get(pk=ex_id).new_unit_id is None


def test_another_centres_exchange_is_not_found(users, desk, api_client, other_centre):
    order = order_with("in_warranty", by=users[Role.AGENT])
    ex_id = post(desk, f"/orders/{order.pk}/exchanges", {"reason": "换机"}).json()["id"]
    stranger = api_client(UserFactory(role=Role.MANAGER, service_center=other_centre))
    assert stranger.get(f"/api/v1/exchanges/{ex_id}").status_code == 404
    assert post(stranger, f"/exchanges/{ex_id}/decision", {"approve": True}).status_code == 404
    assert post(stranger, f"/orders/{order.pk}/exchanges", {"reason": "x"}).status_code == 404
    assert stranger.get("/api/v1/exchanges").json()["items"] == []
    assert Exchange.objects.get(pk=ex_id).status == "requested"
    mine = api_client(users[Role.MANAGER]).get("/api/v1/exchanges?status=requested").json()["items"]
    assert [row["id"] for row in mine] == [ex_id]


# ---- installation and commissioning ----------------------------------------------------------------
@pytest.fixture
def install_order(users):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    return make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")


def accept(client, inst_id, units, name="赵厂长", signature=True):
    body = {"name": name, "units": json.dumps(units)}
    if signature:
        body["signature"] = png()
    return client.post(f"/api/v1/installations/{inst_id}/acceptance", body)


def test_installation_with_acceptance_registers_the_units_and_releases_an_invoice_right_to_the_fen(
    users, desk, api_client, install_order
):
    model = ProductModelFactory(code="CMP-9")
    planned = post(
        desk,
        f"/orders/{install_order.pk}/installation",
        {"mode": "large", "product_model_id": model.pk, "appointment_at": "2026-12-08T09:00:00+08:00"},
    )
    assert planned.status_code == 201, planned.content
    inst = planned.json()
    assert len(inst["checklist"]) == 6 and not any(row["done"] for row in inst["checklist"])
    for body in (
        {"kind": "labour", "description": "安装调试", "unit_price": "180.00", "quantity": "2.5"},
        {"kind": "travel", "description": "上门费", "unit_price": "66.66"},
    ):
        assert post(desk, f"/orders/{install_order.pk}/charges", body).json()["status"] == "draft"
    finance = api_client(users[Role.FINANCE])
    assert post(finance, f"/orders/{install_order.pk}/invoices").json()["code"] == "nothing_to_invoice"

    not_yet = accept(desk, inst["id"], [{"serial_number": "CMP9-001"}])
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "checklist_incomplete")
    done = post(
        desk,
        f"/installations/{inst['id']}/commissioning",
        {"done": list(range(6)), "readings_before": "0 bar", "readings_after": "8.0 bar, 62 dB"},
    )
    assert done.status_code == 200 and all(row["done"] for row in done.json()["checklist"])
    accepted = accept(desk, inst["id"], [{"serial_number": "CMP9-001"}, {"serial_number": "cmp9-002"}])
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["has_signature"]

    units = Unit.objects.filter(pk__in=accepted.json()["unit_ids"]).order_by("serial_number")
    today = timezone.localdate()
    assert [(u.serial_number, u.product_model_id, u.purchase_date) for u in units] == [
        ("CMP9-001", model.pk, today),
        ("CMP9-002", model.pk, today),
    ]
    invoice = post(finance, f"/orders/{install_order.pk}/invoices").json()
    # 2.5 × 180.00 = 450.00 + 58.50 tax; 66.66 + 8.6658 → 8.67: net 516.66, tax 67.17, gross 583.83
    assert (invoice["net"], invoice["tax"], invoice["gross"]) == ("516.66", "67.17", "583.83")
    again = accept(desk, inst["id"], [{"serial_number": "CMP9-003"}])
    assert (again.status_code, again.json()["code"]) == (409, "installation_accepted")


def test_imported_equipment_needs_engineers_an_appointment_and_trained_operators(users, desk, install_order):
    path = f"/orders/{install_order.pk}/installation"
    assert post(desk, path, {"mode": "imported", "engineers": "西门子工程师"}).json()["field"] == "appointment_at"
    assert (
        post(desk, path, {"mode": "imported", "appointment_at": "2026-12-08T09:00:00+08:00"}).json()["field"]
        == "engineers"
    )
    assert not Installation.objects.exists()
    inst = post(
        desk, path, {"mode": "imported", "engineers": "西门子工程师", "appointment_at": "2026-12-08T09:00:00+08:00"}
    ).json()
    post(desk, f"/installations/{inst['id']}/commissioning", {"done": list(range(6)), "readings_after": "ok"})
    untrained = accept(desk, inst["id"], [{"serial_number": "IMP-1", "product_model_id": ProductModelFactory().pk}])
    assert (untrained.status_code, untrained.json()["field"]) == (409, "training_done")
    assert post(desk, f"/installations/{inst['id']}/commissioning", {"training_done": True}).status_code == 200


def test_installation_bad_input_answers_with_the_field_and_writes_nothing(users, desk, install_order):
    assert (
        post(desk, f"/orders/{install_order.pk}/installation", {"mode": "small", "product_model_id": 999999}).json()[
            "field"
        ]
        == "product_model_id"
    )
    repair = order_with("in_warranty", by=users[Role.AGENT])
    assert post(desk, f"/orders/{repair.pk}/installation", {"mode": "small"}).json()["code"] == "not_an_installation"
    inst = post(desk, f"/orders/{install_order.pk}/installation", {"mode": "small"}).json()
    assert post(desk, f"/orders/{install_order.pk}/installation", {"mode": "small"}).status_code == 409
    assert post(desk, f"/installations/{inst['id']}/commissioning", {"done": [99]}).json()["field"] == "done"
    post(desk, f"/installations/{inst['id']}/commissioning", {"done": list(range(6)), "readings_after": "ok"})
    cases = [
        ({"units": []}, "units"),
        ({"units": [{"serial_number": "A-1"}]}, "units.0.product_model_id"),
        (
            {"units": [{"serial_number": "A-1", "product_model_id": ProductModelFactory().pk}], "signature": False},
            "signature",
        ),
    ]
    for case, field in cases:
        answer = accept(desk, inst["id"], case["units"], signature=case.get("signature", True))
        assert (answer.status_code, answer.json()["field"]) == (400, field), case
    bad_json = desk.post(
        f"/api/v1/installations/{inst['id']}/acceptance", {"name": "x", "units": "[", "signature": png()}
    )
    assert (bad_json.status_code, bad_json.json()["field"]) == (400, "units")
    assert Installation.objects.get(pk=inst["id"]).status == "open" and not Unit.objects.filter(serial_number="A-1")


def test_another_centres_installation_is_not_found(users, desk, api_client, other_centre, install_order):
    inst = post(desk, f"/orders/{install_order.pk}/installation", {"mode": "small"}).json()
    stranger = api_client(UserFactory(role=Role.AGENT, service_center=other_centre))
    assert stranger.get(f"/api/v1/orders/{install_order.pk}/installation").status_code == 404
    assert post(stranger, f"/installations/{inst['id']}/commissioning", {"done": [0]}).status_code == 404
    assert not Installation.objects.get(pk=inst["id"]).checklist[0]["done"]


def test_installation_of_a_retired_model_is_not_planned_and_nothing_written(desk, install_order):
    retired = ProductModelFactory(code="OLD-1", active=False)

    answer = post(desk, f"/orders/{install_order.pk}/installation", {"mode": "small", "product_model_id": retired.pk})

    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (
        400,
        "model_retired",
        "product_model_id",
    )
    assert not Installation.objects.exists()


def test_installation_accepted_for_its_model_retired_since_but_not_for_another_retired_one(desk, install_order):
    planned_model = ProductModelFactory(code="CMP-9")
    inst = post(
        desk, f"/orders/{install_order.pk}/installation", {"mode": "small", "product_model_id": planned_model.pk}
    ).json()
    post(desk, f"/installations/{inst['id']}/commissioning", {"done": list(range(6)), "readings_after": "ok"})
    other_retired = ProductModelFactory(code="OLD-1", active=False)
    ProductModel.objects.filter(pk=planned_model.pk).update(active=False)

    refused = accept(
        desk,
        inst["id"],
        [{"serial_number": "CMP9-001"}, {"serial_number": "OLD-001", "product_model_id": other_retired.pk}],
    )
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        400,
        "model_retired",
        "units.1.product_model_id",
    )
    assert not Unit.objects.exists()

    accepted = accept(desk, inst["id"], [{"serial_number": "CMP9-001"}])
    assert accepted.status_code == 200, accepted.content
    assert Unit.objects.get().product_model == planned_model
