"""The demo's customer care (issue 11): the follow-ups of the closed orders spread around today (some
due, some overdue, some still to come), calls made with their scores (one low score opens a complaint
by itself, one call not reached waits for its retry), complaints at every stage, and contacts logged.

Everything goes through care's services, after the orders exist (``DemoLoader.load``)."""

import datetime
import random

from aftersales.accounts.models import User
from aftersales.calendars.selectors import WorkingCalendar
from aftersales.care import services
from aftersales.care.choices import ContactChannel, Direction, Outcome, Purpose, TaskStatus
from aftersales.care.models import FollowUpTask
from aftersales.customers.models import Customer

# How many working days before today each closed order's unit was handed back, in turn: the
# call-backs and first follow-ups of the older ones are due or overdue today.
HANDED_BACK_DAYS_AGO = (1, 2, 3, 4, 6, 8, 0, 5)
NOTES = ("设备运行正常，很满意", "师傅很专业", "上门比约定晚了一点", "希望以后能提前电话通知", "")
LETTERS = ("寄出年度保养提醒函", "寄出服务满意度调查函", "寄出新品推介会邀请函")


def _shift_windows(today: datetime.date) -> None:
    """Place each open task's window as if its unit had been handed back a few working days ago."""
    calendar = WorkingCalendar()
    tasks = list(FollowUpTask.objects.filter(status=TaskStatus.OPEN).order_by("order_id", "purpose"))
    orders = sorted({task.order_id for task in tasks if task.order_id})
    for task in tasks:
        ago = HANDED_BACK_DAYS_AGO[orders.index(task.order_id) % len(HANDED_BACK_DAYS_AGO)] if task.order_id else 0
        handed_back = calendar.working_days_before(day=today, days=ago)
        opens, closes = (1, 2) if task.purpose == Purpose.CALLBACK else (3, 5)
        task.opens_on = calendar.add_working_days(start=handed_back, days=opens).day
        task.closes_on = calendar.add_working_days(start=handed_back, days=closes).day
        task.save(update_fields=["opens_on", "closes_on", "updated_at"])


def load_care(*, staff: dict[str, User], rng: random.Random, now: datetime.datetime) -> dict[str, int]:
    today = now.date()
    _shift_windows(today)
    agent, manager = staff["agent"], staff["manager"]
    shanghai = FollowUpTask.objects.filter(service_center=agent.service_center, status=TaskStatus.OPEN)
    callbacks = list(shanghai.filter(purpose=Purpose.CALLBACK).order_by("closes_on", "order_id"))
    # The oldest call-backs are made: good scores, one low score (a complaint by itself), one not
    # reached (to retry); the rest stay due or overdue.
    for index, task in enumerate(callbacks[:-1]):
        if index == 1:
            services.record_call(task_id=task.pk, by=agent, outcome=Outcome.NOT_REACHED, now=now)
            continue
        score = 2 if index == 0 else rng.choice((4, 5))
        services.record_call(
            task_id=task.pk,
            by=agent,
            outcome=Outcome.REACHED,
            score=score,
            expected=4,
            perceived=score,
            nps=rng.choice((8, 9, 10)) if score > 2 else 3,
            notes="维修后还是有异响，客户很不满" if score == 2 else rng.choice(NOTES),
            now=now,
        )
    # Some tasks are given to the agent, the rest stay in the pool.
    for task in shanghai.filter(purpose=Purpose.FIRST).order_by("order_id")[:4]:
        services.assign_follow_up(task_id=task.pk, by=manager, to=agent)

    customers = list(Customer.objects.filter(service_center=agent.service_center).order_by("pk")[:6])
    late = services.open_complaint(
        by=agent, customer=customers[0], description="报修后三天才有人联系，生产线停了两天", cause="response"
    )
    services.escalate_complaint(complaint_id=late.pk, by=agent, reason="客户要求主管出面", now=now)
    solved = services.open_complaint(by=agent, customer=customers[1], description="上门收费与报价不一致", cause="price")
    services.resolve_complaint(complaint_id=solved.pk, by=manager, resolution="核对后退还多收的上门费 80 元")
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
