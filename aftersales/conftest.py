"""Fixtures shared by every context's tests: one centre with a user per role, and API clients."""

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, ServiceCenter, User
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.core import migrated_copy

# Each test database starts from a kept copy of a migrated one once a first one was migrated.
migrated_copy.install()

# The schemathesis run (aftersales/fuzz) takes minutes: only `make fuzz` collects it (AFTERSALES_FUZZ=1).
collect_ignore = [] if os.environ.get("AFTERSALES_FUZZ") else ["fuzz"]


@pytest.fixture
def centre(db: Any) -> ServiceCenter:
    return ServiceCenterFactory(code="SH", name="上海服务网点")


@pytest.fixture
def other_centre(db: Any) -> ServiceCenter:
    return ServiceCenterFactory(code="BJ", name="北京服务网点")


@pytest.fixture
def users(centre: ServiceCenter) -> dict[str, User]:
    """One user per role in ``centre`` (general manager and admin see every centre)."""
    return {role: UserFactory(username=f"{role}-sh", role=role, service_center=centre) for role in Role.values}


@pytest.fixture
def api_client() -> Callable[[User], Client]:
    """A test client that sends a bearer token for ``user`` on every request."""

    def make(user: User) -> Client:
        import secrets

        key = secrets.token_urlsafe(16)
        ApiToken.objects.create(user=user, name=f"test-{key[:8]}", key_hash=ApiToken.hash_key(key))
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture(autouse=True, scope="session")
def _flush_deletes_rows_on_postgresql() -> Iterator[None]:
    """A transactional test (``transaction=True``, every browser scenario) ends with Django's ``flush``,
    which on PostgreSQL TRUNCATEs every table at once: ~0.6 s for our ~200 tables, longer than most
    such tests. The tables hold the few rows one test wrote, so DELETE empties them in a few
    milliseconds (foreign keys are checked at commit: Django creates them deferrable). A flush that
    resets sequences or cascades keeps TRUNCATE. SQLite's flush already DELETEs."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608 - Django's table names

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _row_locks_name_their_table() -> Iterator[None]:
    """A test fails when the code it runs locks rows with ``select_for_update()`` on a query that joins
    other tables without ``of=``: on PostgreSQL that locks the joined rows too (the customer's, out of
    the lock order of docs/architecture.md). Checked on every database (``core/tests/locks.py``)."""
    from aftersales.core.tests.locks import LockAudit

    with LockAudit() as audit:
        yield
    if audit.found:
        pytest.fail("\n".join(str(lock) for lock in dict.fromkeys(audit.found)), pytrace=False)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Each test writes files to its own MEDIA_ROOT; files of shared test data are copied in first."""
    from aftersales.core.testing import SHARED_MEDIA

    settings.MEDIA_ROOT = tmp_path / "media"
    if SHARED_MEDIA:
        shutil.copytree(SHARED_MEDIA[-1], settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache (with Redis, counters would outlive the test). Only this
    worker's keys are removed (settings/test.py: a key prefix per xdist worker), so parallel workers
    sharing one Redis database do not wipe each other's sign-in counters half-way through a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _outbox() -> Any:
    """What the channels were given (test settings send every channel to the memory backend)."""
    from aftersales.notifications.channels import MemoryBackend

    MemoryBackend.reset()
    yield MemoryBackend.sent
    MemoryBackend.reset()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (Simplified Chinese). A request activates its caller's
    language for the rest of the thread (``core.middleware.activate_language``: a streamed export reads
    its labels after the middleware returned, so it is not undone there); without this a test would
    inherit the language of whichever request its worker served last."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
