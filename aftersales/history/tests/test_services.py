import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for
from aftersales.history.services import activity_source, changed, record_activity

pytestmark = pytest.mark.django_db


def test_record_activity_keeps_old_and_new_actor_and_reason() -> None:
    centre = ServiceCenterFactory(name="上海")
    by = UserFactory(first_name="伟", last_name="张")

    activity = record_activity(
        target=centre,
        type="service_center.updated",
        by=by,
        reason="  renamed  ",
        changes={
            "name": ("上海", "上海浦东"),
            "opened": (None, datetime.date(2026, 1, 2)),
            "fee": (Decimal("1.50"), 2),
        },
    )

    stored = Activity.objects.get(pk=activity.pk)
    assert stored.target == centre
    assert stored.actor == by
    assert stored.actor_label == "张伟"
    assert stored.reason == "renamed"
    assert stored.changes == {
        "name": {"old": "上海", "new": "上海浦东"},
        "opened": {"old": None, "new": "2026-01-02"},
        "fee": {"old": "1.50", "new": 2},
    }


def test_record_activity_keeps_the_actor_name_when_the_user_is_deleted() -> None:
    centre = ServiceCenterFactory()
    by = UserFactory(username="gone", first_name="", last_name="")
    activity = record_activity(target=centre, type="service_center.updated", by=by)

    by.delete()

    activity.refresh_from_db()
    assert activity.actor is None
    assert activity.actor_label == "gone"


def test_record_activity_by_the_system_has_no_actor() -> None:
    activity = record_activity(target=ServiceCenterFactory(), type="service_center.updated", by=None)

    assert activity.actor is None
    assert activity.actor_label == ""


def test_record_activity_stores_a_related_record_as_id_and_label() -> None:
    old, new = ServiceCenterFactory(name="旧网点"), ServiceCenterFactory(name="新网点")
    user = UserFactory(service_center=new)

    activity = record_activity(target=user, type="user.updated", by=None, changes={"service_center": (old, new)})

    activity.refresh_from_db()
    assert activity.changes["service_center"] == {
        "old": {"id": old.pk, "label": "旧网点"},
        "new": {"id": new.pk, "label": "新网点"},
    }


def test_record_activity_rolls_back_with_the_change() -> None:
    centre = ServiceCenterFactory()

    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        record_activity(target=centre, type="service_center.updated", by=None)
        raise RuntimeError("boom")

    assert not activity_for(centre).exists()


def test_record_activity_outside_a_transaction_is_refused(monkeypatch: Any) -> None:
    class NoTransaction:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda *a, **k: NoTransaction())

    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        record_activity(target=ServiceCenterFactory(), type="service_center.updated", by=None)


def test_record_activity_needs_a_saved_target() -> None:
    from aftersales.accounts.models import ServiceCenter

    with pytest.raises(ValueError, match="saved target"):
        record_activity(target=ServiceCenter(code="X"), type="service_center.created", by=None)


def test_activity_source_marks_every_activity_recorded_inside_it() -> None:
    centre = ServiceCenterFactory()

    with activity_source(**{"import": "customers", "file": "客户.xlsx"}):
        inside = record_activity(target=centre, type="service_center.updated", by=None)
    outside = record_activity(target=centre, type="service_center.updated", by=None)

    assert inside.data["source"] == {"import": "customers", "file": "客户.xlsx"}
    assert "source" not in outside.data


def test_changed_lists_only_the_fields_that_differ() -> None:
    before = {"name": "A", "months": 12, "day": datetime.date(2026, 1, 1)}
    after = {"name": "A", "months": 24, "day": datetime.date(2026, 1, 1)}

    assert changed(before, after) == {"months": (12, 24)}
