"""core.registry: entries in order, replaced by key, resolved from dotted paths, and nothing for
anonymous or inactive users."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core import registry


def always(user) -> bool:
    return True


def never(user) -> bool:
    return False


def test_entries_iterate_by_order_then_key_and_a_key_registered_again_replaces_its_entry():
    reg = registry.Registry("test")
    reg.register(registry.NavGroup("b", "B", 20))
    reg.register(registry.NavGroup("a", "A", 20))
    reg.register(registry.NavGroup("c", "C", 10))
    reg.register(registry.NavGroup("b", "B2", 5))

    assert [(g.key, g.label) for g in reg] == [("b", "B2"), ("c", "C"), ("a", "A")]
    reg.unregister("b")
    assert [g.key for g in reg] == ["c", "a"]


def test_visible_to_applies_predicates_given_as_callables_or_dotted_paths():
    reg = registry.Registry("test")
    reg.register(registry.NavEntry("yes", "Yes", "console:home", "x", 1, always))
    reg.register(registry.NavEntry("no", "No", "console:home", "x", 2, "aftersales.tests.test_registry.never"))
    reg.register(registry.NavEntry("path", "P", "console:home", "x", 3, "aftersales.tests.test_registry.always"))
    user = User(username="u", role=Role.AGENT, is_active=True)

    assert [e.key for e in reg.visible_to(user)] == ["yes", "path"]


@pytest.mark.parametrize("user", [AnonymousUser(), User(username="gone", role=Role.ADMIN, is_active=False)])
def test_anonymous_and_inactive_users_get_no_entry(user):
    assert registry.nav_for(user) == []
    assert registry.settings_sections.visible_to(user) == []
    assert registry.import_kinds.visible_to(user) == []


def test_timeline_merges_sources_by_time_and_skips_those_the_user_may_not_see():
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

    def first(record):
        return [
            registry.TimelineEntry(at=t0 + datetime.timedelta(minutes=m), title=f"a{m}", source="a") for m in (0, 2)
        ]

    def second(record):
        return [registry.TimelineEntry(at=t0 + datetime.timedelta(minutes=1), title="b1", source="b")]

    registry.timeline_sources.register(registry.TimelineSource("t.a", "tests.Thing", first, 1))
    registry.timeline_sources.register(registry.TimelineSource("t.b", "tests.Thing", second, 2, predicate=never))
    registry.timeline_sources.register(registry.TimelineSource("t.c", "tests.Other", second, 3))
    try:
        user = User(username="u", role=Role.AGENT, is_active=True)
        assert [e.title for e in registry.timeline_for("tests.Thing", object(), user=user)] == ["a0", "a2"]
        registry.timeline_sources.register(registry.TimelineSource("t.b", "tests.Thing", second, 2))
        assert [e.title for e in registry.timeline_for("tests.Thing", object(), user=user)] == ["a0", "b1", "a2"]
    finally:
        for key in ("t.a", "t.b", "t.c"):
            registry.timeline_sources.unregister(key)
