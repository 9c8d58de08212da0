# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""A service manager opens the outbox from the settings, filters the failed messages, sees the counts
with the given-up ones flagged and the numbers masked, and queues one again: audited on the message."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.browser_tests.helpers import screenshot, zh
from aftersales.core.models import AuditLog
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import enqueue_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+8613912345678"


def outbox_rows() -> tuple[OutboxMessage, OutboxMessage]:
    """A day of SMS: two sent, one waiting, one failing and retried, one given up after six attempts."""
    now = timezone.now()
    texts = [
        ("sent", "【售后服务】您的工单 SO20261207-0003 已派工，技师张伟将于明天上午上门。"),
        ("sent", "【售后服务】您的工单 SO20261207-0005 预计完成日期顺延至 12 月 10 日。"),
        ("queued", "【售后服务】您的工单 SO20261207-0008 已完工，请对本次服务评价。"),
        ("retrying", "【售后服务】您的工单 SO20261207-0009 预计完成日期顺延至 12 月 12 日。"),
        ("gave_up", "【售后服务】您的工单 SO20261207-0011 预计完成日期顺延至 12 月 14 日。"),
    ]
    made = {}
    for i, (state, text) in enumerate(texts):
        message = enqueue_message(
            channel="sms", recipient=PHONE, body=text, key=f"order-{9000 + i}-event-1-reporter-sms"
        )
        fields: dict = {}
        if state == "sent":
            fields = {"status": MessageStatus.SENT, "attempts": 1, "sent_at": now, "next_attempt_at": None}
        elif state in ("retrying", "gave_up"):
            fields = {
                "status": MessageStatus.FAILED,
                "attempts": 6 if state == "gave_up" else 2,
                "last_error": "HTTP 503 from the SMS gateway"
                if state == "retrying"
                else "HTTP 502 from the SMS gateway",
                "next_attempt_at": None if state == "gave_up" else now + datetime.timedelta(minutes=4),
            }
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
        made[state] = message
    return made["gave_up"], made["retrying"]


def test_general_manager_requeues_a_message_that_gave_up(signed_in):
    gave_up, retrying = outbox_rows()
    page = signed_in("gm")  # who sees every centre: the outbox's rows name none

    page.goto("/settings/")
    page.get_by_role("link", name=zh("Outbox")).click()
    expect(page.locator('[data-count="gave_up"]')).to_contain_text("1")
    page.get_by_label(zh("Status"), exact=True).select_option("failed")  # htmx swaps the results
    expect(page).to_have_url(re.compile(r"status=failed"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator(f"#outbox-{gave_up.pk}")).to_contain_text(zh("gave up"))
    expect(page.locator("tbody")).not_to_contain_text(PHONE)  # a general manager reads numbers masked
    screenshot(page, "settings-outbox")

    page.locator(f"#outbox-{gave_up.pk} a").first.click()
    expect(page.locator("#outbox-last-error")).to_contain_text("HTTP 502")
    page.get_by_label(zh("Note (optional)")).fill("网关已恢复，客户未收到")
    page.get_by_role("button", name=zh("Queue again")).click()

    expect(page.locator(".alert")).to_contain_text(zh("Queued again: the relay sends it shortly."))
    expect(page.locator("#outbox-audit")).to_contain_text("网关已恢复，客户未收到")
    gave_up.refresh_from_db()
    assert gave_up.status == MessageStatus.QUEUED
    assert AuditLog.objects.filter(action="outbox.requeued", target_id=gave_up.pk).count() == 1
    retrying.refresh_from_db()
    assert retrying.status == MessageStatus.FAILED
