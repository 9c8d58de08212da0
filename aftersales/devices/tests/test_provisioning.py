"""Provisioning devices from a spreadsheet (the "devices" import kind: every row checked, secrets never
shown, nothing written for a row in error), the device detail screen and the home panel of those who
watch the fleet."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.registry import HomeContext
from aftersales.devices.choices import LinkState, Metric, RuleKind
from aftersales.devices.credentials import secret_matches
from aftersales.devices.home import watch_panel
from aftersales.devices.imports import MASK, DeviceRows
from aftersales.devices.models import Binding, Device, DeviceState, Quarantine, Rule
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.tests.factories import make_device, make_manager, make_unit, message

pytestmark = pytest.mark.django_db
SECRET = "flashed-secret-0123456789"
KEYS = ("serial", "secret", "unit_serial", "note")


def _check(by, *rows):
    preparer = DeviceRows(by=by, table=None, mapping={key: i for i, key in enumerate(KEYS)})
    return preparer, preparer.check([(n, dict(zip(KEYS, row, strict=True))) for n, row in enumerate(rows, start=2)])


# ---- provisioning by import ---------------------------------------------------------------------
def test_rows_are_registered_bound_and_their_secrets_masked():
    unit = make_unit()
    manager = make_manager(unit)
    preparer, prepared = _check(manager, ("GW-1", SECRET, unit.serial_number, "北区"), ("GW-2", SECRET, "", ""))

    assert [errors for _values, errors, _record in prepared] == [[], []]
    assert prepared[0][0]["secret"] == MASK
    ids = preparer.write([record for _values, _errors, record in prepared])

    assert len(ids) == 2
    fitted = Device.objects.get(serial="GW-1")
    assert secret_matches(fitted, SECRET) and fitted.broker_hash.startswith("$7$") and fitted.note == "北区"
    assert Binding.objects.get(device=fitted, unbound_at__isnull=True).unit == unit
    assert not Binding.objects.filter(device__serial="GW-2").exists()
    assert DeviceState.objects.filter(device__serial__in=["GW-1", "GW-2"]).count() == 2


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        (("bad id", SECRET, "", ""), "invalid_device_id", "serial"),
        (("GW-9", "short", "", ""), "weak_secret", "secret"),
        (("GW-9", SECRET, "NO-SUCH-UNIT", ""), "unknown_unit", "unit_serial"),
        (("GW-9", SECRET, "", "x" * 201), "too_long", "note"),
        (("T-0001", SECRET, "", ""), "duplicate_device", "serial"),
    ],
)
def test_a_bad_row_is_refused_with_the_column_and_nothing_written(row, code, column):
    existing = make_device(serial="T-0001")
    _preparer, [(_values, errors, record)] = _check(make_manager(existing.bindings.get().unit), row)

    assert record is None
    assert (errors[0].code, errors[0].field) == (code, column)
    assert Device.objects.count() == 1


def test_a_device_twice_in_the_file_and_a_unit_taken_twice_are_refused():
    unit = make_unit()
    _preparer, prepared = _check(
        make_manager(unit),
        ("GW-1", SECRET, unit.serial_number, ""),
        ("GW-1", SECRET, "", ""),
        ("GW-3", SECRET, unit.serial_number, ""),
    )

    codes = [[(e.code, e.field) for e in errors] for _values, errors, _record in prepared]
    assert codes == [[], [("duplicate_in_file", "serial")], [("duplicate_in_file", "unit_serial")]]


def test_a_unit_with_a_device_bound_and_a_unit_of_another_centre_are_refused(other_centre):
    fitted = make_device(serial="T-0001")
    unit = fitted.bindings.get().unit
    from aftersales.customers.tests.factories import CustomerFactory

    theirs = make_unit(customer=CustomerFactory(service_center=other_centre))
    _preparer, prepared = _check(
        make_manager(unit), ("GW-1", SECRET, unit.serial_number, ""), ("GW-2", SECRET, theirs.serial_number, "")
    )

    assert [[e.code for e in errors] for _v, errors, _r in prepared] == [["unit_has_device"], ["unknown_unit"]]


def test_only_device_managers_may_import_devices():
    from aftersales.core.registry import allows, import_kinds

    kind = import_kinds.get("devices")
    unit = make_unit()
    agent = UserFactory(role=Role.AGENT, service_center=unit.customer.service_center)

    assert kind is not None and allows(kind.permission, make_manager(unit)) and not allows(kind.permission, agent)


# ---- the device detail screen -------------------------------------------------------------------
@pytest.fixture
def reporting():
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device(serial="GW-SH-0001")
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)
    ingest(
        [
            Incoming(device.serial, json.dumps([message(1, at), message(2, at, faults=[{"code": "E-2041"}])])),
            Incoming(device.serial, b"{broken"),
        ]
    )
    return device


def test_the_device_page_shows_state_bindings_orders_links_and_quarantine(client, reporting):
    unit = reporting.bindings.get().unit
    client.force_login(UserFactory(role=Role.AGENT, service_center=unit.customer.service_center))

    page = client.get(f"/devices/{reporting.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "E-2041" in body and unit.serial_number in body
    assert f"/devices/units/{unit.pk}/track/?day=" in body  # the order's day, played back beside the order
    assert 'id="device-quarantine"' in body and Quarantine.objects.filter(device=reporting).exists()
    assert f"/devices/{reporting.pk}/" in client.get("/devices/").content.decode()


def test_the_device_page_names_causes_and_quarantine_reasons_in_the_readers_language_and_local_time(client, api_client):
    # QA 2026-12-07: "threshold:temp", "unknown keys: foo", "pos.lat: 91 outside -90..90" and a UTC time
    # with microseconds on the Chinese device page.
    Rule.objects.create(name="Hot", kind=RuleKind.THRESHOLD, metric=Metric.TEMPERATURE, threshold=Decimal("105"))
    device = make_device(serial="GW-SH-0005")
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)
    future = datetime.datetime(2099, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    ingest(
        [
            Incoming(device.serial, json.dumps([message(1, at, temp=150.0)])),
            Incoming(device.serial, json.dumps({"id": "x1", "ts": at.isoformat(), "foo": 1})),
            Incoming(device.serial, json.dumps({"id": "x2", "ts": at.isoformat(), "pos": {"lat": 91, "lon": 0}})),
            Incoming(device.serial, json.dumps(message(3, future))),
        ]
    )
    manager = make_manager(device.bindings.get().unit)
    client.force_login(manager)

    body = client.get(f"/devices/{device.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert re.search(r'<span class="device-cause"[^>]*>冷却液温度（°C）超过阈值</span>', body)
    quarantine = body[body.index('id="device-quarantine"') :]
    assert "未知的键：foo" in quarantine and "pos.lat：91 超出范围 -90..90" in quarantine
    assert "2099-01-02 11:04:05" in quarantine and "+00:00" not in quarantine
    details = [row["detail"] for row in api_client(manager).get("/api/v1/device-quarantine").json()["items"]]
    assert "unknown keys: foo" in details and "pos.lat: 91 outside -90..90" in details
    late = next(detail for detail in details if detail.startswith("ts "))
    assert re.fullmatch(r"ts 2099-01-02T11:04:05\+08:00 after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", late)


def test_another_centres_device_answers_404(client, reporting, other_centre):
    client.force_login(UserFactory(role=Role.AGENT, service_center=other_centre))
    assert client.get(f"/devices/{reporting.pk}/").status_code == 404


def test_a_technician_may_not_open_the_device_page(client, reporting):
    unit = reporting.bindings.get().unit
    client.force_login(UserFactory(role=Role.TECHNICIAN, service_center=unit.customer.service_center))
    assert client.get(f"/devices/{reporting.pk}/").status_code == 403


# ---- the home panel -----------------------------------------------------------------------------
def test_the_panel_lists_lost_links_and_orders_the_machines_opened(client, reporting):
    centre = reporting.bindings.get().unit.customer.service_center
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    DeviceState.objects.filter(device=reporting).update(link_state=LinkState.LOST)

    panel = watch_panel(HomeContext(user=dispatcher, now=timezone.now()))

    assert panel is not None
    assert [s.device_id for s in panel["lost"]] == [reporting.pk]
    assert [t.cause for t in panel["opened"]] == ["fault:E-2041"]
    client.force_login(dispatcher)
    assert 'id="devices-watch-panel"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "fault", "hot"),
    [
        ("zh-hans", "报告故障 E-2041", "冷却液温度（°C） = 150.0"),
        ("en", "reported fault E-2041", "Coolant temperature (°C) = 150.0"),
    ],
)
def test_the_panels_tooltip_says_the_cause_in_words_not_the_rule_key(client, reporting, language, fault, hot):
    """QA 2026-12-07: each machine-opened order's cause carried the stored key ("fault:E-1203") as its tooltip."""
    Rule.objects.create(name="Hot", kind=RuleKind.THRESHOLD, metric=Metric.TEMPERATURE, threshold=Decimal("105"))
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=20)
    ingest([Incoming(reporting.serial, json.dumps([message(3, at, temp=150.0)]))])
    client.force_login(make_manager(reporting.bindings.get().unit))
    client.cookies["django_language"] = language

    body = client.get("/").content.decode()

    tips = re.findall(r'<span class="device-cause" title="([^"]*)"', body[body.index('id="devices-watch-panel"') :])
    assert len(tips) == 2 and not any("fault:" in tip or "threshold:" in tip for tip in tips)
    assert any(fault in tip and "GW-SH-0001" in tip for tip in tips)
    assert any(hot in tip and "105" in tip for tip in tips)


def test_the_panel_hides_when_all_is_well_and_from_other_centres(reporting, other_centre):
    from aftersales.devices.models import Trigger

    Trigger.objects.all().delete()
    centre = reporting.bindings.get().unit.customer.service_center
    assert watch_panel(HomeContext(user=UserFactory(role=Role.MANAGER, service_center=centre), now=None)) is None
    DeviceState.objects.filter(device=reporting).update(link_state=LinkState.LOST)
    stranger = UserFactory(role=Role.MANAGER, service_center=other_centre)
    assert watch_panel(HomeContext(user=stranger, now=None)) is None
