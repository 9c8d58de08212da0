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

from django.db import models
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.reports.filters import Filters, local_midnight, next_month

Source = Callable[[User, Filters], QuerySet[Any]]
Bounds = tuple[datetime.datetime, datetime.datetime]
ONE = Decimal("0.1")
FEN = Decimal("0.01")


@dataclass(frozen=True)
class Grouping:
    """Rows of a table. ``fields``: the path of the grouping field in each source. ``kind``: "field"
    (the field's values), "month" (the local month of a date/time field: keys ``YYYY-MM``) or "buckets"
    (the months of the period as rows, each measure's condition taking the month's bounds)."""

    key: str
    label: Any
    fields: Mapping[str, str] = field(default_factory=dict)
    kind: str = "field"
    labels: Callable[[list[Any]], Mapping[Any, str]] | None = None


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


def _finish(measure: Measure, value: Any) -> Any:
    if measure.agg == "count":
        return value or 0
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
    condition = _condition(measure, bounds)
    if measure.agg == "count":
        return Count("pk", filter=condition)
    function = Sum if measure.agg == "sum" else Avg
    output = models.DurationField() if measure.unit == "h" else None
    if output is not None:
        return function(measure.expr, filter=condition, output_field=output)
    return function(measure.expr, filter=condition)


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


def _group_expression(grouping: Grouping, path: str) -> Any:
    if grouping.kind == "month":
        return TruncMonth(path, tzinfo=business_timezone()) if "_at" in path else TruncMonth(path)
    return models.F(path)


def _month_key(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = value.astimezone(business_timezone()).date() if value.tzinfo else value.date()
    return value.strftime("%Y-%m") if value is not None else ""


def _alias(key: str) -> str:
    """Aggregates are named apart from the models' fields (a measure "quantity" beside a field)."""
    return f"figure_{key}"


def _additive(measures: list[Measure]) -> bool:
    """Whether the source's total is the sum of any grouping's rows: counts, and sums of exact decimals
    (not of hours, which are rounded per row; not averages)."""
    return all(m.agg == "count" or (m.agg == "sum" and m.unit in ("money", "qty")) for m in measures)


def compute(spec: FigureSpec, user: User, filters: Filters) -> FigureResult:
    querysets = {name: source(user, filters) for name, source in spec.sources.items()}
    by_source: dict[str, list[Measure]] = {}
    for m in spec.measures:
        by_source.setdefault(m.source, []).append(m)
    tables = []
    for grouping in spec.groupings:
        if grouping.kind == "buckets":
            tables.append(_buckets(spec, grouping, querysets, filters, by_source))
        else:
            tables.append(_grouped(spec, grouping, querysets, by_source))
    total_values: dict[str, Any] = {}
    for name, measures in by_source.items():
        wanted = [m for m in measures if not m.per_month]
        if not wanted:
            continue
        # Every record falls in exactly one row of a field or month grouping: its rows add up to the
        # total, which then costs no statement of its own.
        covering = next((t for t in tables if t.grouping.kind != "buckets" and t.grouping.fields.get(name)), None)
        if covering is not None and _additive(wanted):
            for m in wanted:
                total_values[m.key] = sum((row.values[m.key] for row in covering.rows), start=_finish(m, None))
            continue
        got = querysets[name].aggregate(**{_alias(m.key): _aggregate(m) for m in wanted})
        total_values.update({m.key: _finish(m, got[_alias(m.key)]) for m in wanted})
    total = Row(key="", label="", values=_with_rates(spec, total_values))
    return FigureResult(spec=spec, filters=filters, total=total, tables=tables)


def _grouped(
    spec: FigureSpec, grouping: Grouping, querysets: Mapping[str, QuerySet[Any]], by_source: Mapping[str, list[Measure]]
) -> Table:
    values: dict[str, dict[str, Any]] = {}
    raw_keys: dict[str, Any] = {}
    for name, measures in by_source.items():
        path = grouping.fields.get(name)
        if path is None:
            continue
        rows = (
            querysets[name]
            .order_by()
            .annotate(_g=_group_expression(grouping, path))
            .values("_g")
            .annotate(**{_alias(m.key): _aggregate(m) for m in measures})
        )
        for row in rows:
            key = _month_key(row["_g"]) if grouping.kind == "month" else ("" if row["_g"] is None else str(row["_g"]))
            raw_keys.setdefault(key, row["_g"])
            target = values.setdefault(key, {})
            target.update({m.key: _finish(m, row[_alias(m.key)]) for m in measures})
    labels = grouping.labels([raw_keys[k] for k in raw_keys]) if grouping.labels and raw_keys else {}
    out = []
    for key in sorted(values, key=_sort_key):
        row_values = {m.key: _finish(m, None) for m in spec.measures if grouping.fields.get(m.source)}
        row_values.update(values[key])
        label = str(labels.get(raw_keys[key], key)) if labels else key
        out.append(Row(key=key, label=label or "—", values=_with_rates(spec, row_values)))
    return Table(grouping=grouping, rows=out)


def _sort_key(key: str) -> tuple[int, Any]:
    return (0, int(key)) if key.isdigit() else (1, key)


def _buckets(
    spec: FigureSpec,
    grouping: Grouping,
    querysets: Mapping[str, QuerySet[Any]],
    filters: Filters,
    by_source: Mapping[str, list[Measure]],
) -> Table:
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
                if "_at" in path:
                    since, until = month_bounds(month)
                    qs = qs.filter(**{f"{path}__gte": since, f"{path}__lt": until})
                else:
                    qs = qs.filter(**{f"{path}__gte": month, f"{path}__lt": next_month(month)})
            elif row == "":
                qs = qs.filter(**{f"{path}__isnull": True})
            else:
                qs = qs.filter(**{path: row})
    elif m.per_month:
        raise UnknownCell("by")
    condition = _condition(m, bounds)
    if condition is not None:
        qs = qs.filter(condition)
    return m.source, qs
