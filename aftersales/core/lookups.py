"""``field__literal_in``: ``IN`` with the values written into the SQL instead of bound as parameters.
``field__any``: ``= ANY(%s)`` with the values bound as one array parameter (PostgreSQL)."""

import re
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup

_CODE = re.compile(r"[a-z0-9_]+")


@models.CharField.register_lookup
class LiteralIn(Lookup):
    """``status__literal_in=OPEN_STATUSES`` is ``status IN ('new', 'accepted', …)`` with the codes in the
    statement's text. A partial index whose condition is that very list (``order_centre_open_idx``) is
    only matched against literals: SQLite compares the terms as written and cannot see a bound
    parameter's value, and a prepared statement's generic plan on PostgreSQL cannot either. For our own
    choice codes only (lower-case letters, digits, underscores): anything else is refused."""

    lookup_name = "literal_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = tuple(str(value) for value in self.rhs)
        if not values or not all(_CODE.fullmatch(value) for value in values):
            raise ValueError(f"literal_in takes choice codes only, not {self.rhs!r}")
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(repr(value) for value in self.rhs)})", list(params)


@models.IntegerField.register_lookup
class AnyOf(Lookup):
    """``id__any=[3, 5, 8]`` is ``id = ANY(%s)`` on PostgreSQL, the list bound as one array parameter: the
    statement's text is the same for every length of list, so one prepared statement serves them all
    (``IN (%s, %s, …)`` is a statement per length, and psycopg keeps 100 a connection). Elsewhere it is
    ``IN (…)``, as ``__in`` writes it. Integers only."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, str | bytes) or not all(type(value) is int for value in self.rhs):
            raise ValueError(f"any takes a list of integers, not {self.rhs!r}")
        return list(dict.fromkeys(self.rhs))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]
