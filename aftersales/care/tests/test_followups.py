"""Follow-ups (回访): scheduled when an order closes, in their windows on the working-day calendar;
calls recorded by the clerk, the pool or the stand-in; a low score opens a complaint."""

import datetime

import pytest
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.accounts.services import create_stand_in
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import selectors, services
from aftersales.care.api import FOLLOW_UP_STATE
from aftersales.care.choices import ComplaintSource, Outcome, Purpose, TaskStatus
from aftersales.care.models import Complaint, ContactEntry, FollowUpCall, FollowUpRule, FollowUpTask, ScriptQuestion
from aftersales.care.permissions import follow_ups_visible_to
from aftersales.care.tests.factories import at, close_order
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.service import services as order_services
from aftersales.service.choices import OrderKind, OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre)


@pytest.fixture
def closed(users, customer):
    """A repair handed back on Tuesday 2026-12-01 and closed."""
    return close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))


def windows(order):
    return {
        t.purpose: (t.opens_on, t.closes_on)
        for t in FollowUpTask.objects.filter(order=order).exclude(status=TaskStatus.CANCELLED)
    }


# ---- windows ----------------------------------------------------------------------------------------
def test_closing_an_order_schedules_the_call_back_and_first_follow_up_in_their_windows(closed, customer):
    # Tue 1 Dec: call-back on the 1st-2nd working day (Wed 2 - Thu 3), first follow-up from the 3rd
    # working day to a week of working days (Fri 4 - Tue 8).
    assert windows(closed) == {
        Purpose.CALLBACK: (datetime.date(2026, 12, 2), datetime.date(2026, 12, 3)),
        Purpose.FIRST: (datetime.date(2026, 12, 4), datetime.date(2026, 12, 8)),
    }
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)
    assert (task.customer, task.unit_id, task.service_center_id) == (customer, closed.unit_id, closed.service_center_id)
    assert task.assigned_to is None and task.status == TaskStatus.OPEN  # the centre's pool


def test_windows_across_the_national_day_holiday_week_skip_the_holidays(users, customer):
    # Handed back Tue 29 Sep 2026; 1-7 Oct are holidays, Sat 10 Oct is a working day (调休).
    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 9, 29))

    assert windows(order) == {
        Purpose.CALLBACK: (datetime.date(2026, 9, 30), datetime.date(2026, 10, 8)),
        Purpose.FIRST: (datetime.date(2026, 10, 9), datetime.date(2026, 10, 12)),
    }


def test_second_follow_up_falls_in_the_seven_days_after_the_week_following_the_first_call(closed, users):
    first = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)

    services.record_call(
        task_id=first.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=5, now=at(datetime.date(2026, 9, 30))
    )

    second = FollowUpTask.objects.get(order=closed, purpose=Purpose.SECOND)
    # Called Wed 30 Sep; the week after it is working days 1-5 (8, 9, Sat 10, 12, 13 Oct, after the
    # holidays); the second call falls on working days 6-10 (Wed 14 - Tue 20 Oct).
    assert (second.opens_on, second.closes_on) == (datetime.date(2026, 10, 14), datetime.date(2026, 10, 20))
    assert second.previous == first and second.assigned_to == users[Role.AGENT]


def test_rules_per_order_kind_decide_which_calls_are_made(users, customer):
    FollowUpRule.objects.filter(kind=OrderKind.REPAIR).update(callback=False, first_opens=2, first_closes=4)

    order = close_order(manager=users[Role.MANAGER], customer=customer, handed_back=datetime.date(2026, 12, 1))

    assert windows(order) == {Purpose.FIRST: (datetime.date(2026, 12, 3), datetime.date(2026, 12, 7))}


def test_closing_again_after_a_reopening_makes_no_second_task_for_a_call_made(closed, users):
    callback = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    services.record_call(task_id=callback.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=4)

    reopened = order_services.transition_order(closed, to=OrderStatus.ACCEPTED, by=users[Role.MANAGER], reason="再修")
    assert FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST).status == TaskStatus.CANCELLED
    from aftersales.service.tests.factories import set_order_times

    reopened = set_order_times(reopened, status=OrderStatus.COMPLETED, completed_at=at(datetime.date(2026, 12, 7)))
    order_services.transition_order(reopened, to=OrderStatus.CLOSED, by=users[Role.MANAGER])

    live = FollowUpTask.objects.filter(order=closed).exclude(status=TaskStatus.CANCELLED)
    assert sorted(live.values_list("purpose", "status")) == [
        (Purpose.CALLBACK, TaskStatus.DONE),
        (Purpose.FIRST, TaskStatus.OPEN),
    ]


# ---- calls ------------------------------------------------------------------------------------------
def test_reached_call_closes_the_task_with_scores_answers_and_a_contact_log_entry(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    solved = ScriptQuestion.objects.get(answer_type="yes_no")

    call = services.record_call(
        task_id=task.pk,
        by=users[Role.AGENT],
        outcome=Outcome.REACHED,
        score=4,
        expected=5,
        perceived=4,
        nps=9,
        answers={str(solved.pk): True},
        notes="很满意",
    )

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.attempts == 1 and task.done_at is not None
    assert (call.score, call.gap, call.nps, call.answers) == (4, -1, 9, {str(solved.pk): True})
    entry = ContactEntry.objects.get(call=call)
    assert (entry.channel, entry.direction, entry.customer_id) == ("phone", "out", task.customer_id)
    assert Activity.objects.filter(type="follow_up.called", target_id=task.pk).exists()
    assert not Complaint.objects.exists()


def test_not_reached_leaves_the_task_to_retry_then_gives_up_after_the_limit(closed, users, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "CARE_MAX_ATTEMPTS": 2}
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    services.record_call(
        task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.NOT_REACHED, now=at(datetime.date(2026, 12, 4))
    )
    task.refresh_from_db()
    assert (task.status, task.attempts, task.retry_on) == (TaskStatus.OPEN, 1, datetime.date(2026, 12, 7))

    services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.NOT_REACHED)
    task.refresh_from_db()
    assert (task.status, task.attempts) == (TaskStatus.UNREACHABLE, 2)


def test_low_score_opens_a_complaint_by_itself(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    call = services.record_call(
        task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=2, notes="师傅迟到"
    )

    complaint = Complaint.objects.get()
    assert complaint.source == ComplaintSource.LOW_SCORE and complaint.follow_up_call == call
    assert complaint.owner == users[Role.AGENT] and complaint.customer_id == task.customer_id
    assert list(complaint.orders.all()) == [closed] and list(complaint.units.all()) == [closed.unit]
    assert "师傅迟到" in complaint.description


def test_low_score_complaint_and_contact_log_are_written_in_the_site_language_whoever_calls(closed, users):
    # QA 2026-12-07: a call recorded by a clerk reading English left "Score 1 on the Second follow-up."
    # on a complaint the Chinese staff read; records are written in the site's language (zh-hans).
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    with translation.override("en"):
        services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=1, notes="迟到")

    complaint = Complaint.objects.get()
    assert complaint.description == "服务后回访评分 1。迟到"
    summary = ContactEntry.objects.get(call__isnull=False).summary
    assert "Call-back" not in summary and "score" not in summary and "服务后回访" in summary


def test_score_above_the_threshold_opens_none_and_the_threshold_is_configurable(closed, users, settings):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    settings.AFTERSALES = {**settings.AFTERSALES, "CARE_COMPLAINT_SCORE_AT_OR_BELOW": 3}

    services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=3)

    assert Complaint.objects.count() == 1


def test_complaint_from_a_follow_up_answer(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)

    services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=4, complaint="发票未开")

    assert Complaint.objects.get().source == ComplaintSource.FOLLOW_UP


# ---- bad input: clear errors, nothing written -------------------------------------------------------
def nothing_written(task):
    task.refresh_from_db()
    return (
        task.status == TaskStatus.OPEN
        and task.attempts == 0
        and not FollowUpCall.objects.exists()
        and not ContactEntry.objects.filter(call__isnull=False).exists()
        and not Complaint.objects.exists()
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"outcome": Outcome.REACHED, "score": 6}, "invalid_score", "score"),
        ({"outcome": Outcome.REACHED, "score": 0}, "invalid_score", "score"),
        ({"outcome": Outcome.REACHED}, "required", "score"),
        ({"outcome": Outcome.REACHED, "score": 3, "nps": 11}, "invalid_score", "nps"),
        ({"outcome": Outcome.REACHED, "score": 3, "expected": 9}, "invalid_score", "expected"),
        ({"outcome": Outcome.NOT_REACHED, "score": 3}, "invalid_score", "score"),
        ({"outcome": "maybe"}, "invalid_choice", "outcome"),
        ({"outcome": Outcome.REACHED, "score": 3, "answers": {"999999": "x"}}, "invalid_answer", "answers"),
    ],
)
def test_bad_call_is_refused_and_writes_nothing(closed, users, kwargs, code, field):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    with pytest.raises(ValidationFailed) as caught:
        services.record_call(task_id=task.pk, by=users[Role.AGENT], **kwargs)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert nothing_written(task)


def test_answer_of_the_wrong_type_is_refused(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    yes_no = ScriptQuestion.objects.get(answer_type="yes_no")

    with pytest.raises(ValidationFailed) as caught:
        services.record_call(
            task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=3, answers={str(yes_no.pk): "maybe"}
        )

    assert caught.value.field == f"answers.{yes_no.pk}"
    assert nothing_written(task)


def test_answer_to_a_closed_task_is_refused_with_409(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REFUSED)

    with pytest.raises(ConflictError) as caught:
        services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=5)

    assert caught.value.code == "task_closed"
    assert FollowUpCall.objects.count() == 1


def test_follow_up_of_a_customer_outside_the_scope_is_not_found(closed, users, other_centre):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    stranger = UserFactory(role=Role.AGENT, service_center=other_centre)

    with pytest.raises(NotFoundError):
        services.record_call(task_id=task.pk, by=stranger, outcome=Outcome.REACHED, score=5)

    assert nothing_written(task)


def test_technician_may_not_record_calls(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)

    with pytest.raises(NotFoundError):  # the task does not exist for them
        services.record_call(task_id=task.pk, by=users[Role.TECHNICIAN], outcome=Outcome.REACHED, score=5)
    assert nothing_written(task)


# ---- clerks, the pool and the stand-in ----------------------------------------------------------------
def test_a_stand_in_sees_and_does_the_absent_clerks_tasks_and_nobody_elses(closed, users, centre, customer):
    absent = UserFactory(role=Role.AGENT, service_center=centre, username="absent")
    stand_in = UserFactory(role=Role.AGENT, service_center=centre, username="stand-in")
    other = UserFactory(role=Role.AGENT, service_center=centre, username="other")
    callback = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    first = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)
    services.assign_follow_up(task_id=callback.pk, by=users[Role.MANAGER], to=absent)
    services.assign_follow_up(task_id=first.pk, by=users[Role.MANAGER], to=other)
    assert not follow_ups_visible_to(stand_in).exists()

    from django.utils import timezone

    today = timezone.localdate()
    create_stand_in(
        from_user=absent, to_user=stand_in, starts_on=today, ends_on=today, reason="休假", by=users[Role.MANAGER]
    )
    stand_in.refresh_from_db()

    assert list(follow_ups_visible_to(stand_in)) == [callback]
    services.record_call(task_id=callback.pk, by=stand_in, outcome=Outcome.REACHED, score=5)
    with pytest.raises(NotFoundError):
        services.record_call(task_id=first.pk, by=stand_in, outcome=Outcome.REACHED, score=5)
    callback.refresh_from_db()
    assert callback.status == TaskStatus.DONE and callback.calls.get().by == stand_in


def test_pool_tasks_are_seen_by_every_clerk_of_the_centre_and_taken_by_the_first_call(closed, users, centre):
    clerk = UserFactory(role=Role.AGENT, service_center=centre)
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)
    assert task in follow_ups_visible_to(clerk) and task in follow_ups_visible_to(users[Role.AGENT])

    services.record_call(task_id=task.pk, by=clerk, outcome=Outcome.NOT_REACHED)

    task.refresh_from_db()
    assert task.assigned_to == clerk and task not in follow_ups_visible_to(users[Role.AGENT])


def test_assigning_is_for_supervisors_and_to_clerks_of_the_centre(closed, users, other_centre):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.FIRST)

    with pytest.raises(PermissionDeniedError):
        services.assign_follow_up(task_id=task.pk, by=users[Role.AGENT], to=users[Role.AGENT])
    with pytest.raises(ValidationFailed) as caught:
        services.assign_follow_up(task_id=task.pk, by=users[Role.MANAGER], to=users[Role.TECHNICIAN])
    assert caught.value.field == "assigned_to_id"
    with pytest.raises(ValidationFailed):
        services.assign_follow_up(
            task_id=task.pk, by=users[Role.MANAGER], to=UserFactory(role=Role.AGENT, service_center=other_centre)
        )
    task.refresh_from_db()
    assert task.assigned_to is None


def test_a_required_question_must_be_answered_when_the_customer_is_reached(closed, users):
    task = FollowUpTask.objects.get(order=closed, purpose=Purpose.CALLBACK)
    question = ScriptQuestion.objects.get(answer_type="yes_no")
    question.required = True
    question.save()

    with pytest.raises(ValidationFailed) as caught:
        services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.REACHED, score=4)
    assert caught.value.field == f"answers.{question.pk}"
    assert nothing_written(task)

    services.record_call(task_id=task.pk, by=users[Role.AGENT], outcome=Outcome.NOT_REACHED)  # not reached: none needed


# ---- the home panel's counts ------------------------------------------------------------------------
def test_the_home_counts_are_of_open_tasks_read_among_the_open_ones_alone(closed, users):
    """Due, overdue and to retry count open tasks only; the statement reads the open tasks alone (a
    condition of its own, which care_task_open_idx or a centre's index answers), not every task ever
    made with the status tested per count (benchmarks/README.md "The home page")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.care.selectors import task_counts

    tasks = list(FollowUpTask.objects.filter(order=closed).order_by("opens_on"))
    assert len(tasks) == 2
    on = tasks[0].closes_on + datetime.timedelta(days=1)  # the first window is past, the second open
    FollowUpTask.objects.filter(pk=tasks[1].pk).update(opens_on=on, closes_on=on, attempts=1)
    done = FollowUpTask.objects.filter(pk=tasks[1].pk).get()
    done.pk = None
    done.purpose, done.status = Purpose.SECOND, TaskStatus.DONE  # attempts and window, but done
    done.save()

    with CaptureQueriesContext(connection) as captured:
        counts = task_counts(user=users[Role.MANAGER], on=on)

    assert counts == {"due": 1, "overdue": 1, "retry": 1}
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert sql.split(" FROM ", 1)[1].count('"care_followuptask"."status" = \'open\'') == 1  # in WHERE


def test_every_task_state_is_one_the_api_declares():
    # FollowUpOut.state is documented as FOLLOW_UP_STATE's enum (test_openapi_enums); task_state computes it.
    opens, closes = datetime.date(2026, 12, 7), datetime.date(2026, 12, 11)
    days = (opens - datetime.timedelta(days=1), opens, closes, closes + datetime.timedelta(days=1))
    states = {
        selectors.task_state(FollowUpTask(status=status, opens_on=opens, closes_on=closes), on=day)
        for status in TaskStatus
        for day in days
    }

    assert states == set(FOLLOW_UP_STATE.values)
