import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.history.display import describe
from aftersales.history.selectors import activity_page, recent_activity
from aftersales.history.services import record_activity

pytestmark = pytest.mark.django_db


def _record(target, n: int, type_: str = "service_center.updated") -> list:  # type: ignore[no-untyped-def]
    return [
        record_activity(target=target, type=type_, by=UserFactory(), changes={"name": (f"n{i}", f"n{i + 1}")})
        for i in range(n)
    ]


def test_activity_page_is_newest_first_and_pages_by_keyset() -> None:
    centre, other = ServiceCenterFactory(), ServiceCenterFactory()
    rows = _record(centre, 5)
    _record(other, 2)

    first = activity_page(centre, limit=3)
    second = activity_page(centre, cursor=first.next_cursor, limit=3)

    assert [a.pk for a in first.items] == [r.pk for r in reversed(rows)][:3]
    assert [a.pk for a in second.items] == [r.pk for r in reversed(rows)][3:]
    assert second.next_cursor is None


@pytest.mark.parametrize("rows", [1, 12])
def test_activity_page_and_display_run_one_query_whatever_the_rows(rows: int) -> None:
    centre = ServiceCenterFactory()
    _record(centre, rows)
    describe(activity_page(centre, limit=1).items[0])  # warm the content-type cache

    with CaptureQueriesContext(connection) as queries:
        page = activity_page(centre, limit=50)
        views = [describe(a) for a in page.items]
        [(v.actor, v.label, [c.new_display for c in v.changes]) for v in views]

    assert len(page.items) == rows
    assert len(queries) == 1


def test_recent_activity_of_several_records_in_one_query() -> None:
    centre, user, unrelated = ServiceCenterFactory(), UserFactory(), ServiceCenterFactory()
    _record(centre, 2)
    _record(user, 2, "user.updated")
    _record(unrelated, 2)

    with CaptureQueriesContext(connection) as queries:
        found = recent_activity([centre, user], limit=10)

    assert len(queries) == 1
    assert {(a.target_type.model, a.target_id) for a in found} == {("servicecenter", centre.pk), ("user", user.pk)}
    assert [a.pk for a in found] == sorted((a.pk for a in found), reverse=True)


def test_recent_activity_filters_by_type_and_limits() -> None:
    centre = ServiceCenterFactory()
    _record(centre, 3)
    _record(centre, 1, "service_center.created")

    assert [a.type for a in recent_activity([centre], types=["service_center.created"])] == ["service_center.created"]
    assert len(recent_activity([centre], limit=2)) == 2
    assert recent_activity([]) == []


def test_describe_names_fields_types_and_the_system() -> None:
    centre = ServiceCenterFactory()
    activity = record_activity(target=centre, type="service_center.updated", by=None, changes={"region": ("", "华东")})

    with translation.override("en"):
        view = describe(activity)

    assert view.label == "Service centre changed"
    assert view.actor == "System"
    assert [(c.label, c.old_display, c.new_display) for c in view.changes] == [("region", "—", "华东")]
