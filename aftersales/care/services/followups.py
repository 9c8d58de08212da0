"""Follow-up tasks (回访): scheduled when an order closes, called by a clerk or the stand-in.

domain.md Follow-up §15 4–5 and §12: a call-back after the job records the rating; the first
follow-up falls 3 days to a week after the customer takes the unit back, the second in the 7 days
after the week that follows the first call. Windows are counted on the working-day calendar.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import WorkingCalendar, business_timezone, calendar_warning
from aftersales.care import config
from aftersales.care.choices import AnswerType, ComplaintSource, ContactChannel, Direction, Outcome, Purpose, TaskStatus
from aftersales.care.models import FollowUpCall, FollowUpRule, FollowUpTask, ScriptQuestion
from aftersales.care.permissions import can_make_calls, follow_ups_visible_to, supervises_follow_ups
from aftersales.care.services.complaints import open_complaint_unchecked
from aftersales.care.services.contacts import add_entry
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.text import site_language
from aftersales.core.validation import require_choice, require_text
from aftersales.history.services import record_activity
from aftersales.service.models import ServiceOrder


def _rule_for(kind: str) -> FollowUpRule:
    """The rule of an order kind: its row, or the source's defaults when none was saved."""
    return FollowUpRule.objects.filter(kind=kind).first() or FollowUpRule(kind=kind)


@dataclass(frozen=True)
class Window:
    purpose: str
    opens_on: datetime.date
    closes_on: datetime.date
    warning: str = ""


def window_after(
    *, purpose: str, start: datetime.date, opens: int, closes: int, calendar: WorkingCalendar | None = None
) -> Window:
    """The window from the ``opens``-th to the ``closes``-th working day after ``start``."""
    calendar = calendar or WorkingCalendar()
    first = calendar.add_working_days(start=start, days=opens)
    last = calendar.add_working_days(start=start, days=closes)
    unknown = tuple(sorted(set(first.unknown_years) | set(last.unknown_years)))
    return Window(purpose, first.day, last.day, calendar_warning(unknown_years=unknown))


def _hand_back_day(order: ServiceOrder) -> datetime.date:
    """The day the customer got the unit back: the job's completion, else the closing (a consultation)."""
    moment = order.completed_at or order.closed_at or timezone.now()
    return moment.astimezone(business_timezone()).date()


def _windows_for(order: ServiceOrder, rule: FollowUpRule) -> list[Window]:
    start = _hand_back_day(order)
    calendar = WorkingCalendar()
    windows = []
    if rule.callback:
        windows.append(
            window_after(
                purpose=Purpose.CALLBACK,
                start=start,
                opens=rule.callback_opens,
                closes=rule.callback_closes,
                calendar=calendar,
            )
        )
    if rule.first:
        windows.append(
            window_after(
                purpose=Purpose.FIRST, start=start, opens=rule.first_opens, closes=rule.first_closes, calendar=calendar
            )
        )
    return windows


def schedule_follow_ups(*, order: ServiceOrder) -> list[FollowUpTask]:
    """The call-back and first follow-up of a closed order, in their windows, in the centre's pool.

    Runs in the closing's transaction (``order_status_changed``). A purpose that already has a live
    task (an order closed again after a reopening whose calls were made) gets no second one."""
    rule = _rule_for(order.kind)
    live = set(
        FollowUpTask.objects.filter(order=order).exclude(status=TaskStatus.CANCELLED).values_list("purpose", flat=True)
    )
    tasks = [
        FollowUpTask(
            purpose=window.purpose,
            service_center_id=order.service_center_id,
            customer_id=order.customer_id,
            order=order,
            unit_id=order.unit_id,
            opens_on=window.opens_on,
            closes_on=window.closes_on,
            calendar_warning=window.warning[:255],
        )
        for window in _windows_for(order, rule)
        if window.purpose not in live
    ]
    return FollowUpTask.objects.bulk_create(tasks)


def cancel_follow_ups(*, order: ServiceOrder) -> int:
    """An order reopened: its open follow-ups are no longer due (they come again when it closes)."""
    return FollowUpTask.objects.filter(order=order, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, updated_at=timezone.now()
    )


def _schedule_second(task: FollowUpTask, *, called_on: datetime.date) -> FollowUpTask | None:
    rule = _rule_for(task.order.kind) if task.order is not None else FollowUpRule()
    if not rule.second:
        return None
    if (
        task.order_id
        and FollowUpTask.objects.filter(order_id=task.order_id, purpose=Purpose.SECOND)
        .exclude(status=TaskStatus.CANCELLED)
        .exists()
    ):
        return None
    window = window_after(purpose=Purpose.SECOND, start=called_on, opens=rule.second_opens, closes=rule.second_closes)
    return FollowUpTask.objects.create(
        purpose=Purpose.SECOND,
        service_center_id=task.service_center_id,
        customer_id=task.customer_id,
        order_id=task.order_id,
        unit_id=task.unit_id,
        previous=task,
        opens_on=window.opens_on,
        closes_on=window.closes_on,
        assigned_to_id=task.assigned_to_id,
        calendar_warning=window.warning[:255],
    )


def _lock_task(task_id: int, *, by: User) -> FollowUpTask:
    """The task locked for a write, if ``by`` may see it (404 otherwise, also for another centre's)."""
    task = follow_ups_visible_to(by).select_for_update(of=("self",)).filter(pk=task_id).first()
    if task is None:
        raise NotFoundError("not_found", _("No such follow-up."))
    return task


def _score(value: Any, *, field: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            "invalid_score", _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=field
        )
    return value


def _clean_answers(answers: dict[str, Any] | None, *, reached: bool) -> dict[str, Any]:
    """The answers to the active script questions, by question id, each of its type; a required
    question must be answered when the customer was reached. Unknown questions are refused."""
    answers = dict(answers or {})
    questions = {str(q.pk): q for q in ScriptQuestion.objects.filter(active=True)}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ValidationFailed(
            "invalid_answer", _("No such question: %(ids)s.") % {"ids": ", ".join(unknown)}, field="answers"
        )
    cleaned: dict[str, Any] = {}
    for key, question in questions.items():
        value = answers.get(key)
        field = f"answers.{key}"
        if value in (None, ""):
            if reached and question.required:
                raise ValidationFailed("required", _("This question must be answered."), field=field)
            continue
        if question.answer_type == AnswerType.SCORE:
            cleaned[key] = _score(value, field=field, low=1, high=5)
        elif question.answer_type == AnswerType.YES_NO:
            if not isinstance(value, bool):
                raise ValidationFailed("invalid_answer", _("Answer yes or no."), field=field)
            cleaned[key] = value
        elif question.answer_type == AnswerType.CHOICE:
            if value not in question.choice_list:
                raise ValidationFailed("invalid_answer", _("Pick one of the listed answers."), field=field)
            cleaned[key] = value
        else:
            cleaned[key] = require_text(str(value), field=field, max_length=1000)
    return cleaned


@transaction.atomic
def record_call(
    *,
    task_id: int,
    by: User,
    outcome: str,
    score: int | None = None,
    expected: int | None = None,
    perceived: int | None = None,
    nps: int | None = None,
    answers: dict[str, Any] | None = None,
    notes: str = "",
    complaint: str = "",
    now: datetime.datetime | None = None,
) -> FollowUpCall:
    """Record one call on a follow-up task (the clerk's, the pool's, or the absent clerk's for their
    stand-in). Reached: the task is done with the score (1–5, required), expected vs. perceived, the
    NPS answer (0–10) and the script's answers; the first follow-up schedules the second. Not reached:
    the task stays open to retry on the next working day, until ``CARE_MAX_ATTEMPTS``. Refused: closed.

    A score at or below ``CARE_COMPLAINT_SCORE_AT_OR_BELOW`` opens a complaint by itself; text in
    ``complaint`` opens one from the answer. The call goes on the contact log."""
    task = _lock_task(task_id, by=by)
    if not can_make_calls(by, centre_id=task.service_center_id):
        raise PermissionDeniedError("forbidden", _("You may not make follow-up calls."))
    if task.status != TaskStatus.OPEN:
        raise ConflictError(
            "task_closed", _("This follow-up is closed (%(status)s).") % {"status": task.get_status_display()}
        )
    require_choice(outcome, field="outcome", choices=Outcome)
    reached = outcome == Outcome.REACHED
    score = _score(score, field="score", low=1, high=5)
    expected = _score(expected, field="expected", low=1, high=5)
    perceived = _score(perceived, field="perceived", low=1, high=5)
    nps = _score(nps, field="nps", low=0, high=10)
    if reached and score is None:
        raise ValidationFailed("required", _("Give the customer's score (1-5)."), field="score")
    if not reached and any(v is not None for v in (score, expected, perceived, nps)):
        raise ValidationFailed(
            "invalid_score", _("Scores are given only when the customer was reached."), field="score"
        )
    cleaned = _clean_answers(answers, reached=reached)
    notes = require_text(notes, field="notes", max_length=4000, required=False)
    complaint = require_text(complaint, field="complaint", max_length=4000, required=False)
    if complaint and not reached:
        raise ValidationFailed(
            "invalid_complaint", _("A complaint is taken from a customer reached."), field="complaint"
        )

    now = now or timezone.now()
    call = FollowUpCall.objects.create(
        task=task,
        by=by,
        at=now,
        outcome=outcome,
        score=score,
        expected=expected,
        perceived=perceived,
        nps=nps,
        answers=cleaned,
        notes=notes,
    )
    before = task.status
    task.attempts += 1
    today = now.astimezone(business_timezone()).date()
    if reached:
        task.status, task.done_at, task.retry_on = TaskStatus.DONE, now, None
    elif outcome == Outcome.REFUSED:
        task.status, task.done_at, task.retry_on = TaskStatus.REFUSED, now, None
    elif task.attempts >= config.max_attempts():
        task.status, task.done_at, task.retry_on = TaskStatus.UNREACHABLE, now, None
    else:
        task.retry_on = WorkingCalendar().add_working_days(start=today, days=1).day
    if task.assigned_to_id is None:
        task.assigned_to = by  # who called a pool task answers for it now
    task.save(update_fields=["attempts", "status", "done_at", "retry_on", "assigned_to", "updated_at"])
    record_activity(
        target=task,
        type="follow_up.called",
        by=by,
        changes={"status": (before, task.status)} if before != task.status else None,
        data={"outcome": outcome, "score": score, "attempt": task.attempts},
    )
    # The contact log and the complaint are records the whole centre reads (and the complaint ledger
    # exports): written in the site's language, not the language of the clerk who made the call.
    with site_language():
        summary = _("%(purpose)s: %(outcome)s") % {
            "purpose": task.get_purpose_display(),
            "outcome": call.get_outcome_display(),
        }
        if score is not None:
            summary += " · " + _("score %(score)d") % {"score": score}
    add_entry(
        customer=task.customer,
        channel=ContactChannel.PHONE,
        direction=Direction.OUTBOUND,
        summary=f"{summary} {notes}".strip(),
        by=by,
        at=now,
        call=call,
        order_id=task.order_id,
    )
    if reached and task.purpose == Purpose.FIRST:
        _schedule_second(task, called_on=today)
    if complaint:
        open_complaint_unchecked(
            task=task, call=call, by=by, description=complaint, source=ComplaintSource.FOLLOW_UP, now=now
        )
    elif score is not None and score <= config.low_score():
        with site_language():
            description = _("%(purpose)s: score %(score)d. %(notes)s") % {
                "score": score,
                "purpose": task.get_purpose_display(),
                "notes": notes,
            }
        open_complaint_unchecked(
            task=task, call=call, by=by, description=description.strip(), source=ComplaintSource.LOW_SCORE, now=now
        )
    return call


@transaction.atomic
def assign_follow_up(*, task_id: int, by: User, to: User | None) -> FollowUpTask:
    """Give a task to a clerk of its centre (or back to the pool with ``to=None``): supervisors only."""
    task = _lock_task(task_id, by=by)
    if not supervises_follow_ups(by):
        raise PermissionDeniedError("forbidden", _("You may not assign follow-ups."))
    if task.status != TaskStatus.OPEN:
        raise ConflictError(
            "task_closed", _("This follow-up is closed (%(status)s).") % {"status": task.get_status_display()}
        )
    if to is not None and (not to.is_active or not can_make_calls(to, centre_id=task.service_center_id)):
        raise ValidationFailed(
            "invalid_clerk", _("This person does not make follow-up calls here."), field="assigned_to_id"
        )
    before = task.assigned_to
    task.assigned_to = to
    task.save(update_fields=["assigned_to", "updated_at"])
    record_activity(
        target=task, type="follow_up.assigned", by=by, changes={"assigned_to": (str(before or ""), str(to or ""))}
    )
    return task
