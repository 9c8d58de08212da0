"""The History panel on settings edit pages, and its "older changes" rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.services import update_service_center
from aftersales.accounts.tests.factories import UserFactory
from aftersales.history.views import PANEL_ROWS

pytestmark = pytest.mark.django_db


def _rename(centre: ServiceCenter, by: User, times: int) -> None:
    for i in range(times):
        update_service_center(centre=centre, by=by, code=centre.code, name=f"网点{i}", region="华东")


def test_centre_edit_page_shows_its_history(client: Client, users: dict[str, User]) -> None:
    manager = users[Role.MANAGER]
    _rename(manager.service_center, manager, 1)
    client.force_login(manager)

    page = client.get(f"/settings/centres/{manager.service_center_id}/").content.decode()

    assert 'class="card settings-form-card mt-3 history-panel"' in page
    assert "网点0" in page
    assert "上海服务网点" in page  # the old name, struck through
    assert "修改服务网点" in page


def test_a_record_without_changes_says_so(client: Client, users: dict[str, User]) -> None:
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/centres/{users[Role.MANAGER].service_center_id}/").content.decode()

    assert "history-panel" in page
    assert "尚无变更记录" in page


def test_user_edit_page_shows_the_role_change(client: Client, users: dict[str, User]) -> None:
    from aftersales.accounts.services import update_user

    manager, agent = users[Role.MANAGER], users[Role.AGENT]
    update_user(user=agent, by=manager, role=Role.DISPATCHER, service_center=agent.service_center, first_name="测试")
    client.force_login(manager)

    page = client.get(f"/settings/users/{agent.pk}/").content.decode()

    assert "history-panel" in page
    assert "调度" in page


def test_older_rows_page_by_cursor(client: Client, users: dict[str, User]) -> None:
    manager = users[Role.MANAGER]
    centre = manager.service_center
    _rename(centre, manager, PANEL_ROWS + 3)
    client.force_login(manager)

    first = client.get(f"/settings/centres/{centre.pk}/")
    # The panel's "Older changes" button (the top bar's bell has an hx-get too).
    more = "/history/" + first.content.decode().split('hx-get="/history/')[1].split('"')[0].replace("&amp;", "&")
    older = client.get(more, headers={"HX-Request": "true"})

    assert older.status_code == 200
    assert older.content.decode().count('class="order-event history-entry"') == 3
    assert "hx-get" not in older.content.decode()


def test_older_rows_of_another_centres_record_are_not_found(
    client: Client, users: dict[str, User], other_centre: ServiceCenter
) -> None:
    client.force_login(users[Role.MANAGER])

    assert client.get(f"/history/service_center/{other_centre.pk}/").status_code == 404
    assert client.get(f"/history/nothing/{other_centre.pk}/").status_code == 404


def test_older_rows_need_a_login(centre: ServiceCenter) -> None:
    assert Client().get(f"/history/service_center/{centre.pk}/").status_code == 302


@pytest.mark.parametrize("rows", [1, PANEL_ROWS])
def test_history_panel_runs_the_same_queries_whatever_the_rows(client: Client, rows: int) -> None:
    admin = UserFactory(role=Role.ADMIN)
    centre = admin.service_center
    _rename(centre, admin, rows)
    client.force_login(admin)
    url = f"/history/service_center/{centre.pk}/"
    client.get(url, headers={"HX-Request": "true"})  # warm the content-type cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers={"HX-Request": "true"})

    assert response.content.decode().count("history-entry") == rows
    assert sum("history_activity" in q["sql"] for q in queries) == 1
    assert len(queries) <= 4, [q["sql"] for q in queries]


def test_the_rows_opened_directly_are_a_page_in_the_console(client: Client, users: dict[str, User]) -> None:
    # QA 2026-12-07: /history/customer/1/ opened by a link showed an unstyled fragment (no frame, no CSS).
    manager = users[Role.MANAGER]
    centre = manager.service_center
    _rename(centre, manager, 2)
    client.force_login(manager)

    page = client.get(f"/history/service_center/{centre.pk}/")
    fragment = client.get(f"/history/service_center/{centre.pk}/", headers={"HX-Request": "true"})

    body = page.content.decode()
    assert page.status_code == 200 and "<!doctype html>" in body and 'id="main"' in body
    assert "history-panel" in body and body.count('class="order-event history-entry"') == 2
    assert "<!doctype html>" not in fragment.content.decode()
    assert fragment.content.decode().count('class="order-event history-entry"') == 2
    assert page["Vary"] and "HX-Request" in page["Vary"]
