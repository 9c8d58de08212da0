"""Computed screens kept for a while and refreshed on a schedule (issue 18: "materialised summaries
refreshed on a schedule where that is what it takes"), shared by the report dashboards
(``reports.kept``) and the failure statistics (``quality.kept``).

A screen's figures for one reader, one language and one set of filters are computed by the caller
and kept in the cache (Redis in production) with the time they were computed, for
``REPORTS_KEEP_SECONDS``. The screen shows that time and a "recompute now" link (``fresh``). Each
read is remembered per ``kind``; the kind's periodic job (``refresh_recent``) recomputes every screen
read within ``REPORTS_RECENT_SECONDS`` before its kept copy runs out. What is kept is numbers and
labels (``pack``), never records; readers are kept apart: the key holds the reader (the caller's
text for what decides their scope: ``accounts.capabilities.scope_fingerprint``), the language, the
screen and the filters (the filters hold the centre, and the user's scope decides what they count). A
reader whose scope changes (another centre, another role) reads a new copy at once.
"""

import datetime
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.utils import timezone, translation

VERSION = 2  # raise when the way keys or reads are kept changes
RECENT_MAX = 500  # screens remembered per kind for the refresh job (the least recently read are forgotten)


def keep_seconds() -> int:
    return int(settings.AFTERSALES.get("REPORTS_KEEP_SECONDS", 900))


def recent_seconds() -> int:
    return int(settings.AFTERSALES.get("REPORTS_RECENT_SECONDS", 8 * 3600))


@dataclass(frozen=True)
class Kept[T]:
    value: T
    computed_at: datetime.datetime
    kept: bool  # read from the cache (False: computed for this request)


def recent_key(kind: str) -> str:
    return f"{kind}:recent:{VERSION}"


def kept_key(kind: str, reader: str, screen: str, params: Mapping[str, Any], language: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    digest = hashlib.sha256(f"{reader}|{language}|{screen}|{query}".encode()).hexdigest()[:32]
    return f"{kind}:screen:{VERSION}:{digest}"


def compute_and_keep[T](key: str, compute: Callable[[], T], pack: Callable[[T], Any]) -> Kept[T]:
    value = compute()
    computed_at = timezone.now()
    if keep_seconds() > 0:
        cache.set(key, {"at": computed_at, "value": pack(value)}, keep_seconds())
    return Kept(value=value, computed_at=computed_at, kept=False)


def kept_or_computed[T](
    kind: str,
    user: AbstractBaseUser,
    reader: str,
    screen: str,
    params: Mapping[str, Any],
    *,
    compute: Callable[[], T],
    pack: Callable[[T], Any],
    unpack: Callable[[Any], T],
    fresh: bool = False,
) -> Kept[T]:
    """The screen's figures: the kept copy when there is one (and ``fresh`` is not asked), else
    ``compute()`` now and kept (``pack``: what is kept, ``unpack``: the figures again). Remembers the
    read for the refresh job (``params`` must be the query parameters that give the filters again).
    ``reader``: what decides what ``user`` sees, as text (``accounts.capabilities.scope_fingerprint``)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = kept_key(kind, reader, screen, params, language)
    _remember(kind, key, user, reader, screen, params, language)
    if not fresh and keep_seconds() > 0:
        kept = cache.get(key)
        if kept is not None:
            return Kept(value=unpack(kept["value"]), computed_at=kept["at"], kept=True)
    return compute_and_keep(key, compute, pack)


def _remember(
    kind: str, key: str, user: AbstractBaseUser, reader: str, screen: str, params: Mapping[str, Any], language: str
) -> None:
    if keep_seconds() <= 0:
        return
    recent = cache.get(recent_key(kind)) or {}
    recent[key] = {
        "user": user.pk,
        "reader": reader,
        "screen": screen,
        "params": dict(params),
        "language": language,
        "read": timezone.now().timestamp(),
    }
    if len(recent) > RECENT_MAX:
        recent = dict(sorted(recent.items(), key=lambda item: item[1]["read"])[-RECENT_MAX:])
    cache.set(recent_key(kind), recent, recent_seconds())


def refresh_recent(
    kind: str, recompute: Callable[[str, Any, str, dict[str, Any]], bool], reader: Callable[[Any], str]
) -> int:
    """Recompute every screen of ``kind`` read within ``REPORTS_RECENT_SECONDS``, most recently read
    first, in the language it was read in: ``recompute(key, user, screen, params)`` keeps it again
    (``compute_and_keep``) and answers True, or answers False when the reader may no longer see it
    (then it is forgotten, as are old reads, readers gone and readers whose scope changed since:
    ``reader(user)`` is no longer the one the copy was kept under); the reader is the project's user
    model (core imports no app). Returns how many were recomputed."""
    if keep_seconds() <= 0:
        return 0
    recent = cache.get(recent_key(kind)) or {}
    since = timezone.now().timestamp() - recent_seconds()
    users = {
        u.pk: u for u in get_user_model().objects.filter(pk__in={v["user"] for v in recent.values()}, is_active=True)
    }
    done = 0
    for key, read in sorted(recent.items(), key=lambda item: -item[1]["read"]):
        user = users.get(read["user"])
        if read["read"] < since or user is None or reader(user) != read.get("reader"):
            recent.pop(key, None)
            continue
        with translation.override(read["language"]):
            if not recompute(key, user, read["screen"], read["params"]):
                recent.pop(key, None)
                continue
        done += 1
    cache.set(recent_key(kind), recent, recent_seconds())
    return done
