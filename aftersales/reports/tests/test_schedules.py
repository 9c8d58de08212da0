"""Report schedules keep a history: who set up, changed, stopped, resumed or deleted which e-mail, when,
each field old → new; a refused change writes nothing. Shown on the schedule's page and the list."""

from typing import Any

import pytest

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import DomainError, NotFoundError, PermissionDeniedError
from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for
from aftersales.reports.models import ReportSchedule
from aftersales.reports.periods import last_ended
from aftersales.reports.selectors import schedule_changes
from aftersales.reports.services import create_schedule, delete_schedule, set_active, update_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(users: dict[str, Any], other_centre: Any) -> dict[str, Any]:
    for role in ("manager", "finance", "general_manager"):
        users[role].email = f"{role}@example.com"
        users[role].save()
    return {
        "manager": users["manager"],
        "finance": users["finance"],
        "gm": users["general_manager"],
        "dispatcher": users["dispatcher"],
        "away": UserFactory(role="manager", service_center=other_centre, email="bj@example.com"),
    }


def _changes(activity: Activity) -> dict[str, Any]:
    return {field: (pair["old"], pair["new"]) for field, pair in activity.data["changes"].items()}


def _who(*users: Any) -> list[dict[str, Any]]:
    return [{"id": u.pk, "label": str(u)} for u in users]


def test_every_change_is_recorded_with_who_and_old_and_new(people):
    manager, finance = people["manager"], people["finance"]
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    update_schedule(by=manager, schedule_id=schedule.pk, kind="quarterly", recipient_ids=[manager.pk, finance.pk])
    set_active(by=manager, schedule_id=schedule.pk, active=False)
    set_active(by=manager, schedule_id=schedule.pk, active=True)

    resumed, stopped, updated, created = activity_for(schedule)
    assert [a.type for a in (created, updated, stopped, resumed)] == [
        "report_schedule.created",
        "report_schedule.updated",
        "report_schedule.stopped",
        "report_schedule.resumed",
    ]
    assert {a.actor_id for a in (created, updated, stopped, resumed)} == {manager.pk}
    assert _changes(created) == {"kind": (None, "monthly"), "recipients": (None, _who(manager)), "active": (None, True)}
    assert _changes(updated) == {
        "kind": ("monthly", "quarterly"),
        "recipients": (_who(manager), _who(manager, finance)),
        "last_sent": (last_ended("monthly").label, last_ended("quarterly").label),
    }
    assert _changes(stopped) == {"active": (True, False)}
    assert _changes(resumed) == {"active": (False, True)}
    assert created.data["subject"] == f"#{schedule.pk}"


def test_a_change_that_changes_nothing_records_nothing(people):
    manager = people["manager"]
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    update_schedule(by=manager, schedule_id=schedule.pk, kind="monthly", recipient_ids=[manager.pk])
    set_active(by=manager, schedule_id=schedule.pk, active=True)
    assert [a.type for a in activity_for(schedule)] == ["report_schedule.created"]


def test_a_deleted_schedule_keeps_its_history_for_its_centre(people):
    manager, away, gm = people["manager"], people["away"], people["gm"]
    schedule = create_schedule(by=manager, kind="yearly", recipient_ids=[manager.pk])
    schedule_id = schedule.pk
    delete_schedule(by=manager, schedule_id=schedule_id)

    assert not ReportSchedule.objects.exists()
    deleted = Activity.objects.get(type="report_schedule.deleted")
    assert deleted.target_id == schedule_id
    assert deleted.actor_id == manager.pk
    assert _changes(deleted) == {"kind": ("yearly", None), "recipients": (_who(manager), None), "active": (True, None)}
    assert [a.type for a in schedule_changes(manager)] == ["report_schedule.deleted", "report_schedule.created"]
    assert [a.type for a in schedule_changes(gm)] == ["report_schedule.deleted", "report_schedule.created"]
    assert schedule_changes(away) == []
    assert schedule_changes(people["dispatcher"]) == []


def test_refused_changes_write_nothing(people):
    manager, away, dispatcher = people["manager"], people["away"], people["dispatcher"]
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    refused: list[tuple[type[DomainError], Any]] = [
        (
            DomainError,
            lambda: update_schedule(by=manager, schedule_id=schedule.pk, kind="weekly", recipient_ids=[manager.pk]),
        ),
        (DomainError, lambda: update_schedule(by=manager, schedule_id=schedule.pk, kind="yearly", recipient_ids=[])),
        (
            DomainError,
            lambda: update_schedule(by=manager, schedule_id=schedule.pk, kind="yearly", recipient_ids=[away.pk]),
        ),
        (
            DomainError,
            lambda: update_schedule(by=manager, schedule_id=schedule.pk, kind="yearly", recipient_ids=[dispatcher.pk]),
        ),
        (
            NotFoundError,
            lambda: update_schedule(by=away, schedule_id=schedule.pk, kind="yearly", recipient_ids=[away.pk]),
        ),
        (NotFoundError, lambda: set_active(by=away, schedule_id=schedule.pk, active=False)),
        (NotFoundError, lambda: delete_schedule(by=away, schedule_id=schedule.pk)),
        (NotFoundError, lambda: delete_schedule(by=manager, schedule_id=999999)),
        (PermissionDeniedError, lambda: set_active(by=dispatcher, schedule_id=schedule.pk, active=False)),
        (PermissionDeniedError, lambda: delete_schedule(by=dispatcher, schedule_id=schedule.pk)),
    ]
    for error, call in refused:
        with pytest.raises(error):
            call()
    schedule.refresh_from_db()
    assert (schedule.kind, schedule.active, list(schedule.recipients.all())) == ("monthly", True, [manager])
    assert [a.type for a in Activity.objects.all()] == ["report_schedule.created"]


def test_a_refused_creation_writes_nothing(people):
    manager = people["manager"]
    with pytest.raises(DomainError):
        create_schedule(by=manager, kind="monthly", recipient_ids=[people["away"].pk])
    with pytest.raises(PermissionDeniedError):
        create_schedule(by=people["dispatcher"], kind="monthly", recipient_ids=[manager.pk])
    assert not ReportSchedule.objects.exists()
    assert not Activity.objects.exists()


def test_the_schedule_page_changes_it_and_shows_its_history(client, people):
    manager, finance = people["manager"], people["finance"]
    client.force_login(manager)
    client.post("/reports/schedules/", {"kind": "monthly", "recipients": [manager.pk]})
    schedule = ReportSchedule.objects.get()
    url = f"/reports/schedules/{schedule.pk}/"

    answer = client.post(url, {"kind": "quarterly", "recipients": [manager.pk, finance.pk]})
    assert answer.status_code == 302
    assert client.post(url, {"kind": "quarterly"}).status_code == 400  # no recipient: nothing written
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "history-panel" in html
    assert html.count("history-entry") == 2
    assert str(finance) in html

    assert client.post(f"{url}active/", {"active": "0", "next": "detail"})["Location"] == url
    assert client.post(f"{url}delete/").status_code == 302
    assert not ReportSchedule.objects.exists()
    listed = client.get("/reports/schedules/").content.decode()
    assert listed.count("history-entry") == 4  # created, changed, stopped, deleted
    assert f"#{schedule.pk}" in listed

    assert client.get(url).status_code == 404
    assert client.post(f"{url}delete/").status_code == 404
    client.force_login(people["away"])
    assert "history-entry" not in client.get("/reports/schedules/").content.decode()
    client.force_login(people["dispatcher"])
    assert client.get(url).status_code == 403
    assert client.post(f"{url}delete/").status_code == 403


def test_the_history_api_reads_a_schedule_in_scope(api_client, people):
    manager = people["manager"]
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    answer = api_client(manager).get(f"/api/v1/history/report_schedule/{schedule.pk}")
    assert answer.status_code == 200
    assert [item["type"] for item in answer.json()["items"]] == ["report_schedule.created"]
    assert api_client(people["away"]).get(f"/api/v1/history/report_schedule/{schedule.pk}").status_code == 404
