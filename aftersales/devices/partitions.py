"""Monthly partitions of ``devices_sample`` on PostgreSQL, created ahead and dropped past retention.

A month is ``[first day 00:00 UTC, next first day)``. Partitions are created for the months from the
retention's oldest up to ``DEVICES["PARTITIONS_AHEAD"]`` months ahead: by migration 0002, by the
consumer at start, by the daily job (``maintain_partitions``) and, for a month a batch reaches that
has none, by the ingestion itself (``ensure_partitions(months=...)``). On SQLite the table is plain and
retention deletes rows instead."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction

logger = logging.getLogger("aftersales.devices")

TABLE = "devices_sample"
# Serialises partition DDL between processes (any constant; "dev1" in hex).
_LOCK_KEY = 0x64657631
_known: set[tuple[str, str]] = set()  # (database alias, partition name) created or seen by this process


def devices_setting(name: str) -> Any:
    return settings.DEVICES[name]


def month_start(moment: datetime.datetime | datetime.date) -> datetime.date:
    return datetime.date(moment.year, moment.month, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_y{month.year}m{month.month:02d}"


def months_to_keep(today: datetime.date) -> list[datetime.date]:
    first = add_months(month_start(today), -int(devices_setting("RETENTION_MONTHS")))
    last = add_months(month_start(today), int(devices_setting("PARTITIONS_AHEAD")))
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def ensure_partitions(
    *, months: Iterable[datetime.date] | None = None, connection: Any = None, today: datetime.date | None = None
) -> list[str]:
    """Create the partitions of ``months`` (default: the retention window and the months ahead) that do
    not exist yet; returns the names created. A no-op on databases without partitions."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    wanted = sorted(
        set(months) if months is not None else months_to_keep(today or datetime.datetime.now(datetime.UTC).date())
    )
    missing = [m for m in wanted if (connection.alias, partition_name(m)) not in _known]
    if not missing:
        return []
    created = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        existing = {row[0] for row in cursor.fetchall()}
        for month in missing:
            name = partition_name(month)
            if name not in existing:
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                    [_utc(month), _utc(add_months(month, 1))],
                )
                created.append(name)
    _known.update((connection.alias, partition_name(m)) for m in missing)
    if created:
        logger.info("devices: created partitions %s", ", ".join(created))
    return created


def forget_known_partitions() -> None:
    """Tests that drop partitions make this process look again."""
    _known.clear()


def _utc(month: datetime.date) -> str:
    return f"{month.isoformat()} 00:00:00+00"


def drop_expired(*, today: datetime.date | None = None, connection: Any = None) -> int:
    """Retention: drop the partitions (PostgreSQL) or delete the rows (elsewhere) of the months before
    ``DEVICES["RETENTION_MONTHS"]``; returns partitions dropped or rows deleted."""
    from aftersales.devices.models import Sample

    connection = connection or default_connection
    today = today or datetime.datetime.now(datetime.UTC).date()
    oldest = add_months(month_start(today), -int(devices_setting("RETENTION_MONTHS")))
    if connection.vendor != "postgresql":
        deleted, _rows = Sample.objects.filter(at__lt=_aware(oldest)).delete()
        return deleted
    dropped = 0
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        for (name,) in cursor.fetchall():
            if name < partition_name(oldest):  # names sort by month: devices_sample_yYYYYmMM
                cursor.execute(f"DROP TABLE {name}")
                _known.discard((connection.alias, name))
                dropped += 1
    return dropped


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def maintain_partitions() -> None:
    """The daily job: partitions ahead, then retention."""
    ensure_partitions()
    drop_expired()
