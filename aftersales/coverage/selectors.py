"""The one coverage decision (domain.md Warranty §6 1.1.1, 1.5): every screen, API and service asks here."""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from django.core.exceptions import ImproperlyConfigured

from aftersales.coverage.decision import CoverageDecision, CoverageQuery, Misuse, Override
from aftersales.coverage.registry import registered_sources
from aftersales.installed_base.models import Unit


def decide_coverage(
    *,
    unit: Unit | None,
    on: datetime.date,
    kind: str,
    item: str | None = None,
    misuse: Misuse | None = None,
    override: Override | None = None,
) -> CoverageDecision:
    """Whether ``unit`` is covered on ``on``: the registered sources are asked in order of precedence
    and the first that answers decides (docs/coverage.md). ``kind`` is the order kind ("" for none),
    ``item`` a listed part asked about, ``misuse``/``override`` what a visit or a manager decided."""
    query = CoverageQuery(unit=unit, on=on, kind=kind, item=(item or "").strip(), misuse=misuse, override=override)
    for source in registered_sources():
        verdict = source.decide(query)
        if verdict is not None:
            return CoverageDecision(
                covered=verdict.covered,
                reason=verdict.reason,
                detail=verdict.detail,
                on=on,
                start=verdict.start,
                until=verdict.until,
                source=source.key,
            )
    raise ImproperlyConfigured("No coverage source decided: the built-in sources end with one that always does.")


@contextmanager
def coverage_prepared(units: Iterable[Unit | None]) -> Iterator[None]:
    """Decide many units' coverage with one read per source: inside, a source that reads a row per
    unit (a contract) has read all of ``units`` at once. Decisions outside the context, or for a unit
    not in ``units``, read as usual."""
    ids = sorted({u.pk for u in units if u is not None and u.pk is not None})
    with ExitStack() as stack:
        if ids:
            for source in registered_sources():
                if source.prepare is not None:
                    stack.enter_context(source.prepare(ids))
        yield
