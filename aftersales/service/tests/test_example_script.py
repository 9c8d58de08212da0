"""examples/service_flow.py (shown in the README) runs against a live server with the demo data."""

import importlib.util
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from aftersales.service.models import ServiceOrder

SCRIPT = Path(__file__).resolve().parents[3] / "examples" / "service_flow.py"


def load_script():
    spec = importlib.util.spec_from_file_location("service_flow_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_example_script_runs_the_whole_scenario(live_server):
    call_command("load_demo", stdout=io.StringIO())
    script = load_script()
    lines: list[str] = []
    demo_orders = ServiceOrder.objects.count()

    order = script.main(live_server.url, out=lines.append)

    assert order["status"] == "closed"
    stored = ServiceOrder.objects.get(pk=order["id"])
    assert stored.technician.username == "technician"
    assert stored.visits.get().signature
    assert any("warranty: covered" in line for line in lines)
    # One order more than the demo's: the retried POST with the same Idempotency-Key made nothing.
    assert ServiceOrder.objects.count() == demo_orders + 1


def test_example_script_png_is_valid():
    from PIL import Image

    png = load_script().signature_png()

    with Image.open(io.BytesIO(png)) as image:
        image.verify()
        assert image.format == "PNG"
