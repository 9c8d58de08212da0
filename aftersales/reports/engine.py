"""How a figure is described and computed: a few sources (scoped, filtered querysets), groupings
(a field, or the local month of a date), and measures (a conditional count, a sum or an average of
one source). Each table is one ``GROUP BY`` query per source; the total one aggregate per source;
rates are the ratio of two aggregated measures. Nothing is counted in Python.

The records behind any cell are the same source narrowed by the same conditions (``records``), so a
click-through list has exactly the count the figure shows."""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Avg, Case, Count, Q, QuerySet, Sum, Value, When

from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.core.amounts import FEN
from aftersales.core.validation import is_record_id
from aftersales.reports.filters import Filters, local_midnight, next_month

Source = Callable[[User, Filters], QuerySet[Any]]
Bounds = tuple[datetime.datetime, datetime.datetime]
ONE = Decimal("0.1")


@dataclass(frozen=True)
class Grouping:
    """Rows of a table. ``fields``: the path of the grouping field in each source. ``kind``: "field"
    (the field's values), "month" (the local month of a date/time field: keys ``YYYY-MM``) or "buckets"
    (the months of the period as rows, each measure's condition taking the month's bounds). A source's
    field and month groupings are read in one statement grouped by all of them (rows: the product of
    their values); mark a grouping with many values ``alone`` to give it a statement of its own."""

    key: str
    label: Any
    fields: Mapping[str, str] = field(default_factory=dict)
    kind: str = "field"
    labels: Callable[[list[Any]], Mapping[Any, str]] | None = None
    alone: bool = False  # many values (a technician, a part): not grouped together with the others
    # The rows' order by the raw key (a choice's place in its choices: new, accepted, dispatched …);
    # without it, by the key (ids as numbers, else as text).
    rank: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Measure:
    """``agg``: "count" (records meeting ``condition``), "sum" or "avg" of ``expr`` over them.
    ``unit``: "n", "h" (hours, from a duration), "money", "qty", "score". ``condition`` may be a
    callable of a month's bounds (for "buckets" groupings)."""

    key: str
    label: Any
    source: str
    agg: str = "count"
    condition: Q | Callable[[Bounds | None], Q] | None = None
    expr: Any = None
    unit: str = "n"
    per_month: bool = False  # a condition of a month's bounds: only in a "buckets" grouping, no total


@dataclass(frozen=True)
class Rate:
    """``(sum of plus − sum of minus) / den × 100``, in per cent (one decimal); no figure when den is 0.
    The records behind it are those of ``plus[0]``."""

    key: str
    label: Any
    plus: tuple[str, ...]
    den: str
    minus: tuple[str, ...] = ()
    unit: str = "%"
    scale: int = 100


@dataclass(frozen=True)
class FigureSpec:
    key: str
    title: Any
    sources: Mapping[str, Source]
    measures: Sequence[Measure]
    groupings: Sequence[Grouping] = ()
    rates: Sequence[Rate] = ()
    chart: Mapping[str, Any] = field(default_factory=dict)
    note: Any = ""

    def measure(self, key: str) -> Measure:
        for m in self.measures:
            if m.key == key:
                return m
        raise KeyError(key)

    def grouping(self, key: str) -> Grouping:
        for g in self.groupings:
            if g.key == key:
                return g
        raise KeyError(key)

    @property
    def columns(self) -> list[Measure | Rate]:
        return [*self.measures, *self.rates]


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, Any]


@dataclass
class Table:
    grouping: Grouping
    rows: list[Row]


@dataclass
class FigureResult:
    spec: FigureSpec
    filters: Filters
    total: Row
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.grouping.key == key)


# ---- computing ------------------------------------------------------------------------------------
def _hours(value: Any) -> Decimal | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, datetime.timedelta) else float(value) / 1_000_000
    return (Decimal(seconds) / 3600).quantize(ONE, ROUND_HALF_UP)


def _finish(measure: Measure, value: Any, n: int | None = None) -> Any:
    """The shown value of a measure from its aggregate (a rolled-up average: its sum and count ``n``)."""
    if measure.agg == "count":
        return value or 0
    if measure.agg == "avg" and n is not None:  # rolled up: the sum of the values and their count
        if not n or value is None:
            return None
        value = value / n if isinstance(value, datetime.timedelta) else Decimal(value) / n
    if measure.unit == "h":
        return _hours(value)
    if value is None:
        return Decimal("0.00") if measure.agg == "sum" else None
    if measure.unit in ("money", "qty"):
        return Decimal(value).quantize(FEN if measure.unit == "money" else Decimal("0.001"), ROUND_HALF_UP)
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _condition(measure: Measure, bounds: Bounds | None) -> Q | None:
    if callable(measure.condition):
        return measure.condition(bounds)
    return measure.condition


def _aggregate(measure: Measure, bounds: Bounds | None = None) -> Any:
    """A measure's aggregate over one month's bounds (the "buckets" grouping: one statement)."""
    condition = _condition(measure, bounds)
    if measure.agg == "count":
        return Count("pk", filter=condition)
    function = Sum if measure.agg == "sum" else Avg
    output = models.DurationField() if measure.unit == "h" else None
    if output is not None:
        return function(measure.expr, filter=condition, output_field=output)
    return function(measure.expr, filter=condition)


def _parts(measure: Measure, prefix: str = "") -> dict[str, Any]:
    """The additive aggregates a measure is rolled up from: a count; a sum; an average as its sum and
    the count of its values (``COUNT(expr)``: an average skips the records without a value)."""
    condition = _condition(measure, None)
    alias = prefix + _alias(measure.key)
    if measure.agg == "count":
        return {alias: Count("pk", filter=condition)}
    output = models.DurationField() if measure.unit == "h" else None
    extra = {"output_field": output} if output is not None else {}
    parts = {alias: Sum(measure.expr, filter=condition, **extra)}
    if measure.agg == "avg":
        parts[f"{alias}_n"] = Count(measure.expr, filter=condition)
    return parts


def _add(total: Any, value: Any) -> Any:
    if value is None:
        return total
    if total is None:
        return value
    return total + value


def _rate(rate: Rate, values: Mapping[str, Any]) -> Decimal | None:
    den = values.get(rate.den) or 0
    if not den:
        return None
    num = sum(Decimal(values.get(k) or 0) for k in rate.plus) - sum(Decimal(values.get(k) or 0) for k in rate.minus)
    return (num * rate.scale / Decimal(den)).quantize(ONE, ROUND_HALF_UP)


def _with_rates(spec: FigureSpec, values: dict[str, Any]) -> dict[str, Any]:
    for rate in spec.rates:
        values[rate.key] = _rate(rate, values)
    return values


def month_bounds(month: datetime.date) -> Bounds:
    return local_midnight(month), local_midnight(next_month(month))


def _is_moment(model: type[models.Model], path: str) -> bool:
    """Whether ``path`` (``order__completed_at``) ends at a date-time field (a month of it then runs
    from local midnight to local midnight) rather than a date field."""
    field: Any = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    return isinstance(field, models.DateTimeField)


def _group_expression(model: type[models.Model], grouping: Grouping, path: str, filters: Filters) -> Any:
    """A field's value, or the key (``YYYY-MM``) of the period's month a date falls in: a chain of
    comparisons with the months' ends (in local time), several times cheaper than truncating every
    row's time in the business time zone; a date outside the period (every source is restricted to
    it) or none has no month."""
    if grouping.kind != "month":
        return models.F(path)
    moment = _is_moment(model, path)
    months = filters.months()
    first = local_midnight(months[0]) if moment else months[0]
    whens = [When(**{f"{path}__lt": first}, then=Value(None, output_field=models.CharField()))]
    for month in months:
        end = local_midnight(next_month(month)) if moment else next_month(month)
        whens.append(When(**{f"{path}__lt": end}, then=Value(month.strftime("%Y-%m"))))
    return Case(*whens, default=Value(None), output_field=models.CharField())


def _month_key(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        value = value.astimezone(business_timezone()).date() if value.tzinfo else value.date()
    return value.strftime("%Y-%m") if value is not None else ""


def _alias(key: str) -> str:
    """Aggregates are named apart from the models' fields (a measure "quantity" beside a field)."""
    return f"figure_{key}"


def _row_key(grouping: Grouping, value: Any) -> str:
    if grouping.kind == "month":
        return _month_key(value)
    return "" if value is None else str(value)


class _Rollup:
    """Sums of the additive aggregates of one source of a figure, per row of each grouping and in
    total. ``prefix`` names the figure's aggregates apart from another figure's in a shared statement."""

    def __init__(self, measures: list[Measure], prefix: str) -> None:
        self.measures = measures
        self.prefix = prefix
        self.aggregates = {a: agg for m in measures for a, agg in _parts(m, prefix).items()}
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}  # grouping key -> row key -> alias -> sum
        self.raw_keys: dict[str, dict[str, Any]] = {}  # grouping key -> row key -> grouped value
        self.total: dict[str, Any] = {}

    def add(self, grouping: Grouping | None, value: Any, aggregates: Mapping[str, Any]) -> None:
        if grouping is None:
            target = self.total
        else:
            key = _row_key(grouping, value)
            self.raw_keys.setdefault(grouping.key, {}).setdefault(key, value)
            target = self.rows.setdefault(grouping.key, {}).setdefault(key, {})
        for alias in self.aggregates:
            target[alias] = _add(target.get(alias), aggregates[alias])

    def values(self, sums: Mapping[str, Any]) -> dict[str, Any]:
        alias = self.prefix + "{}"
        return {
            m.key: _finish(m, sums.get(alias.format(_alias(m.key))), sums.get(alias.format(_alias(m.key)) + "_n"))
            for m in self.measures
        }


@dataclass
class _Reader:
    """One statement and the figures' roll-ups it feeds: a source grouped by some groupings (or by
    none: the total)."""

    qs: QuerySet[Any]
    groups: dict[str, Any]
    feeds: list[tuple[_Rollup, list[Grouping], bool]] = field(default_factory=list)  # (roll-up, groupings, total?)

    def run(self) -> None:
        aggregates = {a: agg for rollup, _g, _t in self.feeds for a, agg in rollup.aggregates.items()}
        if not self.groups:
            rows: Any = [self.qs.aggregate(**aggregates)]
        else:
            rows = self.qs.order_by().annotate(**self.groups).values(*self.groups).annotate(**aggregates)
        for row in rows:
            for rollup, groupings, total in self.feeds:
                for i, g in enumerate(groupings):
                    rollup.add(g, row[f"_g{i}"], row)
                if total:
                    rollup.add(None, None, row)


def compute(spec: FigureSpec, user: User, filters: Filters) -> FigureResult:
    return compute_all([spec], user, filters)[0]


def compute_all(specs: Sequence[FigureSpec], user: User, filters: Filters) -> list[FigureResult]:
    """The figures of a screen. Each source is read once for all of a figure's field and month
    groupings (grouped by all of them together, then summed per grouping and in total: every measure
    is a count or a sum, an average being a sum and a count), and once for every figure of the screen
    that reads the same source with the same groupings (SLA compliance and the mean times: one pass
    over the period's orders). A grouping marked ``alone`` has its own statement; the "buckets"
    grouping one statement of conditional aggregates per source."""
    readers: dict[tuple[Any, ...], _Reader] = {}
    plans = []
    for spec in specs:
        querysets = {name: source(user, filters) for name, source in spec.sources.items()}
        by_source: dict[str, list[Measure]] = {}
        for m in spec.measures:
            if not m.per_month:
                by_source.setdefault(m.source, []).append(m)
        rollups = {name: _Rollup(measures, f"{spec.key}__") for name, measures in by_source.items()}
        for name, rollup in rollups.items():
            qs = querysets[name]
            together = [g for g in spec.groupings if g.kind != "buckets" and not g.alone and g.fields.get(name)]
            alone = [g for g in spec.groupings if g.kind != "buckets" and g.alone and g.fields.get(name)]
            sets = [together] if together else []
            sets += [[g] for g in alone]
            for j, groupings in enumerate(sets or [[]]):
                groups = {
                    f"_g{i}": _group_expression(qs.model, g, g.fields[name], filters) for i, g in enumerate(groupings)
                }
                signature = (spec.sources[name], tuple((g.kind, g.fields[name]) for g in groupings))
                reader = readers.setdefault(signature, _Reader(qs, groups))
                reader.feeds.append((rollup, groupings, j == 0))
        plans.append((spec, querysets, rollups))
    for reader in readers.values():
        reader.run()
    results = []
    for spec, querysets, rollups in plans:
        tables = []
        for grouping in spec.groupings:
            if grouping.kind == "buckets":
                tables.append(_buckets(spec, grouping, querysets, filters))
            else:
                tables.append(_table(spec, grouping, rollups))
        total_values: dict[str, Any] = {}
        for rollup in rollups.values():
            total_values.update(rollup.values(rollup.total))
        total = Row(key="", label="", values=_with_rates(spec, total_values))
        results.append(FigureResult(spec=spec, filters=filters, total=total, tables=tables))
    return results


def _table(spec: FigureSpec, grouping: Grouping, rollups: Mapping[str, _Rollup]) -> Table:
    values: dict[str, dict[str, Any]] = {}
    raw_keys: dict[str, Any] = {}
    for name, rollup in rollups.items():
        if not grouping.fields.get(name):
            continue
        raw_keys.update(rollup.raw_keys.get(grouping.key, {}))
        for key, sums in rollup.rows.get(grouping.key, {}).items():
            values.setdefault(key, {}).update(rollup.values(sums))
    labels = grouping.labels(list(raw_keys.values())) if grouping.labels and raw_keys else {}
    out = []
    rank = grouping.rank
    order = (lambda key: (rank(raw_keys.get(key, key)), _sort_key(key))) if rank else _sort_key
    for key in sorted(values, key=order):
        row_values = {m.key: _finish(m, None) for m in spec.measures if grouping.fields.get(m.source)}
        row_values.update(values[key])
        label = str(labels.get(raw_keys[key], key)) if labels else key
        out.append(Row(key=key, label=label or "—", values=_with_rates(spec, row_values)))
    return Table(grouping=grouping, rows=out)


def _sort_key(key: str) -> tuple[int, Any]:
    return (0, int(key)) if key.isdigit() else (1, key)


def _buckets(spec: FigureSpec, grouping: Grouping, querysets: Mapping[str, QuerySet[Any]], filters: Filters) -> Table:
    by_source: dict[str, list[Measure]] = {}
    for m in spec.measures:
        by_source.setdefault(m.source, []).append(m)
    months = filters.months()
    values: dict[str, dict[str, Any]] = {m.strftime("%Y-%m"): {} for m in months}
    for name, measures in by_source.items():
        aggregates = {}
        for i, month in enumerate(months):
            bounds = month_bounds(month)
            for m in measures:
                aggregates[_alias(f"{m.key}_{i}")] = _aggregate(m, bounds)
        got = querysets[name].aggregate(**aggregates)
        for i, month in enumerate(months):
            values[month.strftime("%Y-%m")].update({m.key: _finish(m, got[_alias(f"{m.key}_{i}")]) for m in measures})
    rows = [Row(key=k, label=k, values=_with_rates(spec, v)) for k, v in values.items()]
    return Table(grouping=grouping, rows=rows)


# ---- the records behind a cell --------------------------------------------------------------------
class UnknownCell(LookupError):
    """A grouping, row or measure the figure does not have (the field named in ``args[0]``)."""


def _row_value(model: type[models.Model], path: str, row: str) -> Any:
    """``row`` (a grouping's row key) as a value of the field at ``path`` (``technician_id``,
    ``order__service_center_id``, ``status``); ``UnknownCell("row")`` when the field can hold no such value:
    letters or 2**70 for an id (the query failed, a 500: QA 2026-12-07), a code no choice has."""
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    field = model._meta.get_field(last)
    target = field.target_field if field.is_relation else field
    try:
        value = target.to_python(row)
    except ValidationError:
        raise UnknownCell("row") from None
    if (field.is_relation or target.primary_key) and not is_record_id(value):
        raise UnknownCell("row")
    if target.choices and value not in {code for code, _label in target.flatchoices}:
        raise UnknownCell("row")
    return value


def parse_month_key(key: str) -> datetime.date:
    try:
        year, month = (int(part) for part in key.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        raise UnknownCell("row") from None


def records(
    spec: FigureSpec, user: User, filters: Filters, *, measure: str, grouping: str = "", row: str = ""
) -> tuple[str, QuerySet[Any]]:
    """The source's name and the records counted in one cell (``measure`` of ``row`` of ``grouping``;
    no grouping: the total). A rate's records are those of its numerator's first measure."""
    rate = next((r for r in spec.rates if r.key == measure), None)
    try:
        m = spec.measure(rate.plus[0] if rate else measure)
    except KeyError:
        raise UnknownCell("measure") from None
    qs = spec.sources[m.source](user, filters)
    bounds: Bounds | None = None
    if grouping:
        try:
            g = spec.grouping(grouping)
        except KeyError:
            raise UnknownCell("by") from None
        if g.kind == "buckets":
            bounds = month_bounds(parse_month_key(row))
        else:
            path = g.fields.get(m.source)
            if path is None:
                raise UnknownCell("measure")
            if g.kind == "month":
                month = parse_month_key(row)
                if _is_moment(qs.model, path):
                    since, until = month_bounds(month)
                    qs = qs.filter(**{f"{path}__gte": since, f"{path}__lt": until})
                else:
                    qs = qs.filter(**{f"{path}__gte": month, f"{path}__lt": next_month(month)})
            elif row == "":
                qs = qs.filter(**{f"{path}__isnull": True})
            else:
                qs = qs.filter(**{path: _row_value(qs.model, path, row)})
    elif m.per_month:
        raise UnknownCell("by")
    condition = _condition(m, bounds)
    if condition is not None:
        qs = qs.filter(condition)
    return m.source, qs
