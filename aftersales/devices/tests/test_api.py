"""The API: devices post their messages with their own credentials; users manage devices and rules
and read states and tracks in their scope; bad input answers the error and writes nothing."""

import base64
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.devices.choices import RuleKind
from aftersales.devices.models import Binding, Device, Quarantine, Rule, Sample
from aftersales.devices.tests.factories import SECRET, make_device, make_unit, message
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db


def _device_client(serial: str, secret: str = SECRET) -> Client:
    token = base64.b64encode(f"{serial}:{secret}".encode()).decode()
    return Client(headers={"Authorization": f"Basic {token}"})


def _post(client: Client, messages) -> object:
    return client.post("/api/v1/device-messages", {"messages": messages}, content_type="application/json")


def _at(minutes: int = 0) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30 - minutes)


def test_device_posts_messages_and_duplicates_are_counted_not_stored():
    device = make_device()
    batch = [message(1, _at()), message(2, _at(1)), message(1, _at())]

    answer = _post(_device_client(device.serial), batch)
    again = _post(_device_client(device.serial), batch[:2])

    assert answer.status_code == 200, answer.content
    assert answer.json() | {"reasons": {}} == {
        "stored": 2,
        "duplicates": 1,
        "quarantined": 0,
        "reasons": {},
        "orders_opened": [],
    }
    assert again.json()["duplicates"] == 2
    assert Sample.objects.count() == 2


def test_device_messages_with_a_fault_open_one_order_over_http():
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()

    answer = _post(_device_client(device.serial), [message(1, _at(), faults=[{"code": "E7"}])])

    assert len(answer.json()["orders_opened"]) == 1
    assert ServiceOrder.objects.count() == 1


@pytest.mark.parametrize("secret", ["wrong-secret-wrong-secret", ""])
def test_wrong_credentials_answer_401_and_store_nothing(secret):
    device = make_device()

    answer = _post(_device_client(device.serial, secret), [message(1, _at())])

    assert answer.status_code == 401
    assert answer.json()["code"] in ("device_unauthorized", "not_authenticated")
    assert not Sample.objects.exists() and not Quarantine.objects.exists()


def test_unknown_device_answers_401():
    answer = _post(_device_client("NOPE"), [message(1, _at())])

    assert (answer.status_code, answer.json()["code"]) == (401, "device_unauthorized")


def test_malformed_messages_are_quarantined_with_the_reason_the_rest_stored():
    device = make_device()

    answer = _post(_device_client(device.serial), [message(1, _at()), {"id": "x"}, "junk"])

    assert answer.status_code == 200
    assert (answer.json()["stored"], answer.json()["quarantined"]) == (1, 2)
    assert set(Quarantine.objects.values_list("reason", flat=True)) == {"malformed"}


def test_a_batch_over_the_rate_answers_429_and_stores_nothing(settings):
    settings.DEVICES = {**settings.DEVICES, "RATE_PER_MINUTE": 2}
    device = make_device()

    answer = _post(_device_client(device.serial), [message(n, _at(n)) for n in range(3)])
    within = _post(_device_client(device.serial), [message(n, _at(n)) for n in range(2)])

    assert (answer.status_code, answer.json()["code"]) == (429, "rate_limited")
    assert "Retry-After" in answer
    assert within.status_code == 200 and within.json()["stored"] == 2


def test_a_batch_over_the_size_limit_answers_400(settings):
    settings.DEVICES = {**settings.DEVICES, "HTTP_BATCH_MAX": 2}
    device = make_device()

    answer = _post(_device_client(device.serial), [message(n, _at(n)) for n in range(3)])

    assert (answer.status_code, answer.json()["code"]) == (400, "batch_too_large")
    assert not Sample.objects.exists()


def test_manager_registers_a_device_and_gets_its_secret_once(api_client):
    unit = make_unit()
    manager = UserFactory(role=Role.MANAGER, service_center=unit.customer.service_center)

    answer = api_client(manager).post(
        "/api/v1/devices", {"serial": "T-9", "unit_id": unit.pk}, content_type="application/json"
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["unit_id"] == unit.pk and len(body["secret"]) >= 16
    assert _post(_device_client("T-9", body["secret"]), [message(1, _at())]).status_code == 200


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"serial": "bad id"}, "invalid_device_id"),
        ({"serial": "T-1", "secret": "short"}, "weak_secret"),
        ({"serial": "T-0001"}, "duplicate_device"),
    ],
)
def test_register_device_refuses_bad_input_and_writes_nothing(api_client, payload, code):
    device = make_device()
    manager = UserFactory(role=Role.MANAGER, service_center=device.bindings.get().unit.customer.service_center)

    answer = api_client(manager).post("/api/v1/devices", payload, content_type="application/json")

    assert answer.json()["code"] == code
    assert Device.objects.count() == 1


def test_agent_may_not_register_devices(api_client):
    agent = UserFactory(role=Role.AGENT, service_center=ServiceCenterFactory())

    answer = api_client(agent).post("/api/v1/devices", {"serial": "T-2"}, content_type="application/json")

    assert answer.status_code == 403
    assert not Device.objects.exists()


def test_a_unit_takes_one_device_at_a_time_and_the_history_is_kept(api_client):
    first = make_device()
    unit = first.bindings.get().unit
    second = make_device(serial="T-0002", bind=False)
    manager = UserFactory(role=Role.MANAGER, service_center=unit.customer.service_center)
    client = api_client(manager)

    refused = client.post(f"/api/v1/devices/{second.pk}/bind", {"unit_id": unit.pk}, content_type="application/json")
    client.post(f"/api/v1/devices/{first.pk}/unbind")
    bound = client.post(f"/api/v1/devices/{second.pk}/bind", {"unit_id": unit.pk}, content_type="application/json")

    assert (refused.status_code, refused.json()["code"]) == (409, "unit_has_device")
    assert bound.status_code == 200 and bound.json()["unit_id"] == unit.pk
    assert Binding.objects.filter(unit=unit).count() == 2
    assert Binding.objects.filter(unit=unit, unbound_at__isnull=True).get().device_id == second.pk


def test_devices_of_another_centre_are_out_of_scope(api_client):
    device = make_device()
    stranger = UserFactory(role=Role.MANAGER, service_center=ServiceCenterFactory())

    client = api_client(stranger)

    assert client.get("/api/v1/devices").json()["items"] == []
    assert client.get(f"/api/v1/devices/{device.pk}").status_code == 404
    unit = device.bindings.get().unit
    assert client.get(f"/api/v1/units/{unit.pk}/track", {"day": _at().date().isoformat()}).status_code == 404


def test_track_of_a_day_in_time_order_with_faults_and_orders(api_client):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()
    unit = device.bindings.get().unit
    morning = (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    later = morning + datetime.timedelta(minutes=1)
    _post(_device_client(device.serial), [message(2, later), message(1, morning, faults=[{"code": "E5"}])])
    agent = UserFactory(role=Role.AGENT, service_center=unit.customer.service_center)

    day = morning.date().isoformat()
    answer = api_client(agent).get(f"/api/v1/units/{unit.pk}/track", {"day": day})

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["points"]["t"] == sorted(body["points"]["t"]) == [int(morning.timestamp()), int(later.timestamp())]
    assert body["count"] == 2 and len(body["points"]["lat"]) == 2
    assert [f["code"] for f in body["faults"]] == ["E5"]
    assert len(body["orders"]) == 1


def test_states_list_the_latest_position(api_client):
    device = make_device()
    _post(_device_client(device.serial), [message(1, _at(), lat=30.5)])
    agent = UserFactory(role=Role.AGENT, service_center=device.bindings.get().unit.customer.service_center)

    items = api_client(agent).get("/api/v1/device-states").json()["items"]

    assert [(i["device_serial"], i["lat"], i["link_state"]) for i in items] == [(device.serial, 30.5, "online")]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"name": "x", "kind": "threshold", "metric": "temp"}, "required"),
        ({"name": "x", "kind": "hours"}, "invalid_interval"),
        ({"name": "x", "kind": "fault", "fault_code": "bad code!"}, "invalid_fault_code"),
        ({"name": "x", "kind": "fault", "order_kind": "consultation"}, "invalid_choice"),
    ],
)
def test_rules_refuse_bad_input_and_write_nothing(api_client, payload, code):
    manager = UserFactory(role=Role.MANAGER, service_center=CustomerFactory().service_center)

    answer = api_client(manager).post("/api/v1/device-rules", payload, content_type="application/json")

    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert not Rule.objects.exists()


def test_manager_creates_and_changes_a_rule(api_client):
    manager = UserFactory(role=Role.MANAGER, service_center=CustomerFactory().service_center)
    client = api_client(manager)

    created = client.post(
        "/api/v1/device-rules",
        {"name": "Hot", "kind": "threshold", "metric": "temp", "threshold": "105.5"},
        content_type="application/json",
    )
    rule_id = created.json()["id"]
    changed = client.put(
        f"/api/v1/device-rules/{rule_id}",
        {"name": "Very hot", "kind": "threshold", "metric": "temp", "threshold": "110"},
        content_type="application/json",
    )

    assert created.status_code == 201 and changed.status_code == 200
    assert changed.json()["name"] == "Very hot"
    assert (
        api_client(UserFactory(role=Role.AGENT))
        .post("/api/v1/device-rules", {"name": "x", "kind": "fault"}, content_type="application/json")
        .status_code
        == 403
    )
