"""Test data built once for every test of a module (or class) that only reads it.

Usage, in a test module::

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

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings

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
