from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.services import update_service_center
from aftersales.accounts.tests.factories import UserFactory
from aftersales.history.models import Activity

pytestmark = pytest.mark.django_db


def _rename(centre: ServiceCenter, by: User, times: int) -> None:
    for i in range(times):
        update_service_center(centre=centre, by=by, code=centre.code, name=f"网点{i}", region="华东")


def test_history_of_a_centre_lists_changes_newest_first(users: dict[str, User], api_client: Callable) -> None:
    manager = users[Role.MANAGER]
    centre = manager.service_center
    _rename(centre, manager, 2)

    response = api_client(manager).get(f"/api/v1/history/service_center/{centre.pk}")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["type"] for i in items] == ["service_center.updated", "service_center.updated"]
    newest = items[0]
    assert newest["actor_id"] == manager.pk
    assert newest["actor"] == str(manager)
    assert newest["changes"] == [
        {
            "field": "name",
            "label": "名称",
            "old": "网点0",
            "new": "网点1",
            "old_display": "网点0",
            "new_display": "网点1",
        }
    ]
    assert items[1]["changes"][0]["old"] == "上海服务网点"


def test_history_pages_by_cursor(users: dict[str, User], api_client: Callable) -> None:
    manager = users[Role.MANAGER]
    centre = manager.service_center
    _rename(centre, manager, 5)
    client = api_client(manager)
    url = f"/api/v1/history/service_center/{centre.pk}"

    first = client.get(url, {"limit": 3}).json()
    second = client.get(url, {"limit": 3, "cursor": first["next_cursor"]}).json()

    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == list(Activity.objects.order_by("-id").values_list("id", flat=True))
    assert second["next_cursor"] is None


@pytest.mark.parametrize("rows", [1, 15])
def test_history_list_runs_the_same_queries_whatever_the_rows(
    rows: int, users: dict[str, User], api_client: Callable
) -> None:
    manager = users[Role.MANAGER]
    centre = manager.service_center
    _rename(centre, manager, rows)
    client = api_client(manager)
    url = f"/api/v1/history/service_center/{centre.pk}"
    client.get(url)  # warm the content-type cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert len(response.json()["items"]) == rows
    # token + user, the record through its visibility predicate, one page of activity (+ token touch)
    assert len(queries) <= 5, [q["sql"] for q in queries]
    assert sum("history_activity" in q["sql"] for q in queries) == 1


def test_history_of_another_centres_record_is_not_found(
    users: dict[str, User], other_centre: ServiceCenter, api_client: Callable
) -> None:
    admin = UserFactory(role=Role.ADMIN, service_center=None)
    _rename(other_centre, admin, 1)

    response = api_client(users[Role.MANAGER]).get(f"/api/v1/history/service_center/{other_centre.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_history_of_settings_records_is_not_for_desk_roles(users: dict[str, User], api_client: Callable) -> None:
    manager = users[Role.MANAGER]
    _rename(manager.service_center, manager, 1)

    for role in (Role.AGENT, Role.TECHNICIAN):
        response = api_client(users[role]).get(f"/api/v1/history/service_center/{manager.service_center_id}")
        assert response.status_code == 404, role


def test_history_of_a_user_shows_role_changes(users: dict[str, User], api_client: Callable) -> None:
    from aftersales.accounts.services import update_user

    manager, agent = users[Role.MANAGER], users[Role.AGENT]
    update_user(
        user=agent, by=manager, role=Role.DISPATCHER, service_center=agent.service_center, first_name=agent.first_name
    )

    body = api_client(manager).get(f"/api/v1/history/user/{agent.pk}").json()

    assert [(c["field"], c["old"], c["new"], c["new_display"]) for c in body["items"][0]["changes"]] == [
        ("role", "agent", "dispatcher", "调度")
    ]


def test_history_of_an_unknown_kind_of_record(users: dict[str, User], api_client: Callable) -> None:
    response = api_client(users[Role.ADMIN]).get("/api/v1/history/order/1")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_target"
    assert response.json()["field"] == "target"


def test_history_of_a_missing_record(users: dict[str, User], api_client: Callable) -> None:
    response = api_client(users[Role.ADMIN]).get("/api/v1/history/service_center/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("params", "field"), [({"cursor": "abc"}, "cursor"), ({"limit": 0}, "limit")])
def test_history_refuses_a_bad_cursor_or_limit(
    params: dict[str, Any], field: str, users: dict[str, User], api_client: Callable
) -> None:
    centre = users[Role.ADMIN].service_center

    response = api_client(users[Role.ADMIN]).get(f"/api/v1/history/service_center/{centre.pk}", params)

    assert response.status_code == 400
    assert response.json()["field"] == field


def test_history_needs_authentication(centre: ServiceCenter) -> None:
    assert Client().get(f"/api/v1/history/service_center/{centre.pk}").status_code == 401
