"""{% load ui %}: status badges, role-based navigation, message classes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.console.navigation import nav_items_for
from aftersales.console.templatetags.ui import STATUS_BADGE_CLASSES, status_badge
from aftersales.service.choices import OrderStatus, SlaState


@pytest.mark.parametrize("value", [*OrderStatus.values, *SlaState.values])
def test_status_badge_every_status_has_a_colour_and_text(value):
    html = status_badge(value, "LABEL")

    assert STATUS_BADGE_CLASSES[value] in html
    assert ">LABEL</span>" in html


def test_status_badge_overdue_is_red():
    assert "text-bg-danger" in status_badge(SlaState.OVERDUE, "Overdue")


def test_status_badge_without_label_uses_choice_label():
    with translation.override("en"):
        assert ">Waiting</span>" in status_badge("waiting")
    with translation.override("zh-hans"):
        assert ">等待中</span>" in status_badge("waiting")


def test_status_badge_unknown_value_is_grey_and_escaped():
    html = status_badge("<b>", "")

    assert "text-bg-secondary" in html
    assert "<b>" not in html


def test_status_badge_in_template():
    html = Template("{% load ui %}{% status_badge s l %}").render(Context({"s": "completed", "l": "已完工"}))

    assert 'class="badge status-badge text-bg-success"' in html
    assert "已完工" in html


def user(role: str, **extra) -> User:
    return User(username=role, role=role, **extra)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.AGENT, ["home", "orders", "intake", "import"]),
        (Role.DISPATCHER, ["home", "orders", "intake", "dispatch", "calendar", "import"]),
        (Role.TECHNICIAN, ["tech", "calendar"]),  # their home redirects to "My jobs"
        (Role.MANAGER, ["home", "orders", "intake", "dispatch", "calendar", "import", "settings"]),
        (Role.PARTS_KEEPER, ["home", "orders"]),
        (Role.FINANCE, ["home", "orders"]),
        (Role.GENERAL_MANAGER, ["home", "orders", "calendar"]),
    ],
)
def test_nav_items_for_role(role, expected):
    assert [item.key for item in nav_items_for(user(role))] == expected


def test_nav_items_admin_link_needs_admin_role_and_staff():
    assert "admin" in [i.key for i in nav_items_for(user(Role.ADMIN, is_staff=True))]
    assert "admin" not in [i.key for i in nav_items_for(user(Role.ADMIN, is_staff=False))]
    assert "admin" not in [i.key for i in nav_items_for(user(Role.AGENT, is_staff=True))]


def test_nav_items_superuser_sees_everything():
    keys = [i.key for i in nav_items_for(user(Role.AGENT, is_staff=True, is_superuser=True))]

    assert keys == ["home", "orders", "intake", "dispatch", "tech", "calendar", "import", "settings", "admin"]


def test_nav_items_anonymous_sees_nothing():
    assert nav_items_for(AnonymousUser()) == []


def test_nav_items_tag_marks_active_link(rf: RequestFactory):
    request = rf.get("/orders/123/")
    request.user = user(Role.AGENT)

    html = Template(
        "{% load ui %}{% nav_items as items %}{% for i in items %}{{ i.key }}={{ i.active }};{% endfor %}"
    ).render(Context({"request": request}))

    assert html == "home=False;orders=True;intake=False;import=False;"
