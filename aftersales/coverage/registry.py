"""The registered coverage sources. An app adds one in its ``AppConfig.ready()`` with
``register_source`` (docs/coverage.md); ``decide_coverage`` asks them in order of precedence."""

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from aftersales.coverage.decision import CoverageQuery, Verdict

Decide = Callable[[CoverageQuery], Verdict | None]
# Reads what ``decide`` needs for many units at once (their ids) and keeps it while the context is open.
Prepare = Callable[[Sequence[int]], AbstractContextManager[object]]


@dataclass(frozen=True)
class CoverageSource:
    """One source of a coverage decision: ``decide`` answers a ``Verdict`` or ``None`` (not mine to
    decide, ask the next). A lower ``precedence`` is asked first. A source that reads a row per unit
    gives ``prepare`` too, so a list of decisions reads one statement, not one a unit."""

    key: str
    precedence: int
    decide: Decide
    label: str | Promise
    prepare: Prepare | None = None


_SOURCES: dict[str, CoverageSource] = {}


def register_source(
    *, key: str, precedence: int, decide: Decide, label: str | Promise, prepare: Prepare | None = None
) -> CoverageSource:
    """Add a source. Keys and precedences are unique, so the order never depends on import order."""
    source = CoverageSource(key=key, precedence=precedence, decide=decide, label=label, prepare=prepare)
    existing = _SOURCES.get(key)
    if existing is not None and existing != source:
        raise ImproperlyConfigured(f"Coverage source {key!r} is registered already.")
    clash = next((s for s in _SOURCES.values() if s.precedence == precedence and s.key != key), None)
    if clash is not None:
        raise ImproperlyConfigured(f"Coverage sources {clash.key!r} and {key!r} share precedence {precedence}.")
    _SOURCES[key] = source
    return source


def unregister_source(key: str) -> None:
    """Remove a source (tests, or an app that replaces a built-in one)."""
    _SOURCES.pop(key, None)


def registered_sources() -> list[CoverageSource]:
    """The sources in the order they are asked."""
    return sorted(_SOURCES.values(), key=lambda s: s.precedence)
