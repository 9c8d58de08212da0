"""The part picker offers the catalogue's parts whose number or name contains what was typed, a page at a time:
those in use first, then the retired ones, marked so (a failure is reported on the part an old unit carries)."""

import re

from django.test import Client

from aftersales.core.widgets import PICKER_ROWS
from aftersales.parts.tests.factories import PartFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _offered(html: str) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', html)


def _retired_marks(html: str) -> dict[str, bool]:
    options = re.findall(r'data-label="([^"]*)"[^>]*>(.*?)</button>', html, re.S)
    return {label: "停用" in rest for label, rest in options}


def test_a_number_or_name_fragment_offers_the_parts_in_use_then_the_retired(users):
    PartFactory(number="BRG-6205", name="深沟球轴承")
    PartFactory(number="FLT-001", name="空气滤芯（轴承座用）")
    PartFactory(number="BRG-6200", name="深沟球轴承（旧款）", active=False)
    PartFactory(number="VLV-010", name="进气阀")
    client = _client(users["manager"])

    brg = client.get("/parts/picker/", {"q": "brg"}).content.decode()
    assert _offered(brg) == ["BRG-6205 深沟球轴承", "BRG-6200 深沟球轴承（旧款）"]
    assert _retired_marks(brg) == {"BRG-6205 深沟球轴承": False, "BRG-6200 深沟球轴承（旧款）": True}
    assert _offered(client.get("/parts/picker/", {"q": "轴承"}).content.decode()) == [
        "BRG-6205 深沟球轴承",
        "FLT-001 空气滤芯（轴承座用）",
        "BRG-6200 深沟球轴承（旧款）",
    ]
    assert _offered(client.get("/parts/picker/", {"q": ""}).content.decode()) == []


def test_a_page_of_parts_says_more_match(users):
    for n in range(PICKER_ROWS + 2):
        PartFactory(number=f"BRG-{n:03d}")

    html = _client(users["parts_keeper"]).get("/parts/picker/", {"q": "BRG"}).content.decode()

    assert len(_offered(html)) == PICKER_ROWS and "data-picker-more" in html
