"""Reads of the pay context: the plan in force, the figures of a month, a run's earlier statements."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation

from aftersales.core.registry import figure_sources, resolve
from aftersales.pay.choices import RunStatus
from aftersales.pay.engine import ZERO, Measured
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
        return {key: self.own.get(user_id, {}).get(key, Measured(missing=m.missing)) for key, m in self.centre.items()}


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
        result.centre[source.key] = Measured(sum((r[2] for r in records), ZERO), records, missing)
        for row in rows:
            if row.person_id is not None:
                rows_by_person[row.person_id][source.key].append((row.record_id, row.reference, Decimal(row.amount)))
    for person, figures in rows_by_person.items():
        result.own[person] = {
            key: Measured(sum((r[2] for r in recs), ZERO), tuple(recs), result.centre[key].missing)
            for key, recs in figures.items()
        }
    return result


def approved_statements(user_ids: list[int], *, since: datetime.date, before: datetime.date) -> QuerySet[PayStatement]:
    return PayStatement.objects.filter(
        user_id__in=user_ids, run__status=RunStatus.APPROVED, run__period__gte=since, run__period__lt=before
    ).only("user_id", "lines", "holdback")
