"""Dashboard screens kept for a while and refreshed on a schedule (kept.py): a second read is the kept
copy with its time shown, "recompute now" reads the database, readers are kept apart, and the
periodic job recomputes what was read recently and forgets the rest."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.core import registry
from aftersales.reports.filters import Filters
from aftersales.reports.kept import RECENT_KEY, refresh_dashboards, screen_figures
from aftersales.reports.screens import screen
from aftersales.reports.tests.data import END, START
from aftersales.service.models import ServiceOrder

pytestmark = pytest.mark.django_db
URL = "/reports/?from=2026-03-01&to=2026-04-30&screen=service"
SERVICE = screen("service")
PERIOD = Filters(start=START, end=END)


def _read(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    orders_read = sum('"service_serviceorder"' in q["sql"] for q in queries.captured_queries)
    return answer.content.decode(), orders_read


def _response_rate(results):
    sla = next(r for r in results if r.spec.key == "sla_compliance")
    return sla.total.values["response_rate"]


def test_a_second_read_is_the_kept_copy_with_its_time(data, client):
    client.force_login(data["gm"])
    first, orders_read = _read(client)
    assert orders_read > 0
    assert ">60.0 %</a>" in first  # 3 of 5 responses in time (test_figures.test_sla_compliance)
    assert 'id="computed-at"' in first
    assert 'id="recompute"' not in first  # just computed: nothing to recompute
    second, orders_read = _read(client)
    assert orders_read == 0  # no figure statement: the kept copy
    assert ">60.0 %</a>" in second
    assert 'id="recompute"' in second


def test_recompute_now_reads_the_database(data, client):
    client.force_login(data["gm"])
    _read(client)
    ServiceOrder.objects.update(responded_at=None)  # every response now missed
    kept, _n = _read(client)
    assert ">60.0 %</a>" in kept
    fresh, orders_read = _read(client, URL + "&fresh=1")
    assert orders_read > 0
    assert ">0.0 %</a>" in fresh
    assert ">60.0 %</a>" not in fresh
    again, orders_read = _read(client)  # the recomputed copy is kept
    assert orders_read == 0
    assert ">0.0 %</a>" in again


def test_readers_and_filters_are_kept_apart(data):
    gm, manager = data["gm"], data["manager"]
    assert screen_figures(gm, SERVICE, PERIOD).kept is False
    assert screen_figures(gm, SERVICE, PERIOD).kept is True
    assert screen_figures(manager, SERVICE, PERIOD).kept is False  # another reader's scope
    assert screen_figures(gm, SERVICE, Filters(start=START, end=END, centre=gm.service_center_id)).kept is False
    assert screen_figures(gm, screen("customers"), PERIOD).kept is False


def test_the_periodic_job_recomputes_what_was_read_recently(data):
    gm = data["gm"]
    assert _response_rate(screen_figures(gm, SERVICE, PERIOD).results) == 60
    ServiceOrder.objects.update(responded_at=None)
    assert refresh_dashboards() == 1
    kept = screen_figures(gm, SERVICE, PERIOD)
    assert kept.kept is True
    assert _response_rate(kept.results) == 0


def test_the_job_forgets_old_reads_and_readers_without_reports(data):
    gm, manager = data["gm"], data["manager"]
    screen_figures(gm, SERVICE, PERIOD)
    screen_figures(manager, SERVICE, PERIOD)
    recent = cache.get(RECENT_KEY)
    for read in recent.values():
        if read["user"] == gm.pk:
            read["read"] -= django_settings.AFTERSALES["REPORTS_RECENT_SECONDS"] + 1
    cache.set(RECENT_KEY, recent)
    manager.role = Role.TECHNICIAN  # no longer reads reports
    manager.save(update_fields=["role"])
    assert refresh_dashboards() == 0
    assert cache.get(RECENT_KEY) == {}


def test_a_reader_moved_to_another_centre_reads_that_centres_figures_at_once(data, other_centre):
    """The kept copy was keyed by the user's id: for up to REPORTS_KEEP_SECONDS a manager moved to another
    centre kept reading the old centre's figures. The key now holds what decides the scope."""
    manager = data["manager"]
    before = screen_figures(manager, SERVICE, PERIOD)
    assert screen_figures(manager, SERVICE, PERIOD).kept is True
    manager.service_center = other_centre
    manager.save(update_fields=["service_center"])
    manager = type(manager).objects.get(pk=manager.pk)  # the next request's user

    moved = screen_figures(manager, SERVICE, PERIOD)

    assert moved.kept is False
    assert _response_rate(moved.results) != _response_rate(before.results)
    assert screen_figures(manager, SERVICE, PERIOD).kept is True


def test_the_job_forgets_a_read_whose_readers_scope_changed(data):
    manager = data["manager"]
    screen_figures(manager, SERVICE, PERIOD)
    manager.role = Role.GENERAL_MANAGER  # still reads reports, now over every centre
    manager.save(update_fields=["role"])

    assert refresh_dashboards() == 0
    assert cache.get(RECENT_KEY) == {}


def test_keeping_can_be_turned_off(data, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "REPORTS_KEEP_SECONDS": 0}
    gm = data["gm"]
    assert screen_figures(gm, SERVICE, PERIOD).kept is False
    assert screen_figures(gm, SERVICE, PERIOD).kept is False
    assert refresh_dashboards() == 0


def test_the_job_runs_in_production_and_in_the_relay_loop():
    job = next(job for job in registry.periodic_jobs if job.key == "reports.refresh_dashboards")
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert job.task in scheduled
