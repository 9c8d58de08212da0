"""A label and its value: "优先级：高" on Chinese pages (full-width colon, no space), "Priority: High" on English ones.

The templates write ``{% colon %}`` (``ui``) where the colon goes; the review that found "未结工单: 5" and
"故障诊断: …" read the pages, so these tests read the rendered text too.
"""

import html
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.money.tests.factories import png
from aftersales.service import services
from aftersales.service.models import ServiceOrder

# A Chinese character, then an ASCII colon: "优先级: 高", "故障诊断:".
ASCII_COLON_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*:")


INLINE = "a|abbr|b|code|del|em|i|ins|small|span|strong|time"


def visible_text(page: str) -> str:
    """The text as read: an inline element's tags add no space ("<span>优先级：</span>高" reads 优先级：高)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(rf"</?(?:{INLINE})\b[^>]*>", "", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


@pytest.fixture
def visited(order: ServiceOrder, users: dict[str, User]) -> ServiceOrder:
    visit = services.record_visit(order, by=users[Role.TECHNICIAN], diagnosis="轴承磨损")
    services.sign_visit(visit, by=users[Role.TECHNICIAN], signer_name="王五", image=png())  # shown once signed
    return ServiceOrder.objects.get(pk=order.pk)


def pages(order: ServiceOrder, users: dict[str, User]) -> list[tuple[User, str]]:
    return [
        (users[Role.AGENT], reverse("service:order_detail", args=[order.pk])),
        (users[Role.TECHNICIAN], reverse("service:tech_order", args=[order.pk])),
    ]


def read(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


@pytest.mark.django_db
def test_chinese_pages_set_labels_with_the_full_width_colon(
    client: Client, visited: ServiceOrder, users: dict[str, User]
) -> None:
    texts = {url: read(client, user, url) for user, url in pages(visited, users)}

    order_page, tech_page = texts.values()
    assert "优先级：" in order_page
    assert "故障诊断：轴承磨损" in tech_page
    for url, text in texts.items():
        assert ASCII_COLON_AFTER_CHINESE.findall(text) == [], url
        assert "： " not in text, url


@pytest.mark.django_db
def test_english_pages_keep_the_colon_and_its_space(
    client: Client, visited: ServiceOrder, users: dict[str, User]
) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    texts = {url: read(client, user, url) for user, url in pages(visited, users)}

    order_page, tech_page = texts.values()
    assert "Priority: " in order_page
    assert "Diagnosis: 轴承磨损" in tech_page
    for url, text in texts.items():
        assert "：" not in text, url


def test_no_template_writes_a_colon_after_a_label() -> None:
    """``{% translate "Priority" %}: `` showed "优先级: 高": a template writes ``{% colon %}`` instead. A colon
    inside ``{% blocktranslate %}`` is part of the msgid, and its Chinese msgstr has "：" (test_translations)."""
    root = Path(__file__).resolve().parents[1]
    blocks = re.compile(r"\{% blocktranslate.*?\{% endblocktranslate %\}", re.S)
    colon_after_tag = re.compile(r"(?:%\}|\}\})\s*:")
    found = []
    for template in sorted(root.glob("*/templates/**/*.html")) + sorted(root.glob("templates/**/*.html")):
        text = blocks.sub("%}", template.read_text(encoding="utf-8"))  # the block's end tag is kept
        found += [f"{template.relative_to(root)}: {m.group(0)!r}" for m in colon_after_tag.finditer(text)]
    assert found == []
