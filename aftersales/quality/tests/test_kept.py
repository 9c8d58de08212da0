"""The failure statistics kept for a while and refreshed on a schedule, as the report dashboards
(quality/kept.py over core/kept.py): a second read runs no statistics statement and shows when its
figures were computed, "recompute now" reads the database, readers, windows and languages are kept
apart, a centre out of scope is still 404, the click-through still counts now, and the periodic job
recomputes what was read recently."""

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.core import registry
from aftersales.quality.filters import parse_window
from aftersales.quality.kept import failure_screen, refresh_failures
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db
URL = "/quality/failures/?from=2026-11-01&to=2026-11-30"


def _read(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    orders_read = sum('"service_serviceorder"' in q["sql"] for q in queries.captured_queries)
    html = answer.content.decode()
    total = re.search(r'id="total-failures" href="[^"]+">(\d+)<', html)
    assert total is not None
    return html, int(total.group(1)), orders_read


def _not_a_failure(data, name):
    ServiceOrder.objects.filter(pk=data.orders[name].pk).update(misuse_found=True)


def test_a_second_read_is_the_kept_copy_with_its_time(client, data):
    client.force_login(data.people["gm"])
    first, total, orders_read = _read(client)
    assert (total, orders_read > 0) == (6, True)
    assert 'id="computed-at"' in first and "数据截至" in first
    assert 'id="recompute"' not in first  # just computed: nothing to recompute
    second, total, orders_read = _read(client)
    assert (total, orders_read) == (6, 0)  # no statistics statement: the kept copy
    assert 'id="recompute"' in second and "fresh=1" in second
    assert second.count('href="/quality/failures/orders/?') == first.count('href="/quality/failures/orders/?')
    assert 'id="f-customer"' in second and "客户一" in second  # the customer choices are kept with the figures


def test_recompute_now_reads_the_database_and_the_click_through_counts_now(client, data):
    client.force_login(data.people["gm"])
    _read(client)
    _not_a_failure(data, "o2")
    _html, total, _n = _read(client)
    assert total == 6  # the kept copy
    listed = client.get("/quality/failures/orders/?from=2026-11-01&to=2026-11-30&figure=all").content.decode()
    assert 'id="figure-count">5<' in listed  # the records behind a figure are always read now
    _html, total, orders_read = _read(client, URL + "&fresh=1")
    assert total == 5 and orders_read > 0
    _html, total, orders_read = _read(client)  # the recomputed copy is kept
    assert (total, orders_read) == (5, 0)


def test_readers_windows_and_languages_are_kept_apart(data):
    gm, manager = data.people["gm"], data.people["manager_sh"]
    november = parse_window(gm, {"from": "2026-11-01", "to": "2026-11-30"})
    assert failure_screen(gm, november).kept is False
    assert failure_screen(gm, november).kept is True
    assert failure_screen(manager, november).kept is False  # another reader's scope
    assert failure_screen(gm, parse_window(gm, {"from": "2026-11-01", "to": "2026-11-29"})).kept is False
    assert failure_screen(gm, parse_window(gm, {"month": "2026-11", "centre": str(data.sh.pk)})).kept is False
    with translation.override("en"):
        english = failure_screen(gm, november)
    assert english.kept is False  # the labels are in the reader's language
    assert "No fault code (not opened by a device)" in [row["label"] for row in english.value.report.by_fault_code]
    assert failure_screen(manager, november).value.report.totals["failures"] == 4  # o2 o3 o4 o5, Shanghai's


def test_a_centre_out_of_scope_is_still_not_found(client, data):
    client.force_login(data.people["manager_sh"])
    _read(client)
    assert client.get(f"{URL}&centre={data.bj.pk}").status_code == 404
    assert client.get(f"{URL}&centre={data.bj.pk}&fresh=1").status_code == 404


def test_the_periodic_job_recomputes_what_was_read_recently(client, data):
    gm, manager = data.people["gm"], data.people["manager_sh"]
    november = parse_window(gm, {"from": "2026-11-01", "to": "2026-11-30"})
    failure_screen(gm, november)
    failure_screen(manager, november)
    _not_a_failure(data, "o2")
    manager.role = Role.TECHNICIAN  # no longer reads the failure statistics: forgotten
    manager.save(update_fields=["role"])
    assert refresh_failures() == 1
    kept = failure_screen(gm, november)
    assert kept.kept is True and kept.value.report.totals["failures"] == 5
    assert refresh_failures() == 1  # the manager's read is forgotten


def test_keeping_can_be_turned_off(data, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "REPORTS_KEEP_SECONDS": 0}
    gm = data.people["gm"]
    november = parse_window(gm, {"from": "2026-11-01", "to": "2026-11-30"})
    assert failure_screen(gm, november).kept is False
    assert failure_screen(gm, november).kept is False
    assert refresh_failures() == 0


def test_the_job_runs_in_production_and_in_the_relay_loop():
    job = next(job for job in registry.periodic_jobs if job.key == "quality.refresh_failures")
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert job.task in scheduled
