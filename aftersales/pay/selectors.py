"""Reads of the pay context: the plan in force, the figures of a month, a run's earlier statements."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation

from aftersales.calendars.selectors import working_days_between
from aftersales.core.registry import FigureSource, figure_sources, resolve
from aftersales.pay.choices import RunStatus
from aftersales.pay.engine import ZERO, Measured, fen
from aftersales.pay.models import PayPlan, PayStatement
from aftersales.pay.plan import PlanDoc


def figure_keys() -> set[str]:
    return {source.key for source in figure_sources}


def plan_in_force(period: datetime.date) -> PayPlan | None:
    """The plan with the latest ``effective_from`` on or before ``period``."""
    return PayPlan.objects.filter(effective_from__lte=period).order_by("-effective_from").first()


def next_month(period: datetime.date) -> datetime.date:
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass
class MonthFigures:
    """Every registered figure of one centre and month: per person and for the centre."""

    own: dict[int, dict[str, Measured]] = field(default_factory=dict)
    centre: dict[str, Measured] = field(default_factory=dict)

    def of(self, user_id: int) -> dict[str, Measured]:
        return {
            key: self.own.get(user_id, {}).get(key, Measured(missing=m.missing, unit=m.unit, record_kind=m.record_kind))
            for key, m in self.centre.items()
        }


def measure_month(*, plan: PlanDoc, centre_id: int, period: datetime.date) -> MonthFigures:
    """Run every figure source once over the month, under the plan's rules, and sum its rows."""
    result = MonthFigures()
    end = next_month(period)
    rows_by_person: dict[int, dict[str, list[tuple[int, str, Decimal]]]] = defaultdict(lambda: defaultdict(list))
    for source in figure_sources:
        rule = plan.figures.get(source.key)
        rules = rule.model_dump() if rule is not None else {}
        rows = list(resolve(source.measure)(start=period, end=end, centre_ids=[centre_id], rules=rules))
        records = tuple((row.record_id, row.reference, Decimal(row.amount)) for row in rows)
        with translation.override(None):  # stored in English (the msgid): screens translate it when shown
            missing = str(source.missing) if source.missing else ""
        result.centre[source.key] = _measured(source, records, missing)
        for row in rows:
            if row.person_id is not None:
                rows_by_person[row.person_id][source.key].append((row.record_id, row.reference, Decimal(row.amount)))
    sources = {source.key: source for source in figure_sources}
    for person, figures in rows_by_person.items():
        result.own[person] = {
            key: _measured(sources[key], tuple(recs), result.centre[key].missing) for key, recs in figures.items()
        }
    return result


def _measured(source: FigureSource, records: tuple[tuple[int, str, Decimal], ...], missing: str) -> Measured:
    """The figure of some rows: their sum, or for a score their average (to the hundredth; 0 without rows)."""
    total = sum((r[2] for r in records), ZERO)
    if source.unit == "score":
        total = fen(total / len(records)) if records else ZERO
    return Measured(total, records, missing, unit=source.unit, record_kind=source.records)


def measure_span(
    *, plan: PlanDoc, keys: list[str], centre_id: int, start: datetime.date, end: datetime.date
) -> MonthFigures:
    """The figures ``keys`` over ``start`` ≤ day < ``end`` (a quarter, a year), like ``measure_month``."""
    result = MonthFigures()
    for source in figure_sources:
        if source.key not in keys:
            continue
        rule = plan.figures.get(source.key)
        rows = list(
            resolve(source.measure)(
                start=start, end=end, centre_ids=[centre_id], rules=rule.model_dump() if rule else {}
            )
        )
        records = tuple((row.record_id, row.reference, Decimal(row.amount)) for row in rows)
        result.centre[source.key] = _measured(source, records, str(source.missing or ""))
        per_person: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
        for row in rows:
            if row.person_id is not None:
                per_person[row.person_id].append((row.record_id, row.reference, Decimal(row.amount)))
        for person, recs in per_person.items():
            result.own.setdefault(person, {})[source.key] = _measured(source, tuple(recs), "")
    return result


def working_days(start: datetime.date, end: datetime.date) -> int:
    """The calendar's working days in ``start`` ≤ day < ``end`` (调休 counted)."""
    return working_days_between(start=start - datetime.timedelta(days=1), end=end - datetime.timedelta(days=1))


def approved_statements(user_ids: list[int], *, since: datetime.date, before: datetime.date) -> QuerySet[PayStatement]:
    return PayStatement.objects.filter(
        user_id__in=user_ids, run__status=RunStatus.APPROVED, run__period__gte=since, run__period__lt=before
    ).only("user_id", "lines", "holdback")
