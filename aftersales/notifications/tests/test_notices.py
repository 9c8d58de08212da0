"""In-app notices: written by the in-app channel once per message, read and marked by their owner only."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import NotFoundError
from aftersales.notifications import services
from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.models import Notification, OutboxMessage
from aftersales.notifications.selectors import notice_page, unread_notice_count
from aftersales.notifications.tests.factories import make_notice


@pytest.mark.django_db
def test_notify_user_queues_a_notice_and_an_sms_written_once_each(_outbox):
    user = UserFactory(role=Role.TECHNICIAN, phone="+8613900001111")

    for _ in range(2):  # the same event twice: one notice, one SMS
        services.notify_user(user=user, message="SO1 派给您", subject="SO1", url="/orders/1/", target=user, key="e1")
        services.relay_due_messages()

    notice = Notification.objects.get()
    assert (notice.user, notice.message, notice.url, notice.read_at) == (user, "SO1 派给您", "/orders/1/", None)
    assert (notice.target_type.model, notice.target_id) == ("user", user.pk)
    assert [(d.channel, d.recipient, d.subject) for d in _outbox] == [("sms", "+8613900001111", "SO1")]
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"e1-in_app", "e1-sms"}


@pytest.mark.django_db
def test_user_without_mobile_gets_the_notice_only(_outbox):
    user = UserFactory(role=Role.TECHNICIAN, phone="")

    services.notify_user(user=user, message="hi", key="e2")
    services.relay_due_messages()

    assert Notification.objects.filter(user=user).count() == 1
    assert _outbox == []


@pytest.mark.django_db
def test_notice_for_an_unknown_or_inactive_user_fails_without_retry():
    gone = UserFactory(is_active=False)
    for recipient in (str(gone.pk), "not-a-user"):
        services.enqueue_message(channel="in_app", recipient=recipient, body="hi")

    services.relay_due_messages()

    failed = OutboxMessage.objects.all()
    assert {(m.status, m.next_attempt_at) for m in failed} == {(MessageStatus.FAILED, None)}
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_mark_read_only_own_notice_and_others_answer_404():
    owner, other = UserFactory(), UserFactory()
    notice = make_notice(owner)

    with pytest.raises(NotFoundError):
        services.mark_notice_read(user=other, notice_id=notice.pk)
    assert Notification.objects.get(pk=notice.pk).read_at is None

    marked = services.mark_notice_read(user=owner, notice_id=notice.pk)
    again = services.mark_notice_read(user=owner, notice_id=notice.pk)
    assert marked.read_at is not None and again.read_at == marked.read_at


@pytest.mark.django_db
def test_mark_all_read_touches_only_own_unread_notices():
    owner, other = UserFactory(), UserFactory()
    for _ in range(3):
        make_notice(owner)
    theirs = make_notice(other)

    assert services.mark_all_notices_read(user=owner) == 3
    assert services.mark_all_notices_read(user=owner) == 0
    assert unread_notice_count(owner) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_notice_page_is_newest_first_keyset_paged_and_filters_unread():
    user = UserFactory()
    notices = [make_notice(user, f"n{i}") for i in range(5)]
    services.mark_notice_read(user=user, notice_id=notices[4].pk)

    first = notice_page(user, cursor=None, limit=2)
    second = notice_page(user, cursor=first.next_cursor, limit=10)
    unread = notice_page(user, unread_only=True, cursor=None, limit=10)

    assert [n.message for n in first.items + second.items] == ["n4", "n3", "n2", "n1", "n0"]
    assert second.next_cursor is None
    assert [n.message for n in unread.items] == ["n3", "n2", "n1", "n0"]
    assert unread_notice_count(user) == 4


@pytest.mark.django_db
def test_anonymous_user_has_no_notices():
    from django.contrib.auth.models import AnonymousUser

    assert unread_notice_count(AnonymousUser()) == 0
