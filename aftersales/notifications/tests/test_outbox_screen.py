"""The outbox screen (/settings/outbox/): who opens it, the filters and counts, one message with its
source, queue again and cancel (checked, audited, refused in the wrong status), and a read-only admin."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.notifications import services
from aftersales.notifications.choices import MessageChannel, MessageStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.tests.factories import quiet_hours_around_now

LIST = reverse("notifications_outbox:list")
PHONE = "+8613900001111"


def detail(message: OutboxMessage) -> str:
    return reverse("notifications_outbox:detail", args=[message.pk])


def sms(key: str = "", **fields) -> OutboxMessage:
    message = services.enqueue_message(channel=MessageChannel.SMS, recipient=PHONE, body="您的工单已改期", key=key)
    if fields:
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
        message.refresh_from_db()
    return message


def failed(key: str = "", *, gave_up: bool = True) -> OutboxMessage:
    later = None if gave_up else timezone.now() + datetime.timedelta(minutes=5)
    return sms(key, status=MessageStatus.FAILED, attempts=1, last_error="HTTP 503", next_attempt_at=later)


def stuck(key: str = "", *, minutes: int = 30) -> OutboxMessage:
    since = timezone.now() - datetime.timedelta(minutes=minutes)
    return sms(key, status=MessageStatus.SENDING, attempts=1, claimed_at=since, next_attempt_at=None)


@pytest.fixture
def admin_user():
    return UserFactory(username="admin-1", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def root():
    """Django's admin is for superusers (model permissions are not given to roles)."""
    return UserFactory(username="root-1", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def manager():
    """Who runs the outbox and sees every centre: a general manager (a centre's service manager does not)."""
    return UserFactory(username="manager-1", role=Role.GENERAL_MANAGER, service_center=None)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_of(message: OutboxMessage) -> list[tuple[str, int | None, dict]]:
    rows = AuditLog.objects.filter(target_type=ContentType.objects.get_for_model(OutboxMessage), target_id=message.pk)
    return [(row.action, row.user_id, row.detail) for row in rows.order_by("pk")]


# --- who ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AGENT, Role.DISPATCHER, Role.FINANCE, Role.PARTS_KEEPER])
def test_outbox_screen_refuses_who_does_not_run_it(role):
    message = failed()
    client = client_of(UserFactory(role=role))

    assert client.get(LIST).status_code == 403
    assert client.get(detail(message)).status_code == 403
    assert client.post(reverse("notifications_outbox:requeue", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert audit_of(message) == []


@pytest.mark.django_db
def test_outbox_services_refuse_a_technician_and_a_missing_message(manager):
    message = failed()
    technician = UserFactory(role=Role.TECHNICIAN)

    with pytest.raises(PermissionDeniedError):
        services.requeue_message(by=technician, message_id=message.pk)
    with pytest.raises(PermissionDeniedError):
        services.cancel_message(by=technician, message_id=message.pk, reason="x")
    with pytest.raises(NotFoundError):
        services.requeue_message(by=manager, message_id=message.pk + 1000)
    assert client_of(manager).get(reverse("notifications_outbox:detail", args=[message.pk + 1000])).status_code == 404
    assert client_of(manager).post(reverse("notifications_outbox:cancel", args=[message.pk + 1000])).status_code == 404


@pytest.mark.django_db
def test_outbox_is_in_the_settings_tabs_of_general_managers_and_admins_not_of_a_centres_manager(manager, admin_user):
    """Its rows name no centre, so only who sees every centre runs it: a centre's service manager would
    read and re-send other centres' customers' SMS (a quote's approval link among them)."""
    failed()
    for user in (manager, admin_user):
        page = client_of(user).get(reverse("core_settings:index"), follow=True)
        assert LIST in page.content.decode()
        assert client_of(user).get(LIST).status_code == 200
    centre_manager = UserFactory(role=Role.MANAGER)
    client = client_of(centre_manager)
    assert LIST not in client.get(reverse("accounts:user_list")).content.decode()
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("notifications_outbox:detail", args=[OutboxMessage.objects.get().pk])).status_code == 403


# --- the list -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outbox_list_newest_first_without_notices_and_with_counts(manager):
    old = failed("order-1-event-1-reporter-sms")
    hung = stuck("order-2-event-2-reporter-sms")
    retrying = failed("order-3-event-3-reporter-sms", gave_up=False)
    new = sms("order-4-event-4-reporter-sms")
    notice = services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", key="n-1")

    response = client_of(manager).get(LIST)

    assert response.status_code == 200
    shown = [m.pk for m in response.context["messages_page"]]
    assert shown == [new.pk, retrying.pk, hung.pk, old.pk]
    assert notice.pk not in shown
    flags = {m.pk: (m.gave_up, m.stuck) for m in response.context["messages_page"]}
    assert flags == {new.pk: (False, False), retrying.pk: (False, False), hung.pk: (False, True), old.pk: (True, False)}
    counts = {c["status"]: (c["count"], c["alert"]) for c in response.context["counts"]}
    assert counts["queued"] == (1, False)
    assert counts["failed"] == (2, False)
    assert counts["gave_up"] == (1, True)
    assert counts["stuck"] == (1, True)
    assert counts["sending"] == (1, False)


@pytest.mark.django_db
def test_outbox_filters_by_status_gave_up_stuck_channel_search_and_day(manager):
    gave_up = failed("order-1-a")
    retrying = failed("order-2-b", gave_up=False)
    stuck_one = stuck("order-3-c")
    stuck("order-4-d", minutes=1)  # sending for a minute: not stuck yet
    queued = sms("quote-9-sent")
    notice = services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", key="n-1")
    client = client_of(manager)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {m.pk for m in response.context["messages_page"]}

    assert ids(status="failed") == {gave_up.pk, retrying.pk}
    assert ids(status="gave_up") == {gave_up.pk}
    assert ids(status="stuck") == {stuck_one.pk}
    assert ids(channel="in_app") == {notice.pk}
    assert notice.pk in ids(notices="1")
    assert ids(q="quote-9") == {queued.pk}
    assert ids(q=PHONE) >= {queued.pk, gave_up.pk}  # a whole number finds its messages, even masked
    assert ids(q="139000") == set()  # a manager cannot probe a masked number a few digits at a time
    today = timezone.localdate()
    assert ids(created_from=today.isoformat(), created_to=today.isoformat()) >= {queued.pk}
    assert ids(created_from=(today + datetime.timedelta(days=1)).isoformat()) == set()


@pytest.mark.django_db
def test_admin_searches_a_number_in_part(admin_user):
    queued = sms()

    response = client_of(admin_user).get(LIST, {"q": "139000"})

    assert [m.pk for m in response.context["messages_page"]] == [queued.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "lost"),
        ("channel", "fax"),
        ("created_from", "yesterday"),
        ("created_to", "9999-12-31"),
        ("q", "x" * 201),
    ],
)
def test_outbox_refuses_a_bad_filter_with_400_and_the_reason(manager, name, value):
    failed()

    response = client_of(manager).get(LIST, {name: value})

    assert response.status_code == 400
    assert response.context["messages_page"] == []
    assert name in response.context["error"]
    assert 'id="outbox-error"' in response.content.decode()


@pytest.mark.django_db
def test_outbox_htmx_filter_answers_the_results_only(manager):
    failed()

    response = client_of(manager).get(LIST, {"status": "failed"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "outbox-table" in body and "outbox-filter" not in body


@pytest.mark.django_db
def test_outbox_list_runs_as_many_queries_for_many_rows_as_for_few(manager):
    client = client_of(manager)
    for i in range(2):
        failed(f"few-{i}")
        services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", key=f"n-{i}")
    client.get(LIST, {"notices": "1"})
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"notices": "1"})
    for i in range(20):
        failed(f"many-{i}")
        other = UserFactory()
        services.enqueue_message(channel=MessageChannel.IN_APP, recipient=str(other.pk), body="n", key=f"m-{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"notices": "1"})

    assert len(response.context["messages_page"]) == 44
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_numbers_are_masked_for_a_manager_and_whole_for_an_admin(manager, admin_user):
    message = sms()

    as_manager = client_of(manager).get(detail(message)).content.decode()
    as_admin = client_of(admin_user).get(detail(message)).content.decode()
    listed = client_of(manager).get(LIST).content.decode()

    assert PHONE not in as_manager and "+86*********11" in as_manager
    assert PHONE not in listed
    assert PHONE in as_admin


@pytest.mark.django_db
def test_a_secret_text_is_never_shown(admin_user):
    message = services.enqueue_message(
        channel=MessageChannel.SMS, recipient=PHONE, body="您的登录验证码是 583920", context={"secret": True}
    )

    page = client_of(admin_user).get(detail(message)).content.decode()

    assert "583920" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_secret_text_is_never_shown_in_the_list_either(manager, htmx):
    """The list's message column read the stored text: a portal sign-in code stood in the table."""
    services.enqueue_message(
        channel=MessageChannel.SMS, recipient=PHONE, body="【公司】您的登录验证码是 583920", context={"secret": True}
    )
    headers = {"HX-Request": "true"} if htmx else {}

    page = client_of(manager).get(LIST, headers=headers).content.decode()

    assert "583920" not in page
    assert "登录验证码" not in page


# --- one message ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_text_attempts_error_and_the_order_it_is_about(manager):
    message = failed("order-42-event-7-reporter-sms")

    response = client_of(manager).get(detail(message))

    body = response.content.decode()
    assert response.status_code == 200
    assert "您的工单已改期" in body and "HTTP 503" in body
    assert response.context["source"].url == "/orders/42/"
    assert 'href="/orders/42/"' in body


@pytest.mark.django_db
def test_detail_links_an_in_app_notice_to_its_page(manager):
    message = services.enqueue_message(
        channel=MessageChannel.IN_APP,
        recipient=str(manager.pk),
        body="n",
        context={"url": "/orders/5/", "target": "service.serviceorder", "target_id": 5},
    )

    source = client_of(manager).get(detail(message)).context["source"]

    assert (source.label, source.url) == ("service.serviceorder #5", "/orders/5/")


@pytest.mark.django_db
def test_detail_never_links_outside_the_site(manager):
    message = services.enqueue_message(
        channel=MessageChannel.IN_APP, recipient=str(manager.pk), body="n", context={"url": "https://evil.example/"}
    )

    assert client_of(manager).get(detail(message)).context["source"] is None


# --- the actions ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("make", [failed, lambda: failed(gave_up=False), stuck], ids=["gave-up", "retrying", "stuck"])
def test_queue_again_from_the_screen_is_audited_and_sent(manager, make, _outbox):
    message = make()

    response = client_of(manager).post(
        reverse("notifications_outbox:requeue", args=[message.pk]), {"reason": "网关已恢复"}
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    [(action, by, data)] = audit_of(message)
    assert (action, by, data["reason"], data["new_status"]) == ("outbox.requeued", manager.pk, "网关已恢复", "queued")
    services.relay_due_messages()
    assert [d.recipient for d in _outbox] == [PHONE]
    assert "网关已恢复" in client_of(manager).get(detail(message)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [sms, lambda: stuck(minutes=1), lambda: sms(status=MessageStatus.SENT, sent_at=timezone.now())],
    ids=["queued", "sending-now", "sent"],
)
def test_queue_again_refuses_a_message_not_failed_or_stuck_with_409(manager, make):
    message = make()
    before = (message.status, message.next_attempt_at)

    response = client_of(manager).post(reverse("notifications_outbox:requeue", args=[message.pk]))

    assert response.status_code == 409
    assert "outbox-action-error" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == before
    assert audit_of(message) == []
    with pytest.raises(ConflictError) as refused:
        services.requeue_message(by=manager, message_id=message.pk)
    assert refused.value.code == "not_requeueable"


@pytest.mark.django_db
def test_queue_again_holds_a_customer_sms_through_the_quiet_hours_and_says_when_it_leaves(manager, settings, _outbox):
    """The relay's own retries of a customer SMS wait for the end of the quiet hours; an operator's "Queue
    again" sent it at once, at night. It waits too, and the page says when it leaves; a staff SMS is due now."""
    quiet_hours_around_now(settings)
    leaves = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)
    customer = failed("customer-1")
    OutboxMessage.objects.filter(pk=customer.pk).update(context={"customer_sms": "order_accepted"})
    staff = failed("staff-1")
    client = client_of(manager)

    answer = client.post(reverse("notifications_outbox:requeue", args=[customer.pk]), follow=True)
    client.post(reverse("notifications_outbox:requeue", args=[staff.pk]))

    customer.refresh_from_db()
    staff.refresh_from_db()
    assert (customer.status, customer.next_attempt_at) == (MessageStatus.QUEUED, leaves)
    assert staff.status == MessageStatus.QUEUED and staff.next_attempt_at <= timezone.now()
    assert f"{leaves:%H:%M}" in answer.content.decode()
    services.relay_due_messages()
    assert [d.body for d in _outbox] == [staff.body]


@pytest.mark.django_db
@pytest.mark.parametrize("make", [sms, failed], ids=["queued", "failed"])
def test_cancel_keeps_who_when_why_and_the_relay_never_sends_it(manager, make, _outbox):
    message = make()

    response = client_of(manager).post(
        reverse("notifications_outbox:cancel", args=[message.pk]), {"reason": "号码有误"}
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.cancelled_by_id, message.cancel_reason) == ("cancelled", manager.pk, "号码有误")
    assert message.cancelled_at is not None and message.next_attempt_at is None
    assert [(a, by, d["reason"]) for a, by, d in audit_of(message)] == [("outbox.cancelled", manager.pk, "号码有误")]
    services.relay_due_messages(now=timezone.now() + datetime.timedelta(days=1))
    assert _outbox == []
    page = client_of(manager).get(detail(message)).content.decode()
    assert f"由 {manager.get_full_name()} 取消：号码有误" in page
    assert "cancel-reason" not in page and "requeue-reason" not in page  # no action is left
    with pytest.raises(ConflictError):
        services.requeue_message(by=manager, message_id=message.pk)


@pytest.mark.django_db
def test_cancel_without_a_reason_is_400_in_place_and_writes_nothing(manager):
    message = sms()

    response = client_of(manager).post(reverse("notifications_outbox:cancel", args=[message.pk]), {"reason": "  "})

    assert response.status_code == 400
    assert 'id="cancel-error"' in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert audit_of(message) == []
    with pytest.raises(ValidationFailed) as refused:
        services.cancel_message(by=manager, message_id=message.pk, reason="")
    assert refused.value.field == "reason"


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "make"), [("cancel", sms), ("requeue", failed)])
def test_a_reason_with_a_nul_character_is_400_in_place_and_writes_nothing(manager, action, make):
    """The actions read the reason from the post, not through a form (whose fields refuse U+0000): it
    reached PostgreSQL, which cannot store it, and the screen answered 500."""
    message = make()
    before = message.status

    response = client_of(manager).post(
        reverse(f"notifications_outbox:{action}", args=[message.pk]), {"reason": "错\x00号"}
    )

    assert response.status_code == 400
    assert f'id="{action}-error"' in response.content.decode()
    message.refresh_from_db()
    assert message.status == before
    assert audit_of(message) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [stuck, lambda: sms(status=MessageStatus.SENT, sent_at=timezone.now())],
    ids=["sending", "sent"],
)
def test_cancel_refuses_a_message_sending_or_sent_with_409(manager, make):
    message = make()

    response = client_of(manager).post(reverse("notifications_outbox:cancel", args=[message.pk]), {"reason": "x"})

    assert response.status_code == 409
    message.refresh_from_db()
    assert message.status != MessageStatus.CANCELLED
    assert audit_of(message) == []


# --- the Django admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_outbox_is_read_only_and_nothing_can_be_deleted(root):
    message = failed()
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = site._registry[OutboxMessage]

    assert not model_admin.has_delete_permission(request, message)
    assert not model_admin.has_change_permission(request, message)
    assert not model_admin.has_add_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    client = client_of(root)
    url = reverse("admin:notifications_outboxmessage_delete", args=[message.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    change = reverse("admin:notifications_outboxmessage_change", args=[message.pk])
    client.post(change, {"recipient": "+8613000000000", "body": "改了"})
    message.refresh_from_db()
    assert (message.recipient, message.body) == (PHONE, "您的工单已改期")
    assert OutboxMessage.objects.filter(pk=message.pk).exists()


@pytest.mark.django_db
def test_admin_queue_again_goes_through_the_audited_service(root):
    message = failed()
    changelist = reverse("admin:notifications_outboxmessage_changelist")

    response = client_of(root).post(changelist, {"action": "requeue", "_selected_action": [message.pk]})

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert [a for a, _by, _d in audit_of(message)] == ["outbox.requeued"]
