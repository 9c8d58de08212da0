"""The bell, the notice list and marking read on the console (session, CSRF, strict CSP)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.tests.factories import UserFactory
from aftersales.notifications.models import Notification
from aftersales.notifications.tests.factories import make_notice


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def bell_count(html: str) -> str | None:
    bell = re.search(r'<a id="notice-bell".*?</a>', html, re.S)
    assert bell is not None, "no bell on the page"
    count = re.search(r"app-bell-count[^>]*>([^<]+)<", bell.group(0))
    return count.group(1) if count else None


@pytest.mark.django_db
def test_bell_shows_the_unread_count_on_every_page(user, client_for):
    for i in range(3):
        make_notice(user, f"n{i}")
    Notification.objects.filter(message="n0").update(read_at="2026-01-01T00:00:00Z")

    html = client_for(user).get("/notifications/").content.decode()

    assert bell_count(html) == "2"
    assert 'hx-get="/notifications/bell/"' in html


@pytest.mark.django_db
def test_bell_without_unread_notices_has_no_number(user, client_for):
    assert bell_count(client_for(user).get("/notifications/bell/").content.decode()) is None


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/notifications/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_list_shows_only_own_notices_newest_first_and_filters_unread(user, client_for):
    make_notice(user, "older")
    make_notice(user, "newer")
    make_notice(UserFactory(), "someone else's")
    Notification.objects.filter(message="older").update(read_at="2026-01-01T00:00:00Z")

    page = client_for(user).get("/notifications/").content.decode()
    unread = client_for(user).get("/notifications/?show=unread").content.decode()

    assert page.index("newer") < page.index("older")
    assert "someone else" not in page
    assert "newer" in unread and "older" not in unread


@pytest.mark.django_db
def test_list_pages_through_older_notices(user, client_for, monkeypatch):
    from aftersales.notifications import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        make_notice(user, f"notice-{i}")
    client = client_for(user)

    first = client.get("/notifications/").content.decode()
    older = re.search(r'href="(/notifications/\?cursor=[^"]+)"', first)
    second = client.get(older.group(1).replace("&amp;", "&")).content.decode()

    assert "notice-2" in first and "notice-0" not in first
    assert "notice-0" in second and "notice-2" not in second


@pytest.mark.django_db
def test_invalid_cursor_answers_400(user, client_for):
    assert client_for(user).get("/notifications/?cursor=!!!").status_code == 400


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_notices(user, client_for):
    client = client_for(user)
    make_notice(user)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for _ in range(10):
        make_notice(user)
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")

    assert len(many) == len(few)


@pytest.mark.django_db
def test_mark_one_read_with_htmx_returns_the_row_and_the_bell(user, client_for):
    notice = make_notice(user)
    make_notice(user, "still unread")

    response = client_for(user).post(f"/notifications/{notice.pk}/read/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notice-{notice.pk}"' in html and "Mark as read" not in html and "标为已读" not in html
    assert 'hx-swap-oob="true"' in html and bell_count(html) == "1"
    assert Notification.objects.get(pk=notice.pk).read_at is not None


@pytest.mark.django_db
def test_mark_one_read_without_htmx_goes_back_to_the_list(user, client_for):
    notice = make_notice(user)

    response = client_for(user).post(f"/notifications/{notice.pk}/read/")

    assert (response.status_code, response["Location"]) == (302, "/notifications/")


@pytest.mark.django_db
def test_someone_elses_notice_answers_404_and_stays_unread(user, client_for):
    theirs = make_notice(UserFactory())
    client = client_for(user)

    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_open_marks_read_and_goes_where_the_notice_leads(user, client_for):
    notice = make_notice(user, url="/orders/12/")
    outside = make_notice(user, url="https://evil.example/")

    response = client_for(user).post(f"/notifications/{notice.pk}/open/")
    elsewhere = client_for(user).post(f"/notifications/{outside.pk}/open/")

    assert (response.status_code, response["Location"]) == (302, "/orders/12/")
    assert Notification.objects.get(pk=notice.pk).read_at is not None
    assert elsewhere["Location"] == "/notifications/"  # never off the site


@pytest.mark.django_db
def test_mark_all_read(user, client_for):
    for _ in range(3):
        make_notice(user)

    response = client_for(user).post("/notifications/read-all/", follow=True)

    assert response.status_code == 200
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert bell_count(response.content.decode()) is None


@pytest.mark.django_db
def test_marking_needs_post_and_csrf(user):
    notice = make_notice(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.get(f"/notifications/{notice.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 403
    assert Notification.objects.get(pk=notice.pk).read_at is None


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(user, client_for):
    make_notice(user)

    html = client_for(user).get("/notifications/").content.decode()

    assert "<script>" not in html and "style=" not in html and "onclick" not in html
