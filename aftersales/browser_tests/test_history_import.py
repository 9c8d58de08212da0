# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A manager brings in service history on the import screen: a file with a bad row is refused row by
row, the corrected file is imported, and the order keeps its old number with 导入 on its timeline."""

import io

import pytest
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.demo import data
from aftersales.service.models import ServiceOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "number,status,kind,customer_name,description,received_at,finished_at,diagnosis\n"
GOOD = f"SO2023051000007,已关闭,维修,{data.SHOWCASE_CUSTOMER},不制冷,2023-05-10 09:12+08:00,2023-05-12 16:30+08:00,压缩机损坏\n"
BAD = f"SO2023051000008,已关闭,维修,{data.SHOWCASE_CUSTOMER},漏水,2023-05-10 09:12,2023-05-12 16:30+08:00,\n"


def _file(text: str) -> dict:
    return {"name": "history.csv", "mimeType": "text/csv", "buffer": io.BytesIO(text.encode()).getvalue()}


def test_manager_imports_history_and_the_order_shows_imported(signed_in):
    page = signed_in("manager")
    page.goto("/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Import data"))
    page.get_by_role("radio", name=zh("Service orders (history)")).check()

    page.get_by_label(zh("File (.xlsx or .csv)")).set_input_files(_file(HEADER + GOOD + BAD))
    page.get_by_role("button", name=zh("Check file")).click()

    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("受理时间")
    screenshot(page, "import-history-errors")
    assert not ServiceOrder.objects.filter(number__startswith="SO20230510").exists()

    page.get_by_label(zh("File (.xlsx or .csv)")).set_input_files(_file(HEADER + GOOD))
    page.get_by_role("button", name=zh("Check file")).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#import-confirm").click()
    expect(page.locator("#import-done")).to_be_visible()

    order = ServiceOrder.objects.get(number="SO2023051000007")
    page.goto(f"/orders/{order.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("SO2023051000007")
    expect(page.locator("[data-imported]")).to_have_count(2)
    expect(page.locator("[data-imported]").first).to_have_text("导入")
    expect(page.get_by_text("压缩机损坏")).to_be_visible()
    screenshot(page, "import-history-order")
