"""Text the screens put together in the reader's language, and the language of text the system keeps or
sends."""

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext


def join_list(items: Iterable[str]) -> str:
    """Items as a sentence lists them: "诊断、更换备件" in Chinese, "diagnosis, parts replaced" in English
    (the Chinese enumeration comma read as a stray character in English)."""
    return pgettext("between the items of a list", ", ").join(str(item) for item in items)


def join_clauses(items: Iterable[str]) -> str:
    """Clauses that each say a whole thing ("手机：… → …；姓名：… → …"): the full-width semicolon in
    Chinese, "; " in English (found in a screen review, 2026-12-07: the customer file's timeline joined
    its changes with an ASCII "; ")."""
    return pgettext("between clauses", "; ").join(str(item) for item in items)


def label_colon() -> str:
    """The colon between a label and its value: "优先级：高" in Chinese (full width, no space after it),
    "Priority: high" in English. Templates write it as ``{% colon %}`` (``ui``) in place of ": "."""
    return pgettext("between a label and its value", ": ")


@contextmanager
def site_language() -> Iterator[None]:
    """Write text the system keeps or sends (a notice, an SMS, a stored detail) in the site's language
    (``LANGUAGE_CODE``), not the language of whoever's request caused it: a customer's SMS must not
    switch to English because the dispatcher reads the console in English (found by a probe in English,
    2026-12-06). Errors and screens stay in the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_site_language[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """``site_language`` around a whole function: one that only writes messages (a notice to its
    approvers) or runs without a reader (a periodic job)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with site_language():
            return function(*args, **kwargs)

    return wrapper
