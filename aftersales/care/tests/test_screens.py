"""The screens' other branches: bad input shown on the page with nothing written, a list asked for
what it does not have, the script's answers as typed, campaigns announced and their letters, pages
outside one's scope."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care.choices import Purpose
from aftersales.care.models import Campaign, ContactEntry, FollowUpCall, FollowUpTask, ScriptQuestion
from aftersales.care.tests.factories import close_order
from aftersales.customers.models import Contact
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre, name="华通机械")


def test_a_contact_without_a_summary_is_shown_on_the_file_and_not_logged(client, users, customer):
    client.force_login(users[Role.AGENT])
    before = ContactEntry.objects.count()

    response = client.post(
        reverse("care:customer_log_contact", args=[customer.pk]), {"channel": "phone", "direction": "in", "summary": ""}
    )

    assert response.status_code == 400 and ContactEntry.objects.count() == before


def test_an_unknown_list_shows_the_due_list(client, users):
    client.force_login(users[Role.AGENT])

    response = client.get(reverse("care:follow_up_list") + "?list=nonsense")

    assert response.status_code == 200 and response.context["which"] == "due"


def test_script_answers_are_taken_as_typed_on_the_call_screen(client, users, customer):
    score = ScriptQuestion.objects.create(position=1, text="技师是否专业？", answer_type="score", required=False)
    punctual = ScriptQuestion.objects.create(position=2, text="是否按时到达？", answer_type="yes_no", required=False)
    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=timezone.localdate())
    task = FollowUpTask.objects.get(order=order, purpose=Purpose.CALLBACK)
    client.force_login(users[Role.AGENT])

    response = client.post(
        reverse("care:follow_up_call", args=[task.pk]),
        {"outcome": "reached", "score": "5", f"answer-{score.pk}": "4", f"answer-{punctual.pk}": "no"},
    )

    assert response.status_code == 302
    assert FollowUpCall.objects.get(task=task).answers == {str(score.pk): 4, str(punctual.pk): False}


def test_a_campaign_is_announced_from_the_screen_and_its_letters_recorded_once(client, users, centre, customer):
    unit = UnitFactory(customer=customer)
    Contact.objects.get_or_create(customer=customer, mobile="+8613800001234", defaults={"name": "王经理"})
    client.force_login(users[Role.MANAGER])
    event_on = timezone.localdate() + datetime.timedelta(days=20)

    bad = client.post(reverse("care:campaign_create"), {"title": "", "kind": "event", "message": "x", "event_on": ""})
    made = client.post(
        reverse("care:campaign_create"),
        {"title": "客户联谊会", "kind": "event", "message": "欢迎参加", "event_on": str(event_on)},
    )
    campaign = Campaign.objects.get()
    page = client.get(reverse("care:campaign_detail", args=[campaign.pk])).content.decode()
    letters = client.post(reverse("care:campaign_letters", args=[campaign.pk]))
    again = client.post(reverse("care:campaign_letters", args=[campaign.pk]), follow=True)

    assert bad.status_code == 400 and made.status_code == 302
    assert customer.name in page and unit.customer_id == customer.pk
    assert letters.status_code == 302 and ContactEntry.objects.filter(customer=customer, channel="letter").count() == 1
    assert "已登记" in again.content.decode() or again.status_code == 200


def test_another_centres_campaign_and_complaint_are_not_found(client, users, other_centre, customer):
    from aftersales.care import services

    elsewhere = UserFactory(role=Role.MANAGER, service_center=other_centre)
    complaint = services.open_complaint(by=users[Role.AGENT], customer=customer, description="x")
    client.force_login(elsewhere)

    assert client.get(reverse("care:campaign_detail", args=[999999])).status_code == 404
    assert client.post(reverse("care:campaign_letters", args=[999999])).status_code == 404
    assert client.get(reverse("care:complaint_detail", args=[complaint.pk])).status_code == 404
    assert client.post(reverse("care:complaint_resolve", args=[complaint.pk]), {"resolution": "x"}).status_code == 404


def test_campaign_form_labels_are_in_the_readers_language(client, users):
    # QA 2026-12-07: the announce form's labels were the form fields' English names on the Chinese screen.
    client.force_login(users[Role.MANAGER])

    page = client.get(reverse("care:campaign_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    form = page[page.index('id="campaign-form"') : page.index("</form>", page.index('id="campaign-form"'))]
    labels = re.findall(r'<label class="form-label[^"]*" for="[^"]+">([^<]+)</label>', form)
    assert labels == [
        "标题",
        "类型",
        "通知内容（短信）",
        "活动日期",
        "该型号的用户",
        "省份",
        "设备购买超过（年）",
        "不足两周提前通知的原因",
    ]
