"""Storing device messages: once each, in the device's time order, bad ones quarantined with the
reason and never stopping the others."""

import datetime
import json

import pytest
from django.utils import timezone

from aftersales.devices.choices import LinkState, QuarantineReason, Transport
from aftersales.devices.models import DeviceState, FaultReport, LinkEvent, Quarantine, Sample
from aftersales.devices.services.devices import retire_device
from aftersales.devices.services.ingest import Incoming, ingest
from aftersales.devices.tests.factories import make_device, make_manager, message

pytestmark = pytest.mark.django_db


def _now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


def test_ingest_stores_each_message_once_across_batches_and_within_one():
    device = make_device()
    at = _now() - datetime.timedelta(minutes=10)
    first = [Incoming(device.serial, json.dumps(message(n, at + datetime.timedelta(seconds=n)))) for n in range(5)]

    report1 = ingest(first + first[:2])
    report2 = ingest(first)

    assert (report1.stored, report1.duplicates) == (5, 2)
    assert (report2.stored, report2.duplicates) == (0, 5)
    assert Sample.objects.filter(device=device).count() == 5
    assert DeviceState.objects.get(device=device).messages == 5


def test_ingest_places_a_late_message_in_the_track_but_not_on_the_map():
    device = make_device()
    at = _now() - datetime.timedelta(minutes=10)
    ingest([Incoming(device.serial, json.dumps(message(2, at, lat=30.0)))])

    ingest([Incoming(device.serial, json.dumps(message(1, at - datetime.timedelta(minutes=1), lat=29.0)))])

    state = DeviceState.objects.get(device=device)
    assert (state.at, state.lat) == (at, 30.0)
    track = list(Sample.objects.filter(device=device).order_by("at").values_list("lat", flat=True))
    assert track == [29.0, 30.0]


def test_ingest_quarantines_bad_messages_and_stores_the_good_ones_of_the_same_batch():
    device = make_device()
    at = _now() - datetime.timedelta(minutes=5)
    batch = [
        Incoming(device.serial, json.dumps(message(1, at))),
        Incoming(device.serial, b"{not json"),
        Incoming(device.serial, json.dumps({"id": "m2", "ts": "2026-01-01T00:00:00"})),  # no offset
        Incoming(device.serial, json.dumps({"id": "m3", "ts": at.isoformat(), "pos": {"lat": 91, "lon": 0}})),
        Incoming(device.serial, json.dumps(message(4, _now() + datetime.timedelta(hours=2)))),
        Incoming("NOPE-1", json.dumps(message(5, at))),
        Incoming("bad id with spaces", json.dumps(message(6, at))),
        Incoming(device.serial, json.dumps(message(7, at + datetime.timedelta(seconds=1)))),
    ]

    report = ingest(batch)

    assert (report.stored, report.quarantined) == (2, 6)
    assert report.reasons == {
        QuarantineReason.MALFORMED: 3,
        QuarantineReason.FUTURE_TIMESTAMP: 1,
        QuarantineReason.UNKNOWN_DEVICE: 2,
    }
    details = set(Quarantine.objects.values_list("detail", flat=True))
    assert "ts: needs an offset (+08:00 or Z)" in details
    assert any(d.startswith("pos.lat: 91") for d in details)
    assert Sample.objects.count() == 2


def test_ingest_refuses_a_retired_device():
    device = make_device()
    retire_device(by=make_manager(device.bindings.get().unit), device=device)

    report = ingest([Incoming(device.serial, json.dumps(message(1, _now())))])

    assert report.reasons == {QuarantineReason.INACTIVE_DEVICE: 1}
    assert not Sample.objects.exists()


def test_ingest_quarantines_a_flood_over_the_rate_as_one_row_with_its_count(settings):
    settings.DEVICES = {**settings.DEVICES, "RATE_PER_MINUTE": 3}
    device = make_device()
    other = make_device(serial="T-0002")
    at = _now() - datetime.timedelta(minutes=1)
    flood = [Incoming(device.serial, json.dumps(message(n, at + datetime.timedelta(seconds=n)))) for n in range(10)]

    report = ingest([*flood, Incoming(other.serial, json.dumps(message(1, at)))])

    assert report.stored == 4  # three of the flood, and the other device's message
    assert report.reasons == {QuarantineReason.RATE_LIMITED: 7}
    row = Quarantine.objects.get()
    assert (row.reason, row.count, row.device_id) == (QuarantineReason.RATE_LIMITED, 7, device.pk)


def test_ingest_keeps_the_latest_fault_state_by_device_time():
    device = make_device()
    at = _now() - datetime.timedelta(minutes=5)
    ingest([Incoming(device.serial, json.dumps(message(2, at, faults=[{"code": "E1", "active": False}])))])

    # An older "raised" arriving late does not turn a cleared fault on again.
    ingest(
        [Incoming(device.serial, json.dumps(message(1, at - datetime.timedelta(seconds=30), faults=[{"code": "E1"}])))]
    )

    assert DeviceState.objects.get(device=device).faults["E1"][0] is False
    assert FaultReport.objects.filter(device=device).count() == 2


def test_ingest_marks_the_link_online_with_an_event():
    device = make_device()

    ingest([Incoming(device.serial, json.dumps(message(1, _now())), transport=Transport.HTTP)])

    state = DeviceState.objects.get(device=device)
    assert state.link_state == LinkState.ONLINE
    assert list(LinkEvent.objects.values_list("state", flat=True)) == [LinkState.ONLINE]
    assert Sample.objects.get().transport == Transport.HTTP


def test_ingest_records_the_unit_bound_when_the_message_was_stored():
    device = make_device()
    unit = device.bindings.get().unit

    ingest([Incoming(device.serial, json.dumps([message(1, _now()), message(2, _now())]))])

    assert set(Sample.objects.values_list("unit_id", flat=True)) == {unit.pk}
