"""The screens: health list, map and track playback, each for those who may see devices, in scope."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.devices.choices import RuleKind
from aftersales.devices.models import Rule
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.tests.factories import make_device, message
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet():
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    device = make_device()
    # Yesterday morning: the whole track in one local day, whatever the time the tests run.
    at = (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    messages = [
        message(n, at + datetime.timedelta(minutes=n), lat=31.2 + n / 100, lon=121.4 + n / 100) for n in range(10)
    ]
    messages[5]["faults"] = [{"code": "E7"}]
    ingest([Incoming(device.serial, json.dumps(messages))])
    return device


def _agent(device):
    return UserFactory(role=Role.AGENT, service_center=device.bindings.get().unit.customer.service_center)


def test_health_lists_the_device_with_its_link_and_fault(client, fleet):
    client.force_login(_agent(fleet))

    html = client.get("/devices/").content.decode()

    assert fleet.serial in html
    assert 'data-status="online"' in html
    assert ">E7<" in html


def test_health_is_refused_to_a_technician(client, fleet):
    client.force_login(UserFactory(role=Role.TECHNICIAN))

    assert client.get("/devices/").status_code == 403


def test_health_of_another_centre_shows_nothing(client, fleet):
    client.force_login(UserFactory(role=Role.AGENT, service_center=ServiceCenterFactory()))

    assert fleet.serial not in client.get("/devices/").content.decode()


def test_map_draws_the_device_on_the_bundled_base(client, fleet):
    client.force_login(_agent(fleet))

    html = client.get("/devices/map/").content.decode()

    assert 'class="devmap-land"' in html
    assert 'class="devmap-dot online faulty"' in html


def test_map_uses_the_tile_server_when_one_is_set(client, fleet, settings):
    settings.DEVICES = {**settings.DEVICES, "TILE_URL": "https://tiles.example.test/{z}/{x}/{y}.png"}
    client.force_login(_agent(fleet))

    html = client.get("/devices/map/").content.decode()

    assert "https://tiles.example.test/" in html and 'class="devmap-land"' not in html


def test_track_plays_the_day_back_beside_the_order(client, fleet):
    unit = fleet.bindings.get().unit
    order = ServiceOrder.objects.get()
    client.force_login(_agent(fleet))
    day = timezone.localdate() - datetime.timedelta(days=1)

    html = client.get(f"/devices/units/{unit.pk}/track/", {"day": day.isoformat()}).content.decode()

    assert "<animateMotion" in html and 'class="devtrack-route"' in html
    assert order.number in html
    assert 'class="devtrack-fault"' in html


def test_track_of_a_day_with_one_position_shows_that_position(client):
    # QA 2026-12-07: a day with exactly one position said "No positions on this day".
    device = make_device()
    at = (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
    ingest([Incoming(device.serial, json.dumps([message(0, at, lat=31.2, lon=121.4)]))])
    client.force_login(_agent(device))

    html = client.get(f"/devices/units/{device.bindings.get().unit_id}/track/", {"day": at.date().isoformat()})

    page = html.content.decode()
    assert "当天没有位置" not in page
    assert "当天只有一个位置：09:30。" in page
    assert page.count('class="devtrack-point"') == 1
    assert 'class="devtrack-start"' not in page and 'class="devtrack-end"' not in page
    assert "<animateMotion" not in page and 'class="devtrack-route"' not in page


def test_track_of_a_day_without_positions_says_so(client, fleet):
    client.force_login(_agent(fleet))

    html = client.get(f"/devices/units/{fleet.bindings.get().unit_id}/track/", {"day": "2020-01-01"}).content.decode()

    assert "当天没有位置" in html and "devtrack-point" not in html


def test_the_map_tells_the_user_of_tiles_not_configured_not_the_variable(client, fleet):
    # QA 2026-12-07: the footnote named AFTERSALES_DEVICES_TILE_URL to end users (docs/devices.md names it).
    client.force_login(_agent(fleet))

    for url in ("/devices/map/", f"/devices/units/{fleet.bindings.get().unit_id}/track/"):
        html = client.get(url).content.decode()
        assert "AFTERSALES_DEVICES_TILE_URL" not in html and "TILE_URL" not in html
        assert "未配置街道地图" in html and "请联系管理员" in html, url


def test_track_of_a_unit_out_of_scope_answers_404(client, fleet):
    client.force_login(UserFactory(role=Role.AGENT, service_center=ServiceCenterFactory()))

    assert client.get(f"/devices/units/{fleet.bindings.get().unit_id}/track/").status_code == 404


def test_track_refuses_a_day_in_the_future(client, fleet):
    client.force_login(_agent(fleet))
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    html = client.get(f"/devices/units/{fleet.bindings.get().unit_id}/track/", {"day": later}).content.decode()

    assert "alert-danger" in html


def test_the_order_timeline_shows_the_machine_report_with_a_link_to_the_track(client, fleet):
    order = ServiceOrder.objects.get()
    client.force_login(_agent(fleet))

    html = client.get(f"/orders/{order.pk}/").content.decode()

    assert 'data-source="devices.triggers"' in html
    assert f"/devices/units/{order.unit_id}/track/" in html


def test_menu_shows_devices_to_an_agent_not_to_a_technician(client, fleet):
    client.force_login(_agent(fleet))
    assert 'href="/devices/"' in client.get("/").content.decode()

    client.force_login(UserFactory(role=Role.TECHNICIAN))
    assert 'href="/devices/"' not in client.get("/").content.decode()


def test_rules_are_a_settings_section_for_managers(client):
    from aftersales.devices.models import Rule

    manager = UserFactory(role=Role.MANAGER, service_center=ServiceCenterFactory())
    client.force_login(manager)

    created = client.post(
        "/settings/device-rules/new/",
        {
            "name": "Hot",
            "kind": "threshold",
            "metric": "temp",
            "threshold": "105",
            "order_kind": "repair",
            "priority": "high",
            "is_active": "on",
        },
    )
    listed = client.get("/settings/device-rules/").content.decode()

    assert created.status_code == 302, created.content.decode()[:2000]
    assert Rule.objects.get().threshold == 105
    assert "Hot" in listed


def test_rules_settings_refuse_bad_input_next_to_the_field(client):
    from aftersales.devices.models import Rule

    client.force_login(UserFactory(role=Role.MANAGER, service_center=ServiceCenterFactory()))

    answer = client.post(
        "/settings/device-rules/new/",
        {"name": "No interval", "kind": "hours", "order_kind": "maintenance", "priority": "high"},
    )

    assert answer.status_code == 200 and not Rule.objects.exists()


def test_rules_settings_are_refused_to_an_agent(client):
    client.force_login(UserFactory(role=Role.AGENT, service_center=ServiceCenterFactory()))

    assert client.get("/settings/device-rules/").status_code in (403, 404)


def test_the_device_page_names_what_opened_its_orders(client, fleet):
    """Found by a helper's probe, 2026-12-06: the orders the machine opened read "fault:E7"."""
    client.force_login(_agent(fleet))

    html = client.get(f"/devices/{fleet.pk}/").content.decode()

    assert re.search(rf'title="终端 {fleet.serial} 于 [^"]+ 报告故障 E7（规则“[^"]+”）。">故障码 E7</span>', html)


def test_an_hours_trigger_is_named_by_its_rule():
    from django.utils import translation

    from aftersales.devices.models import Trigger

    trigger = Trigger(rule=Rule(name="保养提醒", kind=RuleKind.HOURS), cause="hours:3:500")
    with translation.override("zh-hans"):
        assert trigger.cause_label == "保养提醒：运行满 500 小时"
