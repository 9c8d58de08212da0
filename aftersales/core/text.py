"""Text the screens put together in the reader's language."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def join_list(items: Iterable[str]) -> str:
    """Items as a sentence lists them: "诊断、更换备件" in Chinese, "diagnosis, parts replaced" in English
    (the Chinese enumeration comma read as a stray character in English)."""
    return pgettext("between the items of a list", ", ").join(str(item) for item in items)
