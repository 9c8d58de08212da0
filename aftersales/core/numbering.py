"""Readable, gap-free daily numbers (``SO`` + yyyymmdd + 5 digits), one atomic statement each."""

import datetime

from django.db import connection

from aftersales.core.models import DailyCounter


def number_prefix(prefix: str, day: datetime.date) -> str:
    """What every number of that prefix and day starts with: ``SO20261205``."""
    return f"{prefix}{day:%Y%m%d}"


def next_number(*, prefix: str, day: datetime.date, width: int = 5) -> str:
    """Increment the (prefix, day) counter and return the formatted number.

    An ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` takes the row lock and increments in one
    statement on both SQLite and PostgreSQL, so concurrent callers never get the same number.
    """
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, day, value) VALUES (%s, %s, 1) "  # noqa: S608  (table name is ours)
            "ON CONFLICT (prefix, day) DO UPDATE SET value = " + table + ".value + 1 RETURNING value",
            [prefix, day],
        )
        (value,) = cursor.fetchone()
    return f"{number_prefix(prefix, day)}{value:0{width}d}"
