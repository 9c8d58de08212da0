"""Domain-named reads on customers."""

from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models import BooleanField, F, Func, Value

# The PostgreSQL function and GIN index of migration 0003_customer_name_bigrams.
BIGRAMS_FUNCTION = "aftersales_bigrams"


class NameHasBigram(Func):
    """``aftersales_bigrams(name) @> ARRAY[UPPER(fragment)]``: the upper-cased name contains the
    two-character ``fragment``, answered by the bigram index (PostgreSQL only)."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        name_sql, name_params = compiler.compile(self.source_expressions[0])
        text_sql, text_params = compiler.compile(self.source_expressions[1])
        return f"{BIGRAMS_FUNCTION}({name_sql}::text) @> ARRAY[UPPER({text_sql}::text)]", (*name_params, *text_params)


class CustomerQuerySet(models.QuerySet):
    def name_contains(self, text: str) -> CustomerQuerySet:
        """Customers whose name contains ``text``, ignoring case: exactly ``name__icontains``.

        PostgreSQL answers fragments of three or more characters from the trigram index on
        ``UPPER(name)`` (migration 0002); trigrams cannot serve two, so a two-character fragment
        (``华通``) is looked up in the bigram index (0003) instead of scanning every customer.
        The bigrams are computed by the database from the name itself, so every write path (saves,
        renames, imports, ``bulk_create``, ``COPY``) keeps them current. SQLite: ``icontains``.
        """
        # (A fragment whose upper case is longer, such as "ßa", keeps icontains.)
        if len(text) == 2 and len(text.upper()) == 2 and connections[self.db].vendor == "postgresql":
            return self.filter(NameHasBigram(F("name"), Value(text)))
        return self.filter(name__icontains=text)


class ContactQuerySet(models.QuerySet):
    def in_use(self) -> ContactQuerySet:
        """The contacts a new order, letter or portal sign-in may use (not taken out of use)."""
        return self.filter(in_use=True)


class SiteQuerySet(models.QuerySet):
    def in_use(self) -> SiteQuerySet:
        """The sites a new order or unit may name (not taken out of use)."""
        return self.filter(in_use=True)
