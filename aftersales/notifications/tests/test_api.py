"""``/api/v1/notifications``: your notices, keyset-paged; mark one or all as read; others' answer 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.tests.factories import UserFactory
from aftersales.notifications.models import Notification
from aftersales.notifications.tests.factories import make_notice


@pytest.fixture
def user():
    return UserFactory()


@pytest.mark.django_db
def test_list_is_own_newest_first_with_unread_count_and_cursor(user, api_client):
    for i in range(3):
        make_notice(user, f"n{i}", url=f"/orders/{i}/")
    make_notice(UserFactory(), "theirs")
    client = api_client(user)

    first = client.get("/api/v1/notifications?limit=2").json()
    second = client.get(f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}").json()

    assert [n["message"] for n in first["items"]] == ["n2", "n1"]
    assert [n["message"] for n in second["items"]] == ["n0"] and second["next_cursor"] is None
    assert first["unread_count"] == 3
    item = first["items"][0]
    assert (item["url"], item["is_read"], item["read_at"], item["target"]) == ("/orders/2/", False, None, None)


@pytest.mark.django_db
def test_list_unread_only(user, api_client):
    make_notice(user, "read")
    make_notice(user, "unread")
    Notification.objects.filter(message="read").update(read_at="2026-01-01T00:00:00Z")

    body = api_client(user).get("/api/v1/notifications?unread=true").json()

    assert [n["message"] for n in body["items"]] == ["unread"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=abc", "limit"), ("cursor=!!", "cursor"), ("unread=maybe", "unread")],
)
def test_bad_query_answers_400_with_the_field(user, api_client, query, field):
    response = api_client(user).get(f"/api/v1/notifications?{query}")

    assert response.status_code == 400
    assert response.json()["field"] == field


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(user, api_client):
    client = api_client(user)
    make_notice(user, target="accounts.user", target_id=user.pk)
    client.get("/api/v1/notifications")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications")
    for _ in range(10):
        make_notice(user, target="accounts.user", target_id=user.pk)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/notifications").json()

    assert len(many) == len(few)
    assert body["items"][0]["target"] == "accounts.user"


@pytest.mark.django_db
def test_mark_one_read(user, api_client):
    notice = make_notice(user)
    client = api_client(user)

    response = client.post(f"/api/v1/notifications/{notice.pk}/read")

    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread_count": 0}


@pytest.mark.django_db
def test_someone_elses_notice_answers_404_and_nothing_changes(user, api_client):
    theirs = make_notice(UserFactory())

    response = api_client(user).post(f"/api/v1/notifications/{theirs.pk}/read")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_mark_all_read_counts_own_unread(user, api_client):
    for _ in range(2):
        make_notice(user)
    theirs = make_notice(UserFactory())

    response = api_client(user).post("/api/v1/notifications/read-all")

    assert response.json() == {"marked": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_without_credentials_answers_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401
