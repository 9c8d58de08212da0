"""Campaigns: announced two weeks ahead (or with a reason), to the owners chosen, each SMS once through
the outbox and on the contact log; letters recorded within 2 working days."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import services
from aftersales.care.models import Campaign, CampaignRecipient, ContactEntry
from aftersales.care.services.campaigns import send_campaign_messages
from aftersales.care.services.customer_sms import CAMPAIGN, CONTACT_MESSAGE
from aftersales.care.tests.factories import at
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.notifications.customer_sms import ensure_switches
from aftersales.notifications.models import CustomerSmsSwitch, OutboxMessage
from aftersales.notifications.services import cancel_message, relay_due_messages
from aftersales.notifications.switches import forget_switches
from aftersales.notifications.tests.factories import assert_signed_and_held, quiet_hours_around_now

pytestmark = pytest.mark.django_db

DECIDED = at(datetime.date(2026, 12, 1))  # a Tuesday
IN_TWO_WEEKS = datetime.date(2026, 12, 15)


@pytest.fixture
def owners(centre):
    """Three customers of the centre with a unit each: two of one model, one bought 6 years ago in 江苏."""
    first = UnitFactory(customer=CustomerFactory(service_center=centre), purchase_date=datetime.date(2025, 3, 1))
    second = UnitFactory(
        customer=CustomerFactory(service_center=centre),
        product_model=first.product_model,
        purchase_date=datetime.date(2025, 5, 1),
    )
    old = UnitFactory(customer=CustomerFactory(service_center=centre), purchase_date=datetime.date(2020, 6, 1))
    old.site = Site.objects.create(customer=old.customer, name="厂区", province="江苏省", address="路1号")
    old.save()
    for i, unit in enumerate((first, second, old)):
        Contact.objects.get_or_create(
            customer=unit.customer, mobile=f"+86138000011{i:02d}", defaults={"name": "联系人"}
        )
    return first, second, old


def announce(by, **kwargs):
    defaults = {"title": "客户联谊会", "message": "12月15日在公司举办", "event_on": IN_TWO_WEEKS, "now": DECIDED}
    return services.announce_campaign(by=by, **{**defaults, **kwargs})


def test_announced_to_every_owner_by_sms_once_and_logged(users, owners):
    campaign = announce(users[Role.MANAGER])

    assert campaign.recipients.count() == 3
    assert campaign.letters_due_on == datetime.date(2026, 12, 3)  # 2 working days after Tuesday
    assert OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-").count() == 3
    assert ContactEntry.objects.filter(message_key__startswith=f"campaign-{campaign.pk}-").count() == 3


def test_messages_are_never_sent_twice(users, owners, _outbox):
    campaign = announce(users[Role.MANAGER])
    relay_due_messages()
    sent = len(_outbox)

    again = send_campaign_messages(
        campaign=campaign, recipients=list(campaign.recipients.all()), by=users[Role.MANAGER]
    )
    relay_due_messages()

    assert again == 0 and len(_outbox) == sent == 3
    assert OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-", status="sent").count() == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [({"older_than_years": 5}, {2}), ({"province": "江苏"}, {2}), ("model", {0, 1})],
)
def test_owners_of_a_model_a_region_or_units_past_n_years(users, owners, filters, expected):
    if filters == "model":
        filters = {"product_model": owners[0].product_model}

    campaign = announce(users[Role.MANAGER], **filters)

    assert set(campaign.recipients.values_list("customer_id", flat=True)) == {owners[i].customer_id for i in expected}


def test_less_than_two_weeks_ahead_is_refused_without_a_reason_and_writes_nothing(users, owners):
    with pytest.raises(ValidationFailed) as caught:
        announce(users[Role.MANAGER], event_on=datetime.date(2026, 12, 14))

    assert (caught.value.code, caught.value.field) == ("campaign_too_late", "event_on")
    assert not Campaign.objects.exists() and not OutboxMessage.objects.exists() and not ContactEntry.objects.exists()


def test_less_than_two_weeks_ahead_with_an_explicit_reason(users, owners):
    campaign = announce(users[Role.MANAGER], event_on=datetime.date(2026, 12, 5), late_reason="厂家临时安排")

    assert campaign.late_reason == "厂家临时安排" and campaign.recipients.count() == 3


def test_a_campaign_with_no_recipients_is_refused_and_writes_nothing(users, owners):
    with pytest.raises(ValidationFailed) as caught:
        announce(users[Role.MANAGER], province="西藏")

    assert caught.value.code == "no_recipients"
    assert not Campaign.objects.exists() and not OutboxMessage.objects.exists()


def test_agents_may_not_announce_and_another_centre_is_not_found(users, owners, centre, other_centre):
    with pytest.raises(PermissionDeniedError):
        announce(users[Role.AGENT])
    with pytest.raises(NotFoundError):
        announce(UserFactory(role=Role.MANAGER, service_center=other_centre), service_center=centre)
    assert not Campaign.objects.exists()


def test_letters_are_logged_once(users, owners):
    campaign = announce(users[Role.MANAGER])

    services.record_letters_sent(campaign_id=campaign.pk, by=users[Role.MANAGER])
    with pytest.raises(ConflictError):
        services.record_letters_sent(campaign_id=campaign.pk, by=users[Role.MANAGER])

    assert ContactEntry.objects.filter(channel="letter").count() == 3


def test_campaign_contact_log_lines_are_written_in_the_site_language_whoever_announces(users, owners):
    # QA 2026-12-07: the contact log is a record the centre reads; a manager reading English left
    # "Campaign “…” announced by SMS" and "Campaign letter …" on every recipient's log.
    with translation.override("en"):
        campaign = announce(users[Role.MANAGER])
        services.record_letters_sent(campaign_id=campaign.pk, by=users[Role.MANAGER])

    sms = set(ContactEntry.objects.filter(channel="sms").values_list("summary", flat=True))
    letters = set(ContactEntry.objects.filter(channel="letter").values_list("summary", flat=True))
    assert sms == {"已短信通知活动“客户联谊会”"}
    assert letters == {"活动信函“客户联谊会”（活动日期 2026-12-15）"}


def test_campaign_api_and_screens(api_client, client, users, owners):
    manager = api_client(users[Role.MANAGER])
    too_soon = manager.post(
        "/api/v1/care/campaigns",
        {"title": "保养优惠", "message": "九折", "event_on": "2026-12-02"},
        content_type="application/json",
    )
    assert too_soon.status_code == 400 and too_soon.json()["code"] == "campaign_too_late"

    made = manager.post(
        "/api/v1/care/campaigns",
        {"title": "保养优惠", "message": "九折", "event_on": "2027-06-01", "kind": "offer"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["recipient_count"] == 3 and {r["delivery"] for r in body["recipients"]} == {"queued"}
    assert len(manager.get("/api/v1/care/campaigns").json()["items"]) == 1
    letters = manager.post(f"/api/v1/care/campaigns/{body['id']}/letters")
    assert letters.status_code == 200 and letters.json()["letters_sent_at"]

    client.force_login(users[Role.MANAGER])
    assert "保养优惠" in client.get(reverse("care:campaign_list")).content.decode()
    detail = client.get(reverse("care:campaign_detail", args=[body["id"]])).content.decode()
    assert 'id="recipient-table"' in detail
    assert CampaignRecipient.objects.count() == 3


def test_letters_not_posted_by_their_due_day_are_reminded_once(users, owners):
    from aftersales.care.services.campaigns import remind_late_letters

    manager = users[Role.MANAGER]
    campaign = announce(manager)  # letters due Thu 3 Dec
    on_time = remind_late_letters(now=at(datetime.date(2026, 12, 3)))

    told = remind_late_letters(now=at(datetime.date(2026, 12, 4)))
    again = remind_late_letters(now=at(datetime.date(2026, 12, 7)))

    notices = OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-letters-late-")
    assert (on_time, told) == (0, notices.count()) and told >= 1
    assert notices.filter(recipient=str(manager.pk), channel="in_app").exists()
    assert again == told and notices.count() == told  # the keys make a second sweep write nothing
    services.record_letters_sent(campaign_id=campaign.pk, by=manager, now=at(datetime.date(2026, 12, 7)))
    assert remind_late_letters(now=at(datetime.date(2026, 12, 8))) == 0


def test_the_late_letters_task_runs_the_sweep(users, owners):
    from aftersales.care.tasks import escalate_complaints, remind_late_letters

    announce(users[Role.MANAGER], event_on=datetime.date(2020, 1, 20), now=at(datetime.date(2020, 1, 2)))

    assert remind_late_letters.delay().get() >= 1
    assert escalate_complaints.delay().get() == 0


def test_a_contact_taken_out_of_use_gets_no_campaign_message(users, owners):
    first, _second, _old = owners
    gone = Contact.objects.get(customer=first.customer)  # the earlier contact: picked first were it in use
    gone.in_use = False  # and no longer primary (a contact out of use cannot be, contact_primary_in_use)
    gone.save()
    Contact.objects.create(customer=first.customer, name="接替者", mobile="+8613800002222")

    campaign = announce(users[Role.MANAGER])

    recipient = campaign.recipients.get(customer=first.customer)
    assert recipient.mobile == "+8613800002222"


def test_a_cancelled_campaign_sms_reads_cancelled_not_queued(client, users, owners):
    # The outbox screen can cancel a message (notifications.md): the campaign's recipient list showed
    # anything but sent or failed as "queued", a cancelled SMS included.
    campaign = announce(users[Role.MANAGER])
    message = OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-").order_by("pk").first()
    cancel_message(by=users[Role.GENERAL_MANAGER], message_id=message.pk, reason="客户要求不再联系")

    client.force_login(users[Role.MANAGER])
    page = client.get(reverse("care:campaign_detail", args=[campaign.pk])).content.decode()

    assert page.count('data-delivery="cancelled"><span class="badge text-bg-secondary">已取消</span>') == 1


# ---- a customer SMS (notifications.customer_sms): signed by the company, held at night, no switch ----------


def test_a_campaign_sms_is_signed_by_the_company_not_its_title_and_waits_for_the_morning(users, owners, settings):
    update_company_profile(by=users[Role.ADMIN], name="华东设备有限公司", hotline="400 800 1234")
    quiet_hours_around_now(settings)

    campaign = announce(users[Role.MANAGER], late_reason="场地临时调整（内部）")

    messages = list(OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-"))
    assert len(messages) == 3
    for message in messages:
        assert_signed_and_held(message, company="华东设备有限公司", hotline="400 800 1234")
        assert message.body == "【华东设备有限公司】客户联谊会：12月15日在公司举办客服热线：400 800 1234"
    assert "场地" not in messages[0].body  # the reason for a late notice is the staff's


def test_a_campaign_has_no_switch_its_announcement_is_the_choice(users, owners):
    CustomerSmsSwitch.objects.create(kind=CAMPAIGN, enabled=False)  # a row left over: not honoured
    forget_switches()
    ensure_switches()

    campaign = announce(users[Role.MANAGER])

    assert OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-").count() == 3
    assert not CustomerSmsSwitch.objects.filter(kind=CONTACT_MESSAGE).exists()  # none written for the list


def test_an_owner_whose_number_is_a_landline_gets_no_sms_nor_a_line_on_the_log(users, owners):
    first, _second, _old = owners
    Contact.objects.filter(customer=first.customer).update(mobile="+862161234567")

    campaign = announce(users[Role.MANAGER])

    assert campaign.recipients.count() == 3
    assert OutboxMessage.objects.filter(key__startswith=f"campaign-{campaign.pk}-").count() == 2
    assert not ContactEntry.objects.filter(customer=first.customer, message_key__startswith="campaign-").exists()
