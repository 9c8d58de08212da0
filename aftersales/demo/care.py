"""The demo's customer care (issue 11): the follow-ups of the closed orders, scheduled when they closed
(those of last week's due about now, some still to come), calls made in their windows with their scores
(one low score opens a complaint by itself, one call not reached waits for its retry), complaints at
every stage, and contacts logged.

Everything goes through care's services, after the orders exist (``DemoLoader.load``)."""

import datetime
import random

from django.db.models import Case, When
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.care import services
from aftersales.care.choices import (
    ComplaintSource,
    ComplaintStatus,
    ContactChannel,
    Direction,
    Outcome,
    Purpose,
    TaskStatus,
)
from aftersales.care.models import Complaint, FollowUpTask
from aftersales.customers.models import Customer
from aftersales.demo.story import happened_at
from aftersales.service.choices import OrderStatus

NOTES = ("设备运行正常，很满意", "师傅很专业", "上门比约定晚了一点", "希望以后能提前电话通知", "")
LETTERS = ("寄出年度保养提醒函", "寄出服务满意度调查函", "寄出新品推介会邀请函")
# A first follow-up whose window closed this many days before today was made in its window.
MADE_AFTER_DAYS = 10


def _in_window(task: FollowUpTask, *, now: datetime.datetime) -> datetime.datetime:
    """When the clerk called: the window's first day at 10:00, or half an hour after the task was scheduled
    if that was later that day (never after now)."""
    moment = timezone.make_aware(datetime.datetime.combine(task.opens_on, datetime.time(10)))
    return min(max(moment, task.created_at + datetime.timedelta(minutes=30)), now)


def _call(task: FollowUpTask, *, by: User, now: datetime.datetime, **answers: object) -> None:
    """The call recorded when it was made (``happened_at``): a complaint it opens, the second follow-up it
    schedules, are dated then too."""
    with happened_at(_in_window(task, now=now), now=now) as at:
        services.record_call(task_id=task.pk, by=by, now=at, **answers)  # type: ignore[arg-type]


def load_care(*, staff: dict[str, User], rng: random.Random, now: datetime.datetime) -> dict[str, int]:
    """The tasks were scheduled when their orders closed, in the windows the care rules give (domain.md
    Follow-up): the older call-backs and first follow-ups were made in their windows, the newest wait."""
    today = now.date()
    agent, manager = staff["agent"], staff["manager"]
    shanghai = FollowUpTask.objects.filter(service_center=agent.service_center, status=TaskStatus.OPEN)
    callbacks = shanghai.filter(purpose=Purpose.CALLBACK, closes_on__lt=today).order_by("closes_on", "order_id")
    # The call-backs whose window has passed were made in it: good scores, the oldest a low score (a
    # complaint by itself), the newest not reached (to retry); the others are due or still to come.
    made = list(callbacks)
    for index, task in enumerate(made):
        if index == len(made) - 1:
            _call(task, by=agent, now=now, outcome=Outcome.NOT_REACHED)
            continue
        score = 2 if index == 0 else rng.choice((4, 5))
        _call(
            task,
            by=agent,
            now=now,
            outcome=Outcome.REACHED,
            score=score,
            expected=4,
            perceived=score,
            nps=rng.choice((8, 9, 10)) if score > 2 else 3,
            notes="维修后还是有异响，客户很不满" if score == 2 else rng.choice(NOTES),
        )
    # Every centre's clerk made the calls of long ago in their windows (a first follow-up schedules the
    # second, made in its turn): what stays open is due about now, overdue by days, or still to come.
    made_by = today - datetime.timedelta(days=MADE_AFTER_DAYS)
    for clerk in (user for user in staff.values() if user.role == Role.AGENT):
        for purpose in (Purpose.CALLBACK, Purpose.FIRST, Purpose.SECOND):
            tasks = FollowUpTask.objects.filter(
                service_center=clerk.service_center, status=TaskStatus.OPEN, purpose=purpose, closes_on__lt=made_by
            ).order_by("closes_on", "order_id")
            for task in tasks:
                _call(
                    task, by=clerk, now=now, outcome=Outcome.REACHED, score=rng.choice((4, 5)), notes=rng.choice(NOTES)
                )
    # This morning the agent made one of the calls due (the month's summary has this month's scores from
    # its first day on): the oldest whose window has opened, else the next to open.
    due = (
        shanghai.exclude(attempts__gt=0)
        .order_by(Case(When(opens_on__lte=today, then=0), default=1), "closes_on", "order_id")
        .first()
    )
    if due is not None:
        this_morning = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 30)))
        with happened_at(max(this_morning, due.created_at + datetime.timedelta(minutes=30)), now=now) as at:
            services.record_call(
                task_id=due.pk, by=agent, now=at, outcome=Outcome.REACHED, score=5, expected=4, perceived=5, nps=9
            )
    # Some tasks are given to the agent, the rest stay in the pool.
    for task in shanghai.filter(purpose=Purpose.FIRST).order_by("order_id")[:4]:
        services.assign_follow_up(task_id=task.pk, by=manager, to=agent)

    customers = list(Customer.objects.filter(service_center=agent.service_center).order_by("pk")[:6])
    # A complaint order closed weeks ago had its complaint settled with it: resolved as the order
    # closed, accepted by the customer at the follow-up a day later.
    settled = Complaint.objects.filter(
        source=ComplaintSource.ORDER,
        status=ComplaintStatus.OPEN,
        orders__status=OrderStatus.CLOSED,
        service_center_id=manager.service_center_id,
    ).prefetch_related("orders")
    for complaint in settled:
        [order] = complaint.orders.all()
        closed_at = order.closed_at or now
        with happened_at(closed_at, now=now) as at:
            services.resolve_complaint(
                complaint_id=complaint.pk, by=manager, resolution="随工单上门处理完毕，向客户致歉并说明原因", now=at
            )
        with happened_at(closed_at + datetime.timedelta(days=1), now=now) as at:
            services.accept_resolution(complaint_id=complaint.pk, by=agent, accepted=True, note="客户认可", now=at)
    # Each complaint opened before what followed it (a load's clock had the escalation first).
    with happened_at(now - datetime.timedelta(days=2, hours=3), now=now):
        late = services.open_complaint(
            by=agent, customer=customers[0], description="报修后三天才有人联系，生产线停了两天", cause="response"
        )
    with happened_at(now - datetime.timedelta(days=1, hours=20), now=now) as at:
        services.escalate_complaint(complaint_id=late.pk, by=agent, reason="客户要求主管出面", now=at)
    with happened_at(now - datetime.timedelta(days=1, hours=6), now=now):
        solved = services.open_complaint(
            by=agent, customer=customers[1], description="上门收费与报价不一致", cause="price"
        )
    with happened_at(now - datetime.timedelta(hours=5), now=now) as at:
        services.resolve_complaint(
            complaint_id=solved.pk, by=manager, resolution="核对后退还多收的上门费 80 元", now=at
        )
    with happened_at(now - datetime.timedelta(hours=2), now=now):
        services.open_complaint(by=agent, customer=customers[2], description="技术人员没有穿鞋套", cause="attitude")
    for index, customer in enumerate(customers):
        services.log_contact(
            by=agent,
            customer=customer,
            channel=ContactChannel.LETTER if index % 2 else ContactChannel.PHONE,
            direction=Direction.OUTBOUND if index % 2 else Direction.INBOUND,
            summary=LETTERS[index % len(LETTERS)] if index % 2 else "来电咨询设备保养周期",
            person=customer.contacts.first().name if customer.contacts.exists() else "",
            needs="两周后电话确认是否收到" if index % 2 else "",
            at=now - datetime.timedelta(days=index + 1),
        )
    campaigns = [
        ("春季客户联谊会", "event", 30, {}, "诚邀您参加我司春季客户联谊会，现场有技术讲座和保养咨询。"),
        ("老设备免费检测", "free_service", 21, {"older_than_years": 1}, "购买满一年的设备可预约一次免费上门检测。"),
        ("保养配件九折", "offer", 16, {}, "本月保养所用配件一律九折。"),
    ]
    for index, (title, kind, days_ahead, filters, message) in enumerate(campaigns):
        campaign = services.announce_campaign(
            by=manager,
            title=title,
            kind=kind,
            message=message,
            event_on=today + datetime.timedelta(days=days_ahead),
            now=now,
            **filters,
        )
        if index == 0:
            services.record_letters_sent(campaign_id=campaign.pk, by=manager, now=now)
    return {"follow-ups": FollowUpTask.objects.count()}
