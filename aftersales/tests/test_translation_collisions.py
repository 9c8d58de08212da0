"""One English text, one Chinese translation. Django merges every app's catalogue into one, and the
first app in INSTALLED_APPS wins: when two apps translate the same text differently, one of them shows
the other's word. Found by a helper's probe, 2026-12-06: invoice numbers headed 工单号 (order number),
a customer's "since" headed 领用日期 (the day a tool was handed out), the pay run's people headed 个人
(a private customer), the devices' link headed 链接 (a hyperlink); 100 texts in all.

A text that means different things in two places takes a context (``pgettext``, ``{% translate "…"
context "…" %}``); the same meaning takes the same words."""

import gettext
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.utils import translation


def _catalogues() -> dict[str, dict[str, str]]:
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if config.name.startswith("aftersales.") and path.exists():
            with path.open("rb") as handle:
                found[config.label] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return found


def test_no_text_is_translated_two_ways() -> None:
    translations: dict[str, dict[str, str]] = defaultdict(dict)
    for app, catalogue in _catalogues().items():
        for msgid, msgstr in catalogue.items():
            if isinstance(msgid, str) and msgid and "\x04" not in msgid:  # plurals and contexts apart
                translations[msgid][app] = msgstr
    two_ways = {msgid: by_app for msgid, by_app in translations.items() if len(set(by_app.values())) > 1}
    assert not two_ways, f"give one of them a context, or the same words: {two_ways}"


# (context, English, Chinese) as the screens read them; variables, so makemessages takes none of them.
SHOWN = [
    ("", "Number", "编号"),
    ("a service order's number", "Number", "工单号"),
    ("", "Person", "员工"),
    ("a customer who is a private person", "Person", "个人"),
    ("", "Since", "建档日期"),
    ("", "Link", "链路"),
    ("", "late", "已逾期"),
    ("arrived after the working day began", "late", "迟到"),
]


def test_the_words_the_probe_found_wrong() -> None:
    with translation.override("zh-hans"):
        shown = [
            (context, text, translation.pgettext(context, text) if context else translation.gettext(text))
            for context, text, _chinese in SHOWN
        ]
    assert shown == SHOWN
