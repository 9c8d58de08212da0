"""Test databases copied from a migrated one instead of each running every migration.

Creating a test database runs all the migrations: about 9 s on a fast machine and 30 s on a slow one,
once per xdist worker and per pytest run (``make test`` starts two on each database, ``make fuzz`` a
third). The first test database with a given key is migrated as usual and a copy of it is kept: a file
on SQLite (``.cache/test-db/``, an in-memory test database is written to it and read back with SQLite's
backup API), a database named ``aftersales_migrated_<key>`` on PostgreSQL (``CREATE DATABASE …
TEMPLATE``). Every later test database with that key starts from the copy, in well under a second.

The key is a hash of what migrate's result depends on: the lock file (Django's and the third-party apps'
migrations), the project's code except its test modules (migrations, models, ``post_migrate`` receivers)
and the database engine. Any change to them makes a new copy on the next run; a PostgreSQL copy of
another key is dropped then, the files go with ``make clean``.

Installed by ``aftersales/conftest.py`` (:func:`install`) on Django's ``create_test_db``; ``--reuse-db``,
a file-backed SQLite test database and any other engine keep Django's own way. A copy that cannot be
made or read is reported on stderr and the database is migrated instead.
"""

import hashlib
import os
import sqlite3
import sys
from pathlib import Path

from django.db import DatabaseError
from django.db.backends.base.creation import BaseDatabaseCreation

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache" / "test-db"
PREFIX = "aftersales_migrated_"
# Keeps two workers of one run (or two runs on one server) from copying to and from a template at once:
# CREATE DATABASE … TEMPLATE refuses a template another session is connected to.
ADVISORY_LOCK = 7_340_271


def install() -> None:
    """Route Django's ``create_test_db`` through :func:`create_test_db` (once per process)."""
    if getattr(BaseDatabaseCreation.create_test_db, "migrated_copy", False):
        return
    original = BaseDatabaseCreation.create_test_db

    def create_test_db(
        self: BaseDatabaseCreation,
        verbosity: int = 1,
        autoclobber: bool = False,
        serialize: bool | None = None,
        keepdb: bool = False,
    ) -> str:
        copy = _copy_for(self, keepdb=keepdb)
        if copy is None or serialize is not None:  # the deprecated serialize argument: Django's own way
            return original(self, verbosity, autoclobber, serialize, keepdb)
        if copy.exists():
            try:
                return copy.restore(autoclobber=autoclobber)
            except (DatabaseError, sqlite3.Error) as error:
                _report(f"could not start from the migrated copy ({error}); migrating instead")
        name = original(self, verbosity, autoclobber, keepdb=keepdb)
        try:
            copy.save()
        except (DatabaseError, sqlite3.Error, OSError) as error:
            _report(f"could not keep a migrated copy ({error})")
        return name

    create_test_db.migrated_copy = True  # type: ignore[attr-defined]
    BaseDatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]


def migration_key(engine: str, *, root: Path = REPO_ROOT) -> str:
    """What a migrated test database depends on, hashed: the engine, the lock file and every module of
    the project but the tests themselves (test_*.py, conftest.py, the browser scenarios and the fuzz)."""
    digest = hashlib.sha256(engine.encode())
    lock = root / "requirements" / "dev.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    for path in sorted((root / "aftersales").rglob("*.py")):
        relative = path.relative_to(root)
        if (
            path.name.startswith("test_")
            or path.name == "conftest.py"
            or relative.parts[1] in {"fuzz", "browser_tests"}
        ):
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _copy_for(creation: BaseDatabaseCreation, *, keepdb: bool) -> "_SqliteCopy | _PostgresCopy | None":
    if keepdb:
        return None
    vendor = creation.connection.vendor
    if vendor == "sqlite" and creation.is_in_memory_db(creation._get_test_db_name()):  # type: ignore[attr-defined]
        return _SqliteCopy(creation)
    if vendor == "postgresql":
        return _PostgresCopy(creation)
    return None


def _report(message: str) -> None:
    print(f"aftersales test databases: {message}", file=sys.stderr)


def _use(creation: BaseDatabaseCreation, name: str) -> None:
    """Point the connection at the test database ``name`` (what ``create_test_db`` does after migrating)."""
    from django.conf import settings

    creation.connection.close()
    settings.DATABASES[creation.connection.alias]["NAME"] = name
    creation.connection.settings_dict["NAME"] = name
    creation.connection.ensure_connection()


class _SqliteCopy:
    def __init__(self, creation: BaseDatabaseCreation) -> None:
        self.creation = creation
        self.path = CACHE_DIR / f"sqlite-{migration_key(creation.connection.settings_dict['ENGINE'])}.sqlite3"

    def exists(self) -> bool:
        return self.path.exists()

    def restore(self, *, autoclobber: bool) -> str:
        name = self.creation._create_test_db(0, autoclobber, keepdb=False)  # type: ignore[attr-defined]
        _use(self.creation, name)
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            source.backup(self.creation.connection.connection)
        finally:
            source.close()
        return name

    def save(self) -> None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            self.creation.connection.ensure_connection()
            self.creation.connection.connection.backup(target)
        finally:
            target.close()
        # A whole file or none: another worker may be reading the copy already.
        partial.replace(self.path)


class _PostgresCopy:
    def __init__(self, creation: BaseDatabaseCreation) -> None:
        self.creation = creation
        self.template = PREFIX + migration_key(creation.connection.settings_dict["ENGINE"])

    def _quoted(self, name: str) -> str:
        return self.creation.connection.ops.quote_name(name)

    def exists(self) -> bool:
        with self.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.template])
            return cursor.fetchone() is not None

    def restore(self, *, autoclobber: bool) -> str:
        name = self.creation._get_test_db_name()  # type: ignore[attr-defined]
        self.creation.connection.close()
        with self.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
            try:
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quoted(name)}")
                cursor.execute(f"CREATE DATABASE {self._quoted(name)} TEMPLATE {self._quoted(self.template)}")
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])
        _use(self.creation, name)
        return name

    def save(self) -> None:
        name = self.creation.connection.settings_dict["NAME"]
        self.creation.connection.close()
        try:
            with self.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
                try:
                    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"])
                    existing = {row[0] for row in cursor.fetchall()}
                    if self.template not in existing:
                        cursor.execute(f"CREATE DATABASE {self._quoted(self.template)} TEMPLATE {self._quoted(name)}")
                    for stale in existing - {self.template}:
                        cursor.execute(f"DROP DATABASE IF EXISTS {self._quoted(stale)}")
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])
        finally:
            self.creation.connection.ensure_connection()
