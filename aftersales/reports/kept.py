"""Dashboard screens kept for a while and refreshed on a schedule (issue 18: "materialised summaries
refreshed on a schedule where that is what it takes").

A screen's figures for one reader, one language and one set of filters are computed in the database
(``engine.compute_all``) and kept in the cache (Redis in production) with the time they were computed,
for ``REPORTS_KEEP_SECONDS`` (the mechanism is ``core.kept``, shared with the failure statistics). The dashboard shows that time and a "recompute now" link. The periodic job
``reports.refresh_dashboards`` recomputes every screen read within ``REPORTS_RECENT_SECONDS`` before
its kept copy runs out, so the service screen over a year of a million orders (about 1.5 s of
statements) is read in milliseconds by the managers who open it every day. What is kept is the
numbers and labels, never records; the click-through lists, the API's figures and the periodic
reports always compute now. Readers are kept apart: a kept screen belongs to one user (each source's
scope function decides what a reader counts)."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from aftersales.accounts.capabilities import scope_fingerprint
from aftersales.accounts.models import User
from aftersales.core import kept as core_kept
from aftersales.core.errors import DomainError
from aftersales.reports.engine import FigureResult, Row, Table, compute_all
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import Filters, parse_filters
from aftersales.reports.permissions import can_view_reports
from aftersales.reports.screens import SCREENS, Screen

log = logging.getLogger(__name__)
KIND = "reports"
RECENT_KEY = core_kept.recent_key(KIND)


@dataclass(frozen=True)
class KeptScreen:
    results: list[FigureResult]
    computed_at: datetime.datetime
    kept: bool  # read from the cache (False: computed for this request)


def _pack(results: list[FigureResult]) -> list[dict[str, Any]]:
    return [
        {
            "figure": r.spec.key,
            "total": r.total.values,
            "tables": [(t.grouping.key, [(row.key, row.label, row.values) for row in t.rows]) for t in r.tables],
        }
        for r in results
    ]


def _unpack(packed: list[dict[str, Any]], filters: Filters) -> list[FigureResult]:
    results = []
    for item in packed:
        spec = FIGURES[item["figure"]]
        tables = [
            Table(grouping=spec.grouping(key), rows=[Row(key=k, label=label, values=v) for k, label, v in rows])
            for key, rows in item["tables"]
        ]
        results.append(
            FigureResult(spec=spec, filters=filters, total=Row(key="", label="", values=item["total"]), tables=tables)
        )
    return results


def screen_figures(user: User, screen: Screen, filters: Filters, *, fresh: bool = False) -> KeptScreen:
    """The screen's figures: the kept copy when there is one (and ``fresh`` is not asked), else
    computed now and kept (``core.kept``). Remembers the read for the refresh job."""
    kept = core_kept.kept_or_computed(
        KIND,
        user,
        scope_fingerprint(user),
        screen.key,
        filters.as_params(),
        compute=lambda: compute_all([FIGURES[k] for k in screen.figures], user, filters),
        pack=_pack,
        unpack=lambda packed: _unpack(packed, filters),
        fresh=fresh,
    )
    return KeptScreen(results=kept.value, computed_at=kept.computed_at, kept=kept.kept)


def _recompute(key: str, user: User, screen_key: str, params: dict[str, Any]) -> bool:
    screens = {s.key: s for s in SCREENS}
    if screen_key not in screens or not can_view_reports(user):
        return False
    try:
        filters = parse_filters(user, params)
    except DomainError:  # a centre, model or customer since taken out of the reader's scope
        return False
    screen = screens[screen_key]
    core_kept.compute_and_keep(key, lambda: compute_all([FIGURES[k] for k in screen.figures], user, filters), _pack)
    return True


def refresh_dashboards() -> int:
    """Recompute every screen read within ``REPORTS_RECENT_SECONDS`` (the periodic job); a reader who
    no longer may see reports, or is gone, is forgotten. Returns how many screens were recomputed."""
    done = core_kept.refresh_recent(KIND, _recompute, scope_fingerprint)
    log.info("reports: %d dashboard screens recomputed", done)
    return done
