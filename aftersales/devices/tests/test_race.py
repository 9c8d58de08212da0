"""Two (and four) consumers take messages of the same machine at once, each message reporting the same
fault: exactly one order is opened for the cause, every message is stored once, and no consumer fails
(the partial unique index on the trigger's unit and cause decides; the loser's order is rolled back).
Proved on PostgreSQL, each consumer on its own connection, released together."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from aftersales.core.tests.threads import run_together
from aftersales.devices.choices import RuleKind
from aftersales.devices.models import Rule, Sample, Trigger
from aftersales.devices.services.ingest import Incoming, IngestReport, ingest
from aftersales.devices.tests.factories import make_device, message
from aftersales.service.models import ServiceOrder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="consumers on their own connections: PostgreSQL"),
]
ROUNDS = 10


@pytest.mark.parametrize("consumers", [2, 4])
def test_a_fault_seen_by_several_consumers_at_once_opens_exactly_one_order(consumers):
    Rule.objects.create(name="Any fault", kind=RuleKind.FAULT)
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=10)
    fault = [{"code": "E-2041", "active": True}]
    for round_ in range(ROUNDS):
        device = make_device(serial=f"T-RACE-{consumers}-{round_}")
        batches = [
            [Incoming(device.serial, json.dumps(message(n, at + datetime.timedelta(seconds=n), faults=fault)))]
            for n in range(consumers)
        ]

        results = run_together(*(lambda b=b: ingest(b) for b in batches))

        assert all(isinstance(r, IngestReport) for r in results), (round_, results)
        assert sum(len(r.orders_opened) for r in results) == 1, (round_, results)
        unit = device.bindings.get().unit
        assert ServiceOrder.objects.filter(unit=unit).count() == 1
        assert Trigger.objects.filter(unit=unit, cause="fault:E-2041").count() == 1
        assert Sample.objects.filter(device=device).count() == consumers
