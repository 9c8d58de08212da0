"""Test data built once and shared: :func:`shared_test_data` for the tests of a module (or class) that
only read it, :class:`DatabaseSnapshot` for tests that commit (the browser scenarios' demo set).

``shared_test_data`` usage, in a test module::

    @pytest.fixture(scope="module")   # "class" when other tests of the module need an empty database
    def demo_set(django_db_setup, django_db_blocker):
        with shared_test_data(django_db_blocker, lambda: call_command("load_demo", stdout=io.StringIO())):
            yield

    @pytest.mark.django_db
    def test_something(demo_set): ...

How it works: the data are written inside a transaction opened before the first test of the module and
rolled back after the last one. Each test's own transaction (pytest-django's ``db``) is a savepoint inside
it, so whatever a test writes is still undone after that test, and the next module finds an empty database.
This is Django's ``TestCase.setUpTestData`` for pytest functions.

Rules: tests that use it must not be ``transaction=True`` (those flush the database); Python objects
returned by the builder are shared, so a test must not change them (re-read from the database instead).
Files the builder saves go to a media directory of its own; the autouse ``_media_root`` fixture copies them
into each test's ``MEDIA_ROOT``, so a test reads them where Django looks and may change them freely.
"""

import atexit
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

# Media directories of the shared data sets currently open (innermost last).
SHARED_MEDIA: list[Path] = []


@contextmanager
def shared_test_data[T](django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    media = Path(tempfile.mkdtemp(prefix="aftersales-shared-media-"))
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media):
                data = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            shutil.rmtree(media, ignore_errors=True)
            raise
    SHARED_MEDIA.append(media)
    try:
        yield data
    finally:
        SHARED_MEDIA.remove(media)
        shutil.rmtree(media, ignore_errors=True)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class DatabaseSnapshot:
    """Every Django table's rows and the media files of a data set, taken once and written back later.

    For tests that must commit (a live server reads the database from its own thread), so the data set
    cannot be rolled back the way :func:`shared_test_data` does: the first test builds it and calls
    :meth:`take`; later tests, on the empty database their transactional predecessor left, call
    :meth:`restore`, which empties the tables again (``flush`` re-creates content types and permissions)
    and writes the rows back with their primary keys: PostgreSQL through ``COPY``, SQLite through
    ``executemany``. Foreign keys are checked at commit (Django creates them ``DEFERRABLE INITIALLY
    DEFERRED``), so the table order does not matter. Sequences are moved past the restored keys.

    ``stale_after`` bounds how old the data may get: a data set built relative to "now" (orders received
    20 minutes ago, visits due tomorrow) drifts as a long run goes on, so an older snapshot, or one from
    another local day, is reported stale and the caller builds the data set again.
    """

    def __init__(self, *, stale_after: dt.timedelta) -> None:
        self.stale_after = stale_after
        self.taken_at: dt.datetime | None = None
        self.tables: dict[str, Any] = {}
        self.media: Path | None = None

    def is_fresh(self) -> bool:
        if self.taken_at is None:
            return False
        now = timezone.now()
        same_day = timezone.localdate(now) == timezone.localdate(self.taken_at)
        return same_day and now - self.taken_at < self.stale_after

    def take(self, *, media_root: Path) -> None:
        self.tables = {}
        with connection.cursor() as cursor:
            for table in _django_tables():
                if connection.vendor == "postgresql":
                    # A query, not the table: COPY TO refuses a partitioned table (devices_sample).
                    query = f"COPY (SELECT * FROM {_quoted(table)}) TO STDOUT"  # noqa: S608 - our own table names
                    with cursor.cursor.copy(query) as copy:
                        self.tables[table] = b"".join(bytes(block) for block in copy)
                else:
                    cursor.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608 - our own table names
                    columns = [column[0] for column in cursor.description]
                    self.tables[table] = (columns, [tuple(map(_sqlite_value, row)) for row in cursor.fetchall()])
        if self.media is None:
            self.media = Path(tempfile.mkdtemp(prefix="aftersales-snapshot-media-"))
            atexit.register(shutil.rmtree, self.media, ignore_errors=True)
        shutil.rmtree(self.media, ignore_errors=True)
        if Path(media_root).exists():
            shutil.copytree(media_root, self.media)
        else:
            self.media.mkdir()
        self.taken_at = timezone.now()

    def restore(self, *, media_root: Path) -> None:
        if self.taken_at is None or self.media is None:
            raise RuntimeError("restore() before take()")
        with transaction.atomic(), connection.cursor() as cursor:
            unchecked = connection.vendor == "postgresql" and _without_row_checks(cursor)
            # DELETE, not flush's TRUNCATE: on PostgreSQL a TRUNCATE of every table takes ~0.6 s, the
            # whole restore with DELETEs ~0.2 s.
            for table in self.tables:
                cursor.execute(f"DELETE FROM {_quoted(table)}")  # noqa: S608 - our own table names
            for table, data in self.tables.items():
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {_quoted(table)} FROM STDIN") as copy:
                        copy.write(data)
                elif data[1]:
                    columns, rows = data
                    names = ", ".join(_quoted(column) for column in columns)
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(f"INSERT INTO {_quoted(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            if unchecked:  # the rows are written: checks again for whatever the caller's transaction does next
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)


def _without_row_checks(cursor: Any) -> bool:
    """Skip the foreign-key checks (and triggers) of each row deleted and copied in, until the restore
    sets it back: the snapshot is a committed state of the same tables, so they would all hold. About
    0.12 s of a 0.29 s restore of the demo set on PostgreSQL. Needs a superuser (CI's ``postgres``);
    with another role the checks run as before (False)."""
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _sqlite_value(value: Any) -> Any:
    """A value as SQLite stores it. Django's SQLite backend reads time columns into ``datetime.time`` but
    registers no adapter to write one back; it stores them as ``str(value)`` ("09:00:00")."""
    return value.isoformat() if isinstance(value, dt.time) else value


def _django_tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)
