"""The field workforce's demo: courses that certify the compressor and machine-tool categories (so the
dispatch board shows a technician without a certificate as not offered), certificates (one about to
expire), a week of check-ins, daily reports and a trip, expense claims at every step of the chain
(a draft, one waiting for the manager, one with materials waiting for purchasing and finance, one
approved), overtime (one flagged without work), absences (one approved today in Beijing), and a field
trainer's store visits. Loaded after the orders, through the services where a rule applies."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.selectors import is_working_day
from aftersales.customers.models import Customer
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import ServiceOrder, Visit
from aftersales.workforce.choices import AbsenceStatus, Decision
from aftersales.workforce.common import working_hours
from aftersales.workforce.models import Absence, Attendance, ClaimDecision, DailyReport, ExpenseClaim, FieldTrip
from aftersales.workforce.services import claims, overtime, training, trips

ZONE = timezone.get_fixed_timezone(8 * 60)
REPORTS = (
    "上午到客户现场，检查空压机排气温度偏高，清洗冷却器，试机正常。",
    "更换加工中心主轴皮带，调整张紧度，客户签字确认。",
    "巡检三台设备，记录运行参数，发现一处油管渗漏已处理。",
    "等待配件到货，电话回访两家客户，整理服务记录表。",
    "出差途中，下午到达现场，与客户约定明早开始调试。",
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def _working_days_before(today: datetime.date, count: int) -> list[datetime.date]:
    """The ``count`` working days before ``today`` by the working-day calendar (holidays, 调休)."""
    days, day = [], today
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day=day):
            days.append(day)
    return sorted(days)


def _job(person: User, *, by: datetime.date) -> ServiceOrder | None:
    """The person's latest order received by the day ``by`` (an expense is never before its order)."""
    received_before = _at(by + datetime.timedelta(days=1), 0)
    return (
        ServiceOrder.objects.filter(technician=person, received_at__lt=received_before).order_by("-received_at").first()
    )


def _claim(person: User, *, lines: list[tuple[str, int, str, str]], tuesday: datetime.date, submit: bool = True) -> Any:
    order = _job(person, by=tuesday - datetime.timedelta(days=max(days for _k, days, _a, _t in lines)))
    if order is None:
        return None
    claim = claims.create_claim(by=person)
    for kind, days_before, amount, text in lines:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=person,
            kind=kind,
            spent_on=tuesday - datetime.timedelta(days=days_before),
            amount=amount,
            description=text,
            order_id=order.pk,
            today=tuesday,
        )
    if submit:
        claims.submit_claim(claim_id=claim.pk, by=person, now=_at(tuesday, 9, 30))
    return claim


def _date_decisions(*, handed_in: datetime.datetime, now: datetime.datetime) -> None:
    """Each claim's approval history as it happened: submitted when handed in (``submit_claim``'s
    ``now``), each decision after the one before, spread until now. ``ClaimDecision.created_at`` is
    ``auto_now_add``, which read "submitted" at load time under "handed in 12-01" (found by a probe,
    2026-12-07); behind the services' back, demo data only."""
    rows = list(ClaimDecision.objects.filter(created_at__gte=now).order_by("claim_id", "pk"))
    by_claim: dict[int, list[ClaimDecision]] = {}
    for row in rows:
        by_claim.setdefault(row.claim_id, []).append(row)
    for history in by_claim.values():
        step = (now - handed_in) / (len(history) + 1)
        for n, row in enumerate(history):
            row.created_at = handed_in + n * step
    ClaimDecision.objects.bulk_update(rows, ["created_at"])
    for claim_id, history in by_claim.items():
        ExpenseClaim.objects.filter(pk=claim_id, decided_at__isnull=False).update(decided_at=history[-1].created_at)


def load_workforce(staff: dict[str, User], *, now: datetime.datetime) -> None:
    today = timezone.localtime(now).date()
    manager, finance, gm = staff["manager"], staff["finance"], staff["gm"]
    tech, tech2, tech3 = staff["technician"], staff["tech_sh2"], staff["tech_sh3"]
    others = [u for name, u in staff.items() if name.startswith(("tech_bj", "tech_gz"))]

    # Courses and certificates: 李建军 holds both (machine tools about to expire), 张伟 compressors only,
    # 徐海涛 none, so the board says why he is not offered a compressor or machine-tool job.
    compressor = training.create_course(
        by=manager,
        code="PX-KY",
        name="空压机维修认证",
        category="空压机",
        syllabus="结构原理、常见故障、保养周期、安全规范",
        valid_months=24,
    )
    machine = training.create_course(
        by=manager,
        code="PX-JC",
        name="数控机床维修认证",
        category="数控机床",
        syllabus="数控系统、主轴与导轨、精度检测",
        valid_months=12,
    )
    training.create_course(
        by=manager, code="PX-CZ", name="客户操作人员培训", audience="operators", syllabus="开关机、日常点检、报警处理"
    )
    year_ago = today - datetime.timedelta(days=300)
    for person, course, expires in (
        (tech, compressor, None),
        (tech, machine, today + datetime.timedelta(days=20)),
        (tech2, compressor, None),
        *((p, c, None) for p in others for c in (compressor, machine)),
    ):
        training.issue_certificate(
            by=staff["admin"],
            person=person,
            category=course.category,
            course=course,
            issued_on=year_ago,
            expires_on=expires,
            number=f"ZS-{person.pk:03d}-{course.code[-2:]}",
        )

    # A week of attendance and reports for the Shanghai technicians; 李建军 checked in this morning.
    for person in (tech, tech2, tech3):
        for n, day in enumerate(_working_days_before(today, 5)):
            Attendance.objects.create(
                person=person,
                service_center=person.service_center,
                day=day,
                checked_in_at=_at(day, 8 + n % 3 // 2, 50 + n % 3 * 3),
                checked_out_at=_at(day, 17, 35),
                in_latitude=Decimal("31.230416"),
                in_longitude=Decimal("121.473701"),
                late=n % 3 == 2,
            )
            DailyReport.objects.create(
                person=person,
                service_center=person.service_center,
                day=day,
                text=REPORTS[(n + person.pk) % len(REPORTS)],
            )
    Attendance.objects.create(
        person=tech,
        service_center=tech.service_center,
        day=today,
        checked_in_at=min(_at(today, 8, 52), now - datetime.timedelta(minutes=5)),
        in_latitude=Decimal("31.230416"),
        in_longitude=Decimal("121.473701"),
    )
    for person, destination in ((tech2, "苏州工业园区"), (tech3, "宁波北仑")):
        trip = FieldTrip.objects.create(
            person=person,
            service_center=person.service_center,
            destination=destination,
            starts_on=today - datetime.timedelta(days=9),
            ends_on=today - datetime.timedelta(days=7),
            status="returned",
            returned_at=_at(today - datetime.timedelta(days=7), 18),
            return_note="任务完成，已返回。",
        )
        trip.orders.set(ServiceOrder.objects.filter(technician=person)[:2])
    open_jobs = list(
        ServiceOrder.objects.filter(technician=tech2, status__in=OPEN_STATUSES).values_list("pk", flat=True)[:2]
    )
    trips.start_trip(
        by=tech2,
        destination="无锡新区",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
        order_ids=open_jobs,
    )
    trips.submit_weekly_summary(
        by=tech,
        week_start=today - datetime.timedelta(days=today.weekday() + 7),
        text="上周完成上门服务 6 次，回访 3 次；空压机保养 2 台。",
    )
    trips.submit_weekly_summary(
        by=tech2,
        week_start=today - datetime.timedelta(days=today.weekday() + 7),
        text="上周苏州出差 3 天，完成 2 台加工中心调试。",
    )
    trips.submit_weekly_summary(
        by=tech3,
        week_start=today - datetime.timedelta(days=today.weekday() + 7),
        text="上周宁波出差，完成空压机大修 1 台。",
    )

    # Expense claims, handed in on the last Tuesday (§12), at each step of the chain (a week earlier when
    # the demo loads on a Tuesday before they were handed in).
    tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7)
    if _at(tuesday, 9, 30) >= now:
        tuesday -= datetime.timedelta(days=7)
    approved = _claim(
        tech,
        lines=[("transport", 3, "86.00", "往返客户现场出租车"), ("meals", 3, "45.00", "出差午餐")],
        tuesday=tuesday,
    )
    if approved is not None:
        for by in (manager, finance, gm):
            claims.decide_claim(claim_id=approved.pk, by=by, decision=Decision.APPROVED)
    _claim(
        tech,
        lines=[("lodging", 2, "268.00", "苏州出差住宿一晚"), ("transport", 2, "39.50", "高铁站至现场")],
        tuesday=tuesday,
    )
    materials = _claim(
        tech2,
        lines=[("materials", 4, "128.50", "现场采购密封圈、管接头"), ("transport", 4, "52.00", "往返现场")],
        tuesday=tuesday,
    )
    if materials is not None:
        claims.decide_claim(claim_id=materials.pk, by=manager, decision=Decision.APPROVED)
    sent_back = _claim(tech3, lines=[("other", 1, "60.00", "停车费")], tuesday=tuesday)
    if sent_back is not None:
        claims.decide_claim(claim_id=sent_back.pk, by=manager, decision=Decision.SENT_BACK, reason="请补充停车票据照片")
    _claim(tech, lines=[("meals", 0, "32.00", "加班晚餐")], tuesday=tuesday, submit=False)
    _date_decisions(handed_in=_at(tuesday, 9, 30), now=now)

    # Overtime (60 a day): one approved, one waiting, one flagged without any work recorded.
    last_saturday = today - datetime.timedelta(days=(today.weekday() - 5) % 7 or 7)
    Attendance.objects.create(
        person=tech,
        service_center=tech.service_center,
        day=last_saturday,
        checked_in_at=_at(last_saturday, 10),
        checked_out_at=_at(last_saturday, 15),
    )
    first = overtime.record_overtime(by=tech, day=last_saturday, note="周六抢修空压机")
    overtime.decide_overtime(overtime_id=first.pk, by=manager, approve=True)
    overtime.record_overtime(by=tech2, day=_working_days_before(today, 2)[0], note="晚间调试至 21 点")
    overtime.record_overtime(by=tech3, day=last_saturday - datetime.timedelta(days=1), note="周五夜间值守")

    # Absences: 杨帆 (Beijing) is away today (approved: not offered for dispatch); requests in Shanghai.
    morning = _at(today, 8)
    for person, start, hours, status, reason in (
        (staff["tech_bj1"], morning, 16, AbsenceStatus.APPROVED, "病假（已提供病历）"),
        (tech, morning + datetime.timedelta(days=3), 4, AbsenceStatus.REQUESTED, "孩子家长会"),
        (tech3, morning + datetime.timedelta(days=6), 9, AbsenceStatus.REQUESTED, "事假"),
        (tech2, morning - datetime.timedelta(days=12), 9, AbsenceStatus.APPROVED, "年假"),
    ):
        Absence.objects.create(
            person=person,
            service_center=person.service_center,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            reason=reason,
            status=status,
            decided_by=manager if status == AbsenceStatus.APPROVED else None,
        )

    # A field trainer's store days this month (§4: at least 20), each form signed by the store.
    stores = list(Customer.objects.filter(service_center=tech3.service_center).order_by("pk")[:3])
    for n, day in enumerate(_working_days_before(today, 3)):
        training.record_store_visit(
            by=tech3, customer_id=stores[n % len(stores)].pk, day=day, notes="驻店培训操作人员，检查设备点检记录。"
        )


# Where each centre's technicians check in (the centre's city).
POSITIONS = {
    "SH": (Decimal("31.230416"), Decimal("121.473701")),
    "BJ": (Decimal("39.904202"), Decimal("116.407394")),
    "GZ": (Decimal("23.129110"), Decimal("113.264385")),
}


def _visit_spans(people: list[User], since: datetime.date) -> dict[tuple[int, datetime.date], tuple[Any, Any]]:
    """(technician, local day of arrival) → (first arrival, last departure or arrival) of that day."""
    spans: dict[tuple[int, datetime.date], tuple[Any, Any]] = {}
    visits = Visit.objects.filter(technician__in=people, arrived_at__gte=_at(since, 0)).values_list(
        "technician_id", "arrived_at", "departed_at"
    )
    for person_id, arrived, departed in visits:
        key = (person_id, timezone.localtime(arrived).date())
        first, last = spans.get(key, (arrived, arrived))
        spans[key] = (min(first, arrived), max(last, departed or arrived))
    return spans


def load_attendance(staff: dict[str, User], *, now: datetime.datetime, since: datetime.date) -> int:
    """Every technician of every centre checks in on each working day of the calendar from ``since``
    (the first day of the demo's oldest month) until yesterday, except on an approved absence, and on
    any other day they visited a customer (a call-out on a weekend, or today): in before the day's
    first arrival, out after its last departure (today: not yet out). Days recorded already are kept.
    Found by a probe, 2026-12-07: the November report read 李建军 at 204.5 % utilisation, as attendance
    covered Shanghai's last week only while the visits spanned 80 days. Called again once every visit
    of the demo is made; returns the number of days added. Written directly, as the week above: the
    check-in service stamps the moment it is called."""
    today = timezone.localtime(now).date()
    people = [u for u in staff.values() if u.role == Role.TECHNICIAN]
    spans = _visit_spans(people, since)
    kept = set(Attendance.objects.filter(person__in=people, day__gte=since).values_list("person_id", "day"))
    away = [
        (a.person_id, a.starts_at, a.ends_at)
        for a in Absence.objects.filter(person__in=people, status=AbsenceStatus.APPROVED, ends_at__gt=_at(since, 0))
    ]
    working = {}
    day = since
    while day <= today:
        working[day] = is_working_day(day=day)
        day += datetime.timedelta(days=1)
    rows = []
    for person in people:
        start, end, _notice = working_hours(person.service_center_id)
        latitude, longitude = POSITIONS.get(person.service_center.code, (None, None))
        for day, worked in working.items():
            span = spans.get((person.pk, day))
            if (person.pk, day) in kept:
                continue
            absent = any(p == person.pk and s < _at(day, 17) and e > _at(day, 9) for p, s, e in away)
            if span is None and (day == today or not worked or absent):
                continue
            jitter = (person.pk + day.toordinal()) % 12  # 08:45–08:56, out 17:35–17:46
            checked_in = _at(day, 8, 45 + jitter)
            checked_out: datetime.datetime | None = _at(day, 17, 35 + jitter)
            if span is not None:
                checked_in = min(checked_in, span[0] - datetime.timedelta(minutes=10))
                checked_out = max(checked_out, span[1] + datetime.timedelta(minutes=15))
            if day == today or checked_out >= now:
                checked_out = None  # the day is not over
            local_in = timezone.localtime(checked_in)
            rows.append(
                Attendance(
                    person=person,
                    service_center_id=person.service_center_id,
                    day=day,
                    checked_in_at=checked_in,
                    checked_out_at=checked_out,
                    in_latitude=latitude,
                    in_longitude=longitude,
                    late=local_in.date() == day and local_in.time() > start,
                    left_early=checked_out is not None and timezone.localtime(checked_out).time() < end,
                )
            )
    Attendance.objects.bulk_create(rows)
    return len(rows)
