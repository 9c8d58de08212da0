"""The demo's story time: what the services stamp with "now" is dated when its step happened.

The demo tells weeks of history in one load. A service that takes the time (``now=``, ``at=``) is given
it; the others stamp ``timezone.now()`` — a ledger entry's ``created_at`` (``auto_now_add``), a
charge's, a loan's number, a customer's file, a unit's registration, the follow-ups a closing
schedules. (A field's ``default=timezone.now`` was bound before any patch: the loader gives such a
field its moment itself, as a staff account's ``date_joined``.) Order events and signatures are
re-dated afterwards (``DemoLoader``), but a ledger is append-only: its entries cannot be moved once
written, so they are written at their time, with the clock the services read set to the story's
moment while they run. Only the demo loader does this (one thread, inside its transaction); the
services' rules apply as they would have that day.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock


@contextmanager
def happened_at(moment: datetime.datetime, *, now: datetime.datetime) -> Iterator[datetime.datetime]:
    """Run the block as if it were ``moment`` (never later than the load's ``now``); yields the moment used."""
    at = min(moment, now)
    # A plain function, not a MagicMock: the services read the clock often, and the demo sets it
    # over a thousand times (a mock's calls made loading the demo a tenth slower).
    with mock.patch("django.utils.timezone.now", new=lambda: at):
        yield at
