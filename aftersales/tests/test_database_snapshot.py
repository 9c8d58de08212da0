"""DatabaseSnapshot: what the browser scenarios restore instead of loading the demo set again."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.core.testing import DatabaseSnapshot
from aftersales.workforce.models import WorkingPattern


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "centres": list(ServiceCenter.objects.order_by("pk").values_list("pk", "code", "name", "created_at")),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "service_center_id", "role")),
        "patterns": list(WorkingPattern.objects.values_list("pk", "day_start", "day_end")),
    }


@pytest.mark.django_db
def test_restore_writes_back_every_row_with_its_key_and_drops_what_came_after(settings: Any, tmp_path: Path) -> None:
    centre = ServiceCenterFactory(code="SH", name="上海服务网点")
    UserFactory(username="agent-sh", service_center=centre)
    # A time column: SQLite's driver reads it as datetime.time and cannot bind that type back.
    WorkingPattern.objects.create(service_center=centre, day_start=dt.time(8, 30), day_end=dt.time(17, 0))
    signature = Path(settings.MEDIA_ROOT) / "signatures" / "one.png"
    signature.parent.mkdir(parents=True)
    signature.write_bytes(b"\x89PNG one")
    snapshot = DatabaseSnapshot(stale_after=dt.timedelta(minutes=10))
    snapshot.take(media_root=settings.MEDIA_ROOT)
    before = _rows()

    ServiceCenter.objects.filter(pk=centre.pk).update(name="改过的名字")
    UserFactory(username="later", service_center=ServiceCenterFactory(code="BJ"))
    restored_media = tmp_path / "restored"
    snapshot.restore(media_root=restored_media)

    assert _rows() == before
    assert (restored_media / "signatures" / "one.png").read_bytes() == b"\x89PNG one"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's keys always pass the highest one used")
@pytest.mark.django_db
def test_a_row_added_after_restore_takes_a_key_past_the_restored_ones(settings: Any) -> None:
    # A key written explicitly does not move PostgreSQL's sequence: without the reset after restore,
    # the next insert would be given this key again and fail.
    last = ServiceCenterFactory(code="SH")
    explicit = ServiceCenter.objects.create(pk=last.pk + 1, code="BJ", name="北京服务网点", region="华北")
    snapshot = DatabaseSnapshot(stale_after=dt.timedelta(minutes=10))
    snapshot.take(media_root=settings.MEDIA_ROOT)
    snapshot.restore(media_root=settings.MEDIA_ROOT)

    added = ServiceCenterFactory(code="GZ")

    assert added.pk > explicit.pk


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row checks are skipped while restoring")
@pytest.mark.django_db
def test_foreign_keys_are_checked_again_after_restore(settings: Any) -> None:
    ServiceCenterFactory(code="SH")
    snapshot = DatabaseSnapshot(stale_after=dt.timedelta(minutes=10))
    snapshot.take(media_root=settings.MEDIA_ROOT)
    snapshot.restore(media_root=settings.MEDIA_ROOT)

    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        User.objects.create(username="nowhere", service_center_id=10**9)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_a_snapshot_is_fresh_only_after_take_for_its_age_and_its_day(settings: Any) -> None:
    snapshot = DatabaseSnapshot(stale_after=dt.timedelta(minutes=10))
    assert not snapshot.is_fresh()
    with pytest.raises(RuntimeError):
        snapshot.restore(media_root=settings.MEDIA_ROOT)

    snapshot.take(media_root=settings.MEDIA_ROOT)
    assert snapshot.is_fresh()

    assert snapshot.taken_at is not None
    snapshot.taken_at -= dt.timedelta(minutes=11)
    assert not snapshot.is_fresh()

    yesterday = DatabaseSnapshot(stale_after=dt.timedelta(days=2))
    yesterday.take(media_root=settings.MEDIA_ROOT)
    assert yesterday.taken_at is not None
    yesterday.taken_at -= dt.timedelta(days=1)
    assert not yesterday.is_fresh()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's flush DELETEs already")
@pytest.mark.django_db(transaction=True)
def test_flush_deletes_the_rows_instead_of_truncating_every_table() -> None:
    # aftersales/conftest.py: TRUNCATE of every table took ~0.6 s per transactional test on PostgreSQL.
    from django.core.management import call_command
    from django.core.management.color import no_style

    ServiceCenterFactory(code="SH")
    statements = connection.ops.sql_flush(no_style(), ["accounts_servicecenter", "accounts_user"])

    call_command("flush", interactive=False, verbosity=0)

    assert [statement.split()[0] for statement in statements] == ["DELETE", "DELETE"]
    assert not ServiceCenter.objects.exists()
