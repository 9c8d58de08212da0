"""Writing many new rows of one model at once (an import's batch): ``bulk_insert``.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``), their ids
taken from the table's sequence first in one statement; Django's ``bulk_create`` spends most of a
batch compiling its INSERT (a prepared value per field and row, then the parameters dumped as
arrays), which COPY does not need. The values written are the ones ``bulk_create`` would write:
every concrete field but the primary key, ``auto_now``/``auto_now_add`` fields set by the field's
own ``pre_save``, JSON through the field's ``get_db_prep_save``, choices as their plain value;
a field of a kind not listed here goes through ``pre_save`` + ``get_db_prep_save`` as the ORM does.
The database keeps its indexes (the customer name's bigram index among them), constraints and
triggers as for any INSERT. Elsewhere (SQLite), and for a single row, it is ``bulk_create``.
"""

from collections.abc import Callable
from typing import Any

from django.db import connections, models, router
from psycopg import sql

__all__ = ["bulk_insert"]

# Fields whose value is written as the attribute holds it (after the plain-value step below).
_TEXT = (models.CharField, models.TextField)
_PLAIN = (
    models.IntegerField,  # and its Small/Big/Positive kinds
    models.BooleanField,
    models.DateField,  # and DateTimeField (aware values; USE_TZ)
    models.DecimalField,
    models.FloatField,
    models.ForeignKey,
)


def _getter(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    attname = field.attname
    if (
        getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
        or isinstance(field, models.FileField | models.JSONField)
    ):
        # The field's own steps, as bulk_create takes them.
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    if isinstance(field, _TEXT) and not field.null:
        # str() of a TextChoices member is its value (psycopg would dump an Enum by its name).
        return lambda obj: _text(getattr(obj, attname))
    if isinstance(field, models.IntegerField) and not isinstance(field, models.ForeignKey) and field.choices:
        return lambda obj: _integer(getattr(obj, attname))
    if isinstance(field, _PLAIN) and not isinstance(field, _TEXT):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else str(value)


def _integer(value: Any) -> Any:
    return value if value is None or type(value) is int else int(value)


def bulk_insert[M: models.Model](objs: list[M]) -> list[M]:
    """Insert new (unsaved) instances of one model and set their primary keys, as
    ``Model.objects.bulk_create(objs)`` does; COPY on PostgreSQL. Returns ``objs``."""
    if not objs:
        return objs
    model = type(objs[0])
    database = router.db_for_write(model)
    connection = connections[database]
    opts = model._meta
    pk = opts.pk
    if (
        connection.vendor != "postgresql"
        or len(objs) == 1
        or not isinstance(pk, models.AutoField)  # Big/Small kinds included
        or any(obj.pk is not None for obj in objs)
        or opts.parents
    ):
        return model._default_manager.db_manager(database).bulk_create(objs)
    fields = [f for f in opts.concrete_fields if f is not pk]
    getters = [_getter(f, connection) for f in fields]
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(opts.db_table),
        sql.SQL(", ").join(sql.Identifier(c) for c in [pk.column, *(f.column for f in fields)]),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(objs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        with cursor.cursor.copy(copy_sql) as copy:
            for obj, pk_value in zip(objs, ids, strict=True):
                copy.write_row((pk_value, *[get(obj) for get in getters]))
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = database
    return objs
