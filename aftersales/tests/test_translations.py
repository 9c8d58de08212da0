"""The zh_Hans catalogues are complete and compiled, and English pages show no Chinese UI text.

The .po files are read with a small parser (msgctxt, msgid, msgid_plural, msgstr[n], continued
lines, flags); a .mo that is older than its .po shows up as a catalogue mismatch.
"""

import ast
import gettext
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.tests.factories import make_order

ROOT = Path(__file__).resolve().parents[2]
PO_FILES = sorted([*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("aftersales/*/locale/*/LC_MESSAGES/*.po")])

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# %(name)s, %s, %d …, {0}, {name}; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{\w*\}")


@dataclass
class Entry:
    path: Path
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Every entry of ``path`` but the header; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword the next continued line belongs to
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')

    def finish() -> None:
        if entry is not None and (entry.msgid or entry.msgctxt is not None):
            entries.append(entry)

    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            text = ast.literal_eval(line)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index or 0] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        match = keyword.match(line)
        assert match, f"{path}:{number}: cannot parse {raw!r}"
        word, index, literal = match.group(1), match.group(2), ast.literal_eval(match.group(3))
        if word in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            finish()
            entry, flags = Entry(path=path, line=number, flags=flags), set()
        assert entry is not None
        if word.startswith("msgstr"):
            slot = int(index) if index is not None else 0
            entry.msgstr[slot] = literal
            target = ("msgstr", slot)
        else:
            setattr(entry, word, literal)
            target = (word, None)
    finish()
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def test_there_are_catalogues() -> None:
    # Each app keeps its own catalogue (aftersales/<app>/locale); the project one holds the shared templates.
    assert ROOT / "locale/zh_Hans/LC_MESSAGES/django.po" in PO_FILES
    assert ROOT / "aftersales/service/locale/zh_Hans/LC_MESSAGES/django.po" in PO_FILES
    assert sum(len(parse_po(po)) for po in PO_FILES) > 100


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_entry_is_translated_and_not_fuzzy(po: Path) -> None:
    problems = []
    for entry in parse_po(po):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.where}")
        if not entry.msgstr or any(not text for text in entry.msgstr.values()):
            problems.append(f"untranslated: {entry.where}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_are_kept(po: Path) -> None:
    problems = []
    for entry in parse_po(po):
        # With one plural form (Chinese) msgstr[0] serves every count, so it follows the plural msgid.
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        expected = placeholders(source)
        for index, text in entry.msgstr.items():
            if text and placeholders(text) != expected:
                problems.append(f"{entry.where} [{index}]: {expected} != {placeholders(text)} in {text!r}")
    assert not problems, "\n".join(problems)


# The import columns' help: the Chinese there is what a spreadsheet may hold, in either language.
CHINESE_IS_INPUT = {
    "company / person (公司 / 个人); blank = company.",
    "own / dealer (自营 / 经销商); blank = own.",
    "piece / set / metre / kg / litre (个 / 套 / 米 / 千克 / 升).",
    "yes / no (是 / 否): must always be in stock.",
    "yes / no (是 / 否): a serialised, repairable turnover spare.",
}


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_texts_hold_no_chinese(po: Path) -> None:
    """The English text is what the English console shows: "发票 number" headed the invoice list, a charge's
    kind read "Standard job (工时)" (screen walk in English, 2026-12-07)."""
    problems = [
        entry.where
        for entry in parse_po(po)
        if entry.msgid not in CHINESE_IS_INPUT and CJK.search(entry.msgid + (entry.msgid_plural or ""))
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_po(po: Path) -> None:
    """The committed .mo holds exactly the .po's translations: run scripts/update_messages.sh."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing"
    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header
    expected: dict[object, str] = {}
    for entry in parse_po(po):
        if "fuzzy" in entry.flags:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr.get(0, "")
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    assert compiled == expected


# ---- English pages ---------------------------------------------------------------------------


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles, tags or attributes; entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def chinese_left(text: str, allowed: list[str]) -> list[str]:
    """CJK runs in ``text`` once the company name, the language switch and user data are removed."""
    for phrase in sorted(allowed, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return re.findall(rf"\S*{CJK.pattern}\S*", text)


# The switch names each language in itself: "中文", with "简体中文" for screen readers.
LANGUAGE_SWITCH = ["简体中文", "中文"]


@pytest.fixture
def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.mark.django_db  # the header reads the company profile (from the cache once read)
def test_login_page_in_english_has_no_chinese(english: Client, settings) -> None:
    response = english.get("/login/")

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Username" in text and "Password" in text and "Sign in" in text
    assert "用户名" not in text and "登录" not in text
    assert chinese_left(text, [settings.AFTERSALES["COMPANY_NAME"], *LANGUAGE_SWITCH]) == []


@pytest.mark.django_db
def test_order_list_in_english_has_no_chinese(
    client: Client, users: dict[str, User], centre: ServiceCenter, settings
) -> None:
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    order = make_order(by=agent, customer=customer)
    client.force_login(agent)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/orders/")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    text = visible_text(response.content.decode())
    assert order.number in text
    for label in ("Orders", "Sign out", "Agent", "Repair"):
        assert label in text, label
    for label in ("工单", "退出登录", "客服", "维修"):
        assert label not in text, label
    model = order.unit.product_model
    user_data = [str(agent), centre.name, customer.name, order.reporter_name, order.description, model.name]
    assert chinese_left(text, [settings.AFTERSALES["COMPANY_NAME"], *LANGUAGE_SWITCH, *user_data]) == []


def test_djangos_empty_choice_is_chinese() -> None:
    """Django 6's "- Select an option -" has no Simplified Chinese in Django's catalogue (core's has it)."""
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"


def test_no_catalogue_entry_is_shadowed_by_another() -> None:
    """What Django shows for each entry is the entry's own translation.

    For one msgid Django takes the first catalogue that has it (LOCALE_PATHS, then INSTALLED_APPS in
    order): an app's word was silently replaced by the admin's ("Filter" 筛选 showed as 过滤器) or by
    another catalogue's. Two catalogues that share a msgid must agree, or one uses a context.
    """
    from django.utils import translation

    problems = []
    with translation.override("zh-hans"):
        for po in PO_FILES:
            if "/zh_Hans/" not in str(po):
                continue
            for entry in parse_po(po):
                if entry.msgid_plural is not None or "fuzzy" in entry.flags:
                    continue
                if entry.msgctxt is None:
                    shown = translation.gettext(entry.msgid)
                else:
                    shown = translation.pgettext(entry.msgctxt, entry.msgid)
                if shown != entry.msgstr.get(0):
                    problems.append(f"{entry.where}: {entry.msgstr.get(0)!r}, but Django shows {shown!r}")
    assert not problems, "\n".join(problems)


# A half-width bracket, comma or semicolon touching a Chinese character (placeholders masked first).
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][(,;]|[),;][\u4e00-\u9fff]|\([\u4e00-\u9fff][^()]*\)")


@pytest.mark.parametrize("po", [p for p in PO_FILES if "/zh_Hans/" in str(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_uses_full_width_punctuation(po: Path) -> None:
    """（）， and ； in Chinese sentences, as every catalogue writes them (quality's read "(未取消、非人为损坏),")."""
    problems = []
    for entry in parse_po(po):
        for text in entry.msgstr.values():
            if HALF_WIDTH_IN_CHINESE.search(PLACEHOLDER.sub("x", text)):
                problems.append(f"{entry.where}: {text!r}")
    assert not problems, "\n".join(problems)


# An ASCII colon touching Chinese ("优先级: 高", "status:案例状态") or a full-width one with a space after it.
COLON_IN_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*:|:\s*[\u4e00-\u9fff]|：\s")
# Where the ASCII colon is what the reader types: a pay tier is written "0–200: 0.5" (起–止: 比率).
COLON_IS_INPUT_SYNTAX = {
    "One tier a line: from–to: rate; the last tier open (300–: 2).",
    "Line %(n)s: write from–to: rate, e.g. 0–200: 0.5.",
}


@pytest.mark.parametrize("po", [p for p in PO_FILES if "/zh_Hans/" in str(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_uses_the_full_width_colon(po: Path) -> None:
    """ "优先级：高": a full-width colon and no space after it, as Chinese sets a label and its value."""
    problems = []
    for entry in parse_po(po):
        if entry.msgid in COLON_IS_INPUT_SYNTAX:
            continue
        for text in entry.msgstr.values():
            if COLON_IN_CHINESE.search(PLACEHOLDER.sub("x", text)):
                problems.append(f"{entry.where}: {text!r}")
    assert not problems, "\n".join(problems)


def test_the_label_colon_follows_the_language() -> None:
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load i18n ui %}{% translate "Priority" %}{% colon %}{{ value }}')
    with translation.override("zh-hans"):
        assert template.render(Context({"value": "高"})) == "优先级：高"
    with translation.override("en"):
        assert template.render(Context({"value": "High"})) == "Priority: High"


def test_clauses_are_joined_by_the_languages_semicolon() -> None:
    from django.utils import translation

    from aftersales.core.text import join_clauses

    with translation.override("zh-hans"):
        assert join_clauses(["手机：1 → 2", "姓名：甲 → 乙"]) == "手机：1 → 2；姓名：甲 → 乙"
    with translation.override("en"):
        assert join_clauses(["Mobile: 1 → 2", "Name: A → B"]) == "Mobile: 1 → 2; Name: A → B"
