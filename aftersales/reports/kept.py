"""Dashboard screens kept for a while and refreshed on a schedule (issue 18: "materialised summaries
refreshed on a schedule where that is what it takes").

A screen's figures for one reader, one language and one set of filters are computed in the database
(``engine.compute_all``) and kept in the cache (Redis in production) with the time they were computed,
for ``REPORTS_KEEP_SECONDS``. The dashboard shows that time and a "recompute now" link. The periodic job
``reports.refresh_dashboards`` recomputes every screen read within ``REPORTS_RECENT_SECONDS`` before
its kept copy runs out, so the service screen over a year of a million orders (about 1.5 s of
statements) is read in milliseconds by the managers who open it every day. What is kept is the
numbers and labels, never records; the click-through lists, the API's figures and the periodic
reports always compute now. Readers are kept apart: a kept screen belongs to one user (each source's
scope function decides what a reader counts)."""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.reports.engine import FigureResult, Row, Table, compute_all
from aftersales.reports.figures import FIGURES
from aftersales.reports.filters import Filters, parse_filters
from aftersales.reports.permissions import can_view_reports
from aftersales.reports.screens import SCREENS, Screen

log = logging.getLogger(__name__)
VERSION = 1  # raise when what is kept changes shape
RECENT_KEY = f"reports:recent:{VERSION}"
RECENT_MAX = 500  # screens remembered for the refresh job (the least recently read are forgotten)


def keep_seconds() -> int:
    return int(settings.AFTERSALES.get("REPORTS_KEEP_SECONDS", 900))


def recent_seconds() -> int:
    return int(settings.AFTERSALES.get("REPORTS_RECENT_SECONDS", 8 * 3600))


@dataclass(frozen=True)
class KeptScreen:
    results: list[FigureResult]
    computed_at: datetime.datetime
    kept: bool  # read from the cache (False: computed for this request)


def _key(user: User, screen: Screen, filters: Filters, language: str) -> str:
    params = "&".join(f"{k}={v}" for k, v in sorted(filters.as_params().items()))
    digest = hashlib.sha256(f"{user.pk}|{language}|{screen.key}|{params}".encode()).hexdigest()[:32]
    return f"reports:screen:{VERSION}:{digest}"


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


def _compute(user: User, screen: Screen, filters: Filters, key: str) -> KeptScreen:
    results = compute_all([FIGURES[k] for k in screen.figures], user, filters)
    computed_at = timezone.now()
    if keep_seconds() > 0:
        cache.set(key, {"at": computed_at, "figures": _pack(results)}, keep_seconds())
    return KeptScreen(results=results, computed_at=computed_at, kept=False)


def screen_figures(user: User, screen: Screen, filters: Filters, *, fresh: bool = False) -> KeptScreen:
    """The screen's figures: the kept copy when there is one (and ``fresh`` is not asked), else
    computed now and kept. Remembers the read for the refresh job."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = _key(user, screen, filters, language)
    _remember(key, user, screen, filters, language)
    if not fresh and keep_seconds() > 0:
        kept = cache.get(key)
        if kept is not None:
            return KeptScreen(results=_unpack(kept["figures"], filters), computed_at=kept["at"], kept=True)
    return _compute(user, screen, filters, key)


def _remember(key: str, user: User, screen: Screen, filters: Filters, language: str) -> None:
    if keep_seconds() <= 0:
        return
    recent = cache.get(RECENT_KEY) or {}
    recent[key] = {
        "user": user.pk,
        "screen": screen.key,
        "params": filters.as_params(),
        "language": language,
        "read": timezone.now().timestamp(),
    }
    if len(recent) > RECENT_MAX:
        recent = dict(sorted(recent.items(), key=lambda item: item[1]["read"])[-RECENT_MAX:])
    cache.set(RECENT_KEY, recent, recent_seconds())


def refresh_dashboards() -> int:
    """Recompute every screen read within ``REPORTS_RECENT_SECONDS`` (the periodic job); a reader who
    no longer may see reports, or is gone, is forgotten. Returns how many screens were recomputed."""
    if keep_seconds() <= 0:
        return 0
    recent = cache.get(RECENT_KEY) or {}
    since = timezone.now().timestamp() - recent_seconds()
    users = {u.pk: u for u in User.objects.filter(pk__in={v["user"] for v in recent.values()}, is_active=True)}
    screens = {s.key: s for s in SCREENS}
    done = 0
    for key, read in sorted(recent.items(), key=lambda item: -item[1]["read"]):
        user = users.get(read["user"])
        if read["read"] < since or user is None or read["screen"] not in screens or not can_view_reports(user):
            recent.pop(key, None)
            continue
        try:
            filters = parse_filters(user, read["params"])
        except DomainError:  # a centre, model or customer since taken out of the reader's scope
            recent.pop(key, None)
            continue
        with translation.override(read["language"]):
            _compute(user, screens[read["screen"]], filters, key)
        done += 1
    cache.set(RECENT_KEY, recent, recent_seconds())
    log.info("reports: %d dashboard screens recomputed", done)
    return done
