"""{% load ui %}: status badges, role-based navigation, message classes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core import registry
from aftersales.core.templatetags.ui import badge, in_yuan_stacked
from aftersales.service.choices import ORDER_STATUS_BADGES, SLA_STATE_BADGES, OrderStatus, SlaState


def nav_items_for(user):
    return [entry for _group, entries in registry.nav_for(user) for entry in entries]


@pytest.mark.parametrize("value", OrderStatus.values)
def test_badge_every_order_status_has_a_colour_and_text(value):
    html = badge("service.OrderStatus", value, "LABEL")

    assert ORDER_STATUS_BADGES[value] in html
    assert ">LABEL</span>" in html


@pytest.mark.parametrize("value", SlaState.values)
def test_badge_every_sla_state_has_a_colour(value):
    assert SLA_STATE_BADGES[value] in badge("service.SlaState", value, "LABEL")


def test_badge_overdue_is_red():
    assert "text-bg-danger" in badge("service.SlaState", SlaState.OVERDUE, "Overdue")


def test_badge_colours_are_per_enum():
    # "done" is an SLA state only: as an order status it is unknown, so grey, whatever SlaState says.
    registry.register_badges("tests.Other", OrderStatus, {**ORDER_STATUS_BADGES, "closed": "text-bg-danger"})
    try:
        assert "text-bg-danger" in badge("tests.Other", "closed")
        assert "text-bg-secondary" in badge("service.OrderStatus", "closed")
    finally:
        registry.badges.unregister("tests.Other")


def test_badge_without_label_uses_choice_label():
    with translation.override("en"):
        assert ">Waiting</span>" in badge("service.OrderStatus", "waiting")
    with translation.override("zh-hans"):
        assert ">等待中</span>" in badge("service.OrderStatus", "waiting")


def test_badge_unknown_value_or_enum_is_grey_and_escaped():
    html = badge("service.OrderStatus", "<b>", "")

    assert "text-bg-secondary" in html
    assert "<b>" not in html
    assert "text-bg-secondary" in badge("nope.Enum", "new")


def test_register_badges_refuses_an_enum_with_an_uncoloured_value():
    with pytest.raises(ImproperlyConfigured, match="cancelled"):
        registry.register_badges(
            "tests.Partial", OrderStatus, {k: v for k, v in ORDER_STATUS_BADGES.items() if k != "cancelled"}
        )


def test_badge_in_template():
    html = Template('{% load ui %}{% badge "service.OrderStatus" s l %}').render(
        Context({"s": "completed", "l": "已完工"})
    )

    assert 'class="badge status-badge text-bg-success"' in html
    assert "已完工" in html


def user(role: str, **extra) -> User:
    return User(username=role, role=role, is_active=True, **extra)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.AGENT,
            [
                "home",
                "orders",
                "intake",
                "devices",
                "parts",
                "customers",
                "follow_ups",
                "complaints",
                "portal_access",
                "portal_labels",
                "contracts",
                "pay",
                "import",
            ],
        ),
        (
            Role.DISPATCHER,
            [
                "home",
                "orders",
                "intake",
                "dispatch",
                "devices",
                "parts",
                "reports",
                "customers",
                "complaints",
                "portal_access",
                "portal_labels",
                "contracts",
                "calendar",
                "pay",
                "import",
            ],
        ),
        (Role.TECHNICIAN, ["tech", "workforce.me", "workforce.claims", "parts", "calendar", "pay"]),  # home: "My jobs"
        (
            Role.MANAGER,
            [
                "home",
                "orders",
                "intake",
                "dispatch",
                "devices",
                "invoices",
                "parts",
                "reports",
                "customers",
                "follow_ups",
                "complaints",
                "campaigns",
                "care_reports",
                "portal_access",
                "portal_labels",
                "contracts",
                "failure_statistics",
                "quality_cases",
                "calendar",
                "pay",
                "repurchase",
                "import",
                "settings",
            ],
        ),
        (Role.PARTS_KEEPER, ["home", "orders", "parts", "portal_labels", "pay", "import", "settings"]),
        (Role.FINANCE, ["home", "orders", "invoices", "parts", "reports", "contracts", "pay", "repurchase"]),
        (
            Role.GENERAL_MANAGER,
            [
                "home",
                "orders",
                "devices",
                "workforce.claims",
                "invoices",
                "parts",
                "reports",
                "customers",
                "follow_ups",
                "complaints",
                "care_reports",
                "contracts",
                "failure_statistics",
                "quality_cases",
                "calendar",
                "workforce.staff",
                "pay",
                "repurchase",
                "settings",  # the outbox, which only who sees every centre runs
            ],
        ),
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

    assert keys == ["home", "orders", "intake", "dispatch", "devices", "tech", "workforce.me", "workforce.claims", "invoices", "parts", "reports", "customers", "follow_ups", "complaints", "campaigns", "care_reports", "portal_access", "portal_labels", "contracts", "failure_statistics", "quality_cases", "calendar", "workforce.staff", "pay", "repurchase", "import", "settings", "admin"]  # fmt: skip


def test_nav_items_anonymous_sees_nothing():
    assert nav_items_for(AnonymousUser()) == []


def test_nav_menu_marks_the_active_link_and_its_group(rf: RequestFactory):
    request = rf.get("/care/follow-ups/")
    request.user = user(Role.AGENT)

    html = Template(
        "{% load ui %}{% nav_menu as groups %}{% for g in groups %}{{ g.key }}:{{ g.active }}:"
        "{% for i in g.items %}{% if i.active %}{{ i.key }}{% endif %}{% endfor %};{% endfor %}"
    ).render(Context({"request": request}))

    assert html == "work:False:;care:True:follow_ups;contracts:False:;planning:False:;data:False:;"


@pytest.mark.django_db
def test_nav_menu_shows_the_days_work_and_single_links_in_the_bar_and_other_groups_as_menus(rf: RequestFactory):
    """A manager's 25 links fit one row at 1280 px: the work group's links, then one menu per group
    (customer care, quality, planning), a group of one link (contracts, import, settings) as that link."""
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.core.templatetags.ui import nav_menu

    request = rf.get("/orders/")
    request.user = UserFactory(role=Role.MANAGER)

    groups = {group["key"]: group for group in nav_menu(Context({"request": request}))}

    assert {key for key, group in groups.items() if group["inline"]} == {"work", "contracts", "data", "admin"}
    assert [item["key"] for item in groups["care"]["items"]][:3] == ["customers", "follow_ups", "complaints"]
    assert groups["work"]["active"] and not groups["care"]["active"]

    html = Template("{% load ui %}{% include 'includes/navbar.html' %}").render(
        Context({"request": request, "user": request.user})
    )
    assert html.count('data-bs-toggle="dropdown"') == 3  # care, quality, planning
    assert 'aria-current="true"' not in html  # the page (orders) is in the work group, not in a menu
    assert 'class="nav-link active" href="/orders/"' in html


def test_in_yuan_stacked_puts_the_unit_under_the_label_and_keeps_a_hyphenated_label_whole():
    with translation.override("en"):
        heading = in_yuan_stacked("Year-end award")
    assert heading == 'Year\u2011end award<span class="d-block small fw-normal">(CNY)</span>'
    with translation.override("zh-hans"):
        assert in_yuan_stacked("年终奖") == '年终奖<span class="d-block small fw-normal">（元）</span>'
    assert in_yuan_stacked("<b>").startswith("&lt;b&gt;")
