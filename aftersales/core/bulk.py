"""Writing many new rows of one model at once (an import's batch): ``bulk_insert`` and ``insert_rows``.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg 3's ``cursor.copy``), their ids
taken from the table's sequence first in one statement; Django's ``bulk_create`` spends most of a
batch compiling its INSERT (a prepared value per field and row, then the parameters dumped as
arrays), which COPY does not need. The values written are the ones ``bulk_create`` would write:
every concrete field but the primary key, ``auto_now``/``auto_now_add`` fields set by the field's
own ``pre_save``, JSON through the field's ``get_db_prep_save``, choices as their plain value;
a field of a kind not listed here goes through ``pre_save`` + ``get_db_prep_save`` as the ORM does.
The database keeps its indexes (the customer name's bigram index among them), constraints and
triggers as for any INSERT. Elsewhere (SQLite), and for a single row, it is ``bulk_create``.

``insert_rows`` takes the rows as ``{attname: value}`` instead of model instances (building an
instance per row was a fifth of an order import's write) and writes a given ``auto_now_add`` value
as given (historical dates); elsewhere than PostgreSQL, and for a single row, it is a plain
``INSERT … RETURNING`` with every value through ``get_db_prep_save``, as the ORM prepares them.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from psycopg import sql

from aftersales.core.models import DailyCounter
from aftersales.core.numbering import next_number, number_prefix

__all__ = ["bulk_insert", "insert_new", "insert_numbered", "insert_one", "insert_rows"]

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


def _auto_time(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How COPY takes a field's value (``None``: as it is)."""
    if isinstance(field, models.FileField | models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, _TEXT) and not field.null:
        # str() of a TextChoices member is its value (psycopg would dump an Enum by its name).
        return _text
    if isinstance(field, models.IntegerField) and not isinstance(field, models.ForeignKey) and field.choices:
        return _integer
    if isinstance(field, _PLAIN) and not isinstance(field, _TEXT):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _getter(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    attname = field.attname
    if _auto_time(field) or isinstance(field, models.FileField):
        # The field's own steps, as bulk_create takes them.
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    convert = _converter(field, connection)
    if convert is None:
        return lambda obj: getattr(obj, attname)
    return lambda obj: convert(getattr(obj, attname))


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
    ids = _copy(connection, model, fields, ([get(obj) for get in getters] for obj in objs), len(objs))
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = database
    return objs


def _missing(field: models.Field, now: datetime.datetime) -> Callable[[], Any]:
    """The value of a field a row leaves out: what a new instance would hold when saved."""
    if _auto_time(field):
        value: Any = now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
        return lambda: value
    if field.has_default() and callable(field.default):
        return field.get_default  # a fresh one per row (a dict, a list)
    value = field.get_default()
    return lambda: value


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Insert new rows of ``model``, each ``{attname: value}``, and return their ids in order.

    A field a row leaves out takes its default (``Field.get_default``, as a new instance does) and
    an ``auto_now``/``auto_now_add`` one the time of the call; a given value is written as given, the
    ``auto_now_add`` ones included (the dates of an imported history). No instance is built."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if f is not pk]
    now = timezone.now()
    fillers = {f.attname: _missing(f, now) for f in fields}

    def values(row: dict[str, Any]) -> list[Any]:
        return [row[f.attname] if f.attname in row else fillers[f.attname]() for f in fields]

    if connection.vendor == "postgresql" and len(rows) > 1 and isinstance(pk, models.AutoField):
        converters = [_converter(f, connection) for f in fields]
        converted = (
            [
                value if convert is None else convert(value)
                for convert, value in zip(converters, values(row), strict=True)
            ]
            for row in rows
        )
        return _copy(connection, model, fields, converted, len(rows))
    with connection.cursor() as cursor:
        return _insert_returning(connection, cursor, model, fields, [values(row) for row in rows])


def _copy(
    connection: Any, model: type[models.Model], fields: list[models.Field], rows: Iterable[list[Any]], count: int
) -> list[int]:
    """``count`` rows (each the values of ``fields``, ready for COPY) with ids from the table's
    sequence, taken first in one statement; returns the ids in the rows' order."""
    opts = model._meta
    pk = opts.pk
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(opts.db_table),
        sql.SQL(", ").join(sql.Identifier(c) for c in [pk.column, *(f.column for f in fields)]),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, count],
        )
        ids = sorted(found[0] for found in cursor.fetchall())
        # The raw cursor's COPY bypasses Django's wrapper: a broken constraint is then Django's
        # IntegrityError, as from bulk_create, for the caller to answer.
        with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                copy.write_row((pk_value, *row))
    return ids


def _insert_returning(
    connection: Any, cursor: Any, model: type[models.Model], fields: list[models.Field], rows: list[list[Any]]
) -> list[int]:
    """Multi-row ``INSERT … RETURNING`` in the batches the database allows, values prepared as the ORM does."""
    quote = connection.ops.quote_name
    opts = model._meta
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "  # noqa: S608 (names from the model)
    tail = f" RETURNING {quote(opts.pk.column)}"
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    ids: list[int] = []
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        params = [
            field.get_db_prep_save(value, connection) for row in batch for field, value in zip(fields, row, strict=True)
        ]
        cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
        ids.extend(found[0] for found in cursor.fetchall())
    return ids


# The one-row INSERT of each model, per database vendor (quoting differs), as ``_insert_sql`` wrote it.
_INSERTS: dict[tuple[type[models.Model], str], tuple[str, list[models.Field]] | None] = {}


def _insert_sql(model: type[models.Model], connection: Any) -> tuple[str, list[models.Field]] | None:
    """The one-row ``INSERT … RETURNING`` of ``model`` and its fields, or ``None`` where ``save()`` must
    write it (a parent table, a primary key that is not a sequence, a value the database computes)."""
    key = (model, connection.vendor)
    if key in _INSERTS:
        return _INSERTS[key]
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if f is not pk]
    plan = None
    if not opts.parents and isinstance(pk, models.AutoField) and not any(f.db_returning or f.generated for f in fields):
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = quote(opts.db_table)
        plan = (f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {quote(pk.column)}", fields)  # noqa: S608
    _INSERTS[key] = plan
    return plan


# The one-row INSERT of each model that writes nothing when a row with the same unique values exists.
_INSERTS_NEW: dict[tuple[type[models.Model], str, tuple[str, ...]], tuple[str, list[models.Field]] | None] = {}


def _insert_new_sql(
    model: type[models.Model], connection: Any, unique: tuple[str, ...]
) -> tuple[str, list[models.Field]] | None:
    """``_insert_sql``'s INSERT with ``ON CONFLICT (unique) DO NOTHING`` before its RETURNING, or None."""
    key = (model, connection.vendor, unique)
    if key not in _INSERTS_NEW:
        plan = None
        if (
            connection.features.can_return_columns_from_insert
            and connection.features.supports_update_conflicts_with_target
        ):
            plan = _insert_sql(model, connection)
        if plan is not None:
            targets = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in unique)
            statement, fields = plan
            plan = (statement.replace(" RETURNING ", f" ON CONFLICT ({targets}) DO NOTHING RETURNING ", 1), fields)
        _INSERTS_NEW[key] = plan
    return _INSERTS_NEW[key]


def insert_new(obj: models.Model, *, unique: tuple[str, ...]) -> bool:
    """Insert a new instance unless a row with its values of the unique fields ``unique`` exists: True
    and the instance saved (``post_save`` sent when anything listens), or False and nothing written.
    One ``INSERT … ON CONFLICT (…) DO NOTHING RETURNING``, no read first and no savepoint (an outbox
    message of every order create, benchmarks/README.md); a concurrent transaction that wrote the same
    values first is waited for, as for any unique index. Where the database cannot say it in one
    statement, a savepoint around ``save()`` does it."""
    model = type(obj)
    database = router.db_for_write(model, instance=obj)
    connection = connections[database]
    plan = _insert_new_sql(model, connection, unique) if obj.pk is None else None
    if plan is None:
        try:
            with transaction.atomic(using=database):
                obj.save(force_insert=True, using=database)
        except IntegrityError:
            if not model._default_manager.using(database).filter(**{n: getattr(obj, n) for n in unique}).exists():
                raise
            return False
        return True
    return _execute_insert(obj, plan, database) is not None


def insert_one[M: models.Model](obj: M) -> M:
    """``obj.save()`` of a new instance (what ``Model.objects.create`` does), its INSERT written once per
    model instead of compiled on every save: a fifth of an order create's Python was Django compiling
    the order's and its event's INSERT (benchmarks/README.md). The values are the ORM's own (each
    field's ``pre_save`` then ``get_db_prep_save``), ``pre_save``/``post_save`` are sent when anything
    listens, and a model this cannot write (see ``_insert_sql``) or an instance with its primary key
    set goes through ``save(force_insert=True)``."""
    model = type(obj)
    database = router.db_for_write(model, instance=obj)
    connection = connections[database]
    plan = None
    if obj.pk is None and connection.features.can_return_columns_from_insert:
        plan = _insert_sql(model, connection)
    if plan is None:
        obj.save(force_insert=True, using=database)
        return obj
    return _execute_insert(obj, plan, database)  # type: ignore[return-value]  (a plain INSERT returns its row)


def _execute_insert[M: models.Model](obj: M, plan: tuple[str, list[models.Field]], database: str) -> M | None:
    """Run a prepared one-row ``INSERT … RETURNING id`` for ``obj`` with the ORM's own values (each field's
    ``pre_save`` then ``get_db_prep_save``), ``pre_save``/``post_save`` sent when anything listens: the
    instance saved, or None when the statement returned no row (``ON CONFLICT DO NOTHING``)."""
    model = type(obj)
    connection = connections[database]
    statement, fields = plan
    if pre_save.has_listeners(model):
        pre_save.send(sender=model, instance=obj, raw=False, using=database, update_fields=None)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return None
    obj.pk = row[0]
    return _inserted(obj, database)


def _inserted[M: models.Model](obj: M, database: str) -> M:
    """The instance marked as saved, as ``save()`` leaves it, and ``post_save`` sent when anything listens."""
    obj._state.adding = False
    obj._state.db = database
    if post_save.has_listeners(type(obj)):
        post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=database)
    return obj


# The one-row INSERT of each model that takes its number from the day's counter in the same statement.
_NUMBERED: dict[tuple[type[models.Model], str], tuple[str, list[models.Field]] | None] = {}


def _numbered_sql(model: type[models.Model], field: str, connection: Any) -> tuple[str, list[models.Field]] | None:
    key = (model, field)
    if key not in _NUMBERED:
        plan = _insert_sql(model, connection)
        _NUMBERED[key] = None
        if plan is not None:
            _plain_insert, fields = plan
            opts, quote = model._meta, connection.ops.quote_name
            counter = quote(DailyCounter._meta.db_table)
            # The counter's value, zero-padded to at least the width, as next_number writes it.
            number = "%s || repeat('0', greatest(0, %s - length(n.value::text))) || n.value::text"
            select = ", ".join(number if f.attname == field else "%s" for f in fields)
            _NUMBERED[key] = (
                f"WITH n AS (INSERT INTO {counter} (prefix, day, value) VALUES (%s, %s, 1) "  # noqa: S608 (our names)
                f"ON CONFLICT (prefix, day) DO UPDATE SET value = {counter}.value + 1 RETURNING value) "
                f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                f"SELECT {select} FROM n RETURNING {quote(opts.pk.column)}, {quote(opts.get_field(field).column)}",
                fields,
            )
    return _NUMBERED[key]


def insert_numbered[M: models.Model](obj: M, *, field: str, prefix: str, day: datetime.date, width: int = 5) -> M:
    """``insert_one(obj)`` with ``obj.<field>`` set to ``next_number(prefix=…, day=…)`` first.

    On PostgreSQL the counter is incremented by the INSERT itself (a data-modifying ``WITH``): the
    counter row's lock, which every other insert of that day waits for until this transaction commits,
    is taken by the last statement but the ones after it instead of before the row's values are even
    prepared (order creates: benchmarks/README.md). Elsewhere, or when something listens to
    ``pre_save`` (it would see no number), the number is taken first and the row written by ``insert_one``."""
    model = type(obj)
    database = router.db_for_write(model, instance=obj)
    connection = connections[database]
    plan = None
    if obj.pk is None and connection.vendor == "postgresql" and not pre_save.has_listeners(model):
        plan = _numbered_sql(model, field, connection)
    if plan is None:
        setattr(obj, field, next_number(prefix=prefix, day=day, width=width))
        return insert_one(obj)
    statement, fields = plan
    params: list[Any] = [prefix, day]
    for f in fields:
        if f.attname == field:
            params += [number_prefix(prefix, day), width]
        else:
            params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        obj.pk, number = cursor.fetchone()
    setattr(obj, field, number)
    return _inserted(obj, database)
