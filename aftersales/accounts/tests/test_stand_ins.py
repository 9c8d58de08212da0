"""Stand-ins (代班): a user hands their capabilities to another for whole days (Asia/Shanghai)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts import services
from aftersales.accounts.capabilities import capabilities_of, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import StandIn, User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db
JSON = "application/json"
DAY = datetime.date(2026, 12, 10)
ASSIGN = "service.assign_order"


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set "today" in Asia/Shanghai; returns the setter."""

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_day(DAY)
    return set_day


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _give(
    users: dict[str, User], *, starts_on: datetime.date = DAY, ends_on: datetime.date = DAY, **extra: Any
) -> StandIn:
    args = {
        "from_user": users[Role.DISPATCHER],
        "to_user": users[Role.AGENT],
        "starts_on": starts_on,
        "ends_on": ends_on,
        "reason": "年假",
        "by": users[Role.DISPATCHER],
        **extra,
    }
    return services.create_stand_in(**args)


def test_capabilities_hold_from_the_first_to_the_last_day_only(users, today) -> None:
    first, last = DAY + datetime.timedelta(days=1), DAY + datetime.timedelta(days=3)
    _give(users, starts_on=first, ends_on=last)
    agent, centre = users[Role.AGENT], users[Role.AGENT].service_center_id

    seen = {}
    for day in (DAY, first, last, last + datetime.timedelta(days=1)):
        today(day)
        seen[day] = has_capability(_fresh(agent), ASSIGN, centre_id=centre)

    assert list(seen.values()) == [False, True, True, False]
    today(first)
    assert ASSIGN in capabilities_of(_fresh(agent))
    assert has_capability(_fresh(agent), "service.open_order")  # their own stay


def test_handed_capabilities_are_for_the_givers_centre(users, other_centre, today) -> None:
    beijing = UserFactory(username="bj-dispatcher", role=Role.DISPATCHER, service_center=other_centre)
    agent = users[Role.AGENT]
    services.create_stand_in(
        from_user=beijing, to_user=agent, starts_on=DAY, ends_on=DAY, reason="出差", by=users[Role.ADMIN]
    )

    agent = _fresh(agent)
    assert has_capability(agent, ASSIGN, centre_id=other_centre.pk)
    assert not has_capability(agent, ASSIGN, centre_id=agent.service_center_id)


def test_one_query_per_user_object_and_none_without_stand_ins(users, today) -> None:
    _give(users)
    taker, other = _fresh(users[Role.AGENT]), _fresh(users[Role.FINANCE])

    with CaptureQueriesContext(connection) as ctx:
        capabilities_of(taker)
        has_capability(taker, ASSIGN, centre_id=taker.service_center_id)
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        has_capability(other, ASSIGN)
    assert len(ctx.captured_queries) == 0


def test_overlap_is_refused_and_nothing_written(users, today) -> None:
    _give(users, starts_on=DAY, ends_on=DAY + datetime.timedelta(days=5))
    audits = AuditLog.objects.count()

    with pytest.raises(ConflictError) as raised:
        _give(
            users,
            starts_on=DAY + datetime.timedelta(days=5),
            ends_on=DAY + datetime.timedelta(days=9),
            to_user=users[Role.FINANCE],
        )

    assert raised.value.code == "stand_in_overlap"
    assert (StandIn.objects.count(), AuditLog.objects.count()) == (1, audits)
    assert _fresh(users[Role.FINANCE]).stand_in_until is None
    # the day after the first one ends is free
    _give(users, starts_on=DAY + datetime.timedelta(days=6), ends_on=DAY + datetime.timedelta(days=9))


@pytest.mark.parametrize(
    ("change", "error", "code", "field"),
    [
        ({"ends_on": DAY - datetime.timedelta(days=1)}, ValidationFailed, "invalid_dates", "ends_on"),
        (
            {"starts_on": DAY - datetime.timedelta(days=5), "ends_on": DAY - datetime.timedelta(days=1)},
            ValidationFailed,
            "invalid_dates",
            "ends_on",
        ),
        ({"to_user": "dispatcher"}, ValidationFailed, "stand_in_self", "to_user_id"),
        ({"reason": "  "}, ValidationFailed, "required", "reason"),
        ({"by": "agent"}, PermissionDeniedError, "forbidden", None),
        # The API's field names (found by a probe, 2026-12-06: the API answered `to_user`).
        ({"to_user": "beijing"}, NotFoundError, "not_found", "to_user_id"),
        ({"by": "beijing-manager"}, NotFoundError, "not_found", "from_user_id"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(users, other_centre, today, change, error, code, field) -> None:
    people = {
        **users,
        "beijing": UserFactory(username="bj-agent", service_center=other_centre),
        "beijing-manager": UserFactory(username="bj-manager", role=Role.MANAGER, service_center=other_centre),
    }
    args = {key: people[value] if key in {"to_user", "by"} else value for key, value in change.items()}
    audits = AuditLog.objects.count()

    with pytest.raises(error) as raised:
        _give(users, **args)

    assert (raised.value.code, raised.value.field) == (code, field)
    assert (StandIn.objects.count(), AuditLog.objects.count()) == (0, audits)
    assert not User.objects.filter(stand_in_until__isnull=False).exists()


def test_another_centre_needs_an_administrator(users, other_centre, today) -> None:
    beijing = UserFactory(username="bj-agent", service_center=other_centre)
    gm = users[Role.GENERAL_MANAGER]  # sees every centre, belongs to none
    gm.service_center = None
    gm.save()

    with pytest.raises(ValidationFailed) as raised:
        _give(users, from_user=gm, to_user=beijing, by=gm)

    assert (raised.value.code, raised.value.field) == ("stand_in_other_centre", "to_user_id")
    assert _give(users, to_user=beijing, by=users[Role.ADMIN]).to_user == beijing


def test_manager_of_the_centre_arranges_it(users, today) -> None:
    stand_in = _give(users, by=users[Role.MANAGER])
    assert (stand_in.created_by, stand_in.from_user) == (users[Role.MANAGER], users[Role.DISPATCHER])


def test_ending_early_keeps_the_row_and_stops_the_capabilities_today(users, today) -> None:
    stand_in = _give(users, ends_on=DAY + datetime.timedelta(days=4))
    today(DAY + datetime.timedelta(days=2))
    assert has_capability(_fresh(users[Role.AGENT]), ASSIGN)

    ended = services.end_stand_in(stand_in_id=stand_in.pk, by=users[Role.AGENT])

    assert (ended.ends_on, ended.ended_at is not None) == (DAY + datetime.timedelta(days=1), True)
    assert not has_capability(_fresh(users[Role.AGENT]), ASSIGN)
    assert StandIn.objects.filter(pk=stand_in.pk).exists()
    with pytest.raises(ConflictError):
        services.end_stand_in(stand_in_id=stand_in.pk, by=users[Role.DISPATCHER])


def test_ending_one_not_begun_keeps_dates_valid(users, today) -> None:
    stand_in = _give(users, starts_on=DAY + datetime.timedelta(days=3), ends_on=DAY + datetime.timedelta(days=4))

    ended = services.end_stand_in(stand_in_id=stand_in.pk, by=users[Role.DISPATCHER])

    assert ended.ends_on == ended.starts_on
    today(ended.starts_on)
    assert not has_capability(_fresh(users[Role.AGENT]), ASSIGN)


def test_ending_someone_elses_is_404_or_403(users, other_centre, today) -> None:
    stand_in = _give(users)
    stranger = UserFactory(username="bj-manager", role=Role.MANAGER, service_center=other_centre)
    with pytest.raises(NotFoundError):
        services.end_stand_in(stand_in_id=stand_in.pk, by=stranger)
    with pytest.raises(NotFoundError):
        services.end_stand_in(stand_in_id=stand_in.pk, by=users[Role.FINANCE])
    assert StandIn.objects.get().ended_at is None


# --- API ---------------------------------------------------------------------------------------


def test_api_create_list_and_end(users, api_client, today) -> None:
    client = api_client(users[Role.DISPATCHER])
    body = {"to_user_id": users[Role.AGENT].pk, "starts_on": "2026-12-10", "ends_on": "2026-12-11", "reason": "年假"}

    created = client.post("/api/v1/stand-ins", body, content_type=JSON)

    assert created.status_code == 201
    assert created.json()["from_user_id"] == users[Role.DISPATCHER].pk
    listed = api_client(users[Role.AGENT]).get("/api/v1/stand-ins?current=true").json()
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert api_client(users[Role.FINANCE]).get("/api/v1/stand-ins").json() == []
    ended = client.post(f"/api/v1/stand-ins/{created.json()['id']}/end")
    assert (ended.status_code, ended.json()["ends_on"]) == (200, "2026-12-10")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"starts_on": "2026-12-12", "ends_on": "2026-12-11"}, 400, "invalid_dates"),
        ({"starts_on": "not a day"}, 400, "invalid_input"),
        ({"ends_on": "2099-12-11"}, 400, "invalid_dates"),  # a mistyped year, far beyond the window
        ({"reason": ""}, 400, "invalid_input"),
        ({"to_user_id": 999999}, 404, "not_found"),
    ],
)
def test_api_bad_input_writes_nothing(users, api_client, today, body, status, code) -> None:
    base = {"to_user_id": users[Role.AGENT].pk, "starts_on": "2026-12-10", "ends_on": "2026-12-11", "reason": "年假"}
    response = api_client(users[Role.DISPATCHER]).post("/api/v1/stand-ins", {**base, **body}, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not StandIn.objects.exists()


def test_api_needs_a_user(client) -> None:
    assert client.get("/api/v1/stand-ins").status_code == 401


# --- settings page -----------------------------------------------------------------------------


def test_users_edit_page_lists_their_stand_ins(client, users, today) -> None:
    _give(users)
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/users/{users[Role.DISPATCHER].pk}/").content.decode()

    assert "年假" in page and str(users[Role.AGENT]) in page
