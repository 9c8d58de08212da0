"""The users and roles export (accounts/exports.py): the list screen's users in the reader's scope, with
their roles and mobile numbers, logged; the list's link leads to it."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.services import set_roles
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db
URL = reverse("exchange:export", kwargs={"kind": "users", "fmt": "xlsx"})


def _rows(client, **params):
    answer = client.get(URL, params)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


def test_the_export_is_the_lists_users_of_the_readers_centre(client, users, other_centre):
    manager = users[Role.MANAGER]
    UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre)
    UserFactory(username="sh-gone", role=Role.AGENT, service_center=manager.service_center, is_active=False)
    users[Role.AGENT].phone = "+8613812345678"
    users[Role.AGENT].save()
    client.force_login(manager)

    page = client.get(reverse("accounts:user_list")).content.decode()
    rows = _rows(client)

    assert 'href="/exports/users.xlsx"' in page
    names = [row[0] for row in rows]
    assert "bj-tech" not in names and names[-1] == "sh-gone"  # another centre's staff never; inactive last
    assert set(names) == {u.username for u in users.values() if u.service_center_id == manager.service_center_id} | {
        "sh-gone"
    }
    agent = next(row for row in rows if row[0] == users[Role.AGENT].username)
    assert (agent[4], agent[6]) == ("138 1234 5678", "是")
    assert AuditLog.objects.filter(action="exchange.export_users", user=manager).exists()  # the mobiles: logged


def test_an_admin_exports_every_centres_users(client, users, other_centre):
    UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre)
    client.force_login(users[Role.ADMIN])

    assert "bj-tech" in {row[0] for row in _rows(client)}


def test_roles_without_the_settings_export_no_users(client, users):
    client.force_login(users[Role.TECHNICIAN])

    assert client.get(URL).status_code == 403


def test_the_exports_queries_do_not_grow_with_its_users(client, users, centre):
    client.force_login(users[Role.ADMIN])
    with CaptureQueriesContext(connection) as few:
        before = _rows(client)
    for n in range(5):
        person = UserFactory(username=f"extra-{n}", role=Role.TECHNICIAN, service_center=centre)
        set_roles(by=users[Role.ADMIN], user=person, roles=[Role.AGENT])
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client)

    assert len(rows) == len(before) + 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_export_is_searched_and_filtered_as_the_list(client, users):
    gone = UserFactory(username="sh-gone", role=Role.AGENT, service_center=users[Role.MANAGER].service_center)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(users[Role.MANAGER])

    page = client.get(reverse("accounts:user_list"), {"status": "inactive", "page": "1"}).content.decode()
    rows = _rows(client, status="inactive")
    refused = client.get(URL, {"role": "emperor"})

    assert 'href="/exports/users.xlsx?status=inactive"' in page
    assert [row[0] for row in rows] == ["sh-gone"]
    assert refused.status_code == 400 and "role" in refused.content.decode()


def test_a_centre_out_of_the_readers_scope_is_404_as_on_the_list(client, users, other_centre):
    """The list answers 404 for a centre the reader does not see; the export answered 400 (invalid_filter)."""
    UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre)
    client.force_login(users[Role.MANAGER])

    listed = client.get(reverse("accounts:user_list"), {"centre": other_centre.pk})
    exported = client.get(URL, {"centre": other_centre.pk})
    unknown = client.get(URL, {"centre": "abc"})

    assert (listed.status_code, exported.status_code) == (404, 404)
    assert b"bj-tech" not in exported.content
    assert unknown.status_code == 400 and "centre" in unknown.content.decode()  # no centre at all: bad input
