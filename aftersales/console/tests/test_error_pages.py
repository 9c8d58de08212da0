"""The console's own 403, 404 and 500 pages: in the user's language, inside the console, with the way
home. (Found by hand, 2026-12-06: a technician opening /reports/ or a manager another centre's order
read Django's bare English "403 Forbidden" / "Not Found" with no navigation.)"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_record_out_of_scope_is_a_chinese_404_inside_the_console(users, other_centre):
    foreign = make_order(
        by=UserFactory(role=Role.AGENT, service_center=other_centre),
        customer=CustomerFactory(service_center=other_centre),
    )

    response = signed_in(users[Role.MANAGER]).get(f"/orders/{foreign.pk}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回首页" in page
    assert 'id="main"' in page  # the console's frame, navigation included
    assert "Not Found" not in page


def test_a_screen_the_role_does_not_open_is_a_chinese_403(users):
    response = signed_in(users[Role.TECHNICIAN]).get("/reports/")

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert "Forbidden" not in response.content.decode()


def test_the_error_pages_follow_the_users_language(users):
    users[Role.TECHNICIAN].language = "en"
    users[Role.TECHNICIAN].save()

    response = signed_in(users[Role.TECHNICIAN]).get("/orders/999999999/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_needs_no_request():
    with translation.override("zh-hans"):
        page = render_to_string("500.html")

    assert "出错了" in page and "返回首页" in page
